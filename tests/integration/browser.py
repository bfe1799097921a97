"""Headless Chromium from Debian driven by Playwright (never a browser of its own), and the
axe-core accessibility checker installed from the npm registry by ``make browser``."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).resolve().parents[2] / ".venv/axe/node_modules/axe-core/axe.min.js"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@contextmanager
def chromium_page() -> Iterator[Any]:
    """A fresh page in headless Chromium; skips, saying why, where it cannot run."""
    if not CHROMIUM.is_file():
        pytest.skip("Chromium is not installed (make browser: apt-get install -y chromium)")
    if not AXE.is_file():
        pytest.skip(f"axe-core is not installed at {AXE} (make browser: npm install axe-core)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[dev]')")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            # bypass_csp: the console's policy refuses inline script, axe-core's injection too.
            context = browser.new_context(accept_downloads=True, bypass_csp=True,
                                          viewport={"width": 1200, "height": 860})
            yield context.new_page()
        finally:
            browser.close()


def axe_violations(page: Any) -> list[str]:
    """The WCAG 2.1 A/AA violations axe-core finds on the page (labels, contrast, names…)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


def screenshot_dir(default: Path) -> Path:
    """Where screenshots go: ``CIVICMOD_SCREENSHOTS`` (make screenshots: docs/img) or a
    temporary folder, so that ``make test`` leaves the tree as it was."""
    folder = Path(os.environ.get("CIVICMOD_SCREENSHOTS") or default)
    folder.mkdir(parents=True, exist_ok=True)
    return folder
