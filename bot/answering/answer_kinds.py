"""What kind of answer a question wants beyond its intent: stories, words to say, the steps
by name, or where a document is. Read by `bot.answering.intent.analyse`."""

from __future__ import annotations

import re

from bot.answering.patterns import rx

EXAMPLES = re.compile(
    r"\b(?:stor(?:y|ies)|examples?|praise\w*|thanks?|thank-you|kudos|wins?|highlights?)\b"
    r"|事例|例え|具体例|エピソード|お礼|感謝|褒め|ほめ|称賛|ストーリー|お客さまの声|お客様の声"
)


WORDING = rx(
    r"\bwhat (?:do|should|can|shall|would) (?:i|we|you|they) (?:tell|say|write|reply|answer|post"
    r"|send)\b|\bwhat to (?:tell|say|write|reply|post)\b|\bhow (?:do|should|can) (?:i|we) "
    r"(?:word|phrase|say|explain|tell)\b",
    r"\b(?:wording|script|template|holding (?:message|statement|line)|talking points)\b",
    r"(?:なんて|何て|なんと|何と)(?:言|伝|説明|案内|返|書|お伝え)|どう(?:伝え|説明|案内|言え|言っ|言う"
    r"|書け|返信|お伝え)|言い方|伝え方|案内文|定型文|文言|例文|トーク|テンプレ|言葉(?:を|で|は)",
)
SEQUENCE = rx(
    r"\bsteps?\b|\bprocess\b|\bprocedure\b|\b(?:work)?flow\b|\bin what order\b|\bstep by step\b",
    r"手順|流れ|ステップ|段取り|プロセス|フロー|順番|順序",
)
POINTER = rx(
    r"\bwhere (?:can|do|does|is|are|would|should)\b.{0,30}\b(?:find|read|see|get|look|kept"
    r"|live)\b|\bwhich (?:playbook|guide|policy|page|document|doc|article)\b|\blink\b",
    r"どこに(?:ある|あり|載)|どこで(?:見|読|確認)|どの(?:プレイブック|ガイド|資料|ページ|マニュアル|規程)",
)

# Asks what something costs or how much money ("how much is the fee", 「年会費っていくら？」): an
# answer without a figure of money does not answer it.
PRICE = rx(
    r"\bhow much (?:is|are|does|do|will|would)\b(?! (?:i|we|you|they)\b)"
    r"|\b(?:costs?|prices?|fees?|charges?)\b",
    r"いくら(?!まで|くらい|ぐらい|位)|何円|費用は|値段は|料金は",
)
# ...but not a limit on what one may give ("how much can I refund without asking?",
# 「上限っていくら？」): that is answered by a rule, which the figure rule must not refuse.
LIMIT_ASKED = rx(
    r"\b(?:limit|max(?:imum)?|most|without (?:approval|asking)|w/o|on my own|myself)\b",
    r"上限|限度|自分の判断|ひとりで|一人で|目安",
)

_BEYOND = re.compile(
    r"\b(?:more than|over|above|greater than|bigger than|larger than|exceed\w*|beyond)\b"
    r"|より(?:大きい|高い|多い)|を?超え|以上の|上回"
)


def asks_beyond(text: str) -> bool:
    """ "more than that", 「それを超えたら」: the question is about going past an amount."""
    return bool(_BEYOND.search(text))


def asks_price(text: str) -> bool:
    """What something costs, not a limit on what one may give."""
    return bool(PRICE.search(text)) and not LIMIT_ASKED.search(text)
