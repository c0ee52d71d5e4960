"""Which customer feedback is praise.

The rating decides when there is one: survey scales have well-known cut-offs (NPS promoters,
top-two-box CSAT). Without one, a small English/Japanese lexicon scores the words. A lexicon and
not a model, because no model can be downloaded here, survey comments are short, and a CX lead
can read why a comment was picked and add a word below.

Lexicon format: terms separated by "|", grouped by weight (how strongly the term alone says
praise or complaint). English terms match whole words in order; a trailing "*" matches any
ending ("disappoint*": disappointed, disappointing). Japanese terms match as substrings of the
NFKC-normalised text, longest first, so "不親切" is a complaint and never "親切".
"""

from __future__ import annotations

import math
import re
import unicodedata

from bot.kudos.models import FeedbackRow
from ingest.language import detect_language

# --- English -------------------------------------------------------------------------------
EN_PRAISE = {
    1.5: "thank you so much|thanks so much|thank you very much|many thanks|above and beyond|"
    "extra mile|made my day|saved the day|lifesaver|life saver|couldn't be happier|"
    "could not be happier|couldn't be better|could not be better|couldn't ask for more|"
    "can't fault|cannot fault|couldn't fault",
    1.0: "thank you|thanks|thank|thankful|grateful|appreciat*|amazing|excellent|fantastic|"
    "wonderful|brilliant|outstanding|superb|exceptional|awesome|delighted|kudos|stayed late|"
    "perfect*|impressed|impressive|incredible|a star|no complaints|5 stars|five stars",
    0.8: "helpful|friendly|kind|kindness|lovely|love|loved|recommend*|caring|courteous|attentive|"
    "took the time|went out of their way|went out of her way|went out of his way",
    0.7: "great|best|polite|professional|knowledgeable|patient|patience|pleasant|pleased|"
    "reassur*|took care of|a pleasure|spot on|top notch|well done|hassle free",
    0.6: "happy|satisfied|helped|efficient|empath*|sorted|resolved|solved|painless|keep it up",
    0.5: "good|nice|fast|quick*|prompt*|speedy|smooth*|on time|fixed|replaced|understanding|clear",
    0.3: "help|easy",
}
EN_COMPLAINT = {
    1.5: "terrible|awful|horrible|worst|useless|never again|unacceptable|incompetent|"
    "thanks for nothing|waste of time",
    1.2: "rude*|disappoint*|frustrat*|dissatisfied|unhelpful|unprofessional|unfriendly|impolite|"
    "dismissive|arrogant|condescending|patroni*|ridiculous|hung up|runaround|never arrived|"
    "didn't arrive|did not arrive|hasn't arrived|has not arrived|not arrived",
    1.0: "bad|poor*|ignor*|annoy*|angry|upset|careless|ruined|still waiting|could have been better|"
    "could be better|should have been better|expected better|expected more",
    0.8: "late|slow*|delay*|broken|damage*|complain*|had to wait|long wait|overcharged|stupid|"
    "passed around",
    0.7: "wrong|mistake*|lost|missing|confus*",
    0.5: "problem*|waited|waiting|on hold|error*|should have|cancel*",
    0.4: "issue*",
    0.3: "refund*",
}
# Modifiers scale the next sentiment term within a few words.
EN_INTENSIFIERS = "very|so|really|extremely|incredibly|super|truly|absolutely|most|such|totally|"
EN_INTENSIFIERS += "exceptionally|remarkably|genuinely|especially|utterly|completely|terribly|"
EN_INTENSIFIERS += "highly|deeply|hugely|particularly"
EN_DOWNTONERS = "a bit|a little|slightly|somewhat|kind of|sort of|kinda|fairly|a tad|mostly"
# A negator turns the next sentiment term within four words around; "no one" before "helped"
# is a complaint, "no problems" is mild praise. Any word ending in "n't" negates too.
EN_NEGATORS = "not|no|never|nobody|no one|nothing|none|nor|neither|hardly|barely|without|cannot|"
EN_NEGATORS += "cant|dont|didnt|doesnt|wasnt|werent|isnt|arent|wont|wouldnt|couldnt|no longer"
EN_NEUTRAL = "not only|not just"  # "not only kind but..." negates nothing
# Negation and modifiers do not reach across these.
_EN_BOUNDARIES = frozenset(".,;:!?") | {"but", "however", "although", "though", "yet", "except"}
_EN_CONTRAST = frozenset({"but", "however"})
# "Can't thank you enough", "couldn't be more helpful", "never been so impressed": with one of
# _EN_DEGREE nearby these negators intensify instead.
_EN_CANNOT = frozenset({"can't", "cannot", "cant", "couldn't", "couldnt", "never"})
_EN_DEGREE = frozenset({"enough", "more", "so", "such", "better"})
# "No damage", "no questions asked": "no" before a plain noun is no unmet expectation.
_EN_NOUN_NEGATORS = frozenset({"no", "without", "none", "nor", "neither"})

