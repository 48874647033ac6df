"""My progress: where the learner started, where they are, what to review today and what to practise next.

Every number comes from course.dashboard; every chart is followed by a one-sentence
summary and its data as a table (the text alternative).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages._ui import course, link_params, my_statements
from course import dashboard as dash
from course.events import utcnow
from course.progress import suggested_next
from course.review import cards_for, due_today, schedule

st.set_page_config(layout="wide")


def main() -> None:
    content = course()
    statements = my_statements()
    zone = dash.resolve_zone(st.context.timezone)
    now = utcnow()
    today = dash.local_today(now, zone)

    st.title("My progress")
    if not statements:
        with st.container(border=True, key="progress_empty"):
            st.markdown("**Welcome. Your progress will grow here as you learn.**")
            st.write(
                "Each lesson adds to this page: how you rate yourself, how your scenario choices compare with the "
                "expert key, your knowledge checks, and the days you learn or practise. Nothing here is a grade."
            )
            first = suggested_next(content, statements)
            if first is not None:
                st.page_link(
                    "app_pages/lesson.py",
                    label=f"Start with: {first.title}",
                    icon=":material/arrow_forward:",
                    query_params=link_params(lesson=first.id),
                )

    days = dash.activity_days(statements, zone)
    points = dash.self_assessment_profile(content, statements)
    rows = dash.lesson_progress(content, statements)
    if statements:
        _overview(content, statements, points, days, rows, now, zone)
    _profile(points)
    _knowledge(content, statements, zone)
    _judgement(content, statements)
    _completion(rows)
    _activity(days, today)
    _calibration(statements, zone)


def _chart(figure: Any, summary: str, table: list[dict[str, Any]], name: str) -> None:
    """A chart followed by its text alternative: one sentence, then the numbers as a table."""
    st.plotly_chart(
        figure,
        theme="streamlit",
        key=f"progress_chart_{name}",
        config={"displayModeBar": False, "responsive": True},
        alt=summary,
    )
    with st.container(key=f"progress_summary_{name}"):
        st.write(summary)
    with st.expander("Show the data as a table", icon=":material/table:", key=f"progress_table_{name}"):
        st.dataframe(table, hide_index=True, key=f"progress_data_{name}")


def _overview(content, statements, points, days, rows, now, zone) -> None:
    summary = dash.overview(points, days)
    done = dash.completion(rows)
    current = dash.streak(days, dash.local_today(now, zone))
    due = due_today(schedule(cards_for(content, statements), statements), now, zone)
    started, now_col, review_col, practise_col = st.columns(4)
    with started, st.container(border=True, key="progress_started"):
        st.caption("Where you started")
        if summary.first_activity:
            st.markdown(f"**First active {summary.first_activity:%d %b %Y}**")
        if summary.first_self_mean is not None:
            st.write(f"First self-ratings averaged {summary.first_self_mean:.0f}/100 (self-perceived).")
        else:
            st.write("Rate yourself at the start of a strategy lesson to see where you began.")
    with now_col, st.container(border=True, key="progress_now"):
        st.caption("Where you are")
        st.metric("Lessons mastered", f"{done.mastered} of {done.total}")
        st.write(f"{done.durable} durably mastered. {current.days}-day streak.")
    with review_col, st.container(border=True, key="progress_review"):
        st.caption("Review today")
        st.metric("Cards due", len(due))
        if due:
            st.page_link(
                "app_pages/review.py",
                label="Start a short review",
                icon=":material/replay:",
                query_params=link_params(),
            )
        else:
            st.write("Nothing due today.")
    with practise_col, st.container(border=True, key="progress_next"):
        st.caption("Practise next")
        ideas = dash.practice_next(content, statements, limit=1)
        if ideas:
            lesson, _action_id, text = ideas[0]
            st.write(text)
            st.page_link(
                "app_pages/lesson.py",
                label="Log it when done",
                help=f"Opens {lesson.title}, where you tick off practice",
                icon=":material/task_alt:",
                query_params=link_params(lesson=lesson.id, part="reflect"),
            )
        else:
            following = suggested_next(content, statements)
            st.write(f"Next lesson: {following.title}" if following else "Every practice action is logged. Well done.")


def _profile(points) -> None:
    from course import charts

    st.header("Self-assessment profile")
    st.caption(
        "Self-perceived: how you rate your own habits, 0-100. It shows how your view changes, not measured skill."
    )
    shapes = dash.radar_shapes(points)
    if not shapes:
        st.info(
            "No self-ratings yet. Each strategy lesson opens with five quick statements; your answers start this "
            "profile, and rating again at the end shows the change.",
            icon=":material/self_improvement:",
        )
        return
    changes = dash.change_rows(points)
    left, right = st.columns([3, 2])
    with left:
        _chart(charts.radar(points), dash.profile_summary(points), dash.profile_table(points), "radar")
    with right:
        if changes:
            _chart(charts.change_bars(changes), dash.change_summary(changes), dash.change_table(changes), "change")
        else:
            st.info(dash.change_summary(changes), icon=":material/compare_arrows:")


def _knowledge(content, statements, zone) -> None:
    from course import charts

    st.header("Knowledge checks")
    mastery = dash.quiz_mastery(content, statements)
    history = dash.quiz_history(content, statements)
    if not history:
        st.info(
            "No knowledge checks yet. Each lesson ends with a short check; 80% masters it, and every answer explains "
            "itself, so a retry is a chance to learn.",
            icon=":material/quiz:",
        )
        return
    left, right = st.columns(2)
    with left:
        _chart(charts.mastery_bars(mastery), dash.mastery_summary(mastery), dash.mastery_table(mastery), "mastery")
    with right:
        pass_line = mastery[0].pass_line if mastery else 80
        _chart(
            charts.score_history(history, pass_line, zone),
            dash.history_summary(history, zone),
            dash.history_table(history, zone),
            "history",
        )


def _judgement(content, statements) -> None:
    from course import charts

    st.header("Scenario judgement")
    st.caption(
        "The mean expert rating of the choices you took in scenarios (0-100), beside your latest self-perceived rating."
    )
    rows = dash.scenario_judgement(content, statements)
    if not any(r.judgement is not None for r in rows):
        st.info(
            "No scenario choices yet. In each lesson's practice part you choose the most effective move and see "
            "what happens; your choices are compared with an expert key here.",
            icon=":material/alt_route:",
        )
        return
    _chart(charts.judgement_bars(rows), dash.judgement_summary(rows), dash.judgement_table(rows), "judgement")
    for note in dash.gap_notes(rows):
        st.info(note, icon=":material/lightbulb:")


def _completion(rows) -> None:
    st.header("Completion")
    done = dash.completion(rows)
    with st.container(key="progress_completion"):
        cols = st.columns(4)
        cols[0].metric("Started", f"{done.started} of {done.total}")
        cols[1].metric("Completed", f"{done.completed} of {done.total}")
        cols[2].metric("Mastered", f"{done.mastered} of {done.total}")
        cols[3].metric(
            "Durably mastered",
            f"{done.durable} of {done.total}",
            help="Mastered, then passed a review at least 7 days later.",
        )
        st.write(dash.time_left_text(done))
        with st.expander("Show each lesson as a table", icon=":material/table:", key="progress_table_completion"):
            st.dataframe(dash.completion_table(rows), hide_index=True, key="progress_data_completion")


def _activity(days, today) -> None:
    from course import charts

    st.header("Activity")
    current = dash.streak(days, today)
    st.markdown(f"**Streak:** {dash.streak_text(current)}")
    if not days:
        st.info(
            "Your calendar fills in as you go: lessons, reviews and the practice you do in real life all count.",
            icon=":material/calendar_month:",
        )
        return
    cells = dash.calendar_cells(days, today)
    _chart(charts.activity_heatmap(cells), dash.activity_summary(days, today), dash.calendar_table(cells), "activity")


def _calibration(statements, zone) -> None:
    from course import charts

    st.header("Do you know what you know?")
    st.caption("In each review you say how sure you are. Here is how often you were right at each level.")
    levels = dash.calibration_by_level(statements)
    if not levels:
        st.info(
            "No confidence ratings yet. Reviews start a few days after you master a lesson; each asks how sure you "
            "are, and this chart will show whether your confidence matches your answers.",
            icon=":material/psychology:",
        )
        return
    points = dash.calibration_over_time(statements, zone)
    _chart(
        charts.calibration_lines(points),
        dash.calibration_summary(levels),
        dash.calibration_table(points),
        "calibration",
    )


main()
