"""Shared UI for the workshop pages (presenter view and the participant's room page).

Not a page (the leading underscore keeps it out of navigation and the smoke test).
"""

from __future__ import annotations

import os
from typing import Any

import streamlit as st

from course.models import Lesson, Step
from course.rooms import Distribution, RoomState

LETTERS = "ABCDEFGH"


def letter(step: Step, choice_id: str) -> str:
    ids = [choice.id for choice in step.choices]
    return LETTERS[ids.index(choice_id)] if choice_id in ids else "?"


def workshop_settings() -> dict[str, Any]:
    """The [workshop] table of secrets.toml (passcode, public_url), or {}."""
    try:
        return dict(st.secrets.get("workshop", {}))
    except Exception:  # no secrets.toml at all is the normal first run
        return {}


def app_base_url() -> str | None:
    """The app's public root URL, for join links and QR codes; None when it cannot be known (tests)."""
    configured = workshop_settings().get("public_url") or os.environ.get("COURSE_PUBLIC_URL")
    if configured:
        return str(configured).rstrip("/")
    url = (st.context.url or "").rstrip("/")
    if not url:
        return None
    # st.context.url carries the current page's path; the app root is what comes before it.
    for page in ("/presenter", "/room"):
        if url.endswith(page):
            return url[: -len(page)]
    return url


def join_link(code: str) -> str:
    base = app_base_url()
    return f"{base}/?room={code}" if base else f"?room={code}"


def spaced_code(code: str) -> str:
    """ABC DEF: easier to read off a screen and type on a phone."""
    return f"{code[:3]} {code[3:]}"


def summary_sentence(step: Step, distribution: Distribution) -> str:
    """The chart's text alternative: every count, then the expert's choice."""
    parts = [
        f"{letter(step, choice_id)} {count} ({distribution.share(choice_id):.0%})"
        for choice_id, count in distribution.counts
    ]
    best = ", ".join(letter(step, choice_id) for choice_id in distribution.best)
    noun = "vote" if distribution.total == 1 else "votes"
    return f"{distribution.total} {noun}: {', '.join(parts)}. Expert's choice (★): {best}."


def distribution_chart(step: Step, distribution: Distribution, *, key: str, large: bool = False) -> None:
    """The room's votes as a bar chart with the expert's best choice marked, plus a text alternative."""
    import plotly.graph_objects as go  # plotly is heavy: only pages that reveal results import it

    # The y axis carries only the letter (the choices are spelled out beside the chart), so the chart
    # stays readable at 375 px; the star and the outlined green bar mark the expert's choice.
    labels = [
        f"{letter(step, choice.id)} ★" if choice.id in distribution.best else letter(step, choice.id)
        for choice in step.choices
    ]
    counts = [distribution.count(choice.id) for choice in step.choices]
    best = [choice.id in distribution.best for choice in step.choices]
    bar_text = [
        f"{count} ({distribution.share(choice.id):.0%})" for choice, count in zip(step.choices, counts, strict=True)
    ]
    font_size = 24 if large else 16
    top = max(counts, default=0)
    figure = go.Figure(
        go.Bar(
            x=counts,
            y=labels,
            orientation="h",
            text=bar_text,
            textposition="outside",
            cliponaxis=False,
            textfont={"size": font_size},
            marker={
                "color": ["#1a7f4b" if is_best else "#6b7785" for is_best in best],
                "line": {"color": "#111111", "width": [3 if is_best else 0 for is_best in best]},
            },
            hoverinfo="skip",
        )
    )
    figure.update_layout(
        height=(80 if large else 56) * len(step.choices) + 50,
        margin={"l": 10, "r": 10, "t": 10, "b": 40},
        font={"size": font_size},
        xaxis={
            "title": {"text": "Votes"},
            "range": [0, top * 1.35 + 1],
            "dtick": 1 if top <= 10 else None,
            "tickfont": {"size": font_size - 4},
        },
        yaxis={"autorange": "reversed", "tickfont": {"size": font_size}},
        showlegend=False,
    )
    with st.container(key=f"{key}_box"):
        st.plotly_chart(figure, key=key, config={"displayModeBar": False, "staticPlot": True})
        st.caption(summary_sentence(step, distribution))


def choice_reveal(
    step: Step, state: RoomState, distribution: Distribution, *, prefix: str, mine: str | None = None
) -> None:
    """Each choice with its vote count, the expert's mark, and (once revealed) its consequence and feedback."""
    for choice in step.choices:
        with st.container(border=True, key=f"{prefix}_reveal_{choice.id}"):
            st.markdown(f"**{letter(step, choice.id)}. {choice.text}**")
            with st.container(horizontal=True):
                if choice.id in distribution.best:
                    st.badge("Expert's choice", icon=":material/star:", color="green")
                if mine == choice.id:
                    st.badge("Your vote", icon=":material/how_to_vote:", color="blue")
                votes = distribution.count(choice.id)
                st.badge(f"{votes} vote{'' if votes == 1 else 's'}", color="gray")
            if choice.id in state.revealed:
                st.markdown(f"**What happens:** {choice.consequence}")
                st.markdown(f"**Why:** {choice.feedback}")


def lesson_opening(lesson: Lesson) -> None:
    """The lesson's real problem first, with its think-first question (Merrill's activation)."""
    st.caption("The situation")
    if lesson.opening is None:
        return
    st.markdown(lesson.opening.situation)
    st.subheader(f"Think first: {lesson.opening.question}")


def key_points(lesson: Lesson, *, side_by_side: bool) -> None:
    """The learning points as rules, then the good and the poor worked example (mixed models transfer best)."""
    st.caption("Key points")
    st.header(lesson.title)
    learning_points(lesson)
    worked_examples(lesson, side_by_side=side_by_side)


def learning_points(lesson: Lesson) -> None:
    for point in lesson.learning_points:
        st.markdown(f"- **{point.text}**" + (f" {point.detail}" if point.detail else ""))


def worked_examples(lesson: Lesson, *, side_by_side: bool) -> None:
    """The good and the poor example, beside each other on wide screens or stacked on phones."""
    if not lesson.worked_examples:
        return
    columns = (
        st.columns(len(lesson.worked_examples)) if side_by_side else [st.container() for _ in lesson.worked_examples]
    )
    for column, example in zip(columns, lesson.worked_examples, strict=True):
        with column, st.container(border=True):
            icon = ":material/thumb_up:" if example.kind == "good" else ":material/thumb_down:"
            st.markdown(f"{icon} **{'Works' if example.kind == 'good' else 'Falls flat'}: {example.title}**")
            st.markdown(example.exchange.strip())
            st.caption(example.commentary)
