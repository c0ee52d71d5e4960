"""What a staff question asks for, and which kinds of fact a passage holds.

The answer composer leads with the fact asked for (an amount, a time, a person or channel,
yes/no) for the asker's own role. This module reads a question (English or Japanese, casual,
with typos) into a `QuestionAnalysis`, and reads a passage into the set of `Intent`s it can
answer, so the composer can rank passages by fit and say "yes"/"no" against a stated limit.

Regular expressions and word lists only: no model, no tokenizer, well under a millisecond
per question. Both languages' patterns run on every text, so mixed questions work.

Counts are deliberately not AMOUNT: "how many stores" asks a number, not money. A count of
time units ("how many days") is DURATION; a count of kinds of thing ("how many values",
「いくつ」) is LIST; any other count marks no intent, and the composer falls back to relevance.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

from ingest.language import detect_language


class Intent(StrEnum):
    AMOUNT = "amount"
    DURATION = "duration"
    CONTACT = "contact"
    STEPS = "steps"
    LIST = "list"
    DEFINITION = "definition"
    PERMISSION = "permission"


@dataclass(frozen=True)
class QuestionAnalysis:
    """What a question asks (`intents`), about whom, and whether it leans on the last turn.

    `role_mentioned` is a canonical slug from `bot.roles`; when `asker_states_role` it is the
    asker's own role. `content_words` counts topic words, so "and for managers?" scores 1.
    """

    intents: frozenset[Intent]
    language: str
    about_self: bool
    role_mentioned: str | None
    asker_states_role: bool
    amount_yen: int | None
    follow_up_cues: bool
    content_words: int
    # The amount is a floor: "more than the ¥500 coupon", 「500円より大きい補償」.
    beyond_amount: bool = False
    # Asks for stories or examples (customer praise, wins), which the highlights hold.
    wants_examples: bool = False


def _rx(*parts: str) -> re.Pattern[str]:
    return re.compile("|".join(parts), re.MULTILINE)


def _normalise(text: str, *, keep_lines: bool = False) -> str:
    # NFKC folds full-width digits, ￥ and ？ to ASCII, so one set of patterns serves both.
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    lines = text.casefold().splitlines() if keep_lines else [text.casefold()]
    return "\n".join(" ".join(line.split()) for line in lines)


# Money -------------------------------------------------------------------------------------

_NUM = r"(?<![\d,.])(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[一二三四五六七八九十])"
_YEN = re.compile(
    # 1万円, 1.5万円, 1万5千円, and 「1万超え」 where 円 is dropped before a limit word.
    rf"(?P<man>{_NUM})\s*万\s*(?:(?P<sen>\d|[一二三四五六七八九])\s*千|(?P<rest>\d{{1,4}}))?"
    r"\s*(?:円|(?=まで|超|以上|以下|未満|くらい|ぐらい|程度|相当))"
    rf"|¥\s*(?P<a>{_NUM})\s*(?P<am>k\b|万|千)?"
    rf"|(?P<b>{_NUM})\s*(?P<bm>k|千)?\s*(?:円|yen\b|jpy\b)"
)
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*(?:%|パーセント|percent\b)")
_KANJI_DIGITS = {k: i for i, k in enumerate("一二三四五六七八九十", start=1)}
_MULTIPLIER = {"": 1, "k": 1_000, "千": 1_000, "万": 10_000}


def _number(text: str) -> float:
    return float(_KANJI_DIGITS.get(text) or text.replace(",", ""))


def _yen_value(match: re.Match[str]) -> int:
    if match["man"] is not None:
        value = _number(match["man"]) * 10_000
        value += _number(match["sen"]) * 1_000 if match["sen"] else 0
        value += int(match["rest"]) if match["rest"] else 0
    elif match["a"] is not None:
        value = _number(match["a"]) * _MULTIPLIER[match["am"] or ""]
    else:
        value = _number(match["b"]) * _MULTIPLIER[match["bm"] or ""]
    return round(value)


# A yen amount is a limit when a limit word stands right before or after it.
_LIMIT_BEFORE = re.compile(
    r"(?:\b(?:up to|no more than|not more than|maximum of|max(?:imum)?|at most|limit of|"
    r"limit is|capped at|cap of)|上限(?:は|が|額)?)\s*$"
)
_LIMIT_AFTER = re.compile(
    r"^\s*(?:(?:limit|cap|maximum|max)\b|(?:[(][^)]{0,20}[)])?\s*(?:相当)?\s*"
    r"(?:まで|以内|以下|を上限|が上限))"
)

# Roles -------------------------------------------------------------------------------------

# Nouns for people in a role, not topics: bot.roles' title words include "product", "brand"
# and 「配送」, which in a question are usually what is asked about ("our products",
# 「配送料」). Managers come first so "store manager" or "support team lead" is a manager.
_ROLE_ENTRIES: tuple[tuple[str, str], ...] = (
    (
        "people-manager",
        r"(?<![#@\w-])(?:(?:support|store|shift|warehouse|logistics|sales|marketing|engineering"
        r"|people|line|duty|team) )?(?:team )?(?:lead(?:er)?s?\b(?! to\b)|managers?\b"
        r"|supervisors?\b)(?<!cx lead)(?<!cx leads)|店長|マネー?ジャー|(?:チーム|シフト)?リーダー"
        r"|スーパーバイザー|管理職",
    ),
    (
        "customer-support",
        r"(?<![#@\w-])(?:customer )?support(?:[ -](?:agents?|staff|team|reps?|people|colleagues"
        r"|desk|cent(?:re|er)))?\b(?! (?:the|a|an|our|your|their|them|him|her|customers?)\b)"
        r"|\bcs (?:agents?|team|staff)\b|\bagents?\b|\bcall cent(?:re|er)s?\b"
        r"|\bcontact cent(?:re|er)s?\b|\bcustomer service\b|カスタマーサポート"
        r"|サポート(?:センター|担当|チーム|スタッフ)?|コールセンター|コンタクトセンター|オペレーター",
    ),
    (
        "store-staff",
        r"\b(?:store|shop|retail|in-store)[ -](?:staff|clerks?|employees?|team|workers?"
        r"|associates?|colleagues|people|assistants?)\b|\bcashiers?\b|\bclerks?\b"
        r"|(?<!many )\bstores\b|店舗(?!受け?取り?)(?:スタッフ)?|店員|販売(?:スタッフ|員)|レジ担当",
    ),
    (
        "warehouse",
        r"\bwarehouse\b|\blogistics\b|\bpackers?\b|\bpickers?\b|\bdelivery (?:crew|team|staff"
        r"|drivers?)\b|\bdrivers?\b|倉庫|物流(?!センター)|配送(?:スタッフ|クルー|ドライバー|担当"
        r"|チーム)|ドライバー",
    ),
    (
        "sales",
        r"(?<![\w-])b2b\b|\bsales\b(?! (?:items?|events?|days?|season)\b)"
        r"|\baccount (?:executives?|managers?)\b|法人営業|営業",
    ),
    ("marketing", r"\bmarketing\b|\bmarketers?\b|\bbrand team\b|マーケティング|マーケ"),
    ("engineering", r"\bengineers?\b|\bengineering\b|\bdevelopers?\b|エンジニア|開発"),
)
# Workplaces only count as a role when the asker says they work there ("I work at the store").
_PLACE_ENTRIES = (("store-staff", r"\b(?:store|shop|till|counter|shop floor)\b"),)


def _alternation(entries: Sequence[tuple[str, str]]) -> str:
    return "|".join(f"(?P<r{i}>{pattern})" for i, (_, pattern) in enumerate(entries))


def _slug(match: re.Match[str], entries: Sequence[tuple[str, str]]) -> str:
    return entries[int((match.lastgroup or "r0")[1:])][0]


_STATEMENT_ENTRIES = _ROLE_ENTRIES + _PLACE_ENTRIES
_ROLE = re.compile(_alternation(_ROLE_ENTRIES))
_FILLER = r"(?:(?:a|an|the|in|on|at|for|with|from|part of|one of the|new|senior|junior|part-time"
_FILLER += r"|full-time|trainee)\s+){0,3}"
_STATES_ROLE = (
    (re.compile(rf"\bas\s+{_FILLER}(?:{_alternation(_ROLE_ENTRIES)})"), _ROLE_ENTRIES),
    (
        re.compile(
            rf"(?:\bi'?m|\bi am|\bi work|\bworking|\bwe'?re|\bwe are)\s+{_FILLER}"
            rf"(?:{_alternation(_STATEMENT_ENTRIES)})"
        ),
        _STATEMENT_ENTRIES,
    ),
    (re.compile(rf"^(?:{_alternation(_ROLE_ENTRIES)})\s+here\b"), _ROLE_ENTRIES),
    (
        re.compile(
            rf"(?:{_alternation(_ROLE_ENTRIES)})(?:の)?(?:スタッフ|担当|チーム|部門|部|の者|勤務|社員)?"
            r"(?:です|だけど|だけれど|だが|なんですが|なのですが|なんだけど|なんですけど|として"
            r"|で働い|で勤務|に勤務|にいます|にいる|所属|をして|をやって|やって)"
        ),
        _ROLE_ENTRIES,
    ),
    (
        re.compile(
            rf"(?:私|わたし|僕|ぼく|俺|おれ|自分)(?:は|も|、)\s*(?:{_alternation(_ROLE_ENTRIES)})"
        ),
        _ROLE_ENTRIES,
    ),
)
_MANAGES_A_TEAM = re.compile(
    r"\b(?:someone|somebody|people|members?|staff|one) (?:on|in|from) my team\b"
    r"|\bmy (?:team members?|direct reports|reports)\b"
)
# A role named as whom to go to ("ask my team lead", 「営業に聞く」) is not the role asked about.
_TARGET_BEFORE = re.compile(
    r"\b(?:to|ask|tell|from|contact|ping|message|with|get)[\s,]+(?:(?:my|the|a|an|your|our)\s+)?$"
)
_TARGET_AFTER = re.compile(r"^(?:スタッフ|担当|チーム|さん)?(?:に|へ|から)(?!は)")

# Question intents --------------------------------------------------------------------------

_WH_EN = re.compile(r"\b(?:what|whats|who|whos|whom|whose|which|where|when|why|how|hows)\b")
_WH_JA = re.compile(r"いくら|誰|だれ|どこ|いつ(?!も)|何(?!か)|なに|どう|どの|どれ|どんな")
_LIST_NOUNS = (
    r"values|steps|types|kinds|options|rules|channels|ways|stages|categories|levels|things"
    r"|remedies|roles|metrics|principles|tags|reasons"
)
# "over my limit" is the condition, not the thing asked ("what if it's over my limit").
_LIMIT_AS_CONDITION = re.compile(
    r"\b(?:over|above|beyond|exceeds?|exceeding|past|more than)\s+(?:my|your|their|the|that)?\s*"
    r"(?:\w+\s+)?limit\b|上限(?:を|の|より)?(?:超|以上|オーバー)"
)
_QUESTION_CUES: dict[Intent, re.Pattern[str]] = {
    Intent.AMOUNT: _rx(
        r"\bhow much\b(?!\s+(?:time|longer|later|earlier|notice)\b)",
        r"(?<!time )(?<!number )\b(?:limit|limits|cap|budget)\b",
        r"\b(?:what|which) (?:percent|percentage)\b|\bhow many percent\b",
        r"\bwhat(?:'s|s| is| are)? (?:the |our |my )?(?:[\w-]+ )?"
        r"(?:price|cost|fee|rate|discount)\b",
        r"いくら|上限|何円|何万|金額|何%|何パーセント|値段|料金|費用|予算",
        r"(?:どこ|どれくらい|どのくらい)まで(?=.*(?:返金|クレジット|補償|値引|割引|クーポン|お詫び"
        r"|再発?送|円|¥|出せ))",
    ),
    Intent.DURATION: _rx(
        r"\bhow (?:long|fast|soon|quick(?:ly)?|often|frequently|early|late|far (?:ahead|in advance)"
        r"|much time)\b",
        r"\bhow many (?:business |working )?"
        r"(?:days|hours|minutes|mins|weeks|months|years|shifts)\b",
        r"\bwhen (?:do|does|did|will|would|should|can|could|is|are|must|shall)\b",
        r"\b(?:by|until|till) when\b|\bwhat time\b|\bdeadline\b|\bdue\b(?! to\b)|\btime ?frame\b",
        r"\bturnaround\b|\bexpir\w*|\bvalid(?:ity)?\b|\bwindow\b|\bsla\b|\btime limit\b",
        r"\bwithin\b(?! (?:my|your|the|our|their) (?:\w+ )?(?:limit|budget|authority|policy))",
        r"いつ(?!も)|何日|何時|何分|何週|何か月|何ヶ月|何カ月|何ヵ月|何年|何営業日|期限|期間",
        r"(?:どの|どれ)(?:くらい|ぐらい)で|すぐ|以内|頻度|何回|締め切り|締切|猶予",
    ),
    Intent.CONTACT: _rx(
        r"\b(?:which|what) (?:slack )?(?:channel|team|person|people|department|desk)\b",
        r"\bchannel\b|\bescalat\w*|\bpoint of contact\b|\bget in touch\b|\breach out\b",
        r"\bsigns? off\b|\bcontact (?:person|details)\b",
        r"\bwhere (?:do|should|can|would|could|to|does|must)\b.{0,40}?\b(?:post|report|send|flag"
        r"|escalate|raise|ask|go|take|log|submit|share|tell|contact|forward|file|reach|put)\b",
        r"誰|だれ|どなた|どこ(?:に|へ)|どこで(?:報告|相談|聞)|どの(?:チャンネル|部署|チーム|窓口)",
        r"チャンネル|連絡先|相談先|問い合わせ先|報告先|エスカレ|窓口|担当者",
    ),
    Intent.STEPS: _rx(
        r"\bhow (?:do|does|did|should|can|could|would|must|to|will|are|is)\b",
        r"\bwhat (?:should|do|does|can|must|shall|would|will|could)(?: \S+){1,3} do\b",
        r"\b(?:supposed|meant|expected|need|have|has) to do\b|\bwhat to do\b|\bwhat happens\b",
        r"\bsteps?\b|\bprocess\b|\bprocedure\b|\bplaybook\b|\bhandle\b|\bdeal with\b",
        r"どうすれば|どうしたら|どう対応|どう動|どうする|どうしよう|どうやって|どうやる|どうなる",
        r"手順|やり方|流れ|方法|対処|何を?(?:すれば|したら|してあげれば)|何を\S{0,4}ばいい",
    ),
    Intent.LIST: _rx(
        r"\blist\b|\bwhat (?:kinds?|types?|sorts?) of\b|\b(?:which|what)\b[^?.]*\bare there\b",
        rf"\bhow many (?:different )?(?:{_LIST_NOUNS})\b|\ball (?:the|our) (?:{_LIST_NOUNS})\b",
        rf"\bwhat are (?:the |our |all )?(?:\S+ ){{0,3}}?(?:{_LIST_NOUNS})\b",
        rf"\b(?:two|three|four|five|six|seven|\d+) (?:{_LIST_NOUNS})\b",
        r"何がある|何があります|なにがある|一覧|いくつ|何種類|何個|何項目|どんな\S{0,3}が(?:ある|あります)",
        r"(?<!\d)[0-9一二三四五六七八九十]つの|全部|すべて|挙げて|リスト|種類",
    ),
    Intent.DEFINITION: _rx(
        r"(?<![こひ])とは(?!いえ|限ら|言え)|って(?:何|なに|なん)(?=\?|$|です|でしょ|の|なの|だっけ|だ)",
        r"どういう(?:意味|こと|状態|もの)|意味",
    ),
}
# "who" opening a question or after a preposition, not the relative "a customer who...";
# "who are our customers" asks about the market, not whom to contact.
_WHO = re.compile(
    r"(?:^|[.?!,;:\-–]\s*|\b(?:to|from|with|for|by|ask|tell|know|sure|and|so|but|ok|okay|then"
    r"|btw|question)\s+)(?:who|whom|whos|who's|whose)\b"
)
_WHO_NOT_CONTACT = re.compile(
    r"\s*(?:are|is|were|was)?\s*(?:our|the|hinode(?:'s)?|we)\s+(?:[\w-]+\s+)?(?:customers?|clients?"
    r"|shoppers?|members?|audience|users?|competitors?|target)\b|\s*(?:are|is) we\b"
)
_DEFINITION_TARGET = _rx(
    r"\bwhat (?:does|do|did) (?P<t1>.+?) (?:mean|stand for)\b",
    r"\b(?:meaning of|what is meant by|definition of|define|what counts as) (?P<t2>[^?.!]+)",
    r"^(?:so |ok |and )?what(?:'s|s| is| are) (?:an? )?(?P<t3>(?!(?:the|our|my|your|this|that|it"
    r"|its|their|his|her|we|you|i|there|he|she|they|these|those|up|new|next|wrong|happening"
    r"|going)\b)[\w'-]+(?: [\w'-]+){0,2})\s*[?.!]*$",
)
_PERMISSION_STRONG = _rx(
    r"\b(?:allowed|permitted|permission|authori[sz]ed|authority)\b",
    r"\bis it (?:ok|okay|alright|all right|fine|possible)\b|\b(?:ok|okay|alright|fine) (?:to|if)\b",
    r"\b(?:without|w/o|w/out) (?:asking|approval|permission|anyone|a manager|sign-?off|checking)",
    r"\b(?:need|needs|require|requires|get|getting) (?:an? )?(?:approval|permission|sign-?off)\b",
    r"\bon my own\b|\bby myself\b|\bam i able to\b",
    r"(?:て|で)(?:も)?(?:いい|良い|よい|構わない|かまわない)(?=の|か|です|でしょ|んです|\?|$|よね)",
    r"大丈夫|許可|承認(?:なし|無し|を?取らず|を?もらわず)|勝手に|自分の判断で|自分で(?:決め|判断|承認)",
    r"(?<!不)可能(?!性)|(?<![a-z])ok\?|オッケー|(?:ダメ|だめ)(?:\?|です|なの|かな)",
)
# Bare "can"/「できる？」 is a permission question only when it is a yes/no question.
_MODAL_EN = re.compile(r"\b(?:can|may|could)\b(?!\s*not\b)")
_CLAUSE_BREAK = re.compile(r"[.?!;:,]|\s[-–]\s|\b(?:and|but|so|or|then)\b")
_MODAL_LEAD_INS = frozenset({"", "just", "also", "hey", "quick question"})
_MODAL_JA = re.compile(r"(?:でき|られ|出せ)(?:る|ない|ます|ません)(?=か|の|\?|$|よね|かな)")

# The asker --------------------------------------------------------------------------------

_SELF_EN = _rx(
    r"\b(?:i|i'm|im|i've|ive|i'd|i'll|me|my|mine|myself)\b",
    r"\b(?:can|may|could|should) we\b|\bare we (?:allowed|able|supposed)\b",
    r"\bwhat (?:do|should|can) we do\b|\bdo we (?:need|have) to\b",
)
# 「自分ごと」 is the name of a value (Own it), not the asker.
_SELF_JA = re.compile(r"私|わたし|自分(?!ごと)|僕|ぼく|俺|おれ|うちら|(?:^|[、。\s])うちの")
_THIRD_PARTY_SUBJECT = re.compile(
    r"(?:お?客|顧客)(?:さん|さま|様)?(?:が|は)|(?:店長|リーダー|スタッフ|マネージャー|チーム)(?:が|は)"
)

# Follow-ups -------------------------------------------------------------------------------

_LEADING_FILLER = re.compile(r"^(?:(?:ok|okay|cool|great|right|hmm+|um+|thanks|thx)[,.!\s]+)+")
_NEW_TOPIC = _rx(
    r"\b(?:diff(?:erent)? (?:question|topic)|new question|another question|unrelated",
    r"separate question|btw|by the way|off[- ]topic|random question|on another note)\b",
    r"話(?:は)?変わ|ところで|別件|関係ない|関係のない|別の質問|違う質問",
)
_CONTINUATION_START = _rx(
    r"^(?:and|also|plus|or|so|then|but|what about|how about|same (?:for|with))\b",
    r"^(?:じゃあ|じゃ|では|それでも|それで|それなら|そしたら|だったら|なら|その場合|そのとき|その時)",
    r"^(?:あと|それと|それから)[、,]|^(?:ほかに|他に)",
)
_PREPOSITION_START = re.compile(r"^(?:for|with|about|in|at)\b")
_ALSO_CUE = re.compile(
    r"\btoo\b(?!\s+(?:late|early|much|many|long|big|small|expensive|hard|soon|far|heavy|old))"
    r"|\bas well\b"
)
# 「倉庫の場合は？」「それでも納得しなかったら？」: a condition with no main clause.
_ELLIPTICAL_END = re.compile(r"(?:場合|とき|時|たら|なら)(?:は|って)?\??$")
_BARE_TOPIC_END = re.compile(r"(?:は|って)\??$")
_ANAPHORA = _rx(
    r"\b(?:it|its|it's|that|this|they|them|their|those|these|there|the same|same one)\b",
    r"その(?!場|まま|日|他|ほか)|それ(?!ぞれ)|そこ|この|あの(?!ー)|上記|これ(?!から|まで)|あれ(?!ば)",
    r"そちら|そっち",
)
_NOT_ANAPHORA = _rx(
    r"\b(?:is|are|was|were) there\b|\bthere(?:'s| is| are| was| were)\b",
    r"\bthis (?:year|yr|week|month|morning|afternoon|evening|time|weekend|quarter)\b",
)
_TOKEN = re.compile(
    r"\d[\d,.]*|[a-z][a-z0-9'_-]*|[\u4e00-\u9fff々〆ヵヶ]+|[\u30a1-\u30fa\u30fc]{2,}"
)
_STOPWORDS = frozenset(
    """a about actually again all also am an and another any anyone anything are as at back be
    been being but by can could did do does doing done don't dont else even for from get gets
    getting go going got had has have he her here him his how hows i i'd i'll i'm i've if im
    in into is isn't it it's its ive just know let like long many may me mean means might mine
    more much must my myself need needs no not now of off ok okay on one only or other our out
    over please quick quickly really said same say see she should so some someone something
    soon still such supposed tell than thanks that that's the their them then there these they
    thing things this those though thx to too u up ur us want was way we were what what's
    whats when where which who who's whom whos whose why will with without would yeah yes you
    your fast often far allowed able meant
    場合 時 事 方 誰 何 今 件 次 前 後 中 上 下 他 自分 私 僕 俺 人 様""".split()
)
_ANAPHORA_WORDS = frozenset("it its it's that this they them those these there the same".split())


def _content_tokens(text: str) -> list[str]:
    return [
        token
        for token in _TOKEN.findall(text)
        if token not in _STOPWORDS
        and not token.startswith(("何", "誰"))
        and (len(token) > 1 or token.isdigit() or not token.isascii())
    ]


def _definition_target(text: str) -> str | None:
    match = _DEFINITION_TARGET.search(text)
    if match is None:
        return None
    return next(group for group in match.groups() if group is not None).strip()


def _has_permission_cue(text: str, language: str) -> bool:
    if _PERMISSION_STRONG.search(text):
        return True
    for match in _MODAL_EN.finditer(text):
        clause = _CLAUSE_BREAK.split(text[: match.start()])[-1]
        if not _WH_EN.search(clause):
            lead_in = _LEADING_FILLER.sub("", clause.strip() + " ").strip()
            if lead_in in _MODAL_LEAD_INS:
                return True
    return language == "ja" and bool(_MODAL_JA.search(text)) and not _WH_JA.search(text)


def _has_contact_cue(text: str) -> bool:
    if _QUESTION_CUES[Intent.CONTACT].search(text):
        return True
    return any(not _WHO_NOT_CONTACT.match(text, match.end()) for match in _WHO.finditer(text))


def _intents(text: str, language: str, amount: int | None) -> frozenset[Intent]:
    found: set[Intent] = {
        intent
        for intent, pattern in _QUESTION_CUES.items()
        if intent not in (Intent.AMOUNT, Intent.CONTACT) and pattern.search(text)
    }
    if _QUESTION_CUES[Intent.AMOUNT].search(_LIMIT_AS_CONDITION.sub(" ", text)):
        found.add(Intent.AMOUNT)
    if _has_contact_cue(text):
        found.add(Intent.CONTACT)
    if _definition_target(text) is not None:
        found.add(Intent.DEFINITION)
    if _has_permission_cue(text, language):
        found.add(Intent.PERMISSION)
    # An amount is the thing asked only in "can I refund ¥7,000?"; in "how long is the ¥500
    # coupon valid" it names the subject.
    if (amount is not None or _PERCENT.search(text)) and found <= {Intent.PERMISSION}:
        found.add(Intent.AMOUNT)
    return frozenset(found)


def _roles(text: str) -> tuple[str | None, bool]:
    """(role, stated by the asker as their own)."""
    for pattern, entries in _STATES_ROLE:
        match = pattern.search(text)
        if match:
            return _slug(match, entries), True
    if _MANAGES_A_TEAM.search(text):
        return "people-manager", True
    for match in _ROLE.finditer(text):
        if not (
            _TARGET_BEFORE.search(text, 0, match.start())
            or _TARGET_AFTER.match(text[match.end() :])
        ):
            return _slug(match, _ROLE_ENTRIES), False
    return None, False


def _about_self(text: str, language: str, intents: frozenset[Intent], role: str | None) -> bool:
    if _SELF_EN.search(text) or _SELF_JA.search(text):
        return True
    # Japanese drops the subject: 「返金してあげられる？」 asks about the asker.
    return (
        language == "ja"
        and Intent.PERMISSION in intents
        and role is None
        and not _THIRD_PARTY_SUBJECT.search(text)
    )


def _is_follow_up(text: str, content_words: int, definition_target: str | None) -> bool:
    if _NEW_TOPIC.search(text):
        return False
    text = _LEADING_FILLER.sub("", text)
    if _CONTINUATION_START.match(text) or _ELLIPTICAL_END.search(text) or _ALSO_CUE.search(text):
        return True
    if content_words <= 1 and (_BARE_TOPIC_END.search(text) or _PREPOSITION_START.match(text)):
        return True
    if definition_target and not set(definition_target.split()) <= _ANAPHORA_WORDS:
        return False  # "what does own it mean": the "it" is part of the term defined
    anaphora = _ANAPHORA.search(_NOT_ANAPHORA.sub(" ", text)) is not None
    return content_words == 0 or (anaphora and content_words <= 2)


_BEYOND = re.compile(
    r"\b(?:more than|over|above|greater than|bigger than|larger than|exceed\w*|beyond)\b"
    r"|より(?:大きい|高い|多い)|を?超え|以上の|上回"
)
_EXAMPLES = re.compile(
    r"\b(?:stor(?:y|ies)|examples?|praise\w*|thanks?|thank-you|kudos|wins?|highlights?)\b"
    r"|事例|例え|具体例|エピソード|お礼|感謝|褒め|ほめ|称賛|ストーリー|お客さまの声|お客様の声"
)


def analyse(question: str) -> QuestionAnalysis:
    """Read a staff question into what it asks for and about whom."""
    text = _normalise(question)
    language = detect_language(question)
    amount_match = _YEN.search(text)
    amount = _yen_value(amount_match) if amount_match else None
    intents = _intents(text, language, amount)
    role, stated = _roles(text)
    content_words = len(_content_tokens(text))
    return QuestionAnalysis(
        intents=intents,
        language=language,
        about_self=stated or _about_self(text, language, intents, role),
        role_mentioned=role,
        asker_states_role=stated,
        amount_yen=amount,
        follow_up_cues=_is_follow_up(text, content_words, _definition_target(text)),
        content_words=content_words,
        beyond_amount=amount is not None and bool(_BEYOND.search(text)),
        wants_examples=bool(_EXAMPLES.search(text)),
    )


# Passages ---------------------------------------------------------------------------------

_UNIT_COUNT = r"one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty"
# "Every day" and 「毎日」 are left out: the mantra says them, and it is not a time frame.
_DURATION_PASSAGE = _rx(
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
_CONTACT_PASSAGE = _rx(
    r"(?<![\w&#])#[a-z][a-z0-9_-]+|(?<![\w.])@[a-z][\w.-]*",
    r"\b(?:team lead(?:er)?s?|shift (?:supervisor|lead(?:er)?)s?|supervisors?|cx lead"
    r"|(?:store|line|duty|people) managers?|on-?call|logistics desk|privacy team|legal team"
    r"|guide owner|(?:your|the|a) manager)\b|\b(?:escalate|hand) (?:it )?(?:over )?to\b",
    r"チームリーダー|シフトリーダー|スーパーバイザー|cxリード|責任者|上長|上司|店長|マネージャー",
    r"担当者|オンコール|物流デスク|窓口|広報|法務|プライバシーチーム|リーダー",
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
_FIRST_THEN = _rx(r"\bfirst\b.{0,200}?\bthen\b", r"まず.{0,200}?(?:次に|それから|その後|そのあと)")
_DEFINITION_PASSAGE = _rx(
    r"\bmeans\b|\bis when\b|\brefers to\b|\bstands for\b|\bis defined as\b|\bcounts as\b",
    r"(?<![こひ])とは(?!いえ|限ら|言え|思)|という意味|を意味|のことです|のことを指|を指します",
)
_PERMISSION_NO = _rx(
    r"\b(?:don't|do not|never|must not|mustn't|may not|cannot|can't|can not)\b(?!\s+(?:need|have)"
    r"\s+to\b)",
    r"\b(?:not|isn't|aren't) (?:allowed|permitted|returnable)\b",
    r"\b(?:needs?|requires?) (?:an? )?(?:approval|sign-?off|permission)\b",
    r"できません|できない(?!か)|しません|行いません|(?:ては|では)(?:いけ|なり)ません|てはいけない",
    r"ないでください|禁止|(?:承認|許可)(?:が|を得る)必要|要承認|ことはありません",
)
_PERMISSION_YES = _rx(
    r"\bmay\b(?!\s+(?:not|need|have|be|take|want|also|ask|help)\b)",
    r"\bcan\b[^.;\n]{0,60}\b(?:without|on the spot|yourself|on your own|themselves)\b",
    r"\b(?:are|is|be) (?:always )?(?:allowed|permitted|authori[sz]ed|free) to\b",
    r"\bis always allowed\b",
    r"\bcan (?:authori[sz]e|approve|decide)\b",
    r"(?:て|で)(?:も)?(?:かまいません|構いません|かまわない|構わない|よい|良い)(?!か)|できます(?!か)",
    r"承認なしで|承認を得ずに|承認も得ずに|許可なく|自分の判断で|認められて|許可されて",
)
_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s*|\n+")


def _names_a_person(text: str) -> bool:
    for match in _PERSON_EN.finditer(text):
        words = {match[1].casefold(), match[2].casefold()}
        if not words & (_NOT_A_NAME | _STOPWORDS):
            return True
    return _PERSON_JA.search(text) is not None


def passage_features(text: str) -> frozenset[Intent]:
    """Which kinds of fact a passage holds, for ranking it against a question's intents."""
    plain = unicodedata.normalize("NFKC", text.replace("*", ""))
    folded = _normalise(text.replace("*", ""), keep_lines=True)
    items = len(_ITEM_LINE.findall(text)) + max(len(_TABLE_ROW.findall(text)) - 1, 0)
    checks = {
        Intent.AMOUNT: bool(_YEN.search(folded) or _PERCENT.search(folded)),
        Intent.DURATION: bool(_DURATION_PASSAGE.search(folded)),
        Intent.CONTACT: bool(_CONTACT_PASSAGE.search(folded)) or _names_a_person(plain),
        Intent.STEPS: bool(_NUMBERED_LINE.search(text) or _FIRST_THEN.search(folded)),
        Intent.LIST: items >= 2,
        Intent.DEFINITION: bool(_DEFINITION_PASSAGE.search(folded)),
        Intent.PERMISSION: permission_polarity(text) is not None,
    }
    return frozenset(intent for intent, present in checks.items() if present)


def permission_polarity(text: str) -> Literal["yes", "no"] | None:
    """Whether a passage grants or refuses the permission it talks about.

    The first sentence that speaks of permission decides (passages lead with their rule);
    within it a refusal wins, so "don't refund without approval" is a no.
    """
    for sentence in _SENTENCE_END.split(_normalise(text.replace("*", ""), keep_lines=True)):
        if _PERMISSION_NO.search(sentence):
            return "no"
        if _PERMISSION_YES.search(sentence):
            return "yes"
    return None


def limit_yen(text: str) -> int | None:
    """The first yen limit a passage states ("up to ¥8,000", 「5,000円までの返金」)."""
    folded = _normalise(text.replace("*", ""))
    for match in _YEN.finditer(folded):
        if _LIMIT_BEFORE.search(folded, 0, match.start()) or _LIMIT_AFTER.match(
            folded[match.end() :]
        ):
            return _yen_value(match)
    return None
