"""Composing extractive answers from sections: the unit that answers, whole and readable."""

from __future__ import annotations

from dataclasses import replace

from bot.answering.compose import Scorer, SectionRef, compose, units_of
from bot.answering.conversation import readings, target_role
from bot.answering.intent import Intent, analyse
from bot.answering.models import Turn
from bot.answering.quotes import render_unit
from ingest.models import Chunk, Hit
from ingest.spelling import corrections
from ingest.structure import Section, parse_blocks
from ingest.tokenize import tokenize


def ref(
    lines: list[str], *, path: str = "en/guide.md", score: float = 1.0, **kw: object
) -> SectionRef:
    chunk = Chunk(id=path, path=path, title="Guide", section="", text="", language="en", position=0)
    section = Section(heading="Limits", blocks=parse_blocks(lines))
    return SectionRef(Hit(chunk=chunk, score=score), section, score, **kw)  # type: ignore[arg-type]


def scorer(question: str, role: str | None = None) -> Scorer:
    return Scorer(analyse(question), dict.fromkeys(tokenize(question), 1.0), role)


LIMITS = [
    "Store staff may refund up to ¥5,000 per case without approval.",
    "This keeps queues short.",
    "",
    "**Needs approval:**",
    "- **Over ¥5,000:** the store manager on duty.",
    "- **Over ¥50,000:** the CX lead, Aiko Tanaka.",
]


def test_how_much_is_answered_by_the_amount_one_may_give() -> None:
    composition = compose([ref(LIMITS)], scorer("how much can I refund?", "store-staff"))
    first = composition.units[0]
    assert first.kind == "sentences"
    assert first.lines[0].startswith("Store staff may refund up to ¥5,000")


def test_who_approves_gets_the_short_list_whole_with_its_lead_in() -> None:
    composition = compose([ref(LIMITS)], scorer("who approves refunds over 50,000 yen?"))
    lines = render_unit(composition.units[0], "[1]")
    assert lines == [
        "Needs approval: [1]",
        "• Over ¥5,000: the store manager on duty.",
        "• Over ¥50,000: the CX lead, Aiko Tanaka.",
    ]


def test_one_item_of_a_long_list_comes_with_its_neighbours_in_order() -> None:
    items = [f"- Step {n}: {'do this carefully and write it down. ' * 3}" for n in range(12)]
    items[7] = "- Broken glass: wrap it in newspaper and call the logistics desk."
    composition = compose([ref(["Good habits:", *items])], scorer("what do I do with broken glass"))
    lines = composition.units[0].lines
    assert any("Broken glass" in line for line in lines)
    assert 1 < len(lines) < len(items)  # neighbours, within the reading budget
    numbers = [int(line.split()[1].rstrip(":")) for line in lines if line.startswith("Step")]
    assert numbers == sorted(numbers)


def test_a_sentence_that_leans_back_brings_the_one_before() -> None:
    section = [
        "Check every box before sealing it.",
        "Glass goes in double-walled boxes with dividers.",
        "This stops breakages in transit.",
        "Heavy items go at the bottom of the box.",
    ]
    composition = compose([ref(section)], scorer("what stops breakages in transit"))
    lines = composition.units[0].lines
    glass = lines.index("Glass goes in double-walled boxes with dividers.")
    assert lines[glass + 1] == "This stops breakages in transit."


def test_a_quote_grows_into_its_neighbours_only_within_the_budget() -> None:
    filler = [f"Sentence {n} says something long about packing boxes and tape." for n in range(20)]
    section = [" ".join([*filler[:10], "Fragile parcels get a red sticker.", *filler[10:]])]
    composition = compose([ref(section)], scorer("which sticker goes on fragile parcels"))
    text = composition.units[0].text()
    assert "Fragile parcels get a red sticker." in text
    assert text.index("Fragile") < text.index("Sentence 10 says")  # what follows explains it
    assert len(text) <= 520 and "Sentence 0 says" not in text


def test_a_one_sentence_paragraph_reads_with_the_paragraph_it_illustrates() -> None:
    section = [
        "You may refund up to ¥5,000 per case without approval.",
        "",
        "For example, a ¥3,000 lamp that arrived broken can be refunded on the spot.",
    ]
    composition = compose([ref(section)], scorer("can i refund a broken lamp"))
    assert composition.units[0].lines[0].startswith("You may refund up to ¥5,000")


