"""My action plan: every if-then plan with its 1, 2 and 4 week check-ins, the practice log, and PDF downloads."""

from __future__ import annotations

import streamlit as st

from app_pages._ui import course, ensure_learner, link_params, my_journal, my_statements, plain, save
from course import dashboard as dash
from course.certificates import action_plan_pdf, certificate_pdf, pdf_safe
from course.events import utcnow
from course.tracking import plan_checkin

STATE_TEXT = {
    "upcoming": ":material/schedule: from {due}",
    "due": ":material/notifications_active: due now",
    "missed": ":material/remove: skipped",
    "closed": ":material/history: replaced by a newer plan",
}


def main() -> None:
    content = course()
    statements = my_statements()
    journal = my_journal()
    zone = dash.resolve_zone(st.context.timezone)
    now = utcnow()
    views = dash.plan_views(content, journal, statements, now)

    st.title("My action plan")
    st.write(
        "If-then plans work best when you read them back and check in on them. "
        'Each plan asks "did it happen?" one, two and four weeks after you wrote it.'
    )

    st.header("Plans")
    current = [v for v in views if v.current]
    if not current:
        st.info(
            "No plans yet. At the end of each lesson you write one: If <a moment that will come up>, then I will "
            "<one small action>. They collect here.",
            icon=":material/checklist:",
        )
    else:
        st.caption(dash.plans_kept_text(views))
    for view in current:
        _plan(view, zone)
    older = [v for v in views if not v.current]
    if older:
        with st.expander(f"Earlier plans ({len(older)})", key="plan_older"):
            for view in older:
                st.caption(f"{view.lesson_title} · {view.entry.created_at.astimezone(zone):%d %b %Y}")
                plain(view.entry.text)

    _practice(content, statements, zone)
    _downloads(content, statements, views, zone, now)


def _plan(view: dash.PlanView, zone) -> None:
    short = view.entry.id[:8]
    with st.container(border=True, key=f"plan_{short}"):
        st.markdown(f"**{view.lesson_title}**")
        plain(view.entry.text)
        parts = []
        for checkin in view.checkins:
            if checkin.state == "answered":
                word = ":material/check: happened" if checkin.happened else ":material/close: not this time"
            else:
                word = STATE_TEXT[checkin.state].format(due=checkin.due_at.astimezone(zone).strftime("%d %b"))
            parts.append(f"Week {checkin.week}: {word}")
        st.caption(f"Written {view.entry.created_at.astimezone(zone):%d %b %Y} · " + " · ".join(parts))
        due = view.due
        if due is not None:
            st.markdown(f"**Week {due.week} check-in: did it happen this week?**")
            yes, no = st.columns(2)
            yes.button(
                "Yes, it happened",
                key=f"plan_{short}_w{due.week}_yes",
                icon=":material/thumb_up:",
                on_click=_check_in,
                args=(view.entry.lesson_id, view.entry.id, due.week, True),
            )
            no.button(
                "Not this week",
                key=f"plan_{short}_w{due.week}_no",
                icon=":material/event_repeat:",
                on_click=_check_in,
                args=(view.entry.lesson_id, view.entry.id, due.week, False),
            )


def _check_in(lesson_id: str, plan_id: str, week: int, happened: bool) -> None:
    who = ensure_learner()
    if who is not None and save([plan_checkin(who.id or "", lesson_id, plan_id, week, happened)]):
        st.toast(
            "Noted. Well done for following through."
            if happened
            else "Noted. A missed week is normal; the cue will come again."
        )


def _practice(content, statements, zone) -> None:
    st.header("Practice in real life")
    log = dash.practice_log(content, statements)
    if not log:
        st.info(
            "Nothing logged yet. Each lesson ends with small actions to try for real; tick them off there with a note, "
            "and they count toward your activity.",
            icon=":material/task_alt:",
        )
    else:
        st.caption(f"{len(log)} practice action{'s' if len(log) != 1 else ''} done in real life.")
        for entry in log:
            with st.container(border=True):
                st.markdown(f"**{entry.action_text}**")
                st.caption(f"{entry.lesson_title} · {entry.timestamp.astimezone(zone):%d %b %Y}")
                if entry.note:
                    plain(entry.note)
    ideas = dash.practice_next(content, statements)
    if ideas:
        st.subheader("To try next")
        for lesson, _action_id, text in ideas:
            st.page_link(
                "app_pages/lesson.py",
                label=f"{text} ({lesson.title})",
                icon=":material/arrow_forward:",
                query_params=link_params(lesson=lesson.id, part="reflect"),
                help=f"Open {lesson.title} to log it",
            )


def _downloads(content, statements, views, zone, now) -> None:
    st.header("Downloads")
    today = dash.local_today(now, zone)
    st.text_input(
        "Your name, as it should appear",
        key="plan_name",
        max_chars=80,
        placeholder="For example: Sam Rivera",
        help="Used only in the PDFs; it is not stored.",
    )
    name = (st.session_state.get("plan_name") or "").strip()
    if name and pdf_safe(name) != name:
        st.caption("The PDF font cannot show every character of that name, so it will read:")
        plain(pdf_safe(name))
    st.download_button(
        "Download my action plan (PDF)",
        data=action_plan_pdf(
            views, dash.practice_log(content, statements), made_on=today, name=name or None, zone=zone
        ),
        file_name="action-plan.pdf",
        mime="application/pdf",
        key="plan_download_plan",
        icon=":material/download:",
        on_click="ignore",
    )
    rows = dash.lesson_progress(content, statements)
    st.subheader("Certificate of completion")
    if not dash.course_complete(rows):
        left = dash.completion(rows)
        st.info(
            f"The certificate is ready when every lesson is complete. {dash.time_left_text(left)}",
            icon=":material/workspace_premium:",
        )
        return
    mastered = [r.title for r in rows if r.mastered and content.lesson(r.lesson_id).kind == "strategy"]
    if not name:
        st.caption("Enter your name above to download your certificate.")
    st.download_button(
        "Download my certificate (PDF)",
        data=certificate_pdf(name=name, completed_on=today, strategies=mastered) if name else b"",
        file_name="certificate.pdf",
        mime="application/pdf",
        key="plan_download_certificate",
        icon=":material/workspace_premium:",
        disabled=not name,
        on_click="ignore",
    )


main()
