"""The answer evaluation's report: counts and shares per language and kind, the headline
figures the issue sets bars for, the failures, and a table for the terminal."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bot.evaluation.answers import (
    ANSWERABLE_VERDICTS,
    CONVERSATION_KINDS,
    KINDS,
    LANGUAGES,
    PROGRESS_EVERY,
    VERDICTS,
    AnswerCase,
    Answerer,
    CaseResult,
    read_cases,
    run_cases,
)

if TYPE_CHECKING:
    from rich.console import Console

    from bot.settings import Settings

# --- the report ---------------------------------------------------------------------------


def share(n: int, total: int) -> float | None:
    """None rather than 0 when nothing was measured: "0 of 0" is not a failure."""
    return round(n / total, 4) if total else None


def ratio(n: int, total: int) -> dict[str, Any]:
    return {"share": share(n, total), "n": n, "of": total}


@dataclass
class Bucket:
    """Verdict counts of one group of cases (a language, a kind, all of them)."""

    verdicts: Counter[str] = field(default_factory=Counter)
    fragments: int = 0
    residue: int = 0

    def add(self, result: CaseResult) -> None:
        self.verdicts[result.verdict] += 1
        self.fragments += result.fragment
        self.residue += result.residue

    @property
    def answerable(self) -> int:
        return sum(self.verdicts[v] for v in ANSWERABLE_VERDICTS)

    @property
    def unanswerable(self) -> int:
        return sum(self.verdicts.values()) - self.answerable

    def as_dict(self) -> dict[str, Any]:
        counts: dict[str, int] = {v: self.verdicts[v] for v in VERDICTS}
        shares = {
            v: share(n, self.answerable if v in ANSWERABLE_VERDICTS else self.unanswerable)
            for v, n in counts.items()
        }
        return {
            "cases": sum(counts.values()),
            "answerable": self.answerable,
            "unanswerable": self.unanswerable,
            **counts,
            "fragments": self.fragments,
            "residue": self.residue,
            "shares": shares,
        }


def group(
    results: Iterable[CaseResult], keys: Callable[[CaseResult], Iterable[str]]
) -> dict[str, Bucket]:
    buckets: dict[str, Bucket] = {}
    for result in results:
        for key in keys(result):
            buckets.setdefault(key, Bucket()).add(result)
    return buckets


def by_language(results: Sequence[CaseResult]) -> dict[str, Bucket]:
    languages = sorted(set(LANGUAGES) | {r.case.language for r in results})
    buckets = {language: Bucket() for language in languages}
    buckets.update(group(results, lambda r: [r.case.language]))
    return buckets


def by_kind(results: Sequence[CaseResult]) -> dict[str, Bucket]:
    """Each kind, plus "conversation": follow-ups and topic changes together."""
    buckets = {kind: Bucket() for kind in (*KINDS, "conversation")}

    def kinds(result: CaseResult) -> list[str]:
        kind = result.case.kind
        return [kind, "conversation"] if kind in CONVERSATION_KINDS else [kind]

    buckets.update(group(results, kinds))
    return buckets


def headline(results: Sequence[CaseResult], languages: Iterable[str]) -> dict[str, Any]:
    """The figures tracked from run to run, each as share, n and of (the denominator)."""

    def correct(cases: list[CaseResult]) -> dict[str, Any]:
        return ratio(sum(r.verdict == "correct" for r in cases), len(cases))

    answerable = [r for r in results if r.case.answerable]
    unanswerable = [r for r in results if not r.case.answerable]
    answered = [r for r in results if r.answer.answered]
    topic_changes = [r for r in results if r.case.kind == "topic_change"]
    figures = {
        f"fully_correct/{lang}": correct([r for r in answerable if r.case.language == lang])
        for lang in languages
    }
    return figures | {
        "unanswerable_declined": ratio(
            sum(r.verdict == "declined" for r in unanswerable), len(unanswerable)
        ),
        "role_correct": correct([r for r in results if r.case.kind == "role"]),
        "followup_correct": correct([r for r in results if r.case.kind == "followup"]),
        "topic_change_polluted": ratio(sum(r.polluted for r in topic_changes), len(topic_changes)),
        "fragments": ratio(sum(r.fragment for r in answered), len(answered)),
        "residue": ratio(sum(r.residue for r in answered), len(answered)),
    }


def failure(result: CaseResult) -> dict[str, Any]:
    return result.case.model_dump(include={"id", "kind", "language", "question", "history"}) | {
        "verdict": result.verdict,
        "answer": result.answer.answer,
        "sources": result.paths,
        "missing_facts": result.missing_facts,
        "fragment": result.fragment,
        "residue": result.residue,
    }


def is_failure(result: CaseResult) -> bool:
    return result.verdict not in ("correct", "declined") or result.fragment or result.residue


def build_report(results: Sequence[CaseResult], dataset: str) -> dict[str, Any]:
    languages = by_language(results)
    overall = Bucket()
    for result in results:
        overall.add(result)
    return {
        "kind": "answers",
        "dataset": dataset,
        "cases": len(results),
        "headline": headline(results, list(languages)),
        "by_language": {lang: b.as_dict() for lang, b in languages.items()},
        "by_kind": {kind: b.as_dict() for kind, b in by_kind(results).items()},
        "overall": overall.as_dict(),
        "failures": [failure(r) for r in results if is_failure(r)],
    }


def evaluate_answers(
    service: Answerer,
    cases: Sequence[AnswerCase],
    *,
    dataset: str,
    progress: Callable[[int, int], None] | None = None,
) -> dict[str, Any]:
    return build_report(run_cases(service, cases, progress=progress), dataset)


def evaluate_answers_file(
    settings: Settings, path: Path, *, limit: int | None, log: Console
) -> dict[str, Any]:
    """The CLI's entry: the app's own index and answering service over the knowledge folder."""
    from bot.evaluation.retrieval import golden_index
    from bot.wiring import build_answering, build_chat_model

    # Read first: a bad line should fail before minutes of indexing, not after.
    cases = read_cases(path)
    cases = cases[:limit] if limit else cases
    log.print(f"Indexing {settings.knowledge_dir}…", markup=False)
    index = golden_index(settings)
    chat = build_chat_model(settings)
    service = build_answering(settings, index, chat)
    how = f"chat model {settings.llm_model}" if chat is not None else "extractive"
    log.print(f"Answering {len(cases)} cases ({how})…", markup=False)

    def progress(done: int, total: int) -> None:
        if done % PROGRESS_EVERY == 0 or done == total:
            log.print(f"  {done}/{total} cases", markup=False)

    return evaluate_answers(service, cases, dataset=str(path), progress=progress)


# --- the terminal table -------------------------------------------------------------------

_COLUMNS: tuple[tuple[str, str], ...] = (
    ("correct", "correct"),
    ("partial", "partial"),
    ("wrong", "wrong"),
    ("false_refusal", "false-ref"),
    ("declined", "declined"),
    ("false_answer", "false-ans"),
)


def _table(title: str, rows: dict[str, dict[str, Any]]) -> list[str]:
    # Each column as wide as its label: the table fits an 80-column terminal.
    widths = [len(label) + 2 for _, label in _COLUMNS]
    cells = "".join(f"{label:>{w}}" for (_, label), w in zip(_COLUMNS, widths, strict=True))
    lines = [f"{title:<14}{'cases':>7}{cells}"]
    for name, row in rows.items():
        if row["cases"]:
            cells = "".join(
                f"{row[key]:>{w}}" for (key, _), w in zip(_COLUMNS, widths, strict=True)
            )
            lines.append(f"{name:<14}{row['cases']:>7}{cells}")
    return lines


def _figure(name: str, value: dict[str, Any]) -> str:
    percent = "n/a" if value["share"] is None else f"{value['share']:.1%}"
    return f"{name.replace('_', ' '):<26}{percent:>7}  ({value['n']}/{value['of']})"


def format_answers_table(report: dict[str, Any]) -> str:
    """Counts per language and per kind, then the headline figures."""
    lines = [f"{report['dataset']}: {report['cases']} cases", ""]
    lines += _table("language", {**report["by_language"], "all": report["overall"]})
    lines.append("")
    lines += _table("kind", report["by_kind"])
    lines.append("")
    lines += [_figure(name, value) for name, value in report["headline"].items()]
    lines += [
        "",
        "false-ref: answerable but declined; false-ans: unanswerable but answered.",
        "Correct is of answerable cases, declined of unanswerable, fragments and residue of"
        " answered.",
    ]
    return "\n".join(lines)
