"""The presenter view and the participant's room page, in AppTest."""

from __future__ import annotations

from pathlib import Path

import pytest

from course import rooms
from course.loader import load_course
from course.store import Store
from tests.apptest_helpers import open_page, texts
from tests.support.workshop import (
    DISCUSSION,
    ENDING_NOTES,
    LESSON_NOTES,
    QUESTION,
    QUESTION_ID,
    STEP_NOTES,
    workshop_content,
)

SITUATION = "She is pouring a coffee and glances at you."
CONSEQUENCE_SETTING = "She smiles and says the second half surprised her."
CONSEQUENCE_PITCH = "She nods politely and looks at her phone."


@pytest.fixture
def workshop_env(monkeypatch, app_env, tmp_path: Path) -> Path:
    """Pages run against the fixture course with facilitator notes, a discussion prompt and an open question."""
    root = workshop_content(tmp_path / "content")
    monkeypatch.setenv("COURSE_CONTENT_ROOT", str(root))
    return root


@pytest.fixture
def room_store(app_env, open_store) -> Store:
    return open_store(app_env)


@pytest.fixture
def lesson(workshop_env):
    return load_course(workshop_env).lesson("small-talk")


def labels(at) -> list[str]:
    return [button.label for button in at.button]


def charts(at) -> list:
    return at.get("plotly_chart")


def live(store: Store, lesson, *, started: bool = True) -> tuple[rooms.RoomState, str]:
    """A live room; started means at the first scenario step."""
    state, token = rooms.open_room(store, lesson)
    if started:
        after = rooms.jump(state, lesson, "scenario:coffee-urn")
        assert rooms.save_transition(store, state, after)
        state = after
    return state, token


def move(store: Store, lesson, transition) -> rooms.RoomState:
    """Apply a facilitator transition to the stored room (as another window would)."""
    code = store_code(store)
    before = rooms.load_room(store, code)
    after = transition(before)
    assert rooms.save_transition(store, before, after)
    return after


def first_step(page: str = "presenter", **query: str):
    """The presenter view, moved past the situation and the key points to the first scenario step."""
    at = open_page(page, **query)
    at.button(key="pv_next").click().run()
    at.button(key="pv_next").click().run()
    return at


def store_code(store: Store) -> str:
    from sqlalchemy import select

    from course.db_schema import rooms as rooms_table

    with store.reading() as connection:
        return connection.execute(select(rooms_table.c.code)).scalar_one()


# --- presenter view ----------------------------------------------------------------------------------


def test_presenter_without_a_lesson_offers_a_choice(workshop_env):
    """/presenter alone lists presentable lessons; Present opens the chosen one."""
    at = open_page("presenter")
    assert not at.exception
    assert at.title[0].value == "Presenter view"
    at.selectbox(key="pv_lesson_pick").set_value("small-talk")
    at.button(key="pv_lesson_go").click().run()
    assert at.query_params["lesson"] == "small-talk"
    assert "You are at a meetup and know nobody" in texts(at)


def test_presenter_opens_on_the_situation_then_the_key_points(workshop_env):
    """A session starts with the real problem and its think-first question, then the rules and both examples."""
    at = open_page("presenter", lesson="small-talk")
    shown = texts(at)
    assert "You are at a meetup and know nobody" in shown
    assert "Think first: What usually stops you" in shown
    assert SITUATION not in shown
    at.button(key="pv_next").click().run()
    shown = texts(at)
    assert "**Open with a remark about the shared setting, not about yourself.**" in shown
    assert "Works: Shared setting first" in shown and "Falls flat: The elevator pitch" in shown
    at.button(key="pv_next").click().run()
    assert SITUATION in texts(at)


