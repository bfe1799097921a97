"""Consumer lag with Kafka's semantics, also where the broker's end offsets are wrong.

Kafka: a partition's end offset is the offset the next record will get (last offset + 1) and
a group's committed offset is the next record it will read, so lag = end - committed. Tansu
answers end-offset queries with the start of the last batch + 1, which can be below the true
end; what a consumer has actually read is never wrong, so the end used is the larger of the
two.
"""

from __future__ import annotations

from collections.abc import Iterable


def effective_end(reported_end: int, consumed_offsets: Iterable[int] = ()) -> int:
    """The partition's end: the broker's answer, or just past the last offset seen, if later."""
    return max([reported_end, *(offset + 1 for offset in consumed_offsets)])


def partition_lag(end: int, committed: int | None, log_start: int = 0) -> int:
    """Records from the committed offset (or the log start, if none) to ``end``; never < 0."""
    start = committed if committed is not None else log_start
    return max(end - start, 0)
