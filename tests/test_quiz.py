"""Knowledge checks and self-assessment scoring."""

from __future__ import annotations

import pytest

from course.loader import load_course
from course.models import SelfAssessmentItem
from course.quiz import draw_attempt, grade_attempt, self_assessment_score
from tests.conftest import VALID_CONTENT


@pytest.fixture
def quiz():
    return load_course(VALID_CONTENT).quiz_for("small-talk")


def test_same_seed_draws_the_same_attempt(quiz):
    """A rerun with the same seed shows the same items in the same option order."""
    first = draw_attempt(quiz, 42)
    second = draw_attempt(quiz, 42)
    assert [(d.item.id, [o.id for o in d.options]) for d in first] == [
        (d.item.id, [o.id for o in d.options]) for d in second
    ]


def test_different_seeds_shuffle_options(quiz):
    """Across seeds the option order changes, so the key's position varies."""
    orders = {tuple(o.id for o in draw_attempt(quiz, seed)[0].options) for seed in range(30)}
    assert len(orders) > 1


def test_attempt_draws_items_per_attempt(quiz):
    """An attempt holds exactly items_per_attempt distinct items."""
    drawn = draw_attempt(quiz, 7)
    assert len(drawn) == quiz.items_per_attempt
    assert len({d.item.id for d in drawn}) == len(drawn)


def test_all_correct_answers_pass(quiz):
    """Choosing exactly the correct options scores 100 and passes."""
    drawn = draw_attempt(quiz, 3)
    answers = {d.item.id: frozenset(o.id for o in d.options if o.correct) for d in drawn}
    result = grade_attempt(drawn, answers, quiz.pass_percentage)
    assert result.score == 100.0 and result.passed


def test_partial_multiple_select_counts_as_wrong(quiz):
    """A multiple-select item with only some of the right options is not correct."""
    drawn = draw_attempt(quiz, 3)
    answers = {d.item.id: frozenset(o.id for o in d.options if o.correct) for d in drawn}
    answers["signs"] = frozenset({"a"})
    result = grade_attempt(drawn, answers, quiz.pass_percentage)
    assert result.score == pytest.approx(66.7)
    assert not result.passed


def test_unanswered_attempt_fails(quiz):
    """No answers score zero."""
    result = grade_attempt(draw_attempt(quiz, 1), {}, 80)
    assert result.score == 0 and not result.passed


ITEMS = [
    SelfAssessmentItem(id="a", statement="I ask open questions."),
    SelfAssessmentItem(id="b", statement="I summarise what I heard."),
    SelfAssessmentItem(id="c", statement="I recall details later."),
    SelfAssessmentItem(id="d", statement="I follow up on what was said."),
    SelfAssessmentItem(id="e", statement="I interrupt to make my point.", reverse=True),
]


def test_self_assessment_reverses_the_reverse_item():
    """Reverse items are recoded as 6 - raw before the mean: all 5s with a reversed 1 is a perfect 100."""
    assert self_assessment_score(ITEMS, {"a": 5, "b": 5, "c": 5, "d": 5, "e": 1}) == 100.0
    assert self_assessment_score(ITEMS, {"a": 1, "b": 1, "c": 1, "d": 1, "e": 5}) == 0.0


def test_self_assessment_score_formula():
    """Score is 100 x (mean - 1) / 4."""
    assert self_assessment_score(ITEMS, {"a": 3, "b": 4, "c": 2, "d": 3, "e": 3}) == 50.0


def test_self_assessment_needs_eighty_percent_answered():
    """Four of five answered is enough; three of five is not."""
    assert self_assessment_score(ITEMS, {"a": 3, "b": 3, "c": 3, "d": 3}) == 50.0
    assert self_assessment_score(ITEMS, {"a": 3, "b": 3, "c": 3}) is None


def test_self_assessment_rejects_out_of_scale_values():
    """A rating outside 1-5 is an error, not silently clipped."""
    with pytest.raises(ValueError):
        self_assessment_score(ITEMS, {"a": 9, "b": 3, "c": 3, "d": 3, "e": 3})
