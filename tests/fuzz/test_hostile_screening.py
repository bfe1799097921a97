"""Hostile input through validation and the Screener with the shipped detectors: nothing
raises, and each input ends as exactly one verdict or one dead letter holding its bytes."""

from __future__ import annotations

import io
import json
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from classifiers.registry import default_registry
from pipeline.ingest import csv_rows
from pipeline.policy import load_policy
from pipeline.records import Comment
from pipeline.screening import Outcome, RawMessage, Screener
from pipeline.settings import load_settings
from pipeline.validation import InvalidComment, parse_comment
from tests.fuzz.corpus import BROKEN_CSV, Hostile, corpus, generated_inputs, hostile_bytes

LIMIT = load_settings().ingest.max_text_chars


@cache
def screener() -> Screener:
    """The worker's screener: shipped registry, shipped policy, default limits."""
    app = load_settings()
    policy = load_policy(app.policy_file)
    return Screener(default_registry(detectors=app.detectors, policy=policy), policy,
                    max_text_chars=app.ingest.max_text_chars,
                    score_window_chars=app.worker.score_window_chars)


def check_outcome(raw: bytes, outcome: Outcome) -> str:
    """Exactly one of verdict or dead letter; a dead letter keeps the bytes, a verdict's
    comment is what parse_comment makes of them and serialises; returns which it was."""
    assert (outcome.verdict is None) != (outcome.deadletter is None)
    if outcome.deadletter is not None:
        assert outcome.deadletter.raw == raw
        assert outcome.deadletter.error
        outcome.deadletter.to_json_bytes()
        return "deadletter"
    verdict = outcome.verdict
    assert verdict is not None
    assert verdict.comment.id == parse_comment(raw, LIMIT).id
    assert Comment.model_validate_json(verdict.comment.to_json_bytes()) == verdict.comment
    verdict.to_json_bytes()
    assert not [r for r in verdict.reasons if r.startswith("Not fully scored")], verdict.reasons
    return "verdict"


@pytest.mark.parametrize("hostile", corpus(), ids=lambda h: h.name)
def test_parse_comment_accepts_or_refuses_each_corpus_entry(hostile: Hostile) -> None:
    try:
        parse_comment(hostile.raw, LIMIT)
    except InvalidComment as exc:
        assert exc.reason
        assert hostile.expect == "deadletter", exc.reason
    else:
        assert hostile.expect == "verdict"


def test_the_whole_corpus_in_one_batch_ends_in_order_as_verdicts_or_dead_letters() -> None:
    entries = corpus()
    messages = [RawMessage(key=None, value=h.raw, source=f"fuzz[0]@{i}")
                for i, h in enumerate(entries)]
    outcomes = screener().screen(messages)
    assert len(outcomes) == len(entries)
    fates = {h.name: check_outcome(h.raw, o) for h, o in zip(entries, outcomes, strict=True)}
    assert fates == {h.name: h.expect for h in entries}


def test_seeded_generated_inputs_end_as_verdicts_or_dead_letters() -> None:
    inputs = generated_inputs(300, seed=15)
    outcomes = screener().screen([RawMessage(None, raw, f"fuzz[0]@{i}")
                                  for i, raw in enumerate(inputs)])
    fates = [check_outcome(raw, o) for raw, o in zip(inputs, outcomes, strict=True)]
    assert 50 < fates.count("verdict") < 250  # both kinds are exercised


def test_broken_csv_quoting_gives_every_row_a_fate_and_reading_goes_on() -> None:
    rows = list(csv_rows(io.BytesIO(BROKEN_CSV), "broken.csv"))
    outcomes = screener().screen([RawMessage(None, raw, src) for raw, src in rows])
    fates = [check_outcome(raw, o) for (raw, _), o in zip(rows, outcomes, strict=True)]
    ids = [o.verdict.comment.id for o in outcomes if o.verdict is not None]
    # csv-2's quote runs past the reader's field limit: that row is dead-lettered as its
    # original bytes and the rows after it are read as usual.
    assert ids == ["csv-1", "csv-3", "csv-7"]
    broken = [raw for (raw, _), fate in zip(rows, fates, strict=True) if fate == "deadletter"]
    assert any(raw.startswith(b'csv-2,') and len(raw) > 140_000 for raw in broken)
    assert len(fates) == 7  # csv-1 … csv-7, one each


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(hostile_bytes, min_size=1, max_size=8))
def test_any_bytes_end_as_one_verdict_or_one_dead_letter(batch: list[bytes]) -> None:
    messages = [RawMessage(None, raw, f"fuzz[0]@{i}") for i, raw in enumerate(batch)]
    outcomes = screener().screen(messages)
    assert len(outcomes) == len(batch)
    for raw, outcome in zip(batch, outcomes, strict=True):
        check_outcome(raw, outcome)


@settings(max_examples=300, deadline=None)
@given(hostile_bytes)
def test_parse_comment_raises_nothing_but_invalid_comment(raw: bytes) -> None:
    try:
        comment = parse_comment(raw, LIMIT)
    except InvalidComment as exc:
        assert exc.reason
    else:
        assert comment.text.strip()
        json.loads(comment.to_json_bytes())
