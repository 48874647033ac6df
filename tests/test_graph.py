"""Scenario graphs for authors, as Mermaid text."""

from __future__ import annotations

from course.graph import EFFECTIVENESS_COLOURS, ScenarioGraph, to_mermaid
from course.loader import load_course
from course.yaml_source import read_yaml
from tests.conftest import FIXTURES, VALID_CONTENT


def fixture_graph() -> ScenarioGraph:
    return ScenarioGraph.from_model(load_course(VALID_CONTENT).lesson("small-talk").scenarios[0])


def test_steps_are_nodes_and_choices_are_labelled_edges():
    """Each step and ending becomes a node, each choice an edge labelled with its rating and text."""
    text = to_mermaid(fixture_graph())
    assert text.startswith("flowchart LR")
    assert 's_open["▶ open: She is pouring a coffee and glances at you."]' in text
    assert 'e_warm(["END warm: A real conversation"])' in text
    assert 's_open -->|"5★ Mention the talk you both just heard an…"| s_follow' in text
    assert text.count("-->") == 4


def test_edges_are_coloured_by_effectiveness_and_expert_path_is_thicker():
    """A 5-rated best choice is dark blue and thick; a 2-rated choice is orange and thin."""
    text = to_mermaid(fixture_graph())
    assert f"linkStyle 0 stroke:{EFFECTIVENESS_COLOURS[5]},stroke-width:4px" in text
    assert f"linkStyle 1 stroke:{EFFECTIVENESS_COLOURS[2]},stroke-width:2px" in text


def test_unreachable_step_is_flagged():
    """A step nothing leads to is marked UNREACHABLE with the problem class."""
    data = read_yaml(FIXTURES / "broken/lessons/unreachable-step.yaml").data
    graph = ScenarioGraph.from_raw(data["scenarios"][0])
    assert graph.unreachable_steps() == ["orphan"]
    text = to_mermaid(graph)
    assert "⚠ UNREACHABLE: orphan" in text
    assert "class s_orphan problem" in text


def test_cycle_without_exit_is_flagged_as_dead_end():
    """Steps that can never reach an ending are marked DEAD END."""
    data = read_yaml(FIXTURES / "broken/lessons/cycle-without-ending.yaml").data
    graph = ScenarioGraph.from_raw(data["scenarios"][0])
    assert sorted(graph.dead_ends()) == ["follow", "open"]
    assert "⚠ DEAD END: open" in to_mermaid(graph)


def test_dangling_next_is_drawn_as_missing_node():
    """A choice pointing nowhere is drawn to a MISSING node and listed."""
    data = read_yaml(FIXTURES / "broken/lessons/dangling-next.yaml").data
    graph = ScenarioGraph.from_raw(data["scenarios"][0])
    assert [e.target for e in graph.dangling()] == ["nowhere"]
    assert "⚠ MISSING nowhere" in to_mermaid(graph)


def test_quotes_and_brackets_in_text_cannot_break_the_diagram():
    """Quotes and brackets in content become entity codes inside labels."""
    graph = ScenarioGraph("q", "a", {"a": 'She says "hi" [loudly] <b>'}, {"end": "Fin"}, ())
    text = to_mermaid(graph)
    assert "#quot;hi#quot; #91;loudly#93; #lt;b#gt;" in text
    assert '"hi"' not in text


def test_malformed_raw_data_is_tolerated():
    """Junk in a broken file's scenario still yields a graph instead of an exception."""
    graph = ScenarioGraph.from_raw(
        {"id": "x", "start": "a", "steps": ["junk", {"id": "a", "choices": "nope"}], "endings": None}
    )
    assert graph.steps == {"a": ""}
    assert graph.dead_ends() == ["a"]
