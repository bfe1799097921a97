"""Category a's word list: better-profanity 0.7.0's installed list and the curation files.

The curation files in ``config/lexicons/`` remove words (``profanity-removals.yaml``), add
words (``profanity-additions.yaml``) and label the mild ones (``profanity-severity.yaml``);
every entry carries its reason. docs/profanity-curation.md explains the choices.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import yaml
from better_profanity.utils import get_complete_path_of_file

from pipeline.settings import CONFIG_DIR

DEFAULT_LEXICON_DIR = CONFIG_DIR / "lexicons"
WORDLIST_PATH = Path(get_complete_path_of_file("profanity_wordlist.txt"))
SCORES: dict[str, float] = {"mild": 0.6, "strong": 0.95}


@dataclass(frozen=True)
class Lexicon:
    """The effective word list: better-profanity's list minus removals plus additions."""

    list_words: frozenset[str]
    additions: frozenset[str]
    removals: frozenset[str]
    mild: frozenset[str]
    default_label: str
    version: str

    @property
    def words(self) -> frozenset[str]:
        """Every word the matcher looks for."""
        return self.list_words | self.additions


def _yaml_entries(path: Path, key: str) -> list[str]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    entries = data.get(key) or []
    words: list[str] = []
    for entry in entries:
        word = entry["word"] if isinstance(entry, dict) else entry
        if isinstance(entry, dict) and not str(entry.get("reason", "")).strip():
            raise ValueError(f"{path.name}: {word!r} has no reason")
        words.append(str(word).lower())
    return words


def load_lexicon(lexicon_dir: Path = DEFAULT_LEXICON_DIR) -> Lexicon:
    """Read the installed better-profanity list and the curation files in ``lexicon_dir``."""
    files = {
        "removals": lexicon_dir / "profanity-removals.yaml",
        "additions": lexicon_dir / "profanity-additions.yaml",
        "severity": lexicon_dir / "profanity-severity.yaml",
    }
    raw = WORDLIST_PATH.read_text(encoding="utf-8")
    base = {line.strip().lower() for line in raw.splitlines() if line.strip()}
    removals = set(_yaml_entries(files["removals"], "removals"))
    additions = set(_yaml_entries(files["additions"], "additions"))
    mild = set(_yaml_entries(files["severity"], "mild"))
    severity = yaml.safe_load(files["severity"].read_text(encoding="utf-8")) or {}
    default_label = str(severity.get("default", "strong"))
    if default_label not in SCORES:
        raise ValueError(f"severity default must be one of {sorted(SCORES)}: {default_label!r}")
    if unknown := removals - base:
        raise ValueError(f"removals not in better-profanity's list: {sorted(unknown)}")
    if known := additions & base:
        raise ValueError(f"additions already in better-profanity's list: {sorted(known)}")
    if short := {w for w in additions if len(w) < 2}:
        raise ValueError(f"additions shorter than 2 characters: {sorted(short)}")
    effective = (base - removals) | additions
    if unknown := mild - effective:
        raise ValueError(f"severity words not in the effective list: {sorted(unknown)}")
    digest = hashlib.sha256(raw.encode("utf-8"))
    for path in files.values():
        digest.update(path.read_bytes())
    return Lexicon(
        list_words=frozenset(base - removals),
        additions=frozenset(additions),
        removals=frozenset(removals),
        mild=frozenset(mild),
        default_label=default_label,
        version="1." + digest.hexdigest()[:8],
    )