def test_presenter_shows_one_step_with_choices_prompt_and_notes(workshop_env):
    """The first step shows its situation, lettered choices, the discussion prompt and facilitator notes."""
    at = first_step(lesson="small-talk")
    assert not at.exception
    shown = texts(at)
    assert SITUATION in shown
    assert "**A.** Mention the talk you both just heard" in shown
    assert "**B.** Introduce yourself" in shown
    assert DISCUSSION in shown
    assert STEP_NOTES in shown
    assert LESSON_NOTES in shown
    # Must not happen: consequences before the reveal, or the next step already on screen.
    assert CONSEQUENCE_SETTING not in shown
    assert "She mentions she is new to the field." not in shown
    assert at.button(key="pv_next").disabled


def test_presenter_reveals_one_consequence_then_all_then_follows_the_pick(workshop_env):
    """Reveal next shows choice A's consequence only; Reveal all shows both; Next needs the room's pick."""
    at = first_step(lesson="small-talk")
    at.button(key="pv_reveal_one").click().run()
    shown = texts(at)
    assert CONSEQUENCE_SETTING in shown
    assert CONSEQUENCE_PITCH not in shown
    assert "Expert's choice" in shown
    at.button(key="pv_reveal_all").click().run()
    assert CONSEQUENCE_PITCH in texts(at)
    assert at.button(key="pv_reveal_all").disabled
    # Without a room there are no votes: the facilitator says which way the room went.
    assert at.button(key="pv_next").disabled
    at.radio(key="pv_pick_coffee-urn/open").set_value("pitch").run()
    at.button(key="pv_next").click().run()
    shown = texts(at)
    assert "She mentions she is new to the field." in shown
    assert "decision 2" in shown
    assert not charts(at)  # no room, no chart


def test_presenter_reaches_the_ending_with_the_room_score_and_expert_path(workshop_env):
    """After the last step the ending shows the room's path score and the expert path."""
    at = first_step(lesson="small-talk")
    for step, pick in (("open", "setting"), ("follow", "advice")):
        at.button(key="pv_reveal_all").click().run()
        at.radio(key=f"pv_pick_coffee-urn/{step}").set_value(pick).run()
        at.button(key="pv_next").click().run()
    shown = texts(at)
    assert "Ending: A polite exit" in shown
    assert "**62/100**" in shown  # (5 + 2) / 2 = 3.5 -> 62.5
    assert "Ask what drew her to data engineering." in shown  # the expert path
    assert ENDING_NOTES in shown
    at.button(key="pv_next").click().run()
    assert QUESTION in texts(at)


def test_timer_is_off_by_default_and_counts_down_when_started(workshop_env):
    """No timer shows until it is switched on; started, it shows minutes and seconds left."""
    at = open_page("presenter", lesson="small-talk")
    assert not at.toggle(key="pv_timer_on").value
    assert not [n for n in at.number_input if n.key == "pv_timer_minutes"]
    at.toggle(key="pv_timer_on").set_value(True).run()
    at.number_input(key="pv_timer_minutes").set_value(3).run()
    at.button(key="pv_timer_start").click().run()
    assert any(m.value in ("3:00", "2:59") for m in at.markdown)


def test_opening_a_live_room_puts_code_and_host_token_in_the_url(workshop_env, room_store):
    """Open a live room shows the lobby with the join code; only the token's hash is stored."""
    at = open_page("presenter", lesson="small-talk")
    at.button(key="pv_open_room").click().run()
    code, host = at.query_params["room"], at.query_params["host"]
    assert rooms.normalise_code(code) == code
    shown = texts(at)
    assert f"{code[:3]} {code[3:]}" in shown
    assert "?room=" + code in shown
    state = rooms.load_room(room_store, code)
    assert state.phase == "lobby"
    assert rooms.host_matches(state, host)
    assert host not in state.host_hash
    assert [m.value for m in at.metric] == ["0"]  # joined


def test_opening_a_room_needs_the_facilitator_passcode_when_one_is_set(workshop_env, monkeypatch, room_store):
    """With a passcode configured a wrong one opens nothing; the right one opens the room."""
    monkeypatch.setenv("COURSE_FACILITATOR_PASSCODE", "tea-and-biscuits")
    at = open_page("presenter", lesson="small-talk")
    at.text_input(key="pv_passcode").input("coffee")
    at.button(key="pv_open_room").click().run()
    assert "room" not in at.query_params
    assert "passcode is not right" in texts(at)
    at.text_input(key="pv_passcode").input("tea-and-biscuits")
    at.button(key="pv_open_room").click().run()
    assert "room" in at.query_params


