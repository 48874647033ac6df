"""Plotly figures for the progress page, built from course.dashboard data.

Only the progress page imports this module, so plotly stays off pages that draw nothing.
Colours come from the Okabe-Ito palette in course.dashboard, one meaning per colour on
every chart, and every trace also differs by shape or position, not colour alone. Figures
leave the background and fonts to Streamlit's theme, so they read in light and dark.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import tzinfo

import plotly.graph_objects as go

from course.dashboard import (
    PALETTE,
    CalendarCell,
    CalibrationPoint,
    ChangeRow,
    JudgementRow,
    ProfilePoint,
    QuizMastery,
    QuizPoint,
    radar_shapes,
)

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Legends sit below the plot area, clear of the axis labels, so nothing overlaps at any width.
_LAYOUT = {
    "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
    "legend": {"orientation": "h", "yanchor": "top", "y": -0.22, "x": 0},
}


def _short(title: str, limit: int = 30) -> str:
    return title if len(title) <= limit else title[: limit - 1].rstrip() + "…"


def _wrapped(title: str, width: int = 16) -> str:
    """A long axis label on up to two lines, so a radar's labels stay inside the chart."""
    lines: list[str] = []
    for word in title.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > 2:
        lines = [lines[0], _short(" ".join(lines[1:]), width + 2)]
    return "<br>".join(lines)


def radar(points: Sequence[ProfilePoint]) -> go.Figure:
    """Fixed axis order (course order), fixed 0-100 scale, at most two shapes: first and latest."""
    labels = [_wrapped(p.title) for p in points]
    colours = {"First rating": PALETTE["first"], "Latest rating": PALETTE["latest"]}
    dashes = {"First rating": "dash", "Latest rating": "solid"}
    figure = go.Figure()
    for name, values in radar_shapes(points).items():
        complete = all(v is not None for v in values)
        figure.add_trace(
            go.Scatterpolar(
                r=[*values, values[0]],
                theta=[*labels, labels[0]],
                name=f"{name} (self-perceived)",
                mode="lines+markers",
                line={"color": colours[name], "dash": dashes[name], "width": 2},
                marker={"symbol": "circle" if name == "Latest rating" else "diamond", "size": 7},
                fill="toself" if complete else "none",
                opacity=0.9,
                connectgaps=False,
            )
        )
    figure.update_layout(
        title={"text": "Self-perceived profile (0-100)"},
        polar={
            # Transparent, so the theme's background shows through in light and dark.
            "bgcolor": "rgba(0,0,0,0)",
            # The scale runs between the first two axes, clear of their labels.
            "radialaxis": {
                "range": [0, 100],
                "tickvals": [0, 25, 50, 75, 100],
                "angle": 90 - 180 / max(1, len(labels)),
            },
            "angularaxis": {
                "categoryorder": "array",
                "categoryarray": labels,
                "direction": "clockwise",
                "rotation": 90,
            },
        },
        height=480,
        margin={"l": 70, "r": 70, "t": 60, "b": 70},
        legend={"orientation": "h", "yanchor": "top", "y": -0.14, "x": 0},
    )
    return figure


def change_bars(rows: Sequence[ChangeRow]) -> go.Figure:
    """Change per strategy, sorted, largest gain at the top."""
    figure = go.Figure(
        go.Bar(
            x=[r.change for r in rows],
            y=[_short(r.title) for r in rows],
            orientation="h",
            marker={"color": [PALETTE["latest"] if r.change >= 0 else PALETTE["neutral"] for r in rows]},
            text=[f"{r.change:+.0f}" for r in rows],
            textposition="outside",
            name="Change (self-perceived)",
            hovertemplate="%{y}: %{x:+.0f}<extra></extra>",
        )
    )
    limit = max([25.0, *(abs(r.change) + 10 for r in rows)])
    figure.update_layout(
        title={"text": "Change, self-perceived (points)"},
        xaxis={"range": [-limit, limit], "zeroline": True},
        yaxis={"autorange": "reversed"},
        height=max(220, 60 + 36 * len(rows)),
        showlegend=False,
        **_LAYOUT,
    )
    return figure


def mastery_bars(rows: Sequence[QuizMastery]) -> go.Figure:
    """Best score per lesson against its pass line, in course order."""
    labels = [_short(r.title) for r in rows]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=[r.best or 0 for r in rows],
            y=labels,
            orientation="h",
            name="Best score",
            marker={
                "color": [
                    PALETTE["latest"] if r.best is not None and r.best >= r.pass_line else PALETTE["below"]
                    for r in rows
                ],
                "pattern": {"shape": ["" if r.best is not None and r.best >= r.pass_line else "/" for r in rows]},
            },
            text=["not tried" if r.best is None else f"{r.best:.0f}" for r in rows],
            textposition="outside",
            hovertemplate="%{y}: %{x:.0f}<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[r.pass_line for r in rows],
            y=labels,
            mode="markers",
            name="Pass line",
            marker={
                "symbol": "line-ns-open",
                "size": 22,
                "color": PALETTE["neutral"],
                "line": {"width": 3, "color": PALETTE["neutral"]},
            },
            hovertemplate="Pass line: %{x}<extra></extra>",
        )
    )
    figure.update_layout(
        title={"text": "Best knowledge-check score"},
        xaxis={"range": [0, 112], "title": {"text": "Score (0-100)"}},
        yaxis={"autorange": "reversed"},
        height=max(260, 70 + 34 * len(rows)),
        **_LAYOUT,
    )
    return figure


