"""Shared fixtures: the real bundled embedding model, loaded once, and small indexes."""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np
import pytest

from ingest.bundled_e5 import BundledE5Embedder
from ingest.embeddings import Embedder, Vectors
from ingest.index import KnowledgeIndex
from tests import servers
from tests.servers import Backend

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent


class MemoEmbedder:
    """The real model, remembering each passage's vector for the session: many tests index
    the same small files, and the model is the slow part. Vectors are the model's own."""

    def __init__(self, inner: BundledE5Embedder) -> None:
        self.inner = inner
        self.languages = inner.languages
        self._passages: dict[str, Vectors] = {}

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        missing = [t for t in dict.fromkeys(texts) if t not in self._passages]
        if missing:
            self._passages.update(zip(missing, self.inner.embed_passages(missing), strict=True))
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.stack([self._passages[t] for t in texts])

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.inner.embed_queries(texts)

    def warm_up(self) -> None:
        self.inner.warm_up()


class CountingEmbedder:
    """The real embedder, counting how many passages it embeds (to prove reuse)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.passages = 0
        self.fail_after: int | None = None

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        if self.fail_after is not None and self.passages + len(texts) > self.fail_after:
            raise RuntimeError("simulated crash while embedding")
        self.passages += len(texts)
        return self.inner.embed_passages(texts)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self.inner.embed_queries(texts)


@pytest.fixture(scope="session")
def real_embedder() -> MemoEmbedder:
    embedder = MemoEmbedder(BundledE5Embedder())
    embedder.warm_up()
    return embedder


@pytest.fixture()
def embedder(real_embedder: MemoEmbedder) -> CountingEmbedder:
    return CountingEmbedder(real_embedder)


@pytest.fixture(autouse=True)
def backend(monkeypatch: pytest.MonkeyPatch) -> Iterator[Backend]:
    """This test's storage: embedded, or (CX_TEST_SERVERS=1) its own PostgreSQL database and
    Chroma database, exported as CX_* variables so `Settings()` and `cxbot` use them too."""
    if not servers.ENABLED:
        for name in servers.SERVER_SETTINGS:
            monkeypatch.delenv(name, raising=False)
        yield servers.EMBEDDED
        return
    reason = servers.skip_reason()
    if reason:
        pytest.fail(reason)
    with servers.isolated() as own:
        for name, value in own.env().items():
            monkeypatch.setenv(name, value)
        yield own


# Tiers (DESIGN.md): tests/unit runs on fakes; anything needing the real model is marked.
_MODEL_FIXTURES = frozenset({"real_embedder", "embedder"})


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if _MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.model)


@pytest.fixture(scope="session", autouse=True)
def wider_backends() -> Iterator[None]:
    """Storage of module- and session-scoped fixtures lives until the session ends."""
    with servers.session():
        yield


def make_index(data_dir: Path, embedder: object, **kwargs: object) -> KnowledgeIndex:
    """An index on the running test's backend (`tests.servers.current()`)."""
    return KnowledgeIndex(
        data_dir=data_dir,
        embedder=embedder,  # type: ignore[arg-type]
        client=servers.current().client(data_dir),
        dense_languages=getattr(embedder, "languages", None),
        **kwargs,  # type: ignore[arg-type]
    )


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


REFUNDS_EN = """---
title: Refunds and remedies
type: policy
roles: [customer-support, store-staff]
language: en
owner: Aiko Tanaka
updated: 2026-05-01
review_by: 2027-05-01
---
# Refunds and remedies

## What you can decide alone
Support agents may refund up to ¥10,000 per case without approval. Store staff may refund up
to ¥5,000 or exchange an item of the same value.

## Above your limit
Ask your team lead, who may approve up to ¥50,000. Above that the CX lead decides within one
business day.
"""

REFUNDS_JA = """---
title: 返金と補償
type: policy
roles: [customer-support, store-staff]
language: ja
owner: 田中 愛子
updated: 2026-05-01
review_by: 2027-05-01
---
# 返金と補償

## 自分で決められること
サポート担当は1件あたり1万円まで、承認なしで返金できます。店舗スタッフは5,000円までの返金、または同額商品との交換ができます。

## 上限を超えるとき
チームリーダーに相談してください。5万円まで承認できます。それを超える場合はCXリードが1営業日以内に判断します。
"""

WAREHOUSE_EN = """---
title: Warehouse guide
type: role-guide
roles: [warehouse]
language: en
owner: Ken Sato
updated: 2026-03-01
review_by: 2026-06-30
---
# Warehouse guide

## How you touch the customer
The box you pack is the first physical thing the customer sees. Pack it so it arrives
undamaged and looks cared for.

## What you can decide alone
You may authorise a free re-delivery or express reshipment of a missing item up to ¥8,000.
"""

VISION = """---
title: Our CX vision
type: vision
language: en
owner: Aiko Tanaka
---
# Our CX vision

## Our mantra
"Make every day feel like home."

## Our values

### 1. Own it
Whoever hears about a problem owns it until it is solved: call the customer back, follow the
order through, never pass them around.

### 2. Be warm and human
Speak like a neighbour, not a policy. Kind words, a smile, a handwritten note, patience with
an elderly customer.
"""

ANNOUNCEMENTS = """---
title: Store announcements
type: playbook
roles: [store-staff]
owner: Aiko Tanaka
---
# Store announcements

## Tannoy messages
For a lost child announcement, say "Attention <!channel>, please ask <@U123> at the desk" and
never read out the child's full name over the tannoy.
"""


@pytest.fixture()
def knowledge(tmp_path: Path) -> Path:
    root = tmp_path / "knowledge"
    write(root / "en" / "refunds.md", REFUNDS_EN)
    write(root / "ja" / "refunds.md", REFUNDS_JA)
    write(root / "en" / "warehouse.md", WAREHOUSE_EN)
    return root
