"""The clean-up rules: each takes the lines of a page and returns the lines to keep.

Generic heuristics (menus, repeated lines) never touch a line that reads like content; only
phrases that are unmistakably page furniture are dropped wherever they stand.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from ingest.clean_layout import convert_symbol_lines, convert_text_tables
from ingest.clean_patterns import (
    BOILERPLATE,
    BREADCRUMB,
    CJK,
    COLON_HEADING,
    COOKIE,
    COOKIE_BUTTONS,
    FEEDBACK_BUTTONS,
    HEADING,
    HELPFUL,
    LABELS,
    LIST_ITEM,
    NAV_SEPARATORS,
    NEWSLETTER,
    NOT_COLON_HEADINGS,
    QA,
    RELATED,
    RULE_LINE,
    SEPARATORS,
    SHARE_PREFIX,
    SIGNUP_BUTTONS,
    SOCIAL,
    STRONG,
    TERMINAL,
    UNDERLINE,
    drop_with_followers,
    is_content,
    key,
    only,
    without,
    words,
)

Rule = Callable[[list[str]], list[str]]

# --- the rules ---------------------------------------------------------------------------------


def convert_setext_headings(lines: list[str]) -> list[str]:
    """'Title' over '=====' / '-----' becomes '# Title' / '## Title' when it stands alone."""
    out: list[str] = []
    for i, line in enumerate(lines):
        match = UNDERLINE.match(line)
        title = out[-1].strip() if out else ""
        before = out[-2].strip() if len(out) > 1 else ""
        if (
            match
            and len(match.group(1)) >= 3
            and title
            and not before
            and not (HEADING.match(title) or QA.match(title))
            # "1. RETURNS IN STORE" over a rule as long as itself is a numbered heading.
            and (not LIST_ITEM.match(title) or len(match.group(1)) >= len(title) - 2)
            and not re.search(r"[.!。！]$", title)  # a question may head its answer
            and words(title) <= 15
            and (i < 2 or not lines[i - 2].strip())
        ):
            out[-1] = ("# " if match.group(1)[0] == "=" else "## ") + title
            continue
        out.append(line)
    return out


def drop_boilerplate_lines(lines: list[str]) -> list[str]:
    """Skip links, back-to-top, copyright footers: phrases that are never content."""
    return [line for line in lines if not any(p.fullmatch(line.strip()) for p in BOILERPLATE)]


def drop_rule_lines(lines: list[str]) -> list[str]:
    """A drawn rule between parts of a page, unless it underlines a title (a heading the
    setext rule reads)."""
    out: list[str] = []
    for line in lines:
        before = out[-1].strip() if out else ""
        if RULE_LINE.fullmatch(line.strip()) and (not before or TERMINAL.search(before)):
            continue
        out.append(line)
    return out


def drop_feedback_prompts(lines: list[str]) -> list[str]:
    """'Was this article helpful? Yes No' and its buttons."""
    dropped: set[int] = set()
    for i, line in enumerate(lines):
        match = HELPFUL.match(line.strip())
        rest = match.group("rest") if match else ""
        if match and (not rest or only(rest, FEEDBACK_BUTTONS)):
            dropped |= drop_with_followers(lines, i, lambda s: only(s, FEEDBACK_BUTTONS))
    return without(lines, dropped)


def drop_cookie_notices(lines: list[str]) -> list[str]:
    """A cookie sentence counts as a banner only with its buttons next to it, so a privacy
    policy that explains cookies keeps every sentence."""
    dropped: set[int] = set()
    for i, line in enumerate(lines):
        if not COOKIE.search(line) or only(line, COOKIE_BUTTONS):
            continue
        tail = re.split(r"[.!?。！？]", line.strip())[-1]
        buttons = drop_with_followers(lines, i, lambda s: only(s, COOKIE_BUTTONS))
        if (tail.strip() and only(tail, COOKIE_BUTTONS)) or len(buttons) > 1:
            dropped |= buttons
    return without(lines, dropped)


def drop_newsletter_signups(lines: list[str]) -> list[str]:
    """'Subscribe to our newsletter' with its email box and button."""
    dropped: set[int] = set()
    for i, line in enumerate(lines):
        if NEWSLETTER.match(line.strip()) and words(line) <= 20:
            dropped |= drop_with_followers(lines, i, lambda s: only(s, SIGNUP_BUTTONS))
    return without(lines, dropped)


def drop_related_links(lines: list[str]) -> list[str]:
    """'Related articles' and the list of other pages' titles under it."""
    dropped: set[int] = set()
    for i, line in enumerate(lines):
        if not RELATED.match(line.strip()):
            continue
        dropped.add(i)
        j = i + 1
        if j < len(lines) and not lines[j].strip():
            j += 1
        while j < len(lines) and lines[j].strip():
            link = lines[j].strip()
            if HEADING.match(link) or QA.match(link) or re.search(r"[.。!！:：]$", link):
                break
            if words(link) > 12:
                break
            dropped.add(j)
            j += 1
    return without(lines, dropped)


def drop_breadcrumbs(lines: list[str]) -> list[str]:
    """'Home > Support > Returns': only trails that start at the home page."""
    return [line for line in lines if not _is_breadcrumb(line.strip())]


def _is_breadcrumb(line: str) -> bool:
    # "Top/bottom shelves hold heavy items." and "Home/office delivery" are sentences: a
    # trail made with '/' needs two of them, and no trail ends like a sentence.
    return bool(
        BREADCRUMB.match(line)
        and not re.search(r"[.。!！]$", line)
        and (len(re.findall(r"\s*/\s*", line)) >= 2 or re.search(r"[>›»≫→\\]", line))
    )


