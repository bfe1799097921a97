"""Category h, threats of violence: a speaker who says they will hurt someone.

First person ("I'll shoot you", "I'm going to kill the mayor"), aimed at a person or a public
place, "I know where you live", "bringing my rifle to the next council meeting". Figures of
speech aim at things or events and pass: "we killed it at the game", "I'm going to fight this
in court", "this budget kills small business", "I'd kill for a Costco". Calls on *others* to
commit violence are incitement, category e (:mod:`classifiers.illegal`).

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
    r"hunt\s+down|end|hang|lynch|beat\s+up|beat\s+the\s+(?:hell|crap|shit)\s+out\s+of|put\s+a\s+"
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

RULES: tuple[PatternRule, ...] = (
    PatternRule(
        LABEL, 0.9,
        rf"\b{_I_WILL}\s+(?:\w+\s+)?{_HARM}\s+{_TARGET}\b(?!\s+(?:with\s+kindness|at\s+(?:the\s+)?"
        r"(?:polls|ballot\s+box|game)|in\s+court|in\s+(?:the\s+)?(?:election|polls)))",
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
