"""Several processes on shared services: PostgreSQL, a Chroma server and one CX_DATA_DIR.

Two real bot processes (`cxbot serve --http`) answer each Slack event exactly once, keep giving
complete answers while `cxbot ingest` rebuilds the index beside them, and only one ingest runs
at a time, under a lock that dies with its holder. Runs on real servers only
(scripts/test-servers.sh); the embedded run skips it.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from bot.store import Store
from tests import servers
from tests.conftest import REFUNDS_EN, REFUNDS_JA, WAREHOUSE_EN, write
from tests.harness import SECRET, event_body, signed_post
from tests.scenario.fake_slack import Call, FakeSlack
from tests.scenario.test_questions import mention

pytestmark = pytest.mark.skipif(
    servers.skip_reason() is not None, reason=servers.skip_reason() or ""
)

REFUND_QUESTION = "How much can store staff refund?"
ERROR_TEXT = "Sorry, something went wrong while answering."
STARTUP_S = 240.0  # two processes loading the model on a busy 2-core machine
ANSWER_S = 120.0
# Stations named in the notice of each ingest round: only the newest notice is in the folder.
STATIONS = ["Hakata", "Tenjin", "Ohori"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def process_env(
    backend: servers.Backend, knowledge: Path, data_dir: Path, slack_url: str
) -> dict[str, str]:
    """What every process of one deployment shares: services, knowledge and CX_DATA_DIR."""
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CX_", "SLACK_"))}
    return base | {
        **backend.env(),
        "CX_KNOWLEDGE_DIR": str(knowledge),
        "CX_DATA_DIR": str(data_dir),
        "CX_LEAD_CONTACT": "Aiko (@aiko)",
        "CX_LOG_LEVEL": "INFO",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_url,
        "HF_HUB_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }


def cxbot(args: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "bot.cli", *args],
            env=env,
            cwd=Path(env["CX_DATA_DIR"]).parent,  # away from any developer's .env
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def poll(check: Callable[[], bool], timeout: float, what: Callable[[], str]) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f}s: {what()}")
        time.sleep(0.05)


def tail(path: Path, lines: int = 40) -> str:
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])


@dataclass
class Bot:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/slack/events"

    def listening(self) -> bool:
        if self.process.poll() is not None:
            raise AssertionError(f"{self.name} exited:\n{tail(self.log)}")
        request = urllib.request.Request(self.url, data=b"{}", method="POST")
        try:
            with urllib.request.urlopen(request, timeout=2):
                return True
        except urllib.error.HTTPError:
            return True  # 401: up, and refusing an unsigned request as it should
        except OSError:
            return False

    def describe(self) -> str:
        return f"{self.name} (pid {self.process.pid}):\n{tail(self.log)}"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@dataclass
class Deployment:
    fake: FakeSlack
    bots: list[Bot]
    env: dict[str, str]
    knowledge: Path
    root: Path
    backend: servers.Backend
    ever_written: set[str] = field(default_factory=set)
    _ts: int = 0

    def next_ts(self) -> str:
        self._ts += 1
        return f"{1_800_000_000 + self._ts}.000100"

    def ask(self, bot: Bot, question: str, *, event_id: str | None = None) -> str:
        """Mention the bot in a new thread; returns the thread's ts."""
        ts = self.next_ts()
        body = event_body(mention(question, ts=ts), event_id=event_id or f"Ev{ts}")
        status, text, _ = signed_post(bot.url, body, content_type="application/json")
        assert status == 200, (status, text)
        return ts

    def logs(self) -> str:
        return "\n".join(bot.describe() for bot in self.bots)


