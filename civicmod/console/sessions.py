"""Sessions in the console's memory, login CSRF tokens, and the failed-login limiter.

A restart of the console logs everyone out: sessions are never written anywhere.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

from civicmod.console.users import User

FORGET_ABOVE = 10_000
"""Keys the limiter keeps before it forgets those without a failure in the window."""


@dataclass
class Session:
    """A logged-in user: the session token (the cookie) and the CSRF token of their forms."""

    user: User
    token: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    expires: float = 0.0

    def csrf_ok(self, sent: str) -> bool:
        """True when ``sent`` is this session's CSRF token (constant-time comparison)."""
        return hmac.compare_digest(self.csrf.encode(), sent.encode())


class SessionStore:
    """Live sessions by token; each lasts ``minutes`` after login."""

    def __init__(self, minutes: int) -> None:
        self.seconds = minutes * 60
        self._sessions: dict[str, Session] = {}

    def open(self, user: User) -> Session:
        """A new session for ``user`` (expired ones are forgotten now)."""
        now = time.monotonic()
        for token in [t for t, s in self._sessions.items() if s.expires < now]:
            del self._sessions[token]
        session = Session(user, expires=now + self.seconds)
        self._sessions[session.token] = session
        return session

    def get(self, token: str) -> Session | None:
        """The live session of ``token``, if any."""
        session = self._sessions.get(token)
        if session is not None and session.expires < time.monotonic():
            del self._sessions[token]
            return None
        return session

    def close(self, token: str) -> None:
        """End a session (logout)."""
        self._sessions.pop(token, None)


class LoginLimiter:
    """At most ``attempts`` failed logins per key (a user name, an address) per ``window``."""

    def __init__(self, attempts: int, window_seconds: float,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = attempts
        self.window = window_seconds
        self.clock = clock
        self._failures: dict[str, deque[float]] = {}

    def retry_after(self, *keys: str) -> int:
        """Seconds until a login for ``keys`` may be tried again (0: now)."""
        now = self.clock()
        wait = 0.0
        for key in keys:
            failures = self._failures.get(key)
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            if failures and len(failures) >= self.attempts:
                wait = max(wait, failures[0] + self.window - now)
        return int(wait) + 1 if wait else 0

    def failed(self, *keys: str) -> None:
        """Count one failed login for each of ``keys``."""
        now = self.clock()
        if len(self._failures) > FORGET_ABOVE:  # many names tried: forget the stale ones
            for stale in [k for k, f in self._failures.items() if f[-1] <= now - self.window]:
                del self._failures[stale]
        for key in keys:
            self._failures.setdefault(key, deque()).append(now)
