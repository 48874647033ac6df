"""Live rooms: pure state transitions and aggregation, then the same rules in the store (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import threading
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from course import rooms
from course.db_schema import room_answers, room_participants, room_votes
from course.loader import load_course
from course.models import Lesson
from course.rooms import RoomState
from tests.conftest import VALID_CONTENT
from tests.support.workshop import QUESTION_ID, workshop_content

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def lesson() -> Lesson:
    found = load_course(VALID_CONTENT).lesson("small-talk")
    assert found is not None
    return found


@pytest.fixture(scope="module")
def workshop_lesson(tmp_path_factory) -> Lesson:
    root = workshop_content(tmp_path_factory.mktemp("workshop") / "content")
    found = load_course(root).lesson("small-talk")
    assert found is not None
    return found


def voting(lesson: Lesson) -> RoomState:
    """A live room at its first scenario: voting on the first step."""
    return rooms.jump(rooms.start_state(lesson, code="ABCDEF", now=T0), lesson, "scenario:coffee-urn")


def people(count: int) -> list[str]:
    return [rooms.new_participant_id() for _ in range(count)]


# --- codes, ids, passcode, rate limit -------------------------------------------------------------


def test_room_codes_are_six_unambiguous_characters():
    """Codes never contain 0, O, 1, I or L, so they cannot be misread off a projector."""
    codes = {rooms.new_code() for _ in range(300)}
    assert len(codes) > 290  # random, not a counter
    for code in codes:
        assert len(code) == 6
        assert set(code) <= set(rooms.ALPHABET)
        assert not set(code) & set("0O1IL")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("abc def", "ABCDEF"), (" abc-def ", "ABCDEF"), ("XYZ234", "XYZ234"), ("ABCDE0", None), ("ABCDEI", None)],
)
def test_typed_codes_are_normalised_or_refused(typed, expected):
    """Lower case, spaces and a dash are forgiven; a character outside the alphabet is refused."""
    assert rooms.normalise_code(typed) == expected


@pytest.mark.parametrize("typed", ["", None, "ABCDE", "ABCDEFG", "<b>ABC</b>", "ABC;DE"])
def test_malformed_codes_are_refused(typed):
    """Wrong lengths and hostile text are never treated as a code."""
    assert rooms.normalise_code(typed) is None


def test_participant_ids_are_random_uuids_and_others_are_refused():
    """A participant id is a fresh UUID; anything else in the URL is not accepted."""
    first, second = rooms.new_participant_id(), rooms.new_participant_id()
    assert first != second
    assert rooms.is_participant_id(first)
    for bad in ("", None, "123", first.upper(), first[:-1] + "g", "' OR 1=1 --" + "x" * 25):
        assert not rooms.is_participant_id(bad)


def test_first_five_wrong_codes_are_free_then_waits_grow():
    """After five failures each try waits 5 s, then 10 s, 20 s ..., capped at five minutes."""
    assert rooms.join_wait_seconds(4, T0, T0) == 0
    assert rooms.join_wait_seconds(5, T0, T0) == 5
    assert rooms.join_wait_seconds(5, T0, T0 + timedelta(seconds=3)) == 2
    assert rooms.join_wait_seconds(5, T0, T0 + timedelta(seconds=6)) == 0
    assert rooms.join_wait_seconds(6, T0, T0) == 10
    assert rooms.join_wait_seconds(8, T0, T0) == 40
    assert rooms.join_wait_seconds(40, T0, T0) == rooms.MAX_JOIN_WAIT_SECONDS
    assert rooms.join_wait_seconds(9, None, T0) == 0


def test_facilitator_passcode_comes_from_environment_then_secrets():
    """COURSE_FACILITATOR_PASSCODE wins over [workshop] passcode; with neither, anyone may open a room."""
    secrets = {"workshop": {"passcode": "from-secrets"}}
    assert rooms.facilitator_passcode(secrets, {"COURSE_FACILITATOR_PASSCODE": "from-env"}) == "from-env"
    assert rooms.facilitator_passcode(secrets, {}) == "from-secrets"
    assert rooms.facilitator_passcode({}, {}) is None
    assert rooms.passcode_ok(None, None)
    assert rooms.passcode_ok("open sesame", "open sesame")
    assert not rooms.passcode_ok("open sesame", "open sesam")
    assert not rooms.passcode_ok("open sesame", None)


def test_host_token_matches_only_its_own_room(lesson):
    """Only the hash of the host token is kept, and only that token controls the room."""
    token = rooms.new_host_token()
    state = rooms.start_state(lesson, code="ABCDEF", now=T0, host_hash=rooms.hash_key(token))
    assert token not in repr(state)
    assert rooms.host_matches(state, token)
    assert not rooms.host_matches(state, rooms.new_host_token())
    assert not rooms.host_matches(state, None)
    assert not rooms.host_matches(rooms.start_state(lesson, code="ABCDEF", now=T0), token)


# --- transitions ---------------------------------------------------------------------------------


def test_join_twice_is_one_participant():
    """A refresh re-joins with the same id and is not counted twice."""
    me, other = people(2)
    joined = rooms.join(rooms.join(frozenset(), me), me)
    assert joined == {me}
    assert rooms.join(joined, other) == {me, other}
    with pytest.raises(rooms.RoomError):
        rooms.join(joined, "not-an-id")


def test_live_room_runs_lobby_situation_key_points_then_the_first_step(lesson):
    """People join in the lobby; Start shows the situation, then the key points, then voting on the first step."""
    lobby = rooms.start_state(lesson, code="ABCDEF", now=T0)
    assert lobby.phase == "lobby"
    assert lobby.expires_at == T0 + timedelta(hours=24)
    opening = rooms.advance(lobby, lesson)
    assert opening.phase == "opening"
    assert opening.revision == lobby.revision + 1
    points = rooms.advance(opening, lesson)
    assert points.phase == "points"
    started = rooms.advance(points, lesson)
    assert (started.phase, started.scenario_id, started.step_id) == ("voting", "coffee-urn", "open")
    assert started.step_key == "coffee-urn/open"
    # Presenting without a room skips the lobby.
    local = rooms.start_state(lesson, code="LOCAL", now=T0, live=False)
    assert (local.phase, local.revision) == ("opening", 0)


def test_running_order_follows_the_lesson(workshop_lesson, lesson):
    """Situation, key points, each scenario, each open question, the end; a lesson without an opening skips it."""
    assert rooms.places(workshop_lesson) == [
        "opening",
        "points",
        "scenario:coffee-urn",
        f"question:{QUESTION_ID}",
        "end",
    ]
    without_opening = lesson.model_copy(update={"opening": None})
    assert rooms.places(without_opening)[0] == "points"
    assert list(rooms.jump_targets(workshop_lesson).values()) == [
        "The situation",
        "Key points",
        "Scenario: At the coffee urn",
        "Open question: What is one opening line you could use at your next event?",
        "End the session",
    ]
    with pytest.raises(rooms.RoomError):
        rooms.jump(voting(without_opening), without_opening, "opening")


def test_a_vote_counts_and_a_changed_vote_replaces_it(lesson):
    """One vote per participant per step: voting again changes the vote instead of adding one."""
    state = voting(lesson)
    me, other = people(2)
    votes = rooms.apply_vote(state, lesson, {}, me, "pitch", now=T0)
    votes = rooms.apply_vote(state, lesson, votes, other, "setting", now=T0)
    votes = rooms.apply_vote(state, lesson, votes, me, "setting", now=T0)
    assert votes == {me: "setting", other: "setting"}
    step = rooms.current_step(state, lesson)
    assert rooms.aggregate(step, votes.values()).counts == (("setting", 2), ("pitch", 0))


def test_votes_are_refused_after_reveal_for_stale_steps_and_unknown_choices(lesson):
    """A vote only counts on the open step, for one of its choices, before the reveal, in a live room."""
    state = voting(lesson)
    me = rooms.new_participant_id()
    revealed = rooms.reveal(state, lesson)
    with pytest.raises(rooms.VoteRejected, match="closed"):
        rooms.apply_vote(revealed, lesson, {}, me, "setting", now=T0)
    assert rooms.vote_problem(state, lesson, "coffee-urn/follow", "ask", T0) == "The room has moved on to another step."
    assert rooms.vote_problem(state, lesson, state.step_key, "no-such-choice", T0)
    assert (
        rooms.vote_problem(state, lesson, state.step_key, "setting", T0 + timedelta(hours=24))
        == "This room has closed."
    )
    assert rooms.vote_problem(None, lesson, state.step_key, "setting", T0) == "This room has closed."
    assert rooms.vote_problem(state, lesson, state.step_key, "setting", T0) is None


def test_reveal_one_at_a_time_then_all(lesson):
    """Reveal shows consequences in choice order, one per click, or all at once; a repeat changes nothing."""
    state = voting(lesson)
    one = rooms.reveal(state, lesson)
    assert (one.phase, one.revealed) == ("revealed", ("setting",))
    two = rooms.reveal(one, lesson)
    assert two.revealed == ("setting", "pitch")
    assert rooms.reveal(two, lesson) == two
    assert rooms.reveal(state, lesson, everything=True).revealed == ("setting", "pitch")
    for elsewhere in ("lobby", "opening", "points"):
        with pytest.raises(rooms.RoomError):
            rooms.reveal(replace(state, phase=elsewhere), lesson)


def test_next_is_refused_before_the_reveal(lesson):
    """The facilitator reveals before moving on, so no step is skipped unseen."""
    with pytest.raises(rooms.RoomError, match="Reveal"):
        rooms.advance(voting(lesson), lesson)


def test_next_follows_the_most_voted_choice(lesson):
    """Two votes for the poor choice and one for the best: the room goes where most of it chose."""
    state = rooms.reveal(voting(lesson), lesson, everything=True)
    step = rooms.current_step(state, lesson)
    distribution = rooms.aggregate(step, ["pitch", "pitch", "setting"])
    assert distribution.winner == "pitch"
    after = rooms.advance(state, lesson, distribution, pick="setting")  # a pick cannot overrule a clear winner
    assert (after.phase, after.step_id, after.revealed) == ("voting", "follow", ())
    assert after.path == (("coffee-urn", "open", "pitch"),)
    assert rooms.scenario_run(after) == [("open", "pitch")]


def test_a_tie_or_no_votes_lets_the_facilitator_pick(lesson):
    """On a tie Next needs the facilitator's pick among the tied choices."""
    state = rooms.reveal(voting(lesson), lesson, everything=True)
    step = rooms.current_step(state, lesson)
    tied = rooms.aggregate(step, ["pitch", "setting"])
    with pytest.raises(rooms.NeedsPick) as raised:
        rooms.advance(state, lesson, tied)
    assert raised.value.tied == ("setting", "pitch")
    with pytest.raises(rooms.NeedsPick):
        rooms.advance(state, lesson, tied, pick="no-such-choice")
    assert rooms.advance(state, lesson, tied, pick="setting").path == (("coffee-urn", "open", "setting"),)
    empty = rooms.aggregate(step, [])
    assert empty.tied == ("setting", "pitch")
    assert rooms.advance(state, lesson, empty, pick="pitch").step_id == "follow"


