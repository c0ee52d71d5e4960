"""The role card: limits, who to ask and common situations, quoted from the role's guide."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bot.lessons import NoRoleGuideError, UnknownRoleError, role_card
from bot.lessons.knowledge import section_text
from bot.lessons.models import CardLine, RoleCard
from tests.unit.test_lessons import KNOWLEDGE, MarkdownKnowledge, knowledge_folder


@pytest.fixture()
def index(tmp_path: Path) -> MarkdownKnowledge:
    return MarkdownKnowledge(knowledge_folder(tmp_path / "knowledge"))


def lines(card: RoleCard) -> list[CardLine]:
    mantra = [card.mantra] if card.mantra else []
    return [*mantra, *card.meaning, *card.decide_alone, *card.ask, *card.situations]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def assert_quoted(card: RoleCard, index: MarkdownKnowledge) -> None:
    """Every line is written in its cited section (a label there too, or is its heading)."""
    for line in lines(card):
        text = section_text(index.sections(line.source.path), line.source.section)
        assert text is not None, line
        # Sentences of a paragraph are lines in the section, joined in the card.
        assert squash(line.text) in squash(text) or squash(line.text[1:]) in squash(text), line
        assert line.label in text or line.source.section.endswith(line.label), line


def test_the_card_of_a_role(index: MarkdownKnowledge) -> None:
    card = role_card(index, "store-staff", "en")
    assert card.language == "en" and card.title == "Role guide: Store staff"
    assert card.mantra is not None and "Make every day feel like home" in card.mantra.text
    assert card.mantra.source.path == "en/vision.md"
    assert card.meaning[0].text.startswith('"Make every day feel like home" means')
    assert card.meaning[0].source.section == "What the mantra means for you"
    decide = [line.text for line in card.decide_alone]
    assert decide[0] == (
        "You may give a refund or goodwill credit of up to ¥5,000 per case without approval."
    )
    assert not any("gift voucher" in text for text in decide)  # examples stay in the guide
    assert [(line.label, line.text) for line in card.ask] == [
        ("Over ¥5,000 and up to ¥50,000", "the store manager or shift lead on duty."),
        (
            "Over ¥50,000",
            "the CX lead, Aiko Tanaka (@aiko), approves within one business day.",
        ),
    ]
    assert [line.label for line in card.situations] == [
        "A customer praises a colleague",
        "A return without a receipt",
        "A customer upset about a long queue",
    ]
    assert "#cx-wins" in card.situations[0].text
    assert card.situations[0].source.section == (
        "Common situations > A customer praises a colleague"
    )
    assert_quoted(card, index)


def test_the_card_in_japanese_comes_from_the_translation(index: MarkdownKnowledge) -> None:
    card = role_card(index, "store-staff", "ja")
    assert card.language == "ja" and card.title == "役割ガイド：店舗スタッフ"
    assert card.mantra is not None and card.mantra.source.path == "ja/vision.md"
    assert card.decide_alone[0].text.startswith("1件あたり ¥5,000")
    assert card.ask[0].label == "¥5,000を超え¥50,000まで"
    assert card.situations[0].label == "お客さまが同僚をほめてくださった"
    assert all(line.source.path.startswith("ja/") for line in lines(card))
    assert_quoted(card, index)


def test_without_a_translation_the_card_stays_in_the_guides_language(
    index: MarkdownKnowledge,
) -> None:
    card = role_card(index, "customer-support", "ja")
    assert card.language == "en"
    assert card.decide_alone[0].source.path == "en/roles/customer-support.md"
    # No "Needs approval" above ¥10,000 → the "Over ¥10,000" item says who decides.
    assert card.ask[0].label == "Over ¥10,000"
    assert_quoted(card, index)


def test_who_to_ask_falls_back_on_the_contacts_that_name_an_amount(tmp_path: Path) -> None:
    files = dict(KNOWLEDGE)
    files["en/roles/warehouse.md"] = files["en/roles/warehouse.md"].replace(
        "**worth up to ¥8,000**", "worth up to ¥8,000"
    )
    index = MarkdownKnowledge(knowledge_folder(tmp_path / "k", files))
    card = role_card(index, "warehouse", "en")
    assert [(line.label, line.text) for line in card.ask] == [
        ("Shift supervisor", "approvals over ¥8,000")
    ]
    assert card.ask[0].source.section == "Who to ask"


def test_unknown_role_and_missing_guide(tmp_path: Path, index: MarkdownKnowledge) -> None:
    with pytest.raises(UnknownRoleError):
        role_card(index, "astronaut", "en")
    files = {"en/vision.md": KNOWLEDGE["en/vision.md"]}
    bare = MarkdownKnowledge(knowledge_folder(tmp_path / "bare", files))
    with pytest.raises(NoRoleGuideError):
        role_card(bare, "warehouse", "en")
