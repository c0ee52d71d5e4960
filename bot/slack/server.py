"""Running the Bolt app: Socket Mode (default) or HTTP (Events API at /slack/events)."""

from __future__ import annotations

import logging
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


def wsgi_app(app: App) -> SlackRequestHandler:
    """The WSGI application (for gunicorn and friends): Events API and interactivity."""
    return SlackRequestHandler(app, path=EVENTS_PATH)


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


def serve_socket_mode(app: App, app_token: str) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    SocketModeHandler(app, app_token).start()
