"""The dense side: a Chroma collection with an explicit embedding function, cosine space."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from chromadb.api import ClientAPI
from chromadb.api.types import Documents, EmbeddingFunction, Embeddings

from ingest.embeddings import Embedder, Vectors

_BATCH = 500


class ChromaEmbeddingFunction(EmbeddingFunction[Documents]):
    """Hands Chroma our embedder so it never falls back to its own downloading default."""

    def __init__(self, embedder: Embedder) -> None:
        self._embedder = embedder

    def __call__(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_passages(list(input)))

    def embed_query(self, input: Documents) -> Embeddings:
        return list(self._embedder.embed_queries(list(input)))

    @staticmethod
    def name() -> str:
        return "cx-assistant"

    def default_space(self) -> str:  # type: ignore[override]
        return "cosine"

    def get_config(self) -> dict[str, Any]:
        return {}

    @staticmethod
    def build_from_config(config: dict[str, Any]) -> ChromaEmbeddingFunction:
        raise NotImplementedError("CX Assistant passes its embedding function explicitly")


def make_client(
    *,
    data_dir: Path,
    host: str | None = None,
    port: int = 8000,
    tenant: str | None = None,
    database: str | None = None,
) -> ClientAPI:
    """Embedded Chroma under the data folder, or a Chroma server when a host is given.

    `tenant`/`database` pick a namespace (Chroma's own): staging and production, or tests, can
    share one server without seeing each other's collections. Missing ones are created, so a
    new namespace needs no manual step."""
    import chromadb
    from chromadb.config import DEFAULT_DATABASE, DEFAULT_TENANT
    from chromadb.config import Settings as ChromaSettings
    from chromadb.errors import NotFoundError

    tenant = tenant or DEFAULT_TENANT
    database = database or DEFAULT_DATABASE
    if host:
        settings = ChromaSettings(
            anonymized_telemetry=False,
            chroma_api_impl="chromadb.api.fastapi.FastAPI",
            chroma_server_host=host,
            chroma_server_http_port=port,
        )
    else:
        path = data_dir / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        settings = ChromaSettings(
            anonymized_telemetry=False, is_persistent=True, persist_directory=str(path)
        )
    if (tenant, database) != (DEFAULT_TENANT, DEFAULT_DATABASE):
        admin = chromadb.AdminClient(settings)
        try:
            admin.get_tenant(tenant)
        except NotFoundError:
            admin.create_tenant(tenant)
        try:
            admin.get_database(database, tenant=tenant)
        except NotFoundError:
            admin.create_database(database, tenant=tenant)
    if host:
        return chromadb.HttpClient(
            host=host, port=port, settings=settings, tenant=tenant, database=database
        )
    return chromadb.PersistentClient(
        path=settings.persist_directory, settings=settings, tenant=tenant, database=database
    )


def collection_name(model: str, query_prefix: str, passage_prefix: str) -> str:
    """One collection per embedding model: vectors of two models must never mix."""
    slug = re.sub(r"[^a-z0-9]+", "-", Path(model).name.lower()).strip("-")[:30] or "model"
    digest = hashlib.sha256(f"{model}\0{query_prefix}\0{passage_prefix}".encode()).hexdigest()
    return f"cx-{slug}-{digest[:8]}"


def reopen_embedded(client: ClientAPI) -> ClientAPI:
    """A fresh view of an embedded Chroma folder that another process has written to.

    Embedded Chroma keeps its vector index in memory and does not see another process's
    writes once they are compacted to disk ("Error finding id"). Dropping this folder's cached
    system and opening it again reads the folder as it is now; clients of other folders are
    untouched. A Chroma server needs none of this and is returned as it is."""
    from chromadb.api.shared_system_client import SharedSystemClient

    settings = client.get_settings()
    if not settings.is_persistent or settings.chroma_server_host:
        return client
    import chromadb
    from chromadb.config import DEFAULT_DATABASE, DEFAULT_TENANT

    identifier = SharedSystemClient._get_identifier_from_settings(settings)
    SharedSystemClient._identifier_to_system.pop(identifier, None)
    SharedSystemClient._identifier_to_refcount.pop(identifier, None)
    return chromadb.PersistentClient(
        path=str(settings.persist_directory),
        settings=settings,
        tenant=getattr(client, "tenant", DEFAULT_TENANT),
        database=getattr(client, "database", DEFAULT_DATABASE),
    )


class VectorStore:
    def __init__(self, client: ClientAPI, name: str, embedder: Embedder) -> None:
        self.name = name
        self._client = client
        self._embedder = embedder
        self._collection = self._open()

    def _open(self) -> Any:
        return self._client.get_or_create_collection(
            name=self.name,
            embedding_function=ChromaEmbeddingFunction(self._embedder),  # type: ignore[arg-type]
            configuration={"hnsw": {"space": "cosine"}},
        )

    def refresh(self) -> None:
        """See another process's writes (embedded Chroma only; a server is always current)."""
        client = reopen_embedded(self._client)
        if client is not self._client:
            self._client = client
            self._collection = self._open()

    def count(self) -> int:
        return int(self._collection.count())

    def existing(self, ids: Sequence[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(ids), _BATCH):
            batch = list(ids[start : start + _BATCH])
            found.update(self._collection.get(ids=batch, include=[])["ids"])
        return found

    def all_ids(self) -> set[str]:
        return set(self._collection.get(include=[])["ids"])

    def add(
        self,
        ids: Sequence[str],
        vectors: Vectors,
        documents: Sequence[str],
        metadatas: Sequence[dict[str, str | int | float | bool]],
    ) -> None:
        for start in range(0, len(ids), _BATCH):
            end = start + _BATCH
            self._collection.upsert(
                ids=list(ids[start:end]),
                embeddings=vectors[start:end],
                documents=list(documents[start:end]),
                metadatas=list(metadatas[start:end]),
            )

    def delete(self, ids: Iterable[str]) -> None:
        batch = list(ids)
        for start in range(0, len(batch), _BATCH):
            self._collection.delete(ids=batch[start : start + _BATCH])

    def query(
        self, vector: Vectors, k: int, *, audiences: Sequence[str] | None = None
    ) -> list[tuple[str, float]]:
        """Nearest chunks with cosine similarity (1 - cosine distance). `audiences`: only
        chunks with one of these audience keys (filtered before the nearest are chosen)."""
        # No count() first: it is a round trip of its own, and Chroma returns what it has.
        where = None if audiences is None else {"audience": {"$in": list(audiences)}}
        result = self._collection.query(
            query_embeddings=vector.reshape(1, -1),
            n_results=k,
            where=where,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=False)]

    def vectors(self, ids: Sequence[str]) -> dict[str, Vectors]:
        """Stored vectors by id, to score candidates that the dense search did not return."""
        result = self._collection.get(ids=list(ids), include=["embeddings"])
        embeddings = result.get("embeddings")
        if embeddings is None:
            return {}
        return {
            cid: np.asarray(vec, dtype=np.float32)
            for cid, vec in zip(result["ids"], embeddings, strict=False)
        }
