"""Commit changes the bot writes into the knowledge folder, when that folder is in git.

The git CLI is used directly (it is on every machine that has a repository, and the three
calls needed here do not justify a library). Only the given paths are committed, so a lead's
own uncommitted work is never swept into the bot's commit.
"""

from __future__ import annotations

import logging
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# The committer when the repository has no identity of its own (the author is the person).
BOT_NAME = "CX Assistant"
BOT_EMAIL = "cx-assistant@localhost"


@dataclass(frozen=True)
class Author:
    name: str
    email: str

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


def _git(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["git", "-C", str(folder), *args], capture_output=True, text=True, timeout=60, check=False
    )


def repository_root(folder: Path) -> Path | None:
    """The work tree `folder` is in, or None (not a repository, or git missing)."""
    try:
        found = _git(folder, "rev-parse", "--show-toplevel")
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(found.stdout.strip()) if found.returncode == 0 else None


def commit_paths(folder: Path, paths: Sequence[Path], message: str, author: Author) -> str | None:
    """Commit `paths` (inside `folder`) with `author`; returns the commit id, or None when the
    folder is not in git. A failing commit is logged and reported as None, never raised: the
    file is already written and indexed, which is what the person asked for."""
    root = repository_root(folder)
    if root is None:
        return None
    identity: list[str] = []
    if _git(root, "config", "user.email").returncode != 0:
        identity = ["-c", f"user.name={BOT_NAME}", "-c", f"user.email={BOT_EMAIL}"]
    names = [str(path.resolve().relative_to(root.resolve())) for path in paths]
    added = _git(root, "add", "--", *names)
    done = _git(
        root, *identity, "commit", "--quiet", f"--author={author}", "-m", message, "--", *names
    )
    if added.returncode != 0 or done.returncode != 0:
        log.warning("Could not commit %s: %s", names, (added.stderr + done.stderr).strip())
        return None
    return _git(root, "rev-parse", "HEAD").stdout.strip() or None
