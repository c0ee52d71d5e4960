"""Where the tests keep their data: the embedded defaults, or real servers.

`scripts/test-servers.sh` starts PostgreSQL and a Chroma server on loopback and runs the suite
again with CX_TEST_SERVERS=1, CX_DATABASE_URL and CX_CHROMA_HOST/CX_CHROMA_PORT. Every test then
gets a PostgreSQL database and a Chroma database of its own (both created empty and dropped
afterwards), so tests sharing the servers never see each other's rows or vectors. A whole
database (not a schema) keeps the URL plain, so code that derives URLs from it still works.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chromadb.api import ClientAPI
from sqlalchemy.engine import make_url

from ingest.vectors import make_client

ENABLED = os.environ.get("CX_TEST_SERVERS") == "1"
# Read once at import, before any test narrows them to databases of its own.
_DATABASE_URL = os.environ.get("CX_DATABASE_URL", "")
_CHROMA_HOST = os.environ.get("CX_CHROMA_HOST", "")
_CHROMA_PORT = int(os.environ.get("CX_CHROMA_PORT") or 8000)

# The settings a test must not inherit from a developer's shell in the embedded run.
SERVER_SETTINGS = (
    "CX_DATABASE_URL",
    "CX_CHROMA_HOST",
    "CX_CHROMA_PORT",
    "CX_CHROMA_TENANT",
    "CX_CHROMA_DATABASE",
)


def skip_reason() -> str | None:
    """Why server-only tests cannot run (None when they can)."""
    if not ENABLED:
        return "needs real servers: run scripts/test-servers.sh (CX_TEST_SERVERS=1)"
    if not _DATABASE_URL.startswith("postgresql") or not _CHROMA_HOST:
        return "CX_TEST_SERVERS=1 needs CX_DATABASE_URL (PostgreSQL) and CX_CHROMA_HOST"
    return None


@dataclass(frozen=True)
class Backend:
    """One test's storage. All None: SQLite and embedded Chroma under the test's data folder."""

    database_url: str | None = None
    chroma_host: str | None = None
    chroma_port: int = 8000
    chroma_database: str | None = None

    @property
    def servers(self) -> bool:
        return self.chroma_host is not None

    def store_url(self, data_dir: Path) -> str:
        return self.database_url or f"sqlite:///{data_dir / 'cx.db'}"

    def client(self, data_dir: Path) -> ClientAPI:
        return make_client(
            data_dir=data_dir,
            host=self.chroma_host,
            port=self.chroma_port,
            database=self.chroma_database,
        )

    def settings(self) -> dict[str, Any]:
        """The same as `env()`, as keyword arguments of `Settings(...)`."""
        return {name.removeprefix("CX_").lower(): value for name, value in self.env().items()}

    def env(self) -> dict[str, str]:
        """The settings that point a `cxbot` process (or `Settings()`) at this storage."""
        if not self.servers:
            return {}
        assert self.database_url and self.chroma_host and self.chroma_database
        return {
            "CX_DATABASE_URL": self.database_url,
            "CX_CHROMA_HOST": self.chroma_host,
            "CX_CHROMA_PORT": str(self.chroma_port),
            "CX_CHROMA_DATABASE": self.chroma_database,
        }


EMBEDDED = Backend()


def _admin_dsn() -> str:
    """libpq form of the SQLAlchemy URL, for psycopg itself."""
    return make_url(_DATABASE_URL).set(drivername="postgresql").render_as_string(False)


def _chroma_admin() -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    return chromadb.AdminClient(
        ChromaSettings(
            anonymized_telemetry=False,
            chroma_api_impl="chromadb.api.fastapi.FastAPI",
            chroma_server_host=_CHROMA_HOST,
            chroma_server_http_port=_CHROMA_PORT,
        )
    )


@contextlib.contextmanager
def isolated() -> Iterator[Backend]:
    """A new empty PostgreSQL database and Chroma database, dropped on exit."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    url = make_url(_DATABASE_URL).set(database=name)
    admin = _chroma_admin()
    with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    admin.create_database(name)
    try:
        yield Backend(
            database_url=url.render_as_string(hide_password=False),
            chroma_host=_CHROMA_HOST,
            chroma_port=_CHROMA_PORT,
            chroma_database=name,
        )
    finally:
        with psycopg.connect(_admin_dsn(), autocommit=True) as conn:
            # FORCE: a store a test (or a killed bot process) left open must not block it.
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.delete_database(name)


_wider: contextlib.ExitStack | None = None


@contextlib.contextmanager
def session() -> Iterator[None]:
    """Drops, at the end, the storage that fixtures wider than one test asked for."""
    global _wider
    with contextlib.ExitStack() as stack:
        _wider = stack
        try:
            yield
        finally:
            _wider = None


def current() -> Backend:
    """The running test's backend (through the environment, as `Settings()` sees it).

    A module- or session-scoped fixture runs outside any one test: it gets storage of its own
    (not shared with another fixture's index), dropped when the session ends."""
    if not ENABLED:
        return EMBEDDED
    database = os.environ.get("CX_CHROMA_DATABASE")
    if database:
        return Backend(
            database_url=os.environ["CX_DATABASE_URL"],
            chroma_host=_CHROMA_HOST,
            chroma_port=_CHROMA_PORT,
            chroma_database=database,
        )
    if _wider is None:
        raise RuntimeError("tests.servers.session() is not active (see tests/conftest.py)")
    return _wider.enter_context(isolated())
