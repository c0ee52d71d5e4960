"""The praise detector on hand-written English and Japanese survey comments, and the rating rule.

Outcomes: "praise" scores >= 0.6 (the default threshold), "complaint" < 0.4, "mixed" sits in
the middle (0.4 <= score < 0.6), "neutral" is anything but praise. Clear examples must all be
right; over every example the detector must be right at least 90% of the time.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.kudos.models import FeedbackRow
from bot.kudos.praise import NEUTRAL_SCORE, is_praise, is_praise_rating, praise_score

# (text, expected outcome, clear?)
ENGLISH: list[tuple[str, str, bool]] = [
    # clear praise
    ("Thank you so much, Kenji was amazing!", "praise", True),
    ("The staff went above and beyond for us.", "praise", True),
    ("Very friendly and helpful driver, I would recommend Hinode to anyone.", "praise", True),
    ("Mei was incredibly patient with my elderly father. Thank you!", "praise", True),
    ("Excellent service from start to finish.", "praise", True),
    ("I can't thank Yuki enough for sorting out my order.", "praise", True),
    ("Couldn't be happier with how quickly the team fixed the problem.", "praise", True),
    ("Ryo stayed late to help me choose the right size, really appreciated it.", "praise", True),
    ("Fast delivery and the driver was so polite.", "praise", True),
    ("Wonderful experience, the store team was kind and knowledgeable.", "praise", True),
    ("Haruka made my day. Brilliant customer service!", "praise", True),
    ("The agent was professional, clear and very courteous.", "praise", True),
    ("Honestly the best support I have ever had, thanks a lot.", "praise", True),
    # clear complaints
    ("The driver was rude and late.", "complaint", True),
    ("Worst experience ever, never again.", "complaint", True),
    ("Still waiting for my refund, very disappointed.", "complaint", True),
    ("My parcel arrived damaged and nobody answered the phone.", "complaint", True),
    ("Terrible service. I was on hold for 40 minutes and then they hung up.", "complaint", True),
    ("The staff were dismissive and unprofessional.", "complaint", True),
    ("Wrong item delivered twice. Completely useless support.", "complaint", True),
    ("I am frustrated that my complaint was ignored.", "complaint", True),
    ("Poor communication and the delivery was delayed again.", "complaint", True),
    # negated praise is a complaint
    ("Not helpful at all.", "complaint", False),
    ("The agent didn't seem friendly or interested.", "complaint", False),
    ("I wouldn't recommend this shop.", "complaint", False),
    ("Nobody was helpful when I called.", "complaint", False),
    ("The staff were not very polite to my wife.", "complaint", False),
    ("Never got a thank you or an apology.", "complaint", False),
    ("I didn't find the agent helpful.", "complaint", False),
    # negated complaint is (mild) praise
    ("No problems at all, everything arrived on time.", "praise", False),
    ("Not a single issue, and the staff were lovely.", "praise", False),
    # mixed
    ("The agent was friendly but the delivery was late.", "mixed", False),
    ("Great product, but the checkout process was confusing.", "mixed", False),
    ("Helpful staff, although I had to wait a long time.", "mixed", False),
    ("Delivery was fast, but the box was damaged.", "mixed", False),
    ("Nice people, slow service.", "mixed", False),
    ("Thank you for the reply, but the item is still broken.", "mixed", False),
    # neutral
    ("The product arrived.", "neutral", False),
    ("I ordered two shirts on Monday.", "neutral", False),
    ("Please call me back about my order.", "neutral", False),
]

JAPANESE: list[tuple[str, str, bool]] = [
    # clear praise
    ("ご丁寧に対応いただき、本当に助かりました。", "praise", True),
    ("笑顔で親切に案内してくださり、感動しました。", "praise", True),
    ("佐藤さんのおかげで安心して買い物ができました。ありがとうございました。", "praise", True),
    ("配達員の方がとても感じが良く、気持ちよく受け取れました。", "praise", True),
    ("迅速に対応していただき感謝しています。", "praise", True),
    ("電話での説明がわかりやすく、大変満足しています。", "praise", True),
    ("夜遅くまで対応してくださり、心から感謝いたします。", "praise", True),
    ("スタッフの皆さんの気配りが素晴らしかったです。", "praise", True),
    ("神対応でした！また利用します。", "praise", True),
    ("問い合わせへの返信が早く、とても助かりました。", "praise", True),
    ("いつも丁寧な梱包をありがとうございます。", "praise", True),
    ("子どもにも優しく接していただき、嬉しかったです。", "praise", True),
    ("困っていたところ、親切に助けていただきました。", "praise", True),
    # clear complaints
    ("配送が遅く、とても残念でした。", "complaint", True),
    ("不親切な対応で不満です。", "complaint", True),
    ("店員の態度が悪く、二度と行きません。", "complaint", True),
    ("電話が全然つながらず、最悪です。", "complaint", True),
    ("注文と違う商品が届き、がっかりしました。", "complaint", True),
    ("何度問い合わせても返事がなく、不安です。", "complaint", True),
    ("説明がいい加減で、失礼な言い方をされました。", "complaint", True),
    ("商品が壊れていて、対応も遅かったです。", "complaint", True),
    ("待たされた上に、謝罪もありませんでした。", "complaint", True),
    # negated praise is a complaint
    ("親切ではありませんでした。", "complaint", False),
    ("丁寧な説明はなかった。", "complaint", False),
    ("期待していたほど満足できませんでした。", "complaint", False),
    ("あまり助かりませんでした。", "complaint", False),
    ("スタッフの対応は優しくなかったです。", "complaint", False),
    ("ありがとうの一言もなかった。", "complaint", False),
    # negated complaint is (mild) praise
    ("問題なく届きました。丁寧な梱包でした。", "praise", False),
    ("待たされることもなく、スムーズでした。", "praise", False),
    # mixed
    ("スタッフは親切でしたが、配送が遅かったです。", "mixed", False),
    ("商品は良かったのですが、説明が分かりにくかったです。", "mixed", False),
    ("対応は丁寧でしたが、待ち時間が長すぎました。", "mixed", False),
    ("早く届いたのは嬉しいですが、箱が破損していました。", "mixed", False),
    ("もっと丁寧に説明してほしかったです。", "mixed", False),
    # neutral
    ("商品を受け取りました。", "neutral", False),
    ("来週また注文する予定です。", "neutral", False),
    ("配送日を変更したいです。", "neutral", False),
]


# Written after the lexicon, in three rounds; the rounds before the last one led to general
# rules (contrast, unmet expectations), the last was measured once, untouched: 18 of 24 right.
# Wording the lexicon lacks lands at neutral, which is the safe side: never celebrated.
HELD_OUT: list[tuple[str, str]] = [
    ("Sarah was a star, she solved everything in one call.", "praise"),
    ("Absolutely fantastic help from the warehouse team.", "praise"),
    ("The courier left my parcel in the rain. Soaked and ruined.", "complaint"),
    ("I have been passed from one department to another for a week.", "complaint"),
    ("Great job, keep it up!", "praise"),
    ("Quick and painless return, thank you.", "praise"),
    ("The assistant was condescending and made me feel stupid.", "complaint"),
    ("Very disappointing, the order was cancelled without notice.", "complaint"),
    ("Lovely chat with Tom, he really knows his stuff.", "praise"),
    ("Can't fault the service at all.", "praise"),
    ("Not impressed with the packaging.", "complaint"),
    ("Nobody told me the store was closed.", "complaint"),
    ("They replaced the broken item the same day. Superb!", "praise"),
    ("Mixed feelings: nice staff, but prices went up and quality went down.", "mixed"),
    ("いつも笑顔で対応してくれるので、気持ちがいいです。", "praise"),
    ("対応が雑で、がっかりしました。", "complaint"),
    ("説明が丁寧で分かりやすかったです。", "praise"),
    ("何度電話してもつながりません。", "complaint"),
    ("商品が届かない。どうなっているのか。", "complaint"),
    ("担当の方の知識が豊富で頼りになりました。", "praise"),
    ("返品の手続きが複雑でわかりにくい。", "complaint"),
    ("素早い対応に感謝します。", "praise"),
    ("スタッフの言葉遣いが気になりました。", "complaint"),
    ("また来たいと思います。", "praise"),
    ("梱包が丁寧でしたが、配達時間の指定が守られませんでした。", "mixed"),
    ("最後まで親身になって相談に乗っていただきました。", "praise"),
    # second round
    ("Jun explained the warranty patiently and followed up the next day. Top service.", "praise"),
    ("Five minutes on the phone and everything was sorted. Thanks Aiko!", "praise"),
    ("The installer was punctual, tidy and friendly.", "praise"),
    ("Your driver threw the box over the fence.", "complaint"),
    ("I asked three times and still got the wrong size.", "complaint"),
    ("The cashier was chatting on her phone and ignored the queue.", "complaint"),
    ("Not the worst, but not great either.", "mixed"),
    ("Honestly I expected a lot more from a company like yours.", "complaint"),
    ("The manager was not at all apologetic.", "complaint"),
    ("Good value, but the instructions were impossible to follow.", "mixed"),
    ("We will definitely shop here again, the team was great.", "praise"),
    ("Product is fine.", "neutral"),
    ("迅速かつ丁寧なご対応、誠にありがとうございました。", "praise"),
    ("担当の鈴木さんがとても親切で、安心してお任せできました。", "praise"),
    ("受付の方の対応が冷たく、嫌な気分になりました。", "complaint"),
    ("注文した商品が一週間たっても届きません。", "complaint"),
    ("電話口で何度も同じ説明をさせられ、疲れました。", "complaint"),
    ("店内は清潔で、スタッフの方も感じが良かったです。", "praise"),
    ("説明は丁寧でしたが、結局問題は解決しませんでした。", "mixed"),
    ("配達の方が重い荷物を玄関の中まで運んでくださいました。本当に感謝です。", "praise"),
    ("領収書を送ってください。", "neutral"),
    ("値段の割には普通でした。", "neutral"),
    ("説明がとても分かりやすく、すぐに使えるようになりました。", "praise"),
    ("せっかくの記念日だったのに、予約が入っていなかった。", "complaint"),
    # last round, measured once
    ("Emi remembered my name and my usual order. Such a warm welcome every time.", "praise"),
    ("The technician was thorough and explained everything before starting.", "praise"),
    ("Really grateful for the help with my late husband's account.", "praise"),
    ("Best customer service I have had in years!", "praise"),
    ("Delivery came two hours early and the driver carried it upstairs. Fantastic.", "praise"),
    ("I never expected a call back on a Sunday, thank you Ken.", "praise"),
    ("Order cancelled twice without explanation.", "complaint"),
    ("The agent kept interrupting me and did not listen.", "complaint"),
    ("Box was crushed and half the items were missing.", "complaint"),
    ("I was told someone would call me back. No one did.", "complaint"),
    ("Awful. Just awful.", "complaint"),
    ("The store was clean but the staff seemed uninterested.", "mixed"),
    ("Fine.", "neutral"),
    ("Where is my order?", "neutral"),
    ("いつも明るく声をかけてくださるので、買い物が楽しみです。", "praise"),
    ("初めての手続きで不安でしたが、丁寧に教えていただき安心しました。", "praise"),
    ("細やかな心配りに感動しました。ありがとうございました！", "praise"),
    ("担当者が何度も変わり、話が伝わっていませんでした。", "complaint"),
    ("問い合わせから一週間、まだ何の連絡もありません。", "complaint"),
    ("箱がつぶれていて、中の商品も傷だらけでした。", "complaint"),
    ("こちらの話を聞かずに、一方的に説明されました。", "complaint"),
    ("対応は早かったですが、結局解決していません。", "mixed"),
    ("特にありません。", "neutral"),
    ("ポイントカードは使えますか？", "neutral"),
]


def outcome_holds(score: float, outcome: str) -> bool:
    return {
        "praise": score >= 0.6,
        "complaint": score < 0.4,
        "mixed": 0.4 <= score < 0.6,
        "neutral": score < 0.6,
    }[outcome]


@pytest.mark.parametrize(
    ("text", "outcome"),
    [(text, outcome) for text, outcome, clear in ENGLISH + JAPANESE if clear],
)
def test_every_clear_example_is_right(text: str, outcome: str) -> None:
    assert outcome_holds(praise_score(text), outcome), praise_score(text)


@pytest.mark.parametrize("examples", [ENGLISH, JAPANESE], ids=["english", "japanese"])
def test_accuracy_on_all_examples_is_at_least_90_percent(
    examples: list[tuple[str, str, bool]],
) -> None:
    assert len(examples) >= 30
    wrong = [
        (text, outcome, round(praise_score(text), 2))
        for text, outcome, _ in examples
        if not outcome_holds(praise_score(text), outcome)
    ]
    assert 1 - len(wrong) / len(examples) >= 0.9, wrong


def test_held_out_comments_no_complaint_is_celebrated() -> None:
    complaints_called_praise = [
        text for text, outcome in HELD_OUT if outcome == "complaint" and praise_score(text) >= 0.6
    ]
    assert complaints_called_praise == []
    right = sum(outcome_holds(praise_score(text), outcome) for text, outcome in HELD_OUT)
    assert right / len(HELD_OUT) >= 0.7, right  # measured: 59 of 74 (80%)


def test_japanese_lexicon_only_applies_when_the_text_is_not_english() -> None:
    assert praise_score("親切でした", language="en") == NEUTRAL_SCORE
    assert praise_score("親切でした") >= 0.6
    # English thanks inside a Japanese comment still count.
    assert praise_score("Thank you! 配送が遅かったけど", language="ja") >= 0.4


def test_full_and_half_width_forms_score_alike() -> None:
    assert praise_score("ｽﾑｰｽﾞでした") == praise_score("スムーズでした")
    assert praise_score("ＴＨＡＮＫ ＹＯＵ") == praise_score("thank you")
    assert praise_score("I can’t thank you enough") >= 0.6  # curly apostrophe


@given(st.text(max_size=300))
def test_any_text_scores_between_0_and_1(text: str) -> None:
    assert 0.0 <= praise_score(text) <= 1.0


def row(rating: float | None, scale: str, text: str = "The product arrived.") -> FeedbackRow:
    return FeedbackRow.model_validate(
        {"line": 2, "text": text, "rating": rating, "scale": scale, "language": "en"}
    )


@pytest.mark.parametrize(
    ("rating", "scale", "praise"),
    [
        (10, "nps", True),
        (9, "nps", True),
        (8, "nps", False),  # a passive, not a promoter
        (0, "nps", False),
        (5, "csat", True),
        (4, "csat", True),
        (3, "csat", False),
        (1, "csat", False),
        (4.5, "stars", True),
        (4, "stars", True),
        (3.5, "stars", False),
        (None, "csat", None),
        (5, "unknown", None),  # 5 of 5 or 5 of 10: the words decide
    ],
)
def test_is_praise_rating(rating: float | None, scale: str, praise: bool | None) -> None:
    assert is_praise_rating(row(rating, scale)) is praise


def test_rating_decides_when_present_and_words_when_not() -> None:
    assert is_praise(row(9, "nps", "The product arrived."))
    assert not is_praise(row(2, "csat", "Thank you so much, amazing!"))
    assert is_praise(row(None, "unknown", "Thank you so much, amazing!"))
    assert not is_praise(row(None, "unknown", "The driver was rude."))
    assert not is_praise(row(5, "unknown", "The product arrived."))


def test_threshold_is_adjustable() -> None:
    mild = row(None, "unknown", "Delivery was fast.")
    score = praise_score(mild.text)
    assert 0.6 <= score < 0.9
    assert is_praise(mild) and not is_praise(mild, threshold=0.9)
