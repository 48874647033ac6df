"""Authors see validation messages and scenario graphs in the browser; learners never do."""

from __future__ import annotations

import shutil

import pytest
from playwright.sync_api import expect

from tests.browser_support import screenshot, wait_for_app
from tests.conftest import FIXTURES, VALID_CONTENT

pytestmark = pytest.mark.browser


@pytest.fixture
def content_with_a_broken_lesson(tmp_path):
    shutil.copytree(VALID_CONTENT, tmp_path, dirs_exist_ok=True)
    shutil.copy(FIXTURES / "broken/lessons/unreachable-step.yaml", tmp_path / "lessons/02-unreachable.yaml")
    return tmp_path


def test_author_sees_errors_and_graphs_while_course_keeps_working(chromium, live_app, content_with_a_broken_lesson):
    """The content check lists the broken file's error, draws graphs with the problem flagged, and Home still works."""
    server = live_app(content_root=content_with_a_broken_lesson, env={"COURSE_AUTHOR_MODE": "1"})
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server.url}/author")
    wait_for_app(page)
    expect(
        page.get_by_text("lessons/02-unreachable.yaml:64: scenarios[0].steps[2].id: step 'orphan' cannot be reached")
    ).to_be_visible()
    expect(page.get_by_text("step 'orphan' cannot be reached from the start").first).to_be_visible()
    # The broken lesson's expander opens by itself, and Mermaid draws the graph as an SVG image whose alt
    # text (the text alternative) names the problem.
    graph = page.locator("[data-testid=stMermaidChart] img[alt*=\"Problems: step 'orphan' cannot be reached\"]")
    graph.scroll_into_view_if_needed()
    expect(graph).to_be_visible(timeout=20_000)
    page.wait_for_function("img => img.complete && img.naturalWidth > 100", arg=graph.element_handle())
    screenshot(page, "author-content-check")

    page.goto(server.url)
    wait_for_app(page)
    expect(page.get_by_text("1. Open a conversation")).to_be_visible()
    expect(page.get_by_text("This lesson is unavailable right now.")).to_be_visible()


def test_learners_never_see_the_content_check(chromium, live_app, content_with_a_broken_lesson):
    """Without author mode there is no Authoring section and no validation message on Home."""
    server = live_app(content_root=content_with_a_broken_lesson)
    page = chromium.new_page()
    page.goto(server.url)
    wait_for_app(page)
    expect(page.get_by_text("This lesson is unavailable right now.")).to_be_visible()
    expect(page.get_by_text("Content check")).to_have_count(0)
    expect(page.get_by_text("cannot be reached")).to_have_count(0)
