"""State files: a dict of builtins and numpy arrays written with skops (never pickle).

The comment model, the per-source calibration, the embedding table and the semantic heads are
each such a dict, with a ``format`` number. :func:`dump_state` writes one compressed;
:func:`load_state` reads one back, refusing a file with other bytes than expected, with a type
skops does not trust by default, of another format, or whose recorded ``version`` is not the
content hash of what it holds (see :func:`content_version`).
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import skops.io as sio


class StateFileError(ValueError):
    """A state file is unusable: other bytes, untrusted types, a wrong format or content hash."""


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, hex."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def content_version(prefix: str, plain: Mapping[str, Any],
                    arrays: Mapping[str, np.ndarray]) -> str:
    """``prefix`` and 16 hex digits of the SHA-256 of ``plain`` (sorted JSON, sets as lists)
    followed by each array's name, dtype, shape and bytes, in the mapping's order."""
    digest = hashlib.sha256(json.dumps(plain, sort_keys=True, default=list).encode("utf-8"))
    for name, array in arrays.items():
        contiguous = np.ascontiguousarray(array)
        digest.update(f"{name}{contiguous.dtype}{contiguous.shape}".encode())
        digest.update(contiguous.tobytes())
    return prefix + digest.hexdigest()[:16]


def dump_state(path: Path, state: dict[str, Any]) -> str:
    """Write ``state`` to ``path`` as a compressed skops file, making its folder; return the
    file's SHA-256."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sio.dump(state, path, compression=zipfile.ZIP_DEFLATED)
    return file_sha256(path)


def load_state(path: Path, fmt: int, kind: str, error: type[StateFileError] = StateFileError,
               *, sha256: str | None = None,
               version: Callable[[dict[str, Any]], str] | None = None) -> dict[str, Any]:
    """The state in ``path``, a ``kind`` (as messages name it) of format ``fmt``.

    Raises ``error`` when the file's SHA-256 is not ``sha256`` (if given), when it holds types
    skops does not trust by default, is of another format, or (given ``version``) records a
    ``version`` other than ``version(state)``."""
    if sha256 is not None and (found := file_sha256(path)) != sha256:
        raise error(f"{path}: SHA-256 {found} is not the expected {sha256}")
    if untrusted := sio.get_untrusted_types(file=path):
        raise error(f"{path}: refusing untrusted types {untrusted}")
    state = sio.load(path)
    if not isinstance(state, dict) or state.get("format") != fmt:
        raise error(f"{path}: not a {kind} of format {fmt}")
    if version is not None and (computed := version(state)) != state.get("version"):
        raise error(f"{path}: content hash {computed} != recorded {state.get('version')}")
    return state
