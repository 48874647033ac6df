"""The learner's own progress file: export to JSON or CSV, and a validated, idempotent import."""

from __future__ import annotations

import csv
import io
import json
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from course.events import Statement, from_xapi, to_xapi, utcnow
from course.store import JournalEntry, Store

EXPORT_SCHEMA_VERSION = 1
MAX_IMPORT_BYTES = 10 * 1024 * 1024
MAX_IMPORT_STATEMENTS = 50_000
COURSE_NAME = "professional-relationships"


class ImportRejected(Exception):
    """The file cannot be imported; nothing was written. The message is for the learner."""


@dataclass
class ImportReport:
    added_statements: int = 0
    added_journal: int = 0
    already_there: int = 0
    set_aside: list[dict[str, Any]] = field(default_factory=list)  # statements for lessons this course lacks
    set_aside_lessons: list[str] = field(default_factory=list)


def export_document(statements: Sequence[Statement], journal: Sequence[JournalEntry]) -> dict[str, Any]:
    return {
        "schema_version": EXPORT_SCHEMA_VERSION,
        "course": COURSE_NAME,
        "exported_at": utcnow().isoformat(),
        "statements": [to_xapi(s) for s in statements],
        "journal": [
            {
                "id": e.id,
                "kind": e.kind,
                "lesson_id": e.lesson_id,
                "prompt_id": e.prompt_id,
                "text": e.text,
                "created_at": e.created_at.isoformat(),
            }
            for e in journal
        ],
    }


def export_json(statements: Sequence[Statement], journal: Sequence[JournalEntry]) -> bytes:
    return json.dumps(export_document(statements, journal), indent=1, ensure_ascii=False).encode("utf-8")


CSV_COLUMNS = ("timestamp", "lesson", "verb", "object_type", "object", "score", "success", "response", "statement_id")


def export_csv(statements: Sequence[Statement]) -> bytes:
    """One row per event, for spreadsheets. Cells that a spreadsheet would run as a formula are defused."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for s in statements:
        writer.writerow(
            [
                s.timestamp.isoformat(),
                s.lesson_id,
                s.verb,
                s.object_type,
                s.object_id,
                "" if s.score is None else s.score,
                "" if s.success is None else str(s.success).lower(),
                _defuse_formula(s.response or ""),
                s.id,
            ]
        )
    return buffer.getvalue().encode("utf-8")


def _defuse_formula(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- import ------------------------------------------------------------------------


class _JournalIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    id: str = Field(min_length=1, max_length=36)
    kind: str = Field(pattern=r"^(reflection|plan)$")
    lesson_id: str = Field(min_length=1, max_length=60)
    prompt_id: str = Field(min_length=1, max_length=60)
    text: str = Field(max_length=5000)
    created_at: str


class _ExportIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    schema_version: int
    course: str
    exported_at: str
    statements: list[dict[str, Any]]
    journal: list[_JournalIn] = Field(default_factory=list)


def parse_import(raw: bytes, learner_id: str) -> tuple[list[Statement], list[JournalEntry]]:
    """Validate a whole progress file before anything is written. Raises ImportRejected with a reason."""
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportRejected(
            f"This file is {len(raw) / 1024 / 1024:.1f} MB; progress files can be at most {MAX_IMPORT_BYTES // 1024 // 1024} MB."
        )
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ImportRejected("This is not a progress file: it is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise ImportRejected(
            f"This progress file is damaged or incomplete (JSON error at line {error.lineno}: {error.msg})."
        ) from None
    if not isinstance(data, dict):
        raise ImportRejected("This is not a progress file: it should be a JSON object with statements.")
    version = data.get("schema_version")
    if isinstance(version, int) and not isinstance(version, bool) and version > EXPORT_SCHEMA_VERSION:
        raise ImportRejected(
            f"This file was written by a newer version of the course (format {version}); this one reads format "
            f"{EXPORT_SCHEMA_VERSION}. Update the app, then import again."
        )
    try:
        document = _ExportIn.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ImportRejected(f"This progress file has a problem at {where}: {first['msg']}.") from None
    if document.schema_version < 1:
        raise ImportRejected("This progress file has an invalid format number.")
    if document.course != COURSE_NAME:
        raise ImportRejected("This progress file belongs to a different course.")
    if len(document.statements) > MAX_IMPORT_STATEMENTS:
        raise ImportRejected(
            f"This file holds {len(document.statements):,} events; at most {MAX_IMPORT_STATEMENTS:,} can be imported at once."
        )
    statements = []
    for index, item in enumerate(document.statements):
        try:
            statements.append(from_xapi(item, actor=learner_id))
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ImportRejected(f"Event {index + 1} in this file is not valid ({_reason(error)}).") from None
    journal = []
    for index, entry in enumerate(document.journal):
        try:
            created = datetime.fromisoformat(entry.created_at)
            if created.tzinfo is None:
                raise ValueError("time zone missing")
        except ValueError as error:
            raise ImportRejected(f"Journal entry {index + 1} has an invalid date ({error}).") from None
        journal.append(
            JournalEntry(
                id=entry.id,
                learner_id=learner_id,
                kind=entry.kind,
                lesson_id=entry.lesson_id,
                prompt_id=entry.prompt_id,
                text=entry.text,
                created_at=created,
            )
        )
    return statements, journal


def _reason(error: Exception) -> str:
    if isinstance(error, KeyError):
        return f"missing {error.args[0]!r}"
    return str(error) or type(error).__name__


def _own_id(learner_id: str, original: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{learner_id}/{original}"))


def import_progress(store: Store, learner_id: str, raw: bytes, known_lessons: Collection[str]) -> ImportReport:
    """Validate, then merge into the learner's progress. Importing the same file twice changes nothing."""
    statements, journal = parse_import(raw, learner_id)
    known = set(known_lessons)
    # The same file imported by a different learner on the same deployment gets ids of its own,
    # derived deterministically so that importing it twice still changes nothing.
    owners = store.statement_owners([s.id for s in statements])
    statements = [
        replace(s, id=_own_id(learner_id, s.id)) if owners.get(s.id, learner_id) != learner_id else s
        for s in statements
    ]
    owners = store.journal_owners([e.id for e in journal])
    journal = [
        replace(e, id=_own_id(learner_id, e.id)) if owners.get(e.id, learner_id) != learner_id else e for e in journal
    ]
    keep = [s for s in statements if s.lesson_id in known]
    aside = [s for s in statements if s.lesson_id not in known]
    added = store.record(keep)
    added_journal = store.add_journal([e for e in journal if e.lesson_id in known])
    return ImportReport(
        added_statements=added,
        added_journal=added_journal,
        already_there=len(keep) - added,
        set_aside=[to_xapi(s) for s in aside],
        set_aside_lessons=sorted({s.lesson_id for s in aside}),
    )
