"""A bounded load test on loopback: concurrent users asking through HTTP mode.

    .venv/bin/python -m benchmarks.load [--questions 200] [--users 20] [--database-url URL]

The real Bolt app behind the threaded HTTP server (bot.slack.server), the real index over
knowledge/ and the real answering pipeline (no chat model), the fake Slack Web API. Each user
sends its share of signed app_mention events one after another (EN and JA questions from
eval/golden.jsonl), and every event is delivered a second time as Slack's retry
(X-Slack-Retry-Num) to check dedupe. Answers are awaited by polling, with a deadline.

Reports events sent, acknowledged, answered, duplicated and lost (both must be 0), errors,
throughput, and ack and answer latency percentiles (answer: event sent -> chat.postMessage
received by the fake), with a same-run reference (a bare local HTTP round trip).
"""

from __future__ import annotations

import argparse
import json
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.bot_server import running_bot
from benchmarks.machine import describe
from benchmarks.slack_ack import percentile, reference_round_trips
from tests.harness import Harness
from tests.scenario.fake_slack import BOT_USER

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"


def golden_questions() -> list[str]:
    rows = [json.loads(line) for line in (ROOT / "eval" / "golden.jsonl").open(encoding="utf-8")]
    english = [r["question"] for r in rows if r["language"] == "en"]
    japanese = [r["question"] for r in rows if r["language"] == "ja"]
    # Alternate the languages so every user asks both.
    return [q for pair in zip(english, japanese, strict=False) for q in pair]


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 1)


def _percentiles(values: list[float], prefix: str) -> dict[str, float]:
    if not values:
        return {f"{prefix}_p50_ms": 0.0, f"{prefix}_p95_ms": 0.0, f"{prefix}_p99_ms": 0.0}
    return {
        f"{prefix}_p50_ms": _ms(percentile(values, 50)),
        f"{prefix}_p95_ms": _ms(percentile(values, 95)),
        f"{prefix}_p99_ms": _ms(percentile(values, 99)),
    }


def run(
    questions: int = 200,
    users: int = 20,
    *,
    database_url: str | None = None,
    deadline_s: float = 600.0,
) -> dict[str, Any]:
    with running_bot(database_url=database_url) as harness:
        return _measure(harness, questions, users, database_url=database_url, deadline_s=deadline_s)


def _measure(
    harness: Harness, questions: int, users: int, *, database_url: str | None, deadline_s: float
) -> dict[str, Any]:
    fake = harness.fake
    reference = reference_round_trips(fake)
    pool_of_questions = golden_questions()
    run_id = f"{time.time_ns() % 10**9:09d}"  # event ids stay unique on a shared database
    sent_at: dict[str, float] = {}  # thread ts -> monotonic time the event was sent
    acks: list[tuple[int, float]] = []
    retry_acks: list[int] = []
    lock = threading.Lock()

    def user_session(u: int) -> None:
        for n in range(u, questions, users):
            ts = f"1700{n:06d}.{u:06d}"
            event = {
                "type": "app_mention",
                "user": f"U{u:05d}",
                "channel": "C1",
                "ts": ts,
                "text": f"<@{BOT_USER}> {pool_of_questions[n % len(pool_of_questions)]}",
            }
            with lock:
                sent_at[ts] = time.monotonic()
            status, _, seconds = harness.event(event, event_id=f"EvLoad{run_id}-{n}")
            # Slack's retry of the same event, as if our ack had been lost on the way.
            retry, _, _ = harness.event(
                event, event_id=f"EvLoad{run_id}-{n}", headers={"X-Slack-Retry-Num": "1"}
            )
            with lock:
                acks.append((status, seconds))
                retry_acks.append(retry)

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=users) as pool:
        list(pool.map(user_session, range(users)))
    send_seconds = time.monotonic() - started
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        answered = {c.args.get("thread_ts") for c in fake.calls_to("chat.postMessage")}
        if answered >= sent_at.keys():
            break
        time.sleep(0.1)
    time.sleep(1.0)  # a duplicate would arrive right after its first answer
    posts = [c for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts") in sent_at]

    first_post: dict[str, float] = {}
    per_thread: dict[str, int] = {}
    apologies = 0
    for call in posts:
        ts = str(call.args["thread_ts"])
        per_thread[ts] = per_thread.get(ts, 0) + 1
        first_post.setdefault(ts, call.at)
        apologies += "Sorry, something went wrong" in str(call.args.get("text", ""))
    answer_latencies = [first_post[ts] - sent_at[ts] for ts in first_post]
    last_answer = max(first_post.values(), default=started)
    ack_latencies = [seconds for _, seconds in acks]
    ref_p50 = statistics.median(reference)
    return {
        "benchmark": "load",
        "machine": describe(),
        "database": "postgresql" if database_url else "sqlite",
        "users": users,
        "events_sent": len(sent_at),
        "retries_sent": len(retry_acks),
        "acknowledged": sum(1 for status, _ in acks if status == 200),
        "retries_acknowledged": sum(1 for status in retry_acks if status == 200),
        "answered": len(first_post),
        "duplicated": sum(count - 1 for count in per_thread.values()),
        "lost": len(sent_at.keys() - first_post.keys()),
        "errors": sum(1 for status, _ in acks if status != 200) + apologies,
        "send_seconds": round(send_seconds, 2),
        "answers_per_second": round(len(first_post) / max(last_answer - started, 1e-9), 2),
        **_percentiles(ack_latencies, "ack"),
        **_percentiles(answer_latencies, "answer"),
        "reference_http_p50_ms": round(ref_p50 * 1000, 2),
        "ack_p50_over_reference": round(percentile(ack_latencies, 50) / ref_p50, 1),
    }


def to_markdown(result: dict[str, Any]) -> str:
    machine = result["machine"]
    rows = [
        ("events sent", result["events_sent"]),
        ("Slack retries sent (same event id)", result["retries_sent"]),
        ("acknowledged (HTTP 200)", result["acknowledged"]),
        ("answered", result["answered"]),
        ("duplicated (must be 0)", result["duplicated"]),
        ("lost (must be 0)", result["lost"]),
        ("errors (non-200 acks, apologies)", result["errors"]),
        ("throughput, answers/s", result["answers_per_second"]),
        ("ack latency p50 / p95 / p99, ms", _triple(result, "ack")),
        ("answer latency p50 / p95 / p99, ms", _triple(result, "answer")),
        ("reference: bare local HTTP round trip p50, ms", result["reference_http_p50_ms"]),
        ("ack p50 / reference", result["ack_p50_over_reference"]),
    ]
    lines = [
        f"# Load: {result['events_sent']} questions from {result['users']} concurrent users "
        f"(HTTP mode, {result['database']})",
        "",
        f"Machine: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"Python {machine['python']}.",
        "",
        "| measure | value |",
        "| --- | --- |",
        *[f"| {name} | {value} |" for name, value in rows],
        "",
    ]
    return "\n".join(lines)


def _triple(result: dict[str, Any], prefix: str) -> str:
    return " / ".join(str(result[f"{prefix}_{p}_ms"]) for p in ("p50", "p95", "p99"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--database-url", default=None, help="PostgreSQL instead of SQLite")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    result = run(args.questions, args.users, database_url=args.database_url)
    args.out.mkdir(parents=True, exist_ok=True)
    name = "load" if not args.database_url else "load_postgresql"
    (args.out / f"{name}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    (args.out / f"{name}.md").write_text(to_markdown(result), encoding="utf-8")
    print(to_markdown(result))


if __name__ == "__main__":
    main()
