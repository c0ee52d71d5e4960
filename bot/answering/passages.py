"""Which kinds of fact a passage holds (an amount, a time, a contact, steps…), whether it
grants or refuses a permission, and the limit it states: how the composer ranks passages."""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

from bot.answering.intent import Intent
from bot.answering.patterns import (
    LIMIT_AFTER,
    LIMIT_BEFORE,
    MONEY,
    PERCENT,
    STOPWORDS,
    money_value,
    normalise,
    rx,
)
from ingest.structure import plain_inline

# Passages ---------------------------------------------------------------------------------

_UNIT_COUNT = r"one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty"
# "Every day" and 「毎日」 are left out: the mantra says them, and it is not a time frame.
_DURATION_PASSAGE = rx(
    rf"\b(?:\d{{1,3}}|{_UNIT_COUNT}|forty|sixty|ninety|a|an|a few|several)(?:[\s-]+(?:business"
    r"|working|calendar))?[\s-]+(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?|years?)\b",
    r"\b(?:same|next|following) (?:business |working )?day\b|\bsame-day\b|\btoday\b|\btomorrow\b",
    r"\b(?:immediately|straight away|right away)\b|\bwithin the (?:shift|day|hour)\b",
    r"\b(?:daily|weekly|monthly|quarterly|yearly|annually)\b|\bevery (?:week|month|quarter"
    r"|year|shift|morning|\d+)\b|\b(?:once|twice) a\b|\b\d{1,2}:\d{2}\b",
    r"(?<!\d)\d{1,3}\s*(?:営業日|日|時間|分|週間|週|か月|カ月|ヶ月|ヵ月|年)(?!\d)",
    # Kanji numerals only before units where they cannot be 「十分」 (enough) or 「一時」.
    r"[一二三四五六七八九十]+(?:営業日|日|時間|週間|か月)",
    r"当日|翌日|翌営業日|即日|その日のうちに|今日中|本日中|すぐに|ただちに|直ちに|毎週|毎月",
    r"毎朝|毎年|週に|月に|年に|シフト中|明日|本日",
)
_CONTACT_PASSAGE = rx(
    r"(?<![\w&#])#[a-z][a-z0-9_-]+|(?<![\w.])@[a-z][\w.-]*",
    r"\b(?:team lead(?:er)?s?|shift (?:supervisor|lead(?:er)?)s?|supervisors?|cx lead"
    r"|(?:store|line|duty|people) managers?|on-?call|logistics desk|privacy team|legal team"
    r"|guide owner|(?:your|the|a) manager)\b|\b(?:escalate|hand) (?:it )?(?:over )?to\b",
    r"チームリーダー|シフトリーダー|スーパーバイザー|cxリード|責任者|上長|上司|店長|マネージャー",
    r"担当者|オンコール|物流デスク|窓口|広報|法務|プライバシーチーム|リーダー",
    # Job titles that approve or take a case over: 課長, 部長, 室長, "CX Manager", "Head of…".
    r"課長|部長|室長|係長|所長|支店長|主任|役員|決裁者|承認者",
    r"\b(?:manager|head of [a-z]+|director|supervisor|team leader)s?\b",
    # Knowledge from other companies names its own desks: "the Privacy Office", "Billing
    # team", 「お客さま相談室」「個人情報保護窓口」, an extension number.
    r"\b(?:privacy|security|legal|billing|complaints?|escalations?|support|care|help|service"
    r"|data protection|compliance|customer relations|resolutions?) (?:team|office|desk|department"
    r"|dept|line|centre|center|officer|unit)\b|\b(?:help ?desk|hotline|duty manager|ombudsman)\b"
    r"|\bext(?:ension|\.)? ?\d{3,5}\b",
    r"内線\s*\d+|[\u4e00-\u9fffァ-ヶー]{1,10}(?:室|課|係|センター|デスク|チーム|担当)"
    r"(?=に|へ|まで|から|が|の|（|\(|、|。|\s|$)|所属長|管理者|当番",
    # A phone number or an e-mail address is a way to reach someone too.
    r"(?<!\d)(?:\+?\d{1,4}[-\s]?)?\(?0\d{1,4}\)?[-\s]\d{2,4}[-\s]\d{3,4}(?!\d)"
    r"|\b[\w.+-]+@[\w-]+\.[\w.]+\b",
)
_NOT_A_NAME = frozenset(
    """hinode living members moments home awards product safety our at by net promoter annual
    osaka umeda yokohama minatomirai shibuya role guide service status""".split()
)
_PERSON_EN = re.compile(r"\b([A-Z][a-z]+) ([A-Z][a-z]+)\b")
# Kanji surname, space, given name (田中 愛子): Japanese prose has no other spaces inside kanji.
_PERSON_JA = re.compile(r"[\u4e00-\u9fff]{1,3}[ \u3000][\u4e00-\u9fff]{1,3}")
_NUMBERED_LINE = re.compile(
    r"^\s*(?:#+\s*)?(?:[0-9０-９]{1,2}[.)．）]|[①-⑳]|step \d+)", re.M | re.I
)
_ITEM_LINE = re.compile(r"^\s*(?:[-*+]\s|[•・]|[0-9０-９]{1,2}[.)．）]|[①-⑳])\s*\S", re.MULTILINE)
_TABLE_ROW = re.compile(r"^\s*\|(?!\s*:?-)", re.MULTILINE)
_FIRST_THEN = rx(r"\bfirst\b.{0,200}?\bthen\b", r"まず.{0,200}?(?:次に|それから|その後|そのあと)")
_DEFINITION_PASSAGE = rx(
    r"\bmeans\b|\bis when\b|\brefers to\b|\bstands for\b|\bis defined as\b|\bcounts as\b",
    r"(?<![こひ])とは(?!いえ|限ら|言え|思)|という意味|を意味|のことです|のことを指|を指します",
)
_PERMISSION_NO = rx(
    r"\b(?:don't|do not|never|must not|mustn't|may not|cannot|can't|can not)\b(?!\s+(?:need|have)"
    r"\s+to\b)",
    r"\b(?:not|isn't|aren't) (?:allowed|permitted|returnable)\b",
    r"\b(?:needs?|requires?) (?:an? )?(?:approval|sign-?off|permission)\b",
    r"できません|できない(?!か)|しません|行いません|(?:ては|では)(?:いけ|なり)ません|てはいけない",
    r"ないでください|禁止|(?:承認|許可)(?:が|を得る)必要|要承認|ことはありません",
)
_PERMISSION_YES = rx(
    r"\bmay\b(?!\s+(?:not|need|have|be|take|want|also|ask|help)\b)",
    r"\bcan\b[^.;\n]{0,60}\b(?:without|on the spot|yourself|on your own|themselves)\b",
    r"\b(?:are|is|be) (?:always )?(?:allowed|permitted|authori[sz]ed|free) to\b",
    r"\bis always allowed\b",
    r"\bcan (?:authori[sz]e|approve|decide)\b",
    r"(?:て|で)(?:も)?(?:かまいません|構いません|かまわない|構わない|よい|良い)(?!か)|できます(?!か)",
    r"承認なしで|承認を得ずに|承認も得ずに|許可なく|自分の判断で|認められて|許可されて",
)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*|\n+")
# A figure: digits or a written count. Times and durations are removed first ("within 7
# days" is not a target), list markers are not figures.
_MARKER = re.compile(r"^\s*(?:[0-9]{1,2}(?:[.)]|\s)|step \d+)", re.MULTILINE)
_FIGURE = re.compile(
    r"(?<![A-Za-z0-9])[+-]?\d+(?:[,.]\d+)*"
    r"|\b(?:two|three|four|five|six|seven|eight|nine|ten|twelve|twenty|forty|fifty|hundred)\b"
)


