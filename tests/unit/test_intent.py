"""Question analysis and passage features, in English and Japanese, as staff really type."""

from __future__ import annotations

import dataclasses
import time

import pytest

from bot.answering.conversation import asks_for_more
from bot.answering.intent import Intent, QuestionAnalysis, analyse
from bot.answering.passages import (
    covers_amount,
    gives_wording,
    limit_amount,
    passage_features,
    permission_polarity,
    refers_elsewhere,
    speaks_beyond,
)
from bot.answering.roles import DEFAULT_TITLE_WORDS

N = Intent.NUMBER
A, D, C, S, L, DEF, P = (
    Intent.AMOUNT,
    Intent.DURATION,
    Intent.CONTACT,
    Intent.STEPS,
    Intent.LIST,
    Intent.DEFINITION,
    Intent.PERMISSION,
)
KNOWN_ROLES = {role for _, role in DEFAULT_TITLE_WORDS}

# Intents -----------------------------------------------------------------------------------

INTENTS: list[tuple[str, set[Intent]]] = [
    # English, casual and misspelt
    ("how much can i refnud", {A}),
    ("whos the person i escalate to", {C}),
    ("as a support agent what's my limit", {A}),
    ("can I refund ¥7,000 without approval?", {P, A}),
    ("can i swap a ¥39,800 sofa for the same one in another colour on my own", {P, A}),
    ("how much can i refund a customer w/o asking anyone", {A, P}),
    ("customer wants a refund not a reship, can i just refund them myself", {P}),
    ("how long is the ¥500 outage coupon good for", {D}),
    ("hinode members return window?", {D}),
    ("when a customer praises someone on my team by name, how soon should it go in #cx-wins", {D}),
    ("how often are engineers meant to sit with a support agent or a packer", {D}),
    ("what time does the yokohama minatomirai store open on sundays", {D}),
    ("how many years is the warranty on our sofas", {D}),
    ("which slack channel do support agents use to get a team lead to approve something", {C}),
    ("mugs keep showing up smashed. where do i flag the packaging problem", {C}),
    ("a journalist just emailed me about a complaint, who do i escalate to", {C}),
    ("need to give a client more than 5% credit, who signs off on that", {C}),
    ("custmer wants to return something but lost the receipt, what do i do at the counter", {S}),
    ("how do i handle a customer who is shouting", {S}),
    ("what's the driver supposed to do if the sofa doesn't fit through the door", {S}),
    ("what are our four values", {L}),
    ("what items can't be returned", {L}),
    ("what are the four steps in the upset customer playbook", {L, S}),
    ("unrelated, but what kinds of businesses does our b2b team sell to", {L}),
    ("what does own it mean", {DEF}),
    ("what is sev1?", {DEF}),
    ("who is actualy allowed to switch the service status banner on", {C, P}),
    ("how much is the standard delivery fee for a sofa", {A}),
    # Precision: counts are not money, "who are our customers" is not a contact, a relative
    # "who" is not a question, a limit named as a condition is not the thing asked.
    # A count or a target asks for a figure (NUMBER), not money.
    ("how many stores do we have", {N}),
    ("how many points do hinode members earn per purchase", {N}),
    ("who are our customers", set()),
    ("whats the nps target this yr", {N}),
    ("max number of marketing emails we can send someone per week?", {N}),
    # Japanese
    ("いくらまで返金していいの？", {A, P}),
    ("自分っていくらまで返金できる？", {A}),
    ("これって誰に言えばいい？", {C}),
    ("倉庫スタッフです。壊れた商品の再送っていくらまで？", {A}),
    ("お客様に怒鳴られたらどうすればいい？", {S}),
    ("返品って何日まで受け付けてる？", {D}),
    ("シフト始めの朝礼って何分くらいやればいいの？", {D}),
    ("障害のあとの振り返りレビューって、いつまでにやるんですか？", {D}),
    (
        "チームリーダーにエスカレしたら、どのくらいで返事もらえるものなの？",
        {D},
    ),  # a time is asked; escalating is the context
    ("宛名ラベルを間違えて、別のお客さんに情報がいったかも…どこに連絡すればいい？", {C}),
    ("上限超える返金って誰に承認もらえばいい？", {C}),
    ("8,000円超える再発送って誰に承認もらうの？", {C}),
    ("日の出モーメントって何？", {DEF}),
    ("SEV1ってどういう状態のこと？", {DEF}),
    ("自分ごとにするってどういう意味？", {DEF}),
    ("4つのバリューを教えて", {L}),
    ("CXバリューって何がある？", {L}),
    ("日の出ホームアワードってどうやって選ばれるんですか？", {S}),
    ("電話で暴言がひどいお客さん、こっちから切っちゃっていいの？", {P}),
    ("お客さんに返金ってしてあげられる？", {P}),
    ("開封済みのマットレスって返品OK？", {P}),
    (
        "納品遅れでお客さまにご迷惑をかけたとき、自分の判断でどこまでクレジットを出せますか？",
        {A, P},
    ),
    ("日の出メンバーズって年会費いくら？", {A}),
    ("話変わるけど、CSATって何点以上を満足として数えてるの？", set()),
    ("82歳のお客さまのカーテンのエピソードって、どこのお店の話だっけ？", set()),
]


