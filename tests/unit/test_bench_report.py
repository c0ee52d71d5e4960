"""The benchmark report checks the issue's targets from saved results."""

from __future__ import annotations

import json
from pathlib import Path

from benchmarks.__main__ import build_report


def test_report_marks_targets_and_lists_what_was_not_run(tmp_path: Path) -> None:
    ack = {"events": 100, "concurrency": 10, "ack_p50_ms": 20.0, "ack_p99_ms": 450.0}
    (tmp_path / "slack_ack.json").write_text(json.dumps(ack), encoding="utf-8")
    markdown, data = build_report(tmp_path)
    [row] = data["rows"]
    assert row["met"] is False and row["target"] == "p99 < 300 ms"
    assert "| **no** |" in markdown
    assert set(data["missing"]) == {"ingest", "query_scale", "load", "langchain_compare"}
