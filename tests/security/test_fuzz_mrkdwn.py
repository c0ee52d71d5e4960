"""Fuzzing the mrkdwn layer with hostile text: what tests/unit/test_mrkdwn.py does not cover
(plain fallbacks, splitting, mentions, truncation as a fixed point, where links come from).

Hostile means built from the pieces Slack treats specially, plus any Unicode at all.
"""

from __future__ import annotations

import re
import signal
from collections.abc import Iterator
from contextlib import contextmanager

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.slack.mrkdwn import (
    ELLIPSIS,
    ZWJ,
    escape,
    mention,
    split_text,
    to_mrkdwn,
    to_plain,
    truncate,
)

BARE_BROADCAST = re.compile(r"(?<![A-Za-z0-9])@(channel|here|everyone)(?![A-Za-z0-9])", re.I)
LINK_TOKEN = re.compile(r"<(https?://[^\s<>|]+)\|[^<>]*>", re.IGNORECASE)
PIECES = (
    "<",
    ">",
    "&",
    "!",
    "@",
    "#",
    "|",
    "^",
    "[",
    "]",
    "(",
    ")",
    "](",
    "<!channel>",
    "<!here|h>",
    "<@U0BOSS>",
    "<#C1>",
    "<!subteam^S1>",
    "<https://evil.example|x>",
    "https://evil.example",
    "http://a.b/c?d=1&e=2",
    "javascript:",
    "@here",
    "@channel",
    "@everyone",
    "here",
    "channel",
    "**",
    "__",
    "*",
    "_",
    "`",
    "```",
    "~~",
    "&lt;",
    "&amp;",
    "&gt",
    "\n",
    "\n\n",
    " ",
    "# ",
    "- ",
    "。",
    "お客様",
    "👍",
    "👨\u200d👩\u200d👧",
    "🇯🇵",
    "e\u0301",
    ZWJ,
    "\x00",
    "\x01",
    ".",
)
HOSTILE = st.one_of(
    st.text(max_size=300), st.lists(st.sampled_from(PIECES), max_size=60).map("".join)
)
LIMITS = st.integers(min_value=1, max_value=80)


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Fail instead of hanging (a cut that makes no progress would loop forever)."""

    def expired(signum: int, frame: object) -> None:
        raise TimeoutError(f"took longer than {seconds}s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@settings(max_examples=250, deadline=None)
@given(HOSTILE)
@example("@**here** and @`channel` and @__everyone__")  # markers stripped after escaping
@example("[@](http://x)here")
def test_to_plain_has_no_token_and_no_bare_broadcast(text: str) -> None:
    out = to_plain(text)
    assert "<" not in out and ">" not in out
    assert BARE_BROADCAST.search(out) is None, out
    assert to_plain(out).count("<") == 0


@settings(max_examples=250, deadline=None)
@given(HOSTILE)
def test_to_mrkdwn_links_only_to_urls_the_text_spelled_out(text: str) -> None:
    out = to_mrkdwn(text)
    for url in LINK_TOKEN.findall(out):
        # The URL is the escaped form of one written as Markdown `](url)` in the input.
        assert url.replace("&amp;", "&") in text and f"]({url.replace('&amp;', '&')})" in text
    rest = LINK_TOKEN.sub("", out)
    assert "<" not in rest and ">" not in rest


@settings(max_examples=250, deadline=None)
@given(HOSTILE, LIMITS)
@example("a" * 10, 2)
def test_truncate_is_bounded_and_a_fixed_point(text: str, limit: int) -> None:
    escaped = escape(text)
    out = truncate(escaped, limit)
    assert len(out) <= limit
    assert truncate(out, limit) == out
    if len(escaped) <= limit:
        assert out == escaped
    else:
        assert out.endswith(ELLIPSIS) or limit < 1
    assert re.search(r"&(?!amp;|lt;|gt;)", out) is None


@settings(max_examples=250, deadline=None)
@given(HOSTILE, LIMITS)
@example("\u200da", 1)  # a joiner first with a one-character limit looped forever
@example("a\u200d\u200d\u200db", 1)
def test_split_text_ends_is_bounded_and_loses_nothing(text: str, limit: int) -> None:
    rendered = to_mrkdwn(text)
    with time_limit(5):
        pieces = split_text(rendered, limit)
    assert all(0 < len(p) <= limit for p in pieces)
    squeeze = re.compile(r"\s")
    assert squeeze.sub("", "".join(pieces)) == squeeze.sub("", rendered)


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.text(max_size=30), st.sampled_from(["U123ABC", "W0BOSS", "<!here>", "U1>"])))
def test_mention_is_live_only_for_a_real_user_id(user_id: str) -> None:
    out = mention(user_id)
    if re.fullmatch(r"[UW][A-Z0-9]{2,}", user_id):
        assert out == f"<@{user_id}>"
    else:
        assert "<" not in out and ">" not in out
        assert BARE_BROADCAST.search(out) is None


@settings(max_examples=200, deadline=None)
@given(HOSTILE)
def test_escape_is_reversible_apart_from_the_defusing_joiner(text: str) -> None:
    out = escape(text)
    back = out.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    assert back.replace("@" + ZWJ, "@") == text.replace("@" + ZWJ, "@")
