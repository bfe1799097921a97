"""Counting a chaos run's archive: by comment id, by dead letter, and by Kafka record."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from dataclasses import asdict, dataclass, field

from pipeline.settings import Settings
from sinks.reader import archived_lines
from tests.integration.archive_helpers import cli_env, role_store
from tests.integration.helpers import read_topic


@dataclass
class Tally:
    """The figures of one run (``duplicated``: extra archived copies of a comment id)."""

    fault: str
    comments_in: int
    archived: int
    missing: int
    duplicated: int
    dead_in: int
    dead_archived: int
    dead_missing: int
    dead_duplicated: int
    records_twice: int  # the same Kafka record (topic, partition, offset) in two objects
    verified: bool
    sink_rss_peak_mb: float = 0.0
    seconds: float = 0.0
    ids: set[str] = field(default_factory=set, repr=False)  # the comment ids archived

    def line(self) -> str:
        """One line for the test output."""
        return (f"{self.fault}: ingested {self.comments_in}, archived {self.archived}, "
                f"duplicated {self.duplicated}, missing {self.missing}; dead letters "
                f"{self.dead_in} in, {self.dead_archived} archived, {self.dead_duplicated} "
                f"duplicated, {self.dead_missing} missing; records archived twice "
                f"{self.records_twice}; verify {'OK' if self.verified else 'FAILED'}; "
                f"sink RSS peak {self.sink_rss_peak_mb:.0f} MB; {self.seconds:.0f}s")

    def as_json(self) -> dict[str, object]:
        """The figures as a JSON object."""
        return {k: v for k, v in asdict(self).items() if k != "ids"}


def count_archive(fault: str, settings: Settings, ids: set[str], dead: set[str]) -> Tally:
    """Count what the archive of ``settings`` holds against what was sent, and verify it."""
    store = role_store(settings, "pipeline")
    topics = settings.topics
    comments: Counter[str] = Counter()
    letters: Counter[str] = Counter()
    records: Counter[tuple[str, int, int]] = Counter()
    for topic in (topics.verdicts, topics.deadletter):
        for line in archived_lines(store, topic):
            records[(topic, line["partition"], line["offset"])] += 1
            record = line["record"]
            if topic == topics.verdicts:
                comments[str(record["comment"]["id"])] += 1
            else:
                letters[str(record["source"])] += 1
    return Tally(
        fault=fault, comments_in=len(ids), archived=len(ids & set(comments)),
        missing=len(ids - set(comments)),
        duplicated=sum(n - 1 for n in comments.values()), dead_in=len(dead),
        dead_archived=len(dead & set(letters)), dead_missing=len(dead - set(letters)),
        dead_duplicated=sum(n - 1 for n in letters.values()),
        records_twice=sum(n - 1 for n in records.values()), verified=verify(settings),
        ids=set(comments),
    )


def locate(settings: Settings, ids: set[str], expected: int) -> str:
    """Where the comments ``ids`` (missing from the archive) are: on ``comments.raw``, on
    the verdicts topic, or on neither (read from the broker; ``expected``: raw's size)."""
    found = {}
    for topic in (settings.topics.raw, settings.topics.verdicts):
        seen = set()
        for message in read_topic(settings, topic, expected, timeout=30):
            body = json.loads(message.value)
            seen.add(str((body.get("comment") or body).get("id")))
        found[topic] = seen & ids
    return ", ".join(f"{len(v)} of them on {k} at {sorted(v)[:5]}" for k, v in found.items())


def verify(settings: Settings) -> bool:
    """``civicmod archive verify`` with the records officers' keys: True when it passes."""
    env = {**os.environ, **cli_env(settings, "officer")}
    done = subprocess.run([sys.executable, "-m", "civicmod.cli", "archive", "verify"],
                          env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:])
    return done.returncode == 0
