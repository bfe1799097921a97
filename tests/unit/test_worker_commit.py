"""The worker commits every ``worker.commit_interval_seconds`` (a SIGKILL re-moderates less)."""

from __future__ import annotations

from pipeline.settings import WorkerSettings, load_settings
from pipeline.worker import app_options


def test_the_worker_commits_twice_a_second_by_default() -> None:
    assert app_options(load_settings())["broker_commit_interval"] == 0.5
    faster = load_settings(worker=WorkerSettings(commit_interval_seconds=0.2))
    assert app_options(faster)["broker_commit_interval"] == 0.2