def replies(fake: FakeSlack, thread_ts: str) -> list[Call]:
    return [c for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts") == thread_ts]


def wait_answered(deployment: Deployment, threads: list[str]) -> None:
    poll(
        lambda: all(replies(deployment.fake, ts) for ts in threads),
        ANSWER_S,
        lambda: (
            f"unanswered {[t for t in threads if not replies(deployment.fake, t)]}\n"
            + deployment.logs()
        ),
    )


def wait_quiet(fake: FakeSlack, quiet: float = 2.0, timeout: float = 60.0) -> None:
    """Until no message has been posted for `quiet` seconds: a duplicate would come by then,
    since both copies of an event are handled at the same moment."""
    deadline = time.monotonic() + timeout
    seen, since = -1, time.monotonic()
    while time.monotonic() < deadline:
        count = len(fake.calls_to("chat.postMessage"))
        if count != seen:
            seen, since = count, time.monotonic()
        elif time.monotonic() - since >= quiet:
            return
        time.sleep(0.05)
    raise AssertionError("the bots never stopped posting")


def question_id(call: Call) -> int:
    for block in call.args.get("blocks") or []:
        for element in block.get("elements") or []:
            if element.get("action_id") in ("cx_feedback_up", "cx_ask_person"):
                return int(element["value"])
    raise AssertionError(f"no question id in {call.args}")


def start_bots(env: dict[str, str], root: Path, count: int) -> list[Bot]:
    bots = []
    for number in range(count):
        port = free_port()
        name = f"bot{number + 1}"
        log = root / f"{name}.log"
        process = cxbot(["serve", "--http", "--host", "127.0.0.1", "--port", str(port)], env, log)
        bots.append(Bot(name, process, port, log))
    return bots


def notice(station: str) -> str:
    return f"""---
title: Parcel lockers at {station}
type: faq
language: en
owner: Ken Sato
---
# Parcel lockers

## Where customers collect parcels
Customers may now collect their parcels from the smart lockers at {station} station, open
from 6am to midnight. Give them the six-digit locker code from the order screen.
"""


def sync_lock_holders(data_dir: Path) -> set[int]:
    """PIDs holding an flock on an index's sync lock, read from /proc/locks (taking the lock
    ourselves to test it could make the ingest under test fail)."""
    inodes = {os.stat(p).st_ino for p in data_dir.glob("index/*/sync.lock")}
    holders = set()
    for line in Path("/proc/locks").read_text().splitlines():
        parts = line.split()
        if len(parts) > 5 and parts[1] == "FLOCK" and int(parts[5].split(":")[-1]) in inodes:
            holders.add(int(parts[4]))
    return holders


def big_folder(root: Path, files: int = 300, sections: int = 10) -> None:
    """Enough distinct text that embedding it takes a while on this machine."""
    rng = random.Random(7)
    words = (
        "customer parcel refund store order delivery warehouse courier invoice basket "
        "voucher receipt return exchange promise apology manager schedule weekend holiday "
        "sofa lamp kettle curtain blanket pillow table shelf mirror rug towel"
    ).split()
    for number in range(files):
        parts = [f"# Archive note {number}\n"]
        for section in range(sections):
            sentences = (
                " ".join(rng.choice(words) for _ in range(14)).capitalize() + "." for _ in range(5)
            )
            parts.append(f"## Case {number}-{section}\n{' '.join(sentences)}\n")
        write(root / f"note-{number:03d}.md", "\n".join(parts))


def test_one_ingest_at_a_time_and_a_killed_one_releases_the_lock(
    tmp_path: Path, backend: servers.Backend
) -> None:
    knowledge, data_dir = tmp_path / "knowledge", tmp_path / "data"
    write(knowledge / "en" / "refunds.md", REFUNDS_EN)
    big_folder(knowledge / "archive")
    env = process_env(backend, knowledge, data_dir, "http://127.0.0.1:9/api/")
    first = cxbot(["ingest"], env, tmp_path / "first.log")
    try:
        poll(
            lambda: first.pid in sync_lock_holders(data_dir) or first.poll() is not None,
            STARTUP_S,
            lambda: f"the first ingest never took the lock\n{tail(tmp_path / 'first.log')}",
        )
        assert first.poll() is None, tail(tmp_path / "first.log")

        second = subprocess.run(
            [sys.executable, "-m", "bot.cli", "ingest"],
            env=env,
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=STARTUP_S,
            check=False,
        )
        assert first.poll() is None, "the first ingest ended too soon to prove anything"
        assert second.returncode == 3, second.stderr
        assert "Another ingest is running" in second.stderr

        # Mid-way through embedding (vectors are being written), the holder dies.
        collection = backend.client(data_dir).list_collections()[0]
        poll(lambda: collection.count() > 0, ANSWER_S, lambda: "no vectors written yet")
        first.send_signal(signal.SIGKILL)
        first.wait()
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()

    # The kernel dropped the dead holder's lock: the next ingest runs, and finishes the job.
    shutil.rmtree(knowledge / "archive")
    third = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ingest", "--json"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=STARTUP_S,
        check=False,
    )
    assert third.returncode == 0, third.stderr
    report: dict[str, Any] = json.loads(third.stdout)
    assert report["chunks_total"] == collection.count() > 0, report


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    """Two bot processes in HTTP mode started together on an empty index (one indexes, the
    other waits for it), sharing PostgreSQL, the Chroma server and CX_DATA_DIR."""
    root = tmp_path_factory.mktemp("deployment")
    knowledge = root / "knowledge"
    files = {
        "en/refunds.md": REFUNDS_EN,
        "ja/refunds.md": REFUNDS_JA,
        "en/warehouse.md": WAREHOUSE_EN,
        "en/notice-0.md": notice(STATIONS[0]),
    }
    for path, text in files.items():
        write(knowledge / path, text)
    backend = servers.current()  # storage of this module's own
    fake = FakeSlack().start()
    env = process_env(backend, knowledge, root / "data", fake.url)
    bots = start_bots(env, root, 2)
    deployment = Deployment(fake, bots, env, knowledge, root, backend, set(files))
    try:
        for bot in bots:
            poll(bot.listening, STARTUP_S, bot.describe)
        yield deployment
    finally:
        for bot in bots:
            bot.stop()
        fake.stop()


