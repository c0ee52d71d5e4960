"""The weekly wins digest: numbers, values, people, the best quotes, and a small chart
(its Block Kit is in `bot.slack.digest`)."""

from __future__ import annotations

import datetime as dt
import io
import re
from collections import Counter
from typing import Any

from pydantic import BaseModel

from bot.kudos.models import Kudos
from bot.kudos.ports import KudosRecords


class Digest(BaseModel):
    since: dt.datetime
    until: dt.datetime
    wins: int
    values: list[tuple[str, int]]
    recognised: list[str]  # Slack user IDs
    recognised_names: list[str]
    quotes: list[str]
    weekly: list[tuple[str, int]]  # ("2026-11-16", 4), oldest first


def build_digest(kudos: KudosRecords, *, now: dt.datetime, weeks: int = 8) -> Digest:
    since = now - dt.timedelta(days=7)
    history_start = now - dt.timedelta(weeks=weeks)
    history = kudos.wins(since=history_start, limit=100_000, statuses=("broadcast", "queued"))
    recent = [k for k in history if k.created_at and k.created_at >= since]
    values = same_values(Counter(k.value for k in recent if k.value))
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


_PARTS = re.compile(r"\s*[(（]\s*|\s*[)）]\s*")


def value_parts(name: str) -> frozenset[str]:
    """A value name's parts: "Own it (自分ごとにする)" -> {"own it", "自分ごとにする"}."""
    return frozenset(p.casefold() for p in _PARTS.split(name) if p.strip())


def same_values(counts: Counter[str]) -> Counter[str]:
    """One value named in English and in Japanese ("Own it (自分ごとにする)", "自分ごとにする
    （Own it）") counts once, under its most used name."""
    merged: Counter[str] = Counter()
    for name, count in counts.most_common():
        parts = value_parts(name)
        known = next((m for m in merged if value_parts(m) & parts), None)
        merged[known or name] += count
    return merged


def best_quotes(wins: list[Kudos], limit: int = 3) -> list[str]:
    """The warmest, most specific words: longer quotes with thanks in them come first."""

    def warmth(k: Kudos) -> float:
        text = k.quote.casefold()
        thanks = any(w in text for w in ("thank", "amazing", "ありがと", "感謝", "助かり"))
        return min(len(k.quote), 280) / 280 + (0.5 if thanks else 0.0)

    return [k.quote for k in sorted(wins, key=warmth, reverse=True)[:limit]]


def chart_png(digest: Digest) -> bytes:
    """Wins per week and per value, as one small PNG (people would rather look than read);
    a friendly picture instead of empty axes when there are no wins yet."""
    plt = _pyplot()
    if not any(count for _, count in digest.weekly):
        return _empty_png(plt)
    figure, (weeks_axis, values_axis) = plt.subplots(1, 2, figsize=(9, 3.2), dpi=110)
    labels = [week[5:] for week, _ in digest.weekly]
    weeks_axis.bar(labels, [count for _, count in digest.weekly], color="#1d4e89")
    weeks_axis.set_title("Wins per week")
    weeks_axis.tick_params(axis="x", labelrotation=45, labelsize=8)
    top = digest.values[:6]
    if top:
        values_axis.barh([v for v, _ in top][::-1], [c for _, c in top][::-1], color="#f2a541")
    else:
        values_axis.text(0.5, 0.5, "No values named this week", ha="center", va="center")
        values_axis.set_xticks([])
        values_axis.set_yticks([])
    values_axis.set_title("This week, by CX value")
    values_axis.tick_params(axis="y", labelsize=8)
    for axis in (weeks_axis, values_axis):
        axis.spines[["top", "right"]].set_visible(False)
    # Counts are whole wins: no fractional or negative ticks.
    weeks_axis.set_ylim(bottom=0)
    weeks_axis.yaxis.get_major_locator().set_params(integer=True)
    values_axis.set_xlim(left=0)
    values_axis.xaxis.get_major_locator().set_params(integer=True)
    return _png(plt, figure)


def _pyplot() -> Any:
    """pyplot on the Agg backend, with a Japanese-capable font shipped in a package
    (matplotlib-fontja's IPAexGothic) as the fallback after the default font."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    global _FONT_READY
    if not _FONT_READY:
        import matplotlib_fontja

        font_manager.fontManager.addfont(str(matplotlib_fontja.get_font_ttf_path()))
        matplotlib.rcParams["font.family"] = ["DejaVu Sans", "IPAexGothic"]
        _FONT_READY = True
    return plt


def _empty_png(plt: Any) -> bytes:
    figure, axis = plt.subplots(figsize=(6, 2.4), dpi=110)
    axis.axis("off")
    axis.plot([0.5], [0.72], marker="*", markersize=42, color="#f2a541")
    axis.set_xlim(0, 1)
    axis.set_ylim(0, 1)
    axis.text(
        0.5,
        0.28,
        "No wins yet this week: the first one is waiting to be shared!\n"
        "今週の称賛はまだありません。最初のひとつを共有しましょう！",
        ha="center",
        va="center",
        fontsize=11,
        color="#1d4e89",
    )
    return _png(plt, figure)


def _png(plt: Any, figure: Any) -> bytes:
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


_FONT_READY = False
