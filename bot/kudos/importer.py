"""`cxbot feedback import`: praise from survey exports becomes highlights queued for the
digest. Idempotent: a row already imported (same dedupe key) is skipped."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pydantic import BaseModel, Field

from bot.kudos.feedback import ColumnMapping, dedupe_key, read_feedback
from bot.kudos.models import Kudos, RowProblem
from bot.kudos.praise import is_praise
from bot.kudos.redact import redact
from bot.store.kudos import KudosStore

#: e-mail -> Slack user ID (None when there is no such user)
Lookup = Callable[[str], str | None]
#: (quote, language) -> the CX value it shows
Suggest = Callable[[str, str], str | None]


class ImportReport(BaseModel):
    rows: int = 0
    praise: int = 0
    added: int = 0
    duplicates: int = 0
    not_praise: int = 0
    unmatched_emails: list[str] = Field(default_factory=list)
    problems: list[RowProblem] = Field(default_factory=list)


def import_feedback(
    path: Path,
    kudos: KudosStore,
    *,
    mapping: ColumnMapping | None = None,
    lookup: Lookup | None = None,
    suggest: Suggest | None = None,
) -> ImportReport:
    rows, problems = read_feedback(path, mapping)
    report = ImportReport(rows=len(rows), problems=problems)
    for row in rows:
        if not is_praise(row):
            report.not_praise += 1
            continue
        report.praise += 1
        user = lookup(row.employee_email) if lookup and row.employee_email else None
        if row.employee_email and not user and row.employee_email not in report.unmatched_emails:
            report.unmatched_emails.append(row.employee_email)
        name = row.employee_name or (
            row.employee_email.split("@")[0] if row.employee_email else None
        )
        quote = redact(row.text)
        _, new = kudos.add(
            Kudos(
                recipients=[user] if user else [],
                recipient_names=[] if user or not name else [name],
                quote=quote,
                touchpoint=(row.touchpoint or "").lower() or None,
                value=suggest(quote, row.language) if suggest else None,
                source=redact(row.source) if row.source else None,
                language=row.language,
                status="queued",
                origin="import",
                dedupe_key=dedupe_key(row),
                created_at=row.submitted_at,
            )
        )
        if new:
            report.added += 1
        else:
            report.duplicates += 1
    return report
