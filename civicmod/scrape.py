"""Reading the processes' own numbers: their ``/readyz`` and ``/metrics`` (for ``status``)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

SUMMED = {
    "civicmod_ingest_comments_total": "comments ingested",
    "civicmod_verdicts_total": "verdicts",
    "civicmod_flagged_total": "flagged",
    "civicmod_dead_letters_total": "dead letters",
    "civicmod_archive_records_total": "archived records",
    "civicmod_archive_lag_records": "archive lag (records)",
    "civicmod_s3_errors_total": "S3 errors",
    "civicmod_kafka_errors_total": "Kafka errors",
}
"""Samples summed over every process and label, under the name ``status`` shows."""


def read_endpoints(path: Path) -> dict[str, str]:
    """The role → base URL map ``civicmod up`` wrote (empty when there is none)."""
    try:
        found = json.loads(path.read_text())
    except (OSError, ValueError):
        return {}
    return {str(role): str(url) for role, url in found.items()}


def readiness(url: str) -> str:
    """``ready``, ``not ready`` (answered 503) or ``down`` (no answer)."""
    try:
        with urllib.request.urlopen(f"{url}/readyz", timeout=2):
            return "ready"
    except urllib.error.HTTPError:
        return "not ready"
    except OSError:
        return "down"


def scrape_totals(urls: Mapping[str, str]) -> dict[str, float]:
    """The :data:`SUMMED` samples over every reachable process; unreachable ones are skipped."""
    totals: dict[str, float] = {}
    for url in urls.values():
        try:
            with urllib.request.urlopen(f"{url}/metrics", timeout=2) as response:
                text = response.read().decode()
        except OSError:
            continue
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                label = SUMMED.get(sample.name)
                if label is not None:
                    totals[label] = totals.get(label, 0.0) + sample.value
    return totals