@pytest.mark.parametrize(("question", "expected"), INTENTS)
def test_intents(question: str, expected: set[Intent]) -> None:
    assert analyse(question).intents == frozenset(expected)


# Amounts -----------------------------------------------------------------------------------

AMOUNTS: list[tuple[str, int | None]] = [
    ("can i refund ¥7,000?", 7000),
    ("can i refund 7000 yen", 7000),
    ("can i refund 7k yen", 7000),
    ("is ¥7k ok", 7000),
    ("7000円返金していい？", 7000),
    ("７，０００円返金していい？", 7000),
    ("7,000円まで？", 7000),
    ("7千円のクーポン", 7000),
    ("五千円まで？", 5000),
    ("1万円の返金", 10000),
    ("1.5万円の返金", 15000),
    ("1万5千円の返金", 15000),
    ("1万超える返金", 10000),
    ("￥39,800のソファ", 39800),
    ("order 12345 is late", None),
    ("how many stores do we have", None),
    ("more than 5% credit", None),
    # Knowledge written in another currency is asked about in it.
    ("can i credit $150 without my lead", 150),
    ("is a US$1,200 refund ok", 1200),
    ("can I give €20 back", 20),
    ("can i refund 40 dollars", 40),
    ("goodwill of 25 bucks ok?", 25),
    ("can I refund £75?", 75),
]


@pytest.mark.parametrize(("question", "yen"), AMOUNTS)
def test_amount(question: str, yen: int | None) -> None:
    assert analyse(question).amount == yen


# Roles and the asker -----------------------------------------------------------------------

ROLES: list[tuple[str, str | None, bool]] = [
    # "my lead" is whom the asker answers to; "my stores" are the stores a manager runs.
    ("whats my limit for refunding a customer without asking my lead", None, False),
    ("one of my stores wants to give more goodwill, can i sign that off", "people-manager", True),
    ("as a support agent what's my limit", "customer-support", True),
    ("I'm in the warehouse, can i reship a ¥9,000 rug", "warehouse", True),
    ("i work at the store. can i refund 6000 yen", "store-staff", True),
    ("im a new store clerk, how do refunds work", "store-staff", True),
    (
        "up to how much can i approve myself when someone on my team goes over",
        "people-manager",
        True,
    ),
    ("倉庫スタッフです。壊れた商品の再送っていくらまで？", "warehouse", True),
    ("店長だけど、1.5万円の返金は？", "people-manager", True),
    ("店舗で働いてるんですが、返金できますか", "store-staff", True),
    ("営業です。サービスクレジットは何%まで？", "sales", True),
    ("what can store staff refund", "store-staff", False),
    ("can a store clerk refund ¥3,000?", "store-staff", False),
    ("and for managers?", "people-manager", False),
    ("and for team leads?", "people-manager", False),
    ("what does the mantra mean for engineers", "engineering", False),
    ("how much service credit can sales offer", "sales", False),
    ("営業の場合は？", "sales", False),
    ("倉庫の場合は？", "warehouse", False),
    ("サポートって返金いくらまでできる？", "customer-support", False),
    ("how much do delivery drivers get paid per hour", "warehouse", False),
    # A role named as whom to go to is not the role asked about.
    ("チームリーダーにエスカレしたら、どのくらいで返事もらえる？", None, False),
    ("who do i escalate to, my team lead?", None, False),
    ("how many stores do we have", None, False),
    ("is there customer parking at the osaka umeda store?", None, False),
    ("how many points do hinode members earn", None, False),
    ("配送料って普通いくらかかるんですか？", None, False),
    ("what does the cx lead do", None, False),
]


