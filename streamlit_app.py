"""Router: page config, learner identity, and navigation. Pages live in app_pages/."""

from __future__ import annotations

import streamlit as st

from app_pages._a11y import accessible_styles
from app_pages._ui import author_mode, freeze_imported_heap, resolve_learner

st.set_page_config(page_title="Professional relationships", page_icon=":material/handshake:", layout="centered")
st.session_state["_run_id"] = st.session_state.get("_run_id", 0) + 1
accessible_styles()
resolve_learner()

learn = [
    st.Page("app_pages/home.py", title="Course map", icon=":material/map:", default=True),
    st.Page("app_pages/lesson.py", title="Lesson", icon=":material/school:"),
    st.Page("app_pages/review.py", title="Review", icon=":material/replay:"),
    st.Page("app_pages/progress.py", title="My progress", icon=":material/insights:"),
    st.Page("app_pages/plan.py", title="My action plan", icon=":material/checklist:"),
    st.Page("app_pages/my_data.py", title="My data", icon=":material/download:"),
]
workshop = [
    st.Page("app_pages/presenter.py", title="Presenter view", icon=":material/co_present:"),
    st.Page("app_pages/room.py", title="Join a room", icon=":material/groups:"),
]
sections: dict[str, list[st.Page]] = {"Learn": learn, "Workshop": workshop}
if author_mode():
    sections["Authoring"] = [st.Page("app_pages/author.py", title="Content check", icon=":material/edit_note:")]

st.navigation(sections).run()
freeze_imported_heap()  # once per process, after the first page's imports (see docs/performance.md)
