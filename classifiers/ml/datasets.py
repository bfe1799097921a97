"""The public labeled datasets of ``../shared/datasets`` and how their labels map to E.1 a–h.

Each dataset names its files, the categories its labels speak for, the mapping in words (for
the model card) and its own tasks: the labels as the dataset defines them ("hate",
"targeted insult at an individual"), each compared with the categories that answer it. Rows
are split into train and test by a seeded hash of a group key (an id, or the text, so
duplicates never straddle the split).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from classifiers.ml.data import Example, read_rows


@dataclass(frozen=True)
class Task:
    """One of a dataset's own labels, answered by the union of some categories."""

    name: str
    title: str
    categories: frozenset[str]


@dataclass(frozen=True)
class Dataset:
    """A public dataset: where it is, what its labels mean here, and how to read it."""

    name: str
    title: str
    files: tuple[str, ...]
    known: frozenset[str]
    mapping: str
    caveats: str
    tasks: tuple[Task, ...]
    read: Callable[[Path], list[Example]]

    def present(self, root: Path) -> bool:
        """Whether every file of the dataset is under ``root``."""
        return all((root / f).is_file() for f in self.files)

    def load(self, root: Path) -> list[Example]:
        """Every row of the dataset as examples (not yet split)."""
        return self.read(root)


def _example(text: str, positives: set[str], known: set[str], source: str, tasks: set[str],
             group: str = "") -> Example:
    return Example(text=text, positives=frozenset(positives), known=frozenset(known),
                   source=source, tasks=frozenset(tasks), group=group or text)


def _davidson(root: Path) -> list[Example]:
    out = []
    for row in read_rows(root / "davidson2017/labeled_data.csv"):
        label = row["class"]
        if label == "0":  # hate speech: c; it is usually vulgar too, so a is left unknown
            out.append(_example(row["tweet"], {"c"}, {"c"}, "davidson", {"offensive", "hate"}))
        elif label == "1":
            out.append(_example(row["tweet"], {"a"}, {"a", "c"}, "davidson", {"offensive"}))
        else:
            out.append(_example(row["tweet"], set(), {"a", "c"}, "davidson", set()))
    return out


def _olid(root: Path) -> list[Example]:
    out = []
    for row in read_rows(root / "olid/olid-training-v1.0.tsv", delimiter="\t"):
        a, b, c = row["subtask_a"], row["subtask_b"], row["subtask_c"]
        tasks = {"offensive"} if a == "OFF" else set()
        if a == "NOT":
            positives, known = set(), {"a", "b", "c"}
        elif b == "UNT":
            positives, known = {"a"}, {"a", "b", "c"}
            tasks.add("policy_offensive")
        elif c == "IND":
            positives, known = {"b"}, {"b", "c"}
            tasks |= {"insult_individual", "policy_offensive"}
        elif c == "GRP":  # groups include political parties, not only protected classes
            positives, known = set(), {"b"}
        else:  # OTH: an organisation, event or issue: criticism, not a personal attack
            positives, known = set(), {"b", "c"}
        out.append(_example(row["tweet"], positives, known, "olid", tasks, group=row["id"]))
    return out


_JIGSAW_LABELS = {"obscene": "a", "insult": "b", "identity_hate": "c", "threat": "h"}
_JIGSAW_POOLS = ("train.a.bad.1k", "train.a.ok.1k", "train.b.bad.1k", "train.b.ok.1k",
                 "train.c.bad.1k")


def _jigsaw(root: Path) -> list[Example]:
    out = []
    seen: set[str] = set()
    for name in ("train.5k", *_JIGSAW_POOLS):
        for row in read_rows(root / f"jigsaw/{name}.csv"):
            if row["id"] in seen:  # the pools share some ids with train.5k
                continue
            seen.add(row["id"])
            positives = {cat for col, cat in _JIGSAW_LABELS.items() if row[col] == "1"}
            flags = [col for col in ("toxic", "severe_toxic", *_JIGSAW_LABELS) if row[col] == "1"]
            tasks = set(flags) | ({"any_toxic"} if flags else set())
            out.append(_example(row["comment_text"], positives, set(_JIGSAW_LABELS.values()),
                                "jigsaw", tasks, group=row["id"]))
    return out


def _youtube(root: Path) -> list[Example]:
    out = []
    for name in ("Youtube01-Psy", "Youtube02-KatyPerry", "Youtube03-LMFAO"):
        for row in read_rows(root / f"youtube_spam/{name}.csv"):
            spam = row["label"] == "1"
            out.append(_example(row["CONTENT"], {"d"} if spam else set(), {"d"}, "youtube",
                                {"spam"} if spam else set(), group=row["COMMENT_ID"]))
    return out


