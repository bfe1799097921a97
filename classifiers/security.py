"""Category h (safety, security, proceedings): what would help someone break in, attack a
public system, find an official at home or spoil an investigation.

Credentials and keys, door/gate/keypad codes, internal network addresses and control-system
details of public infrastructure, physical weaknesses of critical facilities, home addresses
and routines of staff, officials, judges or witnesses, sealed or active investigations and the
identity of witnesses or undercover officers. Threats of violence are in
:mod:`classifiers.threats`. Secrets are masked in evidence (codes, passwords, house numbers,
the host part of internal addresses).

A rule needs a *disclosure*: a value, an address, a time. Questions and concerns ("are the
water plant's systems protected from hackers?", "why is the report sealed?", "the mayor lives
in Queen Creek") name the topic without one and pass. Category h is never hidden
automatically; scores of 0.7–0.95 send it to review.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass

from classifiers import masking
from classifiers.patterns import NAME, NOT_NAMES, ROLE, ROLE_STEMS
from classifiers.rules import Accept, Hit, Mask, PatternRule, Rule, RuleDetector, stems
from classifiers.textnorm import DIGIT_STEM, NormText

SCORES: dict[str, float] = {
    "password or credential": 0.85,
    "API key or private key": 0.95,
    "door, gate or keypad code": 0.9,
    "internal network address": 0.75,
    "infrastructure system details": 0.8,
    "physical weakness of a critical facility": 0.7,
    "home address of an official, staff member, judge or witness": 0.9,
    "routine of an official, staff member, judge or witness": 0.75,
    "sealed or active investigation details": 0.8,
    "identity of a witness, informant or undercover officer": 0.85,
}
_SECRET_STOP = frozenset([
    "posted", "available", "required", "changed", "reset", "expired", "public", "free", "same",
    "easy", "weak", "simple", "the", "a", "an", "at", "in", "on", "is", "was", "taped",
    "written", "printed", "shared", "listed", "changing",
])
_FACILITY = (
    r"(?:water\s+(?:treatment\s+)?plant|treatment\s+plant|wastewater\s+(?:treatment\s+)?plant|"
    r"sewer\s+plant|pump\s+station|lift\s+station|booster\s+station|well\s+site|substation|"
    r"reservoir|water\s+tower|server\s+room|evidence\s+room|police\s+station|dispatch\s+center|"
    r"911\s+center|jail|armory|fuel\s+depot|chlorine\s+(?:storage|building))"
)
_FACILITY_STEMS = stems("water", "treatment", "wastewater", "sewer", "pump", "lift", "booster",
                        "well", "substation", "reservoir", "server", "evidence", "police",
                        "dispatch", "jail", "armory", "fuel", "chlorine")
_ICS = (
    r"(?:scada|plcs?|hmis?|modbus|dnp3|rtus?|historian|wonderware|allen[- ]bradley|"
    r"controllogix|siemens\s+s7|telemetry|control\s+system|ics\s+network|ot\s+network|"
    + _FACILITY + r"(?:'?s)?\s+(?:network|computers?|servers?|systems?|controls?|wifi|vpn))"
)
_DISCLOSE = (
    r"(?:default\s+(?:password|login|credentials|creds)|port\s+\d{2,5}|\d{1,3}(?:\.\d{1,3}){3}|"
    r"(?:password|login|username|creds)\s+(?:is|are|=|:)|teamviewer|anydesk|vnc|telnet|"
    r"windows\s+(?:xp|7|2000|2003|server\s+2008)|unpatched|exposed\s+to\s+the\s+internet|"
    r"on\s+shodan|no\s+password|admin\s*/\s*admin|firmware\s+v?\d|version\s+v?\d)"
)
_STREET = (
    r"\d{1,6}\s+(?:[nsew]\.?\s+)?(?:[a-z0-9'-]+\s+){0,3}?(?:st|street|ave|avenue|rd|road|dr|drive|"
    r"ln|lane|way|ct|court|blvd|boulevard|pl|place|cir|circle|trl|trail|pkwy|parkway|loop|ter|"
    r"terrace)\b\.?"
)
_DAYS = r"(?:mon|tues|wednes|thurs|fri|satur|sun)days?"
_IPV4 = re.compile(r"\d(?<![\d.]\d)\d{0,2}(?:\.\d{1,3}){3}(?!\d|\.\d)")
_INFRASTRUCTURE = re.compile(
    r"\b(?:scada|plc|hmi|server|network|vpn|router|firewall|switch|modbus|rdp|ssh|telnet|port"
    r"|admin|login|ip|camera\s+system|controller|water|wastewater|treatment|pump|substation|"
    r"dispatch|911)\b"
)


@dataclass(frozen=True)
class SecretValue:
    """Accepts a password value that looks like one: none of ``stop``, with a digit or symbol."""

    stop: frozenset[str] = _SECRET_STOP

    def __call__(self, match: re.Match[str], doc: NormText) -> bool:
        """Whether the ``value`` group of ``match`` looks like a password."""
        value = match.group("value")
        if value.lower() in self.stop:
            return False
        return bool(re.search(r"[\d\W_]", value)) or match.group("quote") is not None


@dataclass(frozen=True)
class Named:
    """Accepts a captured name that is a name, not a capitalised day, place or sentence word."""

    not_names: frozenset[str] = NOT_NAMES

    def __call__(self, match: re.Match[str], doc: NormText) -> bool:
        """Whether the ``name`` group of ``match`` uses none of ``not_names``."""
        return not any(word.lower() in self.not_names for word in match.group("name").split())


def _key_prefix(key: str) -> str:
    """A key cut to its first four characters (which tell its kind, not its secret)."""
    return key[:4] + "…"


def _mask_addresses(text: str) -> str:
    """``text`` with every IPv4 address masked."""
    return re.sub(r"\d{1,3}(?:\.\d{1,3}){3}", lambda m: masking.ip_address(m.group()), text)


def _rule(
    label: str,
    pattern: str,
    triggers: frozenset[str],
    *,
    group: str = "",
    cased: bool = False,
    mask: Mask | None = None,
    accept: Accept | None = None,
    also: frozenset[str] = frozenset(),
) -> PatternRule:
    return PatternRule(label, SCORES[label], pattern, triggers, group or 0, cased, mask, accept,
                       also)


RULES: tuple[PatternRule, ...] = (
    _rule("password or credential",
          r"\b(?:password|passcode|passwd|pwd|pw|pin|wifi\s+key|login)\s*(?:for\s+(?:the\s+)?"
          r"[\w-]+(?:\s+[\w-]+)?\s+)?(?:is|was|=|:|-)\s*(?P<quote>[\"'])?(?P<value>[^\s\"']{4,64})",
          stems("password", "passcode", "passwd", "pwd", "pw", "pin", "wifi", "login"),
          group="value", mask=masking.secret, accept=SecretValue()),
    _rule("API key or private key",
          r"\bAKIA[0-9A-Z]{16}\b|-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----|"
          r"\bgh[pousr]_[A-Za-z0-9]{36}\b|\bxox[abpr]-[A-Za-z0-9-]{10,}|\bsk_live_[A-Za-z0-9]{16,}",
          stems("akia", "begin", "ghp", "gho", "ghu", "ghs", "ghr", "xoxa", "xoxb", "xoxp", "xoxr",
                "sk"),
          cased=True, mask=_key_prefix),
    _rule("door, gate or keypad code",
          r"\b(?:gate|door|keypad|key\s+pad|lockbox|lock\s+box|alarm|garage|entry|keybox|key\s+box"
          r"|padlock|combo\s+lock|back\s+door|side\s+door|front\s+door|pool|clubhouse)\s*(?:code|"
          r"combo|combination|pin|passcode)s?\b(?:\s+(?:for|to|at|on)\s+(?:the\s+)?(?:[\w'-]+\s+)"
          r"{0,4}?)?\s*(?:is|was|are|=|:|-|is\s+still|still)?\s*#?\d{3,8}#?(?!\d)"
          r"|\bcode\s+(?:to|for)\s+(?:get\s+in(?:to)?\s+)?(?:the\s+)?(?:[\w'-]+\s+){0,3}?(?:gate|"
          r"door|building|lockbox|keypad|garage|pool|clubhouse|gym|room|yard|facility|plant|"
          r"station|office)s?\s+(?:is|was|=|:)\s*#?\d{3,8}(?!\d)",
          stems("code", "codes", "combo", "combos", "combination", "pin", "pins", "passcode"),
          also=frozenset({DIGIT_STEM}),
          mask=masking.all_digits),
    _rule("door, gate or keypad code",
          r"\b(?:punch|type|key|enter|put)\s+in\s+#?\d{3,8}\b[^.!?\n]{0,40}\b(?:gate|door|keypad|"
          r"lockbox|garage)|\b(?:gate|door|keypad|lockbox|garage)\b[^.!?\n]{0,40}\b(?:punch|type|"
          r"key|enter|put)\s+in\s+#?\d{3,8}\b",
          stems("gate", "door", "keypad", "lockbox", "garage"), mask=masking.all_digits,
          also=stems("punch", "type", "key", "enter", "put")),
    _rule("infrastructure system details",
          rf"\b{_ICS}\b[^.!?\n]{{0,80}}?\b{_DISCLOSE}|\b{_DISCLOSE}[^.!?\n]{{0,80}}?\b{_ICS}\b",
          stems("default", "port", "password", "login", "username", "creds", "teamviewer",
                "anydesk", "vnc", "telnet", "windows", "unpatched", "exposed", "shodan", "admin",
                "firmware", "version"),
          mask=_mask_addresses),
    _rule("physical weakness of a critical facility",
          rf"\b{_FACILITY}\b[^.!?\n]{{0,60}}?\b(?:(?:is|are|gets|get|stays|stay|left|was|were)\s+"
          r"(?:always\s+|usually\s+|often\s+|never\s+|still\s+)?(?:unlocked|left\s+open|left\s+"
          r"unlocked|propped\s+open|unguarded|unmonitored)|(?:cameras?|alarms?)\s+(?:is|are|has\s+"
          r"been|have\s+been)\s+(?:off|disabled|fake|not\s+working|down)|(?:no|zero)\s+(?:guards?|"
          r"security|cameras)\s+(?:after|between|at|on|from)\s)",
          stems("unlocked", "open", "propped", "unguarded", "unmonitored", "camera", "cameras",
                "alarm", "alarms", "guard", "guards", "security"), also=_FACILITY_STEMS),
    _rule("home address of an official, staff member, judge or witness",
          rf"\b{ROLE}\b[^.!?\n]{{0,60}}?\b(?:lives|live|living|resides|house|home|address|place)"
          rf"\b[^.!?\n]{{0,25}}?\b(?:at|on|is|:)\s+{_STREET}"
          rf"|{_STREET}[^.!?\n]{{0,40}}?\b(?:is\s+where|belongs\s+to)\s+(?:the\s+)?"
          rf"(?:\w+\s+){{0,2}}?{ROLE}\b",
          ROLE_STEMS, mask=masking.all_digits, also=frozenset({DIGIT_STEM})),
    _rule("routine of an official, staff member, judge or witness",
          rf"\b{ROLE}\b[^.!?\n]{{0,60}}?\b(?:leaves\s+(?:his|her|their)\s+(?:house|home)|leaves\s+"
          r"home|gets\s+home|comes\s+home|walks\s+(?:his|her|their)\s+dogs?|jogs|goes\s+jogging|"
          r"goes\s+running|drops\s+(?:his|her|their)\s+kids?\s+off|picks\s+up\s+(?:his|her|their)"
          r"\s+kids?|is\s+home\s+alone|is\s+(?:always\s+)?alone|parks\s+(?:his|her|their)\s+car)\b"
          rf"[^.!?\n]{{0,40}}?\b(?:every|each|at\s+\d|around\s+\d|by\s+\d|{_DAYS}|weekdays?|"
          r"mornings?|nights?|evenings?|alone)\b",
          ROLE_STEMS, also=stems("leaves", "gets", "comes", "walks", "jogs", "goes", "drops",
                                 "picks", "alone", "parks")),
    _rule("sealed or active investigation details",
          r"\b(?:sealed|confidential|grand\s+jury|under\s+seal|classified)\s+(?:\w+\s+)?(?:indictment|"
          r"warrant|affidavit|testimony|records?|files?|documents?|report|evidence)\b[^.!?\n]{0,60}?"
          r"\b(?:says?|shows?|reveals?|states?|names?|leaked|attached|posted\s+below)\b|\b(?:i\s+"
          r"(?:have|got|obtained|saw|read)|here'?s|here\s+is|leaked|posting|attached)\s+(?:\w+\s+)"
          r"{0,3}?(?:sealed|confidential|grand\s+jury)\s+(?:\w+\s+)?(?:indictment|warrant|"
          r"affidavit|testimony|records?|files?|documents?|report)\b",
          stems("sealed", "confidential", "grand", "seal", "classified")),
    _rule("sealed or active investigation details",
          r"\b(?:police|cops|swat|feds|fbi|dea|task\s+force|detectives?)\s+(?:(?:are|is)\s+(?:going\s+"
          r"to|gonna|planning\s+to|about\s+to)|will\s+be|will|plan\s+to|are|is)\s+(?:\w+\s+)?(?:raid|bust|"
          r"sting|serve\s+(?:a|the)\s+(?:search\s+)?warrant\s+(?:on|at))\b[^.!?\n]{0,40}?\b(?:"
          rf"tomorrow|tonight|at\s+\d|on\s+{_DAYS}|this\s+(?:week|weekend|morning|afternoon)|next"
          r"\s+week)\b",
          stems("raid", "bust", "sting", "warrant"),
          also=stems("police", "cops", "swat", "feds", "fbi", "dea", "task", "detective")),
    _rule("identity of a witness, informant or undercover officer",
          rf"\b(?i:the\s+)?(?i:confidential\s+)?(?i:informant|snitch|cooperating\s+witness|"
          rf"undercover(?:\s+(?:cop|officer|agent|detective))?|witness|juror)\b[^.!?\n]{{0,30}}?\b"
          rf"(?i:is|was|named|'s\s+name\s+is|name\s+is|identity\s+is)\s+(?i:named\s+)?"
          rf"(?P<name>{NAME}(?:\s+{NAME})?)",
          stems("informant", "snitch", "cooperating", "undercover", "witness", "juror"),
          cased=True, group="name", mask=masking.initials, accept=Named()),
    _rule("identity of a witness, informant or undercover officer",
          r"\bundercover\s+(?:cop|cops|officer|officers|agent|agents|detective|car|cars|unit|van)"
          r"\b[^.!?\n]{0,40}?\b(?:drives?|is\s+driving|plates?|license|is\s+parked|parks|is\s+the\s+"
          r"(?:guy|woman|man|one)|named|goes\s+by)\b",
          stems("undercover")),
)


@dataclass(frozen=True)
class InternalAddressRule:
    """Private IPv4 addresses, and any IPv4 beside infrastructure words: masked.

    Within ``near`` characters of infrastructure words a private address scores
    ``context_score`` and a public one ``public_score``; a private one alone scores ``score``.
    """

    label: str = "internal network address"
    score: float = SCORES["internal network address"]
    context_score: float = 0.8
    public_score: float = 0.7
    address: re.Pattern[str] = _IPV4
    context: re.Pattern[str] = _INFRASTRUCTURE
    near: int = 80
    triggers: frozenset[str] = frozenset({DIGIT_STEM})

    def find(self, doc: NormText) -> Iterator[Hit]:
        """Hits for IPv4 addresses that point inside a network, masked to the first octets."""
        for m in self.address.finditer(doc.lower):
            try:
                address = ipaddress.IPv4Address(m.group())
            except ValueError:
                continue
            near = doc.lower[max(0, m.start() - self.near) : m.end() + self.near]
            if address.is_private and not address.is_loopback:
                score = self.context_score if self.context.search(near) else self.score
            elif address.is_global and self.context.search(near):
                score = self.public_score
            else:
                continue
            a, b = doc.span(m.start(), m.end())
            yield Hit(self.label, score, a, b, masking.ip_address(m.group()))


class SecurityDetector(RuleDetector):
    """Category h (without threats): secrets, infrastructure, officials' homes, investigations."""

    def __init__(self) -> None:
        rules: list[Rule] = [*RULES, InternalAddressRule()]
        super().__init__("security", "h", rules)
