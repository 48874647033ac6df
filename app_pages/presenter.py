"""Presenter view: a lesson's scenarios one step at a time, in large type, with an optional live room.

?lesson=<id> presents a lesson on its own (the facilitator takes the room's answers by show of hands).
Opening a live room adds ?room=<code>&host=<token>: participants join on their phones, vote, and
see the reveal. All room state is in the store; only the current window's timer lives in the session.
"""

from __future__ import annotations

import math
import os
import time

import streamlit as st

from app_pages._ui import course, store
from app_pages._workshop import (
    app_base_url,
    choice_reveal,
    distribution_chart,
    join_link,
    key_points,
    lesson_opening,
    letter,
    spaced_code,
    workshop_settings,
)
from course import rooms
from course.events import utcnow
from course.loader import Course
from course.models import Lesson
from course.qr import qr_png
from course.rooms import RoomState
from course.scenario import expert_path, path_score
from course.store import StoreError

# Sizing and hiding chrome only; colours come from the theme, which passes WCAG AA in light and dark.
PRESENTER_CSS = """
<style>
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stHeader"], [data-testid="stToolbar"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 1240px; padding-top: 1.25rem; padding-bottom: 2rem; }
.st-key-pv_slide p, .st-key-pv_slide li, .st-key-pv_slide [data-testid="stText"] { font-size: 1.7rem; line-height: 1.35; }
.st-key-pv_slide h1 { font-size: 2.6rem; }
.st-key-pv_slide h2, .st-key-pv_slide h3 { font-size: 2.1rem; }
.st-key-pv_slide [data-testid="stCaptionContainer"] p { font-size: 1.25rem; }
.st-key-pv_code p { font-size: 5.5rem; font-weight: 800; letter-spacing: 0.25em; line-height: 1.1; }
.st-key-pv_controls button { min-height: 3.2rem; }
.st-key-pv_controls button p { font-size: 1.35rem; }
.st-key-pv_counts [data-testid="stMetricValue"] { font-size: 2.4rem; }
.st-key-pv_counts [data-testid="stMetricLabel"] p { font-size: 1.2rem; }
.st-key-pv_joinbar p { font-size: 1.2rem; }
.st-key-pv_timer p { font-size: 3rem; font-weight: 700; font-variant-numeric: tabular-nums; }
</style>
"""


def main() -> None:
    st.set_page_config(layout="wide", initial_sidebar_state="collapsed")
    st.html(PRESENTER_CSS)
    st.session_state.setdefault("pv_flash", None)
    st.session_state.setdefault("pv_passcode_ok", False)
    st.session_state.setdefault("pv_timer_end", None)
    st.session_state.setdefault("pv_timer_done", False)
    content = course()
    lesson = content.lesson(st.query_params.get("lesson", ""))

    state: RoomState | None = None
    raw_code = st.query_params.get("room")
    if raw_code:
        state = _live_room(raw_code)
        if state is None:
            return
        lesson = content.lesson(state.lesson_id)
        if lesson is None:
            st.title("Presenter view")
            st.info("This room's lesson is unavailable right now.", icon=":material/info:")
            return
    if lesson is None:
        _choose_lesson(content)
        return
    if state is None:
        state = _local_state(lesson)

    flash = st.session_state.pop("pv_flash", None)
    if flash:
        st.warning(flash, icon=":material/info:")
    live = raw_code is not None
    if live:
        st.session_state["pv_seen"] = _signature(state)
        _live_panel(state)
    else:
        _open_room_form(lesson)
    with st.container(key="pv_slide"):
        _slide(lesson, state, live=live)
    _controls(lesson, state, live=live)
    if state.phase == "open-text" and live:
        _moderation(state)
    _tools(lesson, state, live=live)


# --- which room, which lesson ---------------------------------------------------------------


def _live_room(raw_code: str) -> RoomState | None:
    """The live room in the URL, when this window holds its host token; otherwise explain and return None."""
    progress_store = store()
    code = rooms.normalise_code(raw_code)
    if progress_store is None:
        st.title("Presenter view")
        st.error(
            "Live rooms are unavailable right now because the database cannot be reached.", icon=":material/cloud_off:"
        )
        return None
    state = rooms.load_room(progress_store, code) if code else None
    if state is None:
        st.title("Presenter view")
        st.warning(
            "This room has closed. Rooms close 24 hours after they open, and their votes are deleted.",
            icon=":material/timer_off:",
        )
        st.button("Present without a room", key="pv_leave_room", on_click=_leave_room)
        return None
    if not rooms.host_matches(state, st.query_params.get("host")):
        st.title("Presenter view")
        st.error(
            "Only the facilitator who opened this room can present it. To take part, join the room instead.",
            icon=":material/lock:",
        )
        st.page_link(
            "app_pages/room.py", label="Join this room", icon=":material/groups:", query_params={"room": state.code}
        )
        return None
    return state


