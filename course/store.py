"""Progress storage on SQLAlchemy 2: SQLite by default, any SQLAlchemy URL (PostgreSQL for hosting).

Every write is one transaction. Database faults surface as StoreError with a
message a learner can read; nothing already committed is touched.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import secrets
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, func, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.pool import NullPool, StaticPool

from course.db_schema import journal, learners, statements
from course.events import Statement, as_utc, utcnow

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = REPO_ROOT / "data" / "progress.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"
KEY_BYTES = 24  # 192 bits of randomness in every resume key
_PG_MIGRATION_LOCK = 72_607_421


class StoreError(Exception):
    """A database problem, phrased for the learner. The original error is chained."""


@dataclass(frozen=True)
class JournalEntry:
    learner_id: str
    kind: str  # reflection | plan
    lesson_id: str
    prompt_id: str
    text: str
    created_at: datetime
    id: str


def resolve_database_url(secrets_map: Mapping[str, Any] | None, environ: Mapping[str, str]) -> str:
    """COURSE_DATABASE_URL wins, then secrets [connections.progress] url, then local SQLite."""
    if environ.get("COURSE_DATABASE_URL"):
        return environ["COURSE_DATABASE_URL"]
    try:
        url = secrets_map["connections"]["progress"]["url"]  # type: ignore[index]
    except (KeyError, TypeError):
        url = None
    if url:
        return str(url)
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_resume_key() -> str:
    return secrets.token_urlsafe(KEY_BYTES)


def is_well_formed_key(key: str) -> bool:
    return 20 <= len(key) <= 64 and all(c.isalnum() or c in "-_" for c in key)


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str, *, migrate: bool = True) -> Store:
        engine = _make_engine(url)
        store = cls(engine)
        if migrate:
            store.migrate()
        return store

    def close(self) -> None:
        """Release pooled connections (PostgreSQL keeps a pool per store)."""
        self.engine.dispose()

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    # --- schema -------------------------------------------------------------------

    def migrate(self, revision: str = "head") -> None:
        """Bring the schema to `revision`; safe when two processes start at once."""
        with self._migration_lock(), self.engine.begin() as connection:
            config = Config()
            config.set_main_option("script_location", str(MIGRATIONS))
            config.attributes["connection"] = connection
            command.upgrade(config, revision)

    @staticmethod
    def head_revision() -> str:
        """The newest migration shipped with this code."""
        from alembic.script import ScriptDirectory

        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        head = ScriptDirectory.from_config(config).get_current_head()
        assert head is not None
        return head

    def schema_revision(self) -> str | None:
        with self.engine.connect() as connection:
            try:
                return connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            except SQLAlchemyError:
                return None

    @contextlib.contextmanager
    def _migration_lock(self) -> Iterator[None]:
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as connection:
                connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_MIGRATION_LOCK})
                connection.commit()
                try:
                    yield
                finally:
                    connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_MIGRATION_LOCK})
                    connection.commit()
            return
        database = self.engine.url.database
        if self.is_sqlite and database and database != ":memory:":
            lock_path = Path(database).with_suffix(".migrate.lock")
            with open(lock_path, "a+") as handle:
                fcntl.flock(handle, fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle, fcntl.LOCK_UN)
            return
        yield

    # --- learners -----------------------------------------------------------------

    def create_learner(self) -> tuple[str, str]:
        """A new anonymous learner: returns (learner_id, resume_key). Only the key's hash is stored."""
        key = new_resume_key()
        learner_id = str(uuid.uuid4())
        with self._write() as connection:
            connection.execute(insert(learners).values(id=learner_id, key_hash=hash_key(key), created_at=utcnow()))
        return learner_id, key

    def learner_for_key(self, key: str) -> str | None:
        if not is_well_formed_key(key):
            return None
        with self._read() as connection:
            return connection.execute(select(learners.c.id).where(learners.c.key_hash == hash_key(key))).scalar()

    def learner_for_subject(self, subject: str) -> str:
        """The learner for a signed-in identity (OIDC subject), created on first sign-in."""
        subject_hash = hash_key("oidc:" + subject)
        with self._read() as connection:
            found = connection.execute(select(learners.c.id).where(learners.c.subject_hash == subject_hash)).scalar()
        if found:
            return found
        learner_id = str(uuid.uuid4())
        try:
            with self._write() as connection:
                connection.execute(
                    insert(learners).values(id=learner_id, subject_hash=subject_hash, created_at=utcnow())
                )
        except StoreError:
            # Two first sign-ins at once: the other one won; use its row.
            with self._read() as connection:
                found = connection.execute(
                    select(learners.c.id).where(learners.c.subject_hash == subject_hash)
                ).scalar()
            if not found:
                raise
            return found
        return learner_id

    def set_display_name(self, learner_id: str, name: str | None) -> None:
        with self._write() as connection:
            connection.execute(learners.update().where(learners.c.id == learner_id).values(display_name=(name or None)))

    def display_name(self, learner_id: str) -> str | None:
        with self._read() as connection:
            return connection.execute(select(learners.c.display_name).where(learners.c.id == learner_id)).scalar()

    # --- statements ---------------------------------------------------------------

    def record(self, items: Iterable[Statement]) -> int:
        """Append statements in one transaction, skipping ids already stored. Returns how many were new."""
        batch = list(items)
        if not batch:
            return 0
        with self._write() as connection:
            existing = _existing_ids(connection, statements, [s.id for s in batch])
            rows = [_statement_row(s) for s in batch if s.id not in existing]
            unique_rows = list({row["id"]: row for row in rows}.values())
            if unique_rows:
                connection.execute(insert(statements), unique_rows)
            return len(unique_rows)

    def statement_owners(self, ids: list[str]) -> dict[str, str]:
        """Which learner each of these statement ids already belongs to (ids not stored are absent)."""
        return self._owners(statements, ids)

    def journal_owners(self, ids: list[str]) -> dict[str, str]:
        return self._owners(journal, ids)

    def _owners(self, table: Any, ids: list[str]) -> dict[str, str]:
        owners: dict[str, str] = {}
        with self._read() as connection:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                rows = connection.execute(select(table.c.id, table.c.learner_id).where(table.c.id.in_(chunk)))
                owners.update({row.id: row.learner_id for row in rows})
        return owners

    def statements_for(self, learner_id: str) -> list[Statement]:
        with self._read() as connection:
            rows = connection.execute(
                select(statements)
                .where(statements.c.learner_id == learner_id)
                .order_by(statements.c.timestamp, statements.c.stored_at)
            ).mappings()
            return [_statement_from_row(row) for row in rows]

    def statements_version(self, learner_id: str) -> tuple[int, str | None]:
        """How many statements a learner has and when the newest was stored: changes whenever any is added or erased."""
        with self._read() as connection:
            count, newest = connection.execute(
                select(func.count(), func.max(statements.c.stored_at)).where(statements.c.learner_id == learner_id)
            ).one()
        return int(count), (str(newest) if newest is not None else None)

    def count_statements(self, learner_id: str | None = None) -> int:
        query = select(func.count()).select_from(statements)
        if learner_id is not None:
            query = query.where(statements.c.learner_id == learner_id)
        with self._read() as connection:
            return int(connection.execute(query).scalar_one())

    # --- journal (reflections and plans) -------------------------------------------

    def add_journal(self, entries: Iterable[JournalEntry]) -> int:
        batch = list(entries)
        if not batch:
            return 0
        with self._write() as connection:
            existing = _existing_ids(connection, journal, [e.id for e in batch])
            rows = [
                {
                    "id": e.id,
                    "learner_id": e.learner_id,
                    "kind": e.kind,
                    "lesson_id": e.lesson_id,
                    "prompt_id": e.prompt_id,
                    "text": e.text,
                    "created_at": e.created_at,
                }
                for e in batch
                if e.id not in existing
            ]
            rows = list({row["id"]: row for row in rows}.values())
            if rows:
                connection.execute(insert(journal), rows)
            return len(rows)

    def journal_for(self, learner_id: str) -> list[JournalEntry]:
        with self._read() as connection:
            rows = connection.execute(
                select(journal).where(journal.c.learner_id == learner_id).order_by(journal.c.created_at)
            ).mappings()
            return [
                JournalEntry(
                    id=row["id"],
                    learner_id=row["learner_id"],
                    kind=row["kind"],
                    lesson_id=row["lesson_id"],
                    prompt_id=row["prompt_id"],
                    text=row["text"],
                    created_at=as_utc(row["created_at"]),
                )
                for row in rows
            ]

    # --- transactions -------------------------------------------------------------

    @contextlib.contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as connection:
                yield connection
        except IntegrityError as error:
            raise StoreError("That could not be saved because it conflicts with something already saved.") from error
        except SQLAlchemyError as error:
            raise StoreError(
                "Your progress could not be saved just now. Nothing you saved before is lost; please try again."
            ) from error

    @contextlib.contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as connection:
                yield connection
        except SQLAlchemyError as error:
            raise StoreError("Your progress could not be loaded just now. Please try again in a moment.") from error

    def transaction(self) -> contextlib.AbstractContextManager[Connection]:
        """One write transaction, for other modules (rooms) that share this store."""
        return self._write()

    def reading(self) -> contextlib.AbstractContextManager[Connection]:
        return self._read()


