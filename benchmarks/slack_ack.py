"""Slack acknowledgement latency through the real Bolt app in HTTP mode, while answers are
being produced (each answer made slow on purpose, as a chat model would be).

    .venv/bin/python -m benchmarks.slack_ack [--events 100] [--concurrency 10] [--answer-delay 1.5]

Reference in the same run: a plain HTTP round trip to a local server on the same machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from benchmarks.bot_server import running_bot
from benchmarks.machine import describe
from bot.answering.models import Answer
from bot.answering.service import AnsweringService
from tests.harness import Harness
from tests.scenario.fake_slack import BOT_USER, FakeSlack

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = [
    "How much can store staff refund without approval?",
    "What does the mantra mean for me in the warehouse?",
    "How do I handle a customer who is shouting?",
    "お客様に怒鳴られたらどうすればいい？",
    "What do we tell customers during an outage?",
]


class SlowAnswering(AnsweringService):
    """The real pipeline plus a fixed delay, standing in for a hosted chat model."""

    delay = 1.5

    def answer(self, question: str, **kwargs: Any) -> Answer:
        time.sleep(self.delay)
        return super().answer(question, **kwargs)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def reference_round_trips(fake: FakeSlack, count: int = 50) -> list[float]:
    """Seconds per round trip of the same HTTP client to a bare local HTTP server (the fake
    Web API): the same-run reference other latencies are divided by."""
    reference: list[float] = []
    for _ in range(count):
        request = urllib.request.Request(
            fake.url + "api.test",
            data=b"{}",
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=10) as response:
            response.read()
        reference.append(time.perf_counter() - started)
    return reference


def run(events: int, concurrency: int, delay: float) -> dict[str, Any]:
    SlowAnswering.delay = delay
    with running_bot(SlowAnswering) as harness:
        return _measure(harness, events, concurrency, delay)


def _measure(harness: Harness, events: int, concurrency: int, delay: float) -> dict[str, Any]:
    fake = harness.fake
    reference = reference_round_trips(fake)

    def send(i: int) -> tuple[int, float]:
        event = {
            "type": "app_mention",
            "user": f"U{i:05d}",
            "channel": "C1",
            "ts": f"17000{i:05d}.000100",
            "text": f"<@{BOT_USER}> {QUESTIONS[i % len(QUESTIONS)]}",
        }
        status, _, seconds = harness.event(event, event_id=f"EvBench{i}")
        return status, seconds

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(send, range(events)))
    sent_seconds = time.perf_counter() - started
    # Each event also delivered twice more as Slack retries: they must not be answered again.
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(
            pool.map(
                lambda i: harness.event(
                    {
                        "type": "app_mention",
                        "user": f"U{i:05d}",
                        "channel": "C1",
                        "ts": f"17000{i:05d}.000100",
                        "text": f"<@{BOT_USER}> retry",
                    },
                    event_id=f"EvBench{i}",
                    headers={"X-Slack-Retry-Num": "1"},
                ),
                range(events),
            )
        )
    deadline = time.monotonic() + 300
    while len(fake.calls_to("chat.postMessage")) < events and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(1.0)
    posts = fake.calls_to("chat.postMessage")
    threads = [p.args.get("thread_ts") for p in posts]
    latencies = [seconds for _, seconds in results]
    ref_p50 = statistics.median(reference)
    return {
        "benchmark": "slack_ack",
        "machine": describe(),
        "events": events,
        "concurrency": concurrency,
        "answer_delay_seconds": delay,
        "ack_ok": sum(1 for status, _ in results if status == 200),
        "ack_p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "ack_p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "ack_max_ms": round(max(latencies) * 1000, 1),
        "reference_http_p50_ms": round(ref_p50 * 1000, 2),
        "ack_p50_over_reference": round(percentile(latencies, 50) / ref_p50, 1),
        "ack_p99_over_reference": round(percentile(latencies, 99) / ref_p50, 1),
        "send_seconds": round(sent_seconds, 2),
        "answered": len(set(threads)),
        "duplicates": len(threads) - len(set(threads)),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--answer-delay", type=float, default=1.5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    result = run(args.events, args.concurrency, args.answer_delay)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "slack_ack.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=1))


if __name__ == "__main__":
    main()