@pytest.mark.parametrize(("question", "role", "stated"), ROLES)
def test_roles(question: str, role: str | None, stated: bool) -> None:
    analysis = analyse(question)
    assert (analysis.role_mentioned, analysis.asker_states_role) == (role, stated)
    assert role is None or role in KNOWN_ROLES


SELF: list[tuple[str, bool]] = [
    ("how much can i refnud", True),
    ("whats my limit for reshipping a damaged item", True),
    ("can we refund the delivery fee", True),
    ("can a store clerk refund ¥3,000?", False),
    ("what can store staff refund", False),
    ("what are our four values", False),
    ("who are our customers", False),
    ("自分っていくらまで返金できる？", True),
    ("私は返金できますか", True),
    ("倉庫スタッフです。壊れた商品の再送っていくらまで？", True),
    # Japanese drops the subject of a permission question about oneself...
    ("いくらまで返金していいの？", True),
    # ...but not when someone else is the subject, and 自分ごと is a value, not the asker.
    ("お客さんが返品していいのは何日まで？", False),
    ("自分ごとにするってどういう意味？", False),
]


@pytest.mark.parametrize(("question", "expected"), SELF)
def test_about_self(question: str, expected: bool) -> None:
    assert analyse(question).about_self is expected


# Follow-ups --------------------------------------------------------------------------------

FOLLOW_UPS: list[tuple[str, bool]] = [
    ("and for managers?", True),
    ("and for team leads?", True),
    ("what about the warehouse?", True),
    ("ok so what if they still refuse", True),
    ("what if its more than that", True),
    ("how fast will they get back to us", True),
    ("can store staff give it out too or only engineering", True),
    ("for engineers?", True),
    ("それでも納得しなかったら？", True),
    ("じゃあお客さんがどうしても返金がいいって言ったら？", True),
    ("倉庫の場合は？", True),
    ("SEV2は？", True),
    ("お客さんが受け取りのために仕事を休んでた場合は？", True),
    ("これって誰に言えばいい？", True),
    ("お客様に怒鳴られたらどうすればいい？", False),
    ("what does own it mean", False),
    ("what are our four values", False),
    ("how many stores do we have", False),
    ("can a customer return a mattress they already opened", False),
    ("customer wants a refund not a reship, can i just refund them myself", False),
    ("diff question - where do i report it if i think the website is down", False),
    ("btw who owns the warehouse role guide", False),
    ("ボットが答えられなかった質問ってそのあとどうなるの？", False),
    ("ところで、同じ商品が何度も割れて届くときって、どこに報告すればいいですか？", False),
    ("話変わるけど、CSATって何点以上を満足として数えてるの？", False),
]


@pytest.mark.parametrize(("question", "expected"), FOLLOW_UPS)
def test_follow_up_cues(question: str, expected: bool) -> None:
    assert analyse(question).follow_up_cues is expected


@pytest.mark.parametrize(
    ("elliptical", "self_contained"),
    [
        ("and for managers?", "how much can store managers refund without approval"),
        ("倉庫の場合は？", "倉庫スタッフは壊れた商品の再発送をいくらまで決められますか？"),
        ("how fast will they get back to us", "how fast does the cx lead approve a refund"),
    ],
)
def test_content_words_separate_elliptical_from_self_contained(
    elliptical: str, self_contained: str
) -> None:
    assert analyse(elliptical).content_words <= 1
    assert analyse(self_contained).content_words >= 3


@pytest.mark.parametrize(
    ("question", "language"),
    [("how much can i refund", "en"), ("返品って何日まで？", "ja"), ("SEV2は？", "ja")],
)
def test_language(question: str, language: str) -> None:
    assert analyse(question).language == language


def test_analysis_is_frozen_and_intents_are_strings() -> None:
    analysis = analyse("can I refund ¥7,000 without approval?")
    assert isinstance(analysis, QuestionAnalysis)
    with pytest.raises(dataclasses.FrozenInstanceError):
        analysis.about_self = False  # type: ignore[misc]
    assert sorted(analysis.intents) == ["amount", "permission"]


