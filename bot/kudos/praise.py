"""Which customer feedback is praise: the rating decides when there is one, otherwise a
small English/Japanese lexicon with negation handling (no model needed, explainable)."""

from __future__ import annotations

import re

from bot.kudos.models import FeedbackRow
from ingest.language import detect_language

PRAISE_EN = {
    "thank you": 1.0,
    "thanks": 0.8,
    "grateful": 1.0,
    "amazing": 1.0,
    "excellent": 1.0,
    "fantastic": 1.0,
    "wonderful": 1.0,
    "great": 0.6,
    "helpful": 0.8,
    "kind": 0.8,
    "friendly": 0.8,
    "patient": 0.7,
    "polite": 0.6,
    "went above and beyond": 1.5,
    "above and beyond": 1.2,
    "love": 0.8,
    "impressed": 0.9,
    "perfect": 0.9,
    "brilliant": 1.0,
    "outstanding": 1.0,
    "quick": 0.4,
    "fast": 0.4,
    "easy": 0.5,
    "recommend": 0.8,
    "best": 0.7,
    "lovely": 0.8,
    "superb": 1.0,
    "happy": 0.6,
}
COMPLAINT_EN = {
    "disappointed": 1.2,
    "rude": 1.5,
    "late": 0.8,
    "broken": 0.8,
    "terrible": 1.5,
    "awful": 1.5,
    "worst": 1.5,
    "never again": 1.5,
    "waste": 1.0,
    "angry": 1.0,
    "complaint": 1.0,
    "refund": 0.4,
    "slow": 0.8,
    "unhelpful": 1.2,
    "poor": 1.0,
    "frustrated": 1.2,
    "damaged": 0.8,
    "ignored": 1.2,
    "useless": 1.5,
}
PRAISE_JA = {
    "ありがとう": 1.0,
    "感謝": 1.0,
    "助かりました": 1.0,
    "助かる": 0.8,
    "感動": 1.0,
    "丁寧": 0.8,
    "親切": 0.9,
    "素晴らしい": 1.0,
    "すばらしい": 1.0,
    "最高": 1.0,
    "嬉しい": 0.8,
    "うれしい": 0.8,
    "満足": 0.8,
    "安心": 0.7,
    "笑顔": 0.7,
    "優しい": 0.8,
    "やさしい": 0.8,
    "迅速": 0.6,
    "また利用": 0.9,
    "おすすめ": 0.8,
    "気持ちよ": 0.7,
}
COMPLAINT_JA = {
    "最悪": 1.5,
    "残念": 1.0,
    "不満": 1.2,
    "遅い": 0.8,
    "遅れ": 0.6,
    "失礼": 1.2,
    "不快": 1.2,
    "がっかり": 1.2,
    "二度と": 1.5,
    "ひどい": 1.5,
    "酷い": 1.5,
    "怒": 1.0,
    "壊れ": 0.6,
    "対応が悪": 1.5,
    "不親切": 1.5,
}
# A negation right after (Japanese) or before (English) a praise word turns it around.
_NEGATION_EN = re.compile(r"\b(?:not|n't|never|no|hardly)\b(?:\s+\w+){0,2}\s*$")
_NEGATION_JA = re.compile(
    r"^(?:く|で(?:は)?|じゃ)?(?:あり)?(?:ない|なかった|ません|ませんでした|ず)"
)


def _score(text: str, praise: dict[str, float], complaint: dict[str, float], ja: bool) -> float:
    lowered = text.casefold()
    positive = negative = 0.0
    for word, weight in praise.items():
        for match in re.finditer(re.escape(word), lowered):
            before, after = lowered[: match.start()], lowered[match.end() :]
            if before.endswith(("不", "un")):
                continue  # 不親切, unhelpful: counted as complaints
            negated = _NEGATION_JA.match(after) if ja else _NEGATION_EN.search(before)
            if negated:
                negative += weight
            else:
                positive += weight
    for word, weight in complaint.items():
        negative += weight * len(re.findall(re.escape(word), lowered))
    if positive == 0 and negative == 0:
        return 0.5 if not text.strip() else 0.4
    return positive / (positive + negative) * min(1.0, 0.55 + 0.3 * (positive + negative))


def praise_score(text: str, language: str | None = None) -> float:
    """0 (complaint) .. 1 (clear praise); mixed feedback lands in the middle."""
    ja = (language or detect_language(text)) == "ja"
    if ja:
        return _score(text, PRAISE_JA | PRAISE_EN, COMPLAINT_JA | COMPLAINT_EN, True)
    return _score(text, PRAISE_EN, COMPLAINT_EN, False)


def is_praise_rating(row: FeedbackRow) -> bool | None:
    if row.rating is None:
        return None
    if row.scale == "nps":
        return row.rating >= 9
    return row.rating >= 4  # CSAT 1-5 and stars out of 5


def is_praise(row: FeedbackRow, *, threshold: float = 0.6) -> bool:
    by_rating = is_praise_rating(row)
    if by_rating is not None:
        return by_rating and praise_score(row.text, row.language) >= 0.3
    return praise_score(row.text, row.language) >= threshold
