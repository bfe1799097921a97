"""Hashed TF-IDF features of comments: word 1–2-grams plus char 3–5-grams inside words.

The features are those of scikit-learn's ``TfidfVectorizer`` with ``analyzer="word"`` and
``analyzer="char_wb"`` side by side, computed differently for speed: a text is split on
whitespace into chunks, and the hashed n-grams of a chunk are cached (chunks repeat across
comments far more than texts do), so a batch costs one cache lookup per chunk and a few numpy
calls. No vocabulary is stored: n-grams are hashed (MurmurHash3, stable across processes) into a
fixed number of columns per block, and each block is L2-normalised on its own, as a
``FeatureUnion`` of two vectorisers would be.
"""

from __future__ import annotations

import re
import unicodedata
from array import array
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain
from typing import Any

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.preprocessing import normalize
from sklearn.utils import murmurhash3_32
from sklearn.utils.validation import check_is_fitted

from classifiers.textnorm import fold_homoglyphs
from classifiers.urls import LINK_START

_WORD_RE = re.compile(r"\w+")
_CHUNK_RE = re.compile(r"\S+")
_LINK_RE = re.compile(r"\W*" + LINK_START)
_CHAR_SEED = 0x5EED
_WORD_SEED = 0xC0DE
_BIGRAM_MULT = np.uint64(0x9E3779B97F4A7C15)
_DROPPED_CATEGORIES = frozenset({"Cf", "Cc", "Cs", "Mn", "Me"})
MAX_CHUNK_CHARS = 40  # longer "words" (URLs, keyboard mashing) only count by their start
_MAX_KEY_CHARS = 4 * MAX_CHUNK_CHARS  # bounds the cache's memory (room for invisible chars)


def normalise_chunk(chunk: str) -> str:
    """Lowercase a chunk; off ASCII, also fold Cyrillic/Greek look-alikes to Latin and strip
    accents, zero-width, control and lone surrogate characters."""
    if chunk.isascii():
        return chunk.lower()
    decomposed = unicodedata.normalize("NFKD", fold_homoglyphs(chunk))
    kept = "".join(c for c in decomposed if unicodedata.category(c) not in _DROPPED_CATEGORIES)
    return kept.lower()


_MARK = murmurhash3_32("\x00marked", seed=_WORD_SEED, positive=True)


_MARKERS: list[re.Pattern[str] | None] = []


@lru_cache(maxsize=64)
def marker(terms: tuple[str, ...]) -> int:
    """The id of one regex matching a whole word that is one of ``terms`` (``*``: any ending).

    Cache keys carry this small id, not the regex, whose hash is recomputed on every call.
    """
    single = [t for t in terms if t.strip() and " " not in t.strip()]
    body = "|".join(re.escape(t.rstrip("*")) + (r"\w*" if t.endswith("*") else "") for t in single)
    _MARKERS.append(re.compile(f"(?:{body})") if single else None)
    return len(_MARKERS) - 1


CACHE_CHUNKS = 1 << 16
"""Chunks whose features are kept per vectoriser configuration; the cache starts over when
full."""
_Config = tuple[int, int, int, int, bool]
_CACHES: dict[_Config, dict[str, tuple[bytes, bytes]]] = {}


def clear_chunk_cache() -> None:
    """Forget every chunk's cached features (the state of a fresh worker)."""
    _CACHES.clear()


def _cached_features(chunk_texts: list[str], config: _Config) -> list[tuple[bytes, bytes]]:
    """:func:`_chunk_features` of each chunk (cut to its first ``_MAX_KEY_CHARS``), through a
    plain dict per configuration: one C-level lookup per chunk that was seen before."""
    cache = _CACHES.setdefault(config, {})
    found = list(map(cache.get, chunk_texts))
    if None not in found:
        return found  # type: ignore[return-value]
    for k, chunk in enumerate(chunk_texts):
        if found[k] is not None:
            continue
        key = chunk[:_MAX_KEY_CHARS]
        value = cache.get(key)
        if value is None:
            if len(cache) >= CACHE_CHUNKS:
                cache.clear()
            value = cache[key] = _chunk_features(key, *config)
        found[k] = value
    return found  # type: ignore[return-value]


