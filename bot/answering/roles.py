"""Roles: canonical names, aliases people type, and guessing a role from a job title."""

from __future__ import annotations

import re

from ingest.search import normalize_role

#: Words in a Slack profile title (English and Japanese) -> role. Checked in order, so more
#: specific words come first ("support manager" is a manager of people before support).
DEFAULT_TITLE_WORDS: tuple[tuple[str, str], ...] = (
    ("team lead", "people-manager"),
    ("manager", "people-manager"),
    ("supervisor", "people-manager"),
    ("head of", "people-manager"),
    ("マネージャー", "people-manager"),
    ("店長", "people-manager"),
    ("リーダー", "people-manager"),
    ("support", "customer-support"),
    ("customer service", "customer-support"),
    ("call centre", "customer-support"),
    ("call center", "customer-support"),
    ("サポート", "customer-support"),
    ("コールセンター", "customer-support"),
    ("store", "store-staff"),
    ("shop", "store-staff"),
    ("retail", "store-staff"),
    ("cashier", "store-staff"),
    ("店舗", "store-staff"),
    ("販売", "store-staff"),
    ("warehouse", "warehouse"),
    ("logistics", "warehouse"),
    ("driver", "warehouse"),
    ("picker", "warehouse"),
    ("packer", "warehouse"),
    ("倉庫", "warehouse"),
    ("物流", "warehouse"),
    ("配送", "warehouse"),
    ("sales", "sales"),
    ("account executive", "sales"),
    ("営業", "sales"),
    ("marketing", "marketing"),
    ("brand", "marketing"),
    ("マーケティング", "marketing"),
    ("engineer", "engineering"),
    ("developer", "engineering"),
    ("product", "engineering"),
    ("designer", "engineering"),
    ("エンジニア", "engineering"),
    ("開発", "engineering"),
)

ALIASES = {
    "support": "customer-support",
    "cs": "customer-support",
    "store": "store-staff",
    "shop": "store-staff",
    "logistics": "warehouse",
    "manager": "people-manager",
    "managers": "people-manager",
    "engineer": "engineering",
    "product": "engineering",
    "サポート": "customer-support",
    "店舗": "store-staff",
    "倉庫": "warehouse",
    "営業": "sales",
    "マーケティング": "marketing",
    "エンジニア": "engineering",
    "マネージャー": "people-manager",
}


def canonical_role(text: str, known: set[str] | None = None) -> str | None:
    """A role as typed ("Support", "倉庫") -> its canonical slug; unknown text is kept as typed."""
    role = normalize_role(text)
    if not role:
        return None
    role = ALIASES.get(role, role)
    if known and role not in known:
        for slug in known:
            if role in slug.split("-"):
                return slug
    return role


def role_from_title(title: str, extra: dict[str, str] | None = None) -> str | None:
    """Guess a role from a Slack profile title, e.g. "Senior Warehouse Associate" -> warehouse."""
    lowered = title.casefold()
    if not lowered.strip():
        return None
    for word, role in [*(extra or {}).items(), *DEFAULT_TITLE_WORDS]:
        pattern = re.escape(word) if not word.isascii() else rf"\b{re.escape(word)}"
        if re.search(pattern, lowered):
            return role
    return None


#: How each role is named in answers, by language.
ROLE_LABELS: dict[str, dict[str, str]] = {
    "customer-support": {"en": "customer support", "ja": "カスタマーサポート"},
    "store-staff": {"en": "store staff", "ja": "店舗スタッフ"},
    "warehouse": {"en": "warehouse and logistics", "ja": "倉庫・物流"},
    "sales": {"en": "sales", "ja": "営業"},
    "marketing": {"en": "marketing", "ja": "マーケティング"},
    "engineering": {"en": "engineering", "ja": "エンジニアリング"},
    "people-manager": {
        "en": "team leads and people managers",
        "ja": "チームリーダー・マネージャー",
    },
}

#: Words that name a role in the knowledge's own text (a table row, a list item), both
#: languages: how an answer finds the line that is about the asker's role.
ROLE_WORDS: dict[str, tuple[str, ...]] = {
    "customer-support": (
        "customer-support",
        "customer support",
        "support agent",
        "カスタマーサポート",
        "サポート担当",
    ),
    "store-staff": ("store staff", "store", "店舗スタッフ", "店舗"),
    "warehouse": ("warehouse", "logistics", "倉庫", "物流"),
    "sales": ("sales", "b2b", "営業"),
    "marketing": ("marketing", "マーケティング"),
    "engineering": ("engineering", "engineer", "エンジニア"),
    "people-manager": (
        "team lead",
        "people manager",
        "manager",
        "チームリーダー",
        "マネージャー",
        "管理職",
    ),
}


def role_label(role: str, language: str) -> str:
    labels = ROLE_LABELS.get(role)
    if labels is None:
        return role.replace("-", " ")
    return labels.get(language, labels["en"])
