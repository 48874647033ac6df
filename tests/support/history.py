"""A realistic month of learner history, built from the real statement shapes (course.tracking).

Used by dashboard tests and by the screenshot test. Pure: the same arguments give the same history.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from course import tracking
from course.dashboard import CHECKIN_WEEKS
from course.events import Statement
from course.loader import Course
from course.models import Lesson
from course.quiz import draw_attempt, grade_attempt
from course.review import CONFIDENCE_LEVELS, build_session, cards_for, schedule
from course.scenario import next_step, path_score, step_by_id
from course.store import JournalEntry

DEFAULT_LESSONS = 8


@dataclass(frozen=True)
class History:
    statements: list[Statement]
    journal: list[JournalEntry]
    lesson_ids: list[str]


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def seed_month(
    course: Course,
    actor: str,
    *,
    end: datetime,
    zone: tzinfo = UTC,
    lessons: int = DEFAULT_LESSONS,
    seed: int = 7,
    days: int = 30,
    rerate: bool = True,
) -> History:
    """About a month of a keen learner: lessons every few days, reviews when due, practice, plans and check-ins.

    Rest days include one a week (which the gentle streak forgives), and one strategy is
    self-rated far above the learner's scenario choices, so the dashboard has a gap to name.
    """
    rng = random.Random(seed)
    taken: list[Lesson] = list(course.lessons[:lessons])
    start_day = end.astimezone(zone).date() - timedelta(days=days - 1)
    statements: list[Statement] = []
    journal: list[JournalEntry] = []
    overconfident = next((lesson.id for lesson in taken[1:] if lesson.kind == "strategy"), None)
    rest_days = {start_day + timedelta(days=d) for d in range(days) if d % 7 == 5}
    lesson_days = {
        start_day + timedelta(days=round(i * (days - 8) / max(1, len(taken)))): lesson for i, lesson in enumerate(taken)
    }

    def at(day: date, minute: int) -> datetime:
        return datetime.combine(day, time(19, 0), tzinfo=zone) + timedelta(minutes=minute)

    def add(items: Statement | list[Statement]) -> None:
        statements.extend(items if isinstance(items, list) else [items])

    retry: dict[date, Lesson] = {}
    for offset in range(days):
        day = start_day + timedelta(days=offset)
        if day in rest_days and day not in lesson_days:
            continue
        minute = 0
        lesson = lesson_days.get(day)
        if lesson is not None:
            minute = _take_lesson(
                course, lesson, actor, day, at, add, journal, rng, overconfident=lesson.id == overconfident
            )
            if course.quiz_for(lesson.id) is not None and lesson.order % 3 == 2:
                retry[day + timedelta(days=1)] = lesson
        if day in retry:
            _quiz(course, retry[day], actor, at(day, minute + 1), rng, correct=True, add=add)
            minute += 3
        # Practice in real life two days after each lesson.
        practised = lesson_days.get(day - timedelta(days=2))
        if practised is not None:
            action = practised.practice_actions[0]
            add(tracking.practice_done(actor, practised.id, action.id, "Tried it after work", at=at(day, minute + 30)))
        # Reviews that are due.
        now = at(day, minute + 45)
        schedules = schedule(cards_for(course, statements), statements)
        for number, card in enumerate(build_session(schedules, now, zone, seed=offset)):
            correct = rng.random() < 0.8
            weights = (15, 45, 40) if correct else (50, 35, 15)
            confidence = rng.choices(CONFIDENCE_LEVELS, weights=weights)[0]
            chosen = card.correct_ids if correct else frozenset([next(o.id for o in card.options if not o.correct)])
            add(
                tracking.review_answer(
                    actor,
                    card.lesson_id,
                    card.id,
                    correct,
                    confidence,
                    sorted(chosen),
                    at=now + timedelta(minutes=number),
                )
            )
        # Plan check-ins on the day each falls due (one, two and four weeks after the plan).
        for entry in journal:
            for week in CHECKIN_WEEKS:
                if entry.kind == "plan" and entry.created_at.astimezone(zone).date() + timedelta(weeks=week) == day:
                    happened = rng.random() < 0.7
                    add(
                        tracking.plan_checkin(actor, entry.lesson_id, entry.id, week, happened, at=at(day, minute + 50))
                    )

    if rerate:
        last_day = end.astimezone(zone).date()
        for lesson in taken:
            quiz = course.quiz_for(lesson.id)
            if quiz is None or not quiz.self_assessment or lesson.id == overconfident:
                continue
            shift = 1 if lesson.order % 4 else -1
            ratings = {
                item.id: min(5, max(1, 3 + shift + (item.reverse and -2 * shift))) for item in quiz.self_assessment
            }
            score = _sa_score(quiz, ratings)
            add(
                tracking.self_assessment(
                    actor, lesson.id, _uid(rng), ratings, score, at=at(last_day, 0) - timedelta(hours=2)
                )
            )
    statements.sort(key=lambda s: s.timestamp)
    return History([s for s in statements if s.timestamp <= end], journal, [lesson.id for lesson in taken])


def _sa_score(quiz, ratings) -> float:
    from course.quiz import self_assessment_score

    return self_assessment_score(quiz.self_assessment, ratings) or 0.0


def _take_lesson(course, lesson, actor, day, at, add, journal, rng, *, overconfident: bool) -> int:
    minute = 0
    add(tracking.lesson_opened(actor, lesson.id, at=at(day, minute)))
    quiz = course.quiz_for(lesson.id)
    if quiz is not None and quiz.self_assessment:
        high = 5 if overconfident else 3
        ratings = {
            item.id: (6 - high if item.reverse else high) if overconfident else rng.choice((2, 3))
            for item in quiz.self_assessment
        }
        add(tracking.self_assessment(actor, lesson.id, _uid(rng), ratings, _sa_score(quiz, ratings), at=at(day, 1)))
    minute = 3
    for scenario in lesson.scenarios:
        attempt = _uid(rng)
        path: list[tuple[str, str]] = []
        current = step_by_id(scenario, scenario.start)
        skill = 0.25 if overconfident else 0.7
        while current is not None and len(path) < 20:
            ranked = sorted(current.choices, key=lambda c: -c.effectiveness)
            choice = ranked[0] if rng.random() < skill else rng.choice(ranked[1:])
            path.append((current.id, choice.id))
            minute += 1
            add(
                tracking.scenario_choice(actor, lesson.id, scenario, current.id, choice.id, attempt, at=at(day, minute))
            )
            outcome = next_step(scenario, current.id, choice.id)
            if outcome.ending is not None:
                add(
                    tracking.scenario_completed(
                        actor,
                        lesson.id,
                        scenario.id,
                        attempt,
                        outcome.ending.id,
                        path_score(scenario, path) or 0.0,
                        at=at(day, minute),
                    )
                )
                break
            current = outcome.next_step
    if quiz is not None:
        minute += 2
        first_try_passes = lesson.order % 3 != 2
        _quiz(course, lesson, actor, at(day, minute), rng, correct=first_try_passes, add=add)
    minute += 3
    journal.append(
        JournalEntry(
            actor,
            "plan",
            lesson.id,
            "plan",
            f"If {lesson.plan_prompt.cue_example.rstrip('.')}, then I will {lesson.plan_prompt.action_example.rstrip('.')}",
            at(day, minute).astimezone(UTC),
            _uid(rng),
        )
    )
    return minute


def _quiz(course, lesson, actor, when, rng, *, correct: bool, add) -> None:
    quiz = course.quiz_for(lesson.id)
    seed = rng.randrange(2**31)
    drawn = draw_attempt(quiz, seed)
    answers = {}
    for index, entry in enumerate(drawn):
        right = correct or index == 0  # a failing attempt still gets one right
        wanted = [o.id for o in entry.options if o.correct == right]
        answers[entry.item.id] = frozenset(wanted if entry.multiple else wanted[:1])
    graded = grade_attempt(drawn, answers, quiz.pass_percentage)
    add(tracking.quiz_attempt(actor, lesson.id, str(seed), graded, at=when))
