"""Running the Bolt app: Socket Mode (default) or HTTP (Events API at /slack/events)."""

from __future__ import annotations

import logging
from socketserver import ThreadingMixIn
from typing import Protocol
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App, BoltResponse
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_bolt.adapter.wsgi.http_request import WsgiHttpRequest

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    # socketserver's default backlog is 5: a burst of Slack requests beyond it waits for the
    # client's SYN retry (1 s and more) before the server even sees it.
    request_queue_size = 128


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


class _Handler(SlackRequestHandler):
    def dispatch(self, request: WsgiHttpRequest) -> BoltResponse:
        # slack_sdk's verifier calls int() on the timestamp header: a forged request with a
        # word there became a 500 and an error traceback instead of the 401 it deserves.
        stamp = request.get_headers().get("x-slack-request-timestamp", "0")
        try:
            int(stamp if isinstance(stamp, str) else stamp[0])
        except ValueError:
            log.info("Rejected a request with a malformed X-Slack-Request-Timestamp")
            return BoltResponse(status=401, body={"error": "invalid request"})
        return super().dispatch(request)


def wsgi_app(app: App) -> SlackRequestHandler:
    """The WSGI application (for gunicorn and friends): Events API and interactivity."""
    return _Handler(app, path=EVENTS_PATH)


def make_http_server(app: App, *, host: str = "0.0.0.0", port: int = 3000) -> WSGIServer:
    """A threaded HTTP server: each Slack request is acknowledged on its own thread."""
    return make_server(
        host, port, wsgi_app(app), server_class=_ThreadingWSGIServer, handler_class=_QuietHandler
    )


def serve_http(app: App, *, host: str, port: int) -> None:
    server = make_http_server(app, host=host, port=port)
    log.info("CX Assistant listening on http://%s:%s%s", host, port, EVENTS_PATH)
    try:
        server.serve_forever()
    finally:
        server.server_close()


class _Blocking(Protocol):
    def start(self) -> None:
        """Connect, then serve until the process ends."""
        ...


def serve_socket_mode(app: App, app_token: str) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    # Bolt leaves `start` unannotated; seen through a typed protocol, mypy checks the call.
    handler: _Blocking = SocketModeHandler(app, app_token)
    handler.start()
