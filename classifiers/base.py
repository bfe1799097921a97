"""The detector seam: every category a–i plugs in here.

A detector scores a batch of texts and returns, for each text, the findings it made.
The stream always calls :meth:`Detector.detect_batch` with a whole batch, never one
comment at a time, so vectorised detectors pay their fixed costs once per batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol, runtime_checkable

from pipeline.records import Finding


@runtime_checkable
class Detector(Protocol):
    """Anything that turns texts into findings."""

    name: str
    version: str

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Return one list of findings per text, in the order given (empty: nothing found)."""
        ...


class Registry:
    """An ordered set of detectors, run together over one batch."""

    def __init__(self, detectors: Sequence[Detector]) -> None:
        self.detectors = tuple(detectors)

    @property
    def version(self) -> str:
        """A version string naming every detector and its version (stored with each verdict)."""
        return "+".join(f"{d.name}@{d.version}" for d in self.detectors) or "none"

    def detect_batch(self, texts: Sequence[str]) -> list[list[Finding]]:
        """Run every detector over the batch and merge the findings per text."""
        merged: list[list[Finding]] = [[] for _ in texts]
        for detector in self.detectors:
            for bucket, found in zip(merged, detector.detect_batch(texts), strict=True):
                bucket.extend(found)
        return merged