# --- Japanese ------------------------------------------------------------------------------
JA_PRAISE = {
    1.5: "神対応|大満足|感謝しかな|申し分な|言うことな",
    1.0: "ありがと|感謝|助か|感動|感激|素晴らし|すばらし|最高|完璧|救われ|お礼|御礼|助けていただ",
    0.9: "親切|親身|気配り|心遣い|気遣い|好印象|また利用|またお願い|ありがた|有難|素敵|すてき",
    0.8: "丁寧|嬉し|うれし|満足|優し|やさし|心強|頼もし|おすすめ|お勧め|オススメ|おかげ|"
    "感じが良|感じのよ|感じの良|対応が良|感心|誠実|助けてくれ",
    0.7: "安心|笑顔|迅速|気持ちよ|気持ち良|気持ちがい|分かりやす|わかりやす|さすが|信頼|温か|的確|"
    "ほっと|また来|また行き|また買|頼りにな",
    0.6: "スムーズ|良かった|よかった|素早|解決",
    0.5: "良い|良く|よい|頑張|遅くまで",
    0.4: "早く|早い|早かった",
}
JA_COMPLAINT = {
    1.5: "最悪|二度と|ひどい|酷い|不親切|対応が悪|態度が悪|横柄|不愉快",
    1.2: "不満|失礼|不快|がっかり|いい加減|無愛想|不誠実|期待外れ|期待はずれ|苦情|クレーム",
    1.0: "残念|待たされ|返事がな|返信がな|連絡がな|連絡もな|届かな|つながらな|繋がらな|"
    "雑な|雑に|雑で|怒",
    0.8: "遅い|遅く|遅れ|遅延|遅かった|壊れ|破損|不安|不便|悪い|悪かった|分かりにく|"
    "わかりにく|分かりづら|わかりづら|使いにく|面倒|冷た|待ち時間が長|時間がかか|"
    "ほしかった|欲しかった",
    0.7: "違う|間違|ミス|汚|複雑",
    0.6: "もっと早",
    0.5: "問題|困っ|困り",
    0.4: "ほしい|欲しい",
    0.3: "返金",
}
JA_INTENSIFIERS = "とても|とっても|本当に|ほんとうに|非常に|すごく|凄く|大変|心から|誠に|"
JA_INTENSIFIERS += "めちゃくちゃ|かなり|実に|一番|最も"
JA_NEUTRAL = "天気が悪|遅い時間|遅くなりましたが|雑誌"  # look like terms above but are not
# Japanese negates after the predicate: 親切ではありませんでした, 助からなかった, 問題なく.
_JA_NEGATION = re.compile(r"ない|なかった|なく|ません|なし|無し|無い|無く")
# 感謝してもしきれない ("cannot thank enough") and 〜しかない ("nothing but") are not negations.
_JA_NOT_NEGATION = re.compile(r"しか|しきれ|きれな|ないほど|ないくらい")
_JA_CLAUSE_END = re.compile(r"[。．！？!?\n、,]")
_JA_SENTENCE_END = re.compile(r"[。．！？!?\n]")
# 丁寧でしたが、/ 良かったけど: a contrast; the subject marker in 方が、 is not one.
_JA_CONTRAST = re.compile(
    r"(?:です|でした|ます|ました|た|だ|い)が[、,]|けど|けれど|しかし|ただ[、,]"
)
_NO_NEGATION = frozenset({"二度と", "never again"})  # these already carry their negative
_JA_WINDOW = 14  # characters after a term searched for its negation
_EN_WINDOW = 4  # words after a negator that it reaches

