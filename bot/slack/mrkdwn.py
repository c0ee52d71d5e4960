"""Slack mrkdwn: make untrusted text inert, convert our light Markdown, cut text safely.

Answer text comes from documents, users and possibly an LLM, so everything is escaped before
any formatting is added: after `escape` no `<...>` token (mention, broadcast, link) can exist,
and the only `<` that `to_mrkdwn` ever emits is the opening of an http(s) link it built itself
from Markdown `[text](url)` syntax.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

ELLIPSIS = "…"
ZWJ = "\u200d"

# Bare words some clients still highlight. Only a letter or digit before `@` (an e-mail
# address) spares one: `_@here_` or `**@here**` must not survive the conversions below.
_BROADCAST = re.compile(
    r"(?<![A-Za-z0-9])@(?=(?:channel|here|everyone)(?![A-Za-z0-9]))", re.IGNORECASE
)
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_ENTITY = re.compile(r"&(?:amp|lt|gt);")

_FENCE = re.compile(r"^\s*```")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_BULLET = re.compile(r"^(\s*)[-*+]\s+(?=\S)")
_CODE = re.compile(r"`[^`\n]+`")
# Applied to already escaped text: `&amp;` may appear in the URL, `<`, `>` and `|` cannot,
# so the built `<url|text>` token can neither be cut short nor smuggle a second token.
_LINK = re.compile(r"\[([^\[\]\n]+)\]\(((?i:https?)://[^\s()<>|\"]+)\)")
_BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__")
_ITALIC = re.compile(r"(?<![\w*])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![\w*])")
_STRIKE = re.compile(r"~~(?=\S)(.+?)(?<=\S)~~")
_SLOT = re.compile(r"\x00(\d+)\x00")
_BOLD_MARK = "\x01"

_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_LINE = re.compile(r"\n")
_SENTENCE_END = re.compile(r"[.!?](?=\s)|[。！？]")
_SPACE = re.compile(r"\s")


def escape(text: str) -> str:
    """Escape `&`, `<`, `>` (Slack's rule) and defuse bare @channel/@here/@everyone."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@" + ZWJ, text)


def mention(user_id: str) -> str:
    """A live user mention for a real Slack user ID, otherwise the text made inert."""
    if _USER_ID.fullmatch(user_id):
        return f"<@{user_id}>"
    return escape(user_id)


def to_mrkdwn(markdown: str) -> str:
    """Escape, then turn headings, bullets, bold, italics, links and code into mrkdwn."""
    # NUL and \x01 are our private markers below; they carry nothing a reader would miss.
    text = escape(markdown.replace("\x00", "").replace(_BOLD_MARK, ""))
    out: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if _FENCE.match(line):
            in_fence = not in_fence
            out.append("```")  # Slack prints a language tag after ``` as text
            continue
        if in_fence:
            out.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            title = re.sub(r"\*\*|__", "", heading.group(1))
            out.append(f"*{_inline(title)}*" if title else "")
            continue
        bullet = _BULLET.match(line)
        if bullet:
            line = bullet.group(1) + "• " + line[bullet.end() :]
        out.append(_inline(line))
    return "\n".join(out)


def to_plain(markdown: str) -> str:
    """Escaped text without Markdown markers: for notifications and fallbacks."""
    text = escape(markdown.replace("\x00", ""))
    text = _LINK.sub(r"\1", text)
    text = re.sub(r"\*\*|__|`", "", text)
    text = re.sub(r"(?m)^\s{0,3}#{1,6}\s+", "", text)
    text = re.sub(r"(?m)^(\s*)[-*+]\s+(?=\S)", r"\1• ", text)
    # Dropping markers can join "@" to a word ("@**here**", "[@](url)here"): defuse again.
    return _BROADCAST.sub("@" + ZWJ, text)


def _inline(line: str) -> str:
    # Code spans and finished links are parked in numbered slots so that bold and italic
    # rules never rewrite a URL or the inside of `code`.
    slots: list[str] = []

    def park(token: str) -> str:
        slots.append(token)
        return f"\x00{len(slots) - 1}\x00"

    line = _CODE.sub(lambda m: park(m.group(0)), line)
    line = _LINK.sub(lambda m: park(f"<{m.group(2)}|{m.group(1)}>"), line)
    line = _BOLD.sub(lambda m: _BOLD_MARK + (m.group(1) or m.group(2)) + _BOLD_MARK, line)
    line = _ITALIC.sub(r"_\1_", line)
    line = _STRIKE.sub(r"~\1~", line)
    line = line.replace(_BOLD_MARK, "*")
    # A link's text may itself hold a parked code span: two passes restore both levels.
    for _ in range(2):
        line = _SLOT.sub(lambda m: slots[int(m.group(1))], line)
    return line


def _joins_previous(ch: str) -> bool:
    """True for code points that belong to the character before them."""
    return (
        "\udc00" <= ch <= "\udfff"  # low surrogate
        or ch == ZWJ
        or "\ufe00" <= ch <= "\ufe0f"  # variation selectors (emoji presentation)
        or "\U0001f3fb" <= ch <= "\U0001f3ff"  # skin tones
        or "\U000e0020" <= ch <= "\U000e007f"  # emoji tag sequences (flags)
        or unicodedata.combining(ch) != 0
    )


def _joins_next(ch: str) -> bool:
    """True for code points that need the character after them (surrogate pair, ZWJ)."""
    return ch == ZWJ or "\ud800" <= ch <= "\udbff"


def _safe_end(text: str, end: int) -> int:
    """Move a cut at `end` left until it splits no entity, `<...>` token or character."""
    while True:
        start = end
        amp = text.rfind("&", max(0, end - 4), end)
        if amp != -1:
            entity = _ENTITY.match(text, amp)
            if entity and entity.end() > end:
                end = amp
        # Only a `<` that is closed after the cut opens a token (our links); a lone one is text.
        opened = text.rfind("<", 0, end)
        if opened != -1 and text.find(">", opened, end) == -1 and text.find(">", end) != -1:
            end = opened
        while 0 < end < len(text) and (_joins_previous(text[end]) or _joins_next(text[end - 1])):
            end -= 1
        if end == start:
            return end


def _cut_index(text: str, budget: int, boundaries: Sequence[re.Pattern[str]]) -> int:
    """The best place to cut `text` to at most `budget` characters.

    Boundaries are tried in order (paragraph, line, sentence, word) but only in the second
    half of the budget, so a cut never throws most of the allowance away.
    """
    floor = budget // 2
    for pattern in boundaries:
        cuts = [
            m.end() if pattern is _SENTENCE_END else m.start()
            for m in pattern.finditer(text, 0, min(len(text), budget + 1))
        ]
        for cut in reversed(cuts):
            if floor <= cut <= budget and cut > 0 and _safe_end(text, cut) == cut:
                return cut
    return _safe_end(text, budget)  # 0 when one unbreakable token fills the whole budget


def truncate(text: str, limit: int) -> str:
    """At most `limit` characters, cut at a sentence end or word boundary, marked with "…"."""
    if len(text) <= limit:
        return text
    if limit <= 2:
        return ELLIPSIS[:limit]
    # Two characters are kept for " …" (a space reads better after a full stop).
    end = _cut_index(text, limit - 2, (_SENTENCE_END, _SPACE))
    head = text[:end].rstrip()
    return head + (" " + ELLIPSIS if head.endswith((".", "!", "?")) else ELLIPSIS)


def split_text(text: str, limit: int) -> list[str]:
    """Pieces of at most `limit` characters, split at paragraphs, then lines, sentences, words."""
    pieces: list[str] = []
    rest = text.strip("\n")
    while len(rest) > limit:
        end = _cut_index(rest, limit, (_PARAGRAPH, _LINE, _SENTENCE_END, _SPACE))
        if end == 0:
            # One token (a huge link) longer than a piece: breaking it beats never ending.
            # ...but never to nothing: a limit of 1 before a joiner would loop forever.
            end = limit - 1 if limit > 1 and _joins_next(rest[limit - 1]) else limit
        piece = rest[:end].rstrip()
        if piece:
            pieces.append(piece)
        rest = rest[end:].lstrip()
    if rest.strip():
        pieces.append(rest)
    return pieces
