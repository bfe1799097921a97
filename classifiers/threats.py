"""Category h, threats of violence: a speaker who says they will hurt someone.

First person ("I'll shoot you", "I'm going to kill the mayor"), aimed at a person or a public
place, "I know where you live", "bringing my rifle to the next council meeting". Figures of
speech aim at things or events and pass: "we killed it at the game", "I'm going to fight this
in court", "this budget kills small business", "I'd kill for a Costco". Wishing the reader
dead or telling them to kill themselves ("I hope you die", "kys") is here too (0.8): moderators
may need to act on it as they would on a threat. Calls on *others* to commit violence ("the
mayor should be hanged") are incitement, category e (:mod:`classifiers.illegal`).

Scores 0.8–0.9: review with a removal recommendation; category h is never hidden
automatically, because a moderator must judge a joke from a threat and may need to report it.
"""

from __future__ import annotations

from classifiers.rules import PatternRule, RuleDetector, stems

LABEL = "threat of violence"
_I_WILL = (
    r"(?:i'?m|im|i\s+am|i'?ll|ill|i\s+will|i\s+swear\s+i'?ll|i'?m\s+gonna|i'?m\s+going\s+to|"
    r"i\s+am\s+going\s+to|i'?m\s+about\s+to|i'?d\s+love\s+to|i\s+want\s+to|i\s+should)"
)
_HARM = (
    r"(?:kill|shoot|stab|murder|strangle|choke|bomb|blow\s+up|burn\s+down|run\s+over|slit|gut|"
    r"hunt\s+down|hang|lynch|beat\s+up|beat\s+the\s+(?:hell|crap|shit)\s+out\s+of|put\s+a\s+"
    r"bullet\s+in|shoot\s+up|torch)"
)
_TARGET = (
    r"(?:you|u|him|her|them|y'?all|everyone|every\s+(?:one|last\s+one)\s+of\s+you|all\s+of\s+you|"
    r"your\s+(?:family|kids|wife|husband|house|car)|town\s+hall|city\s+hall|(?:the|that|this|our"
    r"|every|each|all\s+the)\s+(?:\w+\s+)?(?:mayor|"
    r"council\s*(?:wo)?man|council\s*members?|council|manager|clerk|judge|officers?|cops|chief|"
    r"staff|building|town\s+hall|city\s+hall|office|meeting|school|library|station)|"
    r"(?:mayor|councilman|councilwoman|officer|judge|clerk|chief)\s+[a-z]+)"
)

_PERSON = r"(?:you|u|ya|him|her|your\s+(?:family|kids|children|wife|husband|mom|mother|dad))"
_VIOLENT = (
    r"(?:kill|shoot|stab|murder|strangle|rape|decapitate|behead|bash|torch|punch|slaughter|gut|"
    r"end|sodomi[sz]e|sexually\s+abuse)"
)
_BODILY = (
    r"(?:kick|beat|whoop|whup|whop)\s+(?:yo|your|ur|his|her)\s+(?:\w+\s+)?(?:ass|butt|face)|"
    r"beat\s+(?:you|u|him|her)\s+(?:up|senseless|bloody|to\s+(?:death|a\s+pulp))|"
    r"burn\s+(?:you|u|him|her)\s+(?:alive|to\s+death)|burn\s+(?:your|ur|his|her)\s+(?:house|"
    r"home|car)\s+down|(?:track|hunt)\s+(?:you|u|him|her)\s+down|"
    r"come\s+(?:for|after)\s+(?:you|u)|"
    r"(?:rip|cut|tear)\s+(?:off\s+)?(?:your|ur|his|her)\s+(?:head|throat|heart|face)|"
    r"make\s+(?:you|u)\s+(?:suffer|bleed|pay\s+in\s+blood)|"
    r"(?:bash|cave|smash)\s+(?:your|ur|his|her)\s+(?:\w+\s+)?(?:skull|head|face)"
)
_FIGURATIVE = (
    r"(?!\s+(?:a|an|some|my|over|with\s+kindness|at\s+(?:the\s+)?(?:polls|ballot\s+box|game)|"
    r"in\s+court|in\s+(?:the\s+)?(?:election|polls|primary|november))\b)"
)
_DIE = r"(?:die|croak)(?!-|\s+(?:of|for|laughing|happy|trying|down|hard)\b)"
_DEATH_WISHES = "|".join([
    rf"\b(?:please\s+|just\s+|go\s+(?:and\s+)?)?{_DIE},?\s+(?:you|u)\s+\w+",  # "die you ..."
    rf"^\W*(?:please\s+|just\s+|go\s+)?(?:{_DIE}|drop\s+dead)\W*$",  # the whole comment
    r"\bdrop\s+dead\b",
    rf"\bplease\s+{_DIE}",
    rf"\b(?:i\s+)?hope\s+(?:you|u)\s+(?:\w+\s+){{0,3}}?{_DIE}",
    rf"\b(?:you|u)\s+(?:should|deserve\s+to|need\s+to|ought\s+to|will|are\s+going\s+to|"
    rf"r\s+going\s+to)\s+{_DIE}",
    r"\b(?:you|u)\s+deserve\s+(?:worse\s+than\s+)?death\b",
    r"\b(?:kill|hang|shoot)\s+yourself\b|\bkys\b",
    r"\b(?:you|u)\s+should\s+(?:commit\s+suicide|be\s+(?:shot|killed|executed|hanged|hung|"
    r"lynched))\b",
    r"\byour\s+days\s+are\s+numbered\b|\bprepare\s+to\s+die\b",
])
"""Wishing the reader dead, or telling them to die or to kill themselves."""

