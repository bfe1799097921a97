"""Category-g redaction of an exported copy."""

from __future__ import annotations

from sinks.redact import MASK, REPLACEMENT, redact_g

CARD = "4111 1111 1111 1111"


def _verdict() -> dict[str, object]:
    text = f"Shit, pay me at {CARD} please"
    start = text.index(CARD)
    return {
        "comment": {"id": "c-1", "text": text},
        "findings": [
            {"category": "a", "score": 0.9, "evidence": [{"start": 0, "end": 4, "text": "Shit"}]},
            {"category": "g", "score": 0.99,
             "evidence": [{"start": start, "end": start + len(CARD), "text": "4111…1111"}]},
        ],
        "reasons": ["Flagged under E.1.a: 'Shit' at 0–4",
                    f"Removed under E.1.g: '4111…1111' at {start}–{start + len(CARD)}"],
        "action": "remove",
    }


def test_g_spans_are_masked_in_place_and_logged() -> None:
    original = _verdict()
    redacted, log = redact_g(original)
    text = redacted["comment"]["text"]
    assert CARD not in text and MASK * len(CARD) in text
    assert len(text) == len(original["comment"]["text"])  # type: ignore[index]
    assert text.startswith("Shit")  # other categories' evidence untouched, offsets valid
    assert redacted["findings"][1]["evidence"][0]["text"] == REPLACEMENT
    assert redacted["findings"][0]["evidence"][0]["text"] == "Shit"
    assert "4111" not in redacted["reasons"][1] and redacted["reasons"][0].endswith("0–4")
    assert {entry.field for entry in log} == {"comment.text", "findings[1].evidence[0].text",
                                              "reasons[1]"}
    assert all(entry.category == "g" and entry.comment_id == "c-1" for entry in log)


def test_the_original_record_is_not_changed() -> None:
    original = _verdict()
    redact_g(original)
    assert CARD in original["comment"]["text"]  # type: ignore[index]


def test_a_verdict_without_g_findings_is_copied_unchanged() -> None:
    verdict = {"comment": {"id": "c-2", "text": "Fine words"}, "findings": [], "reasons": []}
    redacted, log = redact_g(verdict)
    assert redacted == verdict and log == []


def test_spans_outside_the_text_are_clipped() -> None:
    verdict = {"comment": {"id": "c-3", "text": "short"},
               "findings": [{"category": "g", "evidence": [{"start": 3, "end": 99, "text": ""}]}]}
    redacted, log = redact_g(verdict)
    assert redacted["comment"]["text"] == "sho" + MASK * 2
    assert [(e.start, e.end) for e in log] == [(3, 5)]
