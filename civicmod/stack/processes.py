"""Child processes started, watched and stopped by PID (never by name)."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from tenacity import RetryError, Retrying, retry_if_result, stop_after_delay, wait_fixed

log = logging.getLogger(__name__)


class ServiceFailed(RuntimeError):
    """A service did not become ready, or exited early; the message names its log file."""


class ManagedProcess:
    """One child process with its own log file and session (Ctrl-C reaches only us)."""

    def __init__(
        self,
        name: str,
        argv: Sequence[str],
        log_path: Path,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        self.argv = list(argv)
        self.log_path = log_path
        self.env = dict(env) if env is not None else None
        self.popen: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The child's PID while started."""
        return self.popen.pid if self.popen else None

    def start(self) -> None:
        """Start the process, appending its output to its log file."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as out:
            self.popen = subprocess.Popen(
                self.argv,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                env=self.env,
                start_new_session=True,
            )
        log.info("started %s (pid %d), log %s", self.name, self.popen.pid, self.log_path)

    def alive(self) -> bool:
        """True while the process runs."""
        return self.popen is not None and self.popen.poll() is None

    def wait_ready(self, check: Callable[[], bool], timeout: float) -> None:
        """Poll ``check`` until it is true; raise :class:`ServiceFailed` on exit or timeout."""

        def attempt() -> bool:
            if not self.alive():
                raise ServiceFailed(f"{self.name} exited early; see {self.log_path}")
            try:
                return check()
            except Exception:
                return False

        try:
            Retrying(
                stop=stop_after_delay(timeout),
                wait=wait_fixed(0.2),
                retry=retry_if_result(lambda ready: not ready),
            )(attempt)
        except RetryError as exc:
            raise ServiceFailed(
                f"{self.name} not ready after {timeout:.0f}s; see {self.log_path}"
            ) from exc

    def stop(self, timeout: float = 20.0, sig: int = signal.SIGTERM) -> None:
        """Signal the process by PID, wait, and kill it if it outlives ``timeout``."""
        if self.popen is None or self.popen.poll() is not None:
            return
        os.kill(self.popen.pid, sig)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.popen.poll() is not None:
                log.info("stopped %s (pid %d)", self.name, self.popen.pid)
                return
            time.sleep(0.1)
        log.warning("%s did not stop in %.0fs; killing pid %d", self.name, timeout, self.pid)
        self.popen.kill()
        self.popen.wait()

    def kill(self) -> None:
        """SIGKILL the process by PID and reap it (used by fault-injection tests)."""
        if self.popen is not None and self.popen.poll() is None:
            self.popen.kill()
            self.popen.wait()
