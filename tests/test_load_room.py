"""A live room of 60 holds: on one process, and on two processes sharing PostgreSQL behind Debian's nginx.

The load test (bench/load_room.py) drives a facilitator and 60 participants over Streamlit's websocket
protocol: everyone joins at once, votes on three steps (some change their minds), and the facilitator
reveals. These tests run it for real and hold it to the targets of docs/performance.md.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bench.load_room import RoomReport, one_process, replicas_behind_nginx, run_room
from bench.st_client import run_sync

pytestmark = pytest.mark.slow

PARTICIPANTS = 60
STEPS = 3


def assert_room_held(report: RoomReport, *, join_p95_limit: float) -> None:
    assert report.errors == [], report.errors[:5]
    assert report.joined_in_database == PARTICIPANTS
    assert len(report.steps) == STEPS
    for step in report.steps:
        assert step.votes_acknowledged == PARTICIPANTS, step
        assert step.votes_stored == PARTICIPANTS, step
        assert step.lost == 0, f"acknowledged votes missing or changed: {step}"
        assert step.doubled == 0, f"a participant has two votes on one step: {step}"
        assert step.unacknowledged_stored == 0, step
        assert step.last_vote_to_facilitator_s is not None and step.last_vote_to_facilitator_s <= 3.0, step
    assert report.join_p95_s is not None and report.join_p95_s < join_p95_limit, report.join_p95_s


def test_sixty_participants_in_one_room_on_one_process(tmp_path: Path):
    """One server process (SQLite): no vote lost or doubled, the facilitator sees all within 3 s, p95 join < 2 s."""
    url = f"sqlite:///{tmp_path / 'progress.db'}"
    with one_process(url) as base:
        report = run_sync(
            run_room([base], url, participants=PARTICIPANTS, steps=STEPS, mode="one process", warm=[base])
        )
    assert report.per_replica == {"direct": PARTICIPANTS}
    assert_room_held(report, join_p95_limit=2.0)


def test_sixty_participants_in_one_room_on_two_processes_behind_nginx(pg_url: str):
    """Two processes sharing PostgreSQL behind nginx each serve part of the room, and it holds just the same."""
    assert shutil.which("nginx") or Path("/usr/sbin/nginx").exists(), "apt-get install nginx (as .ci/run does)"
    with replicas_behind_nginx(pg_url, 2) as (base, replicas):
        report = run_sync(
            run_room(
                [base],
                pg_url,
                participants=PARTICIPANTS,
                steps=STEPS,
                mode="two processes behind nginx",
                via_proxy=True,
                warm=replicas,
            )
        )
    # nginx's routing cookie spreads the participants over both replicas, and each stays on its own.
    assert set(report.per_replica) == {replica.removeprefix("http://") for replica in replicas}, report.per_replica
    assert min(report.per_replica.values()) >= PARTICIPANTS // 5, report.per_replica
    assert_room_held(report, join_p95_limit=2.0)
