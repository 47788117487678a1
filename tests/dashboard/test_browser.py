"""The dashboard page in a real browser: headless Chromium (Debian's package) draws every widget."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from datashare.dashboard import CHARTS, WIDGETS, write_dashboard

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]


def test_headless_chromium_renders_every_widget_and_draws_every_chart(
    hub_path: Path, tmp_path: Path, as_of: date
) -> None:
    from playwright.sync_api import sync_playwright

    page_path = write_dashboard(hub_path, tmp_path / "dashboard.html", title="Southern Cross Outdoor Co", as_of=as_of)
    shot = tmp_path / "dashboard.png"
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(page_path.as_uri())
            for w in WIDGETS:
                section = page.locator(f'section[data-widget="{w.name}"]')
                section.wait_for(state="visible", timeout=10_000)
                assert section.locator("h2").inner_text() == w.title
                assert section.locator("table tbody tr").count() > 0, w.name
                if w.name in CHARTS:
                    drawn = section.locator("svg.main-svg, canvas")
                    drawn.first.wait_for(state="attached", timeout=10_000)
                    assert section.locator("g.trace").count() > 0, w.name  # plotly drew the data, not just axes
            page.screenshot(path=str(shot), full_page=True)
        finally:
            browser.close()
    assert errors == []
    assert shot.stat().st_size > 10_000
    print(f"dashboard screenshot: {shot}")