def _make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        memory = url in ("sqlite://", "sqlite:///:memory:")
        if not memory:
            database = url.split("sqlite:///", 1)[-1]
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 30},
            poolclass=StaticPool if memory else NullPool,
        )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10, pool_recycle=1800)


def _existing_ids(connection: Connection, table: Any, ids: list[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        found.update(connection.execute(select(table.c.id).where(table.c.id.in_(chunk))).scalars())
    return found


def _statement_row(statement: Statement) -> dict[str, Any]:
    return {
        "id": statement.id,
        "learner_id": statement.actor,
        "verb": statement.verb,
        "object_type": statement.object_type,
        "object_id": statement.object_id,
        "lesson_id": statement.lesson_id,
        "timestamp": statement.timestamp.astimezone(UTC),
        "stored_at": utcnow(),
        "score": statement.score,
        "success": statement.success,
        "response": statement.response,
        "extra": json.dumps(statement.extra, sort_keys=True),
    }


def _statement_from_row(row: Mapping[str, Any]) -> Statement:
    return Statement(
        id=row["id"],
        actor=row["learner_id"],
        verb=row["verb"],
        object_type=row["object_type"],
        object_id=row["object_id"],
        lesson_id=row["lesson_id"],
        timestamp=as_utc(row["timestamp"]),
        score=row["score"],
        success=row["success"],
        response=row["response"],
        extra=json.loads(row["extra"] or "{}"),
    )


def default_url() -> str:
    return resolve_database_url(None, os.environ)
