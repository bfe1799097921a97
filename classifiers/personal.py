"""Category g, in words: medical or financial facts tied to an identifiable person.

"John Smith was diagnosed with cancer", "my neighbor Jane is on Xanax", "Officer Diaz filed
for bankruptcy": a named person (see :data:`classifiers.patterns.PERSON`) directly followed by
a diagnosis, treatment, medication, debt or bankruptcy. Talk about oneself ("I had covid"),
about nobody in particular ("cancer rates in Pinal County") or about a pronoun ("he has
cancer") is not identifiable and passes. The person's name is masked to initials in evidence.

Score 0.8: review, never automatic removal (policy.yaml hides g at 0.9, kept for validated
numbers). Whether the person is real and the fact private is the moderator's call.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from classifiers.masking import initials
from classifiers.patterns import NOT_NAMES, PERSON, is_named_person
from classifiers.prefilter import LiteralGate, literal_gate
from classifiers.rules import Hit, RuleDetector, stems
from classifiers.textnorm import NormText

SCORE = 0.8

_MEDS = (
    r"xanax|adderall|prozac|zoloft|lexapro|wellbutrin|lithium|methadone|suboxone|oxycodone|"
    r"oxy(?:contin)?|percocet|vicodin|insulin|antidepressants|antipsychotics|ozempic|"
    r"chemo(?:therapy)?|dialysis|hiv\s+meds|prep|meds|medication|psych\s+meds"
)
_CONDITIONS = (
    r"cancer|leukemia|lymphoma|hiv|aids|hepatitis(?:\s+[abc])?|herpes|chlamydia|gonorrhea|"
    r"syphilis|an?\s+stds?|stds?|diabetes|dementia|alzheimer'?s|parkinson'?s|multiple\s+"
    r"sclerosis|epilepsy|seizures|schizophrenia|bipolar(?:\s+disorder)?|depression|ptsd|ocd|"
    r"adhd|autism|anorexia|bulimia|an\s+eating\s+disorder|a\s+miscarriage|an\s+abortion|covid|"
    r"tuberculosis|a\s+stroke|a\s+heart\s+attack|heart\s+disease|kidney\s+failure|a\s+(?:mental|"
    r"nervous)\s+breakdown|psychosis|(?:an?\s+)?(?:drug|alcohol|opioid|heroin|meth|gambling)\s+"
    r"(?:addiction|problem)|alcoholism|(?:a\s+)?(?:terminal|brain|breast|lung)\s+(?:illness|"
    r"tumor|cancer)"
)
_MED_VERB = (
    r"(?:(?:has|had|got|was|is|has\s+been|was\s+just|just\s+got|is\s+being|is\s+now|is\s+still|"
    r"recently\s+got|finally\s+got)\s+)?(?:diagnosed\s+with|treated\s+for|tested\s+positive\s+for|"
    r"hospitali[sz]ed\s+(?:for|with)|in\s+rehab\s+for|suffering\s+from|suffers\s+from|battling|"
    r"dying\s+(?:of|from)|recovering\s+from|has|had|got)\s+(?:(?:stage\s+\w+|terminal|severe|"
    r"chronic|early[- ]onset|bad|full[- ]blown)\s+)?(?:" + _CONDITIONS + r")\b"
    r"|(?:is|was|has\s+been)\s+(?:on|taking|prescribed|off)\s+(?:(?:his|her|their)\s+)?(?:"
    + _MEDS + r")\b|(?:takes|started|started\s+taking|was\s+prescribed|got\s+prescribed)\s+(?:"
    + _MEDS + r")\b"
    r"|(?:is|was)\s+(?:an?\s+)?(?:bipolar|schizophrenic|autistic|diabetic|epileptic|anorexic|"
    r"pregnant|infertile|hiv[- ]positive|an?\s+(?:drug\s+)?addict|an?\s+alcoholic|in\s+rehab|"
    r"terminally\s+ill|in\s+hospice|mentally\s+ill)\b"
)
_DEBT_VERB = (
    r"(?:filed\s+(?:for\s+)?(?:chapter\s+(?:7|11|13)\s+)?bankruptcy|declared\s+bankruptcy|"
    r"(?:is|went|was|has\s+gone|has\s+been)\s+(?:bankrupt|into\s+foreclosure|in\s+foreclosure|"
    r"into\s+collections|in\s+collections)|owes\s+(?:me\s+|us\s+|the\s+\w+\s+)?(?:over\s+|more\s+"
    r"than\s+|about\s+|like\s+|almost\s+)?\$\s?\d[\d,.]*k?|(?:is|was|has\s+been)\s+(?:months\s+|"
    r"way\s+|really\s+)?(?:behind|late)\s+on\s+(?:his|her|their)\s+(?:mortgage|rent|car\s+"
    r"payments?|payments?|child\s+support|alimony|taxes|loans?|credit\s+cards?|bills)|(?:has|had|"
    r"is\s+in)\s+(?:over\s+)?(?:\$\s?\d[\d,.]*k?|tons\s+of|massive|huge)\s+(?:in\s+)?(?:credit\s+"
    r"card\s+|medical\s+|gambling\s+|student\s+loan\s+)?debt|defaulted\s+on|(?:house|home)\s+"
    r"(?:is|was)\s+(?:being\s+foreclosed|foreclosed|in\s+foreclosure)|wages\s+(?:are|were|"
    r"got)\s+(?:being\s+)?garnished|(?:car|truck)\s+(?:got|was)\s+repossessed)"
)


# "Maria Lopez from the HOA is on Xanax": a short "from/at/of ..." may follow the person.
_QUALIFIER = r"(?:\s+(?:from|at|on|of|in)\s+(?:the\s+)?[\w'-]+(?:\s+[\w'-]+)?)?"
_PERSON_BEFORE = re.compile(rf"(?P<person>{PERSON}){_QUALIFIER}(?:'s)?,?\s+\Z")
LOOKBACK = 60
"""How far before a fact its person may start (characters)."""


@dataclass(frozen=True)
class PersonFactRule:
    """A named person directly followed by a medical or a financial fact.

    The fact is searched first (its words are rare), then a person ending right before it:
    the person pattern, which has no literal prefix, only ever runs on a short window.
    """

    label: str
    fact: str
    triggers: frozenset[str]
    score: float = SCORE
    person: re.Pattern[str] = _PERSON_BEFORE
    lookback: int = LOOKBACK
    not_names: frozenset[str] = NOT_NAMES
    regex: re.Pattern[str] = field(init=False, repr=False, compare=False)
    gate: LiteralGate | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "regex", re.compile(rf"\b(?:{self.fact})"))
        object.__setattr__(self, "gate", literal_gate(self.regex.pattern))

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Two hits per match: the person (initials only) and the fact (the fact's literal
        gate first: :mod:`classifiers.prefilter`)."""
        if self.gate is not None and not self.gate(doc.lower):
            return
        for fact in self.regex.finditer(doc.lower):
            offset = max(0, fact.start() - self.lookback)
            person = self.person.search(doc.text, offset, fact.start())
            if person is None or not is_named_person(person, self.not_names):
                continue
            start, end = person.span("person")
            a, b = doc.span(start, end)
            yield Hit(self.label, self.score, a, b, initials(doc.excerpt(start, end)))
            a, b = doc.span(*fact.span())
            yield Hit(self.label, self.score, a, b, doc.excerpt(*fact.span()))


