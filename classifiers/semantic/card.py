"""The semantic stage's part of the model card: where the embedder came from, its hashes."""

from __future__ import annotations

from pathlib import Path

from classifiers.semantic.detector import CEILING
from classifiers.semantic.embedder import load_embedder_state
from classifiers.semantic.train import REVIEW_BUDGET, C, SemanticResult
from classifiers.skops_file import file_sha256


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
