"""Category e (advocating illegal activity): calls to vandalism, arson or violence, theft
how-tos, offers to sell drugs, evading taxes or background checks, impaired driving.

Every rule needs *advocacy*: an exhortation ("let's", "someone should", "you can just"), a
how-to, or a first-person offer ("selling carts, DM me"). Talking about a crime, reporting one
or arguing about a law ("legalize marijuana", "billionaires dodge taxes", "a drunk driver hit
my car", "the fentanyl crisis") names the act without any of these and passes.

Scores 0.75–0.85: review. Category e is never hidden automatically; a moderator decides.
"""

from __future__ import annotations

from classifiers.rules import PatternRule, RuleDetector, stems

SCORES: dict[str, float] = {
    "incitement to vandalism or arson": 0.85,
    "incitement to violence": 0.85,
    "theft how-to": 0.8,
    "drug sale offer": 0.85,
    "tax evasion": 0.75,
    "evading a background check": 0.8,
    "impaired driving": 0.75,
}
# Exhortations: someone is told or invited to do it.
_URGE = (
    r"(?:let'?s|lets|we\s+(?:should|need\s+to|gotta|must|ought\s+to|could)|(?:some|any|every)"
    r"(?:one|body)\s+(?:should|needs?\s+to|ought\s+to|go|gotta)|y'?all\s+(?:should|need\s+to|"
    r"gotta)|you\s+(?:all\s+|guys\s+)?(?:should|need\s+to|gotta|can\s+just)|i\s+say\s+we|"
    r"time\s+to|who\s+wants\s+to|go\s+ahead\s+and|just\s+go)"
)
_HOWTO = (
    r"(?:how\s+to|how\s+you\s+can|ways?\s+to|tips?\s+(?:to|for|on)|easy\s+to|easiest\s+way\s+to|"
    r"best\s+way\s+to|here'?s\s+how\s+to|i'?ll\s+show\s+you\s+how\s+to)"
)
_PLACES = (
    r"(?:town\s+hall|city\s+hall|buildings?|offices?|station|police\s+cars?|cop\s+cars?|cars?|"
    r"trucks?|vehicles?|houses?|homes?|tires|windows|cameras|signs?|property|school|library|"
    r"stores?|businesses|statue|monument|mailbox(?:es)?|water\s+tower|substation|playground|"
    r"construction\s+equipment|bulldozers?|site|place|(?:rec\s+|community\s+|senior\s+)?center|"
    r"pool|gym|church|shed|warehouse|garage|bridges?|walls?|overpass(?:es)?|fences?|parks?)"
)
_PEOPLE = (
    r"(?:him|her|them|that\s+(?:guy|woman|man|clerk|officer|judge|cop)|(?:the|that|this|our|"
    r"those|these|every|all\s+(?:the|of\s+the)?)\s+(?:\w+\s+)?(?:mayor|council\s*(?:wo)?men|"
    r"council\s*(?:wo)?man|council\s*members?|managers?|officers?|cops|police|judges?|clerks?|"
    r"staff|employees|politicians|officials|inspectors?|protesters|immigrants|developers?)|"
    r"(?:mayor|councilman|councilwoman|officer|judge)\s+[a-z]+)"
)
_DRUGS = (
    r"(?:weed|kush|zaza|carts|thc\s+carts|dab\s+pens|wax|edibles|pills|xans|xanax|percs|"
    r"percocets?|oxys?|oxycodone|fent|fentanyl|blues|meth|crystal|coke|cocaine|molly|mdma|"
    r"ecstasy|shrooms|acid\s+tabs|lsd|heroin|lean|codeine|adderall|addys|ketamine|pre-?rolls|"
    r"drugs|bud)"
)
_DRUG_STEMS = stems("weed", "kush", "zaza", "carts", "thc", "dab", "wax", "edibles", "pills",
                    "xans", "xanax", "percs", "percocet", "percocets", "oxy", "oxys", "oxycodone",
                    "fent", "fentanyl", "blues", "meth", "crystal", "coke", "cocaine",
                    "molly", "mdma", "ecstasy", "shrooms", "acid", "lsd", "heroin", "lean",
                    "codeine", "adderall", "addys", "ketamine", "pre", "prerolls", "rolls",
                    "drugs", "bud")
_GUNS = r"(?:guns?|firearms?|pistols?|rifles?|handguns?|ar-?15s?|ars|glocks?|ammo)"


def _rule(label: str, pattern: str, triggers: frozenset[str]) -> PatternRule:
    return PatternRule(label, SCORES[label], pattern, triggers)