def _leave_room() -> None:
    for name in ("room", "host"):
        st.query_params.pop(name, None)


def _choose_lesson(content: Course) -> None:
    st.title("Presenter view")
    st.write("Choose a lesson to present. You can open a live room so participants vote from their phones.")
    options = [lesson.id for lesson in content.lessons]
    titles = {lesson.id: lesson.title for lesson in content.lessons}
    if not options:
        st.info("No lesson is available to present right now.", icon=":material/info:")
        return
    chosen = st.selectbox("Lesson", options, format_func=titles.get, key="pv_lesson_pick")
    st.button(
        "Present", key="pv_lesson_go", type="primary", icon=":material/co_present:", on_click=_present, args=(chosen,)
    )


def _present(lesson_id: str | None) -> None:
    if lesson_id:
        st.query_params["lesson"] = lesson_id


def _local_key(lesson_id: str) -> str:
    return f"pv_local_{lesson_id}"


def _local_state(lesson: Lesson) -> RoomState:
    """Presenting without a room: the same transitions, kept in this window only."""
    key = _local_key(lesson.id)
    if key not in st.session_state:
        st.session_state[key] = rooms.start_state(lesson, code="LOCAL", now=utcnow(), live=False)
    return st.session_state[key]


def _back_to_lesson(lesson: Lesson) -> None:
    st.page_link(
        "app_pages/lesson.py",
        label="Back to the lesson",
        icon=":material/arrow_back:",
        query_params={"lesson": lesson.id},
    )


# --- live room: join strip, counts, polling --------------------------------------------------


def _signature(state: RoomState) -> tuple[int, int]:
    waiting = 0
    if state.phase == "open-text":
        progress_store = store()
        if progress_store is not None:
            waiting = rooms.room_counts(progress_store, state).waiting
    return state.revision, waiting


def _live_panel(state: RoomState) -> None:
    join, live_counts = st.columns([3, 2], vertical_alignment="center")
    if state.phase != "lobby":  # the lobby shows the join details in full
        with join, st.container(horizontal=True, vertical_alignment="center", key="pv_joinbar"):
            st.markdown(f"Join at **{join_link(state.code)}** · code **{spaced_code(state.code)}**")
            with st.popover("QR code", icon=":material/qr_code_2:"):
                _qr(state.code, width=360)
    with live_counts:
        _counts(state.code)


@st.fragment(run_every=2)
def _counts(code: str) -> None:
    """Live joined and voted counts; a change made elsewhere (moderation on a second device) reloads the page."""
    progress_store = store()
    state = rooms.load_room(progress_store, code) if progress_store is not None else None
    if state is None:
        return
    counts = rooms.room_counts(progress_store, state)
    if (state.revision, counts.waiting) != st.session_state.get("pv_seen"):
        st.rerun()
    with st.container(horizontal=True, key="pv_counts"):
        st.metric("Joined", counts.joined)
        if state.phase in ("voting", "revealed"):
            st.metric("Voted", counts.voted)
        if state.phase == "open-text":
            st.metric("Waiting for approval", counts.waiting)


def _qr(code: str, *, width: int) -> None:
    link = join_link(code)
    if link.startswith("http"):
        st.image(qr_png(link), width=width, caption=link)
    else:
        st.caption("Set [workshop] public_url in secrets to show a QR code.")


# --- the slide ------------------------------------------------------------------------------------


def _slide(lesson: Lesson, state: RoomState, *, live: bool) -> None:
    if state.phase == "lobby":
        _lobby(lesson, state)
    elif state.phase == "opening":
        lesson_opening(lesson)
    elif state.phase == "points":
        key_points(lesson, side_by_side=True)
    elif state.phase in ("voting", "revealed"):
        _step(lesson, state, live=live)
    elif state.phase == "ending":
        _ending(lesson, state)
    elif state.phase == "open-text":
        _open_question(lesson, state, live=live)
    else:
        st.title("Thank you")
        st.markdown(f"That is the end of **{lesson.title}**. Keep practising: the lesson stays open for everyone.")


def _lobby(lesson: Lesson, state: RoomState) -> None:
    st.title(lesson.title)
    left, right = st.columns([3, 2], vertical_alignment="center")
    with left:
        st.markdown("Join on your phone: scan the code, or go to")
        st.markdown(f"**{join_link(state.code)}**")
        st.markdown("and type the room code")
        with st.container(key="pv_code"):
            st.markdown(spaced_code(state.code))
        st.caption("No account needed; answers are anonymous.")
    with right:
        _qr(state.code, width=380)


