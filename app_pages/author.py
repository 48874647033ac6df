"""Author view: every content file with its validation status, and each scenario drawn as a graph."""

from __future__ import annotations

import streamlit as st

from app_pages._ui import author_mode, content_root, course
from course.graph import ScenarioGraph, to_mermaid
from course.stats import course_stats
from course.yaml_source import YamlSourceError, read_yaml


def main() -> None:
    st.title("Content check")
    if not author_mode():
        st.info("The content check is for course authors. Set COURSE_AUTHOR_MODE=1 to open it.", icon=":material/lock:")
        return
    content = course()
    problems = sum(not report.ok for report in content.reports)
    st.write(
        f"{len(content.reports)} content files, {len(content.lessons)} lessons playable, "
        f"{problems} file(s) with problems. Edits show here on the next rerun; no restart needed."
    )
    _file_table(content)
    st.header("Scenario graphs")
    st.caption(
        "Steps are boxes, endings are rounded, each choice is an arrow labelled with its rating (1★-5★). "
        "Colours run from vermillion (1) through grey (3) to dark blue (5); the expert's best choices are thicker. "
        "Unreachable steps and dead ends are marked with a dashed red border and a warning."
    )
    root = content_root()
    for report in (r for r in content.reports if r.kind == "lesson"):
        try:
            data = read_yaml(root / report.path).data
        except YamlSourceError:
            continue
        scenarios = data.get("scenarios") if isinstance(data.get("scenarios"), list) else []
        if not scenarios:
            continue
        with st.expander(f"{report.path} · {len(scenarios)} scenario(s)", expanded=not report.ok):
            for raw in scenarios:
                if not isinstance(raw, dict):
                    continue
                graph = ScenarioGraph.from_raw(raw)
                st.subheader(f"{graph.scenario_id}")
                issues = _graph_issues(graph)
                if issues:
                    st.error("\n".join(f"- {issue}" for issue in issues), icon=":material/warning:")
                st.mermaid_chart(to_mermaid(graph), alt=_graph_alt(graph, issues))


def _file_table(content) -> None:
    rows = []
    for report in content.reports:
        rows.append(
            {
                "file": report.path,
                "kind": report.kind,
                "status": "ok" if report.ok else f"{len(report.errors)} problem(s)",
            }
        )
    st.dataframe(rows, hide_index=True, key="author_files")
    for report in content.reports:
        if not report.ok:
            st.markdown(f"**{report.path}**")
            st.code("\n".join(str(error) for error in report.errors), language=None, wrap_lines=True)
    with st.expander("Course at a glance (python -m course stats)"):
        st.json(course_stats(content), expanded=False)


def _graph_issues(graph: ScenarioGraph) -> list[str]:
    issues = [f"step '{step}' cannot be reached from the start" for step in graph.unreachable_steps()]
    issues += [f"dead end: no ending can be reached from step '{step}'" for step in graph.dead_ends()]
    issues += [f"choice '{e.choice_id}' in step '{e.source}' leads to missing '{e.target}'" for e in graph.dangling()]
    return issues


def _graph_alt(graph: ScenarioGraph, issues: list[str]) -> str:
    summary = (
        f"Scenario {graph.scenario_id}: {len(graph.steps)} steps, {len(graph.endings)} endings, "
        f"{len(graph.edges)} choices, starting at {graph.start}."
    )
    return summary + (" Problems: " + "; ".join(issues) if issues else " No structural problems.")


main()
