"""Spaced review: which cards exist, when each is due (FSRS), and what a short session holds.

Nothing here is stored. A card's schedule is rebuilt every time by replaying the
learner's statements through the `fsrs` scheduler, so the statements table stays
the single source of truth and the clock is always passed in (`now`).

What becomes a card:
- a quiz item the learner answered correctly in a knowledge-check attempt that passed
  (born at that attempt, which counts as its first review);
- a key scenario decision: the best choice of each step on a scenario's expert path
  (born when the learner first finishes that scenario; their own choice at that step
  in that attempt counts as its first review).
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Literal

from fsrs import Card, Rating, Scheduler, State

from course.events import Statement
from course.loader import Course
from course.models import MultipleSelectItem, QuizItem, Scenario, Step, TrueFalseItem
from course.scenario import best_effectiveness, expert_path

Confidence = Literal["low", "medium", "high"]
CONFIDENCE_LEVELS: tuple[Confidence, ...] = ("low", "medium", "high")
CONFIDENCE_LABELS: dict[str, str] = {
    "low": "Low: mostly a guess",
    "medium": "Medium: fairly sure",
    "high": "High: certain",
}
SESSION_MIN = 5
SESSION_MAX = 10
DURABLE_AFTER = timedelta(days=7)

# Design choice: no same-day learning steps. One correct answer counts as relearned
# (Vaughn, Dunlosky & Rawson 2016), so the first interval is days, not minutes:
# about +2, +11 and +46 days for a card answered well each time.
SCHEDULER = Scheduler(learning_steps=(), relearning_steps=(), enable_fuzzing=False)


@dataclass(frozen=True)
class CardOption:
    id: str
    text: str
    correct: bool
    feedback: str


@dataclass(frozen=True)
class ReviewCard:
    """One thing to remember: a quiz item or a key scenario decision."""

    id: str  # quiz.<item> or scenario.<scenario>.<step>; unique within a lesson
    lesson_id: str
    kind: Literal["quiz", "scenario"]
    prompt: str
    context: str | None  # scenario cards: the scenario's title and setting
    situation: str | None  # scenario cards: the moment of the decision
    options: tuple[CardOption, ...]
    multiple: bool
    shuffle: bool
    born: datetime
    first_rating: Rating | None  # None: the learner never answered this step before seeing the expert path

    @property
    def key(self) -> str:
        return f"{self.lesson_id}/{self.id}"

    @property
    def correct_ids(self) -> frozenset[str]:
        return frozenset(option.id for option in self.options if option.correct)


@dataclass(frozen=True)
class CardSchedule:
    card: ReviewCard
    due: datetime
    state: State
    stability: float | None
    reviews: int  # answers in review sessions (the birth answer not counted)
    last_review: datetime | None


def rating_for(correct: bool, confidence: str | None) -> Rating:
    """Correctness plus certainty, as Moodle's certainty-based marking: wrong is Again whatever the confidence."""
    if not correct:
        return Rating.Again
    if confidence == "low":
        return Rating.Hard
    if confidence == "high":
        return Rating.Easy
    return Rating.Good


# --- which cards exist ---------------------------------------------------------------


def quiz_card_id(item_id: str) -> str:
    return f"quiz.{item_id}"


def scenario_card_id(scenario_id: str, step_id: str) -> str:
    return f"scenario.{scenario_id}.{step_id}"


def _quiz_options(item: QuizItem) -> tuple[CardOption, ...]:
    return tuple(CardOption(o.id, o.text, o.correct, o.feedback) for o in item.options)


def _step_options(step: Step) -> tuple[CardOption, ...]:
    best = best_effectiveness(step)
    return tuple(
        CardOption(c.id, c.text, c.effectiveness == best, f"{c.consequence} {c.feedback}".strip()) for c in step.choices
    )


