"""Live workshop rooms: pure state transitions and aggregation, and the store functions that persist them.

A facilitator opens a room for one lesson; participants join with a six-character code and vote on
each scenario step from their own phones. Every piece of room state lives in the database (several
app processes may serve one room), so the pages hold nothing but the ids in their URLs.

The pure half (RoomState, the transitions, aggregate, join_wait_seconds, results_csv) never touches the
database and is tested on its own. The store half wraps each change in one transaction.
"""

from __future__ import annotations

import csv
import hmac
import io
import json
import secrets
import uuid
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from course.db_schema import room_answers, room_participants, room_votes, rooms
from course.events import as_utc, utcnow
from course.models import Ending, Lesson, OpenQuestion, Scenario, Step
from course.scenario import best_effectiveness, ending_by_id, step_by_id
from course.store import Store, StoreError, hash_key

# No 0/O, 1/I/L: a code read off a projector or typed on a phone cannot be misread.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
ROOM_LIFETIME = timedelta(hours=24)
MAX_ANSWER_CHARS = 200
FREE_JOIN_ATTEMPTS = 5
MAX_JOIN_WAIT_SECONDS = 300.0
MAX_VISITS = 99  # a step key has room for "#99"

Phase = Literal["lobby", "opening", "points", "voting", "revealed", "ending", "open-text", "ended"]
PathEntry = tuple[str, str, str]  # (scenario_id, step_id, choice_id)


class RoomError(Exception):
    """A room action that cannot happen now, phrased for the person who tried it."""


class NeedsPick(RoomError):
    """The room's vote is tied (or empty): the facilitator picks which way the scenario goes."""

    def __init__(self, tied: Sequence[str]) -> None:
        super().__init__("The room is split. Pick which way the scenario goes.")
        self.tied = tuple(tied)


class VoteRejected(RoomError):
    pass


class AnswerRejected(RoomError):
    pass


# --- pure: codes, ids, passcode, rate limit -----------------------------------------------


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(typed: str | None) -> str | None:
    """A typed or linked code in canonical form, or None when it cannot be a room code."""
    if not typed:
        return None
    code = "".join(ch for ch in typed.upper() if not ch.isspace() and ch != "-")
    if len(code) != CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def new_participant_id() -> str:
    return str(uuid.uuid4())


def is_participant_id(value: str | None) -> bool:
    if not value or len(value) != 36:
        return False
    try:
        return str(uuid.UUID(value)) == value
    except ValueError:
        return False


def new_host_token() -> str:
    return secrets.token_urlsafe(24)


def facilitator_passcode(secrets_map: Mapping[str, Any] | None, environ: Mapping[str, str]) -> str | None:
    """The passcode that opening a room needs, or None when opening rooms is open to everyone.

    COURSE_FACILITATOR_PASSCODE wins over secrets `[workshop] passcode`.
    """
    if environ.get("COURSE_FACILITATOR_PASSCODE"):
        return environ["COURSE_FACILITATOR_PASSCODE"]
    try:
        value = secrets_map["workshop"]["passcode"]  # type: ignore[index]
    except (KeyError, TypeError):
        return None
    return str(value) if value else None


def passcode_ok(expected: str | None, given: str | None) -> bool:
    if expected is None:
        return True
    return hmac.compare_digest(expected.encode("utf-8"), (given or "").encode("utf-8"))


def join_wait_seconds(failures: int, last_failure: datetime | None, now: datetime) -> float:
    """How long a session must wait before trying another room code.

    The first five wrong codes are free (people mistype); after that each attempt waits
    5 s, 10 s, 20 s, ... up to five minutes after the last failure, so guessing codes is slow.
    """
    if failures < FREE_JOIN_ATTEMPTS or last_failure is None:
        return 0.0
    delay = min(5.0 * 2 ** (failures - FREE_JOIN_ATTEMPTS), MAX_JOIN_WAIT_SECONDS)
    waited = (now - last_failure).total_seconds()
    return max(0.0, delay - waited)


# --- pure: room state -------------------------------------------------------------------------


