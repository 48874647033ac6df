"""The websocket-protocol client (bench/st_client.py) drives real servers the way a browser does."""

from __future__ import annotations

import pytest

from bench.st_client import StClient, StClientError, run_sync, widget_key
from tests.support.server import AppServer


@pytest.fixture(scope="module")
def bare_server():
    server = AppServer(script="bench/bare_app.py").start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def course_server(tmp_path_factory):
    database = tmp_path_factory.mktemp("bench-client") / "progress.db"
    server = AppServer(env={"COURSE_DATABASE_URL": f"sqlite:///{database}"}).start()
    yield server
    server.stop()


def test_widget_key_is_read_from_the_widget_id():
    """Keys come out of Streamlit's '$$ID-<hash>-<key>' ids, even keys with dashes; keyless ids give None."""
    assert widget_key("$$ID-0123456789abcdef0123456789abcdef-sa_intro_greet-by-name") == "sa_intro_greet-by-name"
    assert widget_key("$$ID-0123456789abcdef0123456789abcdef-None") is None
    assert widget_key("not-a-widget") is None


def test_client_runs_the_bare_page_and_clicks_its_button(bare_server):
    """The first run shows the title and button; a click is one more finished run, not a new session."""

    async def scenario() -> None:
        async with StClient(bare_server.port) as client:
            first = await client.run()
            assert first.status == 0 and not first.exceptions
            assert client.texts() == ["Bare page", "Press"]
            assert client.widget_keys() == ["bare_press"]
            clicked = await client.run(click="bare_press")
            assert clicked.status == 0 and clicked.deltas == 2
            assert client.full_runs == 2
            with pytest.raises(StClientError, match="no widget with key 'missing'"):
                await client.run(click="missing")

    run_sync(scenario())


def test_client_navigates_the_course_and_follows_query_changes(course_server):
    """Navigation lists our pages; a lesson opens by path and query; a widget change reruns with its value."""

    async def scenario() -> None:
        async with StClient(course_server.port) as client:
            home = await client.run()
            assert not home.exceptions
            assert {"lesson", "progress", "room", "presenter"} <= set(client.pages)
            assert "Course map" in client.text()

            lesson = await client.run(page="lesson", query={"lesson": "introduction"})
            assert not lesson.exceptions
            assert client.page_hash == client.pages["lesson"]
            assert client.widget("part") is not None
            assert "Course map" not in client.text()

            practise = await client.run(set={"part": ["Practise"]})
            assert not practise.exceptions
            assert client.value("part") == ["Practise"]
            assert any(key.startswith("scn_introduction_") for key in client.widget_keys())

    run_sync(scenario())