def _sms(root: Path) -> list[Example]:
    out = []
    for row in read_rows(root / "sms_spam/SMSSpamCollection", delimiter="\t"):
        spam = row["Label"] == "spam"
        out.append(_example(row["SMS"], {"d"} if spam else set(), {"d"}, "sms",
                            {"spam"} if spam else set()))
    return out


def _stormfront(root: Path) -> list[Example]:
    out = []
    for row in read_rows(root / "stormfront/sampled_train.csv"):
        hate = row["label"] == "hate"
        post = row["file_id"].split("_")[0]  # sentences of one post stay on one side
        out.append(_example(row["text"], {"c"} if hate else set(), {"c"}, "stormfront",
                            {"hate"} if hate else set(), group=post))
    return out


OFFENSIVE = frozenset({"a", "b", "c"})
TOXIC = frozenset({"a", "b", "c", "e", "h"})

DATASETS: tuple[Dataset, ...] = (
    Dataset(
        "davidson", "Davidson et al. 2017 (tweets)", ("davidson2017/labeled_data.csv",),
        frozenset({"a", "c"}),
        "class 0 hate speech → c (a unknown); class 1 offensive language → a (not c); "
        "class 2 neither → not a, not c",
        "Tweets, heavy in slurs used casually; 'offensive' is mostly vulgar words, so it maps "
        "to a, not to personal attacks. Hate is 6% of rows and annotators disagree on it.",
        (Task("offensive", "offensive (hate or offensive)", OFFENSIVE),
         Task("hate", "hate speech", frozenset({"c"}))),
        _davidson,
    ),
    Dataset(
        "olid", "OLID / OffensEval 2019 (tweets)", ("olid/olid-training-v1.0.tsv",),
        frozenset({"a", "b", "c"}),
        "NOT → not a/b/c; OFF+UNT (untargeted profanity) → a; OFF+TIN+IND → b; "
        "OFF+TIN+GRP → not b (c unknown); OFF+TIN+OTH → not b, not c",
        "Targeted group insults (GRP) include political groups, which are not protected "
        "classes, so they do not teach c. Insults at an organisation (OTH) are criticism here. "
        "Its OFF label therefore counts insults at groups and organisations the policy must "
        "allow; 'profanity or insult at a person' is OFF without them (they are negatives).",
        (Task("offensive", "offensive (OFF)", OFFENSIVE),
         Task("insult_individual", "targeted insult at an individual (TIN+IND)",
              frozenset({"b"})),
         Task("policy_offensive", "profanity or insult at a person (UNT or TIN+IND)",
              frozenset({"a", "b"}))),
        _olid,
    ),
    Dataset(
        "jigsaw", "Jigsaw Toxic Comments (Wikipedia talk pages)",
        tuple(f"jigsaw/{name}.csv" for name in ("train.5k", *_JIGSAW_POOLS)),
        frozenset({"a", "b", "c", "h"}),
        "obscene → a; insult → b; identity_hate → c; threat → h; toxic or severe_toxic "
        "alone → none of them",
        "The random train.5k and the balanced pools together (ids deduplicated): toxic rows are "
        "about a third of them, far above the 10% of the random sample, so precision here is "
        "higher than on natural traffic. Threat has few positives.",
        (Task("any_toxic", "any toxic label", TOXIC),
         Task("obscene", "obscene", frozenset({"a"})),
         Task("insult", "insult", frozenset({"b"})),
         Task("identity_hate", "identity hate", frozenset({"c"})),
         Task("threat", "threat", frozenset({"h"}))),
        _jigsaw,
    ),
    Dataset(
        "youtube", "YouTube Spam Collection (comments)",
        tuple(f"youtube_spam/{n}.csv" for n in ("Youtube01-Psy", "Youtube02-KatyPerry",
                                               "Youtube03-LMFAO")),
        frozenset({"d"}), "label 1 spam → d; 0 ham → not d",
        "Music-video comments: spam is self-promotion ('check out my channel').",
        (Task("spam", "spam", frozenset({"d"})),), _youtube,
    ),
    Dataset(
        "sms", "SMS Spam Collection", ("sms_spam/SMSSpamCollection",),
        frozenset({"d"}), "spam → d; ham → not d",
        "Text messages, out of domain: prizes, premium numbers, SMS slang.",
        (Task("spam", "spam", frozenset({"d"})),), _sms,
    ),
    Dataset(
        "stormfront", "de Gibert et al. 2018, Stormfront sentences",
        ("stormfront/sampled_train.csv",),
        frozenset({"c"}), "hate → c; noHate → not c",
        "Balanced sample from a white-supremacist forum: even noHate sentences are on its "
        "topics, and some hate needs context the single sentence lacks.",
        (Task("hate", "hate", frozenset({"c"})),), _stormfront,
    ),
)


def available(root: Path) -> list[Dataset]:
    """The datasets whose files are all under ``root`` (none when it does not exist)."""
    return [d for d in DATASETS if d.present(root)]