def test_empty_question() -> None:
    analysis = analyse("  ")
    assert analysis.intents == frozenset()
    assert (analysis.role_mentioned, analysis.amount, analysis.content_words) == (None, None, 0)


def test_fast_enough_for_every_message() -> None:
    questions = [q for q, _ in INTENTS]
    start = time.perf_counter()
    for question in questions * 5:
        analyse(question)
    per_question = (time.perf_counter() - start) / (len(questions) * 5)
    assert per_question < 0.001


# Passages: real sentences from knowledge/en and knowledge/ja --------------------------------

PASSAGES: list[tuple[str, set[Intent]]] = [
    (
        "You may refund, or give a goodwill credit, of **up to ¥10,000 per case** without "
        "asking anyone. This covers the item price, delivery fees and goodwill together.",
        {A, P},
    ),
    (
        "- **Over ¥50,000:** the CX lead, Aiko Tanaka (@aiko), who approves within one "
        "business day. Your team lead sends the request.",
        {A, C, D},
    ),
    (
        "**Needs approval:**\n- **Over ¥10,000 and up to ¥50,000:** your team lead. Post in "
        "#support-leads with the case number; leads reply within the shift.",
        {A, C, D, P},
    ),
    (
        "- Customers may return an item within **30 days** of delivery or purchase.\n"
        "- **Hinode Members** have **90 days**.",
        {D, L, P},
    ),
    (
        "### 1. Listen first\n\n- Let the customer finish. Do not interrupt, even to correct "
        "a fact.\n- Take notes: order number, dates, what they were promised.",
        {S, L, P},
    ),
    ("| Sales (B2B) | Service credit up to **5%** of the B2B order |", {A}),
    (
        '"Make every day feel like home" means the customer should leave the conversation '
        "feeling that someone took care of it.",
        {DEF},
    ),
    ("Hinode Living sells the things people live with every day: towels, pans, sofas.", set()),
    (
        "倉庫・物流のスタッフは、1件あたり **¥8,000（8千円）相当まで** の欠品・破損品について、"
        "**無料での再配達、または速達での再発送** を承認なしで決めてかまいません。",
        {A, P},
    ),
    (
        "- **返金：** 倉庫スタッフは返金を行いません。お客さまが再発送ではなく返金をご希望の場合"
        "は、#cx-handover でカスタマーサポートに引き継ぎます。",
        {C, P},
    ),
    (
        "- **¥50,000を超えるもの：** CXリードの田中 愛子（@aiko）が1営業日以内に承認します。"
        "依頼はチームリーダーから送ります。",
        {A, C, D},
    ),
    (
        "エンジニアリングのオンコール担当は、SEV1 を宣言してから15分以内に、Webサイトとアプリに"
        "サービス状況バナーを表示します（SEV2 は担当者の判断）。",
        {C, D},
    ),
    (
        "「毎日を、わが家のように。」とは、日の出リビングの箱を開けるときに、家族から荷物が"
        "届いたような気持ちになっていただくことです。",
        {DEF},
    ),
    (
        "1. お客さまの安全を確かめます。\n2. 製品の使用をやめ、保管していただくようお願いします。",
        {S, L},
    ),
    ("上限内に収めるために、一つの問題を複数のケースに分けることはしないでください。", {P}),
    ("① まず梱包記録を確認します。\n② 次に物流デスクへ連絡します。", {S, L, C}),
    ("オンコール担当は、状況に変化がなくても、30分ごとに最新情報を投稿します。", {C, D}),
]


@pytest.mark.parametrize(("text", "expected"), PASSAGES)
def test_passage_features(text: str, expected: set[Intent]) -> None:
    # Figures (NUMBER) have their own test below: most of these passages hold one.
    assert passage_features(text) - {N} == frozenset(expected)


