"""The weekly wins digest: numbers, values, people, the best quotes, and a small chart."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter

from pydantic import BaseModel

from bot.kudos.models import Kudos
from bot.kudos.store import KudosStore
from bot.slack.mrkdwn import escape, mention, truncate

Block = dict[str, object]


class Digest(BaseModel):
    since: dt.datetime
    until: dt.datetime
    wins: int
    values: list[tuple[str, int]]
    recognised: list[str]  # Slack user IDs
    recognised_names: list[str]
    quotes: list[str]
    weekly: list[tuple[str, int]]  # ("2026-11-16", 4), oldest first


def build_digest(kudos: KudosStore, *, now: dt.datetime, weeks: int = 8) -> Digest:
    since = now - dt.timedelta(days=7)
    history_start = now - dt.timedelta(weeks=weeks)
    history = kudos.wins(since=history_start, limit=100_000, statuses=("broadcast", "queued"))
    recent = [k for k in history if k.created_at and k.created_at >= since]
    values = Counter(k.value for k in recent if k.value)
    people = list(dict.fromkeys(r for k in recent for r in k.recipients))
    names = list(dict.fromkeys(n for k in recent for n in k.recipient_names))
    weekly: Counter[str] = Counter()
    for k in history:
        if k.created_at:
            start = (k.created_at - dt.timedelta(days=k.created_at.weekday())).date()
            weekly[start.isoformat()] += 1
    first_week = (now - dt.timedelta(weeks=weeks - 1, days=now.weekday())).date()
    series = [
        (
            (first_week + dt.timedelta(weeks=i)).isoformat(),
            weekly.get((first_week + dt.timedelta(weeks=i)).isoformat(), 0),
        )
        for i in range(weeks)
    ]
    return Digest(
        since=since,
        until=now,
        wins=len(recent),
        values=values.most_common(),
        recognised=people,
        recognised_names=names,
        quotes=best_quotes(recent),
        weekly=series,
    )


def best_quotes(wins: list[Kudos], limit: int = 3) -> list[str]:
    """The warmest, most specific words: longer quotes with thanks in them come first."""

    def warmth(k: Kudos) -> float:
        text = k.quote.casefold()
        thanks = any(w in text for w in ("thank", "amazing", "ありがと", "感謝", "助かり"))
        return min(len(k.quote), 280) / 280 + (0.5 if thanks else 0.0)

    return [k.quote for k in sorted(wins, key=warmth, reverse=True)[:limit]]


def chart_png(digest: Digest) -> bytes:
    """Wins per week and per value, as one small PNG (people would rather look than read)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    figure, (weeks_axis, values_axis) = plt.subplots(1, 2, figsize=(9, 3.2), dpi=110)
    labels = [week[5:] for week, _ in digest.weekly]
    weeks_axis.bar(labels, [count for _, count in digest.weekly], color="#1d4e89")
    weeks_axis.set_title("Wins per week")
    weeks_axis.tick_params(axis="x", labelrotation=45, labelsize=8)
    names = [_ascii_label(v) for v, _ in digest.values[:6]] or ["(none yet)"]
    counts = [c for _, c in digest.values[:6]] or [0]
    values_axis.barh(names[::-1], counts[::-1], color="#f2a541")
    values_axis.set_title("This week, by CX value")
    values_axis.tick_params(axis="y", labelsize=8)
    for axis in (weeks_axis, values_axis):
        axis.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _ascii_label(value: str) -> str:
    # The default font has no Japanese glyphs; "Own it (自分ごとにする)" -> "Own it".
    ascii_part = value.split("(")[0].split("（")[0].strip()
    return ascii_part if ascii_part.isascii() and ascii_part else value


def digest_blocks(digest: Digest) -> list[Block]:
    people = [mention(u) for u in digest.recognised] + [escape(n) for n in digest.recognised_names]
    lines = [f"*{digest.wins}* customer win{'s' if digest.wins != 1 else ''} this week."]
    if digest.values:
        lines.append("*Values shown:* " + ", ".join(f"{escape(v)} ({c})" for v, c in digest.values))
    if people:
        lines.append("*Recognised:* " + ", ".join(people))
    blocks: list[Block] = [
        {"type": "header", "text": {"type": "plain_text", "text": "🏡 This week's CX wins"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": truncate("\n".join(lines), 2900)}},
    ]
    for quote in digest.quotes:
        blocks.append(
            {
                "type": "section",
                "text": {"type": "mrkdwn", "text": truncate("> " + escape(quote), 2900)},
            }
        )
    if not digest.wins:
        blocks.append(
            {
                "type": "context",
                "elements": [
                    {
                        "type": "mrkdwn",
                        "text": "No wins shared this week yet. Heard a customer say thank you? "
                        "Share it with /kudos.",
                    }
                ],
            }
        )
    return blocks
