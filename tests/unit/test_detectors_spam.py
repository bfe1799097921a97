"""Category d rules: links off the Town's domains, shorteners, offers, off-platform contact."""

from __future__ import annotations

import pytest

from classifiers.registry import default_registry
from classifiers.spam import SpamDetector
from classifiers.textnorm import normalize
from classifiers.urls import blank_links_to, links, on_domain
from pipeline.detection import Registry
from pipeline.records import Finding
from pipeline.settings import DetectorSettings

DETECTOR = SpamDetector(DetectorSettings())


def finding(text: str) -> Finding | None:
    found = DETECTOR.detect(text)
    assert len(found) <= 1
    return found[0] if found else None


def test_money_offer_with_a_contact_number_is_removal_grade() -> None:
    text = "Earn $500 a day from home! WhatsApp me +1 480 555 0142"
    f = finding(text)
    assert f is not None and f.category == "d" and f.score >= 0.9
    assert "money-making offer" in f.label and "off-platform contact number" in f.label
    offer = f.evidence[0]
    assert (offer.start, offer.end, offer.text) == (0, 15, "Earn $500 a day")
    assert f.evidence[-1].text.endswith("****0142")  # the number itself is not repeated


def test_shortened_link_only_comment_is_review_not_removal() -> None:
    f = finding("bit.ly/3abc")
    assert f is not None and 0.5 <= f.score < 0.9
    assert f.label == "link-only comment; shortened link"
    assert [(e.start, e.end, e.text) for e in f.evidence] == [(0, 11, "bit.ly/3abc")]


@pytest.mark.parametrize("text", ["rb.gy/qc-free", "join t.me/profitsignals", "shorturl.at/x1"])
def test_every_listed_shortener_is_found_without_a_scheme(text: str) -> None:
    f = finding(text)
    assert f is not None and "shortened link" in f.label


def test_a_plain_external_link_is_recorded_below_review() -> None:
    f = finding("The county's flood map is useful: https://www.maricopa.gov/floodmap")
    assert f is not None and f.label == "external link" and f.score < 0.5


@pytest.mark.parametrize("tld", ["store", "online", "site", "club", "info"])
def test_bare_domains_on_every_listed_tld_are_links(tld: str) -> None:
    # a text's trigger stems are 4 letters: "store" and "online" are found by "stor", "onli"
    f = finding(f"Half off lashes at glamlashes.{tld} this week")
    assert f is not None and f.label == "external link"
    assert [link.host for link in links(normalize(f"see qc-deals.{tld}/x"))] == [f"qc-deals.{tld}"]
    assert finding(f"Our {tld} hours changed. {tld.title()} is closed Monday.") is None


@pytest.mark.parametrize("text", [
    "Start earning $300 per day with our affiliate program",
    "You can start making $500 a week, ask me how",
])
def test_an_order_to_start_earning_an_amount_per_period_is_an_offer(text: str) -> None:
    f = finding(text)
    assert f is not None and "money-making offer" in f.label


@pytest.mark.parametrize(
    "text",
    [
        "Agenda is here: https://www.queencreekaz.gov/government/agendas",
        "Sign up for alerts at https://alerts.queencreekaz.gov",
        "queencreek.org/library/events has the calendar",
        "Email the clerk at clerk@queencreekaz.gov",
    ],
)
def test_links_to_the_towns_own_domains_are_never_spam(text: str) -> None:
    assert finding(text) is None


def test_the_allowlist_comes_from_settings() -> None:
    custom = SpamDetector(DetectorSettings(town_domains="example.gov"))
    assert custom.detect("https://www.queencreekaz.gov/parks")
    assert not custom.detect("https://parks.example.gov/pools")
    assert custom.version != DETECTOR.version


def test_lookalike_hosts_are_not_the_town() -> None:
    assert not on_domain("queencreekaz.gov.evil.com", ("queencreekaz.gov",))
    assert not on_domain("evilqueencreekaz.gov", ("queencreekaz.gov",))
    assert finding("http://queencreekaz.gov@evil.com/login") is not None


def test_link_extraction_drops_trailing_punctuation_and_emails() -> None:
    doc = normalize("See https://example.com/a). Or mail bob@gmail.com, or www.ex.org.")
    assert [(link.text, link.host) for link in links(doc)] == [
        ("https://example.com/a", "example.com"),
        ("www.ex.org", "www.ex.org"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "I make $30 an hour as a teacher and can't afford this water bill.",
        "I made $40 a week delivering papers as a kid.",
        "I started making $20 an hour as a lifeguard at the town pool.",
        "When my son starts earning $15 an hour he'll pay for his own gas.",
        "Guaranteed income pilots are worth debating at the council.",
        "Please check out the library's new page for the summer reading list.",
        "The town spent $500 a day on consultants, that's outrageous.",
        "Version 1.2.3 of the app is out.",
        "Look at this pothole!",
    ],
)
def test_civic_talk_about_money_and_pages_passes(text: str) -> None:
    assert finding(text) is None


def test_the_default_registry_takes_the_town_domains_it_is_given() -> None:
    link_only = ["https://example-town.gov/agenda"]

    def spam_scores(registry: Registry) -> list[float]:
        (detection,) = registry.detect_batch(link_only)
        return [f.score for f in detection.findings if f.category == "d"]

    assert max(spam_scores(default_registry()), default=0.0) >= 0.5
    ours = default_registry(detectors=DetectorSettings(town_domains="example-town.gov"))
    assert max(spam_scores(ours), default=0.0) < 0.5


def test_links_to_the_towns_domains_are_blanked_in_place() -> None:
    text = "See queencreek.org/news, then https://www.example.com/x and https://alerts.queencreek.org"
    blanked = blank_links_to(text, ("queencreek.org",))
    assert len(blanked) == len(text)
    assert blanked == ("See " + " " * len("queencreek.org/news") + ", then "
                       "https://www.example.com/x and " + " " * len("https://alerts.queencreek.org"))
    assert blank_links_to(text, ()) == text
