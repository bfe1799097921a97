"""``up`` starts the platform sources only when a platform is configured."""

from __future__ import annotations

from pathlib import Path

from civicmod.stack.supervisor import children
from pipeline.settings import EmbeddedSettings, SourceSettings, load_settings


def test_no_platform_configured_changes_nothing(tmp_path: Path) -> None:
    settings = load_settings(embedded=EmbeddedSettings(state_dir=tmp_path))
    assert settings.sources.configured == ()
    assert [c.name for c in children(settings, 5, 10)] == ["worker", "sink", "http", "demo"]


def test_a_configured_platform_adds_the_sources_and_their_actions(tmp_path: Path) -> None:
    settings = load_settings(embedded=EmbeddedSettings(state_dir=tmp_path),
                             sources=SourceSettings(facebook_page_ids="1001, 1002"))
    assert settings.sources.facebook_pages == ("1001", "1002")
    started = children(settings)
    assert [c.name for c in started] == ["worker", "sink", "http", "sources",
                                         "platform-actions"]
    assert started[3].argv[-2:] == ["sources", "serve"]


def test_an_instagram_account_alone_starts_the_sources(tmp_path: Path) -> None:
    settings = load_settings(embedded=EmbeddedSettings(state_dir=tmp_path),
                             sources=SourceSettings(instagram_account_ids="178414, 178415 "))
    assert settings.sources.instagram_accounts == ("178414", "178415")
    assert settings.sources.configured == ("instagram",) and settings.sources.meta_configured
    assert [c.name for c in children(settings)][-2:] == ["sources", "platform-actions"]