def _step(lesson: Lesson, state: RoomState, *, live: bool) -> None:
    scenario = rooms.current_scenario(state, lesson)
    step = rooms.current_step(state, lesson)
    if scenario is None or step is None:
        st.info(
            "This step is no longer in the lesson. Use Facilitator tools to jump elsewhere.", icon=":material/info:"
        )
        return
    number = len(rooms.scenario_run(state)) + 1
    st.caption(f"{scenario.title} · decision {number}")
    if number == 1:
        st.markdown(f"*{scenario.setting}*")
    st.markdown(step.situation)
    st.subheader(step.question)
    if state.phase == "voting":
        for choice in step.choices:
            with st.container(border=True, key=f"pv_choice_{choice.id}"):
                st.markdown(f"**{letter(step, choice.id)}.** {choice.text}")
        if step.discussion_prompt:
            st.info(f"**Discuss:** {step.discussion_prompt}", icon=":material/forum:")
    else:
        distribution = _distribution(state, lesson)
        if live:
            distribution_chart(step, distribution, key="pv_chart", large=True)
        choice_reveal(step, state, distribution, prefix="pv")
    if step.facilitator_notes:
        with st.expander("Facilitator notes", icon=":material/sticky_note_2:"):
            st.markdown(step.facilitator_notes)


def _ending(lesson: Lesson, state: RoomState) -> None:
    scenario = rooms.current_scenario(state, lesson)
    ending = rooms.current_ending(state, lesson)
    if scenario is None or ending is None:
        st.info("This ending is no longer in the lesson.", icon=":material/info:")
        return
    st.caption(scenario.title)
    st.header(f"Ending: {ending.title}")
    st.markdown(ending.text)
    run = rooms.scenario_run(state)
    score = path_score(scenario, run) if run else None
    if score is not None:
        st.markdown(f"The room's path scores **{score:.0f}/100** against the expert key.")
    with st.expander("The expert path", expanded=True):
        for step, choice in expert_path(scenario):
            st.markdown(f"- *{step.situation.strip().splitlines()[0]}* → **{choice.text}**")
    if ending.facilitator_notes:
        with st.expander("Facilitator notes for the debrief", icon=":material/sticky_note_2:"):
            st.markdown(ending.facilitator_notes)


def _open_question(lesson: Lesson, state: RoomState, *, live: bool) -> None:
    question = rooms.current_question(state, lesson)
    if question is None:
        st.info("This question is no longer in the lesson.", icon=":material/info:")
        return
    st.caption("Open question")
    st.header(question.prompt)
    if not live:
        st.write("Take a few answers from the room.")
        return
    progress_store = store()
    approved = rooms.answers_for(progress_store, state.code, question.id, approved=True) if progress_store else []
    if not approved:
        st.caption("Answers appear here once you approve them.")
    for answer in approved:
        with st.container(border=True):
            st.text(answer.text)


# --- controls -------------------------------------------------------------------------------------


def _controls(lesson: Lesson, state: RoomState, *, live: bool) -> None:
    step = rooms.current_step(state, lesson)
    pick_key = f"pv_pick_{state.step_key}"
    revealed = _distribution(state, lesson) if state.phase == "revealed" and step is not None else None
    needs_pick = revealed is not None and revealed.winner is None
    if needs_pick and step is not None and revealed is not None:
        question = "The room is split. Which way does the scenario go?" if live else "Which way did the room go?"
        st.radio(
            question,
            list(revealed.tied),
            format_func=lambda choice_id: (
                f"{letter(step, choice_id)}. {next(c.text for c in step.choices if c.id == choice_id)}"
            ),
            index=None,
            key=pick_key,
        )
    can_reveal = step is not None and len(state.revealed) < len(step.choices)
    next_label = {"lobby": "Start", "ending": "Continue"}
    with st.container(horizontal=True, key="pv_controls"):
        if step is not None:
            st.button(
                "Reveal next",
                key="pv_reveal_one",
                icon=":material/visibility:",
                shortcut="V",
                disabled=not can_reveal,
                on_click=_act,
                args=(lesson.id, "reveal"),
                help="Close the vote and reveal one consequence at a time (key V)",
            )
            st.button(
                "Reveal all",
                key="pv_reveal_all",
                icon=":material/select_all:",
                shortcut="A",
                disabled=not can_reveal,
                on_click=_act,
                args=(lesson.id, "reveal_all"),
                help="Close the vote and reveal every consequence (key A)",
            )
        st.button(
            next_label.get(state.phase, "Next"),
            key="pv_next",
            type="primary",
            icon=":material/arrow_forward:",
            shortcut="N",
            disabled=state.phase in ("voting", "ended") or (needs_pick and st.session_state.get(pick_key) is None),
            on_click=_act,
            args=(lesson.id, "next"),
            kwargs={"pick_key": pick_key},
            help="Follow the room's choice to the next step (key N)",
        )
        st.toggle("Timer", key="pv_timer_on")
    if state.phase == "voting":
        st.caption("Reveal closes the vote. Next follows the room's most-voted choice.")
    _timer()


