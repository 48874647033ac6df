"""My data: the resume link, sign-in, export and import of the learner's own progress file."""

from __future__ import annotations

from urllib.parse import urlsplit

import streamlit as st

from app_pages._ui import (
    auth_configured,
    course,
    ensure_learner,
    forget_statements,
    learner,
    my_journal,
    my_statements,
    on_community_cloud_sqlite,
    store,
)
from course.portable import MAX_IMPORT_BYTES, ImportRejected, export_csv, export_json, import_progress
from course.store import StoreError


def resume_url(key: str) -> str:
    base = st.context.url or ""
    parts = urlsplit(base)
    root = f"{parts.scheme}://{parts.netloc}" if parts.scheme else ""
    return f"{root}/?learner={key}"


def main() -> None:
    st.title("My data")
    st.write(
        "Your progress is anonymous: the course never asks who you are. "
        "It is tied to a private resume link, or to your account if you sign in."
    )
    if on_community_cloud_sqlite():
        st.warning(
            "This copy of the course keeps progress in a temporary file that is wiped when the app restarts. "
            "Download your progress file below to keep it, and import it next time.",
            icon=":material/warning:",
        )
    if store() is None:
        st.error(
            "Saving is unavailable right now. You can keep learning; nothing new will be stored.",
            icon=":material/cloud_off:",
        )

    _identity()
    st.divider()
    _export()
    st.divider()
    _import()


def _identity() -> None:
    current = learner()
    st.header("Come back later")
    if auth_configured():
        if getattr(st.user, "is_logged_in", False):
            st.write("You are signed in; your progress follows your account.")
            st.button("Sign out", key="data_logout", on_click=st.logout)
        else:
            st.write("Sign in to keep your progress with your account instead of a link.")
            st.button("Sign in", key="data_login", on_click=st.login, icon=":material/login:")
    if current.key:
        st.write(
            "This is your resume link. Anyone with it can see and add to your progress, so keep it private. "
            "Bookmark it or save it somewhere safe:"
        )
        st.code(resume_url(current.key), language=None, wrap_lines=True)
        st.caption("Select the link and copy it, or use the copy button at its top right.")
        st.button("Forget this link in this browser", key="data_forget", on_click=_forget, icon=":material/logout:")
    elif not current.id:
        st.write("You will get a private resume link as soon as you save your first answer.")
        if st.button("Create my resume link now", key="data_create_link", icon=":material/link:") and ensure_learner():
            st.rerun()


def _forget() -> None:
    st.session_state.pop("learner", None)
    forget_statements()
    st.query_params.clear()


def _export() -> None:
    st.header("Download your progress")
    statements = my_statements()
    if not statements:
        st.write("Nothing to download yet: your answers will appear here once you save some.")
        return
    journal = my_journal()
    st.write(f"{len(statements)} learning events and {len(journal)} reflections and plans.")
    left, right = st.columns(2)
    with left:
        st.download_button(
            "Progress file (JSON)",
            data=export_json(statements, journal),
            file_name="my-progress.json",
            mime="application/json",
            key="data_export_json",
            icon=":material/download:",
            help="Everything, including reflections and plans. You can import it into another copy of the course.",
        )
    with right:
        st.download_button(
            "Events for a spreadsheet (CSV)",
            data=export_csv(statements),
            file_name="my-progress.csv",
            mime="text/csv",
            key="data_export_csv",
            icon=":material/table:",
        )


def _import() -> None:
    st.header("Import a progress file")
    st.write(
        "Bring progress from another copy of the course. It is merged with what is here; importing twice changes nothing."
    )
    uploaded = st.file_uploader(
        "Progress file (JSON)", type=["json"], key="data_import_file", max_upload_size=MAX_IMPORT_BYTES // 1024 // 1024
    )
    if uploaded is None or not st.button("Import", key="data_import_go", type="primary", icon=":material/upload:"):
        return
    raw = uploaded.getvalue()
    who = ensure_learner()
    progress_store = store()
    if who is None or progress_store is None:
        return
    known = {lesson.id for lesson in course().lessons}
    try:
        report = import_progress(progress_store, who.id or "", raw, known)
    except ImportRejected as error:
        st.error(f"{error} Nothing was changed.", icon=":material/error:")
        return
    except StoreError as error:
        st.error(str(error), icon=":material/cloud_off:")
        return
    forget_statements()
    st.success(
        f"Imported {report.added_statements} new events and {report.added_journal} reflections or plans"
        + (f"; {report.already_there} were already here." if report.already_there else "."),
        icon=":material/check:",
    )
    if report.set_aside:
        st.warning(
            f"{len(report.set_aside)} events are for lessons this course does not have "
            f"({', '.join(report.set_aside_lessons)}). They were set aside, not imported; download them to keep them.",
            icon=":material/inventory_2:",
        )
        st.download_button(
            "Download the set-aside events",
            data=export_json([], []).replace(b'"statements": []', b'"statements": ' + _json(report.set_aside)),
            file_name="set-aside-events.json",
            key="data_set_aside",
        )


def _json(items: list) -> bytes:
    import json

    return json.dumps(items, ensure_ascii=False).encode("utf-8")


main()
