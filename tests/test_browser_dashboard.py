"""The progress dashboard in real Chromium: empty and after a seeded month, in light and dark theme."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from course.events import utcnow
from course.loader import load_course
from course.store import Store
from tests.browser_support import screenshot, wait_for_app
from tests.conftest import ROOT
from tests.support.history import seed_month

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 1400, "height": 1000}

# Relative luminance of the chart title's text colour: dark text on light, light text on dark.
TITLE_LUMINANCE = """
(element) => {
  const [r, g, b] = getComputedStyle(element).fill.match(/\\d+/g).slice(0, 3).map(Number);
  return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
}
"""


def whole_page_screenshot(page, name: str) -> None:
    """Streamlit scrolls inside its main area, so grow the viewport to the content before the full-page shot."""
    height = page.locator("[data-testid=stMain]").evaluate("(element) => element.scrollHeight")
    page.set_viewport_size({"width": VIEWPORT["width"], "height": min(int(height) + 40, 12_000)})
    wait_for_app(page)
    screenshot(page, name)
    page.set_viewport_size(VIEWPORT)


def test_dashboard_renders_empty_and_seeded_in_light_and_dark(chromium, live_app, tmp_path):
    """Charts draw as plotly SVG with summaries and keyboard-reachable tables; a new learner sees no empty axes."""
    url = f"sqlite:///{tmp_path / 'progress.db'}"
    store = Store.open(url)
    learner_id, key = store.create_learner()
    course = load_course(ROOT)
    history = seed_month(course, learner_id, end=utcnow(), lessons=min(8, len(course.lessons)))
    store.record(history.statements)
    store.add_journal(history.journal)
    server = live_app(database_url=url)

    for scheme in ("light", "dark"):
        page = chromium.new_page(viewport=VIEWPORT, color_scheme=scheme, timezone_id="Europe/London")

        page.goto(f"{server.url}/progress")
        wait_for_app(page)
        expect(page.get_by_text("Your progress will grow here as you learn.")).to_be_visible()
        expect(page.get_by_text("No self-ratings yet.", exact=False)).to_be_visible()
        # Must not happen: empty axes for a learner with nothing to show.
        expect(page.locator(".js-plotly-plot")).to_have_count(0)
        expect(page.locator("[data-testid=stException]")).to_have_count(0)
        whole_page_screenshot(page, f"dashboard-empty-{scheme}")

        page.goto(f"{server.url}/progress?learner={key}")
        wait_for_app(page)
        expect(page.locator(".js-plotly-plot .main-svg").first).to_be_visible()
        for name in ("radar", "change", "mastery", "history", "judgement", "activity", "calibration"):
            chart = page.locator(f".st-key-progress_chart_{name} .js-plotly-plot .main-svg").first
            chart.scroll_into_view_if_needed()
            expect(chart).to_be_visible()
            expect(page.locator(f".st-key-progress_summary_{name}")).not_to_be_empty()
        expect(page.locator(".st-key-progress_summary_radar")).to_contain_text("self-perceived")
        expect(page.get_by_text("worth a look", exact=False).first).to_be_visible()
        expect(page.locator("[data-testid=stException]")).to_have_count(0)
        # Must not happen: an empty-state message beside drawn charts.
        expect(page.get_by_text("No knowledge checks yet.", exact=False)).to_have_count(0)

        # The radar's data table is reachable by keyboard: focus its expander and open it with Enter.
        toggle = page.locator(".st-key-progress_table_radar summary")
        toggle.focus()
        expect(toggle).to_be_focused()
        page.keyboard.press("Enter")
        expect(page.locator(".st-key-progress_table_radar [data-testid=stDataFrame]")).to_be_visible()

        # Readable in both themes: chart text follows the theme.
        title = page.locator(".st-key-progress_chart_mastery .gtitle").first
        luminance = title.evaluate(TITLE_LUMINANCE)
        assert luminance > 0.6 if scheme == "dark" else luminance < 0.4

        whole_page_screenshot(page, f"dashboard-seeded-{scheme}")
        page.close()
