"""Deterministic synthetic comments for demos, load tests and evaluation.

Everything here is invented: people, handles, staff names, home addresses, door codes. Card
numbers are the well-known Luhn-valid *test* numbers; SSN-shaped numbers are published sample
numbers the SSA voided or reserved for advertising (078-05-1120, 219-09-9999,
987-65-4325).

About 80% of comments are legitimate (questions, praise, information and harsh but legitimate
criticism of the Town, its officials and decisions, which must never be flagged); about 20%
break one of the policy's removal categories a-h. Category mix is drawn from a shuffled deck
of 100 cards, so every block of 100 comments holds exactly 20 violations covering a-h.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

__all__ = [
    "MALFORMED_KINDS",
    "PLATFORMS",
    "POSTS",
    "Post",
    "generate_comments",
    "generate_labeled",
    "malformed_labeled",
    "malformed_lines",
    "sample_texts",
]

PLATFORMS: tuple[str, ...] = ("facebook", "instagram", "x", "nextdoor", "youtube")
_PLATFORM_WEIGHTS = (45, 20, 15, 15, 5)
DEFAULT_START = datetime(2025, 6, 2, 14, 0, tzinfo=UTC)  # 07:00 in Queen Creek (MST)
_AUTHOR_POOL_SEED = 20250602
_AUTHOR_COUNT = 300
_TROLL_COUNT = 24

# --------------------------------------------------------------------------------------------
# The Town's posts that people comment on
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Post:
    """A Town post: its id, the page it is on, what it is about, topic-specific replies."""

    id: str
    page: str
    subject: str
    lines: tuple[str, ...]


POSTS: tuple[Post, ...] = (
    Post(
        "ellsworth-loop-widening",
        "townofqueencreek",
        "the Ellsworth Loop Road widening",
        (
            "How long will Ellsworth Loop be down to one lane each way?",
            "The detour through the neighborhood is adding 15 minutes to my commute.",
            "Will the new lanes include a protected bike lane?",
        ),
    ),
    Post(
        "water-rates-2025",
        "townofqueencreek",
        "the proposed water rate increase",
        (
            "A 14% jump in water rates while we are told to conserve makes no sense.",
            "Can you post the cost of service study the new rates are based on?",
            "Is there a low-income assistance program for the new water rates?",
        ),
    ),
    Post(
        "july4-fireworks",
        "qcparksandrec",
        "the Fourth of July fireworks at Desert Mountain Park",
        (
            "What time do the fireworks start and where is the best parking?",
            "Are dogs allowed at the fireworks show this year?",
            "Last year's fireworks show was amazing, thank you to the crews!",
        ),
    ),
    Post(
        "council-agenda-0716",
        "townofqueencreek",
        "the July 16 Town Council agenda",
        (
            "Why is item 7 on the consent agenda instead of getting a real discussion?",
            "Will public comment be allowed on the data center rezoning item?",
            "Where can I find the staff report for the Meridian Road annexation?",
        ),
    ),
    Post(
        "library-summer-hours",
        "townofqueencreek",
        "the new library summer hours",
        (
            "Please keep the library open until 8 on weeknights, working parents need it.",
            "Is the summer reading program still running on Tuesdays?",
        ),
    ),
    Post(
        "movie-in-the-park",
        "qcparksandrec",
        "Movie Night at Founders' Park",
        (
            "What movie is showing on Friday? Can we bring our own chairs?",
            "Movie nights are the best thing the Town does all summer.",
        ),
    ),
    Post(
        "holiday-trash-pickup",
        "townofqueencreek",
        "the holiday trash pickup schedule",
        (
            "Is bulk pickup delayed too or only the regular cans?",
            "Our street was skipped again this week, who do I call?",
        ),
    ),
    Post(
        "rittenhouse-lane-closure",
        "townofqueencreek",
        "the Rittenhouse Road lane closure",
        (
            "Rittenhouse has been coned off for three weeks with nobody working.",
            "Thanks for the heads up, I'll take Hawes instead.",
        ),
    ),
    Post(
        "mansel-carter-pickleball",
        "qcparksandrec",
        "the new pickleball courts at Mansel Carter",
        (
            "Can you add shade over the pickleball courts before next summer?",
            "The noise from the new courts carries all the way into our backyard.",
        ),
    ),
    Post(
        "fy2026-budget-hearing",
        "townofqueencreek",
        "the FY2026 budget hearing",
        (
            "How much of the FY2026 budget goes to road maintenance versus new projects?",
            "The budget adds 40 positions while residents are told to tighten their belts.",
        ),
    ),
    Post(
        "police-staffing-update",
        "queencreekpd",
        "the police department staffing update",
        (
            "Response times in the south end are still far too slow.",
            "Grateful for the officers who helped after the accident on Ocotillo.",
        ),
    ),
    Post(
        "monsoon-sandbags",
        "townofqueencreek",
        "the monsoon sandbag stations",
        (
            "Is there a limit on how many sandbags each household can take?",
            "The wash behind our subdivision flooded again, please look at the drainage.",
        ),
    ),
    Post(
        "fall-festival",
        "qcparksandrec",
        "the Fall Festival at Town Center",
        (
            "Will there be a sensory-friendly hour at the Fall Festival?",
            "Looking for vendor applications for the festival, are they open yet?",
        ),
    ),
    Post(
        "utility-billing-portal",
        "townofqueencreek",
        "the new utility billing portal",
        (
            "The new billing portal logged me out three times before I could pay.",
            "Does the new portal still support autopay from my old account setup?",
        ),
    ),
    Post(
        "germann-signal-butte-signal",
        "townofqueencreek",
        "the new signal at Germann and Signal Butte",
        (
            "Finally a light at Germann and Signal Butte, it was overdue.",
            "The left arrow timing at Germann and Signal Butte is way too short.",
        ),
    ),
    Post(
        "curbside-recycling-changes",
        "townofqueencreek",
        "the changes to curbside recycling",
        (
            "So glass is no longer accepted? Where are we supposed to take it?",
            "Can you post a simple list of what goes in the blue can now?",
        ),
    ),
    Post(
        "aquatic-center-hours",
        "qcparksandrec",
        "the aquatic center summer hours",
        (
            "Will the aquatic center open earlier on weekends? It is 110 by noon.",
            "Lap swim hours keep getting cut.",
        ),
    ),
    Post(
        "general-plan-survey",
        "townofqueencreek",
        "the General Plan update survey",
        (
            "The survey only offers options the Town already picked.",
            "Took the survey, please add more questions about water supply.",
        ),
    ),
    Post(
        "farmers-market",
        "qcparksandrec",
        "the Saturday farmers market",
        (
            "Love the farmers market, can it stay open until noon?",
            "Is there an accessible parking area near the market?",
        ),
    ),
    Post(
        "town-hall-expansion",
        "townofqueencreek",
        "the Town Hall expansion",
        (
            "Why does Town Hall need a $30 million expansion right now?",
            "Will the new council chambers have better audio for the livestream?",
        ),
    ),
)

_ROADS = (
    "Ellsworth Loop",
    "Rittenhouse Road",
    "Ocotillo Road",
    "Queen Creek Road",
    "Ironwood Drive",
    "Signal Butte Road",
    "Germann Road",
    "Hawes Road",
    "Meridian Road",
    "Riggs Road",
    "Combs Road",
    "Power Road",
    "Chandler Heights Road",
)
_PARKS = (
    "Founders' Park",
    "Desert Mountain Park",
    "Mansel Carter Oasis Park",
    "Frontier Family Park",
    "Town Center",
    "the Recreation Annex",
)
# Fictional officials and staff; any resemblance to real people is accidental.
_OFFICIALS = (
    "Mayor Ellen Marsh",
    "Vice Mayor Tom Albright",
    "Councilmember Priya Castellanos",
    "Councilmember Dale Hutchins",
    "Councilmember Rosa Villeneuve",
    "Town Manager Bryce Kettering",
    "Public Works Director Gail Ostrander",
    "Chief Warren Pike",
)
_STAFF = ("Bryce Kettering", "Gail Ostrander", "Warren Pike", "Marisol Quintero", "Devon Ashby")
_FIRST = (
    "James",
    "Mary",
    "Robert",
    "Patricia",
    "John",
    "Jennifer",
    "Michael",
    "Linda",
    "David",
    "Elizabeth",
    "William",
    "Barbara",
    "Richard",
    "Susan",
    "Joseph",
    "Jessica",
    "Thomas",
    "Sarah",
    "Carlos",
    "Karen",
    "Daniel",
    "Lisa",
    "Matthew",
    "Nancy",
    "Anthony",
    "Betty",
    "Mark",
    "Sandra",
    "Jose",
    "Ashley",
    "Kevin",
    "Emily",
    "Brian",
    "Donna",
    "Luis",
    "Michelle",
    "Tyler",
    "Amanda",
    "Aaron",
    "Melissa",
    "Nguyen",
    "Priya",
    "Ahmed",
    "Fatima",
    "Wei",
    "Mei",
    "Diego",
    "Lucia",
    "Hunter",
    "Brooke",
    "Colton",
    "Kaylee",
    "Rhett",
    "Mckenna",
    "Jaxon",
    "Savannah",
)
_LAST = (
    "Abernathy",
    "Balderrama",
    "Calloway",
    "Delacroix",
    "Eckhart",
    "Fairweather",
    "Galindo",
    "Halvorsen",
    "Iverson",
    "Jankowski",
    "Kettleman",
    "Lindqvist",
    "Mondragon",
    "Nakashima",
    "Oyelaran",
    "Pemberton",
    "Quarles",
    "Rasmussen",
    "Szabo",
    "Thibodeaux",
    "Underhill",
    "Valdivia",
    "Whitcombe",
    "Yarborough",
    "Zamora",
    "Brightwater",
    "Coppersmith",
    "Dunleavy",
    "Esparza",
    "Fennimore",
    "Gutierrez",
    "Hollingsworth",
    "Okonkwo",
    "Petrakis",
    "Sandoval",
    "Tranh",
    "Vandermeer",
    "Westbrook",
)

# --------------------------------------------------------------------------------------------
# Legitimate comments (label: [])
# --------------------------------------------------------------------------------------------

_CRITICISM = (
    "The council's water rate hike is a disgrace and the mayor should resign.",
    "{council} voted for {subject} without listening to a single resident. Vote them out.",
    "This Town cannot plan its way out of a paper bag. {road} has been torn up for a year.",
    "Absolutely ridiculous. {subject} is a waste of our tax dollars and everyone knows it.",
    "The council keeps rubber-stamping developers and ignoring traffic on {road}. Shameful.",
    "I have lost all confidence in {official}. This decision on {subject} is indefensible.",
    "Another failure from Town leadership. Nobody is accountable for anything here.",
    "{official} promised transparency and then buried {subject} in the consent agenda.",
    "Worst managed town in the East Valley. Fix the roads before building monuments.",
    "This is a terrible decision and I will be at the next council meeting to say so.",
    "Recall the whole council. {subject} proves they work for developers, not residents.",
    "You deleted my last comment criticizing {subject}. That is censorship by a government page.",
    "Pathetic response from the Town on {subject}. We deserve better than canned PR answers.",
    "The Town's handling of {subject} has been incompetent from start to finish.",
)
_QUESTIONS = (
    "Where can I find more details about {subject}?",
    "Is there a public meeting about {subject}? I would like to attend.",
    "Will {subject} affect traffic on {road} during rush hour?",
    "Who should I contact about {subject}? I called the main line and got voicemail.",
    "Can you share the timeline for {subject}?",
    "Does {subject} apply to residents in the county islands too?",
    "Is there parking near {park} for this?",
    "How much is {subject} going to cost, and where does the money come from?",
    "Will this be livestreamed for those of us who work evenings?",
)
_PRAISE = (
    "Thank you for the update on {subject}!",
    "Great job to the Parks and Rec team, {park} looks fantastic.",
    "Really appreciate how quickly the crew fixed the sign on {road}.",
    "Love this town. {subject} is exactly what our families needed.",
    "Thanks to {official} for answering my email about {subject} so quickly.",
    "Our kids had a blast at {park} last weekend. Keep it up!",
    "Good call on {subject}. Appreciate the clear communication.",
)
_INFO = (
    "For anyone asking, the details on {subject} are on the Town website: queencreekaz.gov",
    "The agenda packet for {subject} is posted under Council Meetings on queencreekaz.gov.",
    "Heads up, {road} is backed up past {road2} this morning.",
    "The Town's non-emergency line is 480-555-0142 if you need to report a problem.",
    "Saw the crew on {road} this morning, looks like they are making progress.",
    "There is a sign-up sheet for volunteers at {park} this Saturday.",
)
# Legitimate, but with words or numbers a naive filter would trip on.
_TRICKY = (
    "The heat is killing my lawn, any tips on the watering schedule?",
    "Photo shoot for the Fall Festival at {park} looked great, who was the photographer?",
    "The Cockrell Road project was finished on time, nice work.",
    "The assessment district for {subject} needs a clearer explanation.",
    "My kid bombed her swim test but the lifeguards at the aquatic center were so patient.",
    "This budget is a train wreck, but I appreciate that staff held the open house.",
    "Scunthorpe-style filters keep eating my comments, so I'll say it plainly: fix {road}.",
    "Bought tickets for the July 4th event: order #4532 0151 1283, can I change the date?",
    "My water bill went from $64 to $112. Account number is on the bill, how do I appeal?",
    "The shooting range proposal near {road} needs a noise study first.",
)

# --------------------------------------------------------------------------------------------
# Violations, by category
# --------------------------------------------------------------------------------------------

_VULGAR_WORDS = ("fucking", "f***ing", "f*cking", "freaking fucking", "goddamn")
_SHIT_WORDS = ("shit", "sh1t", "sh!t", "bullshit", "crap")
_A = (
    "This {fword} traffic on {road} every single morning.",
    "What a load of {shit}. Fix {road} already.",
    "{road} is a {shit}show again, thanks for nothing.",
    "Damn, who approved {subject}? What the hell is going on.",
    "Holy {shit}, the line at {park} was an hour long.",
    "Nobody gives a damn about {subject}, just fix the {fword} potholes.",
    "This is {shit}. Absolute {shit}.",
    "Pissed off doesn't begin to cover it. {fword} ridiculous.",
    "Screw this {fword} town and its {shit} roads.",
)
_INSULTS = ("an idiot", "a moron", "a clueless loser", "a pathetic clown", "too stupid to read")
_B = (
    "@{handle} you're {insult}.",
    "{name}, you are {insult} and nobody here cares what you think.",
    "Only {insult} like @{handle} would defend {subject}.",
    "{official} is a lying pig and an embarrassment to this town.",
    "@{handle} go back to your trailer, you ignorant hick.",
    "Shut up @{handle}, you fat waste of space.",
    "{staff} is a useless, brain-dead hack who should be fired.",
    "Hey @{handle}, nobody asked, you absolute clown.",
)
_GROUPS = (
    "immigrants",
    "Mexicans",
    "Muslims",
    "gay people",
    "old people",
    "disabled people",
    "people on welfare",
    "women",
    "Mormons",
    "Black families",
)
_C = (
    "We don't need more {group} moving into Queen Creek, they ruin every neighborhood.",
    "{group} shouldn't be allowed to serve on the council.",
    "Keep the {group} out of our parks.",
    "This is what happens when you let {group} run things.",
    "The Town should stop hiring {group}, they are lazy and can't do the job.",
    "{group} are a drain on this community, period.",
)
_SHORT = ("bit.ly/{code}", "tinyurl.com/{code}", "cutt.ly/{code}", "t.co/{code}", "is.gd/{code}")
_D = (
    "Make $5000/week from home! {link}",
    "DM me on WhatsApp +1 555 01{n2} for guaranteed crypto signals 🚀🚀",
    "FREE iPhone giveaway, first 100 people only!!! {link}",
    "Best roofing deals in the East Valley, 40% off this week only, call 555-01{n2}!",
    "I made $712 today with this one trick the banks hate {link}",
    "Check out my channel for daily bitcoin tips {link} subscribe!!",
    "Cheap followers and likes, 10k for $9.99 {link}",
    "Hot singles in Queen Creek want to meet you {link}",
    "Telegram @QuickLoanz{n2} for same day cash loans, no credit check",
)
_E = (
    "Let's spray paint the new town hall tonight.",
    "Everyone meet at {park} at midnight and pull up all the survey stakes on {road}.",
    "Slash the tires on the code enforcement trucks, that'll teach them.",
    "Just don't pay the water bill and tap the hydrant on {road} yourself, I do.",
    "Who wants to key every car in the Town Hall lot? I'm in.",
    "Anyone selling oxy without a prescription around here? DM me, cash only.",
    "Throw rocks at the speed cameras on {road} until they give up.",
    "Let's smash the new cameras at {park} this weekend, they can't catch all of us.",
)
_PIRATED = (
    "Inside Out 2",
    "Moana 2",
    "Wicked",
    "Oppenheimer",
    "Dune Part Two",
    "The Wild Robot",
)
_F = (
    "Skip movie night, {movie} free full movie download torrent here {link}",
    "Watch {movie} full movie HD free no signup {link}",
    "Anyone have the cracked Adobe Photoshop? I can send the keygen.",
    "Here's the whole Arizona Republic article since it's paywalled: {paywalled}",
    "Selling replica Yeti cups with the real logo, half the price of the store, DM me.",
    "Got the {movie} torrent if anyone wants it for the park screening, just ask.",
)
_PAYWALLED = (
    '"QUEEN CREEK - The town council voted 5-2 on Wednesday to approve a rate increase that '
    'will raise the average household bill by... (full text continues)"',
    '[copied in full] "Town officials said Tuesday that construction on the widening project '
    'would continue through spring, according to documents obtained by..."',
)
_CARDS = (
    "4111 1111 1111 1111",
    "4111-1111-1111-1111",
    "4012888888881881",
    "5555 5555 5555 4444",
    "3782 822463 10005",
    "6011 1111 1111 1117",
)
_SSNS = ("078-05-1120", "219-09-9999", "987-65-4325", "078 05 1120")
_CONDITIONS = (
    "stage 4 cancer",
    "HIV",
    "early-onset Alzheimer's",
    "a heroin addiction",
    "schizophrenia",
    "a miscarriage last month",
    "dialysis three times a week",
)
_G = (
    "The portal won't take my card, it's {card} exp 09/27 CVV 123, can someone run it?",
    "I was charged twice for water. Card {card}, please refund it.",
    "My SSN is {ssn}, why does the utility form need it?",
    "Just use my account, SSN {ssn}, I give up on this portal.",
    "Pray for {person}, she's at Banner with {condition} and can't leave the house.",
    "{person} on {fstreet} has {condition}, that's why the yard looks like that.",
    "My neighbor {person} told me he has {condition}, somebody should check on him.",
    "Here's my bank info for autopay: routing 011000015 account 00{acct}.",
)
_FSTREETS = (
    "E Saguaro Whisper Ln",
    "S Copperleaf Hollow Way",
    "W Tumbleweed Glen Dr",
    "E Palo Verde Mirage Ct",
    "S Ocotillo Ember Ave",
)
_H = (
    "The door code to the Public Works yard on {road} is {code}#, gate is always open anyway.",
    "{staff} lives at {address}, go tell him what you think in person.",
    "FYI the staff wifi password at the library is QCstaff{year}!",
    "The alarm at the water treatment plant is off between 2 and 4 am every night.",
    "{role} {staff} parks a white F-150 at {address}, everybody should know that.",
    "The keypad at the back door of Town Hall is {code}, staff never change it.",
    "Leaked: names of the witnesses in the {road} shooting investigation, DM me.",
    "The camera at the {park} maintenance shed has been broken for months, nobody watches.",
)
_ROLES = ("Officer", "Code inspector", "Town Manager", "Councilmember")

_PREFIXES = ("", "", "", "", "Honestly, ", "Ok so ", "Wow. ", "Serious question: ", "Ugh. ")
# Sentence starters that are lowercased after "Honestly, " or "Ok so " (never proper nouns).
_STARTERS = (
    "the this is can will what where who how our my love thanks thank great really good saw "
    "there for just let's everyone anyone we keep worst absolutely another you only hey shut go "
    "screw holy damn nobody does took finally so please why are it here's skip watch make best "
    "cheap hot got free throw slash selling recall pathetic"
)
_LOWER_AFTER_PREFIX = frozenset(_STARTERS.split())
_SUFFIXES = ("", "", "", "", "", " 🙄", "!!", " Just saying.", " #QueenCreek", " 👍", "...")

# One deck of 100: 80 legitimate, 20 violations. Labels are the intended categories.
_DECK: tuple[str, ...] = (
    ("criticism",) * 22
    + ("question",) * 20
    + ("praise",) * 16
    + ("info",) * 12
    + ("tricky",) * 10
    + ("a",) * 4
    + ("b",) * 3
    + ("c",) * 2
    + ("d",) * 4
    + ("e",) * 2
    + ("f",) * 1
    + ("g",) * 2
    + ("h",) * 2
)
_LEGIT = {
    "criticism": _CRITICISM,
    "question": _QUESTIONS,
    "praise": _PRAISE,
    "info": _INFO,
    "tricky": _TRICKY,
}
_VIOLATION = {"a": _A, "b": _B, "c": _C, "d": _D, "e": _E, "f": _F, "g": _G, "h": _H}


@dataclass(frozen=True)
class _Author:
    id: str
    name: str
    handle: str
    platform: str


def _author_pool() -> tuple[tuple[_Author, ...], tuple[_Author, ...]]:
    """A fixed pool of authors (the same for every seed) and the repeat-violator subset."""
    rng = random.Random(_AUTHOR_POOL_SEED)
    authors: list[_Author] = []
    seen: set[str] = set()
    while len(authors) < _AUTHOR_COUNT:
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        name = f"{first} {last}"
        handle = f"{first.lower()}{last[: rng.randint(1, len(last))].lower()}{rng.randint(1, 99)}"
        if handle in seen:
            continue
        seen.add(handle)
        platform = rng.choices(PLATFORMS, weights=_PLATFORM_WEIGHTS)[0]
        if platform == "facebook":
            aid = str(rng.randrange(100_000_000_000_000, 100_099_999_999_999))
        elif platform == "instagram":
            aid = str(rng.randrange(1_000_000_000, 9_999_999_999))
        elif platform == "x":
            aid = str(rng.randrange(10**17, 10**18))
        elif platform == "nextdoor":
            aid = f"nd{rng.randrange(10_000_000, 99_999_999)}"
        else:
            alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
            aid = "UC" + "".join(rng.choice(alphabet) for _ in range(22))
        display = handle if platform in ("instagram", "x") and rng.random() < 0.4 else name
        authors.append(_Author(aid, display, handle, platform))
    trolls = tuple(rng.sample(authors, _TROLL_COUNT))
    return tuple(authors), trolls


_AUTHORS, _TROLLS = _author_pool()


def _url(platform: str, page: str, post: str, comment_id: str, handle: str) -> str:
    if platform == "facebook":
        return f"https://www.facebook.com/{page}/posts/{post}?comment_id={comment_id}"
    if platform == "instagram":
        return f"https://www.instagram.com/p/{post}/c/{comment_id}/"
    if platform == "x":
        return f"https://x.com/{handle}/status/{comment_id}"
    if platform == "nextdoor":
        return f"https://nextdoor.com/p/{post}/?comment={comment_id}"
    return f"https://www.youtube.com/watch?v={post}&lc={comment_id}"


def _slots(rng: random.Random, post: Post) -> dict[str, str]:
    """Values for every placeholder any template may use (unused ones are ignored)."""
    road, road2 = rng.sample(_ROADS, 2)
    code_chars = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    short = rng.choice(_SHORT).format(code="".join(rng.choice(code_chars) for _ in range(6)))
    victim = rng.choice(_AUTHORS)
    return {
        "subject": post.subject,
        "road": road,
        "road2": road2,
        "park": rng.choice(_PARKS),
        "official": rng.choice(_OFFICIALS),
        "council": rng.choice(_OFFICIALS[:5]),
        "staff": rng.choice(_STAFF),
        "role": rng.choice(_ROLES),
        "handle": victim.handle,
        "name": victim.name.split()[0] if " " in victim.name else victim.name,
        "person": f"{rng.choice(_FIRST)} {rng.choice(_LAST)}",
        "insult": rng.choice(_INSULTS),
        "fword": rng.choice(_VULGAR_WORDS),
        "shit": rng.choice(_SHIT_WORDS),
        "group": rng.choice(_GROUPS),
        "link": rng.choice(("", "https://", "http://")) + short,
        "n2": f"{rng.randrange(100):02d}",
        "movie": rng.choice(_PIRATED),
        "paywalled": rng.choice(_PAYWALLED),
        "card": rng.choice(_CARDS),
        "ssn": rng.choice(_SSNS),
        "condition": rng.choice(_CONDITIONS),
        "fstreet": rng.choice(_FSTREETS),
        "acct": str(rng.randrange(10_000_000, 99_999_999)),
        "address": f"{rng.randrange(18000, 26999)} {rng.choice(_FSTREETS)}",
        "code": str(rng.randrange(1000, 9999)),
        "year": str(rng.choice((2023, 2024, 2025))),
    }


def _render(rng: random.Random, template: str, post: Post) -> str:
    text = template.format(**_slots(rng, post))
    text = text[0].upper() + text[1:]
    prefix, suffix = rng.choice(_PREFIXES), rng.choice(_SUFFIXES)
    first_word = text.split(" ", 1)[0]
    if prefix.endswith((", ", "so ")) and first_word.lower() in _LOWER_AFTER_PREFIX:
        text = text[0].lower() + text[1:]
    if suffix[:1] in ("!", ".") and text[-1] in ".!?":
        suffix = ""
    text = prefix + text + suffix
    if rng.random() < 0.03:
        text = text.upper()
    elif rng.random() < 0.05:
        text = text.lower()
    return text


def _labels_for(kind: str, text: str) -> list[str]:
    if kind not in _VIOLATION:
        return []
    labels = {kind}
    # A piracy comment that carries a link is also an unrelated link (d).
    if kind == "f" and any(s.split("/")[0] in text for s in _SHORT):
        labels.add("d")
    return sorted(labels)


def generate_labeled(
    count: int, seed: int = 0, start: datetime | None = None
) -> Iterator[tuple[dict[str, object], list[str]]]:
    """Yield ``count`` synthetic comments with the policy categories each one was written for.

    The list is empty for a legitimate comment (including harsh criticism of the Town), else
    the categories a-h it violates. The same ``seed`` and ``start`` give the same output.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    rng = random.Random(seed)
    when = start if start is not None else DEFAULT_START
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    deck: list[str] = []
    recent: dict[tuple[str, str], list[str]] = {}
    post_weights = [rng.randint(1, 10) for _ in POSTS]
    for n in range(count):
        if not deck:
            deck = list(_DECK)
            rng.shuffle(deck)
        kind = deck.pop()
        violating = kind in _VIOLATION
        author = rng.choice(_TROLLS) if violating and rng.random() < 0.6 else rng.choice(_AUTHORS)
        post = rng.choices(POSTS, weights=post_weights)[0]
        if violating:
            template = rng.choice(_VIOLATION[kind])
        elif rng.random() < 0.3:
            template = rng.choice(post.lines)
        else:
            template = rng.choice(_LEGIT[kind])
        text = _render(rng, template, post)
        when = when + timedelta(seconds=1 + int(rng.expovariate(1 / 40)))
        comment_id = f"demo-{seed}-{n}"
        thread = recent.setdefault((author.platform, post.id), [])
        parent = rng.choice(thread) if thread and rng.random() < 0.3 else None
        thread.append(comment_id)
        if len(thread) > 20:
            del thread[0]
        record: dict[str, object] = {
            "id": comment_id,
            "platform": author.platform,
            "page": post.page,
            "post": post.id,
            "parent": parent,
            "author_id": author.id,
            "author_name": author.name,
            "text": text,
            "created_at": when.isoformat().replace("+00:00", "Z"),
            "url": (
                None
                if rng.random() < 0.05
                else _url(author.platform, post.page, post.id, comment_id, author.handle)
            ),
        }
        yield record, _labels_for(kind, text)