def cards_for(course: Course, statements: Sequence[Statement]) -> list[ReviewCard]:
    """Every card the learner has earned, in course order."""
    cards: list[ReviewCard] = []
    for lesson in course.lessons:
        mine = [s for s in statements if s.lesson_id == lesson.id]
        quiz = course.quiz_for(lesson.id)
        if quiz is not None:
            passed = {s.extra.get("attempt") for s in mine if s.object_type == "quiz" and s.verb == "passed"}
            born: dict[str, Statement] = {}
            for s in mine:
                if (
                    s.object_type == "quiz-item"
                    and s.success
                    and s.extra.get("attempt") in passed
                    and s.extra.get("item") not in born
                ):
                    born[s.extra["item"]] = s
            for item in quiz.items:
                if item.id in born:
                    first = born[item.id]
                    cards.append(
                        ReviewCard(
                            id=quiz_card_id(item.id),
                            lesson_id=lesson.id,
                            kind="quiz",
                            prompt=item.prompt,
                            context=None,
                            situation=None,
                            options=_quiz_options(item),
                            multiple=isinstance(item, MultipleSelectItem),
                            shuffle=not isinstance(item, TrueFalseItem),
                            born=first.timestamp,
                            first_rating=rating_for(True, first.extra.get("confidence")),
                        )
                    )
        for scenario in lesson.scenarios:
            cards.extend(_scenario_cards(lesson.id, scenario, mine))
    return cards


def _scenario_cards(lesson_id: str, scenario: Scenario, mine: Sequence[Statement]) -> list[ReviewCard]:
    finished = [s for s in mine if s.object_type == "scenario" and s.extra.get("scenario") == scenario.id]
    if not finished:
        return []
    first = finished[0]
    attempt = first.extra.get("attempt")
    taken = {
        s.extra.get("step"): s
        for s in mine
        if s.object_type == "scenario-step"
        and s.extra.get("scenario") == scenario.id
        and s.extra.get("attempt") == attempt
    }
    cards = []
    for step, _best in expert_path(scenario):
        answer = taken.get(step.id)
        cards.append(
            ReviewCard(
                id=scenario_card_id(scenario.id, step.id),
                lesson_id=lesson_id,
                kind="scenario",
                prompt=step.question,
                context=f"{scenario.title}. {scenario.setting.strip()}",
                situation=step.situation.strip(),
                options=_step_options(step),
                multiple=False,
                shuffle=True,
                born=first.timestamp,
                first_rating=None if answer is None else rating_for(bool(answer.success), None),
            )
        )
    return cards


# --- when each card is due -----------------------------------------------------------


def review_statements(statements: Sequence[Statement]) -> list[Statement]:
    return [s for s in statements if s.object_type == "review-item" and s.verb == "answered"]


def schedule(cards: Sequence[ReviewCard], statements: Sequence[Statement]) -> list[CardSchedule]:
    """Replay each card's birth and its review answers through FSRS, in time order."""
    answers: dict[str, list[Statement]] = {}
    for s in sorted(review_statements(statements), key=lambda s: s.timestamp):
        answers.setdefault(f"{s.lesson_id}/{s.extra.get('card')}", []).append(s)
    result = []
    for number, card in enumerate(cards, start=1):
        born = card.born.astimezone(UTC)
        # An explicit card_id: without one, fsrs derives it from the clock and sleeps a millisecond per card.
        state = Card(card_id=number, due=born)
        last: datetime | None = None
        if card.first_rating is not None:
            state, _ = SCHEDULER.review_card(state, card.first_rating, born)
            last = born
        reviews = 0
        for answer in answers.get(card.key, []):
            if answer.timestamp < card.born:
                continue
            rating = rating_for(bool(answer.success), answer.extra.get("confidence"))
            when = answer.timestamp.astimezone(UTC)
            state, _ = SCHEDULER.review_card(state, rating, when)
            last = when
            reviews += 1
        result.append(CardSchedule(card, state.due, state.state, state.stability, reviews, last))
    return result