def _chunk_features(
    chunk: str, char_min: int, char_max: int, n_char: int, marker_id: int, skip_links: bool
) -> tuple[bytes, bytes]:
    """Hashed char n-gram columns (int32) and word hashes (uint32) of one chunk, as bytes.

    A word matching the marker regex is followed by one shared marker word, so that what is
    said about one marked word ("<group> are ...") is learned for all of them. With
    ``skip_links``, a chunk that is a link (``http://``, ``https://``, ``www.``) has none.
    """
    marked = _MARKERS[marker_id]
    norm = normalise_chunk(chunk)[:MAX_CHUNK_CHARS]
    if skip_links and _LINK_RE.match(norm):
        return b"", b""
    padded = f" {norm} "
    columns = array("i", (
        murmurhash3_32(padded[i : i + n], seed=_CHAR_SEED, positive=True) % n_char
        for n in range(char_min, char_max + 1)
        for i in range(len(padded) - n + 1)
    ))
    words = array("I")
    for word in _WORD_RE.findall(norm):
        words.append(murmurhash3_32(word, seed=_WORD_SEED, positive=True))
        if marked is not None and marked.fullmatch(word):
            words.append(_MARK)
    return columns.tobytes(), words.tobytes()


def chunks(text: str) -> Iterator[re.Match[str]]:
    """The chunks of ``text`` with their spans (the same split as ``str.split()``)."""
    return _CHUNK_RE.finditer(text)


@dataclass(frozen=True)
class Grams:
    """The n-gram occurrences of a list of chunks: columns, and the chunk each lies in.

    Char columns are local to the char block. A word pair (bigram) lies across two chunks
    when its words do: ``pair_left`` and ``pair_right`` name them.
    """

    char_cols: np.ndarray
    char_chunk: np.ndarray
    word_cols: np.ndarray
    word_chunk: np.ndarray
    pair_cols: np.ndarray
    pair_left: np.ndarray
    pair_right: np.ndarray


@dataclass(frozen=True)
class TextGrams:
    """The chunks of a batch of texts (``chunk_rows``: the text of each) and their n-grams."""

    chunks: list[str]
    chunk_rows: np.ndarray
    grams: Grams


