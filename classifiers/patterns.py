"""Regex vocabulary shared by several rule detectors: people and the roles of public staff.

``PERSON`` finds an *identifiable* person in the case-kept view: a title or a relation with a
capitalised name ("Officer Diaz", "my neighbor John"), a first and last name ("Maria Lopez"),
an @handle, or a one-holder office ("the mayor"). A pronoun alone ("he", "my neighbor") is not
identifiable. Patterns are linear: fixed words, bounded names, no nested open quantifiers.
"""

from __future__ import annotations

import re

from classifiers.rules import stems

NAME = r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?"
_TITLE = (
    r"(?i:vice\s+mayor|mayor|council\s*(?:wo)?man|council\s*member|councilor|officer|deputy|"
    r"sergeant|sgt\.?|detective|chief|judge|clerk|manager|director|inspector|principal|coach|"
    r"pastor|dr\.?|mr\.?|mrs\.?|ms\.?|miss)"
)
_RELATION = (
    r"(?i:my|our|his|her|their)\s+(?i:next[- ]door\s+)?(?i:neighbou?r|co-?worker|boss|"
    r"landlord|landlady|tenant|roommate|ex|ex-wife|ex-husband|cousin|friend|teacher|nurse|"
    r"doctor|coach|pastor|in-law|brother-in-law|sister-in-law),?"
)
_OFFICE = (
    r"(?i:the|our)\s+(?i:vice\s+mayor|mayor|town\s+manager|police\s+chief|fire\s+chief|"
    r"town\s+clerk|town\s+attorney)"
)
PERSON = (
    rf"(?:{_TITLE}\s+{NAME}(?:\s+{NAME})?|{_RELATION}\s+{NAME}(?:\s+{NAME})?"
    rf"|(?<![\w.@])@[A-Za-z0-9_.]{{2,30}}|(?P<bare>{NAME}\s+{NAME})(?![\w'])"
    rf"|{_OFFICE}(?![\w-]))"
)
"""An identifiable person (case-kept view); group ``bare`` is a name without title or relation."""

# Capitalised words that start sentences or name places, never a person's first or last name.
NOT_NAMES: frozenset[str] = frozenset([
    "the", "this", "that", "these", "those", "our", "my", "his", "her", "their", "your", "we",
    "he", "she", "they", "it", "everyone", "everybody", "someone", "somebody", "anyone",
    "anybody", "nobody", "people", "folks", "town", "city", "queen", "creek", "council",
    "police", "fire", "water", "county", "state", "arizona", "maricopa", "pinal", "san", "tan",
    "valley", "mesa", "gilbert", "phoenix", "chandler", "department", "park", "parks",
    "library", "street", "road", "avenue", "main", "north", "south", "east", "west", "monday",
    "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "january", "february",
    "march", "april", "may", "june", "july", "august", "september", "october", "november",
    "december", "covid", "god", "jesus", "christ", "christmas", "easter", "honestly", "also",
    "and", "but", "so", "well", "yes", "no", "just", "now", "today", "yesterday", "apparently",
    "sadly", "unfortunately", "meanwhile", "please", "thanks", "thank", "hello", "hi", "hey",
    "dear", "when", "why", "what", "how", "who", "where", "if", "then", "because", "since",
    "after", "before", "while", "even", "still", "again", "maybe", "remember", "breaking",
    "update", "news",
])

ROLE = (
    r"(?:vice\s+mayor|mayor|council\s*(?:wo)?man|council\s*member|councilor|town\s+manager|"
    r"town\s+clerk|clerk|manager|judge|magistrate|officer|deputy|detective|sergeant|sgt|"
    r"lieutenant|chief|prosecutor|witness|juror|inspector|staffer|staff\s+member|employee|"
    r"director|sheriff|cop|dispatcher|attorney|planner|engineer|social\s+worker|caseworker)"
)
"""A member of staff, an official, a judge or a witness (lower-case view)."""
ROLE_STEMS = stems(
    "vice", "mayor", "council", "councilman", "councilmember", "councilor", "manager", "clerk",
    "judge", "magistrate", "officer", "deputy", "detective", "sergeant", "sgt", "lieutenant",
    "chief", "prosecutor", "witness", "juror", "inspector", "staffer", "staff", "employee",
    "director", "sheriff", "cop", "dispatcher", "attorney", "planner", "engineer", "social",
    "caseworker",
)


def is_named_person(match: re.Match[str], not_names: frozenset[str]) -> bool:
    """Whether a :data:`PERSON` match names a person (a bare name uses none of ``not_names``)."""
    bare = match.group("bare")
    if bare is None:
        return True
    return not any(word.lower() in not_names for word in bare.split())
