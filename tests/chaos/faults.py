"""The faults a chaos run injects, each in a thread of its own, by PID or by the proxy."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable

from kafka import KafkaAdminClient

from civicmod.scrape import waits
from civicmod.stack.embedded import EmbeddedServices
from civicmod.stack.ports import wait_listening
from pipeline.settings import Settings
from tests.chaos.run import Pipeline


class Fault:
    """A thread that injects one fault until :meth:`stop`, then leaves things running."""

    name = "fault"

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.log: list[str] = []
        self.started = time.monotonic()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._guarded, daemon=True, name=self.name)

    def start(self) -> Fault:
        """Begin injecting."""
        self.started = time.monotonic()
        self.thread.start()
        return self

    def stop(self) -> None:
        """Stop injecting and wait until the service is back."""
        self.stopping.set()
        self.thread.join(timeout=180)
        assert not self.thread.is_alive(), f"{self.name} did not stop"

    def note(self, what: str) -> None:
        """Log one injected event with its time since the start."""
        self.log.append(f"{time.monotonic() - self.started:6.1f}s {self.name}: {what}")

    def _guarded(self) -> None:
        try:
            self.run()
        except BaseException as exc:  # re-raised by the test through ``error``
            self.error = exc

    def run(self) -> None:
        """Inject until ``stopping`` is set."""
        raise NotImplementedError


class WorkerKills(Fault):
    """SIGKILL the Faust worker every ``every`` seconds and start it again at once."""

    name = "worker-kill"

    def __init__(self, pipeline: Pipeline, every: float = 10.0) -> None:
        super().__init__()
        self.pipeline = pipeline
        self.every = every
        self.kills = 0

    def run(self) -> None:
        """Kill, restart, repeat."""
        while not self.stopping.wait(self.every):
            self.pipeline.worker.kill()
            self.pipeline.worker.start()
            self.kills += 1
            self.note("worker SIGKILLed and restarted")


class SinkKills(Fault):
    """SIGKILL the archive sink at random moments: from outside after 1–6 s, or from inside
    right after its Nth PUT (between the PUT and the commit: tests/integration/crashing_sink)."""

    name = "sink-kill"

    def __init__(self, pipeline: Pipeline, seed: int = 15) -> None:
        super().__init__()
        self.pipeline = pipeline
        self.random = random.Random(seed)
        self.kills = 0

    def run(self) -> None:
        """Alternate the two ways to die until stopped; leave a plain sink running."""
        while not self.stopping.wait(self.random.uniform(1.0, 6.0)):
            if self.random.random() < 0.5:
                self.pipeline.restart_sink()
                self.note("sink SIGKILLed from outside and restarted")
            else:
                puts = self.random.randint(1, 8)
                self.pipeline.restart_sink(kill_after_put=puts)
                self.note(f"sink restarted to SIGKILL itself after PUT {puts}")
                deadline = time.monotonic() + 20
                while self.pipeline.sink.alive() and time.monotonic() < deadline:
                    if self.stopping.wait(0.2):
                        break
            self.kills += 1
        self.pipeline.restart_sink()


class BrokerRestart(Fault):
    """Stop the broker (Tansu, by PID) ``at`` seconds in, for ``down`` seconds, then start it."""

    name = "broker-restart"

    def __init__(self, services: EmbeddedServices, settings: Settings, at: float,
                 down: float = 5.0) -> None:
        super().__init__()
        self.services = services
        self.settings = settings
        self.at = at
        self.down = down

    def run(self) -> None:
        """Once: stop, wait, start, wait until it answers."""
        if self.stopping.wait(self.at):
            return
        self.services.tansu.stop()
        self.note("broker stopped")
        time.sleep(self.down)
        self.services.tansu.start()
        self.services.tansu.wait_ready(self._ready, 60)
        self.note("broker started again")

    def _ready(self) -> bool:
        if not wait_listening(self.settings.embedded.broker_port):
            return False
        admin = KafkaAdminClient(bootstrap_servers=self.settings.kafka.bootstrap_servers,
                                 request_timeout_ms=3000)
        try:
            return self.settings.topics.raw in admin.list_topics()
        finally:
            admin.close()


class S3Outage(Fault):
    """S3 fails for the sink ``at`` seconds in, for ``seconds``: ``begin`` makes it fail (the
    proxy cuts the line; nothing when S3 is full already), ``end`` mends it. Meanwhile it
    records why the sink says it waits and calls ``during`` once, 3 s before the end."""

    name = "s3-outage"

    def __init__(self, pipeline: Pipeline, at: float, seconds: float,
                 begin: Callable[[], None], end: Callable[[], None],
                 during: Callable[[], None] | None = None) -> None:
        super().__init__()
        self.pipeline = pipeline
        self.at = at
        self.seconds = seconds
        self.begin = begin
        self.end = end
        self.during = during
        self.window: tuple[float, float] | None = None
        self.reasons: list[str] = []

    def run(self) -> None:
        """Once: fail, watch, mend."""
        if self.stopping.wait(self.at):
            return
        self.begin()
        began = time.monotonic()
        self.note(f"S3 failing for {self.seconds:.0f}s")
        until = began + self.seconds
        called = self.during is None
        while time.monotonic() < until:
            self.reasons.extend(waits({"sink": self.pipeline.sink_url}))
            if not called and time.monotonic() >= until - 3:
                called = True
                assert self.during is not None
                self.during()
            time.sleep(0.5)
        self.end()
        self.window = (began, time.monotonic())
        self.note("S3 back")


def stop_all(faults: list[Fault]) -> None:
    """Stop every fault; re-raise the first that failed."""
    for fault in faults:
        fault.stop()
    for fault in faults:
        if fault.error is not None:
            raise fault.error