def test_each_event_is_answered_exactly_once_across_processes(deployment: Deployment) -> None:
    a, b = deployment.bots
    fake = deployment.fake
    jobs: list[tuple[Bot, bytes, dict[str, str]]] = []
    duplicated: list[tuple[str, str]] = []
    for number in range(4):
        # The same event at both processes at once: a retry, or a balancer sending it twice.
        ts, event_id = deployment.next_ts(), f"EvDup{number}"
        body = event_body(mention(REFUND_QUESTION, ts=ts), event_id=event_id)
        jobs += [(a, body, {}), (b, body, {"X-Slack-Retry-Num": "1"})]
        duplicated.append((ts, event_id))
    distinct = []
    for number in range(8):
        ts = deployment.next_ts()
        body = event_body(mention(REFUND_QUESTION, ts=ts), event_id=f"EvOne{number}")
        jobs.append((deployment.bots[number % 2], body, {}))
        distinct.append(ts)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        results = list(
            pool.map(
                lambda job: signed_post(
                    job[0].url, job[1], content_type="application/json", headers=job[2]
                ),
                jobs,
            )
        )
    assert [status for status, _, _ in results] == [200] * len(jobs)

    threads = [ts for ts, _ in duplicated] + distinct
    wait_answered(deployment, threads)
    wait_quiet(fake)
    for ts in threads:
        [reply] = replies(fake, ts)
        text = json.dumps(reply.args.get("blocks"), ensure_ascii=False)
        assert ERROR_TEXT not in str(reply.args.get("text"))
        assert "¥5,000" in text and "Refunds and remedies" in text, text
    # Both processes got every duplicate; the database told one of them it was taken.
    logs = a.log.read_text(errors="replace") + b.log.read_text(errors="replace")
    for _, event_id in duplicated:
        assert f"Skipping event {event_id}: already handled" in logs, deployment.logs()


def test_answers_stay_complete_while_ingest_rebuilds_the_index(deployment: Deployment) -> None:
    fake, knowledge = deployment.fake, deployment.knowledge
    store = Store(deployment.backend.store_url(deployment.root))
    asked: list[str] = []
    try:
        for round_ in range(1, len(STATIONS)):
            # Change a file, and replace the notice with a new one under a new name.
            refunds = REFUNDS_EN + f"\n## Revision {round_}\nChecked again in round {round_}.\n"
            write(knowledge / "en" / "refunds.md", refunds)
            (knowledge / "en" / f"notice-{round_ - 1}.md").unlink()
            write(knowledge / "en" / f"notice-{round_}.md", notice(STATIONS[round_]))
            deployment.ever_written.add(f"en/notice-{round_}.md")

            log = deployment.root / f"ingest-{round_}.log"
            ingest = cxbot(["ingest"], deployment.env, log)
            number = 0
            # Keep asking, one question after another, alternating processes, until the
            # ingest is done (and at least a few times even if it is quick).
            while ingest.poll() is None or number < 4:
                ts = deployment.ask(deployment.bots[number % 2], REFUND_QUESTION)
                wait_answered(deployment, [ts])
                asked.append(ts)
                number += 1
            assert ingest.wait() == 0, tail(log)

        for ts in asked:
            [reply] = replies(fake, ts)
            assert ERROR_TEXT not in str(reply.args.get("text")), deployment.logs()
            record = store.get_question(question_id(reply))
            assert record is not None and record.answered, reply.args
            assert "en/refunds.md" in record.sources, record
            assert set(record.sources) <= deployment.ever_written, record.sources

        # Both processes now answer from the newest generation: only its notice exists.
        newest = f"en/notice-{len(STATIONS) - 1}.md"
        for bot in deployment.bots:
            ts = deployment.ask(bot, "Where can customers collect parcels from smart lockers?")
            wait_answered(deployment, [ts])
            [reply] = replies(fake, ts)
            record = store.get_question(question_id(reply))
            assert record is not None and record.answered, reply.args
            assert newest in record.sources, (bot.name, record.sources)
            assert not {f"en/notice-{n}.md" for n in range(len(STATIONS) - 1)} & set(record.sources)
    finally:
        store.close()
