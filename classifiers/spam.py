"""Category d (spam or unrelated links): links off the Town's domains, shorteners, link-only
comments, money-making offers, prizes, self-promotion and "contact me on WhatsApp".

Spam is the one category scored by noisy-OR: a link to another site alone is ordinary (score
0.35, recorded but below review), a shortener or a link-only comment needs a look (0.6), and
only independent signals together (an offer *and* a contact number, an offer *and* a shortener)
reach the 0.9 at which policy.yaml hides category d automatically.

Not here: the same text repeated by one author, which needs per-author state of the stream.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import phonenumbers

from classifiers import urls
from classifiers.masking import last_four
from classifiers.rules import Hit, PatternRule, Rule, RuleDetector, stems
from classifiers.textnorm import NormText
from pipeline.settings import DetectorSettings

SHORTENERS: frozenset[str] = frozenset({
    "bit.ly", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly", "rebrand.ly",
    "cutt.ly", "shorturl.at", "rb.gy", "t.ly", "tiny.cc", "lnkd.in", "s.id", "bl.ink", "v.gd",
    "shorte.st", "adf.ly", "bitly.com", "tr.im", "qrco.de", "linktr.ee", "t.me", "wa.me",
})  # fmt: skip
SCORES: dict[str, float] = {
    "external link": 0.35,
    "shortened link": 0.6,
    "link-only comment": 0.6,
    "money-making offer": 0.8,
    "prize or giveaway bait": 0.8,
    "self-promotion": 0.6,
    "adult or pharmacy spam": 0.8,
    "off-platform contact": 0.6,
    "off-platform contact number": 0.65,
}
_APPS = r"(?:whats\s?app|telegram|wechat|viber|kik|snapchat|signal\s+app|line\s+app)"
_APP_STEMS = stems("whatsapp", "whats", "telegram", "wechat", "viber", "kik", "snapchat", "app")
_PERIOD = r"(?:day|daily|week|weekly|wk|hour|hr|month|monthly|night)"
_AMOUNT = (rf"(?:up\s+to\s+|over\s+|at\s+least\s+|an?\s+extra\s+)?\$\s?\d[\d,.]*k?\+?\s*"
           rf"(?:usd\s*)?(?:(?:a|an|per|each|every|/)\s*{_PERIOD}|{_PERIOD})\b")


def _rule(label: str, pattern: str, *words: str) -> PatternRule:
    return PatternRule(label, SCORES[label], pattern, stems(*words))


PHRASE_RULES: tuple[PatternRule, ...] = (
    # "Earn $500 a day", "you can make $300 daily", "Start earning $300 per day" (an order, not
    # "I started making $20 an hour"), or any amount per period made "from home",
    # "online", "with crypto"; not "I make $30 an hour as a teacher".
    _rule("money-making offer",
          rf"(?:^|[.!?:]\s*|\byou\s+(?:can|could|will|too\s+can)\s+|\bstart\s+|\beasily\s+|"
          rf"\bhow\s+(?:to|i)\s+)(?:earn|make|get\s+paid)\s+{_AMOUNT}|"
          rf"(?:^|[.!?:]\s*|\byou\s+(?:can|could)\s+)start\s+(?:earning|making|getting\s+paid)\s+"
          rf"{_AMOUNT}|\b(?:earn|make|made|making|"
          rf"earning|earned)\s+{_AMOUNT}[^.!?\n]{{0,40}}\b(?:from\s+home|online|working\s+from\s+"
          rf"home|from\s+(?:my|your)\s+(?:phone|couch)|with(?:out)?\s+(?:crypto|bitcoin|forex|this|"
          rf"any\s+experience|her|his)|part[- ]time|just\s+by)\b",
          "$"),
    _rule("money-making offer",
          r"\b(?:earn|make|making|earning)\s+(?:(?:easy|fast|quick|extra|real|passive|serious|"
          r"big)\s+){0,2}(?:money|cash|income|dollars)\s+(?:online|from\s+home|from\s+your\s+"
          r"phone|fast|daily|weekly|with\s+(?:crypto|bitcoin|forex|this|my|our))\b",
          "money", "cash", "income", "dollars"),
    _rule("money-making offer",
          r"\b(?:passive|residual)\s+income\b|\bguaranteed\s+(?:profits?|returns?|payouts?|roi)\b|"
          r"\bdaily\s+(?:profits?|payouts?)\b|\bfinancial\s+freedom\b",
          "income", "profit", "profits", "returns", "return", "payout", "payouts", "roi",
          "freedom"),
    _rule("money-making offer",
          r"\b(?:bitcoin|btc|crypto|forex|binary\s+options?|usdt|ethereum|trading)\s+(?:expert|"
          r"mentor|manager|coach|trader|account\s+manager|investment\s+(?:platform|plan))\b|"
          r"\binvest(?:ed|ing)?\s+(?:\$\s?\d[\d,.]*k?\s+)?(?:in|with)\s+(?:bitcoin|btc|crypto|"
          r"forex|binary\s+options?|usdt)\b[^.!?\n]{0,60}\b(?:profit|returns?|earned|made|roi|"
          r"income|payout)",
          "bitcoin", "btc", "crypto", "forex", "binary", "usdt", "ethereum", "trading",
          "invest", "invested", "investing"),
    _rule("money-making offer",
          r"\bwork(?:ing)?\s+from\s+home\b[^.!?\n]{0,50}(?:\$\s?\d|\b(?:earn|income|paid|pays)\b)|"
          r"\b(?:loans?|cash\s+advance)\b[^.!?\n]{0,30}\bno\s+credit\s+check\b",
          "$", "earn", "income", "paid", "pays", "check"),
    _rule("prize or giveaway bait",
          r"\byou(?:'ve|\s+have)?\s+(?:been\s+)?(?:won|selected|chosen)\b[^.!?\n]{0,40}(?:\b(?:prize|"
          r"gift\s?cards?|iphone|giveaway|reward|cash)\b|\$\s?\d)|\bclaim\s+(?:your|the)\s+(?:free\s+)?"
          r"(?:prize|reward|gift|winnings|bonus)\b|\bfree\s+(?:\$\s?\d+\s+)?(?:gift\s?cards?|iphones?|"
          r"ipads?|robux|v-?bucks)\b",
          "won", "selected", "chosen", "claim", "gift", "giftcard", "giftcards", "iphone",
          "iphones", "ipads", "robux", "bucks"),
    _rule("self-promotion",
          r"\b(?:check\s+out|visit|see|follow|subscribe\s+to|sub\s+to|like)\s+(?:my|our)\s+(?:new\s+)?"
          r"(?:page|profile|channel|store|shop|website|site|onlyfans|instagram|ig|tiktok|youtube|"
          r"podcast|stream)\b|\blink\s+in\s+(?:my\s+)?bio\b|\b(?:use|with)\s+(?:my\s+|our\s+)?"
          r"(?:promo|discount|coupon|referral|invite)\s+code\b|\b(?:buy|get|cheap)\s+(?:\d[\d,.]*k?\s+)?"
          r"(?:real\s+)?"
          r"(?:instagram\s+|tiktok\s+|youtube\s+)?(?:followers|likes|views|subscribers)\b|"
          r"\b(?:click|tap)\s+(?:the|this|my|on\s+the)\s+link\b|\blimited[- ]time\s+offer\b",
          "page", "profile", "channel", "store", "shop", "website", "site", "onlyfans",
          "instagram", "ig", "tiktok", "youtube", "podcast", "stream", "bio", "promo", "discount",
          "coupon", "referral", "invite", "followers", "likes", "views", "subscribers", "link",
          "offer"),
    _rule("adult or pharmacy spam",
          r"\b(?:hot|lonely|horny|local)\s+(?:singles|milfs|girls\s+near\s+you)\b|\bsugar\s+"
          r"(?:daddy|mommy|momma)\b|\bonlyfans\b|\b(?:cheap|buy|discount|order)\s+(?:generic\s+)?"
          r"(?:viagra|cialis|tramadol|ozempic|semaglutide|phentermine)\b",
          "singles", "milfs", "girls", "sugar", "onlyfans", "viagra", "cialis", "tramadol",
          "ozempic", "semaglutide", "phentermine"),
    PatternRule(
        "off-platform contact", SCORES["off-platform contact"],
        rf"\b(?:contact|message|msg|text|dm|pm|inbox|reach|add|hit|write|chat\s+with|talk\s+to)"
        rf"\s+(?:me|us|him|her|them|(?:mr|mrs|ms|dr)\.?\s+\w+)?\s*(?:up\s+)?(?:directly\s+|now\s+)?"
        rf"(?:on|via|through|at|@)\s+{_APPS}\b|\b{_APPS}\s*(?:me|us)\b|\btelegram\s*[:@]\s*@?\w+",
        _APP_STEMS,
    ),
)


_APP_THEN_NUMBER = re.compile(rf"{_APPS}\b[^\n]{{0,25}}?(?=[+(\d])")
_WORDS = re.compile(r"[a-z]{2,}")


@dataclass(frozen=True)
class ContactNumberRule:
    """A phone number (valid per libphonenumber) right after a messaging-app name.

    The number must start within ``max_gap`` characters of a ``window`` after the app name.
    """

    label: str = "off-platform contact number"
    score: float = SCORES["off-platform contact number"]
    triggers: frozenset[str] = _APP_STEMS
    near: re.Pattern[str] = _APP_THEN_NUMBER
    window: int = 25
    max_gap: int = 2
    region: str = "US"
    leniency: int = 1

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Hits for app names followed by a dialable number; the number is masked."""
        for m in self.near.finditer(doc.lower):
            window = doc.text[m.end() : m.end() + self.window]
            for match in phonenumbers.PhoneNumberMatcher(window, self.region,
                                                         leniency=self.leniency):
                if match.start > self.max_gap:
                    break
                a, b = doc.span(m.start(), m.end() + match.end)
                shown = doc.excerpt(m.start(), m.end())
                yield Hit(self.label, self.score, a, b, shown + last_four(match.raw_string))
                break