def test_steps_come_whole_and_numbered() -> None:
    section = ["When a customer shouts:", "1. Listen.", "2. Acknowledge.", "3. Own the next step."]
    composition = compose([ref(section)], scorer("what are the steps when a customer shouts"))
    lines = render_unit(composition.units[0], "[1]")
    assert lines == [
        "When a customer shouts: [1]",
        "1. Listen.",
        "2. Acknowledge.",
        "3. Own the next step.",
    ]


def test_the_asker_s_role_row_is_chosen_from_a_table() -> None:
    table = [
        "| Role | Limit |",
        "| --- | --- |",
        "| Customer-support agents | Refund up to ¥10,000 |",
        "| Store staff | Refund up to ¥5,000 |",
        "| Warehouse | Reshipment up to ¥8,000 |",
    ]
    composition = compose([ref(table)], scorer("what's my limit?", "warehouse"))
    assert composition.units[0].lines == ("Warehouse: Reshipment up to ¥8,000",)
    assert composition.role_specific


def test_another_role_s_guide_loses_to_the_asker_s_own() -> None:
    theirs = ref(["You may refund up to ¥5,000."], path="en/roles/store.md", role_guide=True)
    mine = ref(
        ["You may reship up to ¥8,000."],
        path="en/roles/warehouse.md",
        score=0.9,
        role_guide=True,
        own_role_guide=True,
    )
    composition = compose([theirs, mine], scorer("how much can I give", "warehouse"))
    assert composition.refs[composition.units[0].ref].hit.chunk.path == "en/roles/warehouse.md"


def test_a_weak_second_passage_is_not_added() -> None:
    strong = ref(["Returns are accepted within 30 days of delivery."])
    weak = ref(["Our stores open at ten."], path="en/other.md", score=0.3)
    composition = compose([strong, weak], scorer("how many days do customers have to return"))
    assert len(composition.units) == 1


def test_follow_up_is_read_with_the_topic_and_new_question_fresh() -> None:
    history = [
        Turn(role="user", text="how much can store staff refund?"),
        Turn(role="assistant", text="Up to ¥5,000."),
    ]
    follow = readings("and for managers?", history)
    assert follow[0].follow_up and "store staff refund" in follow[0].query
    assert target_role(follow[0].analysis, None) == "people-manager"
    new = readings("お客様に怒鳴られたらどうすればいい？", history)
    assert not new[0].follow_up and new[0].query == "お客様に怒鳴られたらどうすればいい？"


def test_the_asker_s_role_applies_to_questions_about_themselves() -> None:
    assert target_role(analyse("how much can I refund?"), "warehouse") == "warehouse"
    assert target_role(analyse("what can store staff refund?"), "warehouse") == "store-staff"
    assert target_role(analyse("what is our mantra?"), "warehouse") is None


def test_english_typos_are_mended_against_the_index_vocabulary() -> None:
    known = {"refund": 5, "custom": 9, "escal": 3, "park": 0}
    fixes = corrections(
        "how much can i refnud a custmer, who do i escalaton to", lambda t: known.get(t, 0)
    )
    assert fixes == {"refnud": "refund", "custmer": "custom", "escalaton": "escal"}
    # A real word the knowledge never uses is not turned into another one.
    assert corrections("is there parking", lambda t: {"part": 4, "mark": 2}.get(t, 0)) == {}
    # "long" is one insertion away from "log" ("log in"), but it is a word, not a typo.
    assert corrections("how long do i have", lambda t: {"log": 3}.get(t, 0)) == {}


def test_a_short_section_is_quoted_whole() -> None:
    # A FAQ's answer: a short opener, the sentence that answers, and the figure after it.
    section = ["Yes.", "Large furniture ships free to your door.", "Assembly costs ¥3,300."]
    composition = compose([ref(section)], scorer("does large furniture ship free"))
    assert composition.units[0].lines == tuple(section)
    # The channel may be in the sentence before the one that matched best.
    section = [
        "Reship each one, then report it in #warehouse-quality with photos.",
        "The packing team lead decides whether to change the packaging.",
    ]
    composition = compose([ref(section)], scorer("where do i flag a packaging problem"))
    assert composition.units[0].lines == tuple(section)
    # Another role's figure before the asker's is left out: the asker's comes first.
    section = ["Support agents may refund up to ¥10,000.", "Store staff may refund up to ¥5,000."]
    composition = compose([ref(section)], scorer("how much can store staff refund"))
    assert composition.units[0].lines == (section[1],)


