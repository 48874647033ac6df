"""Load and validate every content file, collecting all errors at once.

A broken file never takes the course down: its errors are collected and the
rest of the course loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from course.models import Lesson, Quiz
from course.scenario import graph_problems
from course.yaml_source import ContentError, Loc, YamlDocument, YamlSourceError, format_loc, read_yaml

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class FileReport:
    """Validation status of one content file, for authors."""

    path: str
    kind: str  # "lesson" or "quiz"
    errors: tuple[ContentError, ...]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class Course:
    lessons: tuple[Lesson, ...]
    quizzes: dict[str, Quiz]
    reports: tuple[FileReport, ...]
    unavailable: tuple[str, ...] = field(default=())  # file stems of lessons that failed to load

    @property
    def errors(self) -> list[ContentError]:
        return [error for report in self.reports for error in report.errors]

    def lesson(self, lesson_id: str) -> Lesson | None:
        return next((lesson for lesson in self.lessons if lesson.id == lesson_id), None)

    def quiz_for(self, lesson_id: str) -> Quiz | None:
        return self.quizzes.get(lesson_id)


def content_fingerprint(root: Path = REPO_ROOT) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times of every content file: a cheap cache key."""
    entries = []
    for folder in ("lessons", "quizzes"):
        for path in sorted((root / folder).glob("*.yaml")):
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((f"{folder}/{path.name}", stat.st_size, stat.st_mtime_ns))
    return tuple(entries)


def load_course(root: Path = REPO_ROOT) -> Course:
    reports: list[FileReport] = []
    lessons: list[tuple[Lesson, str]] = []
    unavailable: list[str] = []
    for path in sorted((root / "lessons").glob("*.yaml")):
        lesson, doc, errors = _load_one(path, root, Lesson)
        if lesson is not None:
            errors += _lesson_semantic_errors(lesson, _rel(path, root), doc)
        if lesson is not None and not errors:
            lessons.append((lesson, _rel(path, root)))
        else:
            unavailable.append(path.stem)
        reports.append(FileReport(_rel(path, root), "lesson", _in_file_order(errors)))

    # Cross-file: lesson ids are unique across files.
    seen: dict[str, str] = {}
    kept: list[Lesson] = []
    for lesson, rel in lessons:
        if lesson.id in seen:
            error = ContentError(
                rel, _doc_line(root / rel, ("id",)), "id", f"lesson id {lesson.id!r} is also used by {seen[lesson.id]}"
            )
            reports = [_add_error(r, error) if r.path == rel else r for r in reports]
            unavailable.append(Path(rel).stem)
            continue
        seen[lesson.id] = rel
        kept.append(lesson)
    lesson_ids = {lesson.id for lesson in kept}

    for lesson in kept:
        for index, related in enumerate(lesson.related):
            if related not in lesson_ids:
                rel = seen[lesson.id]
                error = ContentError(
                    rel, _doc_line(root / rel, ("related", index)), f"related[{index}]", f"no lesson has id {related!r}"
                )
                reports = [_add_error(r, error) if r.path == rel else r for r in reports]

    quizzes: dict[str, Quiz] = {}
    quiz_files: dict[str, str] = {}
    for path in sorted((root / "quizzes").glob("*.yaml")):
        rel = _rel(path, root)
        quiz, doc, errors = _load_one(path, root, Quiz)
        if quiz is not None and not errors:
            line = doc.line_for(("lesson",)) if doc else None
            if quiz.lesson not in lesson_ids:
                errors.append(
                    ContentError(
                        rel,
                        line,
                        "lesson",
                        f"no lesson has id {quiz.lesson!r}; known: {', '.join(sorted(lesson_ids)) or 'none'}",
                    )
                )
            elif quiz.lesson in quiz_files:
                errors.append(
                    ContentError(
                        rel, line, "lesson", f"lesson {quiz.lesson!r} already has a quiz in {quiz_files[quiz.lesson]}"
                    )
                )
            for index, item in enumerate(quiz.items):
                if item.strategy is not None and item.strategy not in lesson_ids:
                    loc: Loc = ("items", index, "strategy")
                    errors.append(
                        ContentError(
                            rel,
                            doc.line_for(loc) if doc else None,
                            format_loc(loc),
                            f"no lesson has id {item.strategy!r}",
                        )
                    )
        if quiz is not None and not errors:
            quizzes[quiz.lesson] = quiz
            quiz_files[quiz.lesson] = rel
        reports.append(FileReport(rel, "quiz", _in_file_order(errors)))

    ordered = tuple(sorted(kept, key=lambda lesson: (lesson.order, lesson.id)))
    return Course(lessons=ordered, quizzes=quizzes, reports=tuple(reports), unavailable=tuple(unavailable))


