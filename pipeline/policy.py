"""The moderation policy: thresholds per category, read from ``config/policy.yaml``."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from pipeline.records import CATEGORY_NAMES, Action, Category, Finding

ALL_CATEGORIES: tuple[Category, ...] = ("a", "b", "c", "d", "e", "f", "g", "h", "i")


class PolicyError(ValueError):
    """The policy file is unusable; the message names the file and the problem."""


class CategoryRule(BaseModel):
    """Thresholds for one policy category."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    review: float = Field(ge=0.0, le=1.0)
    remove: float = Field(ge=0.0, le=1.0)
    auto_hide: bool = False

    @model_validator(mode="after")
    def _remove_not_below_review(self) -> CategoryRule:
        if self.remove < self.review:
            raise ValueError("remove threshold must not be below review threshold")
        return self


class Policy(BaseModel):
    """A versioned policy: one rule for each category a–i."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    version: str = Field(min_length=1)
    categories: dict[Category, CategoryRule]

    @model_validator(mode="after")
    def _every_category_has_a_rule(self) -> Policy:
        missing = [c for c in ALL_CATEGORIES if c not in self.categories]
        if missing:
            raise ValueError(f"no rule for categories {', '.join(missing)}")
        return self

    def decide(self, findings: list[Finding]) -> tuple[Action, list[str]]:
        """Turn findings into an action and human-readable reasons citing the policy letter."""
        action: Action = "allow"
        reasons: list[str] = []
        for finding in sorted(findings, key=lambda f: (f.category, -f.score)):
            rule = self.categories[finding.category]
            if finding.score < rule.review:
                continue
            removes = finding.score >= rule.remove and rule.auto_hide
            if removes:
                action = "remove"
            elif action == "allow":
                action = "review"
            reasons.append(_reason(finding, removes))
        return action, reasons

    def grounds(self, findings: list[Finding]) -> list[Category]:
        """The categories the policy acts on: a finding at or above the review threshold."""
        return sorted({f.category for f in findings
                       if f.score >= self.categories[f.category].review})

    def recommend(self, findings: list[Finding]) -> Action:
        """What a moderator is advised to do: remove at a remove threshold, even if not hidden."""
        rules = [(f, self.categories[f.category]) for f in findings]
        if any(f.score >= rule.remove for f, rule in rules):
            return "remove"
        return "review" if any(f.score >= rule.review for f, rule in rules) else "allow"

    def hidden_categories(self, findings: list[Finding]) -> list[Category]:
        """The categories for which the policy hides the comment before a human looks."""
        hidden = {f.category for f in findings
                  if self.categories[f.category].auto_hide
                  and f.score >= self.categories[f.category].remove}
        return sorted(hidden)


def _reason(finding: Finding, removes: bool) -> str:
    verb = "Removed" if removes else "Flagged for review"
    what = CATEGORY_NAMES[finding.category]
    if finding.label:
        what = f"{what} ({finding.label})"
    spans = ", ".join(f"'{e.text}' at {e.start}–{e.end}" for e in finding.evidence[:5])
    where = f": {spans}" if spans else ""
    return (
        f"{verb} under E.1.{finding.category}, {what}{where} "
        f"[{finding.detector} {finding.version}, score {finding.score:.2f}]"
    )


def load_policy(path: Path) -> Policy:
    """Read and validate a policy file; raise :class:`PolicyError` naming what is wrong."""
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.safe_load(text)
    except OSError as exc:
        raise PolicyError(f"{path}: cannot read policy file ({exc.strerror})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" line {mark.line + 1}" if mark is not None else ""
        raise PolicyError(f"{path}{line}: not valid YAML ({exc})") from exc
    try:
        return Policy.model_validate(data)
    except ValidationError as exc:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        problems = "; ".join(_problem(root, err["loc"], err["msg"]) for err in exc.errors())
        raise PolicyError(f"{path}: {problems}") from exc


def _problem(root: yaml.Node | None, loc: tuple[int | str, ...], message: str) -> str:
    """``categories.a.hide (line 7): Extra inputs are not permitted``."""
    where = ".".join(str(part) for part in loc)
    line = _line_of(root, loc)
    return f"{where}{f' (line {line})' if line else ''}: {message}"


def _line_of(root: yaml.Node | None, loc: tuple[int | str, ...]) -> int | None:
    """The 1-based line of the deepest YAML key on the path ``loc`` (None: not found)."""
    node, line = root, None
    for part in loc:
        if not isinstance(node, yaml.MappingNode):
            break
        match = next(((k, v) for k, v in node.value if str(k.value) == str(part)), None)
        if match is None:
            break
        line = match[0].start_mark.line + 1
        node = match[1]
    return line
