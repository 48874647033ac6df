from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VALID_CONTENT = FIXTURES / "valid"


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'progress.db'}"


@pytest.fixture
def app_env(monkeypatch: pytest.MonkeyPatch, sqlite_url: str) -> Iterator[str]:
    """Pages run against a fresh SQLite file and the real course content."""
    monkeypatch.setenv("COURSE_DATABASE_URL", sqlite_url)
    monkeypatch.delenv("COURSE_CONTENT_ROOT", raising=False)
    monkeypatch.delenv("COURSE_AUTHOR_MODE", raising=False)
    yield sqlite_url


@pytest.fixture
def fixture_app_env(monkeypatch: pytest.MonkeyPatch, app_env: str) -> Iterator[str]:
    """Pages run against the small fixture course, whose answers tests know."""
    monkeypatch.setenv("COURSE_CONTENT_ROOT", str(VALID_CONTENT))
    yield app_env


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server for this test session, started from Debian's binaries."""
    from tests.support.postgres import TempPostgres

    server = TempPostgres()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(postgres_server, request) -> str:
    """A fresh, empty PostgreSQL database for one test."""
    import uuid

    return postgres_server.create_database("t_" + uuid.uuid4().hex[:12])


@pytest.fixture(params=["sqlite", "postgres"])
def any_store_url(request, tmp_path: Path) -> str:
    """Run a store test against SQLite and against a real PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'progress.db'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright (no downloaded browser)."""
    from playwright.sync_api import sync_playwright

    from tests.browser_support import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is not installed: apt-get install chromium (as .ci/run does)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def live_app(tmp_path_factory):
    """Start the real app on a free port against a fresh SQLite database; yields the server."""
    from tests.support.server import AppServer

    servers = []

    def start(*, content_root: Path | None = None, database_url: str | None = None, env: dict[str, str] | None = None):
        db = database_url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'progress.db'}"
        extra = {"COURSE_DATABASE_URL": db, **(env or {})}
        if content_root is not None:
            extra["COURSE_CONTENT_ROOT"] = str(content_root)
        server = AppServer(env=extra).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def open_store():
    """Open stores that are closed (pools disposed) when the test ends."""
    from course.store import Store

    opened = []

    def factory(url: str, **kwargs):
        store = Store.open(url, **kwargs)
        opened.append(store)
        return store

    yield factory
    for store in opened:
        store.close()