@dataclass(frozen=True)
class RoomState:
    """Where a room is. `step_id` holds the ending id in the "ending" phase."""

    code: str
    lesson_id: str
    scenario_id: str
    step_id: str
    phase: Phase
    revision: int
    created_at: datetime
    expires_at: datetime
    host_hash: str = ""
    open_question_id: str | None = None
    path: tuple[PathEntry, ...] = ()
    revealed: tuple[str, ...] = ()

    @property
    def step_key(self) -> str:
        """The key votes are stored under: the step, plus how often the room has been there before."""
        visits = sum(1 for scenario, step, _ in self.path if scenario == self.scenario_id and step == self.step_id)
        return step_key(self.scenario_id, self.step_id, visits)

    @property
    def accepts_votes(self) -> bool:
        return self.phase == "voting"

    @property
    def shows_results(self) -> bool:
        return self.phase == "revealed"


def step_key(scenario_id: str, step_id: str, visit: int = 0) -> str:
    base = f"{scenario_id}/{step_id}"
    return base if visit == 0 else f"{base}#{min(visit, MAX_VISITS) + 1}"


def parse_step_key(key: str) -> tuple[str, str, int]:
    """(scenario_id, step_id, visit) from a stored step key."""
    base, _, visit = key.partition("#")
    scenario_id, _, step_id = base.partition("/")
    return scenario_id, step_id, (int(visit) - 1 if visit.isdigit() else 0)


def is_expired(state: RoomState, now: datetime) -> bool:
    return now >= state.expires_at


def host_matches(state: RoomState, token: str | None) -> bool:
    """True when the token is this room's host token (only its hash is stored)."""
    if not token or not state.host_hash:
        return False
    return hmac.compare_digest(state.host_hash, hash_key(token))


def start_state(lesson: Lesson, *, code: str, now: datetime, host_hash: str = "", live: bool = True) -> RoomState:
    """A new room: a live room starts in the lobby (people join), a local presentation at the lesson's first place."""
    lobby = RoomState(
        code=code,
        lesson_id=lesson.id,
        scenario_id="",
        step_id="",
        phase="lobby",
        revision=0,
        created_at=now,
        expires_at=now + ROOM_LIFETIME,
        host_hash=host_hash,
    )
    if live:
        return lobby
    return replace(jump(lobby, lesson, places(lesson)[0]), revision=0)


def places(lesson: Lesson) -> list[str]:
    """A session's running order, Merrill's: the problem, the key points, the scenarios, the open questions, the end."""
    order = ["opening"] if lesson.opening else []
    order.append("points")
    order += [f"scenario:{scenario.id}" for scenario in lesson.scenarios]
    order += [f"question:{question.id}" for question in lesson.open_questions]
    order.append("end")
    return order


def place_of(state: RoomState) -> str | None:
    """Where in the running order a room is (None in the lobby)."""
    if state.phase in ("opening", "points"):
        return state.phase
    if state.phase in ("voting", "revealed", "ending"):
        return f"scenario:{state.scenario_id}"
    if state.phase == "open-text":
        return f"question:{state.open_question_id}"
    if state.phase == "ended":
        return "end"
    return None


def current_scenario(state: RoomState, lesson: Lesson) -> Scenario | None:
    return next((s for s in lesson.scenarios if s.id == state.scenario_id), None)


def current_step(state: RoomState, lesson: Lesson) -> Step | None:
    if state.phase not in ("voting", "revealed"):
        return None
    scenario = current_scenario(state, lesson)
    return step_by_id(scenario, state.step_id) if scenario else None


def current_ending(state: RoomState, lesson: Lesson) -> Ending | None:
    if state.phase != "ending":
        return None
    scenario = current_scenario(state, lesson)
    return ending_by_id(scenario, state.step_id) if scenario else None


def current_question(state: RoomState, lesson: Lesson) -> OpenQuestion | None:
    if state.phase != "open-text":
        return None
    return next((q for q in lesson.open_questions if q.id == state.open_question_id), None)


def scenario_run(state: RoomState) -> list[tuple[str, str]]:
    """The (step, choice) pairs of the room's latest run through its current scenario."""
    run: list[tuple[str, str]] = []
    for scenario_id, step_id, choice_id in reversed(state.path):
        if scenario_id != state.scenario_id:
            break
        run.append((step_id, choice_id))
    run.reverse()
    return run


def _bump(state: RoomState, **changes: Any) -> RoomState:
    return replace(state, revision=state.revision + 1, **changes)