def _distribution(state: RoomState, lesson: Lesson) -> rooms.Distribution:
    step = rooms.current_step(state, lesson)
    if step is None:
        raise rooms.RoomError("There is no step here.")
    progress_store = store()
    votes = (
        rooms.votes_for(progress_store, state.code, state.step_key) if state.code != "LOCAL" and progress_store else []
    )
    return rooms.aggregate(step, votes)


def _act(lesson_id: str, action: str, *, pick_key: str | None = None, target: str | None = None) -> None:
    """Button callback: read the room fresh, apply one transition, and store it."""
    lesson = course().lesson(lesson_id)
    if lesson is None:
        return
    code = st.query_params.get("room")
    progress_store = store()
    if code:
        if progress_store is None:
            st.session_state["pv_flash"] = "The database cannot be reached; nothing changed."
            return
        before = rooms.load_room(progress_store, code)
        if before is None or not rooms.host_matches(before, st.query_params.get("host")):
            st.session_state["pv_flash"] = "This room has closed."
            return
    else:
        before = _local_state(lesson)
    try:
        if action == "reveal":
            after = rooms.reveal(before, lesson)
        elif action == "reveal_all":
            after = rooms.reveal(before, lesson, everything=True)
        elif action == "next":
            distribution = _distribution(before, lesson) if before.phase == "revealed" else None
            pick = st.session_state.get(pick_key) if pick_key else None
            after = rooms.advance(before, lesson, distribution, pick=pick)
        elif action == "jump":
            after = rooms.jump(before, lesson, target or st.session_state.get("pv_jump") or "end")
        else:
            return
    except rooms.RoomError as error:
        st.session_state["pv_flash"] = str(error)
        return
    if code:
        if not rooms.save_transition(progress_store, before, after):
            st.session_state["pv_flash"] = "The room changed in another window; this is the latest."
    else:
        st.session_state[_local_key(lesson.id)] = after


# --- timer (optional, silent, this window only) --------------------------------------------------


def _timer() -> None:
    if not st.session_state.get("pv_timer_on"):
        st.session_state["pv_timer_end"] = None
        st.session_state["pv_timer_done"] = False
        return
    with st.container(horizontal=True, vertical_alignment="bottom", key="pv_timer_controls"):
        st.number_input("Minutes", min_value=1, max_value=30, value=2, step=1, key="pv_timer_minutes", width=140)
        st.button("Start timer", key="pv_timer_start", icon=":material/timer:", on_click=_start_timer)
        st.button("Stop", key="pv_timer_stop", icon=":material/stop:", on_click=_stop_timer)
    if st.session_state["pv_timer_end"] is not None:
        _countdown()
    elif st.session_state["pv_timer_done"]:
        with st.container(key="pv_timer"):
            st.markdown("0:00 · time")


def _start_timer() -> None:
    st.session_state["pv_timer_end"] = time.time() + 60 * int(st.session_state.get("pv_timer_minutes") or 2)
    st.session_state["pv_timer_done"] = False


def _stop_timer() -> None:
    st.session_state["pv_timer_end"] = None
    st.session_state["pv_timer_done"] = False


@st.fragment(run_every=1)
def _countdown() -> None:
    end = st.session_state.get("pv_timer_end")
    if end is None:
        return
    remaining = max(0, math.ceil(end - time.time()))
    if remaining == 0:
        st.session_state["pv_timer_end"] = None
        st.session_state["pv_timer_done"] = True
        st.rerun()
    with st.container(key="pv_timer"):
        st.markdown(f"{remaining // 60}:{remaining % 60:02d}")


# --- moderation and tools ---------------------------------------------------------------------


