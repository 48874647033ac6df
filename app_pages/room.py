"""Join a room: the participant's phone view of a live workshop.

?room=<code>&p=<participant id>. The random participant id in the URL is the only identity, so a
refresh keeps a participant's place and vote, and nothing identifies them. The page follows the
facilitator by polling the room's revision every 2 seconds.
"""

from __future__ import annotations

import math

import streamlit as st

from app_pages._ui import course, store
from app_pages._workshop import choice_reveal, distribution_chart, key_points, lesson_opening, letter, spaced_code
from course import rooms
from course.events import utcnow
from course.models import Lesson
from course.rooms import RoomState
from course.store import Store, StoreError

# Sizing only: one column, large tap targets, readable at 375 px wide.
ROOM_CSS = """
<style>
[data-testid="stMainBlockContainer"] { padding-top: 1.5rem; padding-left: 1rem; padding-right: 1rem; }
.st-key-room_choices button { min-height: 3.6rem; justify-content: flex-start; text-align: left; }
.st-key-room_choices button p { font-size: 1.1rem; line-height: 1.35; }
.st-key-room_code_form input { font-size: 1.6rem; letter-spacing: 0.2em; text-transform: uppercase; }
.st-key-room_code_form button { min-height: 3rem; }
</style>
"""


def main() -> None:
    st.set_page_config(layout="centered", initial_sidebar_state="collapsed")
    st.html(ROOM_CSS)
    st.session_state.setdefault("room_failures", 0)
    st.session_state.setdefault("room_last_failure", None)
    st.session_state.setdefault("room_flash", None)

    raw_code = st.query_params.get("room")
    progress_store = store()
    if not raw_code:
        _join_form()
        return
    if progress_store is None:
        st.title("Join a room")
        st.error("Rooms are unavailable right now because the database cannot be reached.", icon=":material/cloud_off:")
        return
    wait = _wait_seconds()
    if wait:
        st.query_params.pop("room", None)
        _join_form()
        return
    code = rooms.normalise_code(raw_code)
    state = rooms.load_room(progress_store, code) if code else None
    if state is None:
        _failed()
        st.query_params.pop("room", None)
        st.query_params.pop("p", None)
        # The code from the URL is never echoed: it is untrusted text.
        _join_form(
            problem="There is no open room with the code in that link. Check the code on the facilitator's screen."
        )
        return
    st.session_state["room_failures"] = 0

    participant = st.query_params.get("p")
    if not rooms.is_participant_id(participant):
        participant = rooms.new_participant_id()
        st.query_params["p"] = participant
    joined_key = f"room_joined_{state.code}_{participant}"
    if not st.session_state.get(joined_key):
        try:
            rooms.join_room(progress_store, state.code, participant)
        except (rooms.RoomError, StoreError) as error:
            st.error(str(error), icon=":material/error:")
            return
        st.session_state[joined_key] = True

    lesson = course().lesson(state.lesson_id)
    if lesson is None:
        st.title("Live session")
        st.info("This session's lesson is unavailable right now. Please tell your facilitator.", icon=":material/info:")
        return
    st.session_state["room_seen"] = state.revision
    step = rooms.current_step(state, lesson) if state.phase == "voting" else None
    letters = {choice.id: letter(step, choice.id) for choice in step.choices} if step else {}
    _follow(state.code, participant, state.step_key if step else None, letters)
    st.caption(f"Room {spaced_code(state.code)} · {lesson.title}")
    flash = st.session_state.pop("room_flash", None)
    if flash:
        st.warning(flash, icon=":material/info:")
    with st.container(key="room_view"):
        _view(progress_store, lesson, state, participant)


@st.fragment(run_every=2)
def _follow(code: str, participant: str, step_key: str | None, letters: dict[str, str]) -> None:
    """Poll the room: redraw the page when the facilitator moves on or reveals.

    The vote confirmation is drawn here, from the database, on every poll: under load Streamlit can drop
    the elements of a finished run when a poll arrives at the same moment (docs/performance.md), and
    drawing the confirmation in the poll repairs that within two seconds.
    """
    progress_store = store()
    if progress_store is None:
        return
    try:
        revision = rooms.room_revision(progress_store, code)
        mine = rooms.my_vote(progress_store, code, participant, step_key) if step_key else None
    except StoreError:
        return  # a blip: try again at the next poll
    if revision != st.session_state.get("room_seen"):
        st.rerun()
    if step_key is None:
        return
    if mine in letters:
        st.success(
            f"Your vote: {letters[mine]}. You can change it until the facilitator reveals the results.",
            icon=":material/how_to_vote:",
        )
    else:
        st.caption("Tap the most effective choice. You can change your vote until the reveal.")


# --- joining ------------------------------------------------------------------------------------


def _wait_seconds() -> float:
    return rooms.join_wait_seconds(st.session_state["room_failures"], st.session_state["room_last_failure"], utcnow())


def _failed() -> None:
    st.session_state["room_failures"] += 1
    st.session_state["room_last_failure"] = utcnow()


def _join_form(problem: str | None = None) -> None:
    st.title("Join a room")
    st.write("Type the six-character code on the facilitator's screen. No account needed; your answers are anonymous.")
    if problem:
        st.error(problem, icon=":material/error:")
    wait = _wait_seconds()
    if wait:
        st.warning(
            f"Too many codes did not match. Please wait {math.ceil(wait)} seconds before trying again.",
            icon=":material/hourglass_top:",
        )
    with st.form("room_code_form", border=False):
        st.text_input("Room code", max_chars=8, key="room_code_input", placeholder="ABC DEF", autocomplete="off")
        submitted = st.form_submit_button("Join", type="primary", key="room_join", width="stretch")
    if submitted:
        _try_code(st.session_state.get("room_code_input", ""))