def test_a_session_runs_through_ending_open_question_and_end(workshop_lesson):
    """Start, two steps, the ending, the open question, then the end; nothing follows the end."""
    lesson = workshop_lesson
    state = voting(lesson)
    for chosen in ("setting", "ask"):
        state = rooms.reveal(state, lesson, everything=True)
        state = rooms.advance(state, lesson, rooms.aggregate(rooms.current_step(state, lesson), [chosen]))
    assert (state.phase, state.step_id) == ("ending", "warm")
    assert rooms.current_ending(state, lesson).title == "A real conversation"
    assert rooms.scenario_run(state) == [("open", "setting"), ("follow", "ask")]
    state = rooms.advance(state, lesson)
    assert (state.phase, state.open_question_id) == ("open-text", QUESTION_ID)
    assert rooms.current_question(state, lesson).id == QUESTION_ID
    state = rooms.advance(state, lesson)
    assert state.phase == "ended"
    with pytest.raises(rooms.RoomError):
        rooms.advance(state, lesson)


def test_ending_without_open_questions_ends_the_session(lesson):
    """A lesson with one scenario and no open question ends after its ending."""
    state = rooms.reveal(voting(lesson), lesson, everything=True)
    state = rooms.advance(state, lesson, pick="pitch")
    state = rooms.advance(rooms.reveal(state, lesson, everything=True), lesson, pick="advice")
    assert (state.phase, state.step_id) == ("ending", "cool")
    assert rooms.advance(state, lesson).phase == "ended"


