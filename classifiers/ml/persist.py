"""Saving and loading the comment model with skops (never pickle), checked by its hash.

The file holds a plain state: builtins and numpy arrays, which skops trusts by default; the
loader (:func:`classifiers.skops_file.load_state`) refuses any other type. The version is a hash
of the parameters and arrays, recomputed on load, so a verdict's ``model_version`` names
exactly the weights that scored it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from classifiers.ml.defaults import MODEL_PATH
from classifiers.ml.features import CommentVectorizer
from classifiers.ml.heads import CalibratedLinearHeads
from classifiers.ml.model import CommentModel
from classifiers.skops_file import StateFileError, content_version, dump_state, load_state

FORMAT = 1
_ARRAYS = ("idf_word", "idf_char", "coef", "intercept", "calibration")


class ModelFileError(StateFileError):
    """The model file is unusable: untrusted types, a wrong format or a hash mismatch."""


@dataclass(frozen=True)
class LoadedModel:
    """A model read from disk, its version (hash) and the training metadata saved with it."""

    model: CommentModel
    version: str
    meta: dict[str, Any]


def _state(model: CommentModel) -> dict[str, Any]:
    vectorizer, heads = model.vectorizer_, model.heads_
    return {
        "format": FORMAT,
        "categories": list(model.categories),
        "vectorizer_params": vectorizer.get_params(),
        "heads_params": {k: v for k, v in heads.get_params().items()
                         if k not in ("cv", "n_jobs")},
        "idf_word": vectorizer.idf_word_.astype(np.float32),
        "idf_char": vectorizer.idf_char_.astype(np.float32),
        "coef": heads.coef_.astype(np.float32),
        "intercept": heads.intercept_.astype(np.float64),
        "calibration": heads.calibration_.astype(np.float64),
    }


def _version(state: dict[str, Any]) -> str:
    plain = {k: v for k, v in state.items() if k not in (*_ARRAYS, "version", "meta")}
    return content_version("ml-", plain, {name: state[name] for name in _ARRAYS})


def model_version(model: CommentModel) -> str:
    """The version (content hash) the model will have once saved."""
    return _version(_state(model))


def save_model(model: CommentModel, path: Path, meta: dict[str, Any]) -> str:
    """Write the model and its metadata to ``path`` (compressed skops); return its version."""
    state = _state(model)
    version = _version(state)
    state["version"] = version
    state["meta"] = meta
    dump_state(path, state)
    return version


def load_model(path: Path = MODEL_PATH) -> LoadedModel:
    """Read a model file, refusing untrusted types and files whose hash does not match."""
    state = load_state(path, FORMAT, "civicmod model", ModelFileError, version=_version)
    return LoadedModel(_rebuild(state), str(state["version"]), dict(state.get("meta") or {}))


def _rebuild(state: dict[str, Any]) -> CommentModel:
    params = dict(state["vectorizer_params"])
    params["char_ngram_range"] = tuple(params["char_ngram_range"])
    params["marked_terms"] = tuple(params["marked_terms"])
    vectorizer = CommentVectorizer(**params)
    heads = CalibratedLinearHeads(**state["heads_params"])
    model = CommentModel(tuple(state["categories"]), vectorizer, heads)
    fitted_vectorizer = CommentVectorizer(**params)
    fitted_vectorizer.idf_word_ = np.asarray(state["idf_word"], dtype=np.float32)
    fitted_vectorizer.idf_char_ = np.asarray(state["idf_char"], dtype=np.float32)
    fitted_vectorizer.n_features_out_ = vectorizer.n_word_features + vectorizer.n_char_features
    fitted_heads = CalibratedLinearHeads(**state["heads_params"])
    fitted_heads.coef_ = np.asfortranarray(state["coef"], dtype=np.float64)
    fitted_heads.intercept_ = np.asarray(state["intercept"], dtype=np.float64)
    fitted_heads.calibration_ = np.asarray(state["calibration"], dtype=np.float64)
    fitted_heads.classes_ = np.arange(len(model.categories))
    fitted_heads.multilabel_ = True
    fitted_heads.n_features_in_ = fitted_vectorizer.n_features_out_
    model.vectorizer_ = fitted_vectorizer
    model.heads_ = fitted_heads
    model.classes_ = np.array(model.categories)
    return model
