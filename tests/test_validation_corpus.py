"""Every broken content file is reported as file:line: field: message, naming the right place."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from course.loader import load_course, validate_file
from course.models import Lesson, Quiz
from tests.conftest import FIXTURES, VALID_CONTENT

BROKEN = FIXTURES / "broken"

# file stem: (line, field, words the message must contain)
LESSON_EXPECTATIONS = {
    "syntax-unclosed-quote": (20, "exchange", "YAML syntax error"),
    "syntax-bad-indent": (14, "text", "indentation"),
    "tab-indent": (10, "situation", "tabs"),
    "duplicate-key": (9, "minutes", "duplicate key 'minutes' (first on line 8)"),
    "duplicate-nested-key": (40, "scenarios[0].steps[0].choices[0].effectiveness", "duplicate key"),
    "alias-bomb": (3, "b", "aliases"),
    "non-utf8": (10, "situation", "not valid UTF-8"),
    "empty": (1, "(file)", "file is empty"),
    "comment-only": (1, "(file)", "no YAML document"),
    "list-at-root": (1, "(file)", "must be a mapping"),
    "scalar-at-root": (1, "(file)", "must be a mapping"),
    "two-documents": (82, "(file)", "exactly one YAML document"),
    "missing-schema-version": (1, "schema_version", "missing"),
    "future-schema-version": (2, "schema_version", "newer than this app understands"),
    "wrong-type-minutes": (8, "minutes", "valid integer"),
    "wrong-type-learning-points": (12, "learning_points", "valid list"),
    "missing-title": (2, "title", "required field is missing"),
    "missing-choice-feedback": (43, "scenarios[0].steps[0].choices[1].feedback", "required field is missing"),
    "unknown-top-key": (9, "duration", "unknown key"),
    "unknown-nested-key": (40, "scenarios[0].steps[0].choices[0].score", "unknown key"),
    "effectiveness-out-of-range": (45, "scenarios[0].steps[0].choices[1].effectiveness", "less than or equal to 5"),
    "bad-id": (3, "id", "pattern"),
    "too-few-learning-points": (12, "learning_points", "at least 3"),
    "one-choice-step": (51, "scenarios[0].steps[1].choices", "at least 2"),
    "dangling-next": (63, "scenarios[0].steps[1].choices[1].next", "'nowhere' is neither a step nor an ending"),
    "bad-start": (32, "scenarios[0].start", "'opening' is not a step id"),
    "unreachable-step": (64, "scenarios[0].steps[2].id", "cannot be reached from start"),
    "cycle-without-ending": (34, "scenarios[0].steps[0].id", "dead end"),
    "duplicate-step-id": (49, "scenarios[0].steps[1].id", "duplicate step id 'open'"),
    "duplicate-choice-id": (58, "scenarios[0].steps[1].choices[1].id", "duplicate choice id 'ask'"),
    "missing-poor-example": (16, "worked_examples", "one good and one poor"),
    "html-in-kind": (6, "kind", "'introduction', 'strategy' or 'conclusion'"),
}

QUIZ_EXPECTATIONS = {
    "quiz-no-correct-option": (10, "items[0].options", "exactly one correct option"),
    "quiz-missing-option-feedback": (15, "items[0].options[1].feedback", "required field is missing"),
    "quiz-bad-type": (8, "items[0].type", "single_choice, multiple_select, true_false"),
    "quiz-two-reverse-items": (50, "self_assessment[2].reverse", "at most one"),
    "quiz-reverse-uses-not": (48, "self_assessment[2].statement", "opposite word"),
    "quiz-too-many-per-attempt": (5, "items_per_attempt", "more than the bank holds"),
    "quiz-duplicate-item-id": (21, "items[1].id", "duplicate item id"),
    "quiz-pass-percentage-text": (4, "pass_percentage", "valid integer"),
}


def test_corpus_has_at_least_thirty_broken_files():
    """The corpus covers at least 30 distinct broken files, and the tables below cover every one of them."""
    lesson_files = {p.stem for p in (BROKEN / "lessons").glob("*.yaml")}
    quiz_files = {p.stem for p in (BROKEN / "quizzes").glob("*.yaml")}
    assert len(lesson_files) + len(quiz_files) >= 30
    assert lesson_files == set(LESSON_EXPECTATIONS)
    assert quiz_files == set(QUIZ_EXPECTATIONS) | {"quiz-unknown-lesson"}


@pytest.mark.parametrize("stem", sorted(LESSON_EXPECTATIONS))
def test_broken_lesson_names_file_line_and_field(stem: str):
    """A broken lesson file is reported with its own path, the offending line and the field."""
    line, field, words = LESSON_EXPECTATIONS[stem]
    errors = [str(e) for e in validate_file(BROKEN / "lessons" / f"{stem}.yaml", Lesson)]
    assert errors, f"{stem} was accepted"
    matching = [e for e in errors if e.startswith(f"lessons/{stem}.yaml:{line}: {field}: ")]
    assert matching, errors
    assert words in matching[0]


@pytest.mark.parametrize("stem", sorted(QUIZ_EXPECTATIONS))
def test_broken_quiz_names_file_line_and_field(stem: str):
    """A broken quiz file is reported with its own path, the offending line and the field."""
    line, field, words = QUIZ_EXPECTATIONS[stem]
    errors = [str(e) for e in validate_file(BROKEN / "quizzes" / f"{stem}.yaml", Quiz)]
    assert errors, f"{stem} was accepted"
    matching = [e for e in errors if e.startswith(f"quizzes/{stem}.yaml:{line}: {field}: ")]
    assert matching, errors
    assert words in matching[0]


def test_quiz_for_unknown_lesson_is_reported_against_the_lesson_key(tmp_path: Path):
    """A quiz that points at a lesson that does not exist is named with its `lesson` line."""
    shutil.copytree(VALID_CONTENT, tmp_path, dirs_exist_ok=True)
    shutil.copy(BROKEN / "quizzes/quiz-unknown-lesson.yaml", tmp_path / "quizzes/01-small-talk.yaml")
    course = load_course(tmp_path)
    assert [str(e) for e in course.errors] == [
        "quizzes/01-small-talk.yaml:3: lesson: no lesson has id 'no-such-lesson'; known: small-talk"
    ]
    assert course.quiz_for("small-talk") is None


def test_all_errors_in_a_file_are_collected_at_once(tmp_path: Path):
    """Several problems in one file are all listed, not just the first."""
    text = (VALID_CONTENT / "lessons/01-small-talk.yaml").read_text()
    text = text.replace("minutes: 10", "minutes: ten\nduration: 3").replace("title: Open a conversation\n", "")
    path = tmp_path / "lessons" / "x.yaml"
    path.parent.mkdir()
    path.write_text(text)
    fields = {e.field for e in validate_file(path, Lesson)}
    assert {"minutes", "duration", "title"} <= fields


def test_oversized_file_is_refused_without_parsing(tmp_path: Path):
    """A 5 MB file is rejected by size before YAML parsing starts."""
    path = tmp_path / "lessons" / "huge.yaml"
    path.parent.mkdir()
    path.write_bytes(b"schema_version: 1\nsummary: " + b"x" * (5 * 1024 * 1024) + b"\n")
    errors = validate_file(path, Lesson)
    assert len(errors) == 1
    assert "course files may be at most 512 KiB" in str(errors[0])
    assert str(errors[0]).startswith("lessons/huge.yaml:1: (file): ")


def test_deeply_nested_file_is_bounded(tmp_path: Path):
    """A file with an absurd number of YAML nodes is refused rather than built."""
    path = tmp_path / "lessons" / "nodes.yaml"
    path.parent.mkdir()
    path.write_text("schema_version: 1\nitems: [" + ",".join(["1"] * 60_000) + "]\n")
    errors = validate_file(path, Lesson)
    assert "more than 50000 YAML nodes" in str(errors[0])


def test_broken_lesson_leaves_the_rest_of_the_course_working(tmp_path: Path):
    """One broken lesson is reported and marked unavailable; the valid lesson still loads."""
    shutil.copytree(VALID_CONTENT, tmp_path, dirs_exist_ok=True)
    shutil.copy(BROKEN / "lessons/dangling-next.yaml", tmp_path / "lessons/02-broken.yaml")
    course = load_course(tmp_path)
    assert [lesson.id for lesson in course.lessons] == ["small-talk"]
    assert course.unavailable == ("02-broken",)
    assert any("02-broken.yaml:63:" in str(e) for e in course.errors)
