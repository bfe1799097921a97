"""Lag with Kafka's semantics, and the same answer where the broker under-reports the end."""

from __future__ import annotations

import pytest

from pipeline.lag import effective_end, partition_lag

# A partition holding offsets 0..9 in batches [0..5] and [6..9]: Kafka's end offset is 10.
KAFKA_END = 10
TANSU_END = 6 + 1  # Tansu: the start of the last batch + 1


@pytest.mark.parametrize(("committed", "expected"), [(None, 10), (0, 10), (7, 3), (10, 0)])
def test_lag_is_end_minus_committed_as_in_kafka(committed: int | None, expected: int) -> None:
    assert partition_lag(KAFKA_END, committed) == expected


def test_a_committed_offset_beyond_a_stale_end_is_no_negative_lag() -> None:
    assert partition_lag(8, 10) == 0


def test_a_group_without_commits_lags_from_the_log_start() -> None:
    assert partition_lag(KAFKA_END, None, log_start=4) == 6


def test_consumed_offsets_correct_an_under_reported_end() -> None:
    end = effective_end(TANSU_END, consumed_offsets=[6, 7, 8, 9])
    assert end == KAFKA_END
    assert partition_lag(end, 7) == partition_lag(KAFKA_END, 7) == 3


def test_a_correct_end_is_left_as_it_is() -> None:
    assert effective_end(KAFKA_END, consumed_offsets=[3, 9]) == KAFKA_END
    assert effective_end(KAFKA_END) == KAFKA_END
    assert effective_end(0) == 0
