"""Set front-matter keys of a knowledge file in place, leaving every other byte as it was.

Only top-level `key: value` lines are touched: an existing key's line is replaced (its line
ending kept), a missing key is added just before the closing `---`, and a file without front
matter gets a block at the top. The write is atomic (a temporary file in the same folder,
then a rename), so a reader never sees half a file.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

import yaml

Value = str | dt.date | dt.datetime

_BOM = "\ufeff"
_FENCE = re.compile(r"---[ \t]*(\r\n|\n|\r)")
_CLOSING = re.compile(r"^---[ \t]*(?=\r\n|\n|\r|\Z)", re.MULTILINE)


def _scalar(value: Value) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    # Quote what YAML would read as something else (a colon, a leading special character).
    if value == "" or re.search(r"[:#\[\]{},&*!|>'\"%@`]|^\s|\s$", value):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return value


def set_keys(text: str, values: Mapping[str, Value]) -> str:
    """`text` with each key of `values` set in its front matter."""
    bom = _BOM if text.startswith(_BOM) else ""
    body = text[len(bom) :]
    found = _block(body)
    newline = found[0] if found else ("\r\n" if "\r\n" in body else "\n")
    lines = [f"{key}: {_scalar(value)}" for key, value in values.items()]
    if found is None:
        block = newline.join(["---", *lines, "---"]) + newline
        return bom + block + body
    _, start, end = found
    head = body[start:end]
    remaining = dict(values)
    for key in list(remaining):
        pattern = re.compile(rf"^{re.escape(key)}[ \t]*:[^\r\n]*", re.MULTILINE)
        line = f"{key}: {_scalar(remaining[key])}"
        # A function, not a template string: a value's backslashes stay as written.
        replaced, count = pattern.subn(_constant(line), head, count=1)
        if count:
            head = replaced
            del remaining[key]
    if remaining:
        if head and not head.endswith(("\n", "\r")):
            head += newline
        head += "".join(f"{k}: {_scalar(v)}{newline}" for k, v in remaining.items())
    return bom + body[:start] + head + body[end:]


def _constant(text: str) -> Callable[[re.Match[str]], str]:
    return lambda _match: text


def _block(body: str) -> tuple[str, int, int] | None:
    """The front matter's newline, and where its lines start and end (None: no block).
    Leading blank lines are allowed before it, as the loader allows them."""
    opening = _FENCE.match(body, len(body) - len(body.lstrip()))
    if opening is None:
        return None
    closing = _CLOSING.search(body, opening.end())
    if closing is None:
        raise ValueError("the front matter opened with --- is never closed")
    return opening.group(1), opening.end(), closing.start()


def read_keys(text: str) -> dict[str, object]:
    """The front matter as a mapping (empty when there is none or it is not a mapping)."""
    body = text.removeprefix(_BOM)
    found = _block(body)
    if found is None:
        return {}
    data = yaml.safe_load(body[found[1] : found[2]])
    return {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` (UTF-8, line endings as given), keeping its permissions."""
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def update_front_matter(path: Path, values: Mapping[str, Value]) -> None:
    """Set `values` in the front matter of the file at `path`, atomically."""
    raw = path.read_bytes().decode("utf-8")
    write_atomically(path, set_keys(raw, values))
