"""Keep secrets out of logs: every record is redacted when it is made, whoever prints it.

Libraries log a lot at DEBUG (request bodies, URLs, exceptions that quote them), and a token in
a log file is a leaked token. The filter knows the configured secret values and also catches
anything shaped like a Slack token or a password inside a URL, so a secret we were never told
about (a token pasted into a question, a URL in a driver's error) is hidden as well.
"""

from __future__ import annotations

import logging
import re
import threading
import traceback
from collections.abc import Callable, Iterable
from typing import Any

from pydantic import SecretStr

MASK = "[redacted]"
# Shorter values are not worth hiding and would mangle ordinary words ("x", "test").
_MIN_SECRET = 6

_TOKEN = re.compile(r"\b(?:xox[abeoprs]|xapp|xoxe\.xox[bp])-[A-Za-z0-9-]{4,}")
# scheme://user:password@host: keep the user and the host, which help when debugging.
_URL_PASSWORD = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s:/@]*:)([^\s@/]+)(@)")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[A-Za-z0-9._~+/=-]{8,}")


class Redactor:
    """Replaces known secret values and secret-shaped strings in text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        self._lock = threading.Lock()
        self._secrets: frozenset[str] = frozenset()
        self.add(secrets)

    @property
    def secrets(self) -> frozenset[str]:
        return self._secrets

    def add(self, secrets: Iterable[str]) -> None:
        fresh = {s for s in secrets if len(s) >= _MIN_SECRET}
        with self._lock:
            self._secrets = self._secrets | fresh

    def redact(self, text: str) -> str:
        # Longest first, so a secret that contains another is hidden whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, MASK)
        text = _TOKEN.sub(MASK, text)
        text = _URL_PASSWORD.sub(rf"\g<1>{MASK}\g<3>", text)
        return _BEARER.sub(rf"\g<1>{MASK}", text)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message, exception and stack text with the redactor; drops nothing."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self.redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        scrub(record, self.redactor)
        return True


def scrub(record: logging.LogRecord, redactor: Redactor) -> None:
    try:
        message = record.getMessage()
    except Exception:  # a bad format string: let the handler report it as usual
        return
    record.msg, record.args = redactor.redact(message), None
    if record.exc_info and not record.exc_text:
        # Formatters print exc_text when it is set, so the traceback is redacted once, here.
        record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    if record.exc_text:
        record.exc_text = redactor.redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redactor.redact(record.stack_info)


# Serialises installing: two threads must not both wrap the record factory.
_install_lock = threading.Lock()


class RedactingRecordFactory:
    """A log record factory that redacts every record as it is made.

    A record factory rather than a handler filter: it also covers handlers added later (a
    WSGI server's, a test's capture) and records from every library's loggers."""

    def __init__(self, redactor: Redactor, previous: Callable[..., logging.LogRecord]) -> None:
        self.redactor = redactor
        self.previous = previous
        self._filter = RedactingFilter(redactor)

    def __call__(self, *args: Any, **kwargs: Any) -> logging.LogRecord:
        record = self.previous(*args, **kwargs)
        self._filter.filter(record)
        return record


def secret_values(settings: Any) -> list[str]:
    """The secret values in a settings object: every `SecretStr` field and the database URL's
    password."""
    values: list[str] = []
    for name in type(settings).model_fields:
        value = getattr(settings, name, None)
        if isinstance(value, SecretStr):
            values.append(value.get_secret_value())
    url = getattr(settings, "database_url", None)
    if isinstance(url, str):
        values.extend(m.group(2) for m in _URL_PASSWORD.finditer(url))
    return values


def installed() -> Redactor | None:
    """The redactor every log record of this process goes through, if one is installed."""
    factory = logging.getLogRecordFactory()
    return factory.redactor if isinstance(factory, RedactingRecordFactory) else None


def install(secrets: Iterable[str] = (), *, redactor: Redactor | None = None) -> Redactor:
    """Redact every log record this process makes from now on, with `redactor` (a new one
    when None) knowing `secrets`. Idempotent: installing again adds the secrets (and those
    `redactor` knows) to the redactor already installed, which is returned."""
    with _install_lock:
        current = installed()
        if current is None:
            current = redactor or Redactor()
            logging.setLogRecordFactory(
                RedactingRecordFactory(current, logging.getLogRecordFactory())
            )
        elif redactor is not None:
            current.add(redactor.secrets)
        current.add(secrets)
        return current


def redact(text: str) -> str:
    """Text for people (error messages) with the known and secret-shaped values hidden: the
    installed redactor's secrets, or secret-shaped values only before one is installed."""
    return (installed() or Redactor()).redact(text)
