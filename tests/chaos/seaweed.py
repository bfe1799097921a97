"""A SeaweedFS of a test's own for the archive only, with little room: it fills up.

``weed mini`` with ``-master.volumeSizeLimitMB=1 -volume.max=2`` holds about 2.4 MB. Once its
volumes are full, a PUT fails with HTTP 500 ``InternalError`` ("We encountered an internal
error, please try again."); its log says "No writable volumes and no free volumes left".
:meth:`SmallSeaweed.add_volume_server` gives it room the way an operator would: a second
volume server (``weed volume``) joins the master, and writes succeed about a second later.
"""

from __future__ import annotations

import os
from pathlib import Path

from botocore.exceptions import ClientError

from civicmod.stack.embedded import SEAWEED_OFFSETS, EmbeddedServices, free_port_settings
from civicmod.stack.ports import free_port
from civicmod.stack.processes import ManagedProcess
from civicmod.stack.services import GRPC_OFFSET, weed_binary
from pipeline.settings import Settings
from sinks.s3 import ensure_plain_bucket, s3_client

LIMITS = ["-master.volumeSizeLimitMB=1", "-volume.max=2"]
FILLER_BUCKET = "filler"
FILLER_BYTES = 256 * 1024


class SmallSeaweed:
    """SeaweedFS (no broker) under ``state``, its topics on the broker of ``stack``."""

    def __init__(self, state: Path, stack: Settings) -> None:
        own = free_port_settings(state / "small")
        own = own.model_copy(update={
            "embedded": own.embedded.model_copy(update={"kafka": False}),
            "kafka": stack.kafka,
        })
        self.base = free_port(SEAWEED_OFFSETS)
        self.services = EmbeddedServices(own, seaweed_base_port=self.base)
        self.services.seaweed.argv += LIMITS
        self.settings = self.services.settings
        self.extra: ManagedProcess | None = None

    def start(self) -> SmallSeaweed:
        """Start it, with the archive bucket; return self."""
        self.settings = self.services.start()
        return self

    def _admin(self) -> object:
        keys = self.services.keys["admin"]
        return s3_client(self.settings.s3, keys.access_key, keys.secret_key)

    def fill(self) -> str:
        """Write filler objects (another bucket) until SeaweedFS refuses; then check that the
        archive bucket refuses too. Returns "status code" of the refusal."""
        admin = self._admin()
        ensure_plain_bucket(admin, FILLER_BUCKET)
        body = os.urandom(FILLER_BYTES)
        for n in range(1000):
            try:
                admin.put_object(Bucket=FILLER_BUCKET, Key=f"f{n:04d}", Body=body)  # type: ignore[attr-defined]
            except ClientError:
                break
        pipeline = s3_client(self.settings.s3)
        try:
            pipeline.put_object(Bucket=self.settings.s3.archive_bucket, Key="probe", Body=b"x",
                                ChecksumAlgorithm="SHA256")
        except ClientError as exc:
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            return f"{status} {exc.response.get('Error', {}).get('Code')}"
        raise AssertionError("the filled SeaweedFS still takes archive writes")

    def add_volume_server(self) -> None:
        """Give SeaweedFS room: start a second volume server on its master."""
        folder = self.services.state_dir / "volume2"
        folder.mkdir(parents=True, exist_ok=True)
        port = free_port((0, GRPC_OFFSET))
        self.extra = ManagedProcess("seaweedfs-volume2", [
            weed_binary(), "volume", f"-dir={folder}", f"-mserver=127.0.0.1:{self.base}",
            f"-port={port}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-max=0",
        ], self.services.logs / "seaweedfs-volume2.log")
        self.extra.start()

    def stop(self) -> None:
        """SIGKILL both servers (by PID): nothing of this SeaweedFS is read afterwards."""
        if self.extra is not None:
            self.extra.kill()
        self.services.seaweed.kill()
