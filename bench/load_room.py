"""A live room of 60, load-tested on localhost over Streamlit's websocket protocol.

    python -m bench.load_room                       # one process (SQLite), then two behind nginx (PostgreSQL)
    python -m bench.load_room --mode one --participants 60 --steps 3
    python -m bench.load_room --mode two --database-url postgresql+psycopg://...

One facilitator and N participants go through a real room: every participant joins at the same moment
(room page, ?room=CODE), then for each of the steps the room votes (a tenth change their minds once),
and the facilitator reveals. The facilitator's window is the real presenter page over the protocol; its
"Voted" count is read off its screen. Opening the room and moving it on (jump, reveal, advance) use
course/rooms.py against the shared database, as the presenter page's buttons do.

Reported: join latency (p50, p95), the time from the last acknowledged vote until the facilitator's screen
shows every vote, how long the reveal takes to reach every phone, errors, and lost or doubled votes (the
database's votes compared with what the participants' screens acknowledged).

With --mode two, deploy/run_local_replicas.sh starts two server processes sharing PostgreSQL behind
Debian's nginx, and everyone connects through nginx (each browser-like client first loads the page to get
nginx's routing cookie); the report counts participants per replica.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.st_client import StClient, StClientError  # noqa: E402
from course import rooms  # noqa: E402
from course.loader import Course, load_course  # noqa: E402
from course.models import Lesson  # noqa: E402
from course.scenario import ending_by_id, step_by_id  # noqa: E402
from course.store import Store  # noqa: E402

RESULTS = ROOT / "bench" / "results"
VERBOSE = os.environ.get("LOAD_ROOM_VERBOSE") == "1"
VOTE_ACK = "Your vote:"
IDLE_WINDOW = 6.0  # seconds the room waits in the lobby while its server CPU is measured
PATIENCE = 5.0  # seconds a person waits for the confirmation before tapping again
NOT_COUNTED = "not counted"


# --- what the room will do -------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedStep:
    scenario_id: str
    step_id: str
    question: str
    choices: tuple[str, ...]
    winner: str  # the choice most of the room votes for: it leads on to the next planned step


def plan_steps(lesson: Lesson, count: int) -> list[PlannedStep]:
    """`count` voting steps in running order, each winner leading to the next step (or to the next scenario)."""
    plan: list[PlannedStep] = []
    for scenario in lesson.scenarios:
        step = step_by_id(scenario, scenario.start)
        while step is not None and len(plan) < count:
            onward = [c for c in step.choices if step_by_id(scenario, c.next) is not None]
            choice = (onward or list(step.choices))[0]
            plan.append(PlannedStep(scenario.id, step.id, step.question, tuple(c.id for c in step.choices), choice.id))
            step = step_by_id(scenario, choice.next)
        if len(plan) >= count:
            return plan
    return plan


def choose_lesson(content: Course, steps: int) -> tuple[Lesson, list[PlannedStep]]:
    for lesson in content.lessons:
        plan = plan_steps(lesson, steps)
        if len(plan) >= steps:
            return lesson, plan
    raise SystemExit(f"no lesson has {steps} voting steps")


def intended_votes(step: PlannedStep, participant: int) -> list[str]:
    """The choices one participant clicks, in order: two thirds back the winner; every tenth changes its mind."""
    others = [c for c in step.choices if c != step.winner] or [step.winner]
    final = step.winner if participant % 3 != 2 else others[participant % len(others)]
    if participant % 10 == 0:
        first = others[0] if final != others[0] else step.winner
        return [first, final]
    return [final]


# --- the report ------------------------------------------------------------------------------------


def _pct(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


@dataclass
class StepReport:
    step: str
    votes_acknowledged: int = 0
    votes_stored: int = 0
    changed_votes: int = 0
    lost: int = 0  # acknowledged on a participant's screen, but missing or different in the database
    doubled: int = 0  # more than one stored vote for one participant on one step
    unacknowledged_stored: int = 0  # stored although the participant's screen never confirmed it
    second_taps: int = 0  # taps repeated because no confirmation appeared within PATIENCE seconds
    vote_p50_s: float | None = None
    vote_p95_s: float | None = None
    last_vote_to_facilitator_s: float | None = None
    step_reached_all_phones_s: float | None = None
    reveal_reached_all_phones_s: float | None = None


@dataclass
class RoomReport:
    mode: str
    participants: int
    steps: list[StepReport] = field(default_factory=list)
    join_p50_s: float | None = None
    join_p95_s: float | None = None
    join_max_s: float | None = None
    last_join_to_facilitator_s: float | None = None
    joined_in_database: int = 0
    errors: list[str] = field(default_factory=list)
    per_replica: dict[str, int] = field(default_factory=dict)
    waiting_room_cpu_share: float | None = None  # server CPU (share of one core) while everyone waits and polls
    total_s: float = 0.0

    @property
    def lost_votes(self) -> int:
        return sum(step.lost for step in self.steps)

    @property
    def doubled_votes(self) -> int:
        return sum(step.doubled for step in self.steps)

    @property
    def second_taps(self) -> int:
        return sum(step.second_taps for step in self.steps)

    @property
    def worst_facilitator_lag_s(self) -> float:
        lags = [s.last_vote_to_facilitator_s for s in self.steps]
        return max((lag for lag in lags if lag is not None), default=float("inf")) if lags else float("inf")

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            lost_votes=self.lost_votes,
            doubled_votes=self.doubled_votes,
            worst_facilitator_lag_s=self.worst_facilitator_lag_s,
        )
        return data


def markdown(reports: list[RoomReport]) -> str:
    lines = [
        "| setup | participants | join p50 / p95 s | last vote → facilitator s (worst step) | reveal → all phones s"
        " | lost / doubled votes | second taps | errors | participants per replica |",
        "|---|---:|---|---:|---:|---|---:|---:|---|",
    ]
    for r in reports:
        reveal = max((s.reveal_reached_all_phones_s or 0.0) for s in r.steps) if r.steps else float("nan")
        lines.append(
            f"| {r.mode} | {r.participants} | {r.join_p50_s or float('nan'):.2f} / {r.join_p95_s or float('nan'):.2f}"
            f" | {r.worst_facilitator_lag_s:.2f} | {reveal:.2f} | {r.lost_votes} / {r.doubled_votes} | {r.second_taps}"
            f" | {len(r.errors)}"
            f" | {', '.join(f'{k}: {v}' for k, v in sorted(r.per_replica.items())) or '–'} |"
        )
    return "\n".join(lines)


# --- browser-like clients ---------------------------------------------------------------------------


def _route_cookie(base: str, path: str) -> str | None:
    """Load the page as a browser does first; a proxy's Set-Cookie (nginx's routing key) comes back."""
    with urllib.request.urlopen(base + path, timeout=30) as response:
        cookie = response.headers.get("Set-Cookie")
    return cookie.split(";", 1)[0] if cookie else None


async def browser(base: str, *, query: dict[str, str], page: str, via_proxy: bool) -> StClient:
    headers: dict[str, str] = {}
    if via_proxy:
        cookie = await asyncio.to_thread(
            _route_cookie, base, f"/{page}?" + "&".join(f"{k}={v}" for k, v in query.items())
        )
        if cookie:
            headers["Cookie"] = cookie
    return StClient(base, query_string=query, page=page, headers=headers)


def _choice_keys(client: StClient) -> list[str]:
    return [k for k in client.widget_keys() if k.startswith("room_vote_")]


class Participant:
    def __init__(self, index: int, client: StClient) -> None:
        self.index = index
        self.client = client
        self.joined_s: float | None = None
        self.errors: list[str] = []
        self.retaps = 0

    async def join(self) -> None:
        started = time.perf_counter()
        await self.client.connect()
        result = await self.client.run(timeout=60)
        self.joined_s = time.perf_counter() - started
        if result.exceptions:
            self.errors.append(f"join: {result.exceptions}")
        if "You're in" not in self.client.text():
            self.errors.append(f"join: not in the lobby: {self.client.text()[:200]!r}")

    @property
    def participant_id(self) -> str | None:
        """The random id the room page put in this participant's URL (?p=...)."""
        query = dict(part.split("=", 1) for part in self.client.query_string.split("&") if "=" in part)
        return query.get("p")

    async def vote(self, step: PlannedStep) -> tuple[str | None, float | None]:
        """Tap this participant's choices as a person would; returns the last acknowledged choice and when.

        A tap whose confirmation does not appear within PATIENCE seconds is tapped again, once, the way a
        person at a workshop would; those second taps are counted (see Streamlit's dropped-run race in
        docs/performance.md).
        """
        acknowledged: str | None = None
        finished: float | None = None
        for choice in intended_votes(step, self.index):
            for attempt in (1, 2):
                try:
                    result = await self.client.run(
                        click=f"room_vote_{choice}", timeout=PATIENCE if attempt == 1 else 30
                    )
                except StClientError:
                    if attempt == 2:
                        raise
                    self.retaps += 1
                    if VERBOSE:
                        print(
                            f"participant {self.index}: no confirmation, tapping again:\n  "
                            + "\n  ".join(self.client.trace[-25:]),
                            file=sys.stderr,
                        )
                    continue
                text = self.client.text()
                if result.exceptions:
                    self.errors.append(f"vote: {result.exceptions}")
                elif NOT_COUNTED in text:
                    self.errors.append(f"vote rejected: {text[:200]!r}")
                elif VOTE_ACK in text:
                    acknowledged = choice
                    finished = time.perf_counter()
                else:
                    self.errors.append(f"vote: no acknowledgement on screen: {text[:200]!r}")
                break
        return acknowledged, finished


