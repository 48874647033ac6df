"""Spaced review: which cards exist, the FSRS hand-off with a fixed clock, sessions and durable mastery."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from fsrs import Rating

from course import tracking
from course.loader import load_course
from course.quiz import AttemptResult, ItemResult
from course.review import (
    ReviewCard,
    build_session,
    cards_for,
    due_today,
    durable_since,
    grade,
    interleave,
    is_durable,
    presented_options,
    rating_for,
    schedule,
)
from tests.conftest import VALID_CONTENT

T0 = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)  # a Monday
ME = "learner-1"


@pytest.fixture(scope="module")
def small():
    return load_course(VALID_CONTENT)


def attempt(correct: dict[str, bool], *, at: datetime, name: str = "a1", passed: bool | None = None):
    items = tuple(
        ItemResult(item_id, ok, frozenset(["x"]), frozenset(["x"] if ok else ["y"])) for item_id, ok in correct.items()
    )
    score = round(100 * sum(correct.values()) / len(correct), 1)
    result = AttemptResult(items, score, score >= 80 if passed is None else passed)
    return tracking.quiz_attempt(ME, "small-talk", name, result, at=at)


def finish_scenario(small, path, *, at: datetime, name: str = "s1"):
    scenario = small.lesson("small-talk").scenarios[0]
    out = []
    for step, choice in path:
        out += tracking.scenario_choice(ME, "small-talk", scenario, step, choice, name, at=at)
    out.append(tracking.scenario_completed(ME, "small-talk", scenario.id, name, "warm", 62.0, at=at))
    return out


def review(card_id: str, correct: bool, confidence: str, at: datetime):
    return tracking.review_answer(ME, "small-talk", card_id, correct, confidence, ["a"], at=at)


# --- cards ---------------------------------------------------------------------------


def test_no_cards_before_anything_is_mastered(small):
    """A failed attempt and an unfinished scenario give no cards."""
    scenario = small.lesson("small-talk").scenarios[0]
    statements = attempt({"best-opener": True, "signs": False, "pitch-first": False}, at=T0)
    statements += tracking.scenario_choice(ME, "small-talk", scenario, "open", "setting", "s1", at=T0)
    assert cards_for(small, statements) == []


def test_correct_items_of_a_passed_attempt_become_cards(small):
    """Items answered correctly in a passing attempt are cards; a wrong one in the same attempt is not."""
    statements = attempt({"best-opener": True, "signs": False, "pitch-first": True}, at=T0, passed=True)
    cards = cards_for(small, statements)
    assert [c.id for c in cards] == ["quiz.best-opener", "quiz.pitch-first"]
    assert all(c.born == T0 and c.first_rating == Rating.Good for c in cards)
    # Answered right later in another passed attempt: born then.
    later = attempt({"signs": True}, at=T0 + timedelta(days=1), name="a2")
    assert {c.id: c.born for c in cards_for(small, statements + later)}["quiz.signs"] == T0 + timedelta(days=1)


def test_quiz_card_keeps_the_items_options_and_feedback(small):
    """A quiz card asks the same question, with the same options and explanations."""
    statements = attempt({"best-opener": True, "signs": True, "pitch-first": True}, at=T0)
    card = next(c for c in cards_for(small, statements) if c.id == "quiz.signs")
    assert card.multiple
    assert card.correct_ids == {"a", "b"}
    assert "Recalling a detail shows you were listening." in [o.feedback for o in card.options]


def test_key_scenario_decisions_become_cards_when_a_scenario_is_finished(small):
    """Each expert-path step is a card; its first rating comes from the learner's own choice there."""
    statements = finish_scenario(small, [("open", "pitch"), ("follow", "ask")], at=T0)
    cards = cards_for(small, statements)
    assert [c.id for c in cards] == ["scenario.coffee-urn.open", "scenario.coffee-urn.follow"]
    opening, follow = cards
    assert opening.first_rating == Rating.Again  # the learner pitched first
    assert follow.first_rating == Rating.Good
    assert opening.correct_ids == {"setting"}
    assert opening.situation == "She is pouring a coffee and glances at you."
    assert opening.prompt == "What is the most effective thing to do?"
    assert "She smiles" in next(o.feedback for o in opening.options if o.id == "setting")


