"""Test-only entry point: the archive sink over a store that SIGKILLs its own process right
after its Nth successful PUT, so the sink dies before it can commit.

Run as ``python -m tests.integration.crashing_sink --kill-after-put N`` with the settings in
``CIVICMOD_*`` variables (:func:`crashing_sink` builds the process). Production code has no
fault hook: the crash lives in the store this module wraps around the real one.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
from pathlib import Path

from civicmod.archive_access import open_store
from civicmod.stack.embedded import child_environment
from civicmod.stack.processes import ManagedProcess
from pipeline.settings import Settings, load_settings
from sinks.archive_sink import ArchiveSink
from sinks.store import Store
from sinks.testing import FaultyStore

ROOT = Path(__file__).resolve().parents[2]


class KillingStore(FaultyStore):
    """Passes PUT number ``kill_after_put`` to ``inner``, then SIGKILLs this process."""

    def __init__(self, inner: Store, kill_after_put: int) -> None:
        super().__init__(inner, fail_on={kill_after_put}, after_put=True)

    def fail(self, key: str) -> None:
        """Die at once, with no chance to commit or clean up."""
        logging.getLogger(__name__).warning("SIGKILL after the PUT of %s", key)
        os.kill(os.getpid(), signal.SIGKILL)


def crashing_sink(name: str, settings: Settings, kill_after_put: int) -> ManagedProcess:
    """The crashing sink as a child process (not started) with ``settings``."""
    env = {**os.environ, **child_environment(settings),
           "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    argv = [sys.executable, "-m", "tests.integration.crashing_sink",
            "--kill-after-put", str(kill_after_put)]
    return ManagedProcess(name, argv, settings.embedded.state_dir / "logs" / f"{name}.log", env)


def main(argv: list[str] | None = None) -> int:
    """Run the sink until it kills itself; return 1 if it ever stops otherwise."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--kill-after-put", type=int, default=1)
    args = parser.parse_args(argv)
    settings = load_settings()
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    real = open_store(settings, "pipeline")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    ArchiveSink(settings, KillingStore(real, args.kill_after_put)).run(stop)
    return 1


if __name__ == "__main__":
    sys.exit(main())
