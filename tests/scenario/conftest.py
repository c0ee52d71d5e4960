"""Scenario fixtures: the shared app-under-test harness (tests/harness.py) on a small
knowledge folder indexed once with the real model, and no chat model unless a module gives
one."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering.chat_model import ChatModel
from ingest.embeddings import Embedder
from ingest.index import KnowledgeIndex
from tests.conftest import (
    ANNOUNCEMENTS,
    REFUNDS_EN,
    REFUNDS_JA,
    VISION,
    WAREHOUSE_EN,
    make_index,
    write,
)
from tests.harness import Harness, bot_settings, fake_slack, open_store, running_bot


@pytest.fixture(scope="session")
def shared_scenario_index(
    tmp_path_factory: pytest.TempPathFactory, real_embedder: Embedder
) -> tuple[KnowledgeIndex, Path]:
    root = tmp_path_factory.mktemp("scenario")
    knowledge = root / "knowledge"
    write(knowledge / "en" / "refunds.md", REFUNDS_EN)
    write(knowledge / "ja" / "refunds.md", REFUNDS_JA)
    write(knowledge / "en" / "warehouse.md", WAREHOUSE_EN)
    write(knowledge / "en" / "announcements.md", ANNOUNCEMENTS)
    write(knowledge / "en" / "vision.md", VISION)
    index = make_index(root / "data", real_embedder)
    index.sync_folder(knowledge)
    return index, knowledge


@pytest.fixture(scope="session")
def scenario_index(
    shared_scenario_index: tuple[KnowledgeIndex, Path],
) -> tuple[KnowledgeIndex, Path]:
    return shared_scenario_index


@pytest.fixture()
def chat_model() -> ChatModel | None:
    """No chat model by default; a module may override this fixture with a fake one."""
    return None


@pytest.fixture()
def harness(
    tmp_path: Path, scenario_index: tuple[KnowledgeIndex, Path], chat_model: ChatModel | None
) -> Iterator[Harness]:
    index, knowledge = scenario_index
    with fake_slack() as fake:
        settings = bot_settings(fake, knowledge, tmp_path / "data", owners="Ken Sato=UKEN")
        with (
            open_store(settings) as store,
            running_bot(settings, fake=fake, index=index, store=store, chat=chat_model) as bot,
        ):
            yield bot
