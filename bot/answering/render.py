"""Plain-text rendering of answers for the terminal (the Slack rendering lives apart)."""

from __future__ import annotations

import datetime as dt

from bot.answering.models import Answer, Source


def source_line(number: int, source: Source, today: dt.date | None = None) -> str:
    today = today or dt.date.today()
    where = source.title if not source.section else f"{source.title} › {source.section}"
    details = [source.path]
    if source.owner:
        details.append(f"owner {source.owner}")
    if source.updated:
        details.append(f"updated {source.updated.isoformat()}")
    line = f"[{number}] {where} ({', '.join(details)})"
    if source.review_by and source.review_by < today:
        line += f"  ⚠ past its review date ({source.review_by.isoformat()})"
    return line


def answer_text(answer: Answer, today: dt.date | None = None) -> str:
    lines = [answer.answer]
    if answer.note:
        lines.extend(["", f"({answer.note})"])
    if answer.sources:
        lines.append("")
        lines.append("Sources:" if answer.language != "ja" else "出典:")
        lines.extend(source_line(n, s, today) for n, s in enumerate(answer.sources, start=1))
    return "\n".join(lines)
