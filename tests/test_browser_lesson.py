"""A learner takes a lesson end to end in real Chromium."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import key, screenshot, wait_for_app
from tests.conftest import VALID_CONTENT

pytestmark = pytest.mark.browser
SCN = "scn_small-talk_coffee-urn"


def choose(page, step: str, choice_text: str) -> None:
    key(page, f"{SCN}_{step}_choice").get_by_text(choice_text, exact=False).click()
    key(page, f"{SCN}_{step}_submit").get_by_role("button").click()
    wait_for_app(page)


def test_learner_takes_a_lesson_end_to_end_and_it_survives_reload(chromium, live_app):
    """Deep link, scenario to an ending, passing quiz, then a reload keeps the progress."""
    server = live_app(content_root=VALID_CONTENT)
    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{server.url}/lesson?lesson=small-talk")
    wait_for_app(page)
    expect(page.get_by_role("heading", name="Open a conversation")).to_be_visible()

    key(page, "part").get_by_text("Practise").click()
    wait_for_app(page)
    choose(page, "open", "Introduce yourself and your job title")
    expect(page.get_by_text("She nods politely and looks at her phone.")).to_be_visible()
    expect(page.get_by_text("This was not the most effective choice.")).to_be_visible()
    choose(page, "follow", "Ask what drew her")
    expect(page.get_by_text("Ending: A real conversation")).to_be_visible()
    expect(page.get_by_text("62/100")).to_be_visible()
    # Must not happen: a choice is still offered after the ending.
    expect(page.locator(f".st-key-{SCN}_follow_choice")).to_have_count(0)
    # The resume key is now in the URL, so a refresh resumes.
    assert "learner=" in page.url
    screenshot(page, "lesson-scenario-ending")

    page.reload()
    wait_for_app(page)
    key(page, "part").get_by_text("Practise").click()
    wait_for_app(page)
    expect(page.get_by_text("Ending: A real conversation")).to_be_visible()
    expect(page.get_by_text("62/100")).to_be_visible()