def test_a_room_url_without_the_host_token_cannot_present(workshop_env, room_store, lesson):
    """Someone with only the join code sees a way to join, never the facilitator's controls."""
    state, _ = live(room_store, lesson)
    at = open_page("presenter", room=state.code, host="not-the-token")
    assert not at.exception
    assert "Only the facilitator who opened this room" in texts(at)
    assert "pv_reveal_one" not in [b.key for b in at.button]
    assert SITUATION not in texts(at)


def test_live_presenter_counts_votes_and_reveals_the_chart(workshop_env, room_store, lesson):
    """Joined and voted counts match the store; Reveal all draws the distribution with the expert's choice."""
    state, token = live(room_store, lesson)
    voters = [rooms.new_participant_id() for _ in range(3)]
    for person, choice in zip(voters, ("setting", "setting", "pitch"), strict=True):
        rooms.join_room(room_store, state.code, person)
        rooms.cast_vote(room_store, lesson, state.code, person, state.step_key, choice)
    rooms.join_room(room_store, state.code, rooms.new_participant_id())  # joined, not voted
    at = open_page("presenter", lesson="small-talk", room=state.code, host=token)
    assert [m.value for m in at.metric] == ["4", "3"]
    assert not charts(at)
    at.button(key="pv_reveal_all").click().run()
    assert len(charts(at)) == 1
    assert "3 votes: A 2 (67%), B 1 (33%). Expert's choice (★): A." in texts(at)
    at.button(key="pv_next").click().run()  # A won: no pick needed
    assert "She mentions she is new to the field." in texts(at)
    assert rooms.load_room(room_store, state.code).path == (("coffee-urn", "open", "setting"),)


def test_moderation_keeps_answers_off_the_shared_screen_until_approved(workshop_env, room_store, lesson):
    """Pending answers are hidden behind a toggle; approved ones show as plain text."""
    state, token = live(room_store, lesson)
    move(room_store, lesson, lambda s: rooms.jump(s, lesson, f"question:{QUESTION_ID}"))
    person = rooms.new_participant_id()
    hostile = "<img src=x onerror=alert(1)> **loud**"
    rooms.submit_answer(room_store, state.code, person, QUESTION_ID, hostile)
    at = open_page("presenter", lesson="small-talk", room=state.code, host=token)
    assert QUESTION in texts(at)
    assert hostile not in texts(at)
    at.toggle(key="pv_show_pending").set_value(True).run()
    assert hostile in [t.value for t in at.text]
    answer = rooms.my_answer(room_store, state.code, person, QUESTION_ID)
    at.button(key=f"pv_approve_{answer.id}").click().run()
    at.toggle(key="pv_show_pending").set_value(False).run()
    assert hostile in [t.value for t in at.text]
    assert not any(hostile in m.value for m in at.markdown)


def test_results_download_and_an_expired_room(workshop_env, room_store, lesson):
    """The facilitator gets a CSV download; once the room is gone its URL says so."""
    state, token = live(room_store, lesson)
    at = open_page("presenter", lesson="small-talk", room=state.code, host=token)
    assert [d for d in at.get("download_button") if d.proto.label.startswith("Download anonymous results")]
    rooms.purge_expired(room_store, now=state.expires_at)
    at = open_page("presenter", lesson="small-talk", room=state.code, host=token)
    assert "This room has closed" in texts(at)


# --- participant page -------------------------------------------------------------------------------


def test_join_form_without_a_code(workshop_env):
    """/room alone asks for the code."""
    at = open_page("room")
    assert not at.exception
    assert at.title[0].value == "Join a room"
    assert at.text_input(key="room_code_input")


