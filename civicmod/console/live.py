"""Live updates to browsers: a change counter broadcast to every open event stream."""

from __future__ import annotations

import asyncio


class Broadcast:
    """Fans a change signal out from any thread to the event streams of the event loop."""

    def __init__(self) -> None:
        self.version = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._listeners: set[asyncio.Queue[int]] = set()

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """Deliver on ``loop`` (the server's)."""
        self._loop = loop

    def changed(self) -> None:
        """Signal a change (thread-safe)."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._publish)

    def _publish(self) -> None:
        self.version += 1
        for listener in self._listeners:
            listener.put_nowait(self.version)

    def listen(self) -> asyncio.Queue[int]:
        """A new listener's queue of change versions."""
        listener: asyncio.Queue[int] = asyncio.Queue()
        self._listeners.add(listener)
        return listener

    def leave(self, listener: asyncio.Queue[int]) -> None:
        """Stop delivering to ``listener``."""
        self._listeners.discard(listener)