def test_replaying_a_scenario_collects_fresh_votes(workshop_lesson):
    """Jumping back to a scenario gives its steps new vote keys, so earlier votes do not carry over."""
    lesson = workshop_lesson
    state = rooms.advance(rooms.reveal(voting(lesson), lesson, everything=True), lesson, pick="setting")
    again = rooms.jump(state, lesson, "scenario:coffee-urn")
    assert (again.phase, again.step_id) == ("voting", "open")
    assert again.step_key == "coffee-urn/open#2"
    assert rooms.parse_step_key(again.step_key) == ("coffee-urn", "open", 1)
    assert rooms.jump(state, lesson, f"question:{QUESTION_ID}").phase == "open-text"
    assert rooms.jump(state, lesson, "end").phase == "ended"
    with pytest.raises(rooms.RoomError):
        rooms.jump(state, lesson, "question:nope")


def test_aggregation_counts_in_choice_order_and_marks_the_expert_choice(lesson):
    """Counts follow the step's choices, unknown choices are ignored, and the best-rated choice is marked."""
    step = rooms.current_step(voting(lesson), lesson)
    distribution = rooms.aggregate(step, ["pitch", "setting", "pitch", "removed-choice"])
    assert distribution.counts == (("setting", 1), ("pitch", 2))
    assert distribution.total == 3
    assert distribution.best == ("setting",)
    assert distribution.winner == "pitch"
    assert distribution.share("pitch") == pytest.approx(2 / 3)
    assert rooms.aggregate(step, []).share("pitch") == 0


