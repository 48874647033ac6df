"""Builders for the statements the pages record, so every page writes the same shapes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from course.events import Statement, utcnow
from course.models import Scenario
from course.quiz import AttemptResult
from course.scenario import effectiveness_to_score, next_step


def lesson_opened(actor: str, lesson_id: str, *, at: datetime | None = None) -> Statement:
    return Statement(
        actor=actor,
        verb="experienced",
        object_type="lesson",
        object_id=lesson_id,
        lesson_id=lesson_id,
        timestamp=at or utcnow(),
    )


def scenario_choice(
    actor: str,
    lesson_id: str,
    scenario: Scenario,
    step_id: str,
    choice_id: str,
    attempt: str,
    *,
    at: datetime | None = None,
) -> list[Statement]:
    """The answered statement for one choice (scenario_completed records reaching an ending)."""
    outcome = next_step(scenario, step_id, choice_id)
    when = at or utcnow()
    base = f"{lesson_id}/scenario/{scenario.id}"
    result = [
        Statement(
            actor=actor,
            verb="answered",
            object_type="scenario-step",
            object_id=f"{base}/step/{step_id}",
            lesson_id=lesson_id,
            timestamp=when,
            score=effectiveness_to_score(outcome.choice.effectiveness),
            success=outcome.is_best,
            response=choice_id,
            extra={
                "scenario": scenario.id,
                "step": step_id,
                "choice": choice_id,
                "attempt": attempt,
                "effectiveness": outcome.choice.effectiveness,
            },
        )
    ]
    return result


def scenario_completed(
    actor: str,
    lesson_id: str,
    scenario_id: str,
    attempt: str,
    ending_id: str,
    score: float,
    *,
    at: datetime | None = None,
) -> Statement:
    return Statement(
        actor=actor,
        verb="completed",
        object_type="scenario",
        object_id=f"{lesson_id}/scenario/{scenario_id}",
        lesson_id=lesson_id,
        timestamp=at or utcnow(),
        score=score,
        response=ending_id,
        extra={"scenario": scenario_id, "attempt": attempt, "ending": ending_id},
    )


def quiz_attempt(
    actor: str,
    lesson_id: str,
    attempt: str,
    result: AttemptResult,
    *,
    confidence: Mapping[str, str] | None = None,
    at: datetime | None = None,
) -> list[Statement]:
    when = at or utcnow()
    items = [
        Statement(
            actor=actor,
            verb="answered",
            object_type="quiz-item",
            object_id=f"{lesson_id}/quiz/{item.item_id}",
            lesson_id=lesson_id,
            timestamp=when,
            score=100.0 if item.correct else 0.0,
            success=item.correct,
            response=",".join(sorted(item.chosen)),
            extra={
                "attempt": attempt,
                "item": item.item_id,
                **({"confidence": confidence[item.item_id]} if confidence and item.item_id in confidence else {}),
            },
        )
        for item in result.items
    ]
    summary = Statement(
        actor=actor,
        verb="passed" if result.passed else "failed",
        object_type="quiz",
        object_id=f"{lesson_id}/quiz",
        lesson_id=lesson_id,
        timestamp=when,
        score=result.score,
        success=result.passed,
        extra={"attempt": attempt, "items": [item.item_id for item in result.items]},
    )
    return [*items, summary]


def self_assessment(
    actor: str,
    lesson_id: str,
    attempt: str,
    ratings: Mapping[str, int | None],
    score: float,
    *,
    at: datetime | None = None,
) -> list[Statement]:
    when = at or utcnow()
    items = [
        Statement(
            actor=actor,
            verb="rated",
            object_type="self-assessment-item",
            object_id=f"{lesson_id}/self-assessment/{item_id}",
            lesson_id=lesson_id,
            timestamp=when,
            response=str(value),
            extra={"attempt": attempt, "item": item_id, "value": value},
        )
        for item_id, value in ratings.items()
        if value is not None
    ]
    summary = Statement(
        actor=actor,
        verb="rated",
        object_type="self-assessment",
        object_id=f"{lesson_id}/self-assessment",
        lesson_id=lesson_id,
        timestamp=when,
        score=score,
        extra={"attempt": attempt},
    )
    return [*items, summary]


def review_answer(
    actor: str,
    lesson_id: str,
    card_id: str,
    correct: bool,
    confidence: str,
    response: Sequence[str],
    *,
    at: datetime | None = None,
) -> Statement:
    return Statement(
        actor=actor,
        verb="answered",
        object_type="review-item",
        object_id=f"{lesson_id}/review/{card_id}",
        lesson_id=lesson_id,
        timestamp=at or utcnow(),
        score=100.0 if correct else 0.0,
        success=correct,
        response=",".join(sorted(response)),
        extra={"card": card_id, "confidence": confidence},
    )


def practice_done(
    actor: str, lesson_id: str, action_id: str, note: str | None, *, at: datetime | None = None
) -> Statement:
    return Statement(
        actor=actor,
        verb="completed",
        object_type="practice",
        object_id=f"{lesson_id}/practice/{action_id}",
        lesson_id=lesson_id,
        timestamp=at or utcnow(),
        response=note or None,
        extra={"action": action_id},
    )


def plan_checkin(
    actor: str, lesson_id: str, plan_id: str, week: int, happened: bool, *, at: datetime | None = None
) -> Statement:
    return Statement(
        actor=actor,
        verb="rated",
        object_type="plan-checkin",
        object_id=f"{lesson_id}/plan/{plan_id}/week/{week}",
        lesson_id=lesson_id,
        timestamp=at or utcnow(),
        success=happened,
        extra={"plan": plan_id, "week": week},
    )