def _load_one(
    path: Path, root: Path, model: type[Lesson] | type[Quiz]
) -> tuple[Any, YamlDocument | None, list[ContentError]]:
    rel = _rel(path, root)
    try:
        doc = read_yaml(path)
    except YamlSourceError as error:
        return None, None, [ContentError(rel, error.line, error.field, error.message)]
    if "schema_version" not in doc.data:
        return (
            None,
            doc,
            [ContentError(rel, 1, "schema_version", "missing; every course file starts with schema_version: 1")],
        )
    try:
        return model.model_validate(doc.data), doc, []
    except ValidationError as error:
        return None, doc, [_from_pydantic(rel, doc, item) for item in error.errors()]


def validate_file(path: Path, model: type[Lesson] | type[Quiz]) -> list[ContentError]:
    """Validate one file on its own (no cross-file checks)."""
    root = path.parent.parent
    result, doc, errors = _load_one(path, root, model)
    if isinstance(result, Lesson) and not errors:
        errors = _lesson_semantic_errors(result, _rel(path, root), doc)
    return list(_in_file_order(errors))


def _in_file_order(errors: list[ContentError]) -> tuple[ContentError, ...]:
    return tuple(sorted(errors, key=lambda e: (e.line or 0, e.field)))


def _lesson_semantic_errors(lesson: Lesson, rel: str, doc: YamlDocument | None) -> list[ContentError]:
    errors: list[ContentError] = []
    for index, scenario in enumerate(lesson.scenarios):
        for loc, message in graph_problems(scenario):
            full: Loc = ("scenarios", index, *loc)
            errors.append(ContentError(rel, doc.line_for(full) if doc else None, format_loc(full), message))
    if lesson.id in lesson.related:
        loc = ("related", lesson.related.index(lesson.id))
        errors.append(
            ContentError(
                rel, doc.line_for(loc) if doc else None, format_loc(loc), "a lesson cannot be related to itself"
            )
        )
    return errors


def _from_pydantic(rel: str, doc: YamlDocument, item: dict[str, Any]) -> ContentError:
    loc = _data_loc(doc.data, tuple(item["loc"]))
    message = item["msg"]
    if item["type"] == "extra_forbidden":
        message = "unknown key; check the spelling against docs/authoring.md"
    elif item["type"] == "missing":
        message = "required field is missing"
    elif item["type"] in ("union_tag_invalid", "union_tag_not_found"):
        message = "type must be one of single_choice, multiple_select, true_false"
        loc = (*loc, "type")
    message = message.removeprefix("Value error, ")
    if message.startswith("@") and ": " in message:
        # A model validator named the field below it that the problem belongs to.
        sub_path, message = message[1:].split(": ", 1)
        loc = _data_loc(doc.data, (*loc, *(int(p) if p.isdigit() else p for p in sub_path.split("."))))
    return ContentError(rel, doc.line_for(loc), format_loc(loc), message)


def _data_loc(data: Any, loc: tuple[Any, ...]) -> Loc:
    """Drop the parts of a pydantic loc that are not keys in the file (such as union tags)."""
    result: list[str | int] = []
    current = data
    for part in loc:
        if (isinstance(current, dict) and part in current) or (
            isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        ):
            result.append(part)
            current = current[part]
        elif (
            isinstance(current, dict)
            and isinstance(part, str)
            and part not in ("single_choice", "multiple_select", "true_false")
        ):
            result.append(part)  # a missing key: name it, its line is the parent's
            current = None
        elif current is None or not isinstance(part, str):
            continue
    return tuple(result)


def _doc_line(path: Path, loc: Loc) -> int | None:
    try:
        return read_yaml(path).line_for(loc)
    except YamlSourceError:
        return None


def _add_error(report: FileReport, error: ContentError) -> FileReport:
    return FileReport(report.path, report.kind, (*report.errors, error))


def _rel(path: Path, root: Path) -> str:
    try:
        return str(path.relative_to(root))
    except ValueError:
        return str(path)
