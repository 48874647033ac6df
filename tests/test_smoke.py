"""Every page in app_pages/ runs without an exception, with and without a learner."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.apptest_helpers import open_page
from tests.conftest import ROOT

PAGES = sorted(p.stem for p in (ROOT / "app_pages").glob("*.py") if not p.name.startswith("_"))


def test_there_is_no_pages_folder():
    """A top-level pages/ folder would make Streamlit run its files without the router."""
    assert not (ROOT / "pages").exists()


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(page: str, app_env, monkeypatch):
    """Each page renders for a brand-new anonymous learner."""
    if page == "author":
        monkeypatch.setenv("COURSE_AUTHOR_MODE", "1")
    at = open_page(page)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title, f"{page} shows no title"


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_for_every_lesson_query(page: str, app_env, monkeypatch):
    """Pages that take ?lesson= render for the first lesson too."""
    if page == "author":
        monkeypatch.setenv("COURSE_AUTHOR_MODE", "1")
    at = open_page(page, lesson="introduction")
    assert not at.exception, [e.value for e in at.exception]


def test_all_page_files_are_routed():
    """Every page file is listed in the router, so none is unreachable."""
    router = (ROOT / "streamlit_app.py").read_text()
    for page in PAGES:
        assert f'"app_pages/{page}.py"' in router, page
    assert Path(ROOT / "app_pages" / "_ui.py").exists()
