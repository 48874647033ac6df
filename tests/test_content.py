"""The shipped course meets the teaching minimums, read from the content itself."""

from __future__ import annotations

import pytest

from course.loader import load_course
from course.models import TrueFalseItem
from course.scenario import decision_depth, step_by_id
from course.stats import course_stats
from tests.conftest import ROOT

COURSE = load_course(ROOT)
STATS = course_stats(COURSE)
STRATEGIES = [lesson for lesson in COURSE.lessons if lesson.kind == "strategy"]
EXPECTED_ORDER = [
    "introduction",
    "authentic-approachable",
    "active-listening",
    "strategic-networking",
    "offer-help",
    "follow-up",
    "boundaries",
    "feedback-growth",
    "share-successes",
    "professional-groups",
    "patience-persistence",
    "conclusion",
]


def test_course_has_twelve_valid_modules_in_source_order():
    """Introduction, the ten strategies in the source text's order, and the conclusion, with no errors."""
    assert [str(e) for e in COURSE.errors] == []
    assert [lesson.id for lesson in COURSE.lessons] == EXPECTED_ORDER
    assert set(COURSE.quizzes) == set(EXPECTED_ORDER)


@pytest.mark.parametrize("lesson", STRATEGIES, ids=lambda lesson: lesson.id)
def test_strategy_lesson_meets_minimums(lesson):
    """3-5 learning points, good and poor examples, 2+ scenarios of 3+ best-path steps with 3-4 choices and 2+ endings."""
    stats = STATS[lesson.id]
    assert 3 <= stats["learning_points"] <= 5
    assert sorted(e.kind for e in lesson.worked_examples) == ["good", "poor"]
    assert stats["scenarios"] >= 2
    assert min(stats["best_path_steps"]) >= 3
    assert min(stats["endings"]) >= 2
    for scenario in lesson.scenarios:
        for step in scenario.steps:
            assert 3 <= len(step.choices) <= 4, (scenario.id, step.id)
            assert step.discussion_prompt, (scenario.id, step.id)
    assert stats["reflection_prompts"] == 3
    assert 2 <= stats["practice_actions"] <= 3
    assert 10 <= lesson.minutes <= 15
    assert lesson.opening is not None and lesson.body
    assert lesson.related, "connected strategies reference each other"
    assert lesson.open_questions


@pytest.mark.parametrize("lesson", STRATEGIES, ids=lambda lesson: lesson.id)
def test_strategy_quiz_meets_minimums(lesson):
    """8+ items of all three types, 3-4 options with feedback each, 5 self-assessment items, at most one reversed."""
    quiz = COURSE.quiz_for(lesson.id)
    assert len(quiz.items) >= 8
    assert {item.type for item in quiz.items} == {"single_choice", "multiple_select", "true_false"}
    for item in quiz.items:
        if isinstance(item, TrueFalseItem):
            assert item.feedback_true and item.feedback_false
        else:
            assert 3 <= len(item.options) <= 4, item.id
            assert all(option.feedback for option in item.options), item.id
    assert quiz.pass_percentage == 80
    assert len(quiz.self_assessment) == 5
    assert sum(item.reverse for item in quiz.self_assessment) <= 1


def test_single_choice_keys_vary_in_position():
    """The correct option is not always in the same position in the files."""
    positions = [
        next(i for i, o in enumerate(item.options) if o.correct)
        for quiz in COURSE.quizzes.values()
        for item in quiz.items
        if item.type == "single_choice"
    ]
    assert len(set(positions)) >= 3


def test_conclusion_has_a_mixed_review_across_all_ten_strategies():
    """The conclusion's quiz draws on every strategy, and asks for no self-assessment of its own."""
    quiz = COURSE.quiz_for("conclusion")
    covered = {item.strategy for item in quiz.items}
    assert covered == {lesson.id for lesson in STRATEGIES}
    assert quiz.self_assessment == []
    assert set(COURSE.lesson("conclusion").related) == {lesson.id for lesson in STRATEGIES}


@pytest.mark.parametrize("lesson", COURSE.lessons, ids=lambda lesson: lesson.id)
def test_every_scenario_has_different_endings_and_a_recoverable_mistake(lesson):
    """Endings carry 2+ different outcomes, and some path with a poor choice (rating <= 2) still ends well or mixed."""
    for scenario in lesson.scenarios:
        outcomes = {ending.outcome for ending in scenario.endings}
        assert None not in outcomes, f"{scenario.id}: every ending needs an outcome"
        assert len(outcomes) >= 2, scenario.id
        assert _recoverable(scenario), f"{scenario.id}: no poor choice can be repaired"


def _recoverable(scenario) -> bool:
    good_endings = {e.id for e in scenario.endings if e.outcome in ("good", "mixed")}
    frontier = [(scenario.start, False)]
    seen = set()
    while frontier:
        node, slipped = frontier.pop()
        if (node, slipped) in seen:
            continue
        seen.add((node, slipped))
        if node in good_endings and slipped:
            return True
        step = step_by_id(scenario, node)
        if step is None:
            continue
        for choice in step.choices:
            frontier.append((choice.next, slipped or choice.effectiveness <= 2))
    return False


def test_introduction_and_conclusion_have_scenarios():
    """Even the framing modules practise judgement with at least one 3-step scenario."""
    for lesson_id in ("introduction", "conclusion"):
        lesson = COURSE.lesson(lesson_id)
        assert lesson.scenarios
        assert all(decision_depth(s) >= 3 for s in lesson.scenarios)
