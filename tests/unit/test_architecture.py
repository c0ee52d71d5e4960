"""The shape of the code, checked: layers point one way, functions and modules stay small.

DESIGN.md's house style: `bot/` uses `ingest/`, never the reverse; the answering pipeline, the
kudos domain and the stores know nothing of Slack (the edge); a function over 60 lines or a
module over 400 is a smell worth a test failure.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 400

# (package, packages it must never import)
LAYERS = [
    ("ingest", ("bot",)),
    ("bot/answering", ("bot.slack", "bot.kudos", "bot.store", "slack_bolt", "slack_sdk")),
    ("bot/kudos", ("bot.slack", "slack_bolt", "slack_sdk")),
    ("bot/store", ("bot.slack", "slack_bolt", "slack_sdk")),
    ("bot/lessons", ("bot.slack", "bot.store", "slack_bolt", "slack_sdk")),
    ("bot/knowledge", ("bot.slack", "bot.store", "slack_bolt", "slack_sdk")),
    ("bot/evaluation", ("bot.slack", "slack_bolt", "slack_sdk")),
]


def python_files(folder: str) -> Iterator[Path]:
    base = ROOT / folder
    if base.is_file():
        yield base
        return
    yield from sorted(base.rglob("*.py"))


def imported_modules(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


@pytest.mark.parametrize(("package", "forbidden"), LAYERS)
def test_layers_point_one_way(package: str, forbidden: tuple[str, ...]) -> None:
    offending = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in python_files(package)
        for name in imported_modules(path)
        if any(name == f or name.startswith(f + ".") for f in forbidden)
    ]
    assert not offending, "\n".join(offending)


def test_functions_stay_small() -> None:
    long: list[str] = []
    for folder in ("bot", "ingest"):
        for path in python_files(folder):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    lines = (node.end_lineno or node.lineno) - node.lineno + 1
                    if lines > MAX_FUNCTION_LINES:
                        long.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} {lines}")
    assert not long, "\n".join(long)


def test_modules_stay_small() -> None:
    big = [
        f"{path.relative_to(ROOT)} {count}"
        for folder in ("bot", "ingest")
        for path in python_files(folder)
        if (count := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert not big, "\n".join(big)
