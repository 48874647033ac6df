"""Scenario graphs for authors: Mermaid flowchart text with edges coloured by effectiveness.

Works on raw YAML data as well as on validated models, so a broken scenario can still be drawn
with its unreachable steps and dead ends flagged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from course.models import Scenario
from course.scenario import reachable_from

# Okabe-Ito colours (colour-blind safe), from least to most effective; labels also carry the number.
EFFECTIVENESS_COLOURS = {1: "#D55E00", 2: "#E69F00", 3: "#999999", 4: "#56B4E9", 5: "#0072B2"}
PROBLEM_COLOUR = "#CC0000"


@dataclass(frozen=True)
class Edge:
    source: str
    target: str
    choice_id: str
    label: str
    effectiveness: int


@dataclass(frozen=True)
class ScenarioGraph:
    scenario_id: str
    start: str
    steps: dict[str, str]  # id -> situation
    endings: dict[str, str]  # id -> title
    edges: tuple[Edge, ...]

    @classmethod
    def from_model(cls, scenario: Scenario) -> ScenarioGraph:
        return cls(
            scenario_id=scenario.id,
            start=scenario.start,
            steps={s.id: s.situation for s in scenario.steps},
            endings={e.id: e.title for e in scenario.endings},
            edges=tuple(
                Edge(step.id, c.next, c.id, c.text, c.effectiveness) for step in scenario.steps for c in step.choices
            ),
        )

    @classmethod
    def from_raw(cls, data: Mapping[str, Any]) -> ScenarioGraph:
        """Tolerant: skips whatever is malformed, so an invalid file can still be drawn."""
        steps, edges = {}, []
        for step in _list(data.get("steps")):
            if not isinstance(step, Mapping) or not isinstance(step.get("id"), str):
                continue
            steps[step["id"]] = str(step.get("situation", ""))
            for choice in _list(step.get("choices")):
                if isinstance(choice, Mapping) and isinstance(choice.get("next"), str):
                    rating = choice.get("effectiveness")
                    edges.append(
                        Edge(
                            step["id"],
                            choice["next"],
                            str(choice.get("id", "?")),
                            str(choice.get("text", "")),
                            rating if isinstance(rating, int) and 1 <= rating <= 5 else 3,
                        )
                    )
        endings = {
            e["id"]: str(e.get("title", ""))
            for e in _list(data.get("endings"))
            if isinstance(e, Mapping) and isinstance(e.get("id"), str)
        }
        return cls(str(data.get("id", "?")), str(data.get("start", "")), steps, endings, tuple(edges))

    def _adjacency(self) -> dict[str, list[str]]:
        adjacency: dict[str, list[str]] = {}
        for edge in self.edges:
            adjacency.setdefault(edge.source, []).append(edge.target)
        return adjacency

    def unreachable_steps(self) -> list[str]:
        reachable = reachable_from(self.start, self._adjacency())
        return [s for s in self.steps if s not in reachable]

    def dead_ends(self) -> list[str]:
        """Steps from which no ending can be reached."""
        adjacency = self._adjacency()
        return [step for step in self.steps if not reachable_from(step, adjacency) & set(self.endings)]

    def dangling(self) -> list[Edge]:
        known = set(self.steps) | set(self.endings)
        return [e for e in self.edges if e.target not in known]

    def expert_edges(self) -> set[tuple[str, str]]:
        """(step, choice) pairs that are the best-rated choice at their step."""
        best: dict[str, int] = {}
        for edge in self.edges:
            best[edge.source] = max(best.get(edge.source, 0), edge.effectiveness)
        return {(e.source, e.choice_id) for e in self.edges if e.effectiveness == best[e.source]}


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _label(text: str, limit: int = 60) -> str:
    flat = " ".join(text.split())
    if len(flat) > limit:
        flat = flat[: limit - 1].rstrip() + "…"
    # Mermaid labels are quoted; entity codes keep quotes and brackets from breaking the syntax.
    for char, code in (('"', "#quot;"), ("<", "#lt;"), (">", "#gt;"), ("[", "#91;"), ("]", "#93;")):
        flat = flat.replace(char, code)
    return flat


def _node(kind: str, node_id: str) -> str:
    return f"{kind}_{node_id.replace('-', '_')}"


def to_mermaid(graph: ScenarioGraph) -> str:
    """A left-to-right flowchart: steps are boxes, endings are rounded, choices are labelled, coloured edges."""
    unreachable = set(graph.unreachable_steps())
    dead = set(graph.dead_ends())
    expert = graph.expert_edges()
    lines = ["flowchart LR"]
    for step_id, situation in graph.steps.items():
        flags = []
        if step_id in unreachable:
            flags.append("UNREACHABLE")
        if step_id in dead:
            flags.append("DEAD END")
        prefix = f"⚠ {' + '.join(flags)}: " if flags else ""
        start = "▶ " if step_id == graph.start else ""
        lines.append(f'    {_node("s", step_id)}["{start}{prefix}{_label(step_id, 40)}: {_label(situation)}"]')
    for ending_id, title in graph.endings.items():
        lines.append(f'    {_node("e", ending_id)}(["END {_label(ending_id, 40)}: {_label(title)}"])')
    styles = []
    known = set(graph.steps) | set(graph.endings)
    for index, edge in enumerate(graph.edges):
        target = _node("s" if edge.target in graph.steps else "e", edge.target)
        if edge.target not in known:
            target = _node("missing", edge.target)
            lines.append(f'    {target}{{{{"⚠ MISSING {_label(edge.target, 40)}"}}}}')
        label = f"{edge.effectiveness}★ {_label(edge.label, 40)}"
        lines.append(f'    {_node("s", edge.source)} -->|"{label}"| {target}')
        width = "4px" if (edge.source, edge.choice_id) in expert else "2px"
        colour = EFFECTIVENESS_COLOURS[edge.effectiveness]
        styles.append(f"    linkStyle {index} stroke:{colour},stroke-width:{width}")
    lines.extend(styles)
    flagged = sorted(unreachable | dead)
    if flagged:
        lines.append("    classDef problem stroke:" + PROBLEM_COLOUR + ",stroke-width:3px,stroke-dasharray:5 3")
        lines.append("    class " + ",".join(_node("s", s) for s in flagged) + " problem")
    return "\n".join(lines)