NEUTRAL_SCORE = 0.4  # no sentiment words at all: not praise, not a complaint either
# What follows "but" is what the customer means ("Kind staff, but it was late"), so it weighs
# more. A negation that negates no lexicon word ("nobody told me", "届きません") is mostly an
# unmet expectation: a complaint of this weight (times CONTRAST_FACTOR after a "but").
CONTRAST_FACTOR = 1.5
UNMET_EXPECTATION = 0.5


def _terms(groups: dict[float, str], sign: float) -> dict[str, float]:
    return {term: sign * weight for weight, terms in groups.items() for term in terms.split("|")}


def _modifiers(terms: str, factor: float) -> dict[str, float]:
    return dict.fromkeys(terms.split("|"), factor)


_EN_SENTIMENT = _terms(EN_PRAISE, 1) | _terms(EN_COMPLAINT, -1)
_EN_MODIFIERS = _modifiers(EN_INTENSIFIERS, 1.5) | _modifiers(EN_DOWNTONERS, 0.6)


def _index(terms: set[str]) -> dict[str, list[tuple[str, ...]]]:
    """First word (without "*") -> the entries starting with it, longest first."""
    index: dict[str, list[tuple[str, ...]]] = {}
    for term in sorted(terms, key=lambda t: -len(t.split())):
        index.setdefault(term.split()[0].rstrip("*"), []).append(tuple(term.split()))
    return index


_EN_ENTRIES = _index(
    {*_EN_SENTIMENT, *_EN_MODIFIERS, *EN_NEGATORS.split("|"), *EN_NEUTRAL.split("|")}
)
_EN_WILDCARDS = [
    key for key, entries in _EN_ENTRIES.items() if any(e[0].endswith("*") for e in entries)
]
_EN_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[.,;:!?]")

_JA_SENTIMENT = _terms(JA_PRAISE, 1) | _terms(JA_COMPLAINT, -1)
_JA_MODIFIERS = _modifiers(JA_INTENSIFIERS, 1.5)
_JA_ALL = {*_JA_SENTIMENT, *_JA_MODIFIERS, *JA_NEUTRAL.split("|")}
_JA_PATTERN = re.compile("|".join(map(re.escape, sorted(_JA_ALL, key=len, reverse=True))))


def _word_matches(pattern: str, token: str) -> bool:
    return token.startswith(pattern[:-1]) if pattern.endswith("*") else token == pattern


def _english_entry(tokens: list[str], i: int) -> tuple[str, ...] | None:
    """The longest lexicon entry starting at tokens[i]."""
    candidates = list(_EN_ENTRIES.get(tokens[i], []))
    candidates += [e for k in _EN_WILDCARDS if tokens[i].startswith(k) for e in _EN_ENTRIES[k]]
    for entry in sorted(candidates, key=len, reverse=True):
        words = tokens[i : i + len(entry)]
        if len(words) == len(entry) and all(map(_word_matches, entry, words)):
            return entry
    return None


def _negates_a_term(tokens: list[str], start: int) -> bool:
    for j in range(start, min(start + _EN_WINDOW, len(tokens))):
        if tokens[j] in _EN_BOUNDARIES:
            return False
        entry = _english_entry(tokens, j)
        if entry and " ".join(entry) in _EN_SENTIMENT:
            return True
    return False


def _english(text: str) -> tuple[float, float]:
    tokens = _EN_TOKEN.findall(text)
    positive = negative = 0.0
    negated_until = modified_until = -1  # token index up to which a negator/modifier reaches
    factor, contrast, negator = 1.0, 1.0, ""
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _EN_BOUNDARIES:
            negated_until = modified_until = -1
            contrast = CONTRAST_FACTOR if token in _EN_CONTRAST else contrast
            contrast = 1.0 if token in ".!?" else contrast
            i += 1
            continue
        entry = _english_entry(tokens, i)
        term = " ".join(entry) if entry else ""
        end = i + (len(entry) if entry else 1)
        if term in _EN_SENTIMENT:
            weight = _EN_SENTIMENT[term] * contrast * (factor if i < modified_until else 1.0)
            if i < negated_until and term not in _NO_NEGATION:
                nearby = {*tokens[max(0, i - 2) : i], *tokens[end : end + 3]}
                if negator in _EN_CANNOT and nearby & _EN_DEGREE:
                    weight *= 1.5  # "can't thank you enough" stays praise, only stronger
                else:  # "not helpful" is a complaint; "no problems" is mild praise
                    weight = -weight * (0.9 if weight > 0 else 0.5)
            positive, negative = positive + max(weight, 0), negative + max(-weight, 0)
        elif term in _EN_MODIFIERS:
            factor, modified_until = _EN_MODIFIERS[term], end + 2
        elif (entry and term not in EN_NEUTRAL.split("|")) or token.endswith("n't"):
            negated_until, negator = end + _EN_WINDOW, token
            if term not in _EN_NOUN_NEGATORS and not _negates_a_term(tokens, end):
                negative += UNMET_EXPECTATION * contrast
        i = end
    return positive, negative