POLARITY: list[tuple[str, str | None]] = [
    ("You may refund, or give a goodwill credit, of up to ¥10,000 per case.", "yes"),
    ("Logistics can authorise express reshipment up to ¥8,000 themselves.", "yes"),
    (
        "An apology for the experience is always allowed; you do not need to know whose fault.",
        "yes",
    ),
    ("Store staff are allowed to give a same-value exchange.", "yes"),
    ("Don't split one problem into several cases to stay under the limit.", "no"),
    ("Marketing staff do not hold a remedy budget of their own.", "no"),
    ("Never push credit when the customer has asked for their money back.", "no"),
    ("Anything over ¥10,000 needs approval from your team lead.", "no"),
    ("You may not issue refunds in the warehouse.", "no"),
    # A refusal wins over a grant in the same sentence.
    ("You can refund without approval, but never above ¥5,000.", "no"),
    ("1件あたり ¥10,000（1万円）まで の返金は、誰の承認も得ずに決めてかまいません。", "yes"),
    ("倉庫・物流のスタッフは ¥8,000 までの再発送を承認なしで決めてかまいません。", "yes"),
    ("倉庫スタッフは返金を行いません。", "no"),
    ("それ以上の約束はしないでください。", "no"),
    ("¥10,000を超え¥50,000まで：チームリーダーの承認が必要です。", "no"),
    ("不良品でない限り返品できないもの：受注生産の家具。", "no"),
    ("SNSでの割引の約束は禁止です。", "no"),
    ("Check #incident-status and tell the customer what you know.", None),
    ("毎朝10分、シフトの始まりに朝礼をします。", None),
]


@pytest.mark.parametrize(("text", "expected"), POLARITY)
def test_permission_polarity(text: str, expected: str | None) -> None:
    assert permission_polarity(text) == expected


LIMITS: list[tuple[str, int | None]] = [
    ("Refund or goodwill credit up to **¥10,000** per case", 10000),
    ("Free re-delivery or express reshipment up to **¥8,000** in value", 8000),
    ("**Over ¥10,000 and up to ¥50,000:** your team lead.", 50000),
    ("This is over your ¥10,000 limit.", 10000),
    ("1件あたり **¥8,000（8千円）相当まで** の欠品・破損品について", 8000),
    ("¥10,000を超え¥50,000までの再発送・再配達：シフトスーパーバイザー", 50000),
    ("5,000円までの返金は店舗スタッフが決められます。", 5000),
    ("あなたの上限¥8,000を超えています。", 8000),
    ("give a ¥1,000–¥3,000 goodwill coupon for a late delivery", None),
    ("Service credit up to 5% of the B2B order", None),
    ("Agents may credit up to $150 per account per month.", 150),
    ("Team leaders: $500 maximum", 500),
    ("Goodwill gestures are capped at €40.", 40),
]


@pytest.mark.parametrize(("text", "yen"), LIMITS)
def test_limit_amount(text: str, yen: int | None) -> None:
    assert limit_amount(text) == yen


def test_amounts_in_other_currencies_are_amounts_and_ranges() -> None:
    assert A in passage_features("Over $150 and up to $1,000: your team leader approves.")
    assert covers_amount("Over $150 and up to $1,000: your team leader approves.", 400)
    assert not covers_amount("Over $150 and up to $1,000: your team leader approves.", 1500)
    assert A in passage_features("A late fee of 12 euros is added.")


def test_question_amount_against_stated_limit() -> None:
    question = analyse("can i refund ¥7,000 without approval?")
    passage = "Store staff: refund or goodwill credit up to **¥5,000**, or a same-value exchange."
    limit = limit_amount(passage)
    assert question.amount is not None and limit is not None
    assert question.amount > limit


@pytest.mark.parametrize(
    ("text", "figure"),
    [
        ("NPS, surveyed quarterly. Target: +45.", True),
        ("Across our 40 stores you are the face of the company.", True),
        ("目標は80%です。", True),
        ("Repeat contacts within 7 days; the vision lists the targets.", False),  # a time
        ("1. Sign in to your account.", False),  # a list marker
    ],
)
def test_a_figure_is_a_number_that_is_not_a_time_or_a_marker(text: str, figure: bool) -> None:
    assert (N in passage_features(text)) is figure


@pytest.mark.parametrize(
    ("question", "negated"),
    [
        ("what items can't be returned", True),
        ("返品できない商品ってある？", True),
        ("what items can be returned", False),
        ("返品できる商品は？", False),
    ],
)
def test_a_question_about_what_is_not_allowed_is_negated(question: str, negated: bool) -> None:
    assert analyse(question).negated is negated


@pytest.mark.parametrize(
    ("question", "wh"),
    [
        ("whats my limit for refunding a customer without asking my lead", True),
        ("いくらまで返金していいの？", True),
        ("can I refund ¥7,000 without approval?", False),
        ("自分の判断で返金していい？", False),
    ],
)
def test_a_wh_question_asks_for_a_fact_not_a_yes_or_no(question: str, wh: bool) -> None:
    assert analyse(question).wh_question is wh