def score_history(points: Sequence[QuizPoint], pass_line: int, zone: tzinfo) -> go.Figure:
    """Every attempt over time; passes and the rest differ by colour and by marker shape."""
    figure = go.Figure()
    for passed, name, colour, symbol in (
        (True, "Passed", PALETTE["latest"], "circle"),
        (False, "Not yet", PALETTE["below"], "x"),
    ):
        mine = [p for p in points if p.passed == passed]
        if not mine:
            continue
        figure.add_trace(
            go.Scatter(
                x=[p.timestamp.astimezone(zone) for p in mine],
                y=[p.score for p in mine],
                mode="markers",
                name=name,
                marker={"color": colour, "symbol": symbol, "size": 10},
                customdata=[p.title for p in mine],
                hovertemplate="%{customdata}: %{y:.0f}<extra></extra>",
            )
        )
    figure.add_hline(y=pass_line, line_dash="dash", line_color=PALETTE["neutral"], annotation_text="Pass line")
    figure.update_layout(
        title={"text": "Knowledge-check scores over time"},
        yaxis={"range": [-5, 105], "title": {"text": "Score"}},
        height=320,
        **_LAYOUT,
    )
    return figure


def judgement_bars(rows: Sequence[JudgementRow]) -> go.Figure:
    """Scenario judgement beside the latest self-rating, per strategy in course order."""
    labels = [_short(r.title) for r in rows]
    figure = go.Figure()
    figure.add_trace(
        go.Bar(
            x=[r.self_rating for r in rows],
            y=labels,
            orientation="h",
            name="Self-rating (self-perceived)",
            marker={"color": PALETTE["latest"]},
            hovertemplate="%{y}: %{x:.0f}<extra>Self-rating</extra>",
        )
    )
    figure.add_trace(
        go.Bar(
            x=[r.judgement for r in rows],
            y=labels,
            orientation="h",
            name="Scenario judgement",
            marker={"color": PALETTE["judgement"], "pattern": {"shape": "."}},
            hovertemplate="%{y}: %{x:.0f}<extra>Scenario judgement</extra>",
        )
    )
    figure.update_layout(
        title={"text": "Scenario judgement and self-rating (0-100)"},
        barmode="group",
        xaxis={"range": [0, 100]},
        yaxis={"autorange": "reversed"},
        height=max(260, 80 + 48 * len(rows)),
        **_LAYOUT,
    )
    return figure


def activity_heatmap(cells: Sequence[CalendarCell]) -> go.Figure:
    """A calendar: one column per week, Monday at the top; practice days also carry a star."""
    weeks = sorted({c.week_start for c in cells})
    columns = [w.strftime("%d %b") for w in weeks]
    grid: list[list[float | None]] = [[None] * len(weeks) for _ in WEEKDAYS]
    hover: list[list[str]] = [[""] * len(weeks) for _ in WEEKDAYS]
    for cell in cells:
        column = weeks.index(cell.week_start)
        grid[cell.weekday][column] = None if cell.future else cell.total
        hover[cell.weekday][column] = (
            f"{cell.day:%a %d %b}: {cell.learning} learning, {cell.practice} practice" if not cell.future else ""
        )
    top = max([1, *(c.total for c in cells)])
    figure = go.Figure(
        go.Heatmap(
            z=grid,
            x=columns,
            y=list(WEEKDAYS),
            customdata=hover,
            hovertemplate="%{customdata}<extra></extra>",
            colorscale=[[0, "rgba(153,153,153,0.18)"], [0.0001, "#cfe3f2"], [1, PALETTE["latest"]]],
            zmin=0,
            zmax=top,
            xgap=3,
            ygap=3,
            showscale=False,
            name="Activities",
        )
    )
    practice = [c for c in cells if c.practice and not c.future]
    if practice:
        figure.add_trace(
            go.Scatter(
                x=[c.week_start.strftime("%d %b") for c in practice],
                y=[WEEKDAYS[c.weekday] for c in practice],
                mode="markers",
                name="Real-world practice",
                marker={"symbol": "star", "size": 11, "color": "#CC79A7", "line": {"width": 1, "color": "#ffffff"}},
                hoverinfo="skip",
            )
        )
    figure.update_layout(
        title={"text": "Days with learning or practice"},
        yaxis={"autorange": "reversed", "categoryorder": "array", "categoryarray": list(WEEKDAYS)},
        xaxis={"type": "category", "categoryorder": "array", "categoryarray": columns},
        height=300,
        **_LAYOUT,
    )
    return figure


def calibration_lines(points: Sequence[CalibrationPoint]) -> go.Figure:
    """Share correct per week at each confidence level; a calibrated learner's 'high' line sits on top."""
    figure = go.Figure()
    symbols = {"low": "triangle-down", "medium": "square", "high": "circle"}
    for level in ("low", "medium", "high"):
        mine = [p for p in points if p.level == level]
        if not mine:
            continue
        figure.add_trace(
            go.Scatter(
                x=[p.week_start.isoformat() for p in mine],
                y=[p.accuracy for p in mine],
                mode="lines+markers",
                name=f"{level.capitalize()} confidence",
                line={"color": PALETTE[level]},
                marker={"symbol": symbols[level], "size": 9},
                customdata=[p.answers for p in mine],
                hovertemplate="Week of %{x}: %{y:.0f}% right of %{customdata}<extra></extra>",
            )
        )
    figure.update_layout(
        title={"text": "How often you were right, by confidence"},
        yaxis={"range": [-5, 105], "title": {"text": "% correct"}},
        xaxis={"type": "category", "title": {"text": "Week of"}},
        height=320,
        **_LAYOUT,
    )
    return figure
