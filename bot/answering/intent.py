"""What a staff question asks for.

The answer composer leads with the fact asked for (an amount, a time, a person or channel,
yes/no) for the asker's own role. This module reads a question (English or Japanese, casual,
with typos) into a `QuestionAnalysis`; `passages` reads a passage into the set of `Intent`s
it can answer, so the composer can rank passages by fit and say "yes"/"no" against a limit.

Regular expressions and word lists only: no model, no tokenizer, well under a millisecond
per question. Both languages' patterns run on every text, so mixed questions work.

Counts are deliberately not AMOUNT: "how many stores" asks a number, not money. A count of
time units ("how many days") is DURATION; a count of kinds of thing ("how many values",
「いくつ」) is LIST; any other count marks no intent, and the composer falls back to relevance.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from bot.answering import answer_kinds as kinds
from bot.answering.asker import question_role
from bot.answering.patterns import (
    MONEY,
    PERCENT,
    STOPWORDS,
    money_value,
    normalise,
    rx,
    thousands_value,
)
from ingest.language import detect_language


class Intent(StrEnum):
    AMOUNT = "amount"
    DURATION = "duration"
    CONTACT = "contact"
    STEPS = "steps"
    LIST = "list"
    DEFINITION = "definition"
    PERMISSION = "permission"
    NUMBER = "number"  # a count or a target ("how many stores", "the NPS target")


@dataclass(frozen=True)
class QuestionAnalysis:
    """What a question asks (`intents`), about whom, and whether it leans on the last turn.

    `role_mentioned` is a canonical slug from `bot.answering.roles`; when
    `asker_states_role` it is the asker's own role. `content_words` counts topic words, so
    "and for managers?" scores 1.
    """

    intents: frozenset[Intent]
    language: str
    about_self: bool
    role_mentioned: str | None
    asker_states_role: bool
    amount: int | None
    follow_up_cues: bool
    content_words: int
    # The amount is a floor: "more than the ¥500 coupon", 「500円より大きい補償」.
    beyond_amount: bool = False
    # Asks for stories or examples (customer praise, wins), which the highlights hold.
    wants_examples: bool = False
    # Asks what is not allowed or not possible: a passage that refuses answers it.
    negated: bool = False
    # Asks for a fact with a wh-word rather than for a yes or no.
    wh_question: bool = False
    # Asks about going past a limit, with or without an amount ("over my limit", 「上限超える」).
    beyond: bool = False
    # The term whose meaning is asked ("own it" in "what does own it mean?").
    defines: str | None = None
    # Asks for the words to say or write ("what do we tell customers?", 「なんて伝えれば？」).
    wants_wording: bool = False
    # Asks where a document is ("where do I find the playbooks?"): a pointer is the answer.
    wants_pointer: bool = False
    # Asks what something costs (`answer_kinds.PRICE`).
    asks_price: bool = False
    # Names the sequence itself ("what's the process", 「手順」「流れ」), not just "how do I".
    wants_sequence: bool = False


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
    Intent.AMOUNT: rx(
        r"\bhow much\b(?!\s+(?:time|longer|later|earlier|notice)\b)",
        r"(?<!time )(?<!number )\b(?:limit|limits|cap|budget)\b",
        r"\b(?:what|which) (?:percent|percentage)\b|\bhow many percent\b",
        r"\bwhat(?:'s|s| is| are)? (?:the |our |my )?(?:[\w-]+ )?"
        r"(?:price|cost|fee|rate|discount)\b",
        r"いくら|上限|何円|何万|金額|何%|何パーセント|値段|料金|費用|予算",
        # "do we charge her anything", "is there a fee", "does it cost anything"
        r"\bcharge (?:her|him|them|the customer|anything|extra|a fee)\b"
        r"|\bis there a (?:fee|charge|cost)\b|\bcost (?:anything|extra)\b",
        r"(?:どこ|どれくらい|どのくらい)まで(?=.*(?:返金|クレジット|補償|値引|割引|クーポン|お詫び"
        r"|再発?送|円|¥|出せ))",
    ),
    Intent.DURATION: rx(
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
    Intent.CONTACT: rx(
        r"\b(?:which|what) (?:slack )?(?:channel|team|person|people|department|desk)\b",
        r"\bchannel\b|\bescalat\w*|\bpoint of contact\b|\bget in touch\b|\breach out\b",
        r"\bsigns? off\b|\bcontact (?:person|details)\b",
        r"\bwhere (?:do|should|can|would|could|to|does|must)\b.{0,40}?\b(?:post|report|send|flag"
        r"|escalate|raise|ask|go|take|log|submit|share|tell|contact|forward|file|reach|put)\b",
        r"誰|だれ|どなた|どこ(?:に|へ)|どこで(?:報告|相談|聞)|どの(?:チャンネル|部署|チーム|窓口)",
        r"チャンネル|連絡先|相談先|問い合わせ先|報告先|エスカレ|窓口|担当者",
    ),
    Intent.STEPS: rx(
        r"\bhow (?:do|does|did|should|can|could|would|must|to|will|are|is)\b",
        r"\bwhat (?:should|do|does|can|must|shall|would|will|could)(?: \S+){1,3} do\b",
        r"\b(?:supposed|meant|expected|need|have|has) to do\b|\bwhat to do\b|\bwhat happens\b",
        r"\bsteps?\b|\bprocess\b|\bprocedure\b|\bplaybook\b|\bhandle\b|\bdeal with\b",
        r"どうすれば|どうしたら|どう対応|どう動|どうする|どうしよう|どうやって|どうやる|どうなる",
        r"手順|やり方|流れ|方法|対処|何を?(?:すれば|したら|してあげれば)|何を\S{0,4}ばいい",
        # 「どう説明すればいい？」「メーターの戻し方」
        r"どう\S{1,6}(?:すれば|したら|すべき)|(?<=[しきえけみりいちびにぎ])方(?=を|は|が|、|って|\s|$|\?)",
    ),
    Intent.LIST: rx(
        r"\blist\b|\bwhat (?:kinds?|types?|sorts?) of\b|\b(?:which|what)\b[^?.]*\bare there\b",
        rf"\bhow many (?:different )?(?:{_LIST_NOUNS})\b|\ball (?:the|our) (?:{_LIST_NOUNS})\b",
        rf"\bwhat are (?:the |our |all )?(?:\S+ ){{0,3}}?(?:{_LIST_NOUNS})\b",
        rf"\b(?:two|three|four|five|six|seven|\d+) (?:{_LIST_NOUNS})\b",
        # "what items can't be returned", "which products are…": the set of them is asked.
        r"^(?:so |and |ok )?(?:what|which) (?:[a-z]+ )?[a-z]{3,}s (?:can|can't|cannot|are|aren't"
        r"|must|should|need|have to|do|does)\b",
        r"何がある|何があります|なにがある|一覧|いくつ|何種類|何個|何項目|どんな\S{0,3}が(?:ある|あります)",
        r"(?<!\d)[0-9一二三四五六七八九十]つの|全部|すべて|挙げて|リスト|種類",
    ),
    Intent.DEFINITION: rx(
        r"(?<![こひ])とは(?!いえ|限ら|言え)|って(?:何|なに|なん)(?=\?|$|です|でしょ|の|なの|だっけ|だ)",
        r"どういう(?:意味|こと|状態|もの)|意味",
    ),
}
# A number that is neither money nor time: a count ("how many stores") or a target/score.
_NUMBER_CUE = rx(
    r"\bhow many\b|\bnumber of\b|\b(?:target|targets|goal|goals|kpis?|score)\b",
    r"目標|何人|何店|何件|何社|何台|件数|人数|店舗数",
)
# The question asks what is NOT allowed or possible ("what can't be returned", 「できないもの」).
_NEGATED = rx(
    r"\b(?:can't|cant|cannot|can not|not allowed|mustn't|must not|shouldn't|should not"
    r"|never|not (?:be|get)|isn't|aren't|won't|avoid|not to)\b",
    r"できない|(?:ては|では)いけない|だめな|ダメな|禁止|不可|NG|避け|言っちゃ(?:ダメ|だめ|いけない)",
)
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
_DEFINITION_TARGET = rx(
    r"\bwhat (?:does|do|did) (?P<t1>.+?) (?:mean|stand for)\b",
    r"\b(?:meaning of|what is meant by|definition of|define|what counts as) (?P<t2>[^?.!]+)",
    r"^(?:so |ok |and )?what(?:'s|s| is| are) (?:an? )?(?P<t3>(?!(?:the|our|my|your|this|that|it"
    r"|its|their|his|her|we|you|i|there|he|she|they|these|those|up|new|next|wrong|happening"
    r"|going)\b)[\w'-]+(?: [\w'-]+){0,2})\s*[?.!]*$",
    # 「SEV1ってどういう状態？」「FCRとは何ですか」「自分ごとにするってどういう意味？」
    r"^(?P<t4>[^\s、。?？]{1,20}?)(?:って|とは)(?:(?:何|なに)(?:です|でしょう|のこと|の意味|\s*\?|$)"
    r"|(?:どういう|どんな)(?:意味|こと|状態|もの))",
)
_PERMISSION_STRONG = rx(
    r"\b(?:allowed|permitted|permission|authori[sz]ed|authority)\b",
    r"\bis it (?:ok|okay|alright|all right|fine|possible)\b|\b(?:ok|okay|alright|fine) (?:to|if)\b",
    r"\b(?:without|w/o|w/out) (?:asking|approval|permission|anyone|a manager|sign-?off|checking)",
    r"\b(?:need|needs|require|requires|get|getting) (?:an? )?(?:approval|permission|sign-?off)\b",
    r"\bon my own\b|\bby myself\b|\bam i able to\b",
    r"(?:て|で)(?:も)?(?:いい|良い|よい|構わない|かまわない)(?=の|か|です|でしょ|んです|\?|$|よね)",
    r"大丈夫|許可|承認(?:なし|無し|を?取らず|を?もらわず)|勝手に|自分の判断で|自分で(?:決め|判断|承認)",
    r"(?<!不)可能(?!性)|(?<![a-z])ok\?|オッケー|(?:ダメ|だめ)(?:\?|です|なの|かな)",
)
# A question that opens a clause with a wh-word ("whats my limit…", 「いくらまで…」) asks for
# a fact, not for a yes or no, even when it mentions permission ("without asking").
_WH_OPENING = re.compile(
    r"(?:^|[,.;:?!\-–]\s*|\b(?:so|and|but|then|ok|okay|btw)\s+)"
    r"(?:what|whats|what's|who|whos|who's|whom|which|where|when|why|how|hows)\b"
)
# Bare "can"/「できる？」 is a permission question only when it is a yes/no question.
_MODAL_EN = re.compile(r"\b(?:can|may|could)\b(?!\s*not\b)")
_CLAUSE_BREAK = re.compile(r"[.?!;:,]|\s[-–]\s|\b(?:and|but|so|or|then)\b")
_MODAL_LEAD_INS = frozenset({"", "just", "also", "hey", "quick question"})
_MODAL_JA = re.compile(r"(?:でき|られ|出せ)(?:る|ない|ます|ません)(?=か|の|\?|$|よね|かな)")

# The asker --------------------------------------------------------------------------------

_SELF_EN = rx(
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
_NEW_TOPIC = rx(
    r"\b(?:diff(?:erent)? (?:question|topic)|new question|another question|unrelated",
    r"separate question|btw|by the way|off[- ]topic|random question|on another note)\b",
    r"話(?:は)?変わ|ところで|別件|関係ない|関係のない|別の質問|違う質問",
)
_CONTINUATION_START = rx(
    r"^(?:and|also|plus|or|so|then|but|what about|how about|same (?:for|with))\b",
    r"^(?:じゃあ|じゃ|では|それでも|それで|それなら|そしたら|だったら|なら|その場合|そのとき|その時)",
    r"^(?:あと|それと|それから)[、,]|^(?:ほかに|他に)",
)
# "Also, …", 「あと、…」 before a whole question of its own adds a topic rather than
# continuing one.
_ADDITIVE_START = rx(r"^(?:also|plus|oh and|and also)\b", r"^(?:あと|それと|それから|ほかに|他に)")
_SELF_CONTAINED_WORDS = 3
_PREPOSITION_START = re.compile(r"^(?:for|with|about|in|at)\b")
_ALSO_CUE = re.compile(
    r"\btoo\b(?!\s+(?:late|early|much|many|long|big|small|expensive|hard|soon|far|heavy|old))"
    r"|\bas well\b"
)
# 「倉庫の場合は？」「それでも納得しなかったら？」: a condition with no main clause.
_ELLIPTICAL_END = re.compile(r"(?:場合|とき|時|たら|なら)(?:は|って)?\??$")
_BARE_TOPIC_END = re.compile(r"(?:は|って)\??$")
_ANAPHORA = rx(
    r"\b(?:it|its|it's|that|this|they|them|their|those|these|there|the same|same one)\b",
    r"その(?!場|まま|日|他|ほか)|それ(?!ぞれ)|そこ|この|あの(?!ー)|上記|これ(?!から|まで)|あれ(?!ば)",
    r"そちら|そっち",
)
_NOT_ANAPHORA = rx(
    r"\b(?:is|are|was|were) there\b|\bthere(?:'s| is| are| was| were)\b",
    r"\bthis (?:year|yr|week|month|morning|afternoon|evening|time|weekend|quarter)\b",
)
_TOKEN = re.compile(
    r"\d[\d,.]*|[a-z][a-z0-9'_-]*|[\u4e00-\u9fff々〆ヵヶ]+|[\u30a1-\u30fa\u30fc]{2,}"
)
_ANAPHORA_WORDS = frozenset(
    "it its it's that this they them those these there the same それ これ あれ そちら".split()
)


def _content_tokens(text: str) -> list[str]:
    return [
        token
        for token in _TOKEN.findall(text)
        if token not in STOPWORDS
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


_WHO_OR_WHERE = rx(
    r"\bwho(?:m|se)?\b|\bwhere\b|\b(?:which|what) (?:slack )?(?:channel|team|person|people"
    r"|department|desk)\b",
    r"誰|だれ|どなた|どこ|どの(?:チャンネル|部署|チーム|窓口)|連絡先|相談先|問い合わせ先|報告先",
)


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
    if _has_contact_cue(text) and not (Intent.DURATION in found and not _WHO_OR_WHERE.search(text)):
        # "when I escalate, how long until they reply?" asks for a time, not a contact.
        found.add(Intent.CONTACT)
    if _definition_target(text) is not None:
        found.add(Intent.DEFINITION)
    if _has_permission_cue(text, language):
        found.add(Intent.PERMISSION)
    if _NUMBER_CUE.search(text) and not found & {Intent.DURATION, Intent.LIST}:
        found.add(Intent.NUMBER)
    # An amount is the thing asked only in "can I refund ¥7,000?"; in "how long is the ¥500
    # coupon valid" it names the subject.
    if (amount is not None or PERCENT.search(text)) and found <= {Intent.PERMISSION}:
        found.add(Intent.AMOUNT)
    return frozenset(found)


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
    if _ADDITIVE_START.match(text) and content_words > _SELF_CONTAINED_WORDS:
        return False  # "also, who do I tell about a wrong address label?" adds a new question
    if _CONTINUATION_START.match(text) or _ELLIPTICAL_END.search(text) or _ALSO_CUE.search(text):
        return True
    if content_words <= 1 and (_BARE_TOPIC_END.search(text) or _PREPOSITION_START.match(text)):
        return True
    if definition_target and not set(definition_target.split()) <= _ANAPHORA_WORDS:
        return False  # "what does own it mean": the "it" is part of the term defined
    anaphora = _ANAPHORA.search(_NOT_ANAPHORA.sub(" ", text)) is not None
    return content_words == 0 or (anaphora and content_words <= 2)


def announces_new_topic(text: str) -> bool:
    """ "Different question: …", 「話変わるけど…」: the earlier conversation is not its topic."""
    return bool(_NEW_TOPIC.search(normalise(text)))


def analyse(question: str) -> QuestionAnalysis:
    """Read a staff question into what it asks for and about whom."""
    text = normalise(question)
    language = detect_language(question)
    amount_match = MONEY.search(text)
    amount = money_value(amount_match) if amount_match else thousands_value(text)
    intents = _intents(text, language, amount)
    role, stated = question_role(text)
    content_words = len(_content_tokens(text))
    target = _definition_target(text)
    return QuestionAnalysis(
        intents=intents,
        language=language,
        about_self=stated or _about_self(text, language, intents, role),
        role_mentioned=role,
        asker_states_role=stated,
        amount=amount,
        follow_up_cues=_is_follow_up(text, content_words, target),
        content_words=content_words,
        beyond_amount=amount is not None and kinds.asks_beyond(text),
        beyond=kinds.asks_beyond(text),
        wants_examples=bool(kinds.EXAMPLES.search(text)),
        negated=bool(_NEGATED.search(text)),
        wh_question=bool(_WH_OPENING.search(text) or _WH_JA.search(text)),
        defines=None if target in _ANAPHORA_WORDS else target,
        wants_wording=bool(kinds.WORDING.search(text)),
        wants_pointer=bool(kinds.POINTER.search(text)),
        wants_sequence=bool(kinds.SEQUENCE.search(text)),
        asks_price=Intent.AMOUNT in intents and kinds.asks_price(text),
    )
