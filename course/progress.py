"""Everything a page shows about a learner, derived from their statements by pure functions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from course.events import Statement
from course.loader import Course
from course.models import Lesson

Status = Literal["not started", "in progress", "mastered"]


@dataclass(frozen=True)
class ScenarioProgress:
    attempt: str | None
    path: list[tuple[str, str]]
    finished: bool
    score: float | None
    ending: str | None


@dataclass(frozen=True)
class ScoredAt:
    timestamp: datetime
    score: float
    passed: bool | None = None


def for_lesson(statements: Sequence[Statement], lesson_id: str) -> list[Statement]:
    return [s for s in statements if s.lesson_id == lesson_id]


def lesson_status(statements: Sequence[Statement], lesson_id: str) -> Status:
    """Mastered once any knowledge-check attempt passed; in progress once anything was done."""
    mine = for_lesson(statements, lesson_id)
    if any(s.object_type == "quiz" and s.verb == "passed" for s in mine):
        return "mastered"
    if mine:
        return "in progress"
    return "not started"


def scenario_progress(statements: Sequence[Statement], lesson_id: str, scenario_id: str) -> ScenarioProgress:
    """The latest attempt at a scenario: its path so far, and whether it reached an ending."""
    choices = [
        s
        for s in statements
        if s.lesson_id == lesson_id and s.object_type == "scenario-step" and s.extra.get("scenario") == scenario_id
    ]
    completions = [
        s
        for s in statements
        if s.lesson_id == lesson_id and s.object_type == "scenario" and s.extra.get("scenario") == scenario_id
    ]
    if not choices:
        return ScenarioProgress(attempt=None, path=[], finished=False, score=None, ending=None)
    attempt = choices[-1].extra.get("attempt")
    path = [(s.extra["step"], s.extra["choice"]) for s in choices if s.extra.get("attempt") == attempt]
    done = next((c for c in reversed(completions) if c.extra.get("attempt") == attempt), None)
    return ScenarioProgress(
        attempt=attempt,
        path=path,
        finished=done is not None,
        score=done.score if done else None,
        ending=done.extra.get("ending") if done else None,
    )


def quiz_history(statements: Sequence[Statement], lesson_id: str) -> list[ScoredAt]:
    return [
        ScoredAt(s.timestamp, s.score or 0.0, s.verb == "passed")
        for s in statements
        if s.lesson_id == lesson_id and s.object_type == "quiz"
    ]


def self_assessment_history(statements: Sequence[Statement], lesson_id: str) -> list[ScoredAt]:
    return [
        ScoredAt(s.timestamp, s.score)
        for s in statements
        if s.lesson_id == lesson_id and s.object_type == "self-assessment" and s.score is not None
    ]


def suggested_next(course: Course, statements: Sequence[Statement]) -> Lesson | None:
    """The first lesson in course order that is in progress, else the first not started."""
    statuses = {lesson.id: lesson_status(statements, lesson.id) for lesson in course.lessons}
    for wanted in ("in progress", "not started"):
        for lesson in course.lessons:
            if statuses[lesson.id] == wanted:
                return lesson
    return None
