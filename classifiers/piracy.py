"""Category f (copyright or trademark): piracy, counterfeits, misuse of the Town's name, logo
or seal, and reposted paywalled articles.

Piracy has unambiguous markers (magnet links, ``.torrent`` files, named pirate sites, keygens)
scored 0.85–0.95; the rest needs a second word: "torrent" only with "download"/"link" (not "a
torrent of complaints"), "replica" only with a brand *and* a sale ("a replica of the old
schoolhouse" passes), the Town's logo only when someone puts it on their own goods or claims
the Town's endorsement (names from settings), "paywall" only when someone gets around it.
Category f is never hidden automatically; scores of 0.7–0.95 send it to review.
"""

from __future__ import annotations

import re

from classifiers.rules import PatternRule, RuleDetector, stems
from pipeline.settings import DetectorSettings

SCORES: dict[str, float] = {
    "magnet link": 0.95,
    "torrent download": 0.85,
    "pirate streaming site": 0.85,
    "free full movie": 0.8,
    "cracked software or keygen": 0.85,
    "pirate IPTV": 0.8,
    "leaked or bootleg stream": 0.75,
    "counterfeit goods": 0.8,
    "misuse of the Town's name, logo or seal": 0.7,
    "paywalled article reposted or bypassed": 0.7,
}
_BRANDS = (
    r"(?:rolex|gucci|louis\s+vuitton|lv|chanel|prada|hermes|nike|jordans|yeezys?|supreme|"
    r"balenciaga|dior|cartier|airpods|ray-?bans?|north\s+face|michael\s+kors|coach|designer\s+"
    r"(?:bags?|handbags?|purses?|watches|shoes|clothes|sunglasses)|nfl\s+jerseys|jerseys)"
)
_FAKE = (
    r"(?:replicas?|counterfeits?|knock-?offs?|fakes?|bootleg|1:1|aaa\s+quality|mirror\s+"
    r"quality|reps)"
)
_SALE = (
    r"(?:selling|sell|for\s+sale|buy|order|cheap|dm|hmu|inbox|available|in\s+stock|wholesale|"
    r"\$\s?\d|shipping)"
)
_LOGO = r"(?:logos?|seals?|emblems?|crests?|trademarks?)"
_GOODS = (
    r"(?:shirts?|t-shirts?|tees|hats?|caps|mugs?|stickers?|decals?|merch|merchandise|apparel|"
    r"flags?|signs?|flyers?|business\s+cards?|trucks?|vans?|website|ads?|products?|cups|bags?)"
)


def _rule(label: str, pattern: str, *words: str) -> PatternRule:
    return PatternRule(label, SCORES[label], pattern, stems(*words))


