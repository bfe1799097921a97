"""The review screen: evidence highlighted, category g shown masked, every item kind parsed."""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

from civicmod.review import EVIDENCE_STYLE, highlighted, parse_item, render
from pipeline.actions import AuthorHistory, FlaggedComment, Standing
from pipeline.records import Comment, Evidence, Finding

TEXT = "pay me at 4111 1111 1111 1111 you shit"
CARD = Finding(category="g", score=0.97, detector="pii", version="1", label="credit card",
               evidence=(Evidence(start=10, end=29, text="****-****-****-1111"),))
VULGAR = Finding(category="a", score=0.95, detector="profanity", version="1",
                 evidence=(Evidence(start=34, end=38, text="shit"),))


def flagged() -> FlaggedComment:
    comment = Comment(id="c-1", platform="facebook", page="town", post="p-1", author_id="u-9",
                      text=TEXT, created_at=datetime(2026, 11, 1, tzinfo=UTC))
    return FlaggedComment(
        comment=comment, findings=(CARD, VULGAR), action="remove",
        reasons=("Removed under E.1.g", "Flagged for review under E.1.a"),
        policy_version="p1", model_version="m1", scored_chars=len(TEXT),
        recommendation="remove",
        history=AuthorHistory(counts={"a": 2}, violations=2, window_days=90, threshold=3),
    )


def test_evidence_is_highlighted_and_g_is_masked() -> None:
    text = highlighted(TEXT, (CARD, VULGAR))
    assert text.plain == "pay me at ****-****-****-1111 you shit"
    styled = [text.plain[span.start:span.end] for span in text.spans
              if span.style == EVIDENCE_STYLE]
    assert styled == ["****-****-****-1111", "shit"]


def test_the_screen_shows_recommendation_reasons_and_history() -> None:
    console = Console(width=120, record=True)
    console.print(render(flagged()))
    screen = console.export_text()
    assert "recommended: REMOVE" in screen
    assert "4111" not in screen and "****-****-****-1111" in screen
    assert "Removed under E.1.g" in screen
    assert "2 confirmed violation(s) (a×2) of 3; sanction: none" in screen


def test_queue_items_of_every_kind_parse() -> None:
    item = flagged()
    assert parse_item(item.to_json_bytes()) == item
    standing = Standing(author_key="facebook:u-9", event="removed", cause="x", violations=3,
                        threshold=3, window_days=90, recommendation="ban",
                        reasons=("Ban recommended under E.1.i",),
                        as_of=datetime(2026, 11, 1, tzinfo=UTC))
    assert parse_item(standing.to_json_bytes()) == standing
    console = Console(width=120, record=True)
    console.print(render(standing))
    assert "ban recommendation · facebook:u-9" in console.export_text()
