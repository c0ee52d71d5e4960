"""The question log, 👍/👎 feedback on answers, and the reports drawn from both (knowledge
gaps, negative feedback, totals)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import case, exists, func, select, update
from sqlalchemy.orm import Session

from bot.store.database import Database, affected, aware
from bot.store.models import FeedbackRow, QuestionRow, ResolvedGapRow, normalise_question
from bot.store.records import (
    FeedbackItem,
    Gap,
    QuestionRecord,
    QuestionStats,
    UnknownQuestionError,
)


class QuestionStore:
    def __init__(self, database: Database) -> None:
        self._db = database

    def log_question(
        self,
        *,
        user_id: str,
        channel_id: str | None,
        question: str,
        answer: str,
        answered: bool,
        language: str,
        role: str | None,
        sources: list[str],
        confidence: float,
        thread_ts: str | None = None,
    ) -> int:
        """Log a question and the answer given; returns its id (the feedback buttons carry it)."""
        row = QuestionRow(
            user_id=user_id,
            channel_id=channel_id,
            thread_ts=thread_ts,
            question=question,
            question_key=normalise_question(question),
            answer=answer,
            answered=answered,
            language=language,
            role=role,
            sources=list(sources),
            confidence=float(confidence),
            created_at=self._db.now(),
        )
        with self._db.session() as s, s.begin():
            s.add(row)
            s.flush()
            return row.id

    def get_question(self, question_id: int) -> QuestionRecord | None:
        with self._db.session() as s:
            row = s.get(QuestionRow, question_id)
            return None if row is None else QuestionRecord.model_validate(row)

    def record_feedback(
        self, *, question_id: int, user_id: str, helpful: bool, comment: str | None = None
    ) -> None:
        """Record a 👍/👎; the same user clicking again changes their vote, not the count."""

        def upsert(s: Session) -> None:
            if s.get(QuestionRow, question_id) is None:
                raise UnknownQuestionError(f"no question with id {question_id}")
            now = self._db.now()
            result = s.execute(
                update(FeedbackRow)
                .where(FeedbackRow.question_id == question_id, FeedbackRow.user_id == user_id)
                .values(helpful=helpful, comment=comment, updated_at=now)
            )
            if affected(result) == 0:
                s.add(
                    FeedbackRow(
                        question_id=question_id,
                        user_id=user_id,
                        helpful=helpful,
                        comment=comment,
                        created_at=now,
                        updated_at=now,
                    )
                )

        self._db.retry_on_conflict(upsert)

    # Reports ----------------------------------------------------------------------------

    def top_gaps(self, *, since: dt.datetime, limit: int = 10) -> list[Gap]:
        """Unanswered questions since `since`, grouped by normalised text, most asked first."""
        since = aware(since, "since")
        # A question asked before a captured answer covered it is no longer a gap.
        covered = exists().where(
            ResolvedGapRow.question_key == QuestionRow.question_key,
            ResolvedGapRow.resolved_at >= QuestionRow.created_at,
        )
        unanswered = (
            QuestionRow.answered.is_(False),
            QuestionRow.created_at >= since,
            ~covered,
        )
        key = QuestionRow.question_key
        asked = func.count().label("asked")
        last_asked = func.max(QuestionRow.created_at).label("last_asked")
        with self._db.session() as s:
            groups = s.execute(
                select(key, asked, last_asked)
                .where(*unanswered)
                .group_by(key)
                .order_by(asked.desc(), last_asked.desc(), key)
                .limit(limit)
            ).all()
            if not groups:
                return []
            wording: dict[str, str] = {}
            languages: dict[str, set[str]] = {}
            rows = s.execute(
                select(key, QuestionRow.question, QuestionRow.language)
                .where(*unanswered, key.in_([g.question_key for g in groups]))
                .order_by(QuestionRow.created_at.desc(), QuestionRow.id.desc())
            )
            for group_key, question, language in rows:
                wording.setdefault(group_key, question)
                languages.setdefault(group_key, set()).add(language)
        return [
            Gap(
                question=wording[g.question_key],
                count=g.asked,
                last_asked=g.last_asked,
                languages=sorted(languages[g.question_key]),
            )
            for g in groups
        ]

    def negative_feedback(self, *, since: dt.datetime, limit: int = 10) -> list[FeedbackItem]:
        """👎 votes cast (or changed to 👎) since `since`, newest first."""
        since = aware(since, "since")
        with self._db.session() as s:
            rows = s.execute(
                select(FeedbackRow, QuestionRow)
                .join(QuestionRow, FeedbackRow.question_id == QuestionRow.id)
                .where(FeedbackRow.helpful.is_(False), FeedbackRow.updated_at >= since)
                .order_by(FeedbackRow.updated_at.desc(), QuestionRow.id.desc())
                .limit(limit)
            ).all()
            return [
                FeedbackItem(
                    question_id=question.id,
                    question=question.question,
                    answer=question.answer,
                    user_id=vote.user_id,
                    created_at=vote.updated_at,
                    comment=vote.comment,
                )
                for vote, question in rows
            ]

    def stats(self, *, since: dt.datetime) -> QuestionStats:
        """Questions asked since `since`, and votes cast since then."""
        since = aware(since, "since")
        answered = func.sum(case((QuestionRow.answered.is_(True), 1), else_=0))
        helpful = func.sum(case((FeedbackRow.helpful.is_(True), 1), else_=0))
        with self._db.session() as s:
            questions = s.execute(
                select(func.count(), answered).where(QuestionRow.created_at >= since)
            ).one()
            votes = s.execute(
                select(func.count(), helpful).where(FeedbackRow.updated_at >= since)
            ).one()
        # SUM over no rows is NULL, not 0.
        helpful_votes = int(votes[1] or 0)
        return QuestionStats(
            questions=int(questions[0]),
            answered=int(questions[1] or 0),
            helpful=helpful_votes,
            not_helpful=int(votes[0]) - helpful_votes,
        )
