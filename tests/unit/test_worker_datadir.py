"""Faust's table folder lives in the state dir, never in the directory the worker started in."""

from __future__ import annotations

from pathlib import Path

import faust
import pytest

from pipeline.settings import EmbeddedSettings, load_settings
from pipeline.worker import app_options


def test_the_table_folder_is_made_under_a_missing_state_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started_in = tmp_path / "cwd"
    started_in.mkdir()
    monkeypatch.chdir(started_in)
    state = tmp_path / "not" / "yet" / "there"
    settings = load_settings(embedded=EmbeddedSettings(state_dir=state))
    app = faust.App("dd-moderation", **app_options(settings))
    assert app.conf.datadir == state / "dd-moderation-data"
    app.conf.datadir.mkdir(exist_ok=True)  # what Faust does when it starts (parents not made)
    assert app.conf.tabledir.is_relative_to(state)
    assert list(started_in.iterdir()) == []