PIRACY_RULES: tuple[PatternRule, ...] = (
    _rule("magnet link", r"\bmagnet:\?xt=urn:[a-z0-9]+:[a-z0-9]{16,}", "magnet"),
    _rule("torrent download",
          r"\b[\w.-]{1,80}\.torrent\b|\btorrents?\s+(?:link|links|file|files|site|sites|download|"
          r"downloads|here|is\s+up|for\s+(?:the|it))\b|\b(?:download|downloaded|grab|get|seed|"
          r"seeding)\s+(?:it\s+|the\s+\w+\s+)?(?:on|from|via|off)\s+(?:a\s+|the\s+)?torrents?\b|"
          r"\b(?:the\s+)?pirate\s?bay\b|\b(?:1337x|rarbg|yts|kickass\s*torrents|nyaa|limetorrents|"
          r"torrentgalaxy)\b",
          "torrent", "torrents", "pirate", "piratebay", "x", "rarbg", "yts", "kickass", "nyaa",
          "limetorrents"),
    _rule("pirate streaming site",
          r"\b(?:123\s?movies|fmovies|putlocker|soap2day|gomovies|solarmovie|primewire|flixtor|"
          r"sockshare|vumoo|hianime|myflixer|lookmovie|streameast|crackstreams|methstreams|"
          r"buffstreams|sportsurge)\b",
          "movies", "fmovies", "putlocker", "soap", "gomovies", "solarmovie", "primewire",
          "flixtor", "sockshare", "vumoo", "hianime", "myflixer", "lookmovie", "streameast",
          "crackstreams", "methstreams", "buffstreams", "sportsurge"),
    _rule("free full movie",
          r"\bfull\s+(?:hd\s+)?(?:movies?|films?|episodes?|seasons?)\b[^.!?\n]{0,30}\bfree\b|\bfree"
          r"\b[^.!?\n]{0,30}\bfull\s+(?:hd\s+)?(?:movies?|films?|episodes?|seasons?)\b|\bfree\s+"
          r"(?:hd\s+)?movie\s+downloads?\b|\bwatch\s+(?:\w+\s+){0,4}?(?:online\s+)?free\s+(?:hd\s+)?"
          r"(?:full|online|here|streaming)\b",
          "movie", "movies", "film", "films", "episode", "episodes", "season", "seasons"),
    _rule("cracked software or keygen",
          r"\bkeygens?\b|\bwarez\b|\bkmspico\b|\bnulled\s+(?:\w+\s+)?(?:scripts?|themes?|plugins?)"
          r"\b|\bcrack(?:ed)?\s+(?:version|versions|software|apks?|apps?|games?|photoshop|adobe|"
          r"autocad|license|licence|serial|copy|edition|exe|installer)\b|\bcrack\s+(?:for|download)"
          r"\b|\b(?:serial|license|licence|activation|product)\s+(?:keys?|codes?)\s+(?:free|"
          r"generator|crack|for\s+free)\b|\bfree\s+(?:serial|license|licence|activation|product)"
          r"\s+keys?\b|\bmodded\s+apks?\b",
          "keygen", "keygens", "warez", "kmspico", "nulled", "crack", "cracked", "serial",
          "license", "licence", "activation", "product", "modded"),
    _rule("pirate IPTV",
          r"\biptv\b[^.!?\n]{0,60}(?:\b(?:subscriptions?|firesticks?|fire\s+sticks?|reseller|"
          r"free\s+trial|all\s+channels|ppv|premium|months?|lifetime|\d{3,}[,\d]*\+?\s*channels)\b|"
          r"\$\s?\d)|\b(?:jailbroken|loaded|unlocked|modded)\s+(?:amazon\s+)?fire\s?sticks?\b",
          "iptv", "jailbroken", "loaded", "unlocked", "modded"),
    _rule("leaked or bootleg stream",
          r"\b(?:free|illegal|bootleg|pirated|leaked)\s+(?:live\s+)?(?:streams?|copy|copies|"
          r"episodes?|screeners?|albums?|movies?)\s+(?:of|for|link|links|here|available)\b|\b(?:ppv"
          r"|ufc|boxing|fight|nfl|nba)\s+(?:\w+\s+)?(?:free\s+)?streams?\s+(?:link|links|here|free)"
          r"\b|\bwatch\s+(?:the\s+)?(?:fight|game|ppv|ufc|match|super\s+bowl)\s+(?:\w+\s+)?(?:for\s+"
          r")?free\s+(?:here|at|on|with|link)\b|\bleaked\s+(?:the\s+)?(?:movie|episode|album|season|"
          r"finale|screener)s?\b|\bcam\s?rip\b|\b(?:bootleg|pirated)\s+(?:\w+\s+)?(?:dvds?|blu-?rays?|"
          r"movies|films|copies|cds|games|software)\b",
          "stream", "streams", "copy", "copies", "episode", "episodes", "screener", "screeners",
          "album", "albums", "movie", "movies", "leaked", "camrip", "rip", "free", "bootleg",
          "pirated"),
    _rule("counterfeit goods",
          rf"\b{_SALE}\b[^.!?\n]{{0,50}}?\b{_FAKE}\s+(?:\w+\s+)?{_BRANDS}\b|\b{_FAKE}\s+(?:\w+\s+)?"
          rf"{_BRANDS}\b[^.!?\n]{{0,50}}?(?:\b{_SALE}\b|\$\s?\d)|\bcounterfeit\s+(?:goods|bags|"
          rf"watches|merch|items|products|jerseys|tickets)\s+(?:for\s+sale|available|cheap|in\s+"
          rf"stock)\b",
          "replica", "replicas", "counterfeit", "counterfeits", "knock", "knockoff", "knockoffs",
          "fake", "fakes", "bootleg", "aaa", "mirror", "reps"),
)

