"""constraints.txt pins every package `make install` puts in .venv, within pyproject.toml's
ranges, and the tests run on exactly those versions."""

from __future__ import annotations

import tomllib
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
EXTRAS = ("dev", "embedded")
"""The extras `make install` installs (peers and bench are not part of the test suite)."""


def pins() -> dict[str, Version]:
    """constraints.txt as canonical name → version; every line must be ``name==version``."""
    found: dict[str, Version] = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        requirement = Requirement(line)
        (spec,) = requirement.specifier
        assert spec.operator == "==" and not requirement.marker, line
        found[canonicalize_name(requirement.name)] = Version(spec.version)
    return found


def declared() -> list[Requirement]:
    """The requirements of civicmod and of the extras `make install` uses."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["dependencies"] + [
        line for extra in EXTRAS for line in project["optional-dependencies"][extra]]
    return [Requirement(line) for line in lines]


def test_every_declared_dependency_is_pinned_within_its_range() -> None:
    pinned = pins()
    problems = []
    for requirement in declared():
        version = pinned.get(canonicalize_name(requirement.name))
        if version is None:
            problems.append(f"{requirement.name}: not in constraints.txt")
        elif not requirement.specifier.contains(version, prereleases=True):
            problems.append(f"{requirement.name}: {version} is outside {requirement.specifier}")
    assert problems == [], "run `make constraints`: " + "; ".join(problems)


def test_the_installed_packages_are_the_pinned_versions() -> None:
    pinned = pins()
    installed: dict[str, Version] = {canonicalize_name(d.metadata["Name"]): Version(d.version)
                 for d in metadata.distributions()}
    differ = {name: (str(version), str(installed[name])) for name, version in pinned.items()
              if name in installed and installed[name] != version}
    assert differ == {}, "pinned, installed (run `make install`)"
    assert {canonicalize_name(r.name) for r in declared()} <= installed.keys()
