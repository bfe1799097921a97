"""Repeats of the same text by one author (policy E.1.d), remembered by the worker.

A detector sees one comment's text; a repeat needs the author's earlier comments too. The
``comments.raw`` topic is keyed by ``platform:author_id``, so all of an author's comments reach
the same worker, and this tracker keeps, per author, the recent fingerprints of their texts.

Assumption: the state lives in the worker's memory only. A restart or a rebalance forgets it,
so repeats spanning one are missed (at most one window's worth); nothing is written anywhere.

Only a digest of the normalised text is kept, never the text. Each comment id counts once, so
a comment replayed by the at-least-once worker is judged as it was the first time. Memory is
bounded: ``max_authors`` authors (the least recently seen go first), ``per_author`` comments
each (the earliest seen go first), and entries older than the window are dropped.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import OrderedDict
from datetime import datetime

from classifiers.textnorm import normalize
from pipeline.records import Comment, Finding
from pipeline.settings import DetectorSettings

DETECTOR = "repeat-text"
DETECTOR_VERSION = "1"
SCORE = 0.7
"""Above the policy's review threshold (0.5), below its remove threshold (0.9): a repeat alone
sends a comment to a moderator and never hides it."""

_NOT_LETTER_OR_DIGIT = re.compile(r"[\W_]+")

_Entry = tuple[bytes, float]  # (digest, timestamp in seconds)


def canonical(text: str) -> str:
    """The text as compared for repeats: folded like the detectors see it, NFKC, case-folded,
    and only its letters and digits (spaces, punctuation, symbols and emoji removed)."""
    folded = unicodedata.normalize("NFKC", normalize(text).text).casefold()
    return _NOT_LETTER_OR_DIGIT.sub("", folded)


class RepeatTracker:
    """Recent text fingerprints per author; finds the comments that repeat one too often."""

    def __init__(
        self, min_repeats: int = 3, window_hours: int = 24, min_chars: int = 20,
        max_authors: int = 20_000, per_author: int = 20,
    ) -> None:
        if not 2 <= min_repeats <= per_author or min(window_hours, min_chars, max_authors) < 1:
            raise ValueError("need 2 <= min_repeats <= per_author; window_hours, min_chars "
                             "and max_authors >= 1")
        self.min_repeats = min_repeats
        self.window_hours = window_hours
        self.min_chars = min_chars
        self.max_authors = max_authors
        self.per_author = per_author
        self._window = window_hours * 3600.0
        self._authors: OrderedDict[str, OrderedDict[str, _Entry]] = OrderedDict()

    @classmethod
    def from_settings(cls, detectors: DetectorSettings) -> RepeatTracker:
        """The tracker with the configured bounds."""
        return cls(
            min_repeats=detectors.repeat_min_repeats,
            window_hours=detectors.repeat_window_hours,
            min_chars=detectors.repeat_min_chars,
            max_authors=detectors.repeat_max_authors,
            per_author=detectors.repeat_per_author,
        )

    def __len__(self) -> int:
        """The number of authors remembered."""
        return len(self._authors)

    def remembered(self, author_key: str) -> int:
        """The number of the author's comments remembered (for tests and diagnostics)."""
        return len(self._authors.get(author_key, ()))

    def observe(self, author_key: str, comment_id: str, text: str, at: datetime) -> int:
        """Record a comment; return how many of the author's comments, this one included, have
        the same text within one window (0: too short to count, not recorded).

        A comment id seen before is not counted again; it is judged on the comments seen up
        to its first arrival, so a replay gets the answer the original got.
        """
        key = canonical(text)
        if len(key) < self.min_chars:
            return 0
        digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=16).digest()
        when = at.timestamp()
        seen = self._remember(author_key)
        for old in [i for i, (_, t) in seen.items() if t <= when - self._window]:
            del seen[old]
        seen[comment_id] = (digest, when)  # a replay keeps its place; an edit its new text
        if len(seen) > self.per_author:
            seen.popitem(last=False)
        times: list[float] = []
        for other, (other_digest, t) in seen.items():
            if other_digest == digest:
                times.append(t)
            if other == comment_id:
                break
        return _most_within(times, when, self._window)

    def finding(self, comment: Comment) -> Finding | None:
        """The category-d finding when ``comment`` repeats its author's text ``min_repeats``
        times or more within the window (records the comment either way)."""
        count = self.observe(comment.author_key, comment.id, comment.text, comment.created_at)
        if count < self.min_repeats:
            return None
        return Finding(
            category="d", score=SCORE, detector=DETECTOR, version=DETECTOR_VERSION,
            label=f"same text posted {count} times by this author within "
                  f"{self.window_hours} h",
        )

    def _remember(self, author_key: str) -> OrderedDict[str, _Entry]:
        seen = self._authors.get(author_key)
        if seen is not None:
            self._authors.move_to_end(author_key)
            return seen
        seen = self._authors[author_key] = OrderedDict()
        if len(self._authors) > self.max_authors:
            self._authors.popitem(last=False)
        return seen


def _most_within(times: list[float], when: float, window: float) -> int:
    """The most of ``times`` that fit in one window shorter than ``window`` that
    holds ``when`` (comments may arrive out of order: the window is by their timestamps)."""
    best = 0
    for start in times:
        if start <= when < start + window:
            best = max(best, sum(1 for t in times if start <= t < start + window))
    return best