def reveal(state: RoomState, lesson: Lesson, *, everything: bool = False) -> RoomState:
    """Close the vote and reveal the next choice's consequence, or all of them."""
    step = current_step(state, lesson)
    if step is None:
        raise RoomError("There is nothing to reveal at this point.")
    order = [choice.id for choice in step.choices]
    hidden = [choice_id for choice_id in order if choice_id not in state.revealed]
    if everything:
        shown = tuple(order)
    elif hidden:
        shown = (*state.revealed, hidden[0])
    else:
        shown = state.revealed
    if state.phase == "revealed" and shown == state.revealed:
        return state
    return _bump(state, phase="revealed", revealed=tuple(c for c in order if c in shown))


def path_choice(distribution: Distribution, pick: str | None = None) -> str:
    """The choice the room follows: the most-voted one; on a tie (or no votes) the facilitator's pick."""
    if distribution.winner is not None:
        return distribution.winner
    if pick is not None and pick in distribution.tied:
        return pick
    raise NeedsPick(distribution.tied)


def advance(
    state: RoomState, lesson: Lesson, distribution: Distribution | None = None, *, pick: str | None = None
) -> RoomState:
    """Next: follow the room's choice within a scenario, or move to the next place in the running order."""
    if state.phase == "voting":
        raise RoomError("Reveal the results before moving on.")
    if state.phase == "ended":
        raise RoomError("This session has ended.")
    if state.phase == "revealed":
        step = current_step(state, lesson)
        scenario = current_scenario(state, lesson)
        if step is None or scenario is None:
            raise RoomError("This step is no longer in the lesson.")
        chosen = path_choice(distribution or aggregate(step, ()), pick)
        target = next(c for c in step.choices if c.id == chosen).next
        path = (*state.path, (scenario.id, step.id, chosen))
        if ending_by_id(scenario, target) is not None:
            return _bump(state, phase="ending", step_id=target, path=path, revealed=())
        return _bump(state, phase="voting", step_id=target, path=path, revealed=())
    order = places(lesson)
    here = place_of(state)
    index = order.index(here) if here in order else -1
    return jump(state, lesson, order[min(index + 1, len(order) - 1)])


def jump_targets(lesson: Lesson) -> dict[str, str]:
    """Every place a facilitator can jump to, in running order, as target -> label."""
    labels = {"opening": "The situation", "points": "Key points", "end": "End the session"}
    labels.update({f"scenario:{s.id}": f"Scenario: {s.title}" for s in lesson.scenarios})
    labels.update({f"question:{q.id}": f"Open question: {q.prompt}" for q in lesson.open_questions})
    return {target: labels[target] for target in places(lesson)}


def jump(state: RoomState, lesson: Lesson, target: str) -> RoomState:
    """Go straight to a place: the situation, the key points, a scenario's first step, an open question, the end."""
    kind, _, target_id = target.partition(":")
    if kind == "opening" and lesson.opening:
        return _bump(state, phase="opening", open_question_id=None, revealed=())
    if kind == "points":
        return _bump(state, phase="points", open_question_id=None, revealed=())
    if kind == "scenario":
        scenario = next((s for s in lesson.scenarios if s.id == target_id), None)
        if scenario is None:
            raise RoomError(f"This lesson has no scenario {target_id!r}.")
        return _bump(
            state, phase="voting", scenario_id=scenario.id, step_id=scenario.start, open_question_id=None, revealed=()
        )
    if kind == "question":
        if not any(q.id == target_id for q in lesson.open_questions):
            raise RoomError(f"This lesson has no open question {target_id!r}.")
        return _bump(state, phase="open-text", open_question_id=target_id, revealed=())
    if kind == "end":
        return _bump(state, phase="ended", open_question_id=None, revealed=())
    raise RoomError(f"There is no {target!r} to jump to in this lesson.")


# --- pure: votes and aggregation ------------------------------------------------------------


def join(participants: frozenset[str], participant_id: str) -> frozenset[str]:
    """Joining twice (a refresh) leaves one participant."""
    if not is_participant_id(participant_id):
        raise RoomError("That participant id is not valid.")
    return participants | {participant_id}


def vote_problem(state: RoomState | None, lesson: Lesson | None, key: str, choice_id: str, now: datetime) -> str | None:
    """Why this vote cannot count right now, or None when it can."""
    if state is None or is_expired(state, now):
        return "This room has closed."
    if state.phase != "voting":
        return "Voting on this step has closed." if state.phase == "revealed" else "There is no vote open right now."
    if key != state.step_key:
        return "The room has moved on to another step."
    step = current_step(state, lesson) if lesson is not None else None
    if step is None or choice_id not in {c.id for c in step.choices}:
        return "That choice is not part of this step."
    return None