MEDICAL_STEMS = stems(
    "cancer", "leukemia", "lymphoma", "hiv", "aids", "hepatitis", "herpes", "chlamydia",
    "gonorrhea", "syphilis", "std", "stds", "diabetes", "dementia", "alzheimer", "parkinson",
    "sclerosis", "epilepsy", "seizures", "schizophrenia", "bipolar", "depression", "ptsd", "ocd",
    "adhd", "autism", "anorexia", "bulimia", "eating", "miscarriage", "abortion", "covid",
    "tuberculosis", "stroke", "attack", "disease", "kidney", "breakdown", "psychosis",
    "addiction", "alcoholism", "illness", "tumor", "drug", "alcohol", "opioid", "heroin", "meth",
    "gambling", "xanax", "adderall", "prozac", "zoloft", "lexapro", "wellbutrin", "lithium",
    "methadone", "suboxone", "oxycodone", "oxy", "oxycontin", "percocet", "vicodin", "insulin",
    "antidepressants", "antipsychotics", "ozempic", "chemo", "chemotherapy", "dialysis", "meds",
    "medication", "prep", "psych", "schizophrenic", "autistic", "diabetic", "epileptic",
    "anorexic", "pregnant", "infertile", "addict", "alcoholic", "rehab", "terminally", "hospice",
    "mentally",
)
"""The condition, drug and state words of the medical rule (verbs like "has" are no triggers)."""
MEDICAL = PersonFactRule("medical information about a named person", _MED_VERB, MEDICAL_STEMS)
DEBT = PersonFactRule(
    "debt or bankruptcy of a named person",
    _DEBT_VERB,
    stems("bankruptcy", "bankrupt", "foreclosure", "foreclosed", "collections", "owes", "behind",
          "late", "debt", "defaulted", "garnished", "repossessed"),
)


class PersonalInfoDetector(RuleDetector):
    """Category g: medical and financial facts about identifiable people."""

    def __init__(self) -> None:
        super().__init__("personal-info", "g", [MEDICAL, DEBT])