RULES: tuple[PatternRule, ...] = (
    PatternRule(
        LABEL, 0.9,
        rf"\b{_I_WILL}\s+(?:\w+\s+)?{_HARM}\s+{_TARGET}\b{_FIGURATIVE}",
        stems("kill", "shoot", "stab", "murder", "strangle", "choke", "bomb", "blow", "burn",
              "run", "slit", "gut", "hunt", "end", "hang", "lynch", "beat", "put", "torch"),
        also=stems("i", "im", "ill"),
    ),
    PatternRule(
        LABEL, 0.85,
        r"\b(?:you'?re|you\s+are|ur)\s+(?:a\s+)?dead\s+(?:man|woman|meat)\b|\b(?:you'?re|you\s+are|"
        r"ur)\s+(?:gonna|going\s+to)\s+(?:die|get\s+(?:shot|stabbed|hurt|what'?s\s+coming)|pay\s+"
        r"with\s+your\s+life)\b|\bi\s+know\s+where\s+(?:you|he|she|they|the\s+\w+|your\s+(?:kids?|"
        r"family|wife|husband))\s+(?:lives?|sleeps?|works?|go(?:es)?\s+to\s+school)\b|\bsleep\s+"
        r"with\s+one\s+eye\s+open\b|\bthere\s+(?:will|is\s+going\s+to|'?s\s+gonna)\s+be\s+(?:blood|"
        r"bloodshed)\b",
        stems("dead", "die", "shot", "stabbed", "hurt", "coming", "life", "lives", "live",
              "sleeps", "sleep", "works", "work", "school", "blood", "bloodshed"),
    ),
    PatternRule(
        LABEL, 0.9,
        rf"\b{_I_WILL}\s+(?:[\w']+\s+){{0,6}}?{_VIOLENT}\s+{_PERSON}\b{_FIGURATIVE}",
        stems("kill", "shoot", "stab", "murder", "strangle", "rape", "decapitate", "behead",
              "bash", "torch", "punch", "slaughter", "gut", "end", "sodomize", "sodomise",
              "abuse"),
        also=stems("i", "im", "ill"),
    ),
    PatternRule(
        LABEL, 0.85,
        rf"\b{_I_WILL}\s+(?:[\w']+\s+){{0,3}}?(?:{_BODILY})\b{_FIGURATIVE}",
        stems("kick", "beat", "whoop", "whup", "whop", "burn", "track", "hunt", "come", "rip",
              "cut", "tear", "make", "bash", "cave", "smash"),
        also=stems("i", "im", "ill"),
    ),
    PatternRule(
        "wishing a person dead", 0.8,
        _DEATH_WISHES,
        stems("die", "croak", "dead", "hope", "should", "deserve", "kill", "hang", "shoot",
              "kys", "days", "prepare", "death"),
    ),
    PatternRule(
        LABEL, 0.8,
        r"\b(?:bring(?:ing)?|carry(?:ing)?|show(?:ing)?\s+up\s+with)\s+(?:a|my|our|some|the)\s+"
        r"(?:loaded\s+)?(?:guns?|rifles?|ar-?15s?|weapons?|bombs?|knife|knives|pistol)\s+to\s+"
        r"(?:the\s+)?(?:next\s+)?(?:council|meeting|town\s+hall|city\s+hall|hearing|school|office|"
        r"board|court)\b(?!\s+(?:for|to)\s+(?:show|display|the\s+buyback))",
        stems("gun", "guns", "rifle", "rifles", "ar", "weapon", "weapons", "bomb", "bombs",
              "knife", "knives", "pistol"),
    ),
)


class ThreatDetector(RuleDetector):
    """Category h: threats of violence by the speaker."""

    def __init__(self) -> None:
        super().__init__("threats", "h", RULES)