class CommentVectorizer(TransformerMixin, BaseEstimator):
    """Sublinear TF-IDF over hashed word n-grams and char_wb n-grams, one L2 norm per block.

    Parameters
    ----------
    word_ngram_max : int
        Word n-grams from 1 to this (1 or 2).
    char_ngram_range : tuple of int
        Smallest and largest char n-gram inside a whitespace-padded word.
    n_word_features, n_char_features : int
        Hashed columns of the word block and of the char block.
    max_chars : int
        Only the first ``max_chars`` characters of a text are featurised.
    marked_terms : tuple of str
        Words (lowercase, ``*`` for any ending) each followed by one shared marker word,
        e.g. the names of protected groups; multi-word entries are ignored.
    skip_links : bool
        Leave out chunks that are links (``http://``, ``https://``, ``www.``), so a model
        judges the words and never learns "has a link" as spam; rules judge the links.
    """

    def __init__(
        self,
        word_ngram_max: int = 2,
        char_ngram_range: tuple[int, int] = (3, 5),
        n_word_features: int = 1 << 18,
        n_char_features: int = 1 << 18,
        max_chars: int = 10_000,
        marked_terms: tuple[str, ...] = (),
        skip_links: bool = False,
    ) -> None:
        self.word_ngram_max = word_ngram_max
        self.char_ngram_range = char_ngram_range
        self.n_word_features = n_word_features
        self.n_char_features = n_char_features
        self.max_chars = max_chars
        self.marked_terms = marked_terms
        self.skip_links = skip_links

    def __sklearn_tags__(self) -> Any:
        """Text in, not a 2-d numeric array."""
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags

    def fit(self, X: Sequence[str], y: object = None) -> CommentVectorizer:
        """Learn the inverse document frequencies of the hashed columns."""
        if isinstance(X, str):
            raise ValueError("X must be a sequence of texts, not one string")
        if self.word_ngram_max not in (1, 2):
            raise ValueError("word_ngram_max must be 1 or 2")
        lo, hi = self.char_ngram_range
        if not 1 <= lo <= hi:
            raise ValueError("char_ngram_range must be (min, max) with 1 <= min <= max")
        words, chars, _ = self._counts(X)
        n = len(X)
        self.idf_word_ = _idf(words, n)
        self.idf_char_ = _idf(chars, n)
        self.n_features_out_ = self.n_word_features + self.n_char_features
        return self

    def transform(self, X: Sequence[str]) -> sp.csr_matrix:
        """The TF-IDF matrix of ``X``: word columns first, then char columns."""
        return self.transform_grams(X)[0]

    def grams(self, chunk_texts: Sequence[str], chunk_rows: np.ndarray) -> Grams:
        """Every n-gram occurrence of consecutive chunks; ``chunk_rows`` gives each its text."""
        lo, hi = self.char_ngram_range
        features = _cached_features(list(chunk_texts), (
            lo, hi, self.n_char_features, marker(tuple(self.marked_terms)), self.skip_links))
        ids = np.arange(len(features), dtype=np.int64)
        char_cols, char_chunk = _flatten([f[0] for f in features], np.int32, ids)
        hashes, word_chunk = _flatten([f[1] for f in features], np.uint32, ids)
        word_cols = (hashes % self.n_word_features).astype(np.int32)
        same = np.zeros(max(len(hashes) - 1, 0), dtype=bool)
        if self.word_ngram_max >= 2 and len(hashes) >= 2:
            word_rows = chunk_rows[word_chunk]
            same = word_rows[:-1] == word_rows[1:]
        left = hashes[:-1][same].astype(np.uint64)
        right = hashes[1:][same].astype(np.uint64)
        with np.errstate(over="ignore"):
            mixed = (left * _BIGRAM_MULT) ^ right
        return Grams(
            char_cols=char_cols, char_chunk=char_chunk, word_cols=word_cols,
            word_chunk=word_chunk,
            pair_cols=(mixed % np.uint64(self.n_word_features)).astype(np.int32),
            pair_left=word_chunk[:-1][same], pair_right=word_chunk[1:][same],
        )

    def transform_grams(self, X: Sequence[str]) -> tuple[sp.csr_matrix, TextGrams]:
        """:meth:`transform`'s matrix and the n-gram occurrences it was counted from."""
        check_is_fitted(self, "idf_word_")
        if isinstance(X, str):
            raise ValueError("X must be a sequence of texts, not one string")
        words, chars, found = self._counts(X)
        matrix = sp.hstack(
            [_tfidf(words, self.idf_word_), _tfidf(chars, self.idf_char_)], format="csr"
        )
        return matrix, found

    def text_grams(self, texts: Sequence[str]) -> TextGrams:
        """The chunks of each text's first ``max_chars`` characters and their n-grams."""
        n = len(texts)
        per_text = [text[: self.max_chars].split() for text in texts]
        chunk_rows = np.repeat(np.arange(n, dtype=np.int32),
                               np.fromiter(map(len, per_text), dtype=np.int64, count=n))
        chunk_texts = list(chain.from_iterable(per_text))
        return TextGrams(chunk_texts, chunk_rows, self.grams(chunk_texts, chunk_rows))

    def _counts(self, texts: Sequence[str]) -> tuple[sp.csr_matrix, sp.csr_matrix, TextGrams]:
        """Raw n-gram counts of the word block and the char block, and the occurrences."""
        n = len(texts)
        found = self.text_grams(texts)
        g, chunk_rows = found.grams, found.chunk_rows
        word_rows = chunk_rows[np.concatenate([g.word_chunk, g.pair_left])]
        return (
            _count_matrix(word_rows, np.concatenate([g.word_cols, g.pair_cols]),
                          (n, self.n_word_features)),
            _count_matrix(chunk_rows[g.char_chunk], g.char_cols, (n, self.n_char_features)),
            found,
        )


def _flatten(
    per_chunk: Sequence[bytes], dtype: type[np.generic], chunk_rows: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The 4-byte values of every chunk, concatenated, and the row (text) of each."""
    values = np.frombuffer(b"".join(per_chunk), dtype=dtype)
    lengths = np.fromiter(map(len, per_chunk), dtype=np.int64, count=len(per_chunk)) // 4
    return values, np.repeat(chunk_rows, lengths)


def _count_matrix(rows: np.ndarray, cols: np.ndarray, shape: tuple[int, int]) -> sp.csr_matrix:
    data = np.ones(len(rows), dtype=np.float64)
    matrix = sp.csr_matrix((data, (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    return matrix


def _idf(counts: sp.csr_matrix, n_documents: int) -> np.ndarray:
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return (np.log((1.0 + n_documents) / (1.0 + df)) + 1.0).astype(np.float32)


def _tfidf(counts: sp.csr_matrix, idf: np.ndarray) -> sp.csr_matrix:
    counts.data = (1.0 + np.log(counts.data)) * idf[counts.indices]
    return normalize(counts, copy=False)
