"""The static sentence embedder: a token vector table distilled from all-MiniLM-L6-v2.

A text's embedding is the L2-normalised mean of its WordPiece tokens' vectors (model2vec's
static models work the same way). Inference needs numpy and ``tokenizers`` only. Texts are split
on whitespace into chunks and each chunk's token ids are cached (chunks repeat across comments
far more than texts do), so a batch costs one cache lookup per chunk and one sparse product.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from itertools import chain
from pathlib import Path
from typing import Any

import numpy as np
import scipy.sparse as sp
from tokenizers import Tokenizer

from classifiers.skops_file import StateFileError, dump_state, load_state

FORMAT = 1
MAX_CHUNK_CHARS = 40
"""Longer "words" (links, keyboard mashing) count by their start only."""
CACHE_CHUNKS = 1 << 17
"""Chunks whose token ids are kept (about 25 MB); the cache starts over when full."""


class EmbedderFileError(StateFileError):
    """The embedding file is unusable: untrusted types, a wrong format or a hash mismatch."""


@dataclass(frozen=True)
class EmbedderState:
    """What an embedding file holds: the vectors, the tokenizer and where both came from."""

    vectors: np.ndarray
    """float16, one row per token id."""
    tokenizer_json: str
    meta: dict[str, Any]


def save_embedder(state: EmbedderState, path: Path) -> str:
    """Write the state as a compressed skops file; return the file's SHA-256."""
    return dump_state(path, {
        "format": FORMAT, "vectors": np.ascontiguousarray(state.vectors, np.float16),
        "tokenizer_json": state.tokenizer_json, "meta": state.meta})


def load_embedder_state(path: Path, sha256: str | None = None) -> EmbedderState:
    """Read an embedding file, refusing untrusted types and (given ``sha256``) other bytes."""
    state = load_state(path, FORMAT, "civicmod embedding file", EmbedderFileError,
                       sha256=sha256)
    return EmbedderState(np.asarray(state["vectors"]), str(state["tokenizer_json"]),
                         dict(state.get("meta") or {}))


class StaticEmbedder:
    """Texts in, one unit-length vector per text out (zeros for a text with no tokens)."""

    def __init__(self, state: EmbedderState) -> None:
        self.state = state
        self.tokenizer = Tokenizer.from_str(state.tokenizer_json)
        self.unk_id = self.tokenizer.token_to_id("[UNK]")
        self.dim = int(state.vectors.shape[1])
        self._cache: dict[str, bytes] = {}

    @cached_property
    def vectors(self) -> np.ndarray:
        """The vector table as float32 (what the sparse product needs)."""
        return np.asarray(self.state.vectors, dtype=np.float32)

    def _chunk_ids(self, chunks: list[str]) -> tuple[list[bytes], bytes]:
        """Each chunk's token ids (int32 bytes, unknown tokens left out), and all of them
        concatenated. Chunks are cached; the ones not seen before are tokenized together."""
        cache = self._cache
        found = list(map(cache.get, chunks))
        try:
            return found, b"".join(found)  # type: ignore[arg-type,return-value]
        except TypeError:  # some chunk is new (None)
            pass
        missing = list({c for c, ids in zip(chunks, found, strict=True) if ids is None})
        if len(cache) + len(missing) > CACHE_CHUNKS:
            cache.clear()
            missing = list(set(chunks))
        encoded = self.tokenizer.encode_batch_fast(
            [c[:MAX_CHUNK_CHARS] for c in missing], add_special_tokens=False)
        for chunk, encoding in zip(missing, encoded, strict=True):
            cache[chunk] = array("i", (i for i in encoding.ids if i != self.unk_id)).tobytes()
        pieces = [cache[c] for c in chunks]
        return pieces, b"".join(pieces)

    def token_counts(self, texts: Sequence[str]) -> sp.csr_matrix:
        """How often each token id occurs in each text, shape (texts, vocabulary); a token
        occurring twice may be stored twice (products sum them)."""
        per_text = [text.split() for text in texts]
        pieces, joined = self._chunk_ids(list(chain.from_iterable(per_text)))
        ids = np.frombuffer(joined, dtype=np.int32)
        token_ends = np.cumsum(np.fromiter(map(len, pieces), np.int64, len(pieces)) // 4)
        chunk_ends = np.cumsum(np.fromiter(map(len, per_text), np.int64, len(per_text)))
        indptr = np.zeros(len(texts) + 1, dtype=np.int64)
        indptr[1:] = np.concatenate([[0], token_ends])[chunk_ends]
        return sp.csr_matrix((np.ones(len(ids), np.float32), ids, indptr),
                             shape=(len(texts), self.vectors.shape[0]))

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """The L2-normalised mean token vector of each text, float32, shape (texts, dim)."""
        sums = np.asarray(self.token_counts(texts) @ self.vectors)
        norms = np.linalg.norm(sums, axis=1, keepdims=True)
        out: np.ndarray = np.divide(sums, norms, out=np.zeros_like(sums), where=norms > 0)
        return out
