"""An ingest in another process (`cxbot ingest --watch` beside the bot) with embedded Chroma:
the bot's process must read the new generation's vectors, not fail on ids it cannot find."""

from __future__ import annotations

import subprocess
import sys
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from ingest.embeddings import Vectors
from ingest.index import KnowledgeIndex
from ingest.vectors import make_client
from tests.conftest import ROOT, write


class HashEmbedder:
    """Deterministic word-hash vectors: cheap enough to index thousands of chunks in a test
    whose subject is Chroma across processes, not the model."""

    name = "test-hash-embedder"
    dimension = 32

    def _embed(self, texts: Sequence[str]) -> Vectors:
        vectors = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                vectors[row, zlib.crc32(word.encode()) % self.dimension] += 1.0
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.maximum(norms, 1e-9)

    def embed_passages(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts)

    def embed_queries(self, texts: Sequence[str]) -> Vectors:
        return self._embed(texts)


def open_index(data_dir: Path) -> KnowledgeIndex:
    return KnowledgeIndex(
        data_dir=data_dir, embedder=HashEmbedder(), client=make_client(data_dir=data_dir)
    )


WRITER = """
import sys
from pathlib import Path
from tests.integration.test_index_processes import open_index
report = open_index(Path(sys.argv[1])).sync_folder(Path(sys.argv[2]))
print(report.chunks_total)
"""


def test_reader_sees_vectors_written_by_another_process(tmp_path: Path) -> None:
    knowledge, data = tmp_path / "knowledge", tmp_path / "data"
    write(knowledge / "first.md", "# Greeting\n\nGreet every customer warmly at the door.\n")
    reader = open_index(data)
    reader.sync_folder(knowledge)
    assert reader.search("greet customer warmly")  # the reader's Chroma is loaded now

    # Enough chunks that the other process's Chroma compacts them to disk.
    for n in range(400):
        paragraphs = "\n\n".join(
            f"## Step {s}\n\nPolicy {n} step {s}: check the parcel {n * 10 + s} twice."
            for s in range(4)
        )
        write(knowledge / f"bulk/policy-{n}.md", f"# Policy {n}\n\n{paragraphs}\n")
    write(knowledge / "late.md", "# Umbrellas\n\nLend umbrellas to customers when it rains.\n")
    done = subprocess.run(
        [sys.executable, "-c", WRITER, str(data), str(knowledge)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert int(done.stdout.strip()) > 1500

    hits = reader.search("lend umbrellas when it rains")
    assert hits and hits[0].chunk.path == "late.md"
    assert hits[0].dense is not None and hits[0].dense > 0.5
    # And this process can write on top of the other's generation.
    write(knowledge / "first.md", "# Greeting\n\nGreet every customer by name at the door.\n")
    assert reader.sync_folder(knowledge).changed == ["first.md"]
    assert reader.search("greet by name")[0].chunk.path == "first.md"
