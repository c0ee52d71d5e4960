"""Which role a question names ("what can store staff refund?", 「倉庫スタッフです」), and
whether the asker says it is their own."""

from __future__ import annotations

import re
from collections.abc import Sequence

# Roles -------------------------------------------------------------------------------------

# Nouns for people in a role, not topics: the title words in bot.answering.roles include
# "product", "brand" and 「配送」, which in a question are usually what is asked about
# ("our products", 「配送料」). Managers come first so "store manager" or "support team
# lead" is a manager.
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
    # Several stores or teams of one's own: their manager ("one of my stores wants to…").
    r"|\bmy (?:stores|shops|teams|agents|packers|drivers)\b"
)
# A role named as whom to go to ("ask my team lead", 「営業に聞く」) is not the role asked about.
_TARGET_BEFORE = re.compile(
    r"\b(?:to|ask(?:ing)?|tell(?:ing)?|from|contact(?:ing)?|ping(?:ing)?|message|with|get"
    r"|by)[\s,]+(?:(?:my|the|a|an|your|our)\s+)?$"
    # "my lead", "my manager": someone the asker answers to, not the asker's own role.
    r"|\bmy\s+$"
)
_TARGET_AFTER = re.compile(r"^(?:スタッフ|担当|チーム|さん)?(?:に|へ|から)(?!は)")


def question_role(text: str) -> tuple[str | None, bool]:
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
