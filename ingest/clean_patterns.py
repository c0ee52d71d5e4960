"""Vocabulary and line tests shared by the clean-up rules in `ingest.clean_rules`.

Kept apart from the rules so that adding a site's menu label or a new phrase is a data change.
"""

from __future__ import annotations

import re
from collections.abc import Callable


def words_of(*groups: str) -> frozenset[str]:
    return frozenset(w.strip() for g in groups for w in g.split("|") if w.strip())


# Lines made only of these are site chrome wherever they stand, even alone.
STRONG = words_of(
    "share this|share this page|share this article|share this post|share on facebook|tweet",
    "share on twitter|share on x|share on linkedin|share on line|share via email|tweet this",
    "print this page|print this article|print page|email this page|email this article",
    "sign in|log in|login|sign up|sign out|log out|logout|my account|create an account",
    "create account|cookie settings|cookie preferences|manage cookies|advertisement|sponsored",
    "ログイン|ログアウト|新規登録|新規会員登録|会員登録|無料会員登録|マイページ|シェアする",
    "このページをシェア|この記事をシェア|ツイート|ツイートする|ポストする|lineで送る|広告",
    "はてなブックマーク|はてブ|印刷する|このページを印刷|このページを印刷する|cookie設定",
    "クッキー設定",
)
# Menu labels: site chrome only in company (several on a line, or a run of them).
NAV = words_of(
    "home|top|products|product|services|solutions|pricing|plans|shop|store|stores|about",
    "about us|company|contact|contact us|blog|news|newsroom|press|careers|jobs|support|help",
    "help center|help centre|faq|faqs|resources|community|partners|investors|register|cart",
    "account|basket|checkout|wishlist|search|menu|close|language|english|日本語|privacy",
    "privacy policy|terms|terms of use|terms of service|terms and conditions|cookie policy",
    "sitemap|site map|accessibility|legal|gift cards|deals|sale|locations|store locator",
    "ホーム|トップ|トップページ|製品|商品|製品情報|商品一覧|サービス|ソリューション|料金",
    "料金プラン|会社概要|企業情報|会社情報|お問い合わせ|問い合わせ|ブログ|ニュース|お知らせ",
    "新着情報|採用情報|採用|サポート|ヘルプ|ヘルプセンター|よくある質問|カート|買い物かご",
    "検索|メニュー|閉じる|プライバシーポリシー|個人情報保護方針|利用規約|サイトマップ|店舗一覧",
)
SOCIAL = words_of(
    "facebook|twitter|x|linkedin|instagram|youtube|line|pinterest|tiktok|email|e-mail|mail",
    "whatsapp|threads|pocket|hatena|share|print|like|シェア|いいね|印刷|メール|ポスト|はてな",
)
LABELS = STRONG | NAV | SOCIAL
COOKIE_BUTTONS = words_of(
    "accept|accept all|accept cookies|accept all cookies|allow all|allow cookies|reject all",
    "reject|decline|deny|manage cookies|cookie settings|cookie preferences|manage preferences",
    "customise|customize|settings|preferences|got it|ok|okay|i agree|agree|close|learn more",
    "manage|manage settings|manage options|options|cookie policy|privacy policy",
    "more information|同意する|同意します|すべて許可|すべて受け入れる|受け入れる|すべて拒否",
    "拒否する|拒否|cookie設定|クッキー設定|設定|詳細|詳細はこちら|閉じる|許可する",
)
FEEDBACK_BUTTONS = words_of(
    "yes|no|はい|いいえ|👍|👎|thanks for your feedback|thank you for your feedback|送信",
    "フィードバックをありがとうございます|ご協力ありがとうございました",
)
SIGNUP_BUTTONS = words_of(
    "enter your email|enter your email address|your email|your email address|email address",
    "email|subscribe|sign up|submit|join|メールアドレス|メールアドレスを入力|登録|登録する",
    "購読|購読する|送信",
)

