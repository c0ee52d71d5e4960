"""mrkdwn escaping, Markdown conversion and safe truncation."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
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

# A link token `to_mrkdwn` may build: http(s) URL without `<>|` or spaces, text without `<>`.
LINK_TOKEN = re.compile(r"<https?://[^\s<>|]+\|[^<>]*>", re.IGNORECASE)
MARKDOWN_LINK = re.compile(r"\[[^\[\]\n]+\]\(https?://", re.IGNORECASE)
BARE_BROADCAST = re.compile(
    r"(?<![A-Za-z0-9])@(channel|here|everyone)(?![A-Za-z0-9])", re.IGNORECASE
)


@pytest.mark.parametrize(
    "dangerous",
    ["<!channel>", "<!here>", "<!everyone>", "<!subteam^S123|team>", "<@U123>", "<#C123>"],
)
def test_escape_defuses_mentions_and_broadcasts(dangerous: str) -> None:
    out = escape(f"hi {dangerous} there")
    assert "<" not in out and ">" not in out
    assert "&lt;" in out and "&gt;" in out


def test_escape_forged_link_and_ampersand() -> None:
    assert escape("<https://evil|click>") == "&lt;https://evil|click&gt;"
    assert escape("R&D") == "R&amp;D"
    assert escape("&lt;!channel&gt;") == "&amp;lt;!channel&amp;gt;"  # never decoded into a token


@pytest.mark.parametrize(
    "word", ["@channel", "@here", "@everyone", "@HERE", "(@here)", "**@here**", "_@channel_"]
)
def test_escape_defuses_bare_broadcast_words(word: str) -> None:
    out = escape(f"ping {word} now")
    assert "@" + ZWJ in out
    assert re.search(r"@(channel|here|everyone)", out, re.IGNORECASE) is None
    assert BARE_BROADCAST.search(to_mrkdwn(f"ping {word} now")) is None


def test_escape_leaves_email_and_other_at_words() -> None:
    assert escape("mail ops@here.example or @hereafter") == "mail ops@here.example or @hereafter"


def test_to_mrkdwn_converts_light_markdown() -> None:
    text = "# Refunds\n**Bold** and __also bold__ and *soft*\n- one\n* two\n  + nested\n~~old~~"
    assert to_mrkdwn(text).split("\n") == [
        "*Refunds*",
        "*Bold* and *also bold* and _soft_",
        "• one",
        "• two",
        "  • nested",
        "~old~",
    ]


def test_to_mrkdwn_heading_with_bold_inside() -> None:
    assert to_mrkdwn("## The **mantra** ##") == "*The mantra*"


def test_to_mrkdwn_links_only_for_http() -> None:
    text = "[Guide](https://kb.example.com/a?x=1&y=2) [bad](javascript:alert(1)) [f](ftp://x)"
    out = to_mrkdwn(text)
    assert out.startswith("<https://kb.example.com/a?x=1&amp;y=2|Guide>")
    assert "[bad](javascript:alert(1))" in out
    assert "[f](ftp://x)" in out
    assert out.count("<") == 1


def test_to_mrkdwn_link_text_is_escaped_and_url_cannot_inject() -> None:
    out = to_mrkdwn("[<!channel> win](https://x.example/p) [a](https://x|y) [b](https://x>y)")
    assert "<https://x.example/p|&lt;!channel&gt; win>" in out
    assert LINK_TOKEN.sub("", out).count("<") == 0
    assert "<!" not in out


def test_to_mrkdwn_keeps_inline_and_fenced_code() -> None:
    out = to_mrkdwn("Run `**not bold** [x](https://y)` now\n```python\n**raw** <tag>\n```")
    lines = out.split("\n")
    assert lines[0] == "Run `**not bold** [x](https://y)` now"
    assert lines[1:] == ["```", "**raw** &lt;tag&gt;", "```"]


def test_to_mrkdwn_does_not_bold_inside_urls() -> None:
    out = to_mrkdwn("see [init](https://x.example/__init__/a**b**) and __b__")
    assert "<https://x.example/__init__/a**b**|init>" in out
    assert out.endswith("*b*")


def test_to_mrkdwn_keeps_our_numbered_citations() -> None:
    assert to_mrkdwn("• Say sorry first. [1]") == "• Say sorry first. [1]"


def test_to_plain_strips_markers() -> None:
    assert to_plain("# Title\n**b** [x](https://y) `c` <!here>") == "Title\nb x c &lt;!here&gt;"


def test_mention() -> None:
    assert mention("U123ABC") == "<@U123ABC>"
    assert mention("W0AB") == "<@W0AB>"
    for bad in ["u123", "U1", "C123", "U123>", "U12 3", "U123\n", "!channel"]:
        assert "<" not in mention(bad)


def test_truncate_short_text_unchanged() -> None:
    assert truncate("Hello.", 10) == "Hello."


def test_truncate_at_english_sentence_end() -> None:
    text = "Say sorry first and listen well. Then fix what you can on the spot today."
    assert truncate(text, 50) == "Say sorry first and listen well. " + ELLIPSIS


def test_truncate_at_japanese_sentence_end() -> None:
    text = "まずお詫びします。お客様の話を最後まで聞きます。その場で直せることは直します。"
    out = truncate(text, 30)
    assert out == "まずお詫びします。お客様の話を最後まで聞きます。" + ELLIPSIS


def test_truncate_at_word_boundary() -> None:
    out = truncate("one two three four five six seven", 20)
    assert out == "one two three four" + ELLIPSIS
    assert len(out) <= 20


def test_truncate_never_splits_entities() -> None:
    text = escape("a <b> & c <d> & e <f>")
    for limit in range(3, len(text)):
        out = truncate(text, limit)
        assert len(out) <= limit
        assert re.search(r"&(?!amp;|lt;|gt;)", out) is None, out


def test_truncate_never_splits_surrogates_or_emoji_sequences() -> None:
    pair = "\ud83d\ude00"  # a surrogate pair as some JSON decoders leave it
    family = "👨\u200d👩\u200d👧"
    for text in [("x" + pair) * 10, family * 10, "é" * 10]:
        for limit in range(3, len(text)):
            out = truncate(text, limit).removesuffix(ELLIPSIS)
            assert len(out) + 1 <= limit
            assert not out or not ("\ud800" <= out[-1] <= "\udbff" or out[-1] == ZWJ)


def test_truncate_does_not_cut_inside_a_link() -> None:
    text = to_mrkdwn("Read " + "[the refunds guide](https://kb.example.com/refunds) " * 3)
    for limit in range(5, len(text)):
        out = truncate(text, limit)
        assert out.count("<") == out.count(">"), out


def test_split_text_prefers_paragraphs() -> None:
    paragraphs = [f"Paragraph {n}. " + "word " * 40 for n in range(10)]
    pieces = split_text("\n\n".join(paragraphs), 600)
    assert all(len(p) <= 600 for p in pieces)
    assert all(p.startswith("Paragraph") for p in pieces)
    assert sum(p.count("Paragraph") for p in pieces) == 10


def test_split_text_hard_splits_one_long_word() -> None:
    pieces = split_text("x" * 7000, 3000)
    assert [len(p) for p in pieces] == [3000, 3000, 1000]


# Fragments that combine into every kind of token Slack treats specially.
WORDS = (
    "< > & ! @ # | ^ [ ] ( ) ]( https://x.y HTTP:// javascript: mailto: channel here everyone"
    " subteam U123 C9 ** __ * _ ` ``` ~~ a お客様 。 &lt; &amp; 👍"
).split()
FRAGMENTS = st.sampled_from([*WORDS, "\n", "# ", "- ", " ", "\x00", "\x01", ZWJ])
TEXTS = st.one_of(st.text(), st.lists(FRAGMENTS, max_size=40).map("".join))


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_escape_never_produces_a_token(text: str) -> None:
    out = escape(text)
    assert "<" not in out and ">" not in out
    assert BARE_BROADCAST.search(out) is None


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_to_mrkdwn_only_builds_http_links(text: str) -> None:
    out = to_mrkdwn(text)
    for token in ("<!", "<@", "<#"):
        assert token not in out
    assert BARE_BROADCAST.search(out) is None
    # Every `<` or `>` left belongs to a link built from valid Markdown link syntax.
    assert "<" not in LINK_TOKEN.sub("", out) and ">" not in LINK_TOKEN.sub("", out)
    assert len(LINK_TOKEN.findall(out)) <= len(MARKDOWN_LINK.findall(escape(text)))
    for token in LINK_TOKEN.findall(out):
        assert re.match(r"<https?://", token, re.IGNORECASE)


@settings(max_examples=300, deadline=None)
@given(TEXTS, st.integers(min_value=3, max_value=60))
def test_truncate_respects_limit_and_entities(text: str, limit: int) -> None:
    out = truncate(escape(text), limit)
    assert len(out) <= limit
    assert re.search(r"&(?!amp;|lt;|gt;)", out) is None
