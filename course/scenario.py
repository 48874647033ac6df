"""Branching scenarios: walking the graph, checking it, and scoring a path."""

from __future__ import annotations

from dataclasses import dataclass

from course.models import Choice, Ending, Scenario, Step

Loc = tuple[str | int, ...]


@dataclass(frozen=True)
class Outcome:
    """What happens after a choice: its feedback, and where the scenario goes next."""

    choice: Choice
    is_best: bool
    next_step: Step | None
    ending: Ending | None


def step_by_id(scenario: Scenario, step_id: str) -> Step | None:
    return next((s for s in scenario.steps if s.id == step_id), None)


def ending_by_id(scenario: Scenario, ending_id: str) -> Ending | None:
    return next((e for e in scenario.endings if e.id == ending_id), None)


def best_effectiveness(step: Step) -> int:
    return max(c.effectiveness for c in step.choices)


def next_step(scenario: Scenario, step_id: str, choice_id: str) -> Outcome:
    """Follow one choice. Raises KeyError for an id the scenario does not have."""
    step = step_by_id(scenario, step_id)
    if step is None:
        raise KeyError(f"no step {step_id!r} in scenario {scenario.id!r}")
    choice = next((c for c in step.choices if c.id == choice_id), None)
    if choice is None:
        raise KeyError(f"no choice {choice_id!r} in step {step_id!r}")
    return Outcome(
        choice=choice,
        is_best=choice.effectiveness == best_effectiveness(step),
        next_step=step_by_id(scenario, choice.next),
        ending=ending_by_id(scenario, choice.next),
    )


def effectiveness_to_score(mean_effectiveness: float) -> float:
    """Map a mean rating on the 1-5 key to 0-100."""
    return round(100 * (mean_effectiveness - 1) / 4, 1)


def path_score(scenario: Scenario, path: list[tuple[str, str]]) -> float | None:
    """Score a path of (step_id, choice_id) pairs: mean effectiveness mapped to 0-100."""
    ratings = [next_step(scenario, step_id, choice_id).choice.effectiveness for step_id, choice_id in path]
    if not ratings:
        return None
    return effectiveness_to_score(sum(ratings) / len(ratings))


def replay_path(scenario: Scenario, path: list[tuple[str, str]]) -> tuple[Step | None, Ending | None]:
    """Where a stored path leaves the learner: the current step, or the ending reached.

    A path that no longer fits the scenario (the lesson was edited) restarts it.
    """
    current = step_by_id(scenario, scenario.start)
    for step_id, choice_id in path:
        if current is None or current.id != step_id:
            return step_by_id(scenario, scenario.start), None
        try:
            outcome = next_step(scenario, step_id, choice_id)
        except KeyError:
            return step_by_id(scenario, scenario.start), None
        if outcome.ending is not None:
            return None, outcome.ending
        current = outcome.next_step
    return current, None


def expert_path(scenario: Scenario, *, limit: int = 50) -> list[tuple[Step, Choice]]:
    """The path taken by always picking the highest-rated choice (first one on ties)."""
    path: list[tuple[Step, Choice]] = []
    current = step_by_id(scenario, scenario.start)
    seen: set[str] = set()
    while current is not None and current.id not in seen and len(path) < limit:
        seen.add(current.id)
        best = max(current.choices, key=lambda c: c.effectiveness)
        path.append((current, best))
        current = step_by_id(scenario, best.next)
    return path


def graph_problems(scenario: Scenario) -> list[tuple[Loc, str]]:
    """Every structural problem, each with the key path (relative to the scenario) it belongs to."""
    problems: list[tuple[Loc, str]] = []
    step_ids = [s.id for s in scenario.steps]
    ending_ids = [e.id for e in scenario.endings]
    for index, step_id in enumerate(step_ids):
        if step_ids.index(step_id) != index:
            problems.append((("steps", index, "id"), f"duplicate step id {step_id!r}"))
    for index, ending_id in enumerate(ending_ids):
        if ending_ids.index(ending_id) != index or ending_id in step_ids:
            problems.append((("endings", index, "id"), f"id {ending_id!r} is already used in this scenario"))
    targets = set(step_ids) | set(ending_ids)
    if scenario.start not in step_ids:
        problems.append((("start",), f"start {scenario.start!r} is not a step id (steps: {', '.join(step_ids)})"))
    for s_index, step in enumerate(scenario.steps):
        for c_index, choice in enumerate(step.choices):
            if choice.next not in targets:
                problems.append(
                    (
                        ("steps", s_index, "choices", c_index, "next"),
                        f"next {choice.next!r} is neither a step nor an ending in this scenario",
                    )
                )
    if problems:
        return problems

    edges = {step.id: [c.next for c in step.choices] for step in scenario.steps}
    reachable = reachable_from(scenario.start, edges)
    for s_index, step in enumerate(scenario.steps):
        if step.id not in reachable:
            problems.append((("steps", s_index, "id"), f"step {step.id!r} cannot be reached from start"))
    for e_index, ending in enumerate(scenario.endings):
        if ending.id not in reachable:
            problems.append((("endings", e_index, "id"), f"ending {ending.id!r} cannot be reached from start"))
    # A dead end is a step from which no ending can be reached (for example a cycle with no exit).
    for s_index, step in enumerate(scenario.steps):
        if step.id in reachable and not (reachable_from(step.id, edges) & set(ending_ids)):
            problems.append((("steps", s_index, "id"), f"dead end: no ending can be reached from step {step.id!r}"))
    return problems


def reachable_from(start: str, edges: dict[str, list[str]]) -> set[str]:
    seen = {start}
    frontier = [start]
    while frontier:
        node = frontier.pop()
        for target in edges.get(node, []):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


def decision_depth(scenario: Scenario) -> int:
    """Number of decision steps on the expert path."""
    return len(expert_path(scenario))


def ending_count(scenario: Scenario) -> int:
    return len(scenario.endings)
