"""Redacting category-g evidence (medical or financial identifiers) in an exported copy.

Only the copy handed to a requester is redacted; the archive keeps the original. Each
evidence span of a category-g finding is masked character for character (so every other
span's offsets stay valid), and the matched words are removed from the evidence and the
reasons. Every change is listed in the redaction log.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

MASK = "█"
REPLACEMENT = "[redacted]"
REASON = ("Policy 785 E.1.g: personally identifiable medical or financial information; "
          "redacted in this copy only, the archive keeps the original")


@dataclass(frozen=True)
class Redaction:
    """One change made to the exported copy."""

    comment_id: str
    field: str
    start: int | None
    end: int | None
    category: str
    reason: str


def redact_g(verdict: dict[str, Any]) -> tuple[dict[str, Any], list[Redaction]]:
    """A copy of a verdict record with its category-g evidence redacted, and the log."""
    record = copy.deepcopy(verdict)
    comment = record.get("comment") or {}
    cid = str(comment.get("id", ""))
    text: str = comment.get("text") or ""
    spans: list[tuple[int, int]] = []
    words: set[str] = set()
    log: list[Redaction] = []
    for i, finding in enumerate(record.get("findings") or []):
        if finding.get("category") != "g":
            continue
        for j, evidence in enumerate(finding.get("evidence") or []):
            start = max(0, min(int(evidence.get("start", 0)), len(text)))
            end = max(start, min(int(evidence.get("end", 0)), len(text)))
            if end > start:
                spans.append((start, end))
                words.add(text[start:end])
            if evidence.get("text"):
                words.add(evidence["text"])
                evidence["text"] = REPLACEMENT
                log.append(Redaction(cid, f"findings[{i}].evidence[{j}].text", None, None, "g",
                                     REASON))
    if spans:
        chars = list(text)
        for start, end in sorted(set(spans)):
            chars[start:end] = MASK * (end - start)
            log.append(Redaction(cid, "comment.text", start, end, "g", REASON))
        comment["text"] = "".join(chars)
    reasons = record.get("reasons") or []
    for k, reason in enumerate(reasons):
        changed = reason
        for word in sorted(words, key=len, reverse=True):
            changed = changed.replace(word, REPLACEMENT)
        if changed != reason:
            reasons[k] = changed
            log.append(Redaction(cid, f"reasons[{k}]", None, None, "g", REASON))
    return record, log