def _japanese(text: str) -> tuple[float, float]:
    positive = negative = 0.0
    modifier_end, factor = -1, 1.0
    claimed: list[tuple[int, int]] = []  # spans whose negation belongs to a term
    matches = list(_JA_PATTERN.finditer(text))
    for k, match in enumerate(matches):
        term = match.group()
        if term in _JA_MODIFIERS:
            modifier_end, factor = match.end(), _JA_MODIFIERS[term]
            continue
        if term not in _JA_SENTIMENT:
            continue
        gap = text[modifier_end : match.start()] if modifier_end >= 0 else None
        weight = _JA_SENTIMENT[term] * _ja_contrast(text, match.start())
        if gap is not None and len(gap) <= 6 and not _JA_CLAUSE_END.search(gap):
            weight *= factor  # とても丁寧, 本当に助かりました
        # The negation belongs to this term only up to the clause end or the next term.
        stop = matches[k + 1].start() if k + 1 < len(matches) else len(text)
        after = _JA_CLAUSE_END.split(text[match.end() : min(stop, match.end() + _JA_WINDOW)])[0]
        claimed.append((match.start(), match.end() + len(after)))
        if (
            term not in _NO_NEGATION
            and _JA_NEGATION.search(after)
            and not _JA_NOT_NEGATION.search(after)
        ):
            weight = -weight * (0.9 if weight > 0 else 0.5)
        positive, negative = positive + max(weight, 0), negative + max(-weight, 0)
    for negation in _JA_NEGATION.finditer(text):
        at = negation.start()
        if any(a <= at < b for a, b in claimed):
            continue
        if not _JA_NOT_NEGATION.search(text, max(0, at - 2), negation.end() + 3):
            negative += UNMET_EXPECTATION * _ja_contrast(text, at)
    return positive, negative


def _ja_contrast(text: str, position: int) -> float:
    """CONTRAST_FACTOR after a contrast earlier in the same sentence, else 1."""
    sentence_start = max((m.end() for m in _JA_SENTENCE_END.finditer(text, 0, position)), default=0)
    return CONTRAST_FACTOR if _JA_CONTRAST.search(text, sentence_start, position) else 1.0


def praise_score(text: str, language: str | None = None) -> float:
    """0 (complaint) .. 1 (clear praise); mixed feedback lands in the middle and text with no
    sentiment words at `NEUTRAL_SCORE`. English comments are scored with the English lexicon;
    Japanese ones with both, since they often carry English ("Thank you!")."""
    normalised = unicodedata.normalize("NFKC", text).casefold().replace("’", "'")
    positive, negative = _english(normalised)
    if (language or detect_language(text)) != "en":
        more_positive, more_negative = _japanese(normalised)
        positive, negative = positive + more_positive, negative + more_negative
    total = positive + negative
    if total == 0:
        return NEUTRAL_SCORE
    # Balance says which way; the amount of evidence says how far from the middle.
    return 0.5 + 0.5 * (positive - negative) / total * (1 - math.exp(-total))


#: Lowest rating that counts as praise, per scale: NPS promoters (9-10), top-two-box CSAT
#: (4-5 of 5), four stars or more.
PRAISE_RATING = {"nps": 9.0, "csat": 4.0, "stars": 4.0}


def is_praise_rating(row: FeedbackRow) -> bool | None:
    """Whether the rating says praise; None without a rating or with an unknown scale (a 5
    could be top marks or a detractor), so the words decide."""
    if row.rating is None or row.scale not in PRAISE_RATING:
        return None
    return row.rating >= PRAISE_RATING[row.scale]


def is_praise(row: FeedbackRow, *, threshold: float = 0.6) -> bool:
    """The rating decides when there is one; otherwise the praise detector."""
    by_rating = is_praise_rating(row)
    if by_rating is not None:
        return by_rating
    return praise_score(row.text, row.language) >= threshold
