"""Faults: the server killed mid-write, and PostgreSQL restarted mid-session, lose nothing that was acknowledged.

Learners drive the real server (`streamlit run`) over Streamlit's websocket protocol (bench.st_client).
A write counts as acknowledged when the learner's screen showed the "Ratings saved" confirmation.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
import time
from pathlib import Path

import pytest

from bench.st_client import StClient, run_sync
from course.loader import load_course
from course.store import Store
from tests.conftest import ROOT
from tests.support.postgres import TempPostgres
from tests.support.server import AppServer

pytestmark = pytest.mark.slow

CONTENT = load_course(ROOT)
LESSON = next(lesson for lesson in CONTENT.lessons if (q := CONTENT.quiz_for(lesson.id)) and q.self_assessment)
QUIZ = CONTENT.quiz_for(LESSON.id)
assert QUIZ is not None
RATINGS = {f"sa_{LESSON.id}_{item.id}": "Often" for item in QUIZ.self_assessment}
SUBMIT = f"sa_{LESSON.id}_submit"
SAVED = "Ratings saved"
SAVE_FAILED = "could not be saved just now"


def toasts(client: StClient) -> list[str]:
    return [element.toast.body for element in client.elements_of("toast")]


def learner_key(client: StClient) -> str:
    return dict(part.split("=", 1) for part in client.query_string.split("&") if "=" in part)["learner"]


def self_assessments(store: Store, key: str) -> int:
    """How many self-assessment entries (one summary statement per save) the learner behind `key` has."""
    learner_id = store.learner_for_key(key)
    assert learner_id is not None, "the learner's resume key is not in the database"
    return sum(1 for s in store.statements_for(learner_id) if s.object_type == "self-assessment")


async def rate_repeatedly(port: int, acknowledged: dict[str, int], stop: asyncio.Event) -> None:
    """One learner saving self-ratings again and again until the server dies; counts confirmations seen."""
    client = StClient(port, query_string={"lesson": LESSON.id}, page="lesson")
    try:
        await client.connect()
        await client.run()
        while not stop.is_set():
            result = await client.run(set=RATINGS, click=SUBMIT, timeout=20)
            if SAVED in toasts(client):
                key = learner_key(client)
                acknowledged[key] = acknowledged.get(key, 0) + 1
            assert not result.exceptions, result.exceptions
    except Exception:
        if not stop.is_set():
            raise  # a failure before the kill is a real failure; after it, the connection is simply gone
    finally:
        await client.close()


def test_sigkill_during_a_burst_of_writes_keeps_sqlite_intact_and_every_acknowledged_write(tmp_path: Path):
    """SIGKILL while 8 learners save: the database passes integrity_check and holds every confirmed save."""
    database = tmp_path / "progress.db"
    url = f"sqlite:///{database}"
    server = AppServer(env={"COURSE_DATABASE_URL": url}).start()
    acknowledged: dict[str, int] = {}

    async def burst() -> None:
        stop = asyncio.Event()
        learners = [asyncio.create_task(rate_repeatedly(server.port, acknowledged, stop)) for _ in range(8)]
        deadline = time.monotonic() + 30
        while sum(acknowledged.values()) < 40 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            for task in learners:
                if task.done() and task.exception():
                    raise task.exception()  # type: ignore[misc]
        # Kill while writes are in flight: every learner has a submission outstanding right now.
        stop.set()
        server.stop(signal.SIGKILL)
        await asyncio.gather(*learners)

    try:
        run_sync(burst())
    finally:
        server.stop(signal.SIGKILL)
    assert sum(acknowledged.values()) >= 40, f"too few saves confirmed before the kill: {acknowledged}"

    restarted = AppServer(env={"COURSE_DATABASE_URL": url}).start()
    try:

        async def still_serves() -> list[str]:
            async with StClient(restarted.port, query_string={"lesson": LESSON.id}, page="lesson") as client:
                result = await client.run()
                return result.exceptions

        assert run_sync(still_serves()) == [], "the restarted server fails on the same database"
    finally:
        restarted.stop()

    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert connection.execute("PRAGMA foreign_key_check").fetchall() == []
    store = Store.open(url)
    try:
        for key, confirmed in acknowledged.items():
            # More may be stored (committed just before the kill, confirmation never sent); never fewer.
            assert self_assessments(store, key) >= confirmed, f"a confirmed save is missing for learner {key[:6]}…"
    finally:
        store.close()


@pytest.fixture
def own_postgres():
    """A PostgreSQL server of this test's own, since the test stops and restarts it."""
    server = TempPostgres()
    server.start()
    yield server
    server.stop()


def _pg_ctl(server: TempPostgres, action: str) -> None:
    options = f"-p {server.port} -k {server.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
    extra = ["-l", str(server.dir / "log"), "-o", options] if action == "start" else ["-m", "fast"]
    server._run(str(server.bin / "pg_ctl"), "-D", str(server.dir / "data"), *extra, "-w", action)


def test_postgres_restart_mid_session_recovers_with_a_friendly_message_and_loses_nothing(own_postgres):
    """A restart is invisible; while it is down a save says so plainly; afterwards saving works and all is kept."""
    url = own_postgres.create_database("faults")
    server = AppServer(env={"COURSE_DATABASE_URL": url}).start()

    async def session() -> tuple[str, int]:
        confirmed = 0
        async with StClient(server.port, query_string={"lesson": LESSON.id}, page="lesson") as client:
            await client.run()
            result = await client.run(set=RATINGS, click=SUBMIT)
            assert SAVED in toasts(client) and not result.exceptions
            confirmed += 1

            # Restarted between two interactions: the pool's stale connections are replaced (pool_pre_ping).
            await asyncio.to_thread(own_postgres.restart)
            result = await client.run(set=RATINGS, click=SUBMIT)
            assert not result.exceptions, result.exceptions
            assert SAVED in toasts(client), client.text()
            assert SAVE_FAILED not in client.text()
            confirmed += 1

            # Down during an interaction: a plain message, no traceback, nothing claimed as saved.
            await asyncio.to_thread(_pg_ctl, own_postgres, "stop")
            result = await client.run(set=RATINGS, click=SUBMIT, timeout=90)
            assert not result.exceptions, result.exceptions
            assert SAVE_FAILED in client.text()
            assert "Nothing you saved before is lost" in client.text()
            assert SAVED not in toasts(client)
            assert "Traceback" not in client.text()

            # Back up: the very next interaction saves again.
            await asyncio.to_thread(_pg_ctl, own_postgres, "start")
            result = await client.run(set=RATINGS, click=SUBMIT)
            assert not result.exceptions, result.exceptions
            assert SAVED in toasts(client), client.text()
            assert SAVE_FAILED not in client.text()
            confirmed += 1
            return learner_key(client), confirmed

    try:
        key, confirmed = run_sync(session())
    finally:
        server.stop()
    store = Store.open(url)
    try:
        assert self_assessments(store, key) == confirmed == 3
    finally:
        store.close()
