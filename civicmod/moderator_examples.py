"""Moderators' decisions read back from the archive, as training examples.

The latest keep, remove or restore of each comment labels it: a removal makes its categories
positive; a keep or restore makes every category the pipeline had flagged on it negative (a
flag a moderator overruled is exactly the mistake to learn from). The text comes from the
comment's archived verdict; each example's ``source`` is the comment's origin,
``platform:page`` (what per-source calibration groups by), or ``archive`` when it names none.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from civicmod.archive_access import NoKeys, open_store
from classifiers.ml.data import ALL, Example
from pipeline.settings import Settings
from sinks.reader import archived_lines
from sinks.store import ArchiveStore

log = logging.getLogger(__name__)
DECISIONS = frozenset({"keep", "remove", "restore"})


@dataclass(frozen=True)
class _Decision:
    at: datetime
    kind: str
    categories: frozenset[str]


def moderator_examples(settings: Settings) -> list[Example] | None:
    """Examples from the archive's decisions; None when no archive is configured or reachable."""
    try:
        store = open_store(settings, "officer")
    except NoKeys:
        return None
    try:
        return examples_from_store(store, settings.topics.actions, settings.topics.verdicts)
    except (BotoCoreError, ClientError) as exc:
        log.warning("archive not readable (%s); training without moderator decisions",
                    type(exc).__name__)
        return None


def examples_from_store(store: ArchiveStore, actions_topic: str, verdicts_topic: str
                        ) -> list[Example]:
    """Join the latest decision per comment with the comment's archived verdict."""
    decisions = _latest_decisions(store, actions_topic)
    examples: list[Example] = []
    if not decisions:
        return examples
    for line in archived_lines(store, verdicts_topic):
        verdict = line.get("record")
        if not isinstance(verdict, dict) or not isinstance(verdict.get("comment"), dict):
            continue
        comment = verdict["comment"]
        decision = decisions.pop(str(comment.get("id")), None)
        text = comment.get("text")
        if decision is None or not isinstance(text, str):
            continue
        if example := _example(text, decision, _flagged(verdict), _origin(comment)):
            examples.append(example)
    return examples


def _latest_decisions(store: ArchiveStore, topic: str) -> dict[str, _Decision]:
    latest: dict[str, _Decision] = {}
    for line in archived_lines(store, topic):
        record = line.get("record")
        if not isinstance(record, dict) or record.get("kind") not in DECISIONS:
            continue
        comment_id, at = record.get("comment_id"), record.get("at")
        if not isinstance(comment_id, str) or not isinstance(at, str):
            continue
        try:
            when = datetime.fromisoformat(at)
        except ValueError:
            continue
        categories = frozenset(c for c in record.get("categories") or () if c in ALL)
        current = latest.get(comment_id)
        if current is None or when >= current.at:
            latest[comment_id] = _Decision(when, record["kind"], categories)
    return latest


def _flagged(verdict: dict[str, Any]) -> frozenset[str]:
    findings = verdict.get("findings") or ()
    return frozenset(str(f.get("category")) for f in findings if isinstance(f, dict)) & ALL


def _origin(comment: dict[str, Any]) -> str:
    platform, page = comment.get("platform"), comment.get("page")
    if isinstance(platform, str) and isinstance(page, str) and platform and page:
        return f"{platform}:{page}"
    return "archive"


def _example(text: str, decision: _Decision, flagged: frozenset[str], source: str
             ) -> Example | None:
    if decision.kind == "remove":
        if not decision.categories:
            return None
        return Example(text, decision.categories, decision.categories, source)
    return Example(text, frozenset(), flagged or ALL, source)