def test_rooms_expire_after_24_hours(lesson):
    """A room is open until exactly 24 hours after it opened."""
    state = rooms.start_state(lesson, code="ABCDEF", now=T0)
    assert not rooms.is_expired(state, T0 + timedelta(hours=23, minutes=59))
    assert rooms.is_expired(state, T0 + timedelta(hours=24))


def test_answers_are_trimmed_and_limited_to_200_characters():
    """Open-text answers are one short line; empty or long ones are refused."""
    assert rooms.clean_answer("  Ask about\nthe talk  ") == "Ask about the talk"
    assert rooms.clean_answer("x" * 200) == "x" * 200
    for bad in ("", "   ", None, "x" * 201):
        with pytest.raises(rooms.AnswerRejected):
            rooms.clean_answer(bad)


def test_results_csv_is_anonymous_and_safe_to_open_in_a_spreadsheet(lesson):
    """One row per choice per step with counts and the room's path; only approved answers, formulas defused."""
    answers = [
        rooms.Answer("1", QUESTION_ID, '=HYPERLINK("http://x")', True, T0),
        rooms.Answer("2", QUESTION_ID, "not approved yet", False, T0),
    ]
    text = rooms.results_csv(
        lesson, {"coffee-urn/open": ["pitch", "pitch", "setting"]}, answers, path=[("coffee-urn", "open", "pitch")]
    )
    rows = list(csv.DictReader(io.StringIO(text)))
    votes = {row["item"]: row for row in rows if row["kind"] == "vote"}
    assert votes["setting"]["votes"] == "1"
    assert votes["pitch"]["votes"] == "2"
    assert votes["setting"]["expert_best"] == "yes"
    assert votes["pitch"]["room_path"] == "yes"
    assert [row["text"] for row in rows if row["kind"] == "answer"] == ['\'=HYPERLINK("http://x")']
    assert "not approved yet" not in text
    assert "participant" not in text


# --- the store: SQLite and PostgreSQL -------------------------------------------------------------


def started_room(store, lesson: Lesson) -> tuple[RoomState, str]:
    state, token = rooms.open_room(store, lesson)
    after = rooms.jump(state, lesson, "scenario:coffee-urn")
    assert rooms.save_transition(store, state, after)
    return after, token