def end_of_day(now: datetime, zone: tzinfo) -> datetime:
    """The last moment of the learner's local day: a card due any time today counts as due today."""
    local = now.astimezone(zone).date()
    return datetime.combine(local + timedelta(days=1), time(0), tzinfo=zone) - timedelta(microseconds=1)


def due_today(schedules: Sequence[CardSchedule], now: datetime, zone: tzinfo) -> list[CardSchedule]:
    """Cards due by the end of the learner's day, most overdue first."""
    cutoff = end_of_day(now, zone)
    return sorted((s for s in schedules if s.due <= cutoff), key=lambda s: (s.due, s.card.key))


def next_due(schedules: Sequence[CardSchedule]) -> datetime | None:
    return min((s.due for s in schedules), default=None)


def build_session(
    schedules: Sequence[CardSchedule],
    now: datetime,
    zone: tzinfo,
    *,
    seed: int,
    ahead: bool = False,
    minimum: int = SESSION_MIN,
    maximum: int = SESSION_MAX,
) -> list[ReviewCard]:
    """A short session: up to `maximum` due cards, topped up to `minimum` with the soonest others, interleaved.

    With nothing due, the session is empty unless the learner asked to review ahead.
    """
    due = due_today(schedules, now, zone)[:maximum]
    if not due and not ahead:
        return []
    if len(due) < minimum:
        chosen = {s.card.key for s in due}
        rest = sorted((s for s in schedules if s.card.key not in chosen), key=lambda s: (s.due, s.card.key))
        due = [*due, *rest[: minimum - len(due)]]
    return interleave([s.card for s in due], seed=seed)


def interleave(cards: Sequence[ReviewCard], *, seed: int) -> list[ReviewCard]:
    """Round-robin across strategies (lessons), so neighbouring cards come from different lessons where possible."""
    rng = random.Random(seed)
    groups: dict[str, list[ReviewCard]] = {}
    for card in cards:
        groups.setdefault(card.lesson_id, []).append(card)
    for group in groups.values():
        rng.shuffle(group)
    # Largest groups first, so the tail is not one lesson repeated.
    order = sorted(groups, key=lambda lesson: (-len(groups[lesson]), rng.random()))
    result: list[ReviewCard] = []
    while any(groups[lesson] for lesson in order):
        for lesson in order:
            if groups[lesson]:
                result.append(groups[lesson].pop())
    return result


def presented_options(card: ReviewCard, seed: int) -> list[CardOption]:
    """The card's options in the order this session shows them."""
    options = list(card.options)
    if card.shuffle:
        random.Random(f"{seed}:{card.key}").shuffle(options)
    return options


def grade(card: ReviewCard, chosen: frozenset[str]) -> bool:
    return bool(chosen) and chosen == card.correct_ids


def find_card(cards: Sequence[ReviewCard], key: str) -> ReviewCard | None:
    return next((card for card in cards if card.key == key), None)


# --- mastery that lasts ---------------------------------------------------------------


def first_mastery(statements: Sequence[Statement], lesson_id: str) -> datetime | None:
    return min(
        (
            s.timestamp
            for s in statements
            if s.lesson_id == lesson_id and s.object_type == "quiz" and s.verb == "passed"
        ),
        default=None,
    )


def durable_since(statements: Sequence[Statement], lesson_id: str) -> datetime | None:
    """When mastery became durable: the first passed review at least 7 days after first mastery, else None."""
    mastered = first_mastery(statements, lesson_id)
    if mastered is None:
        return None
    return min(
        (
            s.timestamp
            for s in review_statements(statements)
            if s.lesson_id == lesson_id and s.success and s.timestamp >= mastered + DURABLE_AFTER
        ),
        default=None,
    )


def is_durable(statements: Sequence[Statement], lesson_id: str) -> bool:
    return durable_since(statements, lesson_id) is not None


def local_date(moment: datetime, zone: tzinfo) -> date:
    return moment.astimezone(zone).date()
