"""The progress store on SQLite and on a real PostgreSQL."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import inspect as sa_inspect
from sqlalchemy import text

from course.events import Statement
from course.store import JournalEntry, Store, StoreError, hash_key, resolve_database_url


def event(actor: str, **changes) -> Statement:
    values = {
        "actor": actor,
        "verb": "answered",
        "object_type": "quiz-item",
        "object_id": "small-talk/quiz/q1",
        "lesson_id": "small-talk",
        "score": 100.0,
        "success": True,
    }
    values.update(changes)
    return Statement(**values)


def test_database_url_resolution_order():
    """The environment wins over secrets, which win over the local SQLite default."""
    secrets = {"connections": {"progress": {"url": "postgresql+psycopg://s/db"}}}
    assert resolve_database_url(secrets, {"COURSE_DATABASE_URL": "sqlite:///x.db"}) == "sqlite:///x.db"
    assert resolve_database_url(secrets, {}) == "postgresql+psycopg://s/db"
    assert resolve_database_url({}, {}).endswith("data/progress.db")


def test_new_learner_key_resolves_and_only_its_hash_is_stored(any_store_url, open_store):
    """A resume key finds its learner; the database holds the SHA-256 of the key, never the key."""
    store = open_store(any_store_url)
    learner_id, key = store.create_learner()
    assert len(key) >= 32  # 24 random bytes, URL-safe base64
    assert store.learner_for_key(key) == learner_id
    with store.engine.connect() as connection:
        stored = connection.execute(text("SELECT key_hash FROM learners")).scalars().all()
    assert stored == [hash_key(key)]
    assert key not in str(stored)


@pytest.mark.parametrize("bad_key", ["", "short", "x" * 200, "<script>alert(1)</script>", "' OR 1=1 --"])
def test_wrong_or_tampered_keys_find_no_one(any_store_url, bad_key, open_store):
    """A wrong, malformed or hostile key never resolves to a learner."""
    store = open_store(any_store_url)
    _, key = store.create_learner()
    assert store.learner_for_key(bad_key) is None
    assert store.learner_for_key(key[:-1] + ("A" if key[-1] != "A" else "B")) is None


def test_statements_round_trip_with_all_fields(any_store_url, open_store):
    """A statement comes back exactly as written, in time order, time zone aware."""
    store = open_store(any_store_url)
    learner_id, _ = store.create_learner()
    later = event(learner_id, timestamp=datetime(2026, 5, 2, 9, 30, tzinfo=UTC), extra={"attempt": "a1", "n": 2})
    earlier = event(learner_id, timestamp=datetime(2026, 5, 1, 9, 30, tzinfo=UTC), response="<b>hi</b>", success=False)
    assert store.record([later, earlier]) == 2
    assert store.statements_for(learner_id) == [earlier, later]


def test_recording_the_same_statement_twice_stores_it_once(any_store_url, open_store):
    """Statement ids dedupe, inside one batch and across batches."""
    store = open_store(any_store_url)
    learner_id, _ = store.create_learner()
    one = event(learner_id)
    assert store.record([one, one]) == 1
    assert store.record([one]) == 0
    assert store.count_statements(learner_id) == 1


def test_learners_see_only_their_own_statements(any_store_url, open_store):
    """One learner's events never show up for another."""
    store = open_store(any_store_url)
    a, _ = store.create_learner()
    b, _ = store.create_learner()
    store.record([event(a), event(a), event(b)])
    assert len(store.statements_for(a)) == 2
    assert all(s.actor == b for s in store.statements_for(b))


def test_journal_round_trip_and_dedupe(any_store_url, open_store):
    """Reflections and plans are stored once and read back in order."""
    store = open_store(any_store_url)
    learner_id, _ = store.create_learner()
    now = datetime.now(UTC)
    entries = [
        JournalEntry(learner_id, "reflection", "small-talk", "reflection-1", "It went **well**", now, "j1"),
        JournalEntry(learner_id, "plan", "small-talk", "plan", "If X, then I will Y", now + timedelta(seconds=1), "j2"),
    ]
    assert store.add_journal(entries) == 2
    assert store.add_journal(entries) == 0
    assert [e.text for e in store.journal_for(learner_id)] == ["It went **well**", "If X, then I will Y"]