def test_typed_code_joins_and_gets_a_participant_id(workshop_env, room_store, lesson):
    """Typing the code in lower case with a space joins the room with a fresh anonymous id in the URL."""
    state, _ = live(room_store, lesson, started=False)
    at = open_page("room")
    at.text_input(key="room_code_input").input(f"{state.code[:3].lower()} {state.code[3:].lower()}")
    at.button(key="room_join").click().run()
    assert not at.exception
    participant = at.query_params["p"]
    assert rooms.is_participant_id(participant)
    assert "You're in" in texts(at)
    assert rooms.room_counts(room_store, state).joined == 1


def test_repeated_wrong_codes_are_slowed_down(workshop_env, room_store, lesson):
    """Five wrong codes are allowed; then even the right code must wait."""
    state, _ = live(room_store, lesson, started=False)
    at = open_page("room")
    for _ in range(5):
        at.text_input(key="room_code_input").input("ZZZZZZ" if state.code != "ZZZZZZ" else "YYYYYY")
        at.button(key="room_join").click().run()
        assert "does not match an open room" in texts(at)
    at.text_input(key="room_code_input").input(state.code)
    at.button(key="room_join").click().run()
    assert "Please wait" in texts(at)
    assert "room" not in at.query_params
    assert rooms.room_counts(room_store, state).joined == 0


def test_a_join_link_with_an_unknown_code_explains_and_offers_the_form(workshop_env, room_store):
    """A stale or mistyped link says so, without a traceback."""
    at = open_page("room", room="ABCDEF")
    assert not at.exception
    assert "There is no open room with the code" in texts(at)
    assert at.text_input(key="room_code_input")


def test_a_hostile_room_link_is_never_echoed(workshop_env, room_store):
    """Text from the URL is untrusted: a crafted ?room= value does not appear on the page."""
    at = open_page("room", room="[win](http://evil.example)")
    assert not at.exception
    assert "There is no open room with the code" in texts(at)
    assert "evil.example" not in texts(at)


def test_participant_follows_the_situation_and_key_points(workshop_env, room_store, lesson):
    """The phone shows the lobby, then the situation, then the key points, as the facilitator moves on."""
    state, _ = live(room_store, lesson, started=False)
    person = rooms.new_participant_id()
    at = open_page("room", room=state.code, p=person)
    assert "You're in" in texts(at)
    move(room_store, lesson, lambda s: rooms.advance(s, lesson))
    at = open_page("room", room=state.code, p=person)
    assert "Think first: What usually stops you" in texts(at)
    move(room_store, lesson, lambda s: rooms.advance(s, lesson))
    at = open_page("room", room=state.code, p=person)
    assert "**Ask one open question and let the answer lead.**" in texts(at)
    assert not [b for b in at.button if b.key and b.key.startswith("room_vote_")]


def test_participant_votes_changes_vote_and_sees_no_results_before_the_reveal(workshop_env, room_store, lesson):
    """Tapping a choice votes; tapping another changes it; nothing of the results shows before the reveal."""
    state, _ = live(room_store, lesson)
    person = rooms.new_participant_id()
    at = open_page("room", room=state.code, p=person)
    assert SITUATION in texts(at)
    at.button(key="room_vote_pitch").click().run()
    assert rooms.my_vote(room_store, state.code, person, state.step_key) == "pitch"
    assert "Your vote: B." in texts(at)
    at.button(key="room_vote_setting").click().run()
    assert rooms.my_vote(room_store, state.code, person, state.step_key) == "setting"
    assert "Your vote: A." in texts(at)
    assert rooms.room_counts(room_store, state).voted == 1
    # Must not happen: any result, consequence or expert mark before the reveal.
    shown = texts(at)
    assert not charts(at)
    assert CONSEQUENCE_SETTING not in shown and CONSEQUENCE_PITCH not in shown
    assert "Expert's choice" not in shown


