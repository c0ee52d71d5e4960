"""Saved web pages: keep the article, drop the site around it, keep headings and lists."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from ingest.clean import clean_web_text
from ingest.loaders import Parsed, register
from ingest.loaders.text import decode_text
from ingest.models import DocumentMeta, LoadError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup, Tag

_DROP_TAGS = (
    "script|style|nav|aside|form|noscript|template|svg|iframe|button|select|input|textarea"
).split("|")
# Words in class/id/role that mark site furniture; matched against whole tokens of the
# attribute ("share-buttons" -> "share", "buttons") so that "download" never matches "ad".
_CLUTTER_TOKENS = frozenset(
    "cookie cookies consent gdpr menu navbar nav breadcrumb breadcrumbs share sharing social "
    "ad ads advert adverts advertisement sponsor sponsored promo newsletter subscribe skip "
    "sidebar popup modal related topbar masthead".split()
)
_CLUTTER_ROLES = frozenset({"navigation", "banner", "contentinfo", "search", "menu", "menubar"})
_TOKEN_SPLIT = re.compile(r"[^a-z0-9]+")
_BLOCKS = frozenset(
    "address article blockquote body center dd details div dl dt fieldset figcaption figure "
    "footer header hr html main ol p pre section summary table tbody td tfoot th thead tr ul "
    "caption".split()
)
_HEADINGS = {f"h{n}": n for n in range(1, 7)}


@register(".html", ".htm")
def load_html(path: Path) -> Parsed:
    from bs4 import BeautifulSoup  # imported here: page parsing is not needed at start-up

    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise LoadError(f"cannot read file: {exc.strerror or exc}") from exc
    soup = BeautifulSoup(_decode(raw), "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    _strip_clutter(soup)
    root = _content_root(soup)
    first_h1 = root.find("h1")
    h1 = first_h1.get_text(" ", strip=True) if first_h1 else ""
    writer = _Writer()
    writer.walk(root, depth=0)
    # Page titles usually carry the site name ("Returns | Acme"); the page's own h1 does not.
    if h1 and (not title or title.startswith(h1)):
        title = h1
    return Parsed(text=clean_web_text(writer.text()), meta=DocumentMeta(), title=title or None)


def _decode(raw: bytes) -> str:
    from bs4.dammit import EncodingDetector

    # Bytes that are valid UTF-8 are UTF-8 whatever the page claims (saved pages keep stale
    # declarations); otherwise the declaration is the best guide, then the usual fallbacks.
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    declared = EncodingDetector.find_declared_encoding(raw, is_html=True)
    if declared:
        try:
            return raw.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return decode_text(raw)


def _strip_clutter(soup: BeautifulSoup) -> None:
    from bs4 import Tag

    for tag in soup.find_all(_DROP_TAGS):
        tag.decompose()
    for tag in soup.find_all(["header", "footer"]):
        # An <article>'s own header holds its h1; only the site's header and footer go.
        if not tag.find_parent(["article", "main"]):
            tag.decompose()
    for tag in list(soup.find_all(True)):
        if isinstance(tag, Tag) and not tag.decomposed and _is_clutter(tag):
            tag.decompose()


def _is_clutter(tag: Tag) -> bool:
    if tag.name in ("html", "body", "main", "article"):
        return False
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    if str(tag.get("role", "")).lower() in _CLUTTER_ROLES:
        return True
    classes = tag.get("class")
    names: list[str] = [str(c) for c in classes] if isinstance(classes, list) else [str(classes)]
    names.append(str(tag.get("id") or ""))
    tokens = {t for name in names for t in _TOKEN_SPLIT.split(name.lower()) if t}
    return bool(tokens & _CLUTTER_TOKENS)


def _content_root(soup: BeautifulSoup) -> Tag:
    from bs4 import Tag

    main = soup.find("main")
    if isinstance(main, Tag):
        return main
    articles = soup.find_all("article")
    if len(articles) == 1 and isinstance(articles[0], Tag):
        return articles[0]
    body = soup.body
    return body if body is not None else soup


class _Writer:
    """Turns the element tree into Markdown-ish blocks, joining inline text within a block."""

    def __init__(self) -> None:
        self.blocks: list[tuple[str, str]] = []  # (kind, text); kind decides the spacing
        self.inline: list[str] = []

    def text(self) -> str:
        self.flush()
        out: list[str] = []
        previous = ""
        for kind, block in self.blocks:
            if out:
                tight = kind == previous and kind in ("item", "row", "line")
                out.append("\n" if tight else "\n\n")
            out.append(block)
            previous = kind
        return "".join(out)

    def flush(self, kind: str = "para") -> None:
        text = " ".join("".join(self.inline).split())
        self.inline = []
        if text:
            self.blocks.append((kind, text))

    def walk(self, node: Tag, depth: int) -> None:
        from bs4.element import NavigableString, PreformattedString, Tag

        for child in node.children:
            if isinstance(child, PreformattedString):  # comments, CDATA, doctype
                continue
            if isinstance(child, NavigableString):
                self.inline.append(str(child))
            elif isinstance(child, Tag):
                self._element(child, depth)

    def _element(self, tag: Tag, depth: int) -> None:
        name = tag.name
        if name in _HEADINGS:
            self.flush()
            text = " ".join(tag.get_text(" ").split())
            if text:
                self.blocks.append(("heading", f"{'#' * _HEADINGS[name]} {text}"))
        elif name == "li":
            self._list_item(tag, depth)
        elif name == "tr":
            self.flush()
            cells = [" ".join(c.get_text(" ").split()) for c in tag.find_all(["td", "th"])]
            if any(cells):
                # Leading and trailing bars mark a table row, so the menu-bar rule leaves it.
                self.blocks.append(("row", "| " + " | ".join(cells) + " |"))
        elif name == "br":
            self.flush("line")
        elif name == "pre":
            self.flush()
            self.blocks.append(("para", tag.get_text().strip("\n")))
        elif name in _BLOCKS:
            self.flush()
            self.walk(tag, depth)
            self.flush()
        else:
            self.walk(tag, depth)

    def _list_item(self, tag: Tag, depth: int) -> None:
        from bs4 import Tag

        self.flush()
        nested = [c for c in tag.children if isinstance(c, Tag) and c.name in ("ul", "ol")]
        for sub in nested:
            sub.extract()
        text = " ".join(tag.get_text(" ").split())
        if text:
            self.blocks.append(("item", f"{'  ' * depth}- {text}"))
        for sub in nested:
            self.walk(sub, depth + 1)