def _sees_step(step: PlannedStep):  # type: ignore[no-untyped-def]
    def predicate(client: StClient) -> bool:
        keys = set(_choice_keys(client))
        return f"room_vote_{step.winner}" in keys and step.question in client.text()

    return predicate


def _sees_reveal(client: StClient) -> bool:
    return not _choice_keys(client) and bool(client.elements_of("plotly_chart"))


async def _all_see(participants: list[Participant], predicate: Any, timeout: float) -> float:
    """Seconds until every participant's screen satisfies predicate (their pages poll every 2 s)."""
    started = time.perf_counter()
    finished = await asyncio.gather(*(p.client.wait_for(predicate, timeout=timeout) for p in participants))
    return max(finished) - started


# --- the room ---------------------------------------------------------------------------------------


def _log(started: float, message: str) -> None:
    if VERBOSE:
        print(f"[{time.perf_counter() - started:7.2f}s] {message}", file=sys.stderr, flush=True)


async def run_room(
    bases: list[str],
    database_url: str,
    *,
    participants: int = 60,
    steps: int = 3,
    mode: str = "one process",
    via_proxy: bool = False,
    warm: list[str] | None = None,
    server_pids: list[int] | None = None,
) -> RoomReport:
    """Drive one facilitator and `participants` participants through `steps` votes; return what was measured."""
    report = RoomReport(mode=mode, participants=participants)
    started_all = time.perf_counter()
    content = load_course(ROOT)
    lesson, plan = choose_lesson(content, steps)
    store = Store.open(database_url)
    clients: list[StClient] = []
    try:
        state, token = rooms.open_room(store, lesson)
        code = state.code

        facilitator = await browser(
            bases[0], query={"room": code, "host": token}, page="presenter", via_proxy=via_proxy
        )
        clients.append(facilitator)
        await facilitator.connect()
        first = await facilitator.run(timeout=60)
        if first.exceptions or facilitator.metric("Joined") is None:
            raise RuntimeError(
                f"the presenter page did not show the room: {first.exceptions} {facilitator.text()[:300]}"
            )

        # A deployed server has been up for a while: open one session on every process first, so the
        # burst measures joining a running server, not importing the app (that is measured by bench/).
        for url in warm or []:
            warmer = StClient(url, page="room", auto_rerun=False)  # the join form: no code, so nobody joins
            async with warmer:
                await warmer.run(timeout=60)
        _log(started_all, "facilitator is presenting")
        crowd = [
            Participant(i, await browser(bases[i % len(bases)], query={"room": code}, page="room", via_proxy=via_proxy))
            for i in range(participants)
        ]
        clients.extend(p.client for p in crowd)

        # Everyone joins at once: 60 phones scanning the code in the same moment.
        outcomes = await asyncio.gather(*(p.join() for p in crowd), return_exceptions=True)
        for p, outcome in zip(crowd, outcomes, strict=True):
            if isinstance(outcome, BaseException):
                p.errors.append(f"join: {outcome!r}")
        last_join = time.perf_counter()
        joins = [p.joined_s for p in crowd if p.joined_s is not None]
        report.join_p50_s, report.join_p95_s = _pct(joins, 0.5), _pct(joins, 0.95)
        report.join_max_s = max(joins) if joins else None
        upstreams = Counter(p.client.response_headers.get("X-Course-Upstream", "direct") for p in crowd)
        report.per_replica = dict(upstreams)
        seen = await facilitator.wait_for(lambda c: c.metric("Joined") == str(participants), timeout=15)
        report.last_join_to_facilitator_s = max(0.0, seen - last_join)
        _log(
            started_all,
            f"joined: p95 {report.join_p95_s}; facilitator saw all after {report.last_join_to_facilitator_s:.2f} s",
        )
        report.joined_in_database = rooms.room_counts(store, state).joined
        if server_pids:
            # Everyone waits in the lobby, each page polling the room every 2 s: the steady cost of a room.
            from bench.run_bench import cpu_seconds

            before = sum(cpu_seconds(pid) for pid in server_pids)
            await asyncio.sleep(IDLE_WINDOW)
            report.waiting_room_cpu_share = (sum(cpu_seconds(pid) for pid in server_pids) - before) / IDLE_WINDOW

        for index, step in enumerate(plan):
            step_report = StepReport(step=f"{step.scenario_id}/{step.step_id}")
            report.steps.append(step_report)
            state = rooms.load_room(store, code)
            assert state is not None
            if index == 0 or state.scenario_id != step.scenario_id:
                after = rooms.jump(state, lesson, f"scenario:{step.scenario_id}")
            else:
                distribution = rooms.aggregate(
                    _step(lesson, plan[index - 1]), rooms.votes_for(store, code, state.step_key)
                )
                after = rooms.advance(state, lesson, distribution, pick=plan[index - 1].winner)
            if not rooms.save_transition(store, state, after):
                raise RuntimeError("the room changed under the facilitator")
            state = after
            if (state.scenario_id, state.step_id, state.phase) != (step.scenario_id, step.step_id, "voting"):
                raise RuntimeError(f"the room went to {state.scenario_id}/{state.step_id} ({state.phase}), not {step}")
            step_report.step_reached_all_phones_s = await _all_see(crowd, _sees_step(step), timeout=15)
            _log(started_all, f"{step_report.step}: on every phone")

            vote_started = time.perf_counter()
            results = await asyncio.gather(*(p.vote(step) for p in crowd), return_exceptions=True)
            acknowledged: dict[str, str] = {}
            last_ack = vote_started
            vote_times = []
            retaps_before = sum(p.retaps for p in crowd)
            for p, outcome in zip(crowd, results, strict=True):
                if isinstance(outcome, BaseException):
                    p.errors.append(f"vote: {outcome!r}")
                    continue
                choice, finished = outcome
                if choice is not None and p.participant_id:
                    acknowledged[p.participant_id] = choice
                    step_report.changed_votes += len(intended_votes(step, p.index)) - 1
                if finished is not None:
                    last_ack = max(last_ack, finished)
                    vote_times.append(finished - vote_started)
            step_report.votes_acknowledged = len(acknowledged)
            step_report.second_taps = sum(p.retaps for p in crowd) - retaps_before
            step_report.vote_p50_s, step_report.vote_p95_s = _pct(vote_times, 0.5), _pct(vote_times, 0.95)
            _log(started_all, f"{step_report.step}: {step_report.votes_acknowledged} votes acknowledged")

            want = str(step_report.votes_acknowledged)
            try:
                seen = await facilitator.wait_for(lambda c, want=want: c.metric("Voted") == want, timeout=15)
                step_report.last_vote_to_facilitator_s = max(0.0, seen - last_ack)
            except StClientError:
                report.errors.append(f"facilitator never showed {want} votes (showed {facilitator.metric('Voted')})")

            # Every participant's stored vote must be the one their screen acknowledged, stored once.
            rows = _vote_rows(store, code, state.step_key)
            per_participant = Counter(participant for participant, _choice in rows)
            stored = dict(rows)
            step_report.votes_stored = len(rows)
            step_report.doubled = sum(count - 1 for count in per_participant.values() if count > 1)
            step_report.lost = sum(1 for pid, choice in acknowledged.items() if stored.get(pid) != choice)
            step_report.unacknowledged_stored = sum(1 for pid in stored if pid not in acknowledged)

            revealed = rooms.reveal(state, lesson, everything=True)
            if not rooms.save_transition(store, state, revealed):
                raise RuntimeError("the room changed under the facilitator")
            try:
                step_report.reveal_reached_all_phones_s = await _all_see(crowd, _sees_reveal, timeout=15)
            except StClientError:
                report.errors.append("the reveal did not reach every phone within 15 s")

        report.errors += [f"participant {p.index}: {e}" for p in crowd for e in p.errors]
    finally:
        await asyncio.gather(*(client.close() for client in clients), return_exceptions=True)
        store.close()
    report.total_s = time.perf_counter() - started_all
    return report