_DATE = (
    r"(\d{1,2}(st|nd|rd|th)? [a-z]{3,9},? \d{4}|[a-z]{3,9} \d{1,2}(st|nd|rd|th)?,? \d{4}"
    r"|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
)
_DATE_JA = r"(\d{4}年\s*\d{1,2}月\s*\d{1,2}日|\d{4}[-/.]\d{1,2}[-/.]\d{1,2})"
# A rule drawn with characters ("━━━━", "-----", "＝＝＝") between parts of a page.
RULE_LINE = re.compile(r"[-=_*~━─═＝—–・·]{3,}")
BOILERPLATE = [
    re.compile(p, re.IGNORECASE)
    for p in (
        r"(skip|jump) to (the )?(main )?(content|navigation|search)",
        r"(メインコンテンツ|本文|コンテンツ)(へ|に)(スキップ|移動)(する)?",
        r"(↑\s*|▲\s*)?(back to top|return to top|to top|top of page|page top)(\s*[↑▲])?",
        r"[▲↑]?\s*(この)?ページ(の)?(先頭|トップ|上)(へ|に)(戻る)?",
        r"[▲↑]?\s*(top|トップ)(へ|に)戻る",
        # "(c)" alone is also how legal-style lists number their third point.
        r"(copyright\s*)?(©\s*\S|\(c\)\s*(19|20)\d\d).{0,100}",
        r"copyright\s+(©\s*)?\d{4}.{0,100}",
        r".{0,80}(all rights reserved|すべての権利を(保有|留保)|無断(転載|複製)を?禁).{0,40}",
        r"powered by \S+( \S+){0,2}(?<![.!?。])",
        r"(previous|next) (article|page|post)|(前|次)の(記事|ページ)(へ)?",
        r"(follow us|フォローする|フォローしてください)( on)?\s*[:：]?",
        # A page's date line, with what sits beside it ("· Billing Operations", "| 5 min
        # read"): when the page was edited is not what staff ask it.
        rf".{{0,60}}\b(last )?(updated|modified|reviewed|revised|published|posted)( on)?"
        rf"( by [^|·]{{1,40}})?\s*[:：]?\s*{_DATE}.{{0,100}}",
        rf".{{0,40}}(最終)?(更新|改訂|公開|掲載)日?\s*[:：]?\s*{_DATE_JA}.{{0,60}}",
        r"\d{1,2} min(ute)?s? read",
    )
]
HELPFUL = re.compile(
    r"^(was this (article|page|answer|information|faq|post) (helpful|useful)"
    r"|did this (article|page|answer) (help|answer your question|solve your problem)"
    r"|did you find (this|it) (helpful|useful)|\d+ (out )?of \d+ (people )?found this helpful"
    r"|(この)?(記事|ページ|情報|回答|faq)は(お)?役に?立ちましたか|(この)?(記事|ページ)は参考に"
    r"なりましたか|\d+\s*人中\s*\d+\s*人がこの(記事|ページ)が役に立ったと言っています)"
    r"\s*[?？.。]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
COOKIE = re.compile(r"cookie|クッキー", re.IGNORECASE)
NEWSLETTER = re.compile(
    r"^((subscribe|sign up|join)( to| for)? (our|the) (newsletter|mailing list|email list)"
    r"|(メールマガジン|メルマガ|ニュースレター)(の|を|に|へ)?(ご)?(登録|購読|配信登録))",
    re.IGNORECASE,
)
RELATED = re.compile(
    r"^(#{1,6}\s*)?(related (articles|posts|pages|links|topics|questions|help articles|faqs?)"
    r"|you (may|might) also like|more help articles|recommended articles|popular articles"
    r"|関連(記事|ページ|リンク|するページ|する記事|する(ご)?質問|する(よく)?(ある)?(ご)?質問|faq|情報)"
    r"|おすすめ(の)?記事|よく読まれている記事|人気の記事|こちらの記事もおすすめ)\s*[:：]?$",
    re.IGNORECASE,
)
BREADCRUMB = re.compile(
    r"^(you are here:?\s*|現在(の)?位置\s*[:：]?\s*)?(home|top|ホーム|トップ|トップページ)"
    r"\s*(>|›|»|≫|→|/|\\)\s*\S",
    re.IGNORECASE,
)
SHARE_PREFIX = re.compile(
    r"^(share( this)?( page| article| post)?( on| via)?|follow us( on)?|シェア(する)?"
    r"|フォロー(する)?)\s*[:：]\s*",
    re.IGNORECASE,
)
SEPARATORS = re.compile(r"\s*(?:\||/|•|·|・|»|›)\s*")
NAV_SEPARATORS = re.compile(r"\s*(?:\||•|·)\s*")
DECORATION = re.compile(r"^[\s\-*+•・▶▸►›»→←↑▲△■□◆◇●○✓✔>]+|\s*\(\d+\)$|\s*[:：]$")
TERMINAL = re.compile(r"[.!?。！？…:：][\"'”’」』)）\]]*$")
HEADING = re.compile(r"^\s{0,3}#{1,6}\s")
LIST_ITEM = re.compile(r"^\s*(?:[-*+]\s+|[•・]\s*|\d{1,3}[.)]\s+)\S")
QA = re.compile(r"^\s*(?:q|a|q\d+|a\d+|question|answer|質問|回答|問|答)\s*[.:：)]", re.IGNORECASE)
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
WORD = re.compile(r"[^\W_]+")
UNDERLINE = re.compile(r"^\s*(=+|-+)\s*$")
COLON_HEADING = re.compile(r"^([A-Z\u3040-\u30ff\u4e00-\u9fff][^.,;!?。、！？:：]{0,60})[:：]$")
NOT_COLON_HEADINGS = words_of("note|tip|warning|important|example|注意|注|例|ポイント|補足")


# --- what a line looks like --------------------------------------------------------------------


def words(line: str) -> int:
    """Rough word count that also works for Japanese (about two characters a word)."""
    cjk = len(CJK.findall(line))
    return len(WORD.findall(CJK.sub(" ", line))) + (cjk + 1) // 2


def key(line: str) -> str:
    return " ".join(DECORATION.sub("", line.strip()).casefold().split())


def is_content(line: str) -> bool:
    """Headings, sentences and Q&A lines: never removed by the generic heuristics."""
    stripped = line.strip()
    return bool(HEADING.match(stripped) or TERMINAL.search(stripped) or QA.match(stripped))


def only(line: str, phrases: frozenset[str]) -> bool:
    """True when the line is nothing but these phrases (buttons copied as one line)."""
    rest = " ".join(re.split(r"[|/・,、]", line.strip().casefold()))
    for phrase in sorted(phrases, key=len, reverse=True):
        rest = re.sub(rf"(?<!\w){re.escape(phrase)}(?!\w)", " ", rest)
    return bool(line.strip()) and not WORD.search(rest) and not CJK.search(rest)


def drop_with_followers(
    lines: list[str], index: int, follower: Callable[[str], bool], window: int = 3
) -> set[int]:
    """The trigger line plus the button-like lines right after it."""
    dropped = {index}
    seen = 0
    for j in range(index + 1, len(lines)):
        if not lines[j].strip():
            continue
        seen += 1
        if seen > window or not follower(lines[j]):
            break
        dropped.add(j)
    return dropped


def without(lines: list[str], dropped: set[int]) -> list[str]:
    return [line for i, line in enumerate(lines) if i not in dropped]
