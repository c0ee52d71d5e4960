"""Synonym groups for lexical query expansion ("money back" also searches "refund")."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import yaml

from ingest.tokenize import tokenize

DEFAULT_GLOSSARY = Path(__file__).with_name("glossary.yaml")


class GlossaryError(ValueError):
    pass


class Glossary:
    """Groups of equivalent terms, each term kept as its lexical tokens."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        self.groups: list[list[tuple[str, ...]]] = []
        for group in groups:
            tokenized = [tuple(dict.fromkeys(tokenize(str(term)))) for term in group]
            tokenized = [t for t in tokenized if t]
            if len(tokenized) > 1:
                self.groups.append(tokenized)

    @classmethod
    def load(cls, *paths: Path) -> Glossary:
        groups: list[Sequence[str]] = []
        for path in paths:
            if not path.is_file():
                continue
            try:
                data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as exc:
                raise GlossaryError(f"{path}: not valid YAML: {exc}") from exc
            items = data.get("groups") if isinstance(data, dict) else None
            if not isinstance(items, list) or not all(isinstance(g, list) for g in items):
                raise GlossaryError(f"{path}: expected 'groups:' with a list of term lists")
            groups.extend(items)
        return cls(groups)

    def mentioned(self, terms: Sequence[str]) -> list[list[tuple[str, ...]]]:
        """The groups that the question mentions (all tokens of one of their terms present)."""
        present = set(terms)
        return [g for g in self.groups if any(set(term) <= present for term in g)]

    def expand(self, terms: Sequence[str]) -> list[str]:
        present = set(terms)
        extra: dict[str, None] = {}
        for group in self.mentioned(terms):
            for term in group:
                extra.update((t, None) for t in term if t not in present)
        return [*terms, *extra]

    def synonyms_covered(self, term: str, terms: Sequence[str], chunk_terms: set[str]) -> bool:
        """Whether the passage says `term` in other words (a whole synonym of it is present)."""
        present = set(terms)
        for group in self.groups:
            mine = [t for t in group if term in t and set(t) <= present]
            if mine and any(set(other) <= chunk_terms for other in group):
                return True
        return False
