"""The policy file drives the worker: automatic hides count as violations where a category
allows them, and a bad policy file stops the worker at start, naming the line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml

from pipeline.actions import Standing
from pipeline.ingest import CommentProducer, IngestCounts
from pipeline.settings import CONFIG_DIR, Settings
from tests.integration.helpers import isolated, read_topic, start, wait_for

pytestmark = pytest.mark.integration


def test_auto_hidden_comments_count_toward_a_ban(stack: Settings, tmp_path: Path) -> None:
    policy = yaml.safe_load((CONFIG_DIR / "policy.yaml").read_text(encoding="utf-8"))
    policy["categories"]["a"]["auto_hide"] = True
    policy_file = tmp_path / "policy.yaml"
    policy_file.write_text(yaml.safe_dump(policy), encoding="utf-8")
    settings = isolated(stack, "autohide").model_copy(update={"policy_file": policy_file})
    worker = start("autohide-worker", ["worker"], settings)
    try:
        producer = CommentProducer(settings)
        for n, text in enumerate(["shit", "fuck this", "what shit"]):
            producer.accept_object({
                "id": f"h{n}", "platform": "facebook", "page": "town", "post": "p",
                "author_id": "u-hidden", "text": text, "created_at": "2026-11-25T10:00:00Z",
            }, "test", IngestCounts())
        producer.close()
        sanctions = read_topic(settings, settings.topics.sanctions, 3, timeout=60)
    finally:
        worker.stop()
    standings = [Standing.model_validate_json(m.value) for m in sanctions]
    assert [s.event for s in standings] == ["hidden", "hidden", "hidden"]
    assert standings[-1].recommendation == "ban" and not standings[-1].banned
    verdicts = [json.loads(m.value) for m in read_topic(settings, settings.topics.verdicts, 3, 5)]
    assert [v["action"] for v in verdicts] == ["remove"] * 3
    flagged = [json.loads(m.value) for m in read_topic(settings, settings.topics.flagged, 3, 5)]
    assert [(v["kind"], v["history"]["violations"]) for v in flagged] == [
        ("comment", 1), ("comment", 2), ("comment", 3)]
    assert flagged[-1]["history"]["sanction"] == "ban recommended"


def test_a_bad_policy_file_is_refused_at_start_naming_the_line(
    stack: Settings, tmp_path: Path
) -> None:
    text = (CONFIG_DIR / "policy.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad-policy.yaml"
    broken = re.sub(r"(?m)^(  c: \{review: [0-9.]+, remove: )0\.9\b", r"\g<1>0.05", text)
    assert broken != text
    bad.write_text(broken, encoding="utf-8")
    line = next(n for n, row in enumerate(bad.read_text().splitlines(), 1) if "remove: 0.05" in row)
    settings = stack.model_copy(update={"policy_file": bad})
    worker = start("bad-policy-worker", ["worker"], settings)
    try:
        wait_for(lambda: worker.popen is not None and worker.popen.poll() is not None, 30,
                 "the worker to refuse the policy")
    finally:
        worker.stop()
    assert worker.popen is not None and worker.popen.returncode == 2
    # the log handler wraps long lines at 80 columns, even mid-word
    log = "".join(row.strip() for row in worker.log_path.read_text(encoding="utf-8").splitlines())
    assert f"categories.c (line {line})" in log and str(bad) in log