def test_a_refresh_keeps_the_participants_place_and_vote(workshop_env, room_store, lesson):
    """Opening the same URL again (a refresh) shows the same vote and does not join twice."""
    state, _ = live(room_store, lesson)
    person = rooms.new_participant_id()
    first = open_page("room", room=state.code, p=person)
    first.button(key="room_vote_pitch").click().run()
    again = open_page("room", room=state.code, p=person)
    assert "Your vote: B." in texts(again)
    assert rooms.room_counts(room_store, state).joined == 1


def test_participant_sees_the_reveal_with_chart_consequences_and_their_vote(workshop_env, room_store, lesson):
    """After the reveal the phone shows the distribution, the expert's choice, the consequences and their own vote."""
    state, _ = live(room_store, lesson)
    person = rooms.new_participant_id()
    rooms.join_room(room_store, state.code, person)
    rooms.cast_vote(room_store, lesson, state.code, person, state.step_key, "pitch")
    move(room_store, lesson, lambda s: rooms.reveal(s, lesson, everything=True))
    at = open_page("room", room=state.code, p=person)
    assert len(charts(at)) == 1
    shown = texts(at)
    assert CONSEQUENCE_SETTING in shown and CONSEQUENCE_PITCH in shown
    assert "1 vote: A 0 (0%), B 1 (100%). Expert's choice (★): A." in shown
    assert ":green-badge[:material/star: Expert's choice]" in shown
    assert ":blue-badge[:material/how_to_vote: Your vote]" in shown
    assert not [b for b in at.button if b.key and b.key.startswith("room_vote_")]  # voting has closed


def test_participant_open_answer_waits_for_approval_and_stays_plain_text(workshop_env, room_store, lesson):
    """An answer is sent, shown back as typed, and reaches the shared list only once approved."""
    state, _ = live(room_store, lesson)
    move(room_store, lesson, lambda s: rooms.jump(s, lesson, f"question:{QUESTION_ID}"))
    person = rooms.new_participant_id()
    hostile = "<script>alert(1)</script> _hi_"
    at = open_page("room", room=state.code, p=person)
    assert QUESTION in texts(at)
    at.text_input(key=f"room_answer_{QUESTION_ID}").input(hostile)
    at.button(key=f"room_answer_send_{QUESTION_ID}").click().run()
    assert "waiting for the facilitator" in texts(at)
    assert "Shared with the room" not in texts(at)
    answer = rooms.my_answer(room_store, state.code, person, QUESTION_ID)
    assert answer.text == hostile
    rooms.moderate(room_store, state.code, [answer.id], approve=True)
    at = open_page("room", room=state.code, p=person)
    assert "Shared with the room" in texts(at)
    assert [t.value for t in at.text].count(hostile) == 2  # theirs, and the shared list
    assert not any("<script>" in m.value for m in at.markdown)


def test_participant_sees_the_end_of_the_session(workshop_env, room_store, lesson):
    """When the facilitator ends the session the phone says thank you and links to the lesson."""
    state, _ = live(room_store, lesson)
    move(room_store, lesson, lambda s: rooms.jump(s, lesson, "end"))
    at = open_page("room", room=state.code, p=rooms.new_participant_id())
    assert "This session has ended" in texts(at)


def test_presenter_walks_a_real_lesson_from_start_to_end(app_env):
    """The first real strategy lesson runs through every place to the end without an exception."""
    from tests.conftest import ROOT

    lesson = next(item for item in load_course(ROOT).lessons if item.scenarios)
    at = open_page("presenter", lesson=lesson.id)
    for _ in range(60):
        assert not at.exception, [e.value for e in at.exception]
        if "Thank you" in [t.value for t in at.title]:
            break
        reveal = [b for b in at.button if b.key == "pv_reveal_all"]
        if reveal and not reveal[0].disabled:
            reveal[0].click().run()
            continue
        picks = [r for r in at.radio if r.key and r.key.startswith("pv_pick_")]
        if picks and picks[0].value is None:
            picks[0].set_value(picks[0].options[0]).run()  # AppTest matches the shown label
            continue
        at.button(key="pv_next").click().run()
    assert "Thank you" in [t.value for t in at.title]