RULES: tuple[PatternRule, ...] = (
    _rule("incitement to vandalism or arson",
          rf"\b{_URGE}\s+(?:go\s+)?(?:burn(?:\s+down)?|torch|set\s+fire\s+to|firebomb|smash(?:\s+up)?|"
          rf"trash|vandali[sz]e|spray[- ]?paint|graffiti|tag|slash|key|egg|break\s+into|wreck|"
          rf"loot|tear\s+down|flip|sabotage|tip\s+over)\s+(?:down\s+)?(?:the\s+|their\s+|his\s+|"
          rf"her\s+|that\s+|this\s+|those\s+|all\s+(?:the\s+|of\s+the\s+)?|every\s+|some\s+)?"
          rf"(?:[a-z'-]+\s+){{0,3}}?{_PLACES}\b",
          stems("burn", "torch", "set", "firebomb", "smash", "trash", "vandalize", "vandalise",
                "spray", "spraypaint", "graffiti", "tag", "slash", "key", "egg", "break", "wreck",
                "loot", "tear", "flip", "sabotage", "tip")),
    _rule("incitement to vandalism or arson",
          r"\b(?:make|build|throw|toss|bring)\s+(?:a\s+|some\s+)?(?:molotovs?|molotov\s+cocktails?|"
          r"pipe\s+bombs?|fire\s?bombs?)\b|\b(?:town\s+hall|city\s+hall|station|building|office)\s+"
          r"(?:should|needs\s+to|ought\s+to)\s+(?:be\s+)?(?:burned|burnt|torched)\s+(?:down|to\s+"
          r"the\s+ground)\b",
          stems("molotov", "molotovs", "pipe", "fire", "firebomb", "firebombs", "burned", "burnt",
                "torched")),
    _rule("incitement to violence",
          rf"\b{_URGE}\s+(?:go\s+)?(?:shoot|kill|murder|stab|lynch|hang|string\s+up|beat\s+up|"
          rf"beat\s+the\s+(?:hell|crap|shit|snot)\s+out\s+of|punch|jump|run\s+over|pistol[- ]whip"
          rf"|strangle|choke\s+out|execute)\s+(?:up\s+)?{_PEOPLE}\b(?!\s+with\s+kindness)",
          stems("shoot", "kill", "murder", "stab", "lynch", "hang", "string", "beat", "punch",
                "jump", "run", "pistol", "strangle", "choke", "execute")),
    _rule("incitement to violence",
          r"\b(?:he|she|him|her|they|mayor\s+[a-z]+|the\s+(?:mayor|judge|manager|chief|clerk|"
          r"officer|council(?:\s*(?:wo)?man|\s*member)?)|that\s+(?:guy|woman|man|clerk|officer|"
          r"judge|cop))\s+(?:should|needs\s+to|ought\s+to|deserves?\s+to)\s+be\s+(?:shot|"
          r"hanged|lynched|strung\s+up|beaten|stabbed|killed|murdered)\b",
          stems("shot", "hanged", "lynched", "strung", "beaten", "stabbed", "killed", "murdered")),
    _rule("theft how-to",
          rf"\b{_HOWTO}\s+(?:steal|shoplift|hotwire|hot-wire|break\s+into|jimmy|pick\s+(?:a|the)\s+"
          r"lock|siphon\s+gas|cut\s+(?:off\s+)?(?:a\s+)?catalytic|get\s+free\s+(?:water|power|"
          r"electricity|gas))",
          stems("steal", "shoplift", "hotwire", "hot", "break", "jimmy", "pick", "siphon",
                "catalytic", "free")),
    _rule("theft how-to",
          r"\b(?:steal|shoplift|swipe|take|grab|walk\s+out\s+with)\b[^.!?\n]{0,60}\bwithout\s+"
          r"(?:paying|getting\s+caught|anyone\s+noticing|them\s+noticing)|\b(?:bypass|jump|tamper"
          r"\s+with|rig|slow\s+down|reverse)\s+(?:the\s+|your\s+)?(?:water\s+|electric\s+|gas\s+|"
          r"power\s+|utility\s+)?meters?\b",
          stems("without", "meter", "meters")),
    _rule("theft how-to",
          rf"\b{_URGE}\s+(?:steal|swipe|lift|loot|rob|shoplift)\s+(?:from\s+)?(?:the\s+|their\s+|"
          r"some\s+|all\s+(?:the\s+)?|a\s+|his\s+|her\s+)?(?:[a-z'-]+\s+){0,2}?(?:packages?|"
          r"catalytic\s+converters?|cars?|bikes?|copper|wires?|gas|water|power|electricity|signs?|"
          r"stores?|shops?|walmart|target|costco|banks?|houses?|homes?|tools|trailers?|stuff|"
          r"everything)\b",
          stems("steal", "swipe", "lift", "loot", "rob", "shoplift")),
    _rule("drug sale offer",
          rf"\b(?:i'?m|im|i\s+am|we'?re|we\s+are|i'?ve\s+been|still|now)\s+(?:still\s+|now\s+|"
          rf"currently\s+|also\s+)?(?:selling|slinging|"
          rf"moving|pushing|plugging|dealing)\s+(?:(?:some|the|that|good|cheap|fire|pure|real|clean)\s+)"
          rf"{{0,3}}{_DRUGS}\b",
          stems("selling", "slinging", "moving", "pushing", "plugging", "dealing")),
    _rule("drug sale offer",
          rf"\b(?:dm|pm|inbox|hmu|hit\s+me\s+up|text\s+me|message\s+me|msg\s+me|holla\s+at\s+me|"
          rf"contact\s+me|call\s+me|snap\s+me)\s+(?:\w+\s+)?(?:for|4|if\s+(?:you|u)\s+(?:need|"
          rf"want))\s+(?:(?:some|the|good|cheap|fire|pure)\s+){{0,2}}{_DRUGS}\b"
          rf"|\b{_DRUGS}\s+(?:for\s+sale|available|in\s+stock|delivered|delivery\s+available|"
          rf"plug)\b|\b(?:got|have)\s+(?:that\s+|some\s+)?{_DRUGS}\s+(?:for\s+(?:sale|cheap)|\$\s?\d|"
          rf"hmu|dm\s+me)|\b(?:i'?m|im)\s+(?:the|your|ur)\s+plug\b",
          _DRUG_STEMS | stems("plug")),
    _rule("tax evasion",
          rf"\b(?:{_HOWTO}|(?:you|we|everyone|y'?all)\s+(?:should|can|could|need\s+to)(?:\s+all)?|"
          r"let'?s|just)\s+(?:evade|dodge|cheat\s+on|hide\s+(?:\w+\s+){0,3}?from|underreport|not\s+report|"
          r"not\s+pay|stop\s+paying|skip)\s+(?:\w+\s+){0,3}?(?:tax(?:es)?|irs)\b",
          stems("tax", "taxes", "irs")),
    _rule("tax evasion",
          r"(?:^|[.!?,;]\s*|\bso\s+|\bjust\s+)(?:don'?t|do\s+not|never|stop)\s+(?:pay(?:ing)?|"
          r"report(?:ing)?|declar(?:e|ing))\s+(?:your|the)\s+(?:\w+\s+){0,2}(?:taxes|tax|(?:cash|tip|"
          r"side)\s+income)\b|\bkeep\s+(?:it|your\s+income|the\s+cash)\s+off\s+the\s+books\b",
          stems("tax", "taxes", "income", "books")),
    _rule("evading a background check",
          rf"\b(?:{_HOWTO}|(?:you|we)\s+(?:can|could|should)|just)\s+(?:avoid|skip|get\s+around|"
          r"bypass|dodge|evade|beat|pass|fool|cheat)\s+(?:the\s+|a\s+|any\s+)?(?:federal\s+|nics\s+"
          r"|gun\s+)?background\s+checks?\b",
          stems("background")),
    _rule("evading a background check",
          rf"\b(?:i'?ll|i\s+can|i\s+will|we\s+can|we'?ll)\s+(?:sell|get|hook\s+(?:you|u)\s+up\s+with)"
          rf"\s+(?:you\s+|u\s+)?(?:a\s+|an\s+)?{_GUNS}\b[^.!?\n]{{0,40}}\b(?:no|without(?:\s+a|\s+"
          r"any)?)\s+(?:background\s+checks?|paperwork|questions)|\b(?:be\s+(?:my|your|a)|do\s+a|"
          r"use\s+a|need\s+a|find\s+a|looking\s+for\s+a)\s+straw\s+(?:buyer|purchaser|purchase|man)"
          r"\b|\blie\s+on\s+(?:the\s+|your\s+)?(?:form\s+)?4473\b",
          stems("background", "paperwork", "questions", "straw", "lie")),
    _rule("impaired driving",
          r"\b(?:it'?s\s+(?:fine|ok|okay|safe|totally\s+fine|no\s+big\s+deal)\s+to|(?:you|u)\s+can"
          r"\s+(?:still\s+|totally\s+)?|just|go\s+ahead\s+and|nothing\s+wrong\s+with|no\s+shame\s+in"
          r"|let'?s|lets|i\s+always|don'?t\s+be\s+afraid\s+to|(?:totally|perfectly)\s+fine\s+to)\s+"
          r"(?:(?:drive|driving)(?:\s+home)?\s+(?:drunk|buzzed|high|stoned|wasted|hammered|tipsy|"
          r"after\s+(?:a\s+few|some|\d+|a\s+couple(?:\s+of)?)\s+(?:beers|drinks|shots))|drink\s+"
          r"and\s+drive)\b",
          stems("drive", "driving", "drink")),
    _rule("impaired driving",
          rf"\b{_HOWTO}\s+(?:beat|pass|fool|cheat|trick)\s+(?:a\s+|the\s+)?(?:breathalyzer|"
          r"breath\s+test|sobriety\s+test|field\s+sobriety|dui\s+test|blood\s+test)",
          stems("breathalyzer", "breath", "sobriety", "field", "dui", "blood")),
)


class IllegalActivityDetector(RuleDetector):
    """Category e: advocacy of illegal acts, never mere mention of them."""

    def __init__(self) -> None:
        super().__init__("illegal-activity", "e", RULES)
