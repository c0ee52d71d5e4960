"""The log redactor is passed in and lives in the record factory, not in a module global:
installing twice adds secrets, and restoring the factory uninstalls it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot import logsafe


@pytest.fixture()
def restored() -> Iterator[None]:
    factory = logging.getLogRecordFactory()
    logging.setLogRecordFactory(logging.LogRecord)  # whatever an earlier test installed
    try:
        yield
    finally:
        logging.setLogRecordFactory(factory)


def test_install_uses_the_redactor_given_and_adds_secrets_on_a_second_install(
    restored: None, caplog: pytest.LogCaptureFixture
) -> None:
    assert logsafe.installed() is None
    redactor = logsafe.Redactor(["first-secret-value"])
    assert logsafe.install(redactor=redactor) is redactor
    assert logsafe.install(["second-secret-value"]) is redactor  # idempotent
    assert logsafe.installed() is redactor
    with caplog.at_level(logging.INFO, logger="bot.test"):
        logging.getLogger("bot.test").info("a=%s b=%s", "first-secret-value", "second-secret-value")
    assert "secret-value" not in caplog.text and caplog.text.count(logsafe.MASK) == 2
    assert logsafe.redact("x first-secret-value") == f"x {logsafe.MASK}"


def test_before_install_only_secret_shaped_values_are_redacted(restored: None) -> None:
    assert logsafe.installed() is None
    assert logsafe.redact("token xoxb-123456-abcdef and plain-words") == (
        f"token {logsafe.MASK} and plain-words"
    )
