"""Re-sync when files in the knowledge folder change (watchdog), debounced."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer


class _Debounced(FileSystemEventHandler):
    def __init__(self, trigger: threading.Event) -> None:
        self._trigger = trigger

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        name = Path(str(event.src_path)).name
        if name.startswith(".") or name.endswith(("~", ".swp", ".tmp")):
            return  # editors' temporary files
        self._trigger.set()


def watch(
    folder: Path,
    on_change: Callable[[], None],
    *,
    stop: threading.Event,
    debounce_seconds: float = 0.5,
) -> None:
    """Call `on_change` after each burst of changes in `folder` until `stop` is set.

    A burst (an editor saving, a `git pull`) is collapsed into one sync: the callback runs once
    no new change has arrived for `debounce_seconds`.
    """
    trigger = threading.Event()
    observer = Observer()
    observer.schedule(_Debounced(trigger), str(folder), recursive=True)
    observer.start()
    try:
        while not stop.is_set():
            if not trigger.wait(timeout=0.2):
                continue
            while trigger.is_set() and not stop.is_set():
                trigger.clear()
                stop.wait(debounce_seconds)
            if not stop.is_set():
                on_change()
    finally:
        observer.stop()
        observer.join(timeout=5)