def test_signed_in_subject_maps_to_one_stable_learner(any_store_url, open_store):
    """The same sign-in subject always gets the same learner; a different one gets another."""
    store = open_store(any_store_url)
    first = store.learner_for_subject("oidc|123")
    assert store.learner_for_subject("oidc|123") == first
    assert store.learner_for_subject("oidc|456") != first


def test_failed_write_raises_store_error_and_keeps_earlier_data(any_store_url, open_store):
    """A write that fails mid-batch is rolled back whole, and what was saved before is untouched."""
    store = open_store(any_store_url)
    learner_id, _ = store.create_learner()
    saved = event(learner_id)
    store.record([saved])
    broken = event("no-such-learner")  # violates the foreign key
    with pytest.raises(StoreError) as raised:
        store.record([event(learner_id), broken])
    assert "saved" in str(raised.value) or "conflicts" in str(raised.value)
    assert store.statements_for(learner_id) == [saved]


def test_unreachable_database_is_a_friendly_store_error(open_store):
    """A database that cannot be reached raises StoreError with a message for people."""
    store = open_store("postgresql+psycopg://nobody@127.0.0.1:1/none", migrate=False)
    with pytest.raises(StoreError) as raised:
        store.statements_for("x")
    assert "could not be loaded" in str(raised.value)


def test_twenty_threads_write_exact_counts(any_store_url, open_store):
    """20 threads writing 25 events each for 20 learners: every count comes out exact."""
    store = open_store(any_store_url)
    learners = [store.create_learner()[0] for _ in range(20)]
    errors: list[BaseException] = []

    def write(learner_id: str) -> None:
        try:
            for _ in range(25):
                store.record([event(learner_id)])
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=write, args=(learner_id,)) for learner_id in learners]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert [store.count_statements(learner_id) for learner_id in learners] == [25] * 20
    assert store.count_statements() == 500


def test_migrations_run_from_empty_to_head(any_store_url, open_store):
    """An empty database is migrated to the latest revision with every table."""
    store = open_store(any_store_url)
    assert store.schema_revision() == Store.head_revision()
    tables = set(sa_inspect(store.engine).get_table_names())
    assert {"learners", "statements", "journal", "rooms", "room_votes", "room_answers", "room_participants"} <= tables


def test_migrations_upgrade_from_the_previous_version_keeping_data(any_store_url, open_store):
    """A database at 0001 with data upgrades to head and keeps that data."""
    store = open_store(any_store_url, migrate=False)
    store.migrate("0001")
    assert store.schema_revision() == "0001"
    assert "rooms" not in sa_inspect(store.engine).get_table_names()
    learner_id, key = store.create_learner()
    store.record([event(learner_id)])
    store.migrate()
    assert store.schema_revision() == Store.head_revision()
    assert store.learner_for_key(key) == learner_id
    assert store.count_statements(learner_id) == 1


def test_two_processes_migrating_at_once_both_succeed(any_store_url, open_store):
    """Start-up migration is safe when two app processes start together."""
    import subprocess
    import sys

    code = "import sys; from course.store import Store; Store.open(sys.argv[1]).close(); print('ok')"
    processes = [
        subprocess.Popen([sys.executable, "-c", code, any_store_url], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(3)
    ]
    results = [p.communicate(timeout=120) for p in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], results
    assert open_store(any_store_url).schema_revision() == Store.head_revision()


def test_sqlite_uses_wal_and_busy_timeout(sqlite_url, open_store):
    """Local SQLite runs in WAL mode with a busy timeout, so readers and a writer do not block each other."""
    store = open_store(sqlite_url)
    with store.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 30000