@pytest.mark.parametrize(
    ("question", "price"),
    [
        ("how much does a replacement sim cost the customer", True),
        ("日の出メンバーズって年会費いくら？", True),
        ("whats the fee for a late payment", True),
        ("how much notice do we give before a visit", False),
        ("料金の件で電話してたら「ガス臭い」って言われた。折り返しでいい？", False),
        ("whats the nps target", False),
        # A limit on what one may give is not a price.
        ("how much can i refund a customer w/o asking anyone", False),
        ("私がひとりで承認できる金額の上限っていくら？", False),
    ],
)
def test_a_question_asking_what_something_costs(question: str, price: bool) -> None:
    assert analyse(question).asks_price is price


def test_a_phone_number_or_an_email_is_a_way_to_reach_someone() -> None:
    assert Intent.CONTACT in passage_features("Call the hotline on 0120-555-019 at any hour.")
    assert Intent.CONTACT in passage_features("Call 03-1234-5678 or mail cx@hinode.example.")
    assert Intent.CONTACT not in passage_features("Refunds up to ¥5,000 within 14 days.")
    assert Intent.CONTACT not in passage_features("Updated 2026-05-01; version 1.2.3.")


@pytest.mark.parametrize(
    ("text", "contact"),
    [
        # Other companies' desks, offices and extensions are contacts too.
        ("Report it to the Privacy Office within 24 hours.", True),
        ("Call the help desk on ext. 4411.", True),
        ("お客さま相談室に連絡します。", True),
        ("個人情報保護窓口（内線1234）へ報告してください。", True),
        ("Our team works hard every day.", False),
        ("5,001円～3万円: 決裁者: 課長", True),
        ("$150.01 to $500: CX Manager", True),
        ("一部のお客さまは店頭で受け取ります。", False),
    ],
)
def test_desks_and_offices_of_any_company_are_contacts(text: str, contact: bool) -> None:
    assert (Intent.CONTACT in passage_features(text)) is contact


@pytest.mark.parametrize(
    ("question", "wording", "pointer", "sequence"),
    [
        ("the app is down, what do we tell customers?", True, False, False),
        ("運休のとき、お客さまになんて伝えればいい？", True, False, False),
        ("is there a template for the outage email", True, False, False),
        ("where do i find the cx playbooks", False, True, False),
        ("CXのプレイブックはどこにある？", False, True, False),
        ("what's the process for a billing dispute", False, False, True),
        ("怒っているお客さまへの対応の流れは？", False, False, True),
        ("how do I refund a gift card", False, False, False),
    ],
)
def test_what_kind_of_answer_a_question_wants(
    question: str, wording: bool, pointer: bool, sequence: bool
) -> None:
    analysis = analyse(question)
    assert (analysis.wants_wording, analysis.wants_pointer, analysis.wants_sequence) == (
        wording,
        pointer,
        sequence,
    )


@pytest.mark.parametrize(
    ("text", "heading", "wording"),
    [
        ('Say: "We have a problem with payments right now and are working on it."', "", True),
        (
            "「ただいま運行を見合わせております。再開の見込みは未定です。」とご案内します。",
            "",
            True,
        ),
        ("Apologise and offer a call back.", "Holding messages > Stores", True),
        ('Open the "Service outage" playbook.', "", False),
        ("Apologise and offer a call back.", "When to use this playbook", False),
    ],
)
def test_words_to_say_are_quoted_messages_or_under_a_message_heading(
    text: str, heading: str, wording: bool
) -> None:
    assert gives_wording(text, heading) is wording


@pytest.mark.parametrize(
    ("text", "pointer"),
    [
        ('Open the matching playbook: "Handling an upset customer" or "Service outage".', True),
        ('For anything beyond your limit, use the "Escalation" playbook.', True),
        ("For more information, see our Returns page.", True),
        ("該当するプレイブック「お怒りのお客さまへの対応」を開いてください。", True),
        ("詳しくは「返金規程」をご覧ください。", True),
        ("Open the box with the customer and check every part.", False),
        ("Use the HomeDesk button to escalate.", False),
        ("返品は30日以内に受け付けます。", False),
    ],
)
def test_a_line_that_sends_the_reader_elsewhere_is_a_pointer(text: str, pointer: bool) -> None:
    assert refers_elsewhere(text) is pointer


