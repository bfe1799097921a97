"""The console's parts without a server: users and passwords, the login limiter, sessions,
charts and the evidence segments the queue highlights."""

from __future__ import annotations

import re
import sqlite3
import stat
from pathlib import Path

import pytest

from civicmod.console.app import duration
from civicmod.console.charts import bar_chart
from civicmod.console.sessions import LoginLimiter, SessionStore
from civicmod.console.users import User, UserError, UserStore
from civicmod.review import segments
from pipeline.records import Evidence, Finding

PASSWORD = "correct horse battery staple"


def test_users_are_stored_with_argon2_hashes_only(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "users.sqlite")
    assert store.add("mia", "moderator", PASSWORD) == User("mia", "moderator")
    assert stat.S_IMODE((tmp_path / "users.sqlite").stat().st_mode) == 0o600
    stored = sqlite3.connect(tmp_path / "users.sqlite").execute("SELECT hash FROM users").fetchone()
    assert stored[0].startswith("$argon2id$") and PASSWORD not in stored[0]
    assert store.check("mia", PASSWORD) == User("mia", "moderator")
    assert store.check("mia", PASSWORD + "!") is None
    assert store.check("nobody", PASSWORD) is None


@pytest.mark.parametrize(("name", "role", "password", "error"), [
    ("mia", "moderator", PASSWORD, "exists"),
    ("otto", "superuser", PASSWORD, "role must be one of"),
    ("otto", "officer", "short", "at least 12"),
    ("a b", "officer", PASSWORD, "user name"),
])
def test_bad_users_are_refused(tmp_path: Path, name: str, role: str, password: str,
                               error: str) -> None:
    store = UserStore(tmp_path / "users.sqlite")
    store.add("mia", "moderator", PASSWORD)
    with pytest.raises(UserError, match=error):
        store.add(name, role, password)


def test_replace_resets_role_and_password(tmp_path: Path) -> None:
    store = UserStore(tmp_path / "users.sqlite")
    store.add("mia", "moderator", PASSWORD)
    store.add("mia", "officer", PASSWORD + "2", replace=True)
    assert store.check("mia", PASSWORD) is None
    assert store.check("mia", PASSWORD + "2") == User("mia", "officer")


def test_the_limiter_locks_a_key_for_the_window() -> None:
    now = [1000.0]
    limiter = LoginLimiter(3, 60, clock=lambda: now[0])
    for _ in range(3):
        assert limiter.retry_after("user:mia", "addr:1") == 0
        limiter.failed("user:mia", "addr:1")
    assert limiter.retry_after("user:mia") == 61
    assert limiter.retry_after("addr:1", "user:otto") == 61  # the address is locked too
    assert limiter.retry_after("user:otto", "addr:2") == 0
    now[0] += 59
    assert limiter.retry_after("user:mia") == 2
    now[0] += 2
    assert limiter.retry_after("user:mia") == 0


def test_the_limiter_forgets_stale_keys_when_many_names_are_tried(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("civicmod.console.sessions.FORGET_ABOVE", 2)
    now = [0.0]
    limiter = LoginLimiter(1, 60, clock=lambda: now[0])
    limiter.failed("user:a", "user:b", "user:c")
    now[0] = 61.0
    limiter.failed("user:d")
    assert sorted(limiter._failures) == ["user:d"]


def test_sessions_have_their_own_tokens_and_end() -> None:
    sessions = SessionStore(minutes=5)
    one, two = sessions.open(User("mia", "moderator")), sessions.open(User("mia", "moderator"))
    assert len({one.token, two.token, one.csrf, two.csrf}) == 4
    assert one.csrf_ok(one.csrf) and not one.csrf_ok(two.csrf) and not one.csrf_ok("")
    sessions.close(one.token)
    assert sessions.get(one.token) is None and sessions.get(two.token) is two


def test_chart_bars_are_proportional_and_labelled() -> None:
    svg = str(bar_chart("Flags", ["11-01", "11-02"], {"a": [2.0, 4.0], "b": [0.0, 4.0]}))
    heights = [float(h) for h in re.findall(r'<rect x="[^"]+" y="[^"]+" width="[^"]+" '
                                            r'height="([^"]+)" fill="[^"]+"><title>', svg)]
    assert len(heights) == 3 and heights[1] == pytest.approx(heights[2])
    assert heights[0] == pytest.approx(heights[1] / 2)
    assert "<title>11-02 b: 4</title>" in svg and 'role="img"' in svg


def test_segments_mark_evidence_and_mask_category_g() -> None:
    findings = (
        Finding(category="a", score=0.9, detector="d", version="1",
                evidence=(Evidence(start=5, end=9, text="shit"),)),
        Finding(category="g", score=0.9, detector="d", version="1",
                evidence=(Evidence(start=16, end=20, text="****"),)),
    )
    assert segments("This shit, card 4111 ok", findings) == [
        ("This ", None), ("shit", "a"), (", card ", None), ("****", "g"), (" ok", None)]


@pytest.mark.parametrize(("seconds", "shown"), [(5, "5 s"), (119, "119 s"), (600, "10.0 min"),
                                                (9000, "2.5 h")])
def test_durations_in_words(seconds: float, shown: str) -> None:
    assert duration(seconds) == shown
