"""Learner identity in the pages: resume links, refreshes, bad keys, sign-in, and the My data page."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from course.store import Store
from tests.apptest_helpers import APP, open_page, texts

SCN = "scn_small-talk_coffee-urn"


def take_first_choice(at):
    at.segmented_control(key="part").set_value("Practise").run()
    at.radio(key=f"{SCN}_open_choice").set_value("pitch").run()
    at.button(key=f"{SCN}_open_submit").click().run()
    return at


def test_first_save_creates_a_resume_key_in_the_url(fixture_app_env):
    """No learner exists until the first save; then ?learner= carries a new random key."""
    at = open_page("lesson", lesson="small-talk")
    assert "learner" not in at.query_params
    take_first_choice(at)
    key = at.query_params["learner"]
    assert len(key) >= 32
    assert Store.open(fixture_app_env).learner_for_key(key) is not None


def test_refresh_with_the_resume_key_continues_the_scenario(fixture_app_env):
    """A new session (a refresh) with the same ?learner= resumes mid-scenario at the next step."""
    first = take_first_choice(open_page("lesson", lesson="small-talk"))
    key = first.query_params["learner"]
    again = open_page("lesson", lesson="small-talk", learner=key)
    again.segmented_control(key="part").set_value("Practise").run()
    shown = texts(again)
    assert "She nods politely and looks at her phone." in shown
    assert again.radio(key=f"{SCN}_follow_choice") is not None
    # Must not happen: the scenario starts over.
    assert not [r for r in again.radio if r.key == f"{SCN}_open_choice"]


def test_home_shows_progress_after_refresh(fixture_app_env):
    """Home status comes from the store: a refreshed session sees the lesson in progress."""
    key = take_first_choice(open_page("lesson", lesson="small-talk")).query_params["learner"]
    home = open_page("home", learner=key)
    assert "In progress" in texts(home)


def test_tampered_key_gets_a_clear_message_and_no_data(fixture_app_env):
    """A wrong key is refused with a message and shows nobody's progress."""
    key = take_first_choice(open_page("lesson", lesson="small-talk")).query_params["learner"]
    tampered = key[:-2] + ("zz" if not key.endswith("zz") else "yy")
    home = open_page("home", learner=tampered)
    shown = texts(home)
    assert "resume link was not recognised" in shown
    assert "In progress" not in shown
    assert "learner" not in home.query_params


def test_resume_link_is_offered_on_my_data(fixture_app_env):
    """My data shows the resume link with the key and a plain explanation."""
    key = take_first_choice(open_page("lesson", lesson="small-talk")).query_params["learner"]
    page = open_page("my_data", learner=key)
    assert any(key in block.value for block in page.code)
    assert "keep it private" in texts(page)


def test_export_download_holds_the_learners_events(fixture_app_env):
    """The JSON download carries this learner's statements with schema_version."""
    key = take_first_choice(open_page("lesson", lesson="small-talk")).query_params["learner"]
    page = open_page("my_data", learner=key)
    assert not page.exception
    store = Store.open(fixture_app_env)
    learner_id = store.learner_for_key(key)
    assert "1 learning events" in texts(page)
    from course.portable import export_document

    document = export_document(store.statements_for(learner_id), [])
    assert document["schema_version"] == 1
    assert json.dumps(document)


def test_login_is_hidden_without_auth_configuration(fixture_app_env):
    """Without [auth] in secrets, nothing about signing in shows."""
    page = open_page("my_data")
    labels = [b.label for b in page.button]
    assert "Sign in" not in labels
    assert "Sign in" not in texts(page)


def test_signed_in_user_gets_a_stable_learner(fixture_app_env):
    """With [auth] configured and a signed-in user, progress follows the account's subject, not a link."""

    def signed_in() -> AppTest:
        at = AppTest.from_file(APP, default_timeout=30)
        at.secrets["auth"] = {"redirect_uri": "http://localhost/oauth2callback", "cookie_secret": "x" * 32}
        at.user["is_logged_in"] = True
        at.user["sub"] = "oidc|learner-1"
        at.query_params["lesson"] = "small-talk"
        at.switch_page("app_pages/lesson.py")
        return at.run()

    first = take_first_choice(signed_in())
    assert "learner" not in first.query_params  # no resume link is needed
    again = signed_in()
    again.segmented_control(key="part").set_value("Practise").run()
    assert "She nods politely and looks at her phone." in texts(again)
    page = open_page("my_data")
    assert "Sign in" not in [b.label for b in page.button]


def test_community_cloud_on_sqlite_tells_learners_to_download(fixture_app_env, monkeypatch):
    """Hosted on Community Cloud with the default SQLite, My data says the file is how to keep progress."""
    monkeypatch.setenv("HOSTNAME", "streamlit")
    page = open_page("my_data")
    assert "wiped when the app restarts" in texts(page)


def test_no_download_warning_locally_or_with_a_database_url(fixture_app_env, monkeypatch):
    """Locally, or on Community Cloud with a PostgreSQL URL configured, there is no such warning."""
    monkeypatch.delenv("HOSTNAME", raising=False)
    assert "wiped when the app restarts" not in texts(open_page("my_data"))
    monkeypatch.setenv("HOSTNAME", "streamlit")
    # An unreachable server: the page says saving is unavailable, but not that a file will be wiped.
    monkeypatch.setenv("COURSE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    page = open_page("my_data")
    assert not page.exception
    assert "wiped when the app restarts" not in texts(page)
    assert "Saving is unavailable right now" in texts(page)