def apply_vote(
    state: RoomState, lesson: Lesson, votes: Mapping[str, str], participant_id: str, choice_id: str, *, now: datetime
) -> dict[str, str]:
    """One vote per participant per step: a second vote replaces the first until the reveal."""
    problem = vote_problem(state, lesson, state.step_key, choice_id, now)
    if problem:
        raise VoteRejected(problem)
    return {**votes, participant_id: choice_id}


@dataclass(frozen=True)
class Distribution:
    """How a room voted on one step. `counts` follows the step's choice order."""

    counts: tuple[tuple[str, int], ...]
    best: tuple[str, ...]  # the expert's best choice(s)
    total: int
    tied: tuple[str, ...] = field(default=())  # the choices sharing the top count

    @property
    def winner(self) -> str | None:
        return self.tied[0] if len(self.tied) == 1 else None

    def count(self, choice_id: str) -> int:
        return dict(self.counts).get(choice_id, 0)

    def share(self, choice_id: str) -> float:
        return self.count(choice_id) / self.total if self.total else 0.0


def aggregate(step: Step, chosen: Iterable[str]) -> Distribution:
    """Count the room's choices on one step; votes for choices no longer in the step are ignored."""
    ids = [choice.id for choice in step.choices]
    tally = Counter(c for c in chosen if c in ids)
    counts = tuple((choice_id, tally.get(choice_id, 0)) for choice_id in ids)
    top = max(count for _, count in counts)
    best_rating = best_effectiveness(step)
    return Distribution(
        counts=counts,
        best=tuple(c.id for c in step.choices if c.effectiveness == best_rating),
        total=sum(tally.values()),
        tied=tuple(choice_id for choice_id, count in counts if count == top),
    )


def clean_answer(text: str | None) -> str:
    """An open-text answer as stored: trimmed, single-line, at most 200 characters."""
    cleaned = " ".join((text or "").split())
    if not cleaned:
        raise AnswerRejected("Type a short answer first.")
    if len(cleaned) > MAX_ANSWER_CHARS:
        raise AnswerRejected(f"Keep it to {MAX_ANSWER_CHARS} characters.")
    return cleaned


@dataclass(frozen=True)
class Answer:
    id: str
    question_id: str
    text: str
    approved: bool
    created_at: datetime