def test_a_question_about_what_is_not_allowed_gets_the_refusal() -> None:
    steps = ["How to return:", "1. Choose the item and select Return item.", "2. Print the label."]
    banned = ["Some items cannot be returned:", "- opened pillows", "- used mattresses"]
    composition = compose(
        [ref(steps), ref(banned, path="en/other.md")], scorer("what items can't be returned")
    )
    assert composition.units[0].text().startswith("Some items cannot be returned:")


def test_a_target_is_answered_by_the_sentence_with_the_figure() -> None:
    section = [
        "We measure NPS, first-contact resolution and repeat contacts within 7 days; the"
        " vision lists the targets.",
        "",
        "Every team sees these numbers monthly:",
        "- NPS: surveyed quarterly. Target: +45.",
        "- CES: how easy it was. Target: 5.8.",
    ]
    composition = compose([ref(section)], scorer("whats the nps target"))
    assert "+45" in composition.units[0].text()


def test_a_section_heading_speaks_for_its_sentences() -> None:
    # The heading names the situation; its sentence never repeats the question's words.
    situation = SectionRef(
        Hit(
            chunk=Chunk(
                id="a", path="en/w.md", title="G", section="", text="", language="en", position=0
            ),
            score=1.0,
        ),
        Section(
            heading="Common situations > A driver finds the customer isn't home",
            blocks=parse_blocks(["Call before leaving. Leave a card with the re-delivery number."]),
        ),
        1.0,
    )
    habits = ref(
        ["What good looks like:", "- Drivers: be a good guest.", "- Scan every item."],
        path="en/w.md",
    )
    composition = compose([habits, situation], scorer("im a driver and the customer isnt home"))
    assert [u.ref for u in composition.units] == [1]  # the situation, and no padding


def test_a_list_that_ends_on_a_lead_in_brings_what_it_introduces() -> None:
    section = [
        "- If card terminals fail, accept cash or hold the items for 24 hours.",
        "- Counter wording:",
        "",
        "> \"I'm sorry, our card payments aren't working at the moment.\"",
    ]
    composition = compose([ref(section)], scorer("what do we do if card terminals fail"))
    lines = render_unit(composition.units[0], "[1]")
    assert lines[0] == "Limits [1]"  # a list straight under its heading is read under it
    assert lines[-2].endswith("Counter wording:")
    assert lines[-1].startswith("    ◦ \"I'm sorry")


def test_more_than_that_takes_the_limit_from_the_last_answer() -> None:
    history = [
        Turn(role="user", text="whats the refund limit for store staff"),
        Turn(role="assistant", text="Store staff: refund or goodwill credit up to ¥5,000 [1]"),
    ]
    follow = readings("what if its more than that", history)[0]
    assert follow.follow_up
    assert follow.analysis.amount == 5_000 and follow.analysis.beyond_amount


def test_asking_for_more_is_not_answered_by_repeating_the_last_answer() -> None:
    said = "Store staff may refund up to ¥5,000 per case without approval. [1]"
    question = analyse("what if its more than that")
    question = replace(
        question, amount=5_000, beyond_amount=True, intents=frozenset({Intent.AMOUNT})
    )
    weights = dict.fromkeys(tokenize("store staff refund limit"), 1.0)
    fresh = compose([ref(LIMITS)], Scorer(question, weights, "store-staff"))
    again = compose(
        [ref(LIMITS)], Scorer(question, weights, "store-staff", said=(said,), wants_new=True)
    )
    assert "Over ¥5,000" in "\n".join(again.units[0].lines)
    assert fresh.units[0].score > again.units[0].score - 1  # both compose; only the pick moves


def test_a_customer_story_comes_with_who_served_them() -> None:
    story = [
        '> "The table arrived broken, and the manager approved a replacement on the spot."',
        "> — Customer at the Osaka Umeda store, October",
        "",
        "- **Who:** Naomi Hayashi (store manager)",
        "- **Value:** Own it",
    ]
    composition = compose([ref(story)], scorer("who approved the replacement table on the spot"))
    shown = "\n".join(u.text() for u in composition.units)
    assert "approved a replacement" in shown and "Naomi Hayashi" in shown


def test_a_new_topic_announced_is_read_fresh_only() -> None:
    history = [
        Turn(role="user", text="customer is screaming at me, what do i do"),
        Turn(role="assistant", text="Listen first. [1]"),
    ]
    options = readings("unrelated, but what kinds of businesses does our b2b team sell to", history)
    assert len(options) == 1 and not options[0].follow_up
    assert len(readings("話変わるけど、返品できない商品ってある？", history)) == 1