def test_open_join_vote_change_and_reveal_in_the_store(any_store_url, open_store, lesson):
    """Votes are stored once per participant, can change until the reveal, and are refused after it."""
    store = open_store(any_store_url)
    state, token = started_room(store, lesson)
    assert rooms.host_matches(rooms.load_room(store, state.code), token)
    me, other = people(2)
    for person in (me, other, me):  # joining twice (a refresh) is harmless
        assert rooms.join_room(store, state.code, person) is not None
    rooms.cast_vote(store, lesson, state.code, me, state.step_key, "pitch")
    rooms.cast_vote(store, lesson, state.code, other, state.step_key, "setting")
    rooms.cast_vote(store, lesson, state.code, me, state.step_key, "setting")
    assert rooms.my_vote(store, state.code, me, state.step_key) == "setting"
    assert rooms.room_counts(store, state) == rooms.Counts(joined=2, voted=2)
    assert sorted(rooms.votes_for(store, state.code, state.step_key)) == ["setting", "setting"]

    revealed = rooms.reveal(state, lesson)
    assert rooms.save_transition(store, state, revealed)
    with pytest.raises(rooms.VoteRejected):
        rooms.cast_vote(store, lesson, state.code, me, state.step_key, "pitch")
    assert rooms.my_vote(store, state.code, me, state.step_key) == "setting"
    assert rooms.room_revision(store, state.code) == revealed.revision
    assert rooms.load_room(store, state.code) == revealed


def test_a_stale_facilitator_window_cannot_overwrite_the_room(any_store_url, open_store, lesson):
    """Two facilitator windows: the second change based on an old revision is refused, not merged."""
    store = open_store(any_store_url)
    state, _ = started_room(store, lesson)
    assert rooms.save_transition(store, state, rooms.reveal(state, lesson))
    assert not rooms.save_transition(store, state, rooms.reveal(state, lesson, everything=True))
    assert rooms.load_room(store, state.code).revealed == ("setting",)


def test_sixty_participants_voting_at_once_lose_and_double_nothing(any_store_url, open_store, lesson):
    """60 threads join and vote together (20 change their vote): exactly 60 votes, each where it was last cast."""
    store = open_store(any_store_url)
    state, _ = started_room(store, lesson)
    participants = people(60)
    barrier = threading.Barrier(len(participants))
    errors: list[BaseException] = []

    def participant(index: int, person: str) -> None:
        try:
            barrier.wait(timeout=60)
            rooms.join_room(store, state.code, person)
            rooms.cast_vote(store, lesson, state.code, person, state.step_key, "pitch")
            if index % 3 == 0:  # every third changes their mind
                rooms.cast_vote(store, lesson, state.code, person, state.step_key, "setting")
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=participant, args=pair) for pair in enumerate(participants)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    counts = rooms.room_counts(store, state)
    assert (counts.joined, counts.voted) == (60, 60)
    step = rooms.current_step(state, lesson)
    distribution = rooms.aggregate(step, rooms.votes_for(store, state.code, state.step_key))
    assert distribution.counts == (("setting", 20), ("pitch", 40))
    with store.reading() as connection:
        rows = connection.execute(select(func.count()).select_from(room_votes)).scalar_one()
        distinct = connection.execute(select(func.count(func.distinct(room_votes.c.participant_id)))).scalar_one()
    assert rows == distinct == 60


def test_votes_racing_the_reveal_are_counted_before_it_or_refused(any_store_url, open_store, lesson):
    """While 30 people vote the facilitator reveals: every accepted vote is in the result and no refused one is."""
    store = open_store(any_store_url)
    state, _ = started_room(store, lesson)
    participants = people(30)
    accepted: list[str] = []
    refused: list[str] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(len(participants) + 1)

    def participant(person: str) -> None:
        try:
            barrier.wait(timeout=60)
            rooms.cast_vote(store, lesson, state.code, person, state.step_key, "setting")
            accepted.append(person)
        except rooms.VoteRejected:
            refused.append(person)
        except BaseException as error:  # reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=participant, args=(person,)) for person in participants]
    for thread in threads:
        thread.start()
    barrier.wait(timeout=60)
    assert rooms.save_transition(store, state, rooms.reveal(state, lesson, everything=True))
    at_reveal = len(rooms.votes_for(store, state.code, state.step_key))
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert len(accepted) + len(refused) == 30
    # Must not happen: a vote slipping in after the reveal, or an accepted vote missing.
    assert len(rooms.votes_for(store, state.code, state.step_key)) == at_reveal == len(accepted)


