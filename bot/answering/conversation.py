"""Reading a question in its conversation: a follow-up or a new question, and for whom.

A follow-up ("and for managers?", 「それでも納得しなかったら？」) is searched with the
conversation's topic: the thread's first question and the last turn. A new, self-contained
question is searched as if asked fresh, so an earlier topic cannot pollute it. When it is not
clear which it is, both readings are searched and the more confident one wins (answering).
The same logic serves Slack threads, DMs, the assistant panel and the terminal chat.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from bot.answering.answer_kinds import asks_beyond
from bot.answering.intent import Intent, QuestionAnalysis, analyse, announces_new_topic
from bot.answering.models import Turn
from bot.answering.passages import limit_amount
from bot.answering.patterns import MONEY, money_value, normalise

#: A question with this many content words or fewer cannot stand alone in a conversation
#: ("and then?"); "how much can I refund?" (one) can, so the rest is left to confidence.
_ELLIPTICAL_WORDS = 0
#: Up to this many, a question may still lean on the conversation ("how quick do we need to
#: reply?"): both readings are searched.
_SHORT_QUESTION_WORDS = 2
# What a follow-up takes from the earlier question: the kind of fact asked for. Not "the
# whole list" or "the steps": 「それでも納得しなかったら？」 after "how do I handle an angry
# customer?" asks for the next step, not the four steps again.
_INHERITED = frozenset({Intent.AMOUNT, Intent.DURATION, Intent.CONTACT, Intent.PERMISSION})
# Kinds of fact that a role changes: how much *I* may refund depends on who I am.
_ROLE_DEPENDENT = frozenset({Intent.AMOUNT, Intent.PERMISSION, Intent.CONTACT, Intent.DURATION})


_MORE = re.compile(
    r"\b(?:more than (?:that|this|it)|over (?:that|this|it)|what else|anything else|besides"
    r"|other (?:options?|ways?|things?)|still (?:not|isn'?t|upset|unhappy|angry))\b"
    r"|他に|ほかに|それ以外|それでも|それ以上|それを超え|超えたら|まだ(?:納得|怒)",
    re.IGNORECASE,
)


def asks_for_more(text: str) -> bool:
    """ "what else?", "what if it's more than that?", 「それでも納得しなかったら？」: the asker
    wants what the last answer did not say, so repeating it does not answer."""
    return bool(_MORE.search(text))


def asks_about_another_amount(text: str, said: Sequence[str]) -> bool:
    """ "and if it's more like $600?", 「じゃあ5万円だったら？」 after an answer that did not name
    that sum: the rule for the new amount is wanted, not the last answer again."""
    amount = analyse(text).amount
    if amount is None or not said:
        return False
    shown = {money_value(m) for m in MONEY.finditer(normalise(said[-1]))}
    return amount not in shown


@dataclass(frozen=True)
class Reading:
    """One way to understand the question: what to search and what was asked."""

    query: str
    analysis: QuestionAnalysis
    follow_up: bool
    # A fresh reading of a question that stands on its own (enough words of its own): when
    # it is answered confidently, the earlier topic is not searched at all.
    self_contained: bool = False


def readings(question: str, history: Sequence[Turn]) -> list[Reading]:
    """The readings worth searching, the more likely first."""
    own = analyse(question)
    fresh = Reading(
        question, own, follow_up=False, self_contained=own.content_words > _SHORT_QUESTION_WORDS
    )
    asked = [t.text for t in history if t.role == "user" and t.text.strip()]
    if not asked or announces_new_topic(question):
        return [fresh]
    topic, last = asked[0], asked[-1]
    context = list(dict.fromkeys([topic, last]))
    merged = _inherit(own, [analyse(text) for text in reversed(context)])
    answers = [t.text for t in history if t.role == "assistant"]
    if own.amount is None and answers and asks_beyond(question):
        # "what if it's more than that?": "that" is the limit the last answer gave.
        limit = limit_amount(answers[-1])
        if limit is not None:
            merged = replace(merged, amount=limit, beyond_amount=True)
    contextual = Reading("\n".join([*context, question]), merged, follow_up=True)
    likely_follow_up = own.follow_up_cues or own.content_words <= _ELLIPTICAL_WORDS
    return [contextual, fresh] if likely_follow_up else [fresh, contextual]


def _inherit(own: QuestionAnalysis, earlier: list[QuestionAnalysis]) -> QuestionAnalysis:
    """A follow-up asks the earlier question again with one thing changed: it keeps its own
    intents, role and amount where it states them and takes the rest from the last turn."""
    intents = own.intents
    role = own.role_mentioned
    states_role = own.asker_states_role
    amount = own.amount
    about_self = own.about_self
    for previous in earlier:
        intents = intents or (previous.intents & _INHERITED)
        if role is None:
            role, states_role = previous.role_mentioned, previous.asker_states_role
        amount = amount if amount is not None else previous.amount
        about_self = about_self or previous.about_self
    return replace(
        own,
        intents=intents,
        role_mentioned=role,
        asker_states_role=states_role,
        amount=amount,
        about_self=about_self,
    )


def target_role(analysis: QuestionAnalysis, asker_role: str | None) -> str | None:
    """Whose role the answer is for: a role the question names ("what can store staff
    refund?", "倉庫スタッフです"), else the asker's own when the answer depends on it."""
    if analysis.role_mentioned:
        return analysis.role_mentioned
    if asker_role and (analysis.about_self or analysis.intents & _ROLE_DEPENDENT):
        return asker_role
    return None


def keep_topic(turns: list[Turn], limit: int = 8) -> list[Turn]:
    """The last turns of a long conversation, and always its first question (the topic a
    follow-up may still lean on)."""
    if len(turns) <= limit:
        return turns
    first = next((t for t in turns if t.role == "user"), None)
    recent = turns[-(limit - 1) :]
    return [first, *recent] if first is not None and first not in recent else turns[-limit:]