@pytest.mark.parametrize(
    ("correct", "confidence", "rating"),
    [
        (False, "high", Rating.Again),
        (False, "low", Rating.Again),
        (True, "low", Rating.Hard),
        (True, "medium", Rating.Good),
        (True, None, Rating.Good),
        (True, "high", Rating.Easy),
    ],
)
def test_rating_comes_from_correctness_and_confidence(correct, confidence, rating):
    """Wrong is Again whatever the confidence; right is Hard, Good or Easy by confidence."""
    assert rating_for(correct, confidence) == rating


# --- the FSRS hand-off with a fixed clock ------------------------------------------------


def quiz_card(small):
    statements = attempt({"best-opener": True, "signs": True, "pitch-first": True}, at=T0)
    return statements, next(c for c in cards_for(small, statements) if c.id == "quiz.best-opener")


def due_of(small, statements, card_id="quiz.best-opener"):
    return next(s.due for s in schedule(cards_for(small, statements), statements) if s.card.id == card_id)


def test_a_new_card_is_due_in_about_two_days(small):
    """After mastery (a Good first answer) the first review is two days later, not minutes."""
    statements, _ = quiz_card(small)
    assert due_of(small, statements) == T0 + timedelta(days=2)


def test_a_good_review_pushes_the_due_date_out_and_a_poor_one_brings_it_back(small):
    """Good at the due date spaces the card much further; Again makes it due sooner than Good would."""
    statements, _ = quiz_card(small)
    first_due = due_of(small, statements)
    good = [*statements, review("quiz.best-opener", True, "medium", first_due)]
    poor = [*statements, review("quiz.best-opener", False, "high", first_due)]
    good_due, poor_due = due_of(small, good), due_of(small, poor)
    assert good_due - first_due >= timedelta(days=7)
    assert poor_due < good_due
    assert poor_due - first_due <= timedelta(days=5)
    # A second good review spaces it further still.
    again_good = [*good, review("quiz.best-opener", True, "medium", good_due)]
    assert due_of(small, again_good) - good_due > good_due - first_due


def test_confidence_changes_the_interval(small):
    """Right with high confidence waits longer than right with low confidence."""
    statements, _ = quiz_card(small)
    first_due = due_of(small, statements)
    sure = due_of(small, [*statements, review("quiz.best-opener", True, "high", first_due)])
    unsure = due_of(small, [*statements, review("quiz.best-opener", True, "low", first_due)])
    assert sure > unsure


def test_reviews_of_other_cards_and_other_lessons_do_not_move_a_card(small):
    """Only the card's own review statements are replayed."""
    statements, _ = quiz_card(small)
    before = due_of(small, statements)
    other = tracking.review_answer(ME, "other-lesson", "quiz.best-opener", False, "low", ["a"], at=before)
    assert due_of(small, [*statements, other, review("quiz.signs", False, "low", before)]) == before


def test_schedule_counts_review_answers(small):
    """The schedule says how many review answers each card has had."""
    statements, _ = quiz_card(small)
    statements.append(review("quiz.best-opener", True, "medium", T0 + timedelta(days=2)))
    found = {s.card.id: s for s in schedule(cards_for(small, statements), statements)}
    assert found["quiz.best-opener"].reviews == 1
    assert found["quiz.signs"].reviews == 0
    assert found["quiz.best-opener"].last_review == T0 + timedelta(days=2)


# --- due today, in the learner's time zone ------------------------------------------------