# Words to say: a quotation long enough to be a message, not a name in quotes.
_WORDING_PASSAGE = re.compile(r"[\"“「『][^\"”」』\n]{20,}[\"”」』]")
_WORDING_HEADING = rx(
    r"\b(?:messages?|script|template|wording|what to say|say|phrases?|statement)\b",
    r"定型文|案内文|文言|例文|トーク|言い方|伝え方|言葉|フレーズ|テンプレ",
)
# A sentence whose point is another document ("Open the matching playbook", 「…を参照」).
_POINTER_PASSAGE = rx(
    r"^(?:please |just )?(?:open|see|read|check|follow|consult|refer to|go to|use)\b.{0,80}"
    r"\b(?:playbook|guide|policy|page|article|section|document|faq|procedure|manual|below"
    r"|above|intranet|link)s?\b",
    r"\b(?:use|open|see|follow|read|check|consult|refer to) (?:the|our|this) (?:matching |relevant "
    r"|right |separate )?(?:[\"“'][^\"”'\n]{3,60}[\"”'] )?(?:playbook|guide|policy|page|article"
    r"|procedure|manual)\b",
    r"\b(?:for more (?:information|details|info)|learn more|read more|more on this)\b",
    r"(?:プレイブック|ガイド|ページ|規程|ポリシー|マニュアル|資料|記事|」|』)(?:を|に)?"
    r"(?:開いて|参照|ご参照|ご覧|確認して|ご確認|見て|従(?:い|って))",
    r"詳しくは|詳細は",
)


def gives_wording(text: str, heading: str = "") -> bool:
    """Whether a passage holds words to say or write: a quoted message, or lines under a
    heading like "Holding messages" or 「お客さまへの案内文」."""
    return bool(_WORDING_PASSAGE.search(text) or (heading and _WORDING_HEADING.search(heading)))


def refers_elsewhere(text: str) -> bool:
    """Whether a passage's point is to send the reader to another document."""
    return bool(_POINTER_PASSAGE.search(normalise(text.replace("*", ""))))


def _names_a_person(text: str) -> bool:
    for match in _PERSON_EN.finditer(text):
        words = {match[1].casefold(), match[2].casefold()}
        if not words & (_NOT_A_NAME | STOPWORDS):
            return True
    return _PERSON_JA.search(text) is not None