PAYWALL_RULE = _rule(
    "paywalled article reposted or bypassed",
    r"\b(?:bypass|get\s+around|got\s+around|skip|beat|avoid|dodge|remove|evade|break|jump)\s+"
    r"(?:the\s+|a\s+|their\s+|any\s+|every\s+)?paywalls?\b|\b(?:archive\.(?:ph|today|is|li|vn|md)"
    r"|12ft\.io|removepaywalls?\.com|paywallbuster|bypass-paywalls)\b|\b(?:copied|pasted|copy[- ]"
    r"pasted|reposting|posting|here'?s|here\s+is)\s+(?:the\s+)?(?:full|entire|whole|complete)\s+"
    r"(?:\w+\s+)?(?:article|story|text)\b[^.!?\n]{0,80}?\b(?:paywall\w*|subscribers?|"
    r"subscription|paid\s+members)\b|\bpaywall\w*\b[^.!?\n]{0,80}?\b(?:pasted|copied|here'?s|"
    r"here\s+is|posting)\s+(?:it|the\s+(?:full\s+|whole\s+|entire\s+)?(?:article|text|story))\b",
    "paywall", "paywalls", "paywalled", "archive", "ft", "removepaywall", "subscribers",
    "subscriber", "subscription", "paid",
)


def town_name_rule(names: tuple[str, ...]) -> PatternRule:
    """Misuse of the Town's name, logo or seal: on one's own goods or as a claimed endorsement."""
    name = "(?:" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) + ")"
    town = rf"(?:(?:the\s+)?{name}|the\s+town)(?:'?s)?"
    claim = r"(?:official(?:ly)?|authori[sz]ed|approved|endorsed|certified|licensed|sanctioned)"
    return PatternRule(
        "misuse of the Town's name, logo or seal",
        SCORES["misuse of the Town's name, logo or seal"],
        rf"\b(?:put|puts|putting|used?|using|printed|print|printing|slap(?:ped)?|added?|stick|"
        rf"copied|copy)\s+{town}\s+(?:official\s+)?{_LOGO}\s+(?:on|onto|in|to|for)\s+(?:my|our|"
        rf"his|her|their|these|those|every|all\s+(?:my|our))\b|\b(?:selling|sell|buy|get|order)\s+"
        rf"(?:\w+\s+){{0,3}}?{town}\s+(?:official\s+)?{_LOGO}\s+{_GOODS}\b|\b(?:we(?:'re|\s+are)|"
        rf"i(?:'m|\s+am)|(?:our|my)\s+(?:\w+\s+)?(?:company|business|shop|store|product|service|crew)s?\s+"
        rf"(?:is|are))\s+(?:an?\s+|the\s+)?{claim}\s+(?:\w+\s+){{0,2}}?(?:by\s+(?:the\s+)?)?"
        rf"{name}\b",
        stems("logo", "logos", "seal", "seals", "emblem", "emblems", "crest", "crests",
              "trademark", "trademarks", "official", "officially", "authorized", "authorised",
              "approved", "endorsed", "certified", "licensed", "sanctioned"),
    )


class CopyrightDetector(RuleDetector):
    """Category f: piracy, counterfeits, the Town's marks, paywalled articles."""

    def __init__(self, settings: DetectorSettings | None = None) -> None:
        settings = settings or DetectorSettings()
        rules = [*PIRACY_RULES, PAYWALL_RULE, town_name_rule(settings.names)]
        super().__init__("copyright", "f", rules)