def generate_comments(
    count: int, seed: int = 0, start: datetime | None = None
) -> Iterator[dict[str, object]]:
    """Yield ``count`` synthetic comments as plain dicts in :class:`Comment`'s JSON shape."""
    for record, _labels in generate_labeled(count, seed, start):
        yield record


# --------------------------------------------------------------------------------------------
# Malformed input
# --------------------------------------------------------------------------------------------

MALFORMED_KINDS: tuple[str, ...] = (
    "truncated_json",
    "single_quotes",
    "trailing_garbage",
    "text_is_number",
    "created_at_not_a_date",
    "author_id_is_list",
    "missing_field",
    "invalid_utf8",
    "empty_text",
    "oversized_text",
    "json_list",
    "json_string",
    "json_scalar",
    "nul_byte_raw",
    "nul_before_json",
    "unknown_field",
    "id_too_long",
    "blank_line",
)
_REQUIRED = ("id", "platform", "page", "post", "author_id", "text", "created_at")


def _dumps(obj: object) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def _malformed(kind: str, base: dict[str, object], rng: random.Random, max_chars: int) -> bytes:
    good = _dumps(base)
    if kind == "truncated_json":
        return good[: rng.randrange(1, len(good) - 1)]
    if kind == "single_quotes":
        return good.replace(b'"', b"'")
    if kind == "trailing_garbage":
        return good + rng.choice((b"}", b",", b" {}", b"]"))
    if kind == "text_is_number":
        return _dumps({**base, "text": rng.choice((42, 3.14, -1, 0))})
    if kind == "created_at_not_a_date":
        return _dumps({**base, "created_at": rng.choice(("yesterday", "2025-13-45", True, []))})
    if kind == "author_id_is_list":
        return _dumps({**base, "author_id": [base["author_id"]]})
    if kind == "missing_field":
        field = rng.choice(_REQUIRED)
        return _dumps({k: v for k, v in base.items() if k != field})
    if kind == "invalid_utf8":
        bad = rng.choice((b"\xff\xfe", b"\xc0\xaf", b"\x80", b"\xed\xa0\x80", b"caf\xe9"))
        head, _, tail = good.partition(b'"text": "')
        return head + b'"text": "' + bad + tail
    if kind == "empty_text":
        return _dumps({**base, "text": ""})
    if kind == "oversized_text":
        return _dumps({**base, "text": "Fix the roads. " * (max_chars // 15 + 2)})
    if kind == "json_list":
        return _dumps([base])
    if kind == "json_string":
        return _dumps(str(base["text"]))
    if kind == "json_scalar":
        return rng.choice((b"null", b"42", b"true"))
    if kind == "nul_byte_raw":
        head, _, tail = good.partition(b'"text": "')
        return head + b'"text": "\x00' + tail
    if kind == "nul_before_json":
        return b"\x00" + good
    if kind == "unknown_field":
        return _dumps({**base, "likes": rng.randrange(1000)})
    if kind == "id_too_long":
        return _dumps({**base, "id": "x" * 600})
    if kind == "blank_line":  # whitespace only: a truly empty JSONL line is no record at all
        return rng.choice((b" ", b"   ", b"\t"))
    raise ValueError(f"unknown malformed kind {kind!r}")


def malformed_labeled(
    count: int, seed: int = 0, max_chars: int = 20_000
) -> list[tuple[str, bytes]]:
    """Return ``count`` (kind, bad input line) pairs; the first lines cover every kind once.

    No line contains a newline byte, so each can be written as one line of a JSONL file.
    """
    if count < 0:
        raise ValueError("count must be >= 0")
    rng = random.Random(seed)
    bases = list(generate_comments(max(count, 1), seed=seed))
    kinds: list[str] = []
    while len(kinds) < count:
        block = list(MALFORMED_KINDS)
        rng.shuffle(block)
        kinds.extend(block)
    return [(k, _malformed(k, bases[i], rng, max_chars)) for i, k in enumerate(kinds[:count])]


def malformed_lines(count: int, seed: int = 0, max_chars: int = 20_000) -> list[bytes]:
    """Return ``count`` deterministic bad input lines, none of which is a valid comment.

    Kinds: malformed JSON, wrong types, missing fields, invalid UTF-8, empty text, text longer
    than ``max_chars`` (the one kind that is valid JSON for :class:`Comment` but over the
    ingest limit), non-object JSON, NUL bytes, unknown fields, over-long ids, blank lines.
    """
    return [line for _kind, line in malformed_labeled(count, seed, max_chars)]


def sample_texts(labels: Sequence[str], count: int, seed: int = 0) -> list[str]:
    """Return up to ``count`` generated texts whose intended categories include any of ``labels``.

    An empty ``labels`` selects legitimate comments.
    """
    wanted = set(labels)
    out: list[str] = []
    for record, cats in generate_labeled(count * 100, seed):
        if (not wanted and not cats) or wanted & set(cats):
            out.append(str(record["text"]))
            if len(out) >= count:
                break
    return out