def test_due_today_means_by_the_end_of_the_learners_local_day(small):
    """A card due at 20:00 UTC is due today in London at 10:00 UTC, but tomorrow in Tokyo (05:00 next day)."""
    statements, _ = quiz_card(small)
    schedules = schedule(cards_for(small, statements), statements)
    due_at = T0 + timedelta(days=2)  # 18:00 UTC on Wednesday
    morning = due_at.replace(hour=10)
    assert len(due_today(schedules, morning, ZoneInfo("Europe/London"))) == 3
    assert due_today(schedules, morning, ZoneInfo("Asia/Tokyo")) == []  # 19:00 in Tokyo; due at 03:00 tomorrow there
    assert due_today(schedules, due_at - timedelta(days=1), UTC) == []


# --- sessions ------------------------------------------------------------------------------


def fake_card(lesson: str, number: int, born: datetime = T0) -> ReviewCard:
    return ReviewCard(f"quiz.i{number}", lesson, "quiz", "Q?", None, None, (), False, True, born, Rating.Good)


def fake_schedules(spec: dict[str, int], due: datetime):
    cards = [fake_card(lesson, n) for lesson, count in spec.items() for n in range(count)]
    return [_with_due(s, due) for s in schedule(cards, [])]


def _with_due(item, due):
    from dataclasses import replace

    return replace(item, due=due)


def test_session_holds_at_most_ten_due_cards():
    """Twenty-four due cards give a session of ten."""
    schedules = fake_schedules({"a": 12, "b": 8, "c": 4}, T0)
    assert len(build_session(schedules, T0, UTC, seed=1)) == 10


def test_session_is_topped_up_to_five_with_the_soonest_cards():
    """Two due cards plus the three soonest others make five; nothing due means no session."""
    due = fake_schedules({"a": 2}, T0)
    later = [_with_due(s, T0 + timedelta(days=3 + i)) for i, s in enumerate(fake_schedules({"b": 6}, T0))]
    session = build_session([*due, *later], T0, UTC, seed=1)
    assert len(session) == 5
    assert {c.key for c in session} >= {s.card.key for s in due}
    assert build_session(later, T0, UTC, seed=1) == []
    assert len(build_session(later, T0, UTC, seed=1, ahead=True)) == 5


def test_session_interleaves_strategies():
    """With enough variety, no two neighbouring cards come from the same lesson."""
    cards = [fake_card(lesson, n) for lesson, count in {"a": 4, "b": 3, "c": 3}.items() for n in range(count)]
    for seed in range(20):
        order = interleave(cards, seed=seed)
        assert sorted(c.key for c in order) == sorted(c.key for c in cards)
        assert all(x.lesson_id != y.lesson_id for x, y in pairwise(order))


def test_presented_options_are_stable_for_a_session_and_grading_needs_the_exact_set(small):
    """The same seed shows the same order; a multiple-select card needs exactly the right options."""
    statements = attempt({"best-opener": True, "signs": True, "pitch-first": True}, at=T0)
    card = next(c for c in cards_for(small, statements) if c.id == "quiz.signs")
    assert presented_options(card, 5) == presented_options(card, 5)
    assert grade(card, frozenset({"a", "b"}))
    assert not grade(card, frozenset({"a"}))
    assert not grade(card, frozenset())


# --- durable mastery ------------------------------------------------------------------------


def test_mastery_becomes_durable_only_after_a_passed_review_seven_days_later(small):
    """A pass at six days is not enough; a failed one at eight is not; a pass at seven is."""
    statements = attempt({"best-opener": True, "signs": True, "pitch-first": True}, at=T0)
    assert not is_durable(statements, "small-talk")
    six = [*statements, review("quiz.signs", True, "high", T0 + timedelta(days=6, hours=23))]
    assert not is_durable(six, "small-talk")
    eight_failed = [*six, review("quiz.signs", False, "high", T0 + timedelta(days=8))]
    assert not is_durable(eight_failed, "small-talk")
    seven = [*eight_failed, review("quiz.signs", True, "medium", T0 + timedelta(days=7))]
    assert durable_since(seven, "small-talk") == T0 + timedelta(days=7)
