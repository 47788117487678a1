"""The dashboard page in a real browser: headless Chromium (Debian's package) draws every widget."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from datashare.dashboard import CHARTS, WIDGETS, write_dashboard
from tests.dashboard.ledger import ERROR, LedgerHub

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)"
    ),
]


def test_headless_chromium_renders_sync_health_and_every_widget_and_draws_every_chart(
    ledger_hub: LedgerHub, tmp_path: Path, as_of: date
) -> None:
    from playwright.sync_api import sync_playwright

    page_path = write_dashboard(
        ledger_hub.path,
        tmp_path / "dashboard.html",
        title="Southern Cross Outdoor Co",
        as_of=as_of,
        pushes=ledger_hub.pushes,
    )
    shot = tmp_path / "dashboard.png"
    errors: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(page_path.as_uri())
            health = page.locator('section[data-section="sync_health"]')
            health.wait_for(state="visible", timeout=10_000)
            assert health.locator("h2").inner_text() == "Sync health"
            for view in ("sync_runs", "sync_states", "sync_oldest_wait", "sync_attention"):
                assert health.locator(f'table[data-view="{view}"] tbody tr').count() > 0, view
            runs = health.locator('table[data-view="sync_runs"]').inner_text()
            assert "crm_sales" in runs
            assert "accounting" in runs
            states = health.locator('table[data-view="sync_states"] tbody tr', has_text="vtiger")
            assert f"{ledger_hub.organizations - 4:,}" in states.first.inner_text()  # the records due to vTiger
            oldest = health.locator('table[data-view="sync_oldest_wait"]').inner_text()
            assert ledger_hub.waiting in oldest
            attention = health.locator('table[data-view="sync_attention"]').inner_text()
            assert ledger_hub.attention in attention
            assert ERROR in attention
            assert health.locator("p.attention").inner_text() == "1 record(s) need attention"
            health.locator("svg.main-svg").first.wait_for(state="attached", timeout=10_000)
            assert health.locator("g.trace").count() >= 4  # a bar per state present: in step, due, waiting, skipped…
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