def passage_features(text: str) -> frozenset[Intent]:
    """Which kinds of fact a passage holds, for ranking it against a question's intents."""
    plain = unicodedata.normalize("NFKC", text.replace("*", ""))
    folded = normalise(text.replace("*", ""), keep_lines=True)
    items = len(_ITEM_LINE.findall(text)) + max(len(_TABLE_ROW.findall(text)) - 1, 0)
    checks = {
        Intent.AMOUNT: bool(MONEY.search(folded) or PERCENT.search(folded)),
        Intent.DURATION: bool(_DURATION_PASSAGE.search(folded)),
        Intent.CONTACT: bool(_CONTACT_PASSAGE.search(folded)) or _names_a_person(plain),
        Intent.STEPS: bool(_NUMBERED_LINE.search(text) or _FIRST_THEN.search(folded)),
        Intent.LIST: items >= 2,
        Intent.DEFINITION: bool(_DEFINITION_PASSAGE.search(folded)),
        Intent.PERMISSION: permission_polarity(text) is not None,
        Intent.NUMBER: bool(_FIGURE.search(_DURATION_PASSAGE.sub(" ", _MARKER.sub("", folded)))),
    }
    return frozenset(intent for intent, present in checks.items() if present)


def permission_polarity(text: str) -> Literal["yes", "no"] | None:
    """Whether a passage grants or refuses the permission it talks about.

    The first sentence that speaks of permission decides (passages lead with their rule);
    within it a refusal wins, so "don't refund without approval" is a no.
    """
    for sentence in _SENTENCE_END.split(normalise(text.replace("*", ""), keep_lines=True)):
        if _PERMISSION_NO.search(sentence):
            return "no"
        if _PERMISSION_YES.search(sentence):
            return "yes"
    return None


def limit_amount(text: str) -> int | None:
    """The first money limit a passage states ("up to ¥8,000", 「5,000円までの返金」)."""
    folded = normalise(text.replace("*", ""))
    for match in MONEY.finditer(folded):
        if LIMIT_BEFORE.search(folded, 0, match.start()) or LIMIT_AFTER.match(
            folded[match.end() :]
        ):
            return money_value(match)
    return None


_BEYOND_BEFORE = re.compile(r"\b(?:more than|over|above|beyond|exceed\w*)\s+(?:the\s+|a\s+)?$")
_BEYOND_AFTER = re.compile(r"^\s*(?:の?\w{0,5}?を超え|超え|超|以上)")


def speaks_beyond(text: str, amount: int | None) -> bool:
    """Whether a passage says what happens above this amount ("credits over ¥5,000",
    「¥500のクーポンを超える補償」), or above any amount when None: the rule for a question
    about going beyond it."""
    folded = normalise(text.replace("*", ""))
    for match in MONEY.finditer(folded):
        if amount is not None and money_value(match) != amount:
            continue
        before = folded[max(0, match.start() - 16) : match.start()]
        if _BEYOND_BEFORE.search(before) or _BEYOND_AFTER.match(folded[match.end() :]):
            return True
    return False


_UP_TO_BEFORE = re.compile(r"\b(?:up to|and up to|to)\s*$")
_UP_TO_AFTER = re.compile(r"^\s*(?:まで|以下)")


_ROW_START = re.compile(r"(?:^|\n)\s*(?:up to\s*)?$")
_RANGE_BETWEEN = re.compile(r"^\s*(?:to|and|-|–|—|~|〜|～|から)\s*$")


def covers_amount(text: str, amount: int) -> bool:
    """Whether the passage's rule is for this amount: a range that holds it ("over ¥10,000
    and up to ¥50,000", 「¥10,000を超え¥50,000まで」, "$25.01 to $150", 「5,001円～3万円」),
    one up to a limit ("Up to $25") or an open one above ("Over ¥50,000")."""
    folded = normalise(text.replace("*", ""))
    low: int | None = None
    previous: re.Match[str] | None = None
    for match in MONEY.finditer(folded):
        value = money_value(match)
        before = folded[max(0, match.start() - 16) : match.start()]
        after = folded[match.end() :]
        if previous is not None and _RANGE_BETWEEN.match(folded[previous.end() : match.start()]):
            return money_value(previous) <= amount <= value
        if _BEYOND_BEFORE.search(before) or _BEYOND_AFTER.match(after):
            low = value
        elif _UP_TO_BEFORE.search(before) or _UP_TO_AFTER.match(after):
            if low is not None:
                return low < amount <= value
            if _ROW_START.search(folded[: match.start()]):
                return amount <= value  # a row for amounts up to a limit: "Up to $25: …"
        previous = match
    return low is not None and amount > low


def defines_term(text: str, term: str) -> bool:
    """Whether a line defines the term: "**SEV1**: …", "SEV1 means …", 「SEV1とは…」."""
    folded = plain_inline(text).casefold()
    term = term.casefold()
    for line in folded.splitlines():
        line = line.strip(" •*")
        if line.startswith(term):
            rest = line[len(term) :].lstrip(" *)）」")
            if rest.startswith((":", "：", "とは", "means", "is when", "=")):
                return True
    return False
