"""Reading the processes' own numbers: their ``/readyz`` and ``/metrics`` (for ``status``)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from sinks.waiting import REASONS

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


def _metrics_text(url: str) -> str | None:
    try:
        with urllib.request.urlopen(f"{url}/metrics", timeout=2) as response:
            return str(response.read().decode())
    except OSError:
        return None


def scrape_totals(urls: Mapping[str, str]) -> dict[str, float]:
    """The :data:`SUMMED` samples over every reachable process; unreachable ones are skipped."""
    totals: dict[str, float] = {}
    for url in urls.values():
        text = _metrics_text(url)
        for family in text_string_to_metric_families(text or ""):
            for sample in family.samples:
                label = SUMMED.get(sample.name)
                if label is not None:
                    totals[label] = totals.get(label, 0.0) + sample.value
    return totals


def waits(urls: Mapping[str, str]) -> list[str]:
    """Why each waiting process waits, one line each: "sink waiting: S3 unreachable
    (EndpointConnectionError) since 2026-12-07 11:40:02 UTC, 14 retries"."""
    lines = []
    for role, url in urls.items():
        samples = {s.name: s for family in text_string_to_metric_families(_metrics_text(url) or "")
                   for s in family.samples}
        since = samples.get("civicmod_archive_waiting_since_seconds")
        if since is None:
            continue
        retries = samples.get("civicmod_archive_waiting_retries")
        reason = REASONS.get(since.labels.get("reason", ""), since.labels.get("reason", "?"))
        began = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(since.value))
        lines.append(f"{role} waiting: {reason} ({since.labels.get('error', '?')}) since "
                     f"{began}, {int(retries.value) if retries else 0} retries")
    return lines