def results_csv(
    lesson: Lesson, votes_by_key: Mapping[str, Sequence[str]], answers: Iterable[Answer], path: Sequence[PathEntry] = ()
) -> str:
    """The room's anonymous results: one row per choice per step voted on, then each approved answer."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["kind", "scenario", "step", "visit", "item", "text", "expert_rating", "expert_best", "votes", "room_path"]
    )
    taken = Counter()
    followed: dict[str, str] = {}
    for scenario_id, step_id, choice_id in path:
        key = step_key(scenario_id, step_id, taken[(scenario_id, step_id)])
        taken[(scenario_id, step_id)] += 1
        followed[key] = choice_id
    keys = list(dict.fromkeys([*followed, *votes_by_key]))
    for key in keys:
        scenario_id, step_id, visit = parse_step_key(key)
        scenario = next((s for s in lesson.scenarios if s.id == scenario_id), None)
        step = step_by_id(scenario, step_id) if scenario else None
        if step is None:
            continue
        distribution = aggregate(step, votes_by_key.get(key, ()))
        for choice in step.choices:
            writer.writerow(
                [
                    "vote",
                    scenario_id,
                    step_id,
                    visit + 1,
                    choice.id,
                    _csv_safe(choice.text),
                    choice.effectiveness,
                    "yes" if choice.id in distribution.best else "no",
                    distribution.count(choice.id),
                    "yes" if followed.get(key) == choice.id else "",
                ]
            )
    for answer in answers:
        if answer.approved:
            writer.writerow(["answer", "", "", "", answer.question_id, _csv_safe(answer.text), "", "", "", ""])
    return out.getvalue()


def _csv_safe(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


# --- store: rooms ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    joined: int
    voted: int
    waiting: int = 0  # open-text answers waiting for approval


def _now(now: datetime | None) -> datetime:
    return as_utc(now) if now is not None else utcnow()


def _state_from_row(row: Mapping[str, Any]) -> RoomState:
    return RoomState(
        code=row["code"],
        lesson_id=row["lesson_id"],
        scenario_id=row["scenario_id"],
        step_id=row["step_id"],
        phase=row["phase"],
        revision=row["revision"],
        created_at=as_utc(row["created_at"]),
        expires_at=as_utc(row["expires_at"]),
        host_hash=row["host_hash"],
        open_question_id=row["open_question_id"],
        path=tuple(tuple(entry) for entry in json.loads(row["path"] or "[]")),  # type: ignore[misc]
        revealed=tuple(json.loads(row["revealed"] or "[]")),
    )


def _row_from_state(state: RoomState) -> dict[str, Any]:
    return {
        "code": state.code,
        "lesson_id": state.lesson_id,
        "scenario_id": state.scenario_id,
        "step_id": state.step_id,
        "phase": state.phase,
        "revision": state.revision,
        "open_question_id": state.open_question_id,
        "created_at": state.created_at,
        "expires_at": state.expires_at,
        "host_hash": state.host_hash,
        "path": json.dumps([list(entry) for entry in state.path]),
        "revealed": json.dumps(list(state.revealed)),
    }


def open_room(store: Store, lesson: Lesson, *, now: datetime | None = None) -> tuple[RoomState, str]:
    """Open a live room for a lesson. Returns the room and the facilitator's host token (shown once)."""
    now = _now(now)
    purge_expired(store, now=now)
    token = new_host_token()
    for _ in range(10):
        state = start_state(lesson, code=new_code(), now=now, host_hash=hash_key(token))
        try:
            with store.transaction() as connection:
                connection.execute(insert(rooms).values(**_row_from_state(state)))
        except StoreError:
            continue  # that code is taken (about one in 900 million per open room): draw another
        return state, token
    raise RoomError("No room could be opened just now. Please try again.")


def load_room(store: Store, code: str, *, now: datetime | None = None) -> RoomState | None:
    """The room with this code, or None when there is none or it has expired (expired rooms are deleted)."""
    now = _now(now)
    purge_expired(store, now=now)
    with store.reading() as connection:
        row = connection.execute(select(rooms).where(rooms.c.code == code)).mappings().first()
    if row is None:
        return None
    state = _state_from_row(row)
    return None if is_expired(state, now) else state


def room_revision(store: Store, code: str, *, now: datetime | None = None) -> int | None:
    """The room's revision (it changes on every facilitator action): the cheap query participants poll."""
    now = _now(now)
    with store.reading() as connection:
        return connection.execute(
            select(rooms.c.revision).where(rooms.c.code == code, rooms.c.expires_at > now)
        ).scalar()


def save_transition(store: Store, before: RoomState, after: RoomState) -> bool:
    """Store a facilitator's change. False when the room changed meanwhile (another window); nothing is written then."""
    if after == before:
        return True
    values = _row_from_state(after)
    values.pop("code")
    with store.transaction() as connection:
        result = connection.execute(
            update(rooms).where(rooms.c.code == before.code, rooms.c.revision == before.revision).values(**values)
        )
        return result.rowcount == 1


def purge_expired(store: Store, *, now: datetime | None = None) -> int:
    """Delete rooms past their lifetime, with their participants, votes and answers. Returns how many."""
    now = _now(now)
    with store.reading() as connection:
        expired = connection.execute(select(rooms.c.code).where(rooms.c.expires_at <= now).limit(1)).first()
    if expired is None:
        return 0
    with store.transaction() as connection:
        codes = list(connection.execute(select(rooms.c.code).where(rooms.c.expires_at <= now)).scalars())
        for start in range(0, len(codes), 500):
            chunk = codes[start : start + 500]
            for table in (room_votes, room_answers, room_participants):
                connection.execute(delete(table).where(table.c.room_code.in_(chunk)))
            connection.execute(delete(rooms).where(rooms.c.code.in_(chunk)))
        return len(codes)


