"""Who may read a document: its front matter's `audience`, and the tokens a reader holds.

A document's audience is a list of tokens: role names (`store-staff`), `managers`, `leads`
and Slack user group IDs (`S0123ABCD`). No audience means all staff. A reader holds tokens
too (their role, `managers` if they manage, their groups); they may read a document when it
is for all staff or when they hold one of its tokens. A channel reads as nobody in
particular: all-staff documents only.

Each chunk carries its document's audience as one *key* (the sorted tokens joined), so the
vector store can filter by it before ranking and the lexical side can mask it the same way.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: The key of documents every member of staff may read.
EVERYONE = ""
#: Words that mean "everyone" in front matter.
_ALL_STAFF = frozenset({"all", "everyone", "all-staff", "staff", "all staff", "全員", "全社員"})
_GROUP_ID = re.compile(r"^S[A-Z0-9]{6,}$")

#: What a reader holds: tokens, or None for no restriction (an operator at the command line).
Audience = frozenset[str] | None


def token(value: str) -> str:
    """One audience entry in its canonical form: group IDs as written, the rest slugged."""
    text = value.strip()
    if _GROUP_ID.match(text):
        return text
    return "-".join(text.lower().replace("_", " ").split())


def parse(values: Iterable[str]) -> tuple[str, ...]:
    """Front matter values to canonical tokens; "all staff" and the like mean no restriction."""
    tokens = {token(v) for v in values if v.strip()}
    if tokens & {token(w) for w in _ALL_STAFF}:
        return ()
    return tuple(sorted(tokens))


def is_group_id(value: str) -> bool:
    """A Slack user group ID (`S0123ABCD`), as audiences name groups."""
    return bool(_GROUP_ID.match(value))


def key(tokens: Iterable[str]) -> str:
    return ",".join(sorted(set(tokens)))


def tokens_of(audience_key: str) -> frozenset[str]:
    return frozenset(t for t in audience_key.split(",") if t)


def visible(audience_key: str, reader: Audience) -> bool:
    """Whether a reader may see a document with this audience key."""
    if reader is None or audience_key == EVERYONE:
        return True
    return bool(tokens_of(audience_key) & reader)
