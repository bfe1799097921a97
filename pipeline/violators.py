"""Repeat violators (policy E.1.i): each author's standing, free of Kafka.

An author's confirmed violations are their comments removed by a moderator or hidden
automatically by the policy, less those restored or kept, within a rolling window. Reaching
the threshold recommends a ban; only a moderator's ``ban`` action bans, only ``unban`` lifts it.

Every change is keyed by comment id and replaces what was known about that comment, so
applying the same action or hide twice changes nothing: the at-least-once worker may replay
events after a crash without counting anything twice. An automatic hide never overrides a
moderator's decision on the same comment.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from datetime import datetime, timedelta

from pipeline.actions import (
    AUTO_HIDE,
    AuthorHistory,
    Decision,
    DecisionStatus,
    ModerationAction,
    Standing,
    StandingEvent,
)
from pipeline.records import CATEGORY_NAMES, Category, Finding

DETECTOR = "repeat-violators"
DETECTOR_VERSION = "1"


def banned_finding() -> Finding:
    """The category-i finding added to every new comment of a banned author."""
    return Finding(category="i", score=1.0, detector=DETECTOR, version=DETECTOR_VERSION,
                   label="author banned")


class ViolatorBook:
    """The latest standing of every author on the partitions this worker holds."""

    def __init__(self, threshold: int, window_days: int, max_decisions: int = 20) -> None:
        """``max_decisions``: the most recent decisions kept per author (at least
        ``threshold``); older ones are dropped, so a prolific violator's standing, and the
        message that carries it, stay bounded (the window alone let 24,000 hides in 30
        minutes hold 30 MB and grow every standing message: docs/reliability.md, "Soak")."""
        if max_decisions < threshold:
            raise ValueError("max_decisions must be at least the ban threshold")
        self.threshold = threshold
        self.window_days = window_days
        self.max_decisions = max_decisions
        self._partitions: dict[int, dict[str, Standing]] = {}

    def load(self, partition: int, standings: Iterable[Standing]) -> None:
        """Hold ``partition`` with these standings, in log order (the last per author wins)."""
        self._partitions[partition] = {s.author_key: s for s in standings}

    def drop(self, partition: int) -> None:
        """Forget a partition this worker no longer holds."""
        self._partitions.pop(partition, None)

    def standing(self, author_key: str) -> Standing | None:
        """The author's latest standing (None: never sanctioned nor found violating)."""
        for authors in self._partitions.values():
            if author_key in authors:
                return authors[author_key]
        return None

    def is_banned(self, author_key: str) -> bool:
        """True while a moderator's ban on the author stands."""
        current = self.standing(author_key)
        return current is not None and current.banned

    def history(self, author_key: str, as_of: datetime) -> AuthorHistory:
        """Confirmed violations per category within the window, and the current sanction."""
        current = self.standing(author_key)
        violations = self._violations(current.decisions if current else (), as_of)
        counts: Counter[Category] = Counter(c for d in violations for c in d.categories)
        sanction = "none"
        if current is not None and current.banned:
            sanction = "banned"
        elif len(violations) >= self.threshold:
            sanction = "ban recommended"
        return AuthorHistory(
            counts=dict(sorted(counts.items())), violations=len(violations),
            window_days=self.window_days, threshold=self.threshold, sanction=sanction,
            banned_since=current.banned_at if current is not None and current.banned else None,
        )

    def record_hide(
        self, partition: int, author_key: str, comment_id: str,
        categories: Iterable[Category], at: datetime,
    ) -> Standing | None:
        """Count a comment the policy hid automatically; None when nothing changed.

        Category i alone is not a new violation (it only says the author is banned).
        """
        counted = tuple(sorted(set(categories) - {"i"}))
        current = self._current(partition, author_key)
        if not counted or (current and any(d.comment_id == comment_id
                                           for d in current.decisions)):
            return None
        decision = Decision(comment_id=comment_id, status="hidden", categories=counted,
                            at=at, by=AUTO_HIDE)
        return self._change(partition, author_key, "hidden", comment_id, at, decision=decision)

    def apply(self, partition: int, action: ModerationAction) -> Standing | None:
        """Apply a moderator's action; None when it changes nothing (e.g. a replay)."""
        current = self._current(partition, action.author_key)
        if action.kind in ("ban", "unban"):
            banned = action.kind == "ban"
            if (current is not None and current.banned) == banned:
                return None
            return self._change(partition, action.author_key, "banned" if banned else "unbanned",
                                action.id, action.at, banned=banned, moderator=action.moderator)
        if action.comment_id is None:  # a keep that dismisses a ban recommendation
            return None
        decision = Decision(comment_id=action.comment_id, status=_STATUS[action.kind],
                            categories=action.categories, at=action.at, by=action.moderator)
        if current is not None and decision in current.decisions:
            return None
        return self._change(partition, action.author_key, decision.status, action.id,
                            action.at, decision=decision)

    def _current(self, partition: int, author_key: str) -> Standing | None:
        return self._partitions.setdefault(partition, {}).get(author_key)

    def _violations(self, decisions: Iterable[Decision], as_of: datetime) -> list[Decision]:
        since = as_of - timedelta(days=self.window_days)
        return [d for d in decisions if d.violation and d.at > since]

    def _change(
        self, partition: int, author_key: str, event: StandingEvent, cause: str,
        as_of: datetime, *, decision: Decision | None = None, banned: bool | None = None,
        moderator: str = "",
    ) -> Standing:
        current = self._current(partition, author_key)
        since = as_of - timedelta(days=self.window_days)
        decisions = [d for d in (current.decisions if current else ())
                     if d.at > since and (decision is None or d.comment_id != decision.comment_id)]
        if decision is not None:
            decisions.append(decision)
        del decisions[:-self.max_decisions]  # the latest ones: enough to reach the threshold
        if banned is None:  # the ban, if any, stands as it was
            banned = current is not None and current.banned
            banned_at = current.banned_at if current is not None else None
            banned_by = current.banned_by if current is not None else None
        else:
            banned_at, banned_by = (as_of, moderator) if banned else (None, None)
        violations = self._violations(decisions, as_of)
        recommend = (event in ("hidden", "removed") and not banned
                     and len(violations) >= self.threshold)
        reasons = [_event_reason(event, decision, moderator, len(violations), self.window_days)]
        if recommend:
            listed = ", ".join(f"{d.comment_id} ({'/'.join(d.categories)})" for d in violations)
            reasons.append(
                f"Ban recommended under E.1.i ({CATEGORY_NAMES['i']}): {len(violations)} "
                f"confirmed violations within {self.window_days} days reach the threshold of "
                f"{self.threshold}: {listed}"
            )
        standing = Standing(
            author_key=author_key, event=event, cause=cause, decisions=tuple(decisions),
            violations=len(violations), threshold=self.threshold,
            window_days=self.window_days, banned=banned, banned_at=banned_at,
            banned_by=banned_by, recommendation="ban" if recommend else None,
            reasons=tuple(reasons), as_of=as_of,
        )
        self._partitions[partition][author_key] = standing
        return standing


_STATUS: dict[str, DecisionStatus] = {"remove": "removed", "restore": "restored", "keep": "kept"}


def _event_reason(
    event: StandingEvent, decision: Decision | None, moderator: str, violations: int,
    window_days: int,
) -> str:
    count = f"{violations} confirmed violation(s) within {window_days} days"
    if decision is None:
        verb = "Banned under E.1.i" if event == "banned" else "Ban lifted"
        return f"{verb} by {moderator}; {count}"
    letters = ", ".join(f"E.1.{c}" for c in decision.categories)
    what = {
        "hidden": f"hidden automatically under {letters}",
        "removed": f"removed under {letters} by {decision.by}",
        "restored": f"restored by {decision.by}",
        "kept": f"kept by {decision.by}",
    }.get(event, event)
    return f"Comment {decision.comment_id} {what}; {count}"
