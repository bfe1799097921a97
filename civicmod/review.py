"""``civicmod review``: the moderators' terminal queue.

The queue is ``comments.flagged`` (flagged comments) and the ban recommendations among the
standings on ``authors.sanctions``. One kafka-python consumer group per moderation team, so
the team shares one queue and each item reaches one moderator. An item's offset is committed
only after the moderator's action was acknowledged by the broker: quitting, a crash or a
rebalance shows the item again, never loses it. While the moderator thinks, the consumer keeps
polling with its partitions paused, so the short poll interval that lets it join quickly on
the embedded broker never expires.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

from kafka import KafkaConsumer, TopicPartition
from kafka.errors import CommitFailedError
from kafka.structs import OffsetAndMetadata
from pydantic import ValidationError
from rich.console import Console, Group
from rich.markup import escape
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from pipeline.actions import FlaggedComment, Standing
from pipeline.desk import ActionDesk, ActionRequest, InvalidAction, OneComment
from pipeline.kafka_auth import client_options
from pipeline.records import CATEGORY_NAMES, Finding, Verdict
from pipeline.settings import Settings

log = logging.getLogger(__name__)

Ask = Callable[[str], str]
Item = FlaggedComment | Verdict | Standing
EVIDENCE_STYLE = "bold white on red"


def parse_item(value: bytes) -> Item:
    """A queue message: a flagged comment, a standing, or a plain verdict."""
    data = json.loads(value)
    kind = data.get("kind") if isinstance(data, dict) else None
    if kind == "standing":
        return Standing.model_validate(data)
    if kind == "comment":
        return FlaggedComment.model_validate(data)
    return Verdict.model_validate(data)


def segments(text: str, findings: tuple[Finding, ...]) -> list[tuple[str, str | None]]:
    """The comment text cut at its evidence spans: ``(part, category or None)`` in order;
    category g spans show masked, and of overlapping spans the first wins."""
    spans = sorted((e.start, e.end, f.category, e.text) for f in findings for e in f.evidence
                   if 0 <= e.start < e.end <= len(text))
    out: list[tuple[str, str | None]] = []
    position = 0
    for start, end, category, shown in spans:
        if start < position:
            continue
        out.append((text[position:start], None))
        out.append((shown if category == "g" else text[start:end], category))
        position = end
    out.append((text[position:], None))
    return [(part, category) for part, category in out if part]


def highlighted(text: str, findings: tuple[Finding, ...]) -> Text:
    """The comment text with every evidence span highlighted; category g spans show masked."""
    out = Text()
    for part, category in segments(text, findings):
        out.append(part, style=EVIDENCE_STYLE if category else "")
    return out


def queue_consumer(settings: Settings, team: str, client_id: str, max_records: int = 1
                   ) -> KafkaConsumer:
    """A consumer of the team's queue (flagged comments and standings) in the team's group;
    it commits by hand, and its short poll interval lets it join quickly on Tansu."""
    join_ms = settings.kafka.group_join_timeout_ms
    return KafkaConsumer(
        bootstrap_servers=settings.kafka.bootstrap_servers,
        **client_options(settings.kafka),
        group_id=f"{settings.moderation.review_group_prefix}-{team}",
        client_id=client_id,
        enable_auto_commit=False, auto_offset_reset="earliest", max_poll_records=max_records,
        max_poll_interval_ms=join_ms, session_timeout_ms=join_ms,
        heartbeat_interval_ms=max(join_ms // 4, 500),
    )


def render(item: Item) -> Panel:
    """One screen for one queue item."""
    if isinstance(item, Standing):
        return _render_standing(item)
    comment = item.comment
    findings = Table(show_header=True, header_style="bold", expand=True)
    for column in ("E.1", "what", "score", "evidence", "detector"):
        findings.add_column(column)
    for finding in item.findings:
        evidence = ", ".join(f"'{e.text}' at {e.start}–{e.end}" for e in finding.evidence[:5])
        what = CATEGORY_NAMES[finding.category] + (f" ({finding.label})" if finding.label else "")
        findings.add_row(finding.category, what, f"{finding.score:.2f}", evidence,
                         f"{finding.detector} {finding.version}")
    parts: list[Text | Table] = [
        Text(f"{comment.author_name or '(no name)'} · {comment.author_key} · "
             f"{comment.platform}/{comment.page}/{comment.post} · posted "
             f"{comment.created_at:%Y-%m-%d %H:%M} UTC", style="dim"),
        Text(""), highlighted(comment.text, item.findings), Text(""), findings,
    ]
    parts.extend(Text(f"• {reason}") for reason in item.reasons)
    recommended = item.action
    if isinstance(item, FlaggedComment):
        recommended = item.recommendation
        history = item.history
        counts = ", ".join(f"{c}×{n}" for c, n in history.counts.items()) or "none"
        parts.append(Text(f"Author, last {history.window_days} days: {history.violations} "
                          f"confirmed violation(s) ({counts}) of {history.threshold}; "
                          f"sanction: {history.sanction}", style="bold"))
    return Panel(Group(*parts), title=f"comment {comment.id} · recommended: "
                 f"{recommended.upper()}", subtitle=f"policy {item.policy_version}")


def _render_standing(standing: Standing) -> Panel:
    lines = [Text(reason) for reason in standing.reasons]
    for decision in standing.decisions:
        if decision.violation:
            lines.append(Text(f"  {decision.comment_id}: {decision.status} under "
                              f"{'/'.join(decision.categories)} by {decision.by} on "
                              f"{decision.at:%Y-%m-%d %H:%M}"))
    return Panel(Group(*lines), title=f"ban recommendation · {standing.author_key}",
                 subtitle=f"{standing.violations} of {standing.threshold} within "
                          f"{standing.window_days} days")


class ReviewQueue:
    """Shows flagged items one at a time and turns the moderator's keys into actions."""

    def __init__(self, settings: Settings, team: str, moderator: str, desk: ActionDesk,
                 console: Console, ask: Ask) -> None:
        self.settings = settings
        self.moderator = moderator
        self.desk = desk
        self.console = console
        self.ask = ask
        self.consumer = queue_consumer(settings, team, f"civicmod-review-{moderator}")
        self.consumer.subscribe([settings.topics.flagged, settings.topics.sanctions])
        self._prompter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="review-input")

    def run(self, limit: int | None = None, idle_seconds: float | None = None) -> int:
        """Review until the moderator quits, ``limit`` items are decided, or the queue stays
        empty for ``idle_seconds``; return how many items were decided."""
        decided, idle_since = 0, time.monotonic()
        try:
            while limit is None or decided < limit:
                polled = self.consumer.poll(timeout_ms=500)
                if not polled:
                    if idle_seconds is not None and time.monotonic() - idle_since > idle_seconds:
                        break
                    continue
                ((tp, (message, *_)),) = polled.items()
                outcome = self._handle(tp, message.offset, message.value or b"")
                if outcome == "quit":
                    break
                if outcome == "decided":
                    decided += 1
                    idle_since = time.monotonic()
        finally:
            self.consumer.close(autocommit=False)
            self._prompter.shutdown(wait=False)
        return decided

    def _handle(self, tp: TopicPartition, offset: int, value: bytes) -> str:
        """Decide one item: ``decided``, ``skipped`` (nothing to decide) or ``quit`` (the item
        stays in the queue)."""
        try:
            item = parse_item(value)
        except (ValueError, ValidationError):
            log.warning("unreadable queue item at %s[%d]@%d; skipped", tp.topic, tp.partition,
                        offset)
            self._commit(tp, offset)
            return "skipped"
        if isinstance(item, Standing) and item.recommendation is None:
            self._commit(tp, offset)  # a standing without a recommendation needs nobody
            return "skipped"
        self.console.print(render(item))
        while True:
            request = self._request(item)
            if request is None:
                return "quit"
            facts = None if isinstance(item, Standing) else OneComment(item.comment)
            try:
                action = self.desk.submit(request, facts)
            except InvalidAction as exc:
                self.console.print(f"[red]refused: {escape(str(exc))}[/red] (kept as a dead "
                                   f"letter)")
                continue
            self.console.print(f"[green]{action.kind} written[/green] ({action.id})")
            self._commit(tp, offset)
            return "decided"

    def _request(self, item: Item) -> ActionRequest | None:
        if isinstance(item, Standing):
            key = self._prompt("[b]an the author, [k]eep (no ban), [q]uit: ", "bkq")
            target = item.author_key
        else:
            key = self._prompt("[k]eep, [r]emove, [b]an the author, [q]uit: ", "krbq")
            target = item.comment.id if key in "kr" else item.comment.author_key
        if key == "q":
            return None
        categories: tuple[str, ...] = ()
        if key == "r" and not isinstance(item, Standing):
            default = "".join(sorted({f.category for f in item.findings})) or ""
            answer = self._prompt(f"categories [{default}]: ", None) or default
            categories = tuple(ch for ch in answer if not ch.isspace() and ch != ",")
        elif key == "b":
            categories = ("i",)
        reason = self._prompt("reason: ", None)
        kind = {"k": "keep", "r": "remove", "b": "ban"}[key]
        return ActionRequest(kind=kind, target=target, moderator=self.moderator,
                             categories=categories, reason=reason)

    def _prompt(self, question: str, keys: str | None) -> str:
        """Ask in a thread while the paused consumer keeps its group membership alive."""
        while True:
            answer = self._keep_alive(self._prompter.submit(self.ask, question)).strip()
            if keys is None:
                return answer
            if answer[:1].lower() in keys and answer:
                return answer[0].lower()
            self.console.print(f"[yellow]one of: {', '.join(keys)}[/yellow]")

    def _keep_alive(self, answer: Future[str]) -> str:
        assigned = self.consumer.assignment()
        self.consumer.pause(*assigned)
        try:
            while not answer.done():
                self.consumer.poll(timeout_ms=200)
        finally:
            self.consumer.resume(*[tp for tp in assigned if tp in self.consumer.assignment()])
        return answer.result()

    def _commit(self, tp: TopicPartition, offset: int) -> None:
        try:
            self.consumer.commit({tp: OffsetAndMetadata(offset + 1, "", -1)})
        except CommitFailedError:
            log.warning("the queue was rebalanced; %s[%d]@%d may be shown again", tp.topic,
                        tp.partition, offset)
