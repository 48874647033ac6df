"""Helpers for AppTest page tests."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT

APP = str(ROOT / "streamlit_app.py")


def open_page(page: str, *, timeout: float = 30, **query: str) -> AppTest:
    """Run the router on one page with the given query parameters."""
    at = AppTest.from_file(APP, default_timeout=timeout)
    for key, value in query.items():
        at.query_params[key] = value
    if page != "home":
        at.switch_page(f"app_pages/{page}.py")
    return at.run()


def texts(at: AppTest) -> str:
    """Everything the page wrote as markdown, captions, alerts and text, for content assertions."""
    parts = [m.value for m in at.markdown]
    parts += [c.value for c in at.caption]
    parts += [e.value for e in (*at.success, *at.warning, *at.error, *at.info)]
    parts += [t.value for t in at.text]
    parts += [t.value for t in (*at.title, *at.header, *at.subheader)]
    return "\n".join(str(p) for p in parts)
