"""Category f rules: piracy, counterfeits, the Town's marks, paywalls; near-misses pass."""

from __future__ import annotations

import pytest

from classifiers.piracy import CopyrightDetector
from pipeline.settings import DetectorSettings

DETECTOR = CopyrightDetector(DetectorSettings())


@pytest.mark.parametrize(
    ("text", "label", "evidence"),
    [
        ("magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567", "magnet link",
         "magnet:?xt=urn:btih:0123456789abcdef0123456789abcdef01234567"),
        ("grab the torrent link in my bio", "torrent download", "torrent link"),
        ("watch it free on 123movies", "pirate streaming site", "123movies"),
        ("Photoshop 2024 cracked version", "cracked software or keygen", "cracked version"),
        ("IPTV subscription 20,000 channels", "pirate IPTV",
         "IPTV subscription 20,000 channels"),
        ("Selling replica Rolex, DM me", "counterfeit goods", "Selling replica Rolex"),
        ("I printed the Queen Creek seal on my trucks",
         "misuse of the Town's name, logo or seal", "printed the Queen Creek seal on my"),
        ("use archive.ph to read it", "paywalled article reposted or bypassed", "archive.ph"),
    ],
)
def test_infringement_is_flagged_with_its_words(text: str, label: str, evidence: str) -> None:
    [finding] = DETECTOR.detect(text)
    assert finding.category == "f" and finding.label == label and finding.score >= 0.5
    [ev] = finding.evidence
    assert ev.text == evidence and text[ev.start : ev.end] == evidence


def test_town_names_come_from_settings() -> None:
    other = CopyrightDetector(DetectorSettings(town_names="Town of Gilbert,Gilbert"))
    claim = "We are an official Town of Gilbert approved vendor"
    assert other.detect(claim) and not DETECTOR.detect(claim)
    assert DETECTOR.detect("We are an official Town of Queen Creek approved vendor")


@pytest.mark.parametrize(
    "text",
    [
        "A torrent of complaints came in after the vote",
        "The library shows free movies in the park on Fridays",
        "The replica of the old schoolhouse looks great",
        "There's a crack in the sidewalk on Main",
        "The cracked windows at the rec center need fixing",
        "The article is behind a paywall, can the town post a summary?",
        "Queen Creek is a great place to live",
        "Is this contractor approved by the Town of Queen Creek?",
        "The new town logo looks cheap",
        "Watch out for fake parking tickets at the mall",
        "The council meeting live stream link is on the Town's site",
    ],
)
def test_near_misses_pass(text: str) -> None:
    assert DETECTOR.detect(text) == []