@dataclass(frozen=True)
class LinkRule:
    """Links off the Town's domains: shortened, plain, or the whole comment.

    A comment is link-only when, its off-domain links taken out, at most ``max_words`` words
    are left.
    """

    town_domains: tuple[str, ...]
    label: str = "external link"
    score: float = SCORES["external link"]
    shortened_label: str = "shortened link"
    shortened_score: float = SCORES["shortened link"]
    link_only_label: str = "link-only comment"
    link_only_score: float = SCORES["link-only comment"]
    shorteners: frozenset[str] = SHORTENERS
    words: re.Pattern[str] = _WORDS
    max_words: int = 2
    triggers: frozenset[str] = urls.TRIGGERS

    def __post_init__(self) -> None:
        domains = tuple(d.lower().removeprefix("www.") for d in self.town_domains)
        object.__setattr__(self, "town_domains", domains)

    def find(self, doc: NormText) -> Iterator[Hit]:
        """One hit per off-domain link, plus one when the comment is little but links."""
        outside = [
            link for link in urls.links(doc) if not urls.on_domain(link.host, self.town_domains)
        ]
        for link in outside:
            if link.host.removeprefix("www.") in self.shorteners:
                label, score = self.shortened_label, self.shortened_score
            else:
                label, score = self.label, self.score
            a, b = doc.span(link.start, link.end)
            yield Hit(label, score, a, b, doc.excerpt(link.start, link.end))
        if outside:
            rest = doc.lower
            for link in sorted(outside, key=lambda k: -k.start):
                rest = rest[: link.start] + " " + rest[link.end :]
            if len(self.words.findall(rest)) <= self.max_words:
                first = outside[0]
                a, b = doc.span(first.start, first.end)
                yield Hit(self.link_only_label, self.link_only_score, a, b,
                          doc.excerpt(first.start, first.end))


class SpamDetector(RuleDetector):
    """Category d, by links, offers and off-platform contact."""

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        settings = settings or DetectorSettings()
        rules: list[Rule] = [LinkRule(settings.domains), *PHRASE_RULES, ContactNumberRule()]
        super().__init__("spam", "d", rules, how="noisy_or")