def test_expired_rooms_and_their_votes_are_deleted_when_rooms_are_read(any_store_url, open_store, lesson):
    """24 hours after opening a room is gone, and so are its participants, votes and answers."""
    store = open_store(any_store_url)
    old, _ = rooms.open_room(store, lesson, now=T0)
    old = rooms.jump(old, lesson, "scenario:coffee-urn")
    assert rooms.save_transition(store, rooms.load_room(store, old.code, now=T0), old)
    person = rooms.new_participant_id()
    rooms.join_room(store, old.code, person, now=T0)
    rooms.cast_vote(store, lesson, old.code, person, old.step_key, "setting", now=T0)
    fresh, _ = rooms.open_room(store, lesson, now=T0 + timedelta(hours=20))

    later = T0 + timedelta(hours=24, seconds=1)
    assert rooms.room_revision(store, old.code, now=later) is None
    assert rooms.load_room(store, old.code, now=later) is None
    assert rooms.load_room(store, fresh.code, now=later) is not None
    with store.reading() as connection:
        for table in (room_votes, room_participants, room_answers):
            left = connection.execute(
                select(func.count()).select_from(table).where(table.c.room_code == old.code)
            ).scalar_one()
            assert left == 0, table.name
    assert rooms.join_room(store, old.code, person, now=later) is None


def test_open_answers_stay_hidden_until_approved(any_store_url, open_store, workshop_lesson):
    """An answer can change until approved; only approved answers are listed for the room; removal deletes."""
    store = open_store(any_store_url)
    state, _ = rooms.open_room(store, workshop_lesson)
    asking = rooms.jump(state, workshop_lesson, f"question:{QUESTION_ID}")
    assert rooms.save_transition(store, state, asking)
    me, other = people(2)
    with pytest.raises(rooms.AnswerRejected):
        rooms.submit_answer(store, state.code, me, "other-question", "hello")
    rooms.submit_answer(store, state.code, me, QUESTION_ID, "first draft")
    rooms.submit_answer(store, state.code, me, QUESTION_ID, "  <b>Ask</b> about the talk ")
    rooms.submit_answer(store, state.code, other, QUESTION_ID, "something rude")
    assert rooms.answers_for(store, state.code, QUESTION_ID, approved=True) == []
    assert rooms.room_counts(store, asking).waiting == 2
    mine = rooms.my_answer(store, state.code, me, QUESTION_ID)
    assert mine.text == "<b>Ask</b> about the talk"

    revision = rooms.room_revision(store, state.code)
    theirs = rooms.my_answer(store, state.code, other, QUESTION_ID)
    assert rooms.moderate(store, state.code, [mine.id], approve=True) == 1
    assert rooms.moderate(store, state.code, [theirs.id], approve=False) == 1
    assert rooms.room_revision(store, state.code) == revision + 2  # participants' pages notice
    assert [a.text for a in rooms.answers_for(store, state.code, QUESTION_ID, approved=True)] == [
        "<b>Ask</b> about the talk"
    ]
    assert rooms.my_answer(store, state.code, other, QUESTION_ID) is None
    with pytest.raises(rooms.AnswerRejected, match="already shared"):
        rooms.submit_answer(store, state.code, me, QUESTION_ID, "changed after approval")


def test_exported_results_hold_counts_and_approved_answers_only(any_store_url, open_store, workshop_lesson):
    """The CSV from the store has the room's vote counts and approved answers, and no participant ids."""
    store = open_store(any_store_url)
    state, _ = started_room(store, workshop_lesson)
    me, other = people(2)
    for person, choice in ((me, "pitch"), (other, "pitch")):
        rooms.cast_vote(store, workshop_lesson, state.code, person, state.step_key, choice)
    revealed = rooms.reveal(state, workshop_lesson, everything=True)
    rooms.save_transition(store, state, revealed)
    moved = rooms.advance(
        revealed, workshop_lesson, rooms.aggregate(rooms.current_step(revealed, workshop_lesson), ["pitch"])
    )
    rooms.save_transition(store, revealed, moved)
    text = rooms.export_results(store, workshop_lesson, state.code)
    rows = list(csv.DictReader(io.StringIO(text)))
    pitch = next(row for row in rows if row["step"] == "open" and row["item"] == "pitch")
    assert (pitch["votes"], pitch["room_path"]) == ("2", "yes")
    assert me not in text and other not in text


def test_rooms_schema_has_the_0003_columns(any_store_url, open_store):
    """Migration 0003 adds the room's path and revealed choices."""
    from sqlalchemy import inspect as sa_inspect

    store = open_store(any_store_url)
    columns = {column["name"] for column in sa_inspect(store.engine).get_columns("rooms")}
    assert {"path", "revealed"} <= columns
