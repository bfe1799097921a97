"""The detector seam: every category a–i plugs in here.

A detector scores a batch of texts and returns, for each text, the findings it made.
The stream always calls :meth:`Detector.detect_batch` with a whole batch, never one
comment at a time, so vectorised detectors pay their fixed costs once per batch.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from pipeline.records import Finding

log = logging.getLogger(__name__)


@contextmanager
def gc_paused() -> Iterator[None]:
    """The cyclic garbage collector off inside the block, and on again after if it was on.

    A batch allocates hundreds of thousands of short-lived containers (matches, hits, numpy
    views, findings); reference counting frees them all, but their count alone triggers
    collections that walk every tracked object of the process (the models, the caches)
    many times per batch. Paused, the collector runs once the batch is done instead: a
    fifth faster on the public texts (docs/benchmarks.md), no finding changes.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


@runtime_checkable
class Detector(Protocol):
    """Anything that turns texts into findings."""

    name: str
    version: str

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return one list of findings per text, in the order given (empty: nothing found)."""
        ...


class ScoreMap(Protocol):
    """Maps the scores of some findings per source of the comment (per-source calibration)."""

    @property
    def version(self) -> str:
        """Names the maps (joins the verdicts' ``model_version``)."""
        ...

    def rescore(self, sources: Sequence[str], findings: list[Finding]) -> list[Finding]:
        """The findings of one comment whose origins are ``sources`` (most specific first),
        with the scores it has a map for replaced; the others unchanged."""
        ...


@dataclass
class Detection:
    """Everything the registry found in one text, and the detectors that failed on it."""

    findings: list[Finding] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


class Registry:
    """An ordered set of detectors, run together over one batch.

    A detector that raises never costs the other detectors' findings: its batch is retried
    one text at a time, and each text it still fails on records the failure.
    """

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.detectors = tuple(detectors)

    @property
    def version(self) -> str:
        """A version string naming every detector and its version (stored with each verdict)."""
        return "+".join(f"{d.name}@{d.version}" for d in self.detectors) or "none"

    def detect_batch(self, texts: Sequence[str]) -> list[Detection]:
        """Run every detector over the batch and merge the findings per text.

        The cyclic garbage collector is paused for the batch (:func:`gc_paused`)."""
        with gc_paused():
            return self._detect_batch(texts)

    def _detect_batch(self, texts: Sequence[str]) -> list[Detection]:
        merged = [Detection() for _ in texts]
        for detector in self.detectors:
            try:
                results = detector.detect_batch(texts)
            except Exception as exc:  # a detector bug must never stop the stream
                log.error("%s failed on a batch of %d: %s", detector.name, len(texts),
                          type(exc).__name__)
                self._one_by_one(detector, texts, merged)
                continue
            for detection, found in zip(merged, results, strict=True):
                detection.findings.extend(found)
        return merged

    @staticmethod
    def _one_by_one(detector: Detector, texts: Sequence[str], merged: list[Detection]) -> None:
        for text, detection in zip(texts, merged, strict=True):
            try:
                detection.findings.extend(detector.detect_batch([text])[0])
            except Exception as exc:
                detection.failures.append(f"detector {detector.name} failed "
                                          f"({type(exc).__name__})")
