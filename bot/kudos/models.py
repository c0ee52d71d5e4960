"""Data of the recognition side, shared by Slack, the CLI, storage and the index."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

Touchpoint = Literal["phone", "store", "delivery", "chat", "email", "social", "other"]
TOUCHPOINTS: tuple[str, ...] = ("phone", "store", "delivery", "chat", "email", "social", "other")


class FeedbackRow(BaseModel):
    """One customer-feedback record from a survey export, after column mapping."""

    line: int  # line number in the file (CSV: physical line of the record's start; JSONL: line)
    text: str  # the customer's words, not yet redacted
    rating: float | None = None  # as given (CSAT 1-5, NPS 0-10, ...)
    scale: Literal["csat", "nps", "stars", "unknown"] = "unknown"
    employee_email: str | None = None
    employee_name: str | None = None
    touchpoint: str | None = None
    source: str | None = None  # survey name, ticket link
    submitted_at: dt.datetime | None = None
    external_id: str | None = None  # the export's own id, if any
    language: str = "en"


class RowProblem(BaseModel):
    line: int
    reason: str


class Kudos(BaseModel):
    """Customer praise of one or more employees (stored redacted)."""

    id: int | None = None
    recipients: list[str] = Field(default_factory=list)  # Slack user IDs
    recipient_names: list[str] = Field(default_factory=list)  # when no Slack ID is known
    quote: str
    touchpoint: str | None = None
    value: str | None = None  # the CX value it shows
    source: str | None = None
    sender: str | None = None  # Slack user ID of who sent or nominated it
    language: str = "en"
    status: Literal["nominated", "approved", "declined", "broadcast", "queued"] = "queued"
    origin: Literal["slack", "import"] = "slack"
    dedupe_key: str | None = None
    created_at: dt.datetime | None = None
