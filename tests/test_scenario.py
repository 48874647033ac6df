"""Branching: following choices, scoring paths, the expert path and graph checks."""

from __future__ import annotations

import pytest

from course.loader import load_course
from course.scenario import effectiveness_to_score, expert_path, graph_problems, next_step, path_score, replay_path
from tests.conftest import VALID_CONTENT


@pytest.fixture
def scenario():
    return load_course(VALID_CONTENT).lesson("small-talk").scenarios[0]


def test_choice_leads_to_its_next_step_with_feedback(scenario):
    """A choice returns its consequence and the next step it names."""
    outcome = next_step(scenario, "open", "pitch")
    assert outcome.next_step is not None and outcome.next_step.id == "follow"
    assert outcome.ending is None
    assert outcome.is_best is False
    assert "evaluate you" in outcome.choice.feedback


def test_choice_can_reach_an_ending(scenario):
    """The last decision ends the scenario at the ending it names."""
    outcome = next_step(scenario, "follow", "ask")
    assert outcome.ending is not None and outcome.ending.id == "warm"
    assert outcome.next_step is None
    assert outcome.is_best is True


def test_unknown_choice_is_a_key_error(scenario):
    """A choice id the step does not have is refused, not guessed."""
    with pytest.raises(KeyError):
        next_step(scenario, "open", "nope")


@pytest.mark.parametrize(("mean", "score"), [(1, 0.0), (5, 100.0), (3, 50.0), (3.5, 62.5)])
def test_effectiveness_maps_to_zero_hundred(mean, score):
    """Mean effectiveness 1-5 maps linearly to 0-100."""
    assert effectiveness_to_score(mean) == score


def test_path_score_is_mean_effectiveness(scenario):
    """A 2 then a 5 scores (3.5 - 1) / 4 = 62.5."""
    assert path_score(scenario, [("open", "pitch"), ("follow", "ask")]) == 62.5
    assert path_score(scenario, []) is None


def test_expert_path_takes_the_best_choice_each_step(scenario):
    """The expert path follows the highest-rated choices to an ending."""
    assert [(step.id, choice.id) for step, choice in expert_path(scenario)] == [("open", "setting"), ("follow", "ask")]


def test_replay_path_resumes_mid_scenario(scenario):
    """A stored partial path puts the learner back on the step after it."""
    step, ending = replay_path(scenario, [("open", "pitch")])
    assert step is not None and step.id == "follow" and ending is None


def test_replay_path_restarts_when_the_stored_path_no_longer_fits(scenario):
    """A path that the edited lesson no longer has restarts the scenario instead of crashing."""
    step, ending = replay_path(scenario, [("gone", "x")])
    assert step is not None and step.id == scenario.start and ending is None


def test_sound_graph_has_no_problems(scenario):
    """The valid fixture's graph passes every structural check."""
    assert graph_problems(scenario) == []