def test_a_follow_up_stays_in_the_section_the_last_answer_quoted() -> None:
    abuse = ref(
        [
            "- Give one clear warning.",
            "- On the phone, you may end the call after the warning.",
            "",
            "In a store, step away and call the store manager or security.",
        ],
        path="en/upset.md",
    )
    vision = ref(["Our stores are where most people meet us."], path="en/vision.md")
    question = analyse("and in a store?")
    weights = dict.fromkeys(tokenize("store"), 1.0)
    said = ("• Give one clear warning.\n• On the phone, you may end the call after the warning.",)
    fresh = compose([vision, abuse], Scorer(question, weights, None))
    follow = compose([vision, abuse], Scorer(question, weights, None, said=said))
    assert fresh.refs[fresh.units[0].ref] is vision
    assert "step away" in follow.units[0].text()


def test_a_definition_is_found_in_a_sub_item() -> None:
    section = [
        "- Anyone who suspects an outage posts in #incident-status.",
        "- The engineering on-call declares the incident with a severity:",
        "  - **SEV1**: checkout does not work on the website or app.",
        "  - **SEV2**: one feature is down, or card payment fails in one store.",
        "- The on-call is the incident commander until they hand over by name.",
    ]
    question = "SEV1ってどういう状態のこと？"
    assert analyse(question).defines == "sev1"
    composition = compose([ref(section)], scorer(question))
    assert "SEV1: checkout does not work" in "\n".join(render_unit(composition.units[0], "[1]"))


def test_that_in_what_does_that_mean_is_not_the_term_defined() -> None:
    analysis = analyse("それってどういう意味？")
    assert analysis.defines is None and analysis.follow_up_cues


def test_a_list_straight_under_its_heading_reads_with_the_heading() -> None:
    section = Section(
        heading="Returns > Not returnable",
        blocks=parse_blocks(["- Sale items", "- Opened bedding"]),
    )
    chunk = Chunk(
        id="p", path="p.md", title="Returns", section="", text="", language="en", position=0
    )
    composition = compose(
        [SectionRef(Hit(chunk=chunk, score=1.0), section, 1.0)],
        scorer("can sale items be returned"),
    )
    assert render_unit(composition.units[0], "[1]")[0] == "Not returnable [1]"


def test_about_myself_another_role_s_guide_never_answers_however_close_its_words() -> None:
    theirs = ref(
        ["You may refund up to ¥10,000 per case without asking anyone."],
        path="en/roles/customer-support.md",
        role_guide=True,
    )
    mine = ref(
        ["You may give a refund of up to ¥5,000 per case without approval."],
        path="en/roles/store-staff.md",
        role_guide=True,
        own_role_guide=True,
    )
    question = "how much can I refund without asking anyone?"
    composition = compose([theirs, mine], scorer(question, "store-staff"))
    assert "¥5,000" in composition.units[0].text()
    assert all("¥10,000" not in u.text() for u in composition.units)


def test_a_title_line_over_a_paragraph_is_quoted_with_it() -> None:
    # A plain-text page names the winner on a line of its own above the reason.
    lines = [
        "お客さまセンター 佐藤 美咲さん",
        "選考理由：地震の直後に復帰手順を落ち着いて案内したため。",
    ]
    composition = compose([ref(lines)], scorer("2月のスマイル賞って誰だった？"))
    assert render_unit(composition.units[0], "[1]") == [
        "お客さまセンター 佐藤 美咲さん",
        "選考理由：地震の直後に復帰手順を落ち着いて案内したため。 [1]",
    ]


def best_unit(lines: list[str], question: str) -> str:
    """The first line of the best-scored unit, before it grows into its neighbours."""
    section, chosen = ref(lines), scorer(question)
    units = [chosen.score(u, section) for u in units_of(0, section, chosen.analysis)]
    return max(units, key=lambda u: u.score).lines[0]


def test_a_line_that_only_points_elsewhere_loses_to_the_content() -> None:
    lines = [
        'Open the matching playbook: "Handling an upset customer".',
        "",
        "Give one clear warning before you end an abusive call.",
    ]
    best = best_unit(lines, "customer is abusive on the phone, what do i do")
    assert best.startswith("Give one clear warning")


def test_words_to_say_are_preferred_when_asked_what_to_tell_customers() -> None:
    lines = [
        "When the app is down, orders and payments stop.",
        "",
        'Say: "We know the app is down and our engineers are working on it right now."',
    ]
    assert best_unit(lines, "the app is down, what do we tell customers?").startswith("Say:")