@pytest.mark.parametrize(
    ("text", "amount", "beyond"),
    [
        ("**¥500のクーポンを超える補償**：CXリードが承認します。", 500, True),
        ("Refunds or credits over ¥5,000 and up to ¥50,000: the store manager.", 5_000, True),
        ("Refunds or credits over ¥5,000 and up to ¥50,000: the store manager.", 50_000, False),
        ("¥5,000を超え¥50,000までの返金", 50_000, False),
        ("¥50,000 超: CXリード", 50_000, True),
        ("Anything more than the ¥500 coupon needs the CX lead.", 500, True),
        ("Store staff may refund up to ¥5,000 per case.", 5_000, False),
        ("障害おわびクレジット（¥500クーポン）を有効にできます。", 500, False),
    ],
)
def test_speaks_beyond_an_amount(text: str, amount: int, beyond: bool) -> None:
    assert speaks_beyond(text, amount) is beyond


@pytest.mark.parametrize(
    ("question", "more"),
    [
        ("what if its more than that", True),
        ("anything else I can offer?", True),
        ("それでも納得しなかったら？", True),
        ("他にできることはある？", True),
        ("how much can I refund?", False),
        ("what is our mantra?", False),
    ],
)
def test_asks_for_more(question: str, more: bool) -> None:
    assert asks_for_more(question) is more


def test_how_long_after_escalating_asks_for_a_time_not_a_contact() -> None:
    assert analyse("チームリーダーにエスカレしたら、どれくらいで返事もらえるもの？").intents == {D}
    assert analyse("how long does escalation take").intents == {D}
    assert analyse("who do i escalate to and how fast").intents == {C, D}
    assert C in analyse("誰にエスカレすればいい？").intents


def test_also_before_a_whole_question_adds_a_topic() -> None:
    assert not analyse(
        "あと、宛名ラベル間違えて別のお客さんに情報いっちゃったかも。誰に言えばいい？"
    ).follow_up_cues
    assert analyse("あと、店舗でも使える？").follow_up_cues
    assert analyse("also how long is it valid").follow_up_cues


@pytest.mark.parametrize(
    ("text", "amount", "covered"),
    [
        ("**¥10,000を超え¥50,000まで：** チームリーダーの承認が必要です。", 20_000, True),
        ("**¥10,000を超え¥50,000まで：** チームリーダーの承認が必要です。", 70_000, False),
        ("Refunds or credits over ¥5,000 and up to ¥50,000: the store manager.", 12_000, True),
        ("Over ¥50,000: the CX lead, Aiko Tanaka.", 70_000, True),
        ("Over ¥50,000: the CX lead, Aiko Tanaka.", 20_000, False),
        ("Store staff may refund up to ¥5,000 per case.", 3_000, False),
        # Rows of an approval table in any currency, and ranges written "A to B" / 「A～B」.
        ("Up to $25: Any advisor or shop colleague", 20, True),
        ("Up to $25: Any advisor or shop colleague", 200, False),
        ("$150.01 to $500: CX Manager; How: Helix approval request", 200, True),
        ("$150.01 to $500: CX Manager; How: Helix approval request", 600, False),
        ("5,001円～3万円: 課長", 20_000, True),
        ("5,000円以下: 担当者本人", 3_000, True),
        ("5,000円以下: 担当者本人", 20_000, False),
    ],
)
def test_covers_amount(text: str, amount: int, covered: bool) -> None:
    assert covers_amount(text, amount) is covered


def test_thousands_in_a_question_are_yen() -> None:
    assert analyse("one of my stores wants to give 70k of goodwill").amount == 70_000
    assert analyse("customer wants her money back for a cracked 12k lamp").amount == 12_000
    assert analyse("how much can I refund?").amount is None


def test_beyond_a_limit_without_an_amount() -> None:
    assert analyse("上限超える返金って誰に承認もらえばいい？").beyond
    assert not analyse("上限超える返金って誰に承認もらえばいい？").beyond_amount
    assert speaks_beyond("¥10,000を超え¥50,000まで：チームリーダーの承認が必要です。", None)
    assert not speaks_beyond("1件あたり¥10,000まで返金できます。", None)
