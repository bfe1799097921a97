"""Category h rules: disclosures that endanger systems, staff or proceedings, masked."""

from __future__ import annotations

import pytest

from classifiers.security import SecurityDetector

DETECTOR = SecurityDetector()


@pytest.mark.parametrize(
    ("text", "label", "evidence"),
    [
        ("The gate code at the Ellsworth pump station is 4821#", "door, gate or keypad code",
         "gate code at the Ellsworth pump station is ****#"),
        ("punch in 2580 at the side gate", "door, gate or keypad code",
         "punch in **** at the side gate"),
        ("wifi password is QCstaff2024! if anyone needs it", "password or credential",
         "********"),
        ("key AKIAIOSFODNN7EXAMPLE leaked", "API key or private key", "AKIA…"),
        ("SCADA at the water plant still uses the default password admin/admin",
         "infrastructure system details",
         "SCADA at the water plant still uses the default password"),
        ("The HMI is reachable at 192.168.4.12", "internal network address", "192.168.*.*"),
        ("The back door of the water treatment plant is always left unlocked",
         "physical weakness of a critical facility",
         "water treatment plant is always left unlocked"),
        ("Judge Harlan lives at 2214 E Ocotillo Rd, go say hi",
         "home address of an official, staff member, judge or witness",
         "Judge Harlan lives at **** E Ocotillo Rd"),
        ("The town manager leaves his house every morning at 6:15",
         "routine of an official, staff member, judge or witness",
         "town manager leaves his house every"),
        ("The confidential informant is Ricky Moreno",
         "identity of a witness, informant or undercover officer", "R**** M*****"),
        ("Cops are planning to raid the house on Vine tomorrow",
         "sealed or active investigation details",
         "Cops are planning to raid the house on Vine tomorrow"),
    ],
)
def test_disclosures_are_flagged_and_secrets_masked(text: str, label: str, evidence: str) -> None:
    [finding] = DETECTOR.detect(text)
    assert finding.category == "h" and label in finding.label and finding.score >= 0.5
    assert evidence in [e.text for e in finding.evidence]


def test_no_code_password_or_house_number_survives_in_evidence() -> None:
    text = "Door code 7391, password Hunter22!, the clerk lives at 4512 W Mesquite Ln"
    [finding] = DETECTOR.detect(text)
    blob = finding.model_dump_json()
    for secret in ("7391", "Hunter22", "4512"):
        assert secret not in blob


@pytest.mark.parametrize(
    "text",
    [
        "Are the water plant's systems protected from hackers?",
        "Is the SCADA system for our water regularly audited?",
        "Why is the police report sealed?",
        "The mayor lives in Queen Creek, she should know the traffic",
        "Town hall is at 22358 S Ellsworth Rd",
        "The mayor's office is at Town Hall, second floor",
        "What is the gate code policy for the HOA?",
        "The 2021 building code requires sprinklers",
        "Our zip code is 85142",
        "Version 1.2.3.4 of the app crashed",
        "I forgot my password for the utility portal",
        "How do I reset my password? It is not working",
        "The witness is lying and everyone knows it",
        "The Zoom meeting ID is 823 4412 9056 for the meeting",
        "The meeting starts at 6 on Tuesday",
        "The judge jogs my memory of old times",
        "Will the investigation into the contract be made public?",
    ],
)
def test_questions_and_public_facts_pass(text: str) -> None:
    assert DETECTOR.detect(text) == []