def drop_menu_lines(lines: list[str]) -> list[str]:
    """'Sign in / Register', 'Share on Facebook | Tweet', 'Home | Products | About us', and
    a menu with the site's name set apart by wide spaces ('Menu | Sign in      Our Hub')."""
    return [line for line in lines if not (_is_menu_line(line) or _menu_beside_name(line))]


def _menu_beside_name(line: str) -> bool:
    parts = [p for p in re.split(r"\s{3,}", line.strip()) if p]
    return (
        len(parts) > 1
        and any(_is_menu_line(p) for p in parts)
        and all(_is_menu_line(p) or (words(p) <= 3 and not TERMINAL.search(p)) for p in parts)
    )


def _is_menu_line(line: str) -> bool:
    stripped = line.strip()
    if not stripped or HEADING.match(stripped) or QA.match(stripped):
        return False
    shared = SHARE_PREFIX.match(stripped)
    if shared and all(key(s) in SOCIAL for s in SEPARATORS.split(stripped[shared.end() :])):
        return True
    segments = [key(s) for s in SEPARATORS.split(stripped) if key(s)]
    if (
        segments
        and all(s in LABELS for s in segments)
        and (len(segments) > 1 or segments[0] in STRONG)
    ):
        return True
    tokens = stripped.casefold().split()
    if len(tokens) > 1 and all(t in SOCIAL or t == "tweet" for t in tokens):
        return True
    if len(tokens) > 1 and all(key(t) in LABELS for t in tokens):
        return True  # 「メニュー　検索　ログイン」: labels set apart by (full-width) spaces
    # A bar-separated row of short items, half of them menu labels, is a navigation bar
    # ("Care | Ownership | Speed" is a company's values). Digits suggest a data row, and a
    # leading '|' a Markdown table, so those stay.
    parts = NAV_SEPARATORS.split(stripped)
    return (
        len(parts) >= 3
        and not stripped.startswith("|")
        and not TERMINAL.search(stripped)
        and not re.search(r"\d", stripped)
        and all(p and words(p) <= 3 for p in parts)
        and 2 * sum(key(p) in LABELS for p in parts) >= len(parts)
    )


def drop_menu_runs(lines: list[str]) -> list[str]:
    """Four or more short lines, mostly common menu labels, that no intro line leads into."""
    dropped: set[int] = set()
    run: list[int] = []

    def close_run() -> None:
        labels = sum(1 for k in run if key(lines[k]) in LABELS)
        previous = next((lines[k] for k in range(run[0] - 1, -1, -1) if lines[k].strip()), "")
        # A list under "Our teams:" (or under the heading that line may have become) is content.
        introduced = previous.rstrip().endswith((":", "：")) or HEADING.match(previous)
        if len(run) >= 4 and labels * 2 >= len(run) and not introduced:
            dropped.update(run)

    for i, line in enumerate(lines):
        if not line.strip():
            continue
        if not is_content(line) and words(key(line)) <= 4:
            run.append(i)
            continue
        if run:
            close_run()
        run = []
    if run:
        close_run()
    return without(lines, dropped)


def drop_repeated_lines(lines: list[str]) -> list[str]:
    """A short non-sentence line seen four or more times is a page header or footer."""
    counts = Counter(key(line) for line in lines if _repeatable(line))
    return [line for line in lines if not (_repeatable(line) and counts[key(line)] >= 4)]


def _repeatable(line: str) -> bool:
    stripped = line.strip()
    return bool(
        stripped
        and not is_content(stripped)
        and not LIST_ITEM.match(stripped)
        and not re.search(r"\d", stripped)
        and 2 <= words(stripped) <= 8
    )


def convert_label_headings(lines: list[str]) -> list[str]:
    """'RETURNS AND REFUNDS' or 'Refund limits:' alone before content becomes '## ...'."""
    out = list(lines)
    for i, line in enumerate(lines):
        stripped = line.strip()
        after = lines[i + 1].strip() if i + 1 < len(lines) else ""
        if not stripped or (i > 0 and lines[i - 1].strip()):
            continue
        if HEADING.match(stripped) or LIST_ITEM.match(stripped) or QA.match(stripped):
            continue
        # "REFUNDS", a blank line, then its text: the blank does not make it less a heading.
        below = after or (lines[i + 2].strip() if i + 2 < len(lines) else "")
        if _is_caps_heading(stripped, below):
            out[i] = f"## {stripped.strip('-=*~_ ')}"  # "--- GENERAL ---" is "GENERAL"
        elif not after:
            continue
        elif _is_caps_heading(stripped, after):
            out[i] = f"## {stripped}"
        elif _is_colon_heading(stripped, after):
            out[i] = f"## {stripped[:-1].strip()}"
    return out


def _is_caps_heading(line: str, after: str) -> bool:
    letters = [c for c in line if c.isalpha()]
    return (
        len(letters) >= 4
        and all("A" <= c <= "Z" for c in letters)
        and not re.search(r"[.!?:：]$", line)
        and words(line) <= 8
        and any(c.islower() or CJK.match(c) for c in after)
    )


def _is_colon_heading(line: str, after: str) -> bool:
    match = COLON_HEADING.match(line)
    return bool(
        match
        and words(match.group(1)) <= 4
        and key(match.group(1)) not in NOT_COLON_HEADINGS
        and (LIST_ITEM.match(after) or TERMINAL.search(after))
        and not HEADING.match(after)
    )


RULES: tuple[Rule, ...] = (
    convert_setext_headings,
    drop_boilerplate_lines,
    drop_rule_lines,
    drop_feedback_prompts,
    drop_cookie_notices,
    drop_newsletter_signups,
    drop_related_links,
    drop_breadcrumbs,
    drop_menu_lines,
    drop_menu_runs,
    drop_repeated_lines,
    convert_label_headings,
    convert_text_tables,
    convert_symbol_lines,
)
