"""Export and import of the learner's own progress file."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest

from course.events import Statement, utcnow
from course.portable import (
    MAX_IMPORT_BYTES,
    ImportRejected,
    export_csv,
    export_json,
    import_progress,
    parse_import,
)
from course.store import JournalEntry

KNOWN = {"small-talk"}


def seed(store, learner_id: str) -> None:
    store.record(
        [
            Statement(
                actor=learner_id,
                verb="answered",
                object_type="scenario-step",
                object_id="small-talk/scenario/s/step/open",
                lesson_id="small-talk",
                score=75.0,
                success=False,
                response="pitch",
                extra={"scenario": "s", "step": "open", "choice": "pitch", "attempt": "a1", "effectiveness": 4},
            ),
            Statement(
                actor=learner_id,
                verb="passed",
                object_type="quiz",
                object_id="small-talk/quiz",
                lesson_id="small-talk",
                score=100.0,
                success=True,
                extra={"attempt": "9"},
            ),
        ]
    )
    store.add_journal(
        [
            JournalEntry(
                learner_id, "plan", "small-talk", "plan", "If <b>x</b>, then I will y 🙂", utcnow(), str(uuid.uuid4())
            )
        ]
    )


def exported(store, learner_id: str) -> bytes:
    return export_json(store.statements_for(learner_id), store.journal_for(learner_id))


def test_export_then_import_into_another_deployment_restores_progress(any_store_url, open_store, tmp_path):
    """A file exported from one database and imported into another gives the same events and journal."""
    source = open_store(f"sqlite:///{tmp_path / 'source.db'}")
    learner_a, _ = source.create_learner()
    seed(source, learner_a)
    raw = exported(source, learner_a)

    target = open_store(any_store_url)
    learner_b, _ = target.create_learner()
    report = import_progress(target, learner_b, raw, KNOWN)
    assert (report.added_statements, report.added_journal, report.already_there) == (2, 1, 0)
    moved = target.statements_for(learner_b)
    original = source.statements_for(learner_a)
    assert [(s.id, s.verb, s.score, s.extra, s.timestamp) for s in moved] == [
        (s.id, s.verb, s.score, s.extra, s.timestamp) for s in original
    ]
    assert all(s.actor == learner_b for s in moved)
    assert [e.text for e in target.journal_for(learner_b)] == ["If <b>x</b>, then I will y 🙂"]


def test_importing_twice_changes_nothing(sqlite_url, open_store):
    """The second import of the same file adds nothing."""
    store = open_store(sqlite_url)
    a, _ = store.create_learner()
    seed(store, a)
    raw = exported(store, a)
    b, _ = store.create_learner()
    import_progress(store, b, raw, KNOWN)
    before = store.count_statements()
    report = import_progress(store, b, raw, KNOWN)
    assert report.added_statements == 0 and report.added_journal == 0
    assert store.count_statements() == before


def test_import_merges_with_existing_progress(sqlite_url, open_store):
    """Imported events join what the learner already has."""
    store = open_store(sqlite_url)
    a, _ = store.create_learner()
    seed(store, a)
    raw = exported(store, a)
    other = open_store(sqlite_url.replace("progress.db", "other.db"))
    b, _ = other.create_learner()
    other.record(
        [Statement(actor=b, verb="experienced", object_type="lesson", object_id="small-talk", lesson_id="small-talk")]
    )
    import_progress(other, b, raw, KNOWN)
    assert other.count_statements(b) == 3


def test_statements_for_unknown_lessons_are_set_aside_with_a_warning(sqlite_url, open_store):
    """Events for lessons this course lacks are not imported but returned to the learner."""
    store = open_store(sqlite_url)
    a, _ = store.create_learner()
    seed(store, a)
    raw = exported(store, a)
    b, _ = store.create_learner()
    report = import_progress(store, b, raw, known_lessons={"another-lesson"})
    assert report.added_statements == 0
    assert len(report.set_aside) == 2
    assert report.set_aside_lessons == ["small-talk"]
    assert store.count_statements(b) == 0


def valid_document() -> dict:
    return json.loads(export_json([], []))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"x" * (MAX_IMPORT_BYTES + 1), "at most 10 MB"),
        (b'{"schema_version": 1, "course": "professional-relationships", "statements": [', "damaged or incomplete"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"[1, 2, 3]", "JSON object"),
        (json.dumps({**valid_document(), "schema_version": 99}).encode(), "newer version of the course"),
        (json.dumps({**valid_document(), "schema_version": "1"}).encode(), "schema_version"),
        (json.dumps({**valid_document(), "statements": "lots"}).encode(), "statements"),
        (json.dumps({**valid_document(), "statements": [{"id": "not-a-uuid"}]}).encode(), "Event 1"),
        (json.dumps({**valid_document(), "course": "another-course"}).encode(), "different course"),
        (
            json.dumps(
                {
                    **valid_document(),
                    "journal": [
                        {
                            "id": "j",
                            "kind": "<script>",
                            "lesson_id": "a",
                            "prompt_id": "p",
                            "text": "t",
                            "created_at": "2026-01-01T00:00:00+00:00",
                        }
                    ],
                }
            ).encode(),
            "journal",
        ),
    ],
    ids=[
        "oversized",
        "truncated",
        "not-utf8",
        "list",
        "future-version",
        "version-text",
        "statements-text",
        "bad-statement",
        "other-course",
        "bad-journal-kind",
    ],
)
def test_bad_files_are_rejected_with_a_clear_message_and_nothing_written(sqlite_url, open_store, raw, message):
    """Each bad file is refused with a message naming the problem, and the store is unchanged."""
    store = open_store(sqlite_url)
    learner_id, _ = store.create_learner()
    seed(store, learner_id)
    before = (store.count_statements(), len(store.journal_for(learner_id)))
    with pytest.raises(ImportRejected) as rejected:
        import_progress(store, learner_id, raw, KNOWN)
    assert message in str(rejected.value)
    assert (store.count_statements(), len(store.journal_for(learner_id))) == before


def test_one_bad_statement_rejects_the_whole_file(sqlite_url, open_store):
    """Validation happens before writing: a bad last event means the good first events are not written either."""
    store = open_store(sqlite_url)
    a, _ = store.create_learner()
    seed(store, a)
    document = json.loads(exported(store, a))
    document["statements"].append({**document["statements"][0], "id": str(uuid.uuid4()), "timestamp": "yesterday"})
    b, _ = store.create_learner()
    with pytest.raises(ImportRejected):
        import_progress(store, b, json.dumps(document).encode(), KNOWN)
    assert store.count_statements(b) == 0


def test_too_many_statements_are_refused(sqlite_url, open_store):
    """100,000 events in one file are refused by count, quickly, without writing."""
    template = json.loads(
        export_json(
            [
                Statement(
                    actor="x", verb="experienced", object_type="lesson", object_id="small-talk", lesson_id="small-talk"
                )
            ],
            [],
        )
    )
    one = template["statements"][0]
    template["statements"] = [one] * 100_000
    raw = json.dumps(template, separators=(",", ":")).encode()
    with pytest.raises(ImportRejected) as rejected:
        parse_import(raw, "learner")
    # Whichever limit trips first (size or count), the learner is told the limit.
    assert "at most" in str(rejected.value)


def test_html_in_every_string_field_is_kept_as_text(sqlite_url, open_store):
    """Script tags in imported text are stored verbatim as text (pages show it with st.text), not stripped or run."""
    store = open_store(sqlite_url)
    a, _ = store.create_learner()
    seed(store, a)
    document = json.loads(exported(store, a))
    hostile = "<img src=x onerror=alert(1)>"
    for statement in document["statements"]:
        statement["result"]["response"] = hostile
    document["journal"][0]["text"] = hostile
    b, _ = store.create_learner()
    import_progress(store, b, json.dumps(document).encode(), KNOWN)
    assert {s.response for s in store.statements_for(b)} == {hostile}
    assert store.journal_for(b)[0].text == hostile


def test_csv_has_one_row_per_event_and_defuses_formulas(sqlite_url, open_store):
    """CSV export is one row per event, and a response starting with = cannot run as a spreadsheet formula."""
    store = open_store(sqlite_url)
    a, _ = store.create_learner()
    seed(store, a)
    store.record(
        [
            Statement(
                actor=a,
                verb="completed",
                object_type="practice",
                object_id="small-talk/practice/p",
                lesson_id="small-talk",
                response='=HYPERLINK("http://x")',
            )
        ]
    )
    rows = list(csv.DictReader(io.StringIO(export_csv(store.statements_for(a)).decode())))
    assert len(rows) == 3
    assert rows[-1]["response"].startswith("'=")
