"""An ingest killed mid-way (SIGKILL while embedding, as an OOM killer or a redeploy would):
questions are still answered from the previous generation, and the next ingest completes,
reusing the vectors the killed one had already written. (Crash safety of the index itself
is tested in-process in tests/integration/test_index.py; this is the whole process.)"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bot.answering.service import AnsweringService
from bot.settings import Settings
from ingest.embeddings import Embedder
from ingest.index import KnowledgeIndex
from ingest.vectors import make_client
from tests.conftest import REFUNDS_EN, WAREHOUSE_EN, write

CXBOT = str(Path(sys.executable).parent / "cxbot")
QUESTION = "How much can store staff refund without approval?"


def synthetic_note(number: int) -> str:
    sections = "\n\n".join(
        f"## Shift routine {s}\n"
        + " ".join(
            f"Store {number} step {s}.{i}: check aisle {number * 7 + i} and greet customers "
            f"waiting at counter {i}, then log ticket {number}-{s}-{i} for the morning team."
            for i in range(9)
        )
        for s in range(3)
    )
    front = f"---\ntitle: Store note {number}\ntype: playbook\n---\n"
    return f"{front}# Store note {number}\n\n{sections}\n"


def cxbot(data: Path, knowledge: Path, *args: str) -> subprocess.Popen[str]:
    env = os.environ | {
        "CX_DATA_DIR": str(data),
        "CX_KNOWLEDGE_DIR": str(knowledge),
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    env.pop("CX_DATABASE_URL", None)
    env.pop("CX_CHROMA_HOST", None)
    return subprocess.Popen(
        [CXBOT, *args],
        cwd=data.parent,  # no .env from the repository
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def vectors_written(data: Path) -> int:
    try:
        with sqlite3.connect(f"file:{data / 'chroma' / 'chroma.sqlite3'}?mode=ro", uri=True) as db:
            return int(db.execute("SELECT count(*) FROM embeddings").fetchone()[0])
    except sqlite3.Error:  # not created yet, or busy: look again
        return -1


def ask(data: Path, knowledge: Path, embedder: Embedder) -> tuple[str | None, bool, list[str]]:
    """The bot's view of the index (as `build_index` opens it, with the session's model
    loaded once): its generation, and an answer to QUESTION."""
    settings = Settings(_env_file=None, data_dir=data, knowledge_dir=knowledge)  # type: ignore[call-arg]
    index = KnowledgeIndex(
        data_dir=data,
        embedder=embedder,
        client=make_client(data_dir=data),
        dense_languages=settings.dense_languages(),
    )
    answer = AnsweringService(index=index).answer(QUESTION)
    return index.store.current_generation(), answer.answered, [s.path for s in answer.sources]


@pytest.mark.slow
def test_killed_ingest_keeps_the_old_generation_and_the_next_one_reuses_vectors(
    tmp_path: Path, real_embedder: Embedder
) -> None:
    data, knowledge = tmp_path / "data", tmp_path / "knowledge"
    write(knowledge / "en" / "refunds.md", REFUNDS_EN)
    write(knowledge / "en" / "warehouse.md", WAREHOUSE_EN)
    first = cxbot(data, knowledge, "ingest", "--json")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    before = vectors_written(data)
    generation, answered, sources = ask(data, knowledge, real_embedder)
    assert generation and answered and "en/refunds.md" in sources

    for number in range(50):  # ~150 chunks: two embedding batches
        write(knowledge / "notes" / f"note-{number:03d}.md", synthetic_note(number))
    killed = cxbot(data, knowledge, "ingest", "--json")
    deadline = time.monotonic() + 300
    while vectors_written(data) <= before and time.monotonic() < deadline:
        assert killed.poll() is None, killed.communicate()[1]
        time.sleep(0.05)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=30)
    written = vectors_written(data)
    assert written > before  # killed mid-way: some new vectors, not all

    # The bot still answers, from the generation before the kill.
    after_kill, answered, sources = ask(data, knowledge, real_embedder)
    assert after_kill == generation and answered and "en/refunds.md" in sources

    rerun = cxbot(data, knowledge, "ingest", "--json")
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    report = json.loads(out)
    assert len(report["added"]) == 50
    assert report["chunks_reused"] >= written - before > 0  # nothing embedded twice
    assert report["chunks_embedded"] + report["chunks_reused"] >= 150
    final, answered, _ = ask(data, knowledge, real_embedder)
    assert final != generation and answered
