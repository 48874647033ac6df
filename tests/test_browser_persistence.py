"""Progress survives a server restart and a switch between app processes sharing PostgreSQL."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser_support import key, wait_for_app
from tests.conftest import VALID_CONTENT

pytestmark = pytest.mark.browser
SCN = "scn_small-talk_coffee-urn"


def first_choice(page, base_url: str) -> str:
    page.goto(f"{base_url}/lesson?lesson=small-talk&part=Practise")
    wait_for_app(page)
    key(page, f"{SCN}_open_choice").get_by_text("Introduce yourself and your job title").click()
    key(page, f"{SCN}_open_submit").get_by_role("button").click()
    wait_for_app(page)
    expect(page.get_by_text("She nods politely and looks at her phone.")).to_be_visible()
    return page.url


def resumed(page, url: str) -> None:
    page.goto(url)
    wait_for_app(page)
    expect(page.get_by_text("She nods politely and looks at her phone.")).to_be_visible()
    expect(key(page, f"{SCN}_follow_choice")).to_be_visible()
    # Must not happen: back at the first decision.
    expect(key(page, f"{SCN}_open_choice")).to_have_count(0)


def test_progress_survives_a_server_restart(chromium, live_app, tmp_path):
    """Stop the server, start a new one on the same SQLite file: the resume link continues the scenario."""
    database = f"sqlite:///{tmp_path / 'progress.db'}"
    server = live_app(content_root=VALID_CONTENT, database_url=database)
    page = chromium.new_page()
    url = first_choice(page, server.url)
    server.stop()
    restarted = live_app(content_root=VALID_CONTENT, database_url=database)
    resumed(page, url.replace(server.url, restarted.url))


def test_progress_moves_between_processes_sharing_postgres(chromium, live_app, pg_url):
    """Progress made on process A is there on process B when both use one PostgreSQL."""
    process_a = live_app(content_root=VALID_CONTENT, database_url=pg_url)
    process_b = live_app(content_root=VALID_CONTENT, database_url=pg_url)
    page = chromium.new_page()
    url = first_choice(page, process_a.url)
    resumed(chromium.new_page(), url.replace(process_a.url, process_b.url))
