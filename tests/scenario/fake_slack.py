"""A real local HTTP server standing in for Slack's Web API (and response_url endpoints).

It records every call, keeps the messages posted so `conversations.replies` answers from them,
and can be told to fail the next calls of a method (429 with Retry-After, 500, or a delay).
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs

BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0001"


@dataclass
class Call:
    method: str
    args: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    status: int
    retry_after: int | None = None
    delay: float = 0.0


class FakeSlack:
    def __init__(self) -> None:
        self.calls: list[Call] = []
        self.lock = threading.Lock()
        self.failures: dict[str, list[Failure]] = {}
        self.titles: dict[str, str] = {}
        self.locales: dict[str, str] = {}
        # users.info fields per user, over the defaults (a member of TEAM): `team_id`,
        # `is_restricted`, `is_ultra_restricted`, `is_stranger`, `deleted`, `is_bot`...
        self.people: dict[str, dict[str, Any]] = {}
        self.groups: dict[str, list[str]] = {}  # usergroups.users.list
        self.shared_channels: set[str] = set()  # conversations.info: is_ext_shared
        self.messages: dict[str, list[dict[str, Any]]] = {}  # channel -> messages
        self._ts = 1_700_000_000.0
        handler = type("Handler", (_Handler,), {"fake": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/response/{name}"

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # -- test helpers ------------------------------------------------------------------------

    def fail_next(self, method: str, *failures: Failure) -> None:
        with self.lock:
            self.failures.setdefault(method, []).extend(failures)

    def calls_to(self, method: str) -> list[Call]:
        with self.lock:
            return [c for c in self.calls if c.method == method]

    def wait_for(self, method: str, count: int = 1, timeout: float = 30.0) -> list[Call]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.calls_to(method)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"expected {count} call(s) to {method}, got {self.calls_to(method)}")

    def add_message(self, channel: str, message: dict[str, Any]) -> None:
        with self.lock:
            self.messages.setdefault(channel, []).append(message)

    def next_ts(self) -> str:
        with self.lock:
            self._ts += 1
            return f"{self._ts:.6f}"

    # -- Web API behaviour -------------------------------------------------------------------

    def handle(self, method: str, args: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
                "team_id": TEAM,
                "user": "cx-assistant",
                "team": "Hinode",
                "url": "https://hinode.slack.com/",
            }
        if method in ("chat.postMessage", "chat.startStream"):
            ts = self.next_ts()
            channel = str(args.get("channel"))
            message = {
                "ts": ts,
                "user": BOT_USER,
                "bot_id": BOT_ID,
                "text": args.get("text", ""),
                "thread_ts": args.get("thread_ts") or ts,
            }
            self.add_message(channel, message)
            return {"ok": True, "channel": channel, "ts": ts, "message": message}
        if method == "conversations.replies":
            channel, root = str(args.get("channel")), str(args.get("ts"))
            with self.lock:
                thread = [
                    m
                    for m in self.messages.get(channel, [])
                    if m.get("thread_ts") == root or m.get("ts") == root
                ]
            return {
                "ok": True,
                "messages": sorted(thread, key=lambda m: float(m["ts"])),
                "has_more": False,
            }
        if method == "files.getUploadURLExternal":
            port = self.server.server_address[1]
            return {
                "ok": True,
                "upload_url": f"http://127.0.0.1:{port}/upload/F0001",
                "file_id": "F0001",
            }
        if method in ("files.completeUploadExternal", "files.info"):
            return {
                "ok": True,
                "files": [{"id": "F0001", "title": args.get("title")}],
                "file": {"id": "F0001"},
            }
        if method == "users.info":
            user = str(args.get("user"))
            record = {
                "id": user,
                "team_id": TEAM,
                "is_bot": False,
                "locale": self.locales.get(user, ""),
                "profile": {"title": self.titles.get(user, ""), "real_name": f"User {user}"},
            }
            return {"ok": True, "user": record | self.people.get(user, {})}
        if method == "usergroups.users.list":
            return {"ok": True, "users": self.groups.get(str(args.get("usergroup")), [])}
        if method == "conversations.info":
            channel = str(args.get("channel"))
            shared = channel in self.shared_channels
            return {"ok": True, "channel": {"id": channel, "is_ext_shared": shared}}
        return {"ok": True, "ts": self.next_ts()}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeSlack

    def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        data = self.rfile.read(length)
        if self.path.startswith("/upload/"):  # files_upload_v2 sends the file's bytes here
            with self.fake.lock:
                self.fake.calls.append(
                    Call(
                        "file_upload",
                        {"bytes": len(data), "png": b"\x89PNG" in data[:4096], "_failed": False},
                    )
                )
            self._reply(200, {"ok": True})
            return
        raw = data.decode("utf-8")
        if "json" in (self.headers.get("Content-Type") or ""):
            args: dict[str, Any] = json.loads(raw or "{}")
        else:
            args = {k: v[0] for k, v in parse_qs(raw).items()}
        for key in ("blocks", "view", "prompts", "chunks"):
            if isinstance(args.get(key), str):
                with contextlib.suppress(ValueError):
                    args[key] = json.loads(args[key])
        if self.path.startswith("/response/"):
            method = "response_url"
        else:
            method = self.path.removeprefix("/api/").split("?")[0]
        with self.fake.lock:
            queue = self.fake.failures.get(method) or []
            failure = queue.pop(0) if queue else None
            self.fake.calls.append(Call(method, args | {"_failed": failure is not None}))
        if failure is not None:
            time.sleep(failure.delay)
            self._reply(
                failure.status,
                {
                    "ok": False,
                    "error": "ratelimited" if failure.status == 429 else "internal_error",
                },
                retry_after=failure.retry_after,
            )
            return
        self._reply(200, self.fake.handle(method, args))

    def _reply(self, status: int, body: dict[str, Any], retry_after: int | None = None) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        if retry_after is not None:
            self.send_header("Retry-After", str(retry_after))
        self.end_headers()
        self.wfile.write(payload)
