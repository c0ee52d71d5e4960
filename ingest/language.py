"""Script-based language detection: enough to tell Japanese from English reliably."""

from __future__ import annotations

import re

_KANA = re.compile(r"[\u3040-\u30ff\uff66-\uff9f]")
_CJK = re.compile(r"[\u4e00-\u9fff\u3400-\u4dbf]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """Return "ja" when the text is mostly Japanese script, else "en".

    Kana only occur in Japanese, so any meaningful amount of kana decides it; kanji-only text
    (headings such as "返品規定") also counts as Japanese when it outweighs Latin letters.
    """
    kana = len(_KANA.findall(text))
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if kana + cjk == 0:
        return "en"
    if kana >= 2 or (kana + cjk) * 3 >= latin:
        return "ja"
    return "en"