def _vote_rows(store: Store, code: str, key: str) -> list[tuple[str, str]]:
    """(participant id, choice id) for every stored vote on one step."""
    from sqlalchemy import select

    from course.db_schema import room_votes

    with store.reading() as connection:
        rows = connection.execute(
            select(room_votes.c.participant_id, room_votes.c.choice_id).where(
                room_votes.c.room_code == code, room_votes.c.step_key == key
            )
        ).all()
    return [(row[0], row[1]) for row in rows]


def _step(lesson: Lesson, planned: PlannedStep):  # type: ignore[no-untyped-def]
    scenario = next(s for s in lesson.scenarios if s.id == planned.scenario_id)
    step = step_by_id(scenario, planned.step_id)
    assert step is not None and ending_by_id(scenario, planned.step_id) is None
    return step


# --- the servers ------------------------------------------------------------------------------------


@contextlib.contextmanager
def one_process(database_url: str) -> Iterator[str]:
    from tests.support.server import AppServer

    server = AppServer(env={"COURSE_DATABASE_URL": database_url}).start()
    try:
        yield server.url
    finally:
        server.stop()


@contextlib.contextmanager
def replicas_behind_nginx(database_url: str, count: int = 2) -> Iterator[tuple[str, list[str]]]:
    """deploy/run_local_replicas.sh as a child process; yields nginx's URL and each replica's own URL."""
    process = subprocess.Popen(
        [str(ROOT / "deploy" / "run_local_replicas.sh"), database_url],
        cwd=ROOT,
        env={**os.environ, "PYTHON": sys.executable, "REPLICAS": str(count)},
        stdout=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.startswith("ready "):
            raise RuntimeError(f"deploy/run_local_replicas.sh did not start (exit {process.wait(30)})")
        ports = line.split("replicas=", 1)[1].strip().split(",")
        yield line.split()[1], [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(30)
        if process.stdout is not None:
            process.stdout.close()


@contextlib.contextmanager
def throwaway_postgres() -> Iterator[str]:
    from tests.support.postgres import TempPostgres

    server = TempPostgres()
    server.start()
    try:
        yield server.create_database("room_load")
    finally:
        server.stop()


def run_mode(mode: str, *, participants: int, steps: int, database_url: str | None) -> RoomReport:
    if mode == "one":
        with contextlib.ExitStack() as stack:
            url = database_url or f"sqlite:///{stack.enter_context(tempfile.TemporaryDirectory())}/progress.db"
            from tests.support.server import AppServer

            server = AppServer(env={"COURSE_DATABASE_URL": url}).start()
            stack.callback(server.stop)
            assert server.process is not None
            label = "one process, " + ("SQLite" if url.startswith("sqlite") else "PostgreSQL")
            return asyncio.run(
                run_room(
                    [server.url],
                    url,
                    participants=participants,
                    steps=steps,
                    mode=label,
                    warm=[server.url],
                    server_pids=[server.process.pid],
                )
            )
    with contextlib.ExitStack() as stack:
        url = database_url or stack.enter_context(throwaway_postgres())
        base, replicas = stack.enter_context(replicas_behind_nginx(url, 2))
        return asyncio.run(
            run_room(
                [base],
                url,
                participants=participants,
                steps=steps,
                mode="two processes behind nginx, PostgreSQL",
                via_proxy=True,
                warm=replicas,
            )
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=["one", "two", "both"], default="both")
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--steps", type=int, default=3)
    parser.add_argument("--database-url", help="use this database instead of a throwaway one")
    args = parser.parse_args(argv)
    modes = ["one", "two"] if args.mode == "both" else [args.mode]
    reports = [
        run_mode(mode, participants=args.participants, steps=args.steps, database_url=args.database_url)
        for mode in modes
    ]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "load_room.json").write_text(
        json.dumps([r.as_dict() for r in reports], indent=2, sort_keys=True, default=str) + "\n"
    )
    print(markdown(reports))
    for r in reports:
        for step in r.steps:
            print(
                f"  {r.mode}: {step.step}: {step.votes_acknowledged} acknowledged ({step.changed_votes} changed,"
                f" {step.second_taps} tapped twice), {step.votes_stored} stored; step reached all phones in {step.step_reached_all_phones_s:.2f} s; "
                f"vote p95 {step.vote_p95_s or float('nan'):.2f} s; facilitator +{step.last_vote_to_facilitator_s or float('nan'):.2f} s; "
                f"reveal reached all phones in {step.reveal_reached_all_phones_s or float('nan'):.2f} s"
            )
        if r.waiting_room_cpu_share is not None:
            print(
                f"  {r.mode}: {r.participants} phones polling the lobby cost {r.waiting_room_cpu_share:.0%} of one core"
            )
        for error in r.errors[:10]:
            print(f"  error: {error}")
    failed = any(r.errors or r.lost_votes or r.doubled_votes for r in reports)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
