"""Course map: every lesson in order, with status, and a suggested next step."""

from __future__ import annotations

import streamlit as st

from app_pages._ui import course, link_params, my_journal, my_statements, show_content_problem_for_authors
from course import dashboard as dash
from course.events import utcnow
from course.progress import lesson_status, suggested_next

STATUS_LABEL = {
    "not started": ":material/radio_button_unchecked: Not started",
    "in progress": ":material/pending: In progress",
    "mastered": ":material/verified: Mastered",
}

if st.query_params.get("room"):
    st.switch_page("app_pages/room.py", query_params={"room": st.query_params["room"]})

content = course()
statements = my_statements()

st.title("Build and keep professional relationships")
st.write(
    "Ten practical strategies, each practised in realistic situations. "
    "Pick the most effective move, see what happens next, and learn why."
)

if st.session_state.get("learner_key_error"):
    st.warning(st.session_state["learner_key_error"], icon=":material/link_off:")

next_lesson = suggested_next(content, statements)
if next_lesson is not None:
    with st.container(border=True, key="home_next"):
        st.caption("Suggested next")
        st.header(next_lesson.title)
        st.write(next_lesson.summary)
        st.page_link(
            "app_pages/lesson.py",
            label="Continue" if lesson_status(statements, next_lesson.id) == "in progress" else "Start this lesson",
            icon=":material/arrow_forward:",
            query_params=link_params(lesson=next_lesson.id),
        )

# --- Today: reviews due and plan check-ins that are due ---
today = dash.today_items(content, statements, my_journal(), utcnow(), dash.resolve_zone(st.context.timezone))
if not today.empty:
    with st.container(border=True, key="home_today"):
        st.header("Today")
        if today.reviews_due:
            st.markdown(dash.reviews_due_text(today.reviews_due))
            st.page_link(
                "app_pages/review.py",
                label="Start a short review",
                icon=":material/replay:",
                query_params=link_params(),
            )
        if today.checkins:
            st.markdown(dash.checkins_text(today.checkins))
            st.page_link(
                "app_pages/plan.py",
                label="Check in on my plans",
                icon=":material/checklist:",
                query_params=link_params(),
            )

st.header("Course map")
for lesson in content.lessons:
    status = lesson_status(statements, lesson.id)
    with st.container(border=True, key=f"home_lesson_{lesson.id}"):
        left, right = st.columns([3, 1], vertical_alignment="center")
        with left:
            st.markdown(f"**{lesson.order}. {lesson.title}**" if lesson.kind == "strategy" else f"**{lesson.title}**")
            st.caption(f"{lesson.minutes} min · {STATUS_LABEL[status]}")
            st.write(lesson.summary)
        with right:
            st.page_link(
                "app_pages/lesson.py",
                label="Open",
                icon=":material/arrow_forward:",
                query_params=link_params(lesson=lesson.id),
                help=f"Open {lesson.title}",
            )

for stem in content.unavailable:
    with st.container(border=True):
        st.markdown(f"**{stem}**")
        st.caption("This lesson is unavailable right now.")

show_content_problem_for_authors(content)
