"""`ingest --watch`: a change in the folder is re-synced and answered from, without restarts."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from ingest.watch import watch
from tests.conftest import CountingEmbedder, make_index, write


def wait_for(condition: object, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


def test_watch_resyncs_after_a_burst_of_changes(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    syncs: list[int] = []
    stop = threading.Event()

    def on_change() -> None:
        index.sync_folder(knowledge)
        syncs.append(1)

    thread = threading.Thread(
        target=watch, args=(knowledge, on_change), kwargs={"stop": stop, "debounce_seconds": 0.3}
    )
    thread.start()
    try:
        time.sleep(0.3)  # let the observer attach before the first write
        for i in range(3):  # an editor saving several times counts as one change
            write(knowledge / "en" / "gift.md", f"# Gift wrapping\nGift wrapping costs ¥{300 + i}.")
        assert wait_for(lambda: "en/gift.md" in index.state.files)
        hits = index.search("How much does gift wrapping cost?")
        assert hits[0].chunk.path == "en/gift.md" and "¥302" in hits[0].chunk.text
        (knowledge / "en" / "gift.md").unlink()
        assert wait_for(lambda: "en/gift.md" not in index.state.files)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
    assert 2 <= len(syncs) <= 4


def test_cluttered_web_text_is_indexed_without_its_menus(
    tmp_path: Path, knowledge: Path, embedder: CountingEmbedder
) -> None:
    page = (
        "Skip to main content\nHome | Products | Support | Contact\n"
        "Returns at a glance\n===================\n\n"
        "You can return any unused item within 30 days for a full refund.\n"
        "We use cookies to improve your experience. Accept all | Manage settings\n"
        "Share on Facebook | Tweet | Print this page\n© 2026 Hinode Living. All rights reserved.\n"
    )
    write(knowledge / "en" / "returns.txt", page)
    index = make_index(tmp_path / "data", embedder)
    index.sync_folder(knowledge)
    chunks = [c.chunk for c in index.state.chunks.values() if c.chunk.path == "en/returns.txt"]
    text = "\n".join(c.text for c in chunks)
    assert "within 30 days" in text
    for clutter in ("Skip to main", "cookies", "Tweet", "All rights reserved", "Products |"):
        assert clutter not in text
    assert chunks[0].title == "Returns at a glance"
