"""A Chroma server that goes away and comes back: questions are answered from the lexical
side with a note while it is down, and normally again once it returns. The test runs its own
`chroma run` (the one from the chromadb package), so stopping it disturbs nothing else."""

from __future__ import annotations

import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.answering.prompts import message
from bot.answering.service import AnsweringService
from ingest.embeddings import Embedder
from ingest.index import KnowledgeIndex
from ingest.vectors import make_client

CHROMA = shutil.which("chroma") or str(Path(__file__).resolve().parents[2] / ".venv/bin/chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ChromaServer:
    def __init__(self, path: Path, port: int) -> None:
        self.path, self.port = path, port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                CHROMA,
                "run",
                "--path",
                str(self.path),
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                url = f"http://127.0.0.1:{self.port}/api/v2/heartbeat"
                with urllib.request.urlopen(url, timeout=1):
                    return
            except OSError:
                assert self.process.poll() is None, "chroma run exited"
                time.sleep(0.1)
        raise TimeoutError("the Chroma server did not start")

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=30)


@pytest.fixture()
def chroma(tmp_path: Path) -> Iterator[ChromaServer]:
    if not Path(CHROMA).exists():
        pytest.skip("the chroma command is not installed")
    server = ChromaServer(tmp_path / "chroma", _free_port())
    server.start()
    try:
        yield server
    finally:
        server.kill()


def test_questions_survive_the_chroma_server_going_away(
    tmp_path: Path,
    knowledge: Path,
    real_embedder: Embedder,
    chroma: ChromaServer,
) -> None:
    index = KnowledgeIndex(
        data_dir=tmp_path / "data",
        embedder=real_embedder,
        client=make_client(data_dir=tmp_path / "data", host="127.0.0.1", port=chroma.port),
    )
    index.sync_folder(knowledge)
    service = AnsweringService(index=index)
    question = "How much can store staff refund without approval?"
    before = service.answer(question)
    assert before.answered and before.note is None

    chroma.kill()
    during = service.answer(question)
    assert during.answered, "words alone still find the refund policy"
    assert during.sources[0].path == before.sources[0].path
    assert during.note == message("note_lexical_only", "en")

    chroma.start()  # the same folder and port: the vectors are still there
    after = service.answer(question)
    assert after.answered and after.note is None
    assert [s.path for s in after.sources] == [s.path for s in before.sources]
