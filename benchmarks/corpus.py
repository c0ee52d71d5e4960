"""A deterministic synthetic CX knowledge corpus in English and Japanese, of any size.

Documents alternate between the two languages; each has a title and 3 to 7 sections, and every
section is one chunk (40-120 tokens, well under the chunker's limit). Chunk counts repeat in
blocks of five documents summing to 25 chunks, so any multiple of 25 is an exact corpus size,
and the corpus of a smaller size is a prefix of a larger one: growing an index from 1k to 100k
never re-embeds a chunk. Each document is generated from its own seeded random source, so the
same index always holds the same text.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass

from ingest.models import DocType, Document, DocumentMeta

#: Sections per document, cycled: every five documents hold exactly BLOCK chunks.
_SECTIONS = (3, 7, 4, 6, 5)
BLOCK = sum(_SECTIONS)

PRODUCTS_EN = (
    "wireless earbuds",
    "espresso machine",
    "winter jacket",
    "running shoes",
    "office chair",
    "rice cooker",
    "yoga mat",
    "smart watch",
    "desk lamp",
    "travel suitcase",
    "air purifier",
    "electric kettle",
    "gaming headset",
    "linen bedsheet",
    "ceramic vase",
    "baby stroller",
    "camping tent",
    "bluetooth speaker",
    "leather wallet",
    "kitchen knife set",
)
PRODUCTS_JA = (
    "ワイヤレスイヤホン",
    "エスプレッソマシン",
    "冬用ジャケット",
    "ランニングシューズ",
    "オフィスチェア",
    "炊飯器",
    "ヨガマット",
    "スマートウォッチ",
    "デスクライト",
    "スーツケース",
    "空気清浄機",
    "電気ケトル",
    "ゲーミングヘッドセット",
    "麻のシーツ",
    "陶器の花瓶",
    "ベビーカー",
    "テント",
    "スピーカー",
    "革の財布",
    "包丁セット",
)
PLACES_EN = (
    "Osaka",
    "Nagoya",
    "Sapporo",
    "Fukuoka",
    "Sendai",
    "Kobe",
    "Yokohama",
    "Kyoto",
    "Hiroshima",
    "Shibuya",
    "Shinjuku",
    "Naha",
)
PLACES_JA = (
    "大阪",
    "名古屋",
    "札幌",
    "福岡",
    "仙台",
    "神戸",
    "横浜",
    "京都",
    "広島",
    "渋谷",
    "新宿",
    "那覇",
)
ROLES = (
    ("store-staff", "store staff", "店舗スタッフ"),
    ("customer-support", "support agents", "サポート担当"),
    ("warehouse", "warehouse packers", "倉庫スタッフ"),
    ("team-lead", "team leads", "チームリーダー"),
    ("delivery", "delivery drivers", "配送ドライバー"),
    ("b2b", "account managers", "法人営業担当"),
)
CHANNELS_EN = ("phone", "email", "chat", "the shop counter", "social media", "the app")
CHANNELS_JA = ("電話", "メール", "チャット", "店頭", "SNS", "アプリ")

# topic key -> (title, doc type, section headings, sentence templates)
TOPICS_EN: dict[str, tuple[str, DocType, tuple[str, ...], tuple[str, ...]]] = {
    "refunds": (
        "Refunds and remedies",
        DocType.policy,
        ("What you can decide alone", "Above your limit", "Refund methods", "Exceptions"),
        (
            "{role} may refund up to ¥{amount} per case without approval.",
            "A refund for the {product} goes back to the original payment method within {days} business days.",  # noqa: E501
            "Above ¥{amount} ask your team lead, who decides within {hours} hours.",
            "Offer a goodwill voucher of {percent}% when the customer waited more than {days} days.",  # noqa: E501
            "Never ask a customer in {place} to send the {product} back before you refund a damaged item.",  # noqa: E501
            "Write the refund reason in the case notes so the next colleague sees the history.",
        ),
    ),
    "returns": (
        "Returns and exchanges",
        DocType.policy,
        ("Return window", "Exchanges", "Opened items", "Collecting returns"),
        (
            "Customers can return the {product} within {days} days of delivery.",
            "{role} may exchange an item of the same value on the spot.",
            "An opened {product} can be returned when it is faulty; check the serial number first.",
            "Free return pickup is available in {place} for orders above ¥{amount}.",
            "Tell the customer by {channel} when the returned {product} arrives at the warehouse.",
            "Exchanges for a different size are free once per order.",
        ),
    ),
    "delivery": (
        "Delivery promises",
        DocType.playbook,
        ("Late delivery", "Missing parcels", "Re-delivery", "Delivery windows"),
        (
            "When a delivery to {place} is late by more than {days} days, apologise and offer free express shipping.",  # noqa: E501
            "A missing parcel with the {product} is reshipped at once; do not wait for the carrier's search.",  # noqa: E501
            "{role} may authorise a free re-delivery up to ¥{amount}.",
            "Standard delivery takes {days} business days; express arrives within {hours} hours.",
            "Give the customer the tracking link by {channel} and check it yourself first.",
            "If the driver could not reach the customer, call before the second attempt.",
        ),
    ),
    "apologies": (
        "Apologising well",
        DocType.playbook,
        ("A sincere apology", "Angry customers", "After the apology", "Words to avoid"),
        (
            "Apologise for the customer's experience first, then explain what happens next.",
            "When a customer is shouting, stay calm, lower your voice and let them finish.",
            "Never blame the carrier or another team; the customer sees one company.",
            "Follow up by {channel} within {hours} hours to check that the problem with the {product} is solved.",  # noqa: E501
            "{role} may add a {percent}% discount coupon to an apology without approval.",
            "Say what you will do and by when, not only that you are sorry.",
        ),
    ),
    "store": (
        "Store staff guide",
        DocType.role_guide,
        ("How you touch the customer", "At the till", "Busy hours", "Store events"),
        (
            "At the {place} store, greet every customer within {hours} minutes of them entering.",
            "{role} may refund up to ¥{amount} at the till or exchange the {product}.",
            "During busy hours open a second till when more than {days} customers are waiting.",
            "Show the customer how the {product} works before they leave the shop floor.",
            "Report a customer's idea or complaint on the store board the same day.",
            "Keep the demo {product} charged and clean; it is often the first thing customers try.",
        ),
    ),
    "warehouse": (
        "Warehouse guide",
        DocType.role_guide,
        ("Packing", "Damaged stock", "Shipping cut-off", "Quality checks"),
        (
            "The box you pack is the first physical thing the customer sees.",
            "Wrap a fragile {product} in two layers and mark the box as fragile.",
            "Orders placed before {hours}:00 leave the {place} warehouse the same day.",
            "Set damaged stock aside and record it; never ship a dented {product}.",
            "{role} may authorise express reshipment of a missing item up to ¥{amount}.",
            "Check {percent}% of packed orders against the picking list every shift.",
        ),
    ),
    "outage": (
        "Service outage playbook",
        DocType.playbook,
        ("During an outage", "What to tell customers", "After the outage"),
        (
            "When the app is down, post the status message on {channel} within {hours} minutes.",
            "Tell customers what is affected, what still works and when the next update comes.",
            "Offer a {percent}% credit to customers whose order failed during the outage.",
            "{role} should log every contact about the outage with the incident number.",
            "After the outage, thank customers in {place} who waited for their patience.",
        ),
    ),
    "loyalty": (
        "Loyalty programme",
        DocType.faq,
        ("Points", "Member tiers", "Expiry", "Birthday rewards"),
        (
            "Members earn {percent} points for every ¥{amount} spent on a {product}.",
            "Points expire after {days} months without a purchase.",
            "{role} may restore expired points once per customer as a goodwill gesture.",
            "Gold members in {place} get free delivery on every order.",
            "Explain the tiers by {channel} if a customer asks why they were not upgraded.",
        ),
    ),
}

TOPICS_JA: dict[str, tuple[str, DocType, tuple[str, ...], tuple[str, ...]]] = {
    "refunds": (
        "返金と補償",
        DocType.policy,
        ("自分で決められること", "上限を超えるとき", "返金の方法", "例外"),
        (
            "{role}は1件あたり{amount}円まで、承認なしで返金できます。",
            "{product}の返金は{days}営業日以内に元の支払い方法へ戻ります。",
            "{amount}円を超える場合はチームリーダーに相談してください。{hours}時間以内に判断します。",
            "お客様を{days}日以上お待たせした場合は{percent}%のクーポンをお渡しします。",
            "{place}のお客様に破損した{product}の返送を返金の条件にしないでください。",
            "次の担当者が経緯を分かるように、返金理由を対応履歴に記録します。",
        ),
    ),
    "returns": (
        "返品と交換",
        DocType.policy,
        ("返品期間", "交換", "開封済みの商品", "返品の集荷"),
        (
            "{product}はお届けから{days}日以内であれば返品できます。",
            "{role}は同額の商品との交換をその場で行えます。",
            "開封済みの{product}でも初期不良であれば返品を受け付けます。まずシリアル番号を確認します。",
            "{place}では{amount}円以上のご注文に無料の返品集荷があります。",
            "返品された{product}が倉庫に届いたら{channel}でお客様にお知らせします。",
            "サイト違いの交換は1回の注文につき1度まで無料です。",
        ),
    ),
    "delivery": (
        "配送のお約束",
        DocType.playbook,
        ("配送の遅れ", "荷物の紛失", "再配達", "お届け時間帯"),
        (
            "{place}への配送が{days}日以上遅れた場合は、お詫びして無料の速達を提案します。",
            "{product}の荷物が見つからない場合は、運送会社の調査を待たずにすぐ再発送します。",
            "{role}は{amount}円までの再配達を自分の判断で手配できます。",
            "通常配送は{days}営業日、速達は{hours}時間以内にお届けします。",
            "追跡番号は{channel}でお伝えし、先に自分で状況を確認します。",
            "ドライバーがお客様に会えなかった場合は、2回目の配達の前に電話します。",
        ),
    ),
    "apologies": (
        "お詫びの仕方",
        DocType.playbook,
        ("心からのお詫び", "お怒りのお客様", "お詫びのあと", "避けたい言葉"),
        (
            "まずお客様の体験についてお詫びし、そのあとで次に何が起こるかを説明します。",
            "お客様が怒鳴っているときは、落ち着いて声を低くし、最後までお話を伺います。",
            "運送会社や他部署のせいにしないでください。お客様から見れば会社は一つです。",
            "{hours}時間以内に{channel}でフォローし、{product}の問題が解決したか確認します。",
            "{role}は承認なしでお詫びに{percent}%の割引クーポンを添えられます。",
            "謝るだけでなく、何をいつまでにするかをお伝えします。",
        ),
    ),
    "store": (
        "店舗スタッフガイド",
        DocType.role_guide,
        ("お客様との接点", "レジでの対応", "混雑時", "店舗イベント"),
        (
            "{place}店では、入店から{hours}分以内にすべてのお客様にお声がけします。",
            "{role}はレジで{amount}円までの返金、または{product}の交換ができます。",
            "{days}人以上のお客様がお待ちのときは、2台目のレジを開けます。",
            "お客様がお帰りになる前に{product}の使い方をご案内します。",
            "お客様のご意見やご不満は、その日のうちに店舗ボードに記録します。",
            "展示用の{product}は充電し、きれいに保ちます。",
        ),
    ),
    "warehouse": (
        "倉庫ガイド",
        DocType.role_guide,
        ("梱包", "破損在庫", "出荷締め時刻", "品質チェック"),
        (
            "あなたが梱包する箱は、お客様が最初に手にするものです。",
            "壊れやすい{product}は二重に包み、箱に割れ物シールを貼ります。",
            "{hours}時までのご注文は当日中に{place}倉庫から出荷します。",
            "破損在庫は別に置いて記録します。へこんだ{product}は出荷しません。",
            "{role}は{amount}円までの不足品の速達再発送を手配できます。",
            "各シフトで梱包済み注文の{percent}%をピッキングリストと照合します。",
        ),
    ),
    "outage": (
        "障害対応プレイブック",
        DocType.playbook,
        ("障害発生中", "お客様へのご案内", "障害のあと"),
        (
            "アプリが使えないときは、{hours}分以内に{channel}で障害のお知らせを出します。",
            "影響範囲、使える機能、次の更新時刻をお客様にお伝えします。",
            "障害中に注文が失敗したお客様には{percent}%のクレジットを提供します。",
            "{role}は障害に関する問い合わせをすべて障害番号とともに記録します。",
            "障害のあと、お待ちいただいた{place}のお客様に感謝をお伝えします。",
        ),
    ),
    "loyalty": (
        "ポイントプログラム",
        DocType.faq,
        ("ポイント", "会員ランク", "有効期限", "誕生日特典"),
        (
            "{product}のお買い物{amount}円ごとに{percent}ポイントが貯まります。",
            "ポイントは{days}か月お買い物がないと失効します。",
            "{role}は失効したポイントをお客様1人につき1回だけ復元できます。",
            "{place}のゴールド会員はすべてのご注文で配送料が無料です。",
            "ランクが上がらない理由を聞かれたら{channel}でご説明します。",
        ),
    ),
}

TOPIC_KEYS = tuple(TOPICS_EN)


@dataclass(frozen=True)
class Question:
    text: str
    language: str
    topic: str  # the topic whose documents answer it (paths contain /<topic>/)


QUESTIONS_EN = (
    ("How much can store staff refund without approval?", "refunds"),
    ("Can support agents refund a customer without asking a manager?", "refunds"),
    ("How long does a refund take to reach the customer's card?", "refunds"),
    ("What do I do when a refund is above my limit?", "refunds"),
    ("Should I ask the customer to send a damaged item back before refunding?", "refunds"),
    ("Where do I write the reason for a refund?", "refunds"),
    ("When can I give a goodwill voucher to a customer who waited?", "refunds"),
    ("How many days does a customer have to return a product?", "returns"),
    ("Can a customer return opened earbuds that are faulty?", "returns"),
    ("Is return pickup free?", "returns"),
    ("Can I exchange a jacket for a different size?", "returns"),
    ("Who tells the customer that the returned item arrived?", "returns"),
    ("What should I do when a delivery is late?", "delivery"),
    ("A parcel is missing, do we wait for the carrier's search?", "delivery"),
    ("Can I authorise a free re-delivery?", "delivery"),
    ("How long does standard delivery take?", "delivery"),
    ("How fast is express shipping?", "delivery"),
    ("The driver could not reach the customer, what now?", "delivery"),
    ("How do I share the tracking link with a customer?", "delivery"),
    ("How do I apologise to a customer properly?", "apologies"),
    ("How do I handle a customer who is shouting?", "apologies"),
    ("Can I blame the carrier when a parcel is late?", "apologies"),
    ("Can I add a discount coupon to an apology?", "apologies"),
    ("When should I follow up after an apology?", "apologies"),
    ("What should I say besides sorry?", "apologies"),
    ("How quickly should store staff greet customers?", "store"),
    ("When do we open a second till?", "store"),
    ("What should I show customers before they leave the shop?", "store"),
    ("Where do I report a customer's complaint in the store?", "store"),
    ("How should the demo products be kept?", "store"),
    ("How should a fragile item be packed?", "warehouse"),
    ("What is the shipping cut-off time at the warehouse?", "warehouse"),
    ("What do I do with damaged stock?", "warehouse"),
    ("Can warehouse packers reship a missing item?", "warehouse"),
    ("How many packed orders are checked each shift?", "warehouse"),
    ("Why does packing matter to the customer?", "warehouse"),
    ("What do we tell customers during an outage?", "outage"),
    ("How quickly do we post a status message when the app is down?", "outage"),
    ("Do customers get a credit when their order failed in an outage?", "outage"),
    ("How do I log contacts about an incident?", "outage"),
    ("What do we do after the outage is over?", "outage"),
    ("How many loyalty points do members earn?", "loyalty"),
    ("When do loyalty points expire?", "loyalty"),
    ("Can I restore a customer's expired points?", "loyalty"),
    ("Do gold members get free delivery?", "loyalty"),
    ("A customer asks why they were not upgraded to the next tier", "loyalty"),
    ("refund limit for team leads", "refunds"),
    ("espresso machine return window", "returns"),
    ("late delivery to Sapporo apology", "delivery"),
    ("angry customer on the phone", "apologies"),
)

QUESTIONS_JA = (
    ("店舗スタッフは承認なしでいくらまで返金できますか？", "refunds"),
    ("サポート担当は上司に聞かずに返金してもいいですか？", "refunds"),
    ("返金はいつ元の支払い方法に戻りますか？", "refunds"),
    ("返金額が上限を超えるときはどうすればいいですか？", "refunds"),
    ("破損した商品の返送を返金の条件にしてもいいですか？", "refunds"),
    ("返金理由はどこに記録しますか？", "refunds"),
    ("お待たせしたお客様にクーポンを渡せますか？", "refunds"),
    ("返品は何日以内にできますか？", "returns"),
    ("開封済みのイヤホンは返品できますか？", "returns"),
    ("返品の集荷は無料ですか？", "returns"),
    ("サイズ違いの交換は無料ですか？", "returns"),
    ("返品が倉庫に届いたらお客様に連絡しますか？", "returns"),
    ("配送が遅れたときはどうすればいいですか？", "delivery"),
    ("荷物が見つからないとき、運送会社の調査を待ちますか？", "delivery"),
    ("再配達を自分の判断で手配できますか？", "delivery"),
    ("通常配送は何日かかりますか？", "delivery"),
    ("速達は何時間で届きますか？", "delivery"),
    ("ドライバーがお客様に会えなかったらどうしますか？", "delivery"),
    ("追跡番号はどうやってお伝えしますか？", "delivery"),
    ("お客様へのお詫びの仕方を教えてください", "apologies"),
    ("お客様に怒鳴られたらどうすればいい？", "apologies"),
    ("配送の遅れを運送会社のせいにしてもいいですか？", "apologies"),
    ("お詫びに割引クーポンを添えてもいいですか？", "apologies"),
    ("お詫びのあと、いつフォローすればいいですか？", "apologies"),
    ("謝るだけでいいですか？", "apologies"),
    ("店舗ではお客様にいつお声がけしますか？", "store"),
    ("2台目のレジはいつ開けますか？", "store"),
    ("お客様がお帰りになる前に何を案内しますか？", "store"),
    ("お客様のご不満はどこに記録しますか？", "store"),
    ("展示用の商品はどう管理しますか？", "store"),
    ("壊れやすい商品はどう梱包しますか？", "warehouse"),
    ("倉庫の出荷締め時刻は何時ですか？", "warehouse"),
    ("破損在庫はどうしますか？", "warehouse"),
    ("倉庫スタッフは不足品を速達で再発送できますか？", "warehouse"),
    ("梱包済み注文はどれくらい照合しますか？", "warehouse"),
    ("梱包はなぜお客様にとって大切ですか？", "warehouse"),
    ("障害中にお客様に何を伝えますか？", "outage"),
    ("アプリが使えないとき、いつ障害のお知らせを出しますか？", "outage"),
    ("障害で注文が失敗したお客様にクレジットはありますか？", "outage"),
    ("障害の問い合わせはどう記録しますか？", "outage"),
    ("障害のあとに何をしますか？", "outage"),
    ("ポイントはいくらごとに貯まりますか？", "loyalty"),
    ("ポイントの有効期限はいつですか？", "loyalty"),
    ("失効したポイントを復元できますか？", "loyalty"),
    ("ゴールド会員は配送料が無料ですか？", "loyalty"),
    ("ランクが上がらない理由を聞かれたら？", "loyalty"),
    ("チームリーダーの返金上限", "refunds"),
    ("エスプレッソマシンの返品期間", "returns"),
    ("札幌への配送遅延のお詫び", "delivery"),
    ("電話で怒っているお客様への対応", "apologies"),
)


def questions() -> list[Question]:
    """The fixed benchmark questions: 50 English and 50 Japanese, interleaved."""
    out: list[Question] = []
    for (en, en_topic), (ja, ja_topic) in zip(QUESTIONS_EN, QUESTIONS_JA, strict=True):
        out.append(Question(en, "en", en_topic))
        out.append(Question(ja, "ja", ja_topic))
    return out


def _fill(template: str, rng: random.Random, language: str) -> str:
    role = rng.choice(ROLES)
    return template.format(
        role=(role[1].capitalize() if template.startswith("{role}") else role[1])
        if language == "en"
        else role[2],
        product=rng.choice(PRODUCTS_EN if language == "en" else PRODUCTS_JA),
        place=rng.choice(PLACES_EN if language == "en" else PLACES_JA),
        channel=rng.choice(CHANNELS_EN if language == "en" else CHANNELS_JA),
        amount=f"{rng.choice((3, 5, 8, 10, 15, 20, 30, 50)) * 1000:,}",
        days=rng.randint(2, 14),
        hours=rng.choice((1, 2, 4, 12, 15, 24, 48)),
        percent=rng.choice((5, 10, 15, 20)),
    )


def _section_text(templates: tuple[str, ...], rng: random.Random, language: str) -> str:
    count = rng.randint(3, 5) if language == "en" else rng.randint(2, 4)
    sentences = [_fill(t, rng, language) for t in rng.sample(templates, min(count, len(templates)))]
    return (" " if language == "en" else "").join(sentences)


def document(number: int) -> Document:
    """Document `number` of the corpus (the same every time)."""
    rng = random.Random(f"cx-corpus-{number}")
    language = "en" if number % 2 == 0 else "ja"
    topics = TOPICS_EN if language == "en" else TOPICS_JA
    topic = TOPIC_KEYS[(number // 2) % len(TOPIC_KEYS)]
    title, doc_type, headings, templates = topics[topic]
    place = rng.choice(PLACES_EN if language == "en" else PLACES_JA)
    full_title = (
        f"{title} ({place} #{number})" if language == "en" else f"{title}（{place} #{number}）"
    )
    role = ROLES[number % len(ROLES)][0]
    lines = [f"# {full_title}", ""]
    for i in range(_SECTIONS[number % len(_SECTIONS)]):
        heading = headings[i % len(headings)]
        if i >= len(headings):
            heading = f"{heading} {i // len(headings) + 1}"
        lines += [f"## {heading}", _section_text(templates, rng, language), ""]
    text = "\n".join(lines)
    return Document(
        path=f"{language}/{topic}/doc-{number:06d}.md",
        title=full_title,
        text=text,
        meta=DocumentMeta(type=doc_type, roles=[role], language=language, owner="CX team"),
        language=language,
        content_hash=hashlib.sha256(text.encode()).hexdigest(),
    )


def documents(chunks: int) -> Iterator[Document]:
    """Documents holding exactly `chunks` chunks (rounded up to a multiple of BLOCK)."""
    blocks = -(-chunks // BLOCK)
    for number in range(blocks * len(_SECTIONS)):
        yield document(number)


def chunk_count(chunks: int) -> int:
    """The number of chunks `documents(chunks)` really yields."""
    return -(-chunks // BLOCK) * BLOCK
