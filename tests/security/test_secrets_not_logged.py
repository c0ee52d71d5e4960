"""No secret ever reaches a log line or an error a person sees.

Every logger the bot touches runs at DEBUG (slack_sdk then logs each Web API request, Bolt each
middleware step, SQLAlchemy each statement) while realistic flows run with distinctive secrets:
start-up, a question, Slack failing, a kudos broadcast, a database that is down, bad settings
and `cxbot doctor` through the real entry point.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from pydantic import SecretStr, ValidationError

from bot import logsafe
from bot.cli import load_settings
from bot.settings import Settings, explain
from bot.slack.app import make_client
from bot.store import Store
from ingest.index import KnowledgeIndex
from tests.harness import MANAGER, Harness, wait_until
from tests.scenario.fake_slack import BOT_USER, Failure, FakeSlack
from tests.security.conftest import running_harness

BOT_TOKEN = "xoxb-1234567890-0987654321-B0tT0kenS3cretValue"
APP_TOKEN = "xapp-1-A0APP-1234567890-AppT0kenS3cretValue"
SIGNING = "s1gn1ng-S3cret-8c1f5e2a9b7d4c3e"
DB_PASSWORD = "Db-Pa55w0rd-e7f1"
DATABASE_URL = f"postgresql+psycopg://cx_bot:{DB_PASSWORD}@127.0.0.1:9/cx"
SECRETS = (BOT_TOKEN, APP_TOKEN, SIGNING, DB_PASSWORD)
LOGGERS = ("", "slack_bolt", "slack_sdk", "sqlalchemy", "bot", "ingest", "cx", "cxbot", "urllib3")


def leaks(text: str) -> list[str]:
    return [secret for secret in SECRETS if secret in text]


@pytest.fixture()
def redaction(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """What `load_settings` installs, undone afterwards so other tests see plain records."""
    factory = logging.getLogRecordFactory()  # the installed redactor lives in the factory
    try:
        yield
    finally:
        logging.setLogRecordFactory(factory)


@pytest.fixture()
def debug_logs(caplog: pytest.LogCaptureFixture, redaction: None) -> pytest.LogCaptureFixture:
    for name in LOGGERS:
        caplog.set_level(logging.DEBUG, logger=name)
    return caplog


def everything_logged(caplog: pytest.LogCaptureFixture) -> str:
    parts = [caplog.text]
    for record in caplog.records:
        parts += [record.getMessage(), record.exc_text or "", record.stack_info or ""]
    return "\n".join(parts)


def environment(tmp_path: Path) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CX_", "SLACK_"))}
    return base | {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING,
        "CX_DATABASE_URL": DATABASE_URL,
        "CX_DATA_DIR": str(tmp_path / "data"),
        "CX_LOG_LEVEL": "DEBUG",
        "HF_HUB_OFFLINE": "1",
    }


def test_the_redactor_hides_known_and_secret_shaped_values() -> None:
    redactor = logsafe.Redactor([SIGNING, "short"])
    text = redactor.redact(
        f"sig={SIGNING} token={BOT_TOKEN} app={APP_TOKEN} db={DATABASE_URL} "
        "Authorization: Bearer abcdefghijklmnop refresh=xoxe.xoxp-1-abcdef short"
    )
    assert leaks(text) == [] and "abcdefghijklmnop" not in text and "xoxe.xoxp-1" not in text
    assert "postgresql+psycopg://cx_bot:[redacted]@127.0.0.1:9/cx" in text  # user, host kept
    assert "short" in text  # too short to be a secret worth mangling words for


def test_a_record_is_redacted_in_message_arguments_and_traceback(
    debug_logs: pytest.LogCaptureFixture,
) -> None:
    logsafe.install([SIGNING])
    log = logging.getLogger("bot.test")
    try:
        raise RuntimeError(f"connect to {DATABASE_URL} failed with secret {SIGNING}")
    except RuntimeError:
        log.exception("request %s failed (token %s)", {"secret": SIGNING}, BOT_TOKEN)
    assert leaks(everything_logged(debug_logs)) == []
    assert "connect to postgresql+psycopg://cx_bot:[redacted]@" in debug_logs.text


@pytest.fixture()
def secret_harness(
    tmp_path: Path,
    security_index: tuple[KnowledgeIndex, Path],
    debug_logs: pytest.LogCaptureFixture,
) -> Iterator[Harness]:
    logsafe.install([BOT_TOKEN, APP_TOKEN, SIGNING, DB_PASSWORD])  # as `load_settings` does
    with running_harness(
        tmp_path,
        *security_index,
        secret=SIGNING,
        slack_bot_token=BOT_TOKEN,
        slack_app_token=APP_TOKEN,
    ) as harness:
        yield harness


def test_bot_flows_at_debug_log_no_secret(
    secret_harness: Harness, debug_logs: pytest.LogCaptureFixture
) -> None:
    harness = secret_harness
    fake = harness.fake
    # A question answered, and one whose reply Slack keeps refusing (server errors, retried).
    question = {
        "type": "app_mention",
        "user": "U0001",
        "text": f"<@{BOT_USER}> How much can store staff refund?",
        "ts": "1700000100.000100",
        "channel": "C1",
        "event_ts": "1700000100.000100",
    }
    assert harness.event(question, event_id="EvS1")[0] == 200
    fake.wait_for("chat.postMessage")
    fake.fail_next("chat.postMessage", *[Failure(500)] * 6)
    harness.event(question | {"ts": "1700000200.000100"}, event_id="EvS2")
    fake.wait_for("chat.postMessage", count=4)
    # A kudos broadcast, and a forged request (Bolt logs the rejected request).
    harness.slash("/kudos", "<@U0KENJI|kenji> Kenji called me back the next day!", user=MANAGER)
    wait_until(
        lambda: any(c.args.get("channel") == "CWINS" for c in fake.calls_to("chat.postMessage")),
        20,
        "the celebration",
    )
    assert harness.event(question, event_id="EvS3", signature="v0=" + "0" * 64)[0] == 401
    # Socket Mode's connection call carries the app token.
    make_client(harness.settings).apps_connections_open(app_token=APP_TOKEN)
    harness.settle()
    logged = everything_logged(debug_logs)
    assert "Sending a request" in logged  # slack_sdk really logged at DEBUG
    assert leaks(logged) == []
    assert leaks(repr(harness.settings) + str(harness.settings)) == []


def test_startup_with_slack_refusing_and_a_database_down_logs_no_secret(
    tmp_path: Path, debug_logs: pytest.LogCaptureFixture
) -> None:
    logsafe.install([BOT_TOKEN, SIGNING, DB_PASSWORD])
    fake = FakeSlack().start()
    try:
        fake.fail_next("auth.test", *[Failure(500)] * 4)
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            slack_bot_token=SecretStr(BOT_TOKEN),
            slack_signing_secret=SecretStr(SIGNING),
            slack_api_url=fake.url,
            database_url=DATABASE_URL,
            data_dir=tmp_path,
        )
        client = make_client(settings)
        with pytest.raises(Exception) as slack_error:
            client.auth_test()
        logging.getLogger("bot.slack.app").warning("auth.test failed", exc_info=True)
    finally:
        fake.stop()
    store = Store.for_data_dir(settings.data_dir, settings.database_url)
    with pytest.raises(Exception) as db_error:
        store.create_all()
    logging.getLogger("bot.wiring").error("database down", exc_info=db_error.value)
    store.close()
    shown = str(slack_error.value) + str(db_error.value) + repr(settings) + repr(store.engine)
    assert leaks(everything_logged(debug_logs) + shown) == []


def test_settings_errors_name_the_variable_but_not_the_secret(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    redaction: None,
) -> None:
    monkeypatch.chdir(tmp_path)  # no developer .env
    for key, value in environment(tmp_path).items():
        monkeypatch.setenv(key, value)
    # A token pasted into the wrong variable, and other mistakes next to the real secrets.
    monkeypatch.setenv("CX_LLM_MODEL", BOT_TOKEN)
    monkeypatch.setenv("CX_CHROMA_PORT", "not-a-port")
    monkeypatch.setenv("CX_LOG_LEVEL", "LOUD")
    with pytest.raises(typer.Exit) as exit_info:
        load_settings()
    assert exit_info.value.exit_code == 2
    printed = capsys.readouterr()
    message = printed.out + printed.err
    assert "CX_LLM_MODEL" in message and "CX_CHROMA_PORT=not-a-port" in message
    assert "CX_LOG_LEVEL=LOUD" in message
    assert leaks(message) == []


def test_explain_hides_the_values_of_secret_settings() -> None:
    try:
        Settings(_env_file=None, slack_bot_token=["not", BOT_TOKEN], database_url=7)  # type: ignore[call-arg, arg-type]
    except ValidationError as exc:
        message = explain(exc)
    else:
        raise AssertionError("expected a validation error")
    assert "SLACK_BOT_TOKEN=(hidden)" in message and leaks(message) == []


def test_cxbot_doctor_at_debug_prints_no_secret(tmp_path: Path) -> None:
    env = environment(tmp_path) | {"CX_KNOWLEDGE_DIR": str(tmp_path / "missing")}
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "doctor"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=300,
        check=False,
    )
    output = result.stdout + result.stderr
    assert "Settings are valid" in output and "Slack bot token is set" in output, output
    assert leaks(output) == []


def test_the_wsgi_entry_point_reports_bad_settings_without_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, redaction: None
) -> None:
    from bot.slack.wsgi import create_app

    monkeypatch.chdir(tmp_path)
    for key, value in environment(tmp_path).items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("CX_LLM_MODEL", APP_TOKEN)  # pasted into the wrong line of .env
    with pytest.raises(SystemExit) as exit_info:
        create_app()
    message = str(exit_info.value.code)
    assert "CX_LLM_MODEL" in message and leaks(message) == []
    assert exit_info.value.__cause__ is None and exit_info.value.__suppress_context__