def join_room(store: Store, code: str, participant_id: str, *, now: datetime | None = None) -> RoomState | None:
    """Add a participant (again, after a refresh, is harmless). None when the room does not exist."""
    if not is_participant_id(participant_id):
        raise RoomError("That participant id is not valid.")
    state = load_room(store, code, now=now)
    if state is None:
        return None
    with store.transaction() as connection:
        _insert_ignore(
            connection,
            room_participants,
            {"room_code": code, "participant_id": participant_id, "joined_at": _now(now)},
            ["room_code", "participant_id"],
        )
    return state


def cast_vote(
    store: Store,
    lesson: Lesson,
    code: str,
    participant_id: str,
    key: str,
    choice_id: str,
    *,
    now: datetime | None = None,
) -> None:
    """Record or change a participant's vote on the current step. Raises VoteRejected when it cannot count."""
    now = _now(now)
    if not is_participant_id(participant_id):
        raise VoteRejected("That participant id is not valid.")
    problem = vote_problem(load_room(store, code, now=now), lesson, key, choice_id, now)
    if problem:
        raise VoteRejected(problem)
    with store.transaction() as connection:
        # Write first, then check the room under a lock: on SQLite the write holds the database's
        # write lock, on PostgreSQL FOR SHARE waits for a reveal in progress. Either way a vote is
        # counted before the reveal or refused after it, never half-way.
        _upsert_vote(connection, code, participant_id, key, choice_id, now)
        row = (
            connection.execute(select(rooms).where(rooms.c.code == code).with_for_update(read=True)).mappings().first()
        )
        problem = vote_problem(_state_from_row(row) if row else None, lesson, key, choice_id, now)
        if problem:
            raise VoteRejected(problem)


def my_vote(store: Store, code: str, participant_id: str, key: str) -> str | None:
    with store.reading() as connection:
        return connection.execute(
            select(room_votes.c.choice_id).where(
                room_votes.c.room_code == code,
                room_votes.c.participant_id == participant_id,
                room_votes.c.step_key == key,
            )
        ).scalar()


def votes_for(store: Store, code: str, key: str) -> list[str]:
    """Every vote on one step (choice ids, anonymous)."""
    with store.reading() as connection:
        return list(
            connection.execute(
                select(room_votes.c.choice_id).where(room_votes.c.room_code == code, room_votes.c.step_key == key)
            ).scalars()
        )


def room_counts(store: Store, state: RoomState) -> Counts:
    """How many have joined, voted on the current step, and wait for approval on the open question."""
    with store.reading() as connection:
        joined = connection.execute(
            select(func.count()).select_from(room_participants).where(room_participants.c.room_code == state.code)
        ).scalar_one()
        voted = connection.execute(
            select(func.count())
            .select_from(room_votes)
            .where(room_votes.c.room_code == state.code, room_votes.c.step_key == state.step_key)
        ).scalar_one()
        waiting = 0
        if state.open_question_id:
            waiting = connection.execute(
                select(func.count())
                .select_from(room_answers)
                .where(
                    room_answers.c.room_code == state.code,
                    room_answers.c.question_id == state.open_question_id,
                    room_answers.c.approved.is_(False),
                )
            ).scalar_one()
    return Counts(joined=joined, voted=voted, waiting=waiting)


# --- store: open-text answers -------------------------------------------------------------


def submit_answer(
    store: Store, code: str, participant_id: str, question_id: str, text: str, *, now: datetime | None = None
) -> None:
    """Store a participant's answer to the open question; it may be changed until it is approved."""
    now = _now(now)
    cleaned = clean_answer(text)
    if not is_participant_id(participant_id):
        raise AnswerRejected("That participant id is not valid.")
    state = load_room(store, code, now=now)
    if state is None or state.phase != "open-text" or state.open_question_id != question_id:
        raise AnswerRejected("This question is closed.")
    with store.transaction() as connection:
        existing = (
            connection.execute(
                select(room_answers.c.id, room_answers.c.approved).where(
                    room_answers.c.room_code == code,
                    room_answers.c.participant_id == participant_id,
                    room_answers.c.question_id == question_id,
                )
            )
            .mappings()
            .first()
        )
        if existing is None:
            connection.execute(
                insert(room_answers).values(
                    id=str(uuid.uuid4()),
                    room_code=code,
                    participant_id=participant_id,
                    question_id=question_id,
                    text=cleaned,
                    approved=False,
                    created_at=now,
                )
            )
        elif existing["approved"]:
            raise AnswerRejected("Your answer is already shared with the room, so it can no longer change.")
        else:
            connection.execute(
                update(room_answers)
                .where(room_answers.c.id == existing["id"], room_answers.c.approved.is_(False))
                .values(text=cleaned, created_at=now)
            )