def _try_code(typed: str) -> None:
    if _wait_seconds():
        return  # the warning above already says how long to wait
    progress_store = store()
    code = rooms.normalise_code(typed)
    state = rooms.load_room(progress_store, code) if code and progress_store is not None else None
    if state is None:
        _failed()
        st.error("That code does not match an open room. Check it and try again.", icon=":material/error:")
        return
    st.session_state["room_failures"] = 0
    st.query_params["room"] = state.code
    st.query_params["p"] = rooms.new_participant_id()
    st.rerun()


# --- the live view --------------------------------------------------------------------------------


def _view(progress_store: Store, lesson: Lesson, state: RoomState, participant: str) -> None:
    if state.phase == "lobby":
        st.title("You're in")
        st.write("The facilitator will start in a moment. Keep this page open; it follows along by itself.")
    elif state.phase == "opening":
        lesson_opening(lesson)
        st.caption("Think about it; the facilitator will ask the room.")
    elif state.phase == "points":
        key_points(lesson, side_by_side=False)
    elif state.phase in ("voting", "revealed"):
        _step(progress_store, lesson, state, participant)
    elif state.phase == "ending":
        ending = rooms.current_ending(state, lesson)
        st.title(f"Ending: {ending.title}" if ending else "Ending")
        if ending:
            st.markdown(ending.text)
        st.caption("Discuss with the room; the next part starts when the facilitator is ready.")
    elif state.phase == "open-text":
        _open_question(progress_store, lesson, state, participant)
    else:
        st.title("Thank you")
        st.write("This session has ended. The lesson stays open if you want to practise on your own.")
        st.page_link(
            "app_pages/lesson.py", label="Open the lesson", icon=":material/school:", query_params={"lesson": lesson.id}
        )


def _step(progress_store: Store, lesson: Lesson, state: RoomState, participant: str) -> None:
    step = rooms.current_step(state, lesson)
    scenario = rooms.current_scenario(state, lesson)
    if step is None or scenario is None:
        st.info("Waiting for the facilitator.", icon=":material/hourglass_top:")
        return
    mine = rooms.my_vote(progress_store, state.code, participant, state.step_key)
    st.title(scenario.title)
    st.markdown(step.situation)
    st.markdown(f"**{step.question}**")
    if state.phase == "voting":
        with st.container(key="room_choices"):
            for choice in step.choices:
                chosen = mine == choice.id
                st.button(
                    f"{letter(step, choice.id)}. {choice.text}",
                    key=f"room_vote_{choice.id}",
                    type="primary" if chosen else "secondary",
                    icon=":material/check_circle:" if chosen else None,
                    width="stretch",
                    on_click=_vote,
                    args=(lesson.id, state.code, participant, state.step_key, choice.id),
                )
        return
    distribution = rooms.aggregate(step, rooms.votes_for(progress_store, state.code, state.step_key))
    distribution_chart(step, distribution, key="room_chart")
    choice_reveal(step, state, distribution, prefix="room", mine=mine)


def _vote(lesson_id: str, code: str, participant: str, key: str, choice_id: str) -> None:
    lesson = course().lesson(lesson_id)
    progress_store = store()
    if lesson is None or progress_store is None:
        st.session_state["room_flash"] = "Your vote could not be saved just now. Please try again."
        return
    try:
        rooms.cast_vote(progress_store, lesson, code, participant, key, choice_id)
    except rooms.VoteRejected as error:
        st.session_state["room_flash"] = f"{error} Your vote was not counted."
    except StoreError as error:
        st.session_state["room_flash"] = str(error)


def _open_question(progress_store: Store, lesson: Lesson, state: RoomState, participant: str) -> None:
    question = rooms.current_question(state, lesson)
    if question is None:
        st.info("Waiting for the facilitator.", icon=":material/hourglass_top:")
        return
    st.title(question.prompt)
    mine = rooms.my_answer(progress_store, state.code, participant, question.id)
    if mine and mine.approved:
        st.success("Your answer is shared with the room.", icon=":material/check_circle:")
        st.text(mine.text)
    else:
        if mine:
            st.caption("Your answer, waiting for the facilitator. You can still change it.")
            st.text(mine.text)
        with st.form(f"room_answer_form_{question.id}", clear_on_submit=True, border=False):
            st.text_input(
                "Your answer (one short line)",
                max_chars=rooms.MAX_ANSWER_CHARS,
                key=f"room_answer_{question.id}",
            )
            sent = st.form_submit_button(
                "Send" if mine is None else "Change my answer",
                type="primary",
                key=f"room_answer_send_{question.id}",
                width="stretch",
            )
        if sent:
            try:
                rooms.submit_answer(
                    progress_store,
                    state.code,
                    participant,
                    question.id,
                    st.session_state.get(f"room_answer_{question.id}", ""),
                )
            except rooms.AnswerRejected as error:
                st.error(str(error), icon=":material/error:")
            except StoreError as error:
                st.error(str(error), icon=":material/cloud_off:")
            else:
                st.rerun()
        st.caption("Answers appear for everyone only after the facilitator approves them.")
    approved = rooms.answers_for(progress_store, state.code, question.id, approved=True)
    if approved:
        st.subheader("Shared with the room")
        for answer in approved:
            with st.container(border=True):
                st.text(answer.text)


main()