def _moderation(state: RoomState) -> None:
    progress_store = store()
    if progress_store is None or not state.open_question_id:
        return
    pending = rooms.answers_for(progress_store, state.code, state.open_question_id, approved=False)
    st.toggle(
        f"Show answers waiting for approval ({len(pending)})",
        key="pv_show_pending",
        help="Nothing reaches the room until you approve it. Turn this on where the room cannot see your screen, "
        "or moderate from the facilitator link on a second device.",
    )
    if not st.session_state.get("pv_show_pending"):
        return
    with st.container(border=True, key="pv_pending"):
        if not pending:
            st.caption("No answers are waiting.")
        for answer in pending:
            with st.container(horizontal=True, vertical_alignment="center", key=f"pv_pending_{answer.id}"):
                st.text(answer.text)
                st.button(
                    "Approve", key=f"pv_approve_{answer.id}", on_click=_moderate, args=(state.code, [answer.id], True)
                )
                st.button(
                    "Remove", key=f"pv_remove_{answer.id}", on_click=_moderate, args=(state.code, [answer.id], False)
                )
        if len(pending) > 1:
            st.button(
                f"Approve all {len(pending)}",
                key="pv_approve_all",
                on_click=_moderate,
                args=(state.code, [answer.id for answer in pending], True),
            )


def _moderate(code: str, answer_ids: list[str], approve: bool) -> None:
    progress_store = store()
    current = rooms.load_room(progress_store, code) if progress_store else None
    if current is None or not rooms.host_matches(current, st.query_params.get("host")):
        st.session_state["pv_flash"] = "This room has closed."
        return
    rooms.moderate(progress_store, code, answer_ids, approve=approve)


def _tools(lesson: Lesson, state: RoomState, *, live: bool) -> None:
    st.divider()
    if lesson.facilitator_notes:
        with st.expander("Lesson notes for the facilitator", icon=":material/sticky_note_2:"):
            st.markdown(lesson.facilitator_notes)
    with st.expander("Facilitator tools", icon=":material/tune:", expanded=state.phase == "ended"):
        targets = rooms.jump_targets(lesson)
        with st.container(horizontal=True, vertical_alignment="bottom"):
            st.selectbox("Jump to", list(targets), format_func=targets.get, key="pv_jump")
            st.button("Go", key="pv_jump_go", on_click=_act, args=(lesson.id, "jump"))
        if live:
            progress_store = store()
            if progress_store is not None:
                st.download_button(
                    "Download anonymous results (CSV)",
                    data=rooms.export_results(progress_store, lesson, state.code),
                    file_name=f"room-{state.code}-results.csv",
                    mime="text/csv",
                    key="pv_csv",
                    icon=":material/download:",
                    on_click="ignore",
                )
            st.caption(
                "Your facilitator link controls this room: keep it private. Open it on a second device "
                "to moderate answers away from the shared screen."
            )
            with st.popover("Show my facilitator link", icon=":material/key:"):
                st.code(
                    f"{app_base_url() or ''}/presenter?lesson={lesson.id}"
                    f"&room={state.code}&host={st.query_params.get('host', '')}",
                    language=None,
                )
            st.caption("The room closes 24 hours after it opened; its votes and answers are then deleted.")
    _back_to_lesson(lesson)


def _open_room_form(lesson: Lesson) -> None:
    """Presenting alone: one small strip offers a live room, so participants can answer on their phones."""
    passcode = rooms.facilitator_passcode({"workshop": workshop_settings()}, os.environ)
    with st.container(horizontal=True, vertical_alignment="bottom", key="pv_open"):
        if passcode and not st.session_state["pv_passcode_ok"]:
            st.text_input("Facilitator passcode", type="password", key="pv_passcode", max_chars=200, width=240)
        _open_room_button(lesson)


def _open_room_button(lesson: Lesson) -> None:
    st.button(
        "Open a live room",
        key="pv_open_room",
        type="primary",
        icon=":material/groups:",
        on_click=_open_room,
        args=(lesson.id,),
    )


def _open_room(lesson_id: str) -> None:
    lesson = course().lesson(lesson_id)
    progress_store = store()
    if lesson is None or progress_store is None:
        st.session_state["pv_flash"] = "Live rooms are unavailable right now because the database cannot be reached."
        return
    passcode = rooms.facilitator_passcode({"workshop": workshop_settings()}, os.environ)
    if passcode and not st.session_state.get("pv_passcode_ok"):
        if not rooms.passcode_ok(passcode, st.session_state.get("pv_passcode")):
            st.session_state["pv_flash"] = "That facilitator passcode is not right, so no room was opened."
            return
        st.session_state["pv_passcode_ok"] = True
    try:
        state, token = rooms.open_room(progress_store, lesson)
    except (rooms.RoomError, StoreError) as error:
        st.session_state["pv_flash"] = str(error)
        return
    st.query_params.update({"lesson": lesson.id, "room": state.code, "host": token})


main()
