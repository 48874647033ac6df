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
    """A PostgreSQL server for this test session (one per xdist worker)."""
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