def _answer(row: Mapping[str, Any]) -> Answer:
    return Answer(
        id=row["id"],
        question_id=row["question_id"],
        text=row["text"],
        approved=bool(row["approved"]),
        created_at=as_utc(row["created_at"]),
    )


def answers_for(
    store: Store, code: str, question_id: str | None = None, *, approved: bool | None = None
) -> list[Answer]:
    """A room's answers, oldest first; filter by question and by approval."""
    query = select(room_answers).where(room_answers.c.room_code == code)
    if question_id is not None:
        query = query.where(room_answers.c.question_id == question_id)
    if approved is not None:
        query = query.where(room_answers.c.approved.is_(approved))
    with store.reading() as connection:
        return [_answer(row) for row in connection.execute(query.order_by(room_answers.c.created_at)).mappings()]


def my_answer(store: Store, code: str, participant_id: str, question_id: str) -> Answer | None:
    with store.reading() as connection:
        row = (
            connection.execute(
                select(room_answers).where(
                    room_answers.c.room_code == code,
                    room_answers.c.participant_id == participant_id,
                    room_answers.c.question_id == question_id,
                )
            )
            .mappings()
            .first()
        )
    return _answer(row) if row else None


def moderate(store: Store, code: str, answer_ids: Collection[str], *, approve: bool) -> int:
    """Approve answers (they become visible to the room) or remove them. Returns how many changed."""
    if not answer_ids:
        return 0
    with store.transaction() as connection:
        selected = (room_answers.c.room_code == code) & room_answers.c.id.in_(list(answer_ids))
        if approve:
            changed = connection.execute(
                update(room_answers).where(selected, room_answers.c.approved.is_(False)).values(approved=True)
            ).rowcount
        else:
            changed = connection.execute(delete(room_answers).where(selected)).rowcount
        # Participants' pages poll the revision: bumping it shows them the approved list.
        connection.execute(update(rooms).where(rooms.c.code == code).values(revision=rooms.c.revision + 1))
        return changed


def export_results(store: Store, lesson: Lesson, code: str) -> str:
    """The room's anonymous results as CSV text."""
    state = load_room(store, code)
    with store.reading() as connection:
        rows = connection.execute(
            select(room_votes.c.step_key, room_votes.c.choice_id).where(room_votes.c.room_code == code)
        ).all()
    votes: dict[str, list[str]] = {}
    for key, choice_id in rows:
        votes.setdefault(key, []).append(choice_id)
    return results_csv(lesson, votes, answers_for(store, code, approved=True), state.path if state else ())


# --- store: dialect-aware upserts -----------------------------------------------------------


def _dialect_insert(connection: Connection, table: Any) -> Any:
    name = connection.dialect.name
    if name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(table)
    if name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(table)
    return None


def _insert_ignore(connection: Connection, table: Any, values: dict[str, Any], keys: list[str]) -> None:
    statement = _dialect_insert(connection, table)
    if statement is not None:
        connection.execute(statement.values(**values).on_conflict_do_nothing(index_elements=keys))
        return
    exists = connection.execute(
        select(func.count()).select_from(table).where(*(table.c[k] == values[k] for k in keys))
    ).scalar_one()
    if not exists:
        connection.execute(insert(table).values(**values))


def _upsert_vote(
    connection: Connection, code: str, participant_id: str, key: str, choice_id: str, now: datetime
) -> None:
    values = {
        "room_code": code,
        "participant_id": participant_id,
        "step_key": key,
        "choice_id": choice_id,
        "voted_at": now,
    }
    statement = _dialect_insert(connection, room_votes)
    if statement is not None:
        connection.execute(
            statement.values(**values).on_conflict_do_update(
                index_elements=["room_code", "participant_id", "step_key"],
                set_={"choice_id": choice_id, "voted_at": now},
            )
        )
        return
    changed = connection.execute(
        update(room_votes)
        .where(
            room_votes.c.room_code == code,
            room_votes.c.participant_id == participant_id,
            room_votes.c.step_key == key,
        )
        .values(choice_id=choice_id, voted_at=now)
    ).rowcount
    if not changed:
        connection.execute(insert(room_votes).values(**values))
