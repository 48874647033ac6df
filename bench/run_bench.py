"""Measure every page of the course against a bare Streamlit page, over Streamlit's own websocket protocol.

    python -m bench.run_bench                   # everything: content load, every page, configurations
    python -m bench.run_bench --only pages      # or: content, configs
    python -m bench.run_bench --quick           # fewer sessions, for a smoke run

Each page gets a fresh `streamlit run` server (headless, localhost, this repository's .streamlit/config.toml,
a throwaway SQLite database with one seeded learner). The bare page (bench/bare_app.py: a title and one
button) is served the same way, in the same run, and every page is reported as a ratio to it.
Results go to bench/results/*.json and a markdown table is printed; docs/performance.md quotes them.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.st_client import StClient  # noqa: E402
from tests.support.server import AppServer  # noqa: E402

RESULTS = ROOT / "bench" / "results"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


# --- the server process -------------------------------------------------------------------


def cpu_seconds(pid: int) -> float:
    """User + system CPU of one process so far (from /proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass(frozen=True)
class Config:
    """A server configuration: CLI overrides of .streamlit/config.toml plus environment."""

    name: str
    args: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()


PRODUCTION = Config("production: watcher off, postScriptGC off, gc.freeze")
CONFIGS = (
    Config(
        "Streamlit defaults: watcher auto, postScriptGC on, no freeze",
        ("--server.fileWatcherType", "auto", "--runner.postScriptGC", "true"),
        (("COURSE_GC_FREEZE", "0"),),
    ),
    Config(
        "watcher off, postScriptGC on, no freeze",
        ("--server.fileWatcherType", "none", "--runner.postScriptGC", "true"),
        (("COURSE_GC_FREEZE", "0"),),
    ),
    Config(
        "watcher off, postScriptGC on, gc.freeze",
        ("--server.fileWatcherType", "none", "--runner.postScriptGC", "true"),
    ),
    Config("watcher off, postScriptGC off, no freeze", (), (("COURSE_GC_FREEZE", "0"),)),
    PRODUCTION,
)


def start_server(script: str, database_url: str, config: Config) -> AppServer:
    env = {"COURSE_DATABASE_URL": database_url, **dict(config.env)}
    env.pop("COURSE_AUTHOR_MODE", None)
    return AppServer(env=env, script=script, extra_args=list(config.args)).start()


# --- what each page is asked to do ------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One page as a browser opens it: the script, the url path, its query string."""

    name: str
    script: str = "streamlit_app.py"
    page: str | None = None
    query: dict[str, str] = field(default_factory=dict)
    learner: bool = True  # open it as the seeded learner (?learner=KEY)
    # The interaction timed for rerun latency: widget changes and a click, or a plain rerun.
    interaction: dict[str, Any] = field(default_factory=dict)


def targets(first_lesson: str) -> list[Target]:
    return [
        Target("bare page", script="bench/bare_app.py", learner=False, interaction={"click": "bare_press"}),
        Target("home (course map)"),
        Target("lesson", page="lesson", query={"lesson": first_lesson}),
        Target(
            "lesson, switching part", page="lesson", query={"lesson": first_lesson}, interaction={"alternate": "part"}
        ),
        Target("review", page="review"),
        Target("progress", page="progress"),
        Target("plan", page="plan"),
        Target("my data", page="my_data"),
        Target("presenter (no room yet)", page="presenter", query={"lesson": first_lesson}, learner=False),
        Target("room (join form)", page="room", learner=False),
    ]


def seed_learner(database_url: str) -> str:
    """One learner with a realistic history (half the course done), so data pages do real work."""
    from course.loader import load_course
    from course.quiz import draw_attempt, grade_attempt, self_assessment_score
    from course.scenario import expert_path, next_step, path_score
    from course.store import Store
    from course.tracking import lesson_opened, quiz_attempt, scenario_choice, scenario_completed, self_assessment

    content = load_course(ROOT)
    store = Store.open(database_url)
    learner_id, key = store.create_learner()
    statements = []
    for lesson in content.lessons[: len(content.lessons) // 2 + 1]:
        statements.append(lesson_opened(learner_id, lesson.id))
        for scenario in lesson.scenarios:
            path = [(step.id, choice.id) for step, choice in expert_path(scenario)]
            for step_id, choice_id in path:
                statements += scenario_choice(learner_id, lesson.id, scenario, step_id, choice_id, "a1")
            if path:
                outcome = next_step(scenario, *path[-1])
                ending = getattr(outcome, "ending", None)
                statements.append(
                    scenario_completed(
                        learner_id,
                        lesson.id,
                        scenario.id,
                        "a1",
                        getattr(ending, "id", "end"),
                        path_score(scenario, path) or 100.0,
                    )
                )
        quiz = content.quiz_for(lesson.id)
        if quiz is not None and quiz.self_assessment:
            ratings = {item.id: 3 for item in quiz.self_assessment}
            statements += self_assessment(
                learner_id, lesson.id, "s1", ratings, self_assessment_score(quiz.self_assessment, ratings) or 50.0
            )
        if quiz is not None and quiz.items:
            drawn = draw_attempt(quiz, 7)
            answers = {d.item.id: frozenset(o.id for o in d.item.options if o.correct) for d in drawn}
            statements += quiz_attempt(learner_id, lesson.id, "q1", grade_attempt(drawn, answers, quiz.pass_percentage))
    store.record(statements)
    store.close()
    return key


# --- measurements ----------------------------------------------------------------------------


def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


async def open_session_counted(port: int, target: Target, query: dict[str, str]) -> tuple[StClient, float, int]:
    """A new session's first run: the client, seconds from connecting to script_finished, deltas sent."""
    client = StClient(port, query_string=query, page=target.page)
    started = time.perf_counter()
    await client.connect()
    result = await client.run()
    if result.exceptions:
        await client.close()
        raise RuntimeError(f"{target.name}: the page raised {result.exceptions}")
    return client, time.perf_counter() - started, result.deltas


async def open_session(port: int, target: Target, query: dict[str, str]) -> tuple[StClient, float]:
    client, seconds, _deltas = await open_session_counted(port, target, query)
    return client, seconds


async def settle(pid: int, *, quiet: float = 0.02, timeout: float = 5) -> None:
    """Wait until the server stops using CPU (session clean-up runs after a socket closes)."""
    deadline = time.monotonic() + timeout
    last = cpu_seconds(pid)
    while time.monotonic() < deadline:
        await asyncio.sleep(0.25)
        now = cpu_seconds(pid)
        if now - last <= quiet:
            return
        last = now


async def idle_cpu_rate(pid: int, seconds: float = 1.0) -> float:
    before = cpu_seconds(pid)
    await asyncio.sleep(seconds)
    return (cpu_seconds(pid) - before) / seconds


async def new_session_cost(port: int, pid: int, target: Target, query: dict[str, str], count: int) -> dict[str, float]:
    """Server CPU per new session (connect, first run, disconnect), sessions one after another.

    One other session stays open meanwhile, as on any server in use: when the last session closes,
    Streamlit empties its compiled-script cache, which would make every lone session recompile the pages.
    """
    anchor, _ = await open_session(port, target, query)
    try:
        idle = await idle_cpu_rate(pid)
        await settle(pid)
        before = cpu_seconds(pid)
        started = time.perf_counter()
        first_runs = []
        deltas = 0
        for _ in range(count):
            client, seconds, deltas = await open_session_counted(port, target, query)
            first_runs.append(seconds)
            await client.close()
        await settle(pid)
        wall = time.perf_counter() - started
        used = cpu_seconds(pid) - before - idle * wall
    finally:
        await anchor.close()
    return {
        "cpu_s_per_session": max(used, 0.0) / count,
        "first_run_median_s": statistics.median(first_runs),
        "idle_cpu_rate": idle,
        "deltas_first_run": deltas,
    }


async def rerun_latency(port: int, target: Target, query: dict[str, str], count: int) -> dict[str, float]:
    """Median time from sending an interaction to script_finished, in one session."""
    client, _ = await open_session(port, target, query)
    times = []
    try:
        interaction = dict(target.interaction)
        alternate = interaction.pop("alternate", None)
        options: list[str] = []
        if alternate:
            widget = client.widget(alternate)
            assert widget is not None, f"{target.name}: no widget {alternate!r}"
            options = [o if isinstance(o, str) else o.content for o in widget.button_group.options][:2]
        for index in range(count + 2):
            kwargs = dict(interaction)
            if alternate:
                kwargs["set"] = {alternate: [options[index % 2]]}
            result = await client.run(**kwargs)
            if result.exceptions:
                raise RuntimeError(f"{target.name}: the page raised {result.exceptions}")
            if index >= 2:  # the first two warm the page's own caches
                times.append(result.seconds)
    finally:
        await client.close()
    return {"rerun_median_s": statistics.median(times), "rerun_p95_s": percentile(times, 0.95)}


async def memory_curve(
    port: int, pid: int, target: Target, query: dict[str, str], marks: tuple[int, ...]
) -> dict[str, float]:
    """Server RSS with 1, 20 and 60 sessions open at once (and after they all close)."""
    clients: list[StClient] = []
    found: dict[str, float] = {"rss_mb_before": rss_mb(pid)}
    try:
        for mark in marks:
            while len(clients) < mark:
                client, _ = await open_session(port, target, query)
                clients.append(client)
            await settle(pid)
            found[f"rss_mb_{mark}_sessions"] = rss_mb(pid)
    finally:
        await asyncio.gather(*(client.close() for client in clients))
    await settle(pid)
    await asyncio.sleep(1)
    found["rss_mb_after_close"] = rss_mb(pid)
    return found


async def burst(port: int, pid: int, target: Target, query: dict[str, str], size: int) -> dict[str, float]:
    """`size` new sessions at the same moment: time from connect to each first run's script_finished."""
    await settle(pid)
    before = cpu_seconds(pid)
    started = time.perf_counter()

    async def one() -> tuple[StClient, float]:
        client = StClient(port, query_string=query, page=target.page)
        await client.connect()
        result = await client.run(timeout=120)
        if result.exceptions:
            raise RuntimeError(f"{target.name}: the page raised {result.exceptions}")
        return client, time.perf_counter() - started

    outcomes = await asyncio.gather(*(one() for _ in range(size)), return_exceptions=True)
    finished = [o for o in outcomes if not isinstance(o, BaseException)]
    errors = [repr(o) for o in outcomes if isinstance(o, BaseException)]
    all_done = time.perf_counter() - started
    await asyncio.gather(*(client.close() for client, _ in finished))
    await settle(pid)
    times = [seconds for _, seconds in finished]
    return {
        "burst_size": size,
        "burst_p50_s": percentile(times, 0.5),
        "burst_p95_s": percentile(times, 0.95),
        "burst_max_s": max(times) if times else float("nan"),
        "burst_all_done_s": all_done,
        "burst_cpu_s": cpu_seconds(pid) - before,
        "burst_errors": len(errors),
        **({"burst_first_error": errors[0]} if errors else {}),
    }


@dataclass
class Sizes:
    sessions: int = 30
    reruns: int = 30
    marks: tuple[int, ...] = (1, 20, 60)
    burst: int = 60


async def measure(
    target: Target, config: Config, sizes: Sizes, *, key: str | None, database_url: str, what: set[str]
) -> dict[str, Any]:
    server = start_server(target.script, database_url, config)
    assert server.process is not None
    pid = server.process.pid
    query = {**target.query, **({"learner": key} if key and target.learner else {})}
    row: dict[str, Any] = {"page": target.name, "config": config.name, "rss_mb_started": rss_mb(pid)}
    try:
        for _ in range(3):  # the first sessions import modules and fill caches, once per process
            client, seconds = await open_session(server.port, target, query)
            row.setdefault("first_session_in_process_s", seconds)
            await client.close()
        await settle(pid)
        row["rss_mb_warm"] = rss_mb(pid)
        row.update(await new_session_cost(server.port, pid, target, query, sizes.sessions))
        row.update(await rerun_latency(server.port, target, query, sizes.reruns))
        if "memory" in what:
            row.update(await memory_curve(server.port, pid, target, query, sizes.marks))
        if "burst" in what:
            row.update(await burst(server.port, pid, target, query, sizes.burst))
    finally:
        server.stop()
    return row


async def same_size_floor(rows: list[dict[str, Any]], sizes: Sizes, database_url: str) -> None:
    """For each page, the bare page grown to the same number of deltas: Streamlit's own cost at that size."""
    server = start_server("bench/bare_elements.py", database_url, PRODUCTION)
    assert server.process is not None
    pid = server.process.pid
    try:
        for row in rows:
            count = int(row.get("deltas_first_run") or 2)
            target = Target(f"bare, {count} elements", script="bench/bare_elements.py", learner=False)
            query = {"n": str(count)}
            for _ in range(3):
                client, _seconds = await open_session(server.port, target, query)
                await client.close()
            cost = await new_session_cost(server.port, pid, target, query, sizes.sessions)
            latency = await rerun_latency(server.port, target, query, sizes.reruns)
            row["same_size_bare_cpu_s_per_session"] = cost["cpu_s_per_session"]
            row["same_size_bare_rerun_median_s"] = latency["rerun_median_s"]
    finally:
        server.stop()


# --- content ---------------------------------------------------------------------------------

_CONTENT_PROBE = """
import json, time
t0 = time.perf_counter()
from course.loader import REPO_ROOT, load_course
t1 = time.perf_counter()
course = load_course(REPO_ROOT)
t2 = time.perf_counter()
load_course(REPO_ROOT)
t3 = time.perf_counter()
print(json.dumps({"import_s": t1 - t0, "cold_load_s": t2 - t1, "warm_load_s": t3 - t2,
                  "lessons": len(course.lessons), "errors": len(course.errors)}))
"""


def content_load(repeats: int = 5) -> dict[str, Any]:
    """Cold time to load and validate every lesson and quiz, each in a fresh interpreter."""
    runs = []
    for _ in range(repeats):
        output = subprocess.run(
            [sys.executable, "-c", _CONTENT_PROBE], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout
        runs.append(json.loads(output.strip().splitlines()[-1]))
    return {
        "lessons": runs[0]["lessons"],
        "errors": runs[0]["errors"],
        "import_median_s": statistics.median(r["import_s"] for r in runs),
        "cold_load_median_s": statistics.median(r["cold_load_s"] for r in runs),
        "cold_load_max_s": max(r["cold_load_s"] for r in runs),
        "warm_load_median_s": statistics.median(r["warm_load_s"] for r in runs),
        "repeats": repeats,
    }


# --- reporting -------------------------------------------------------------------------------


def _ms(value: Any) -> str:
    return "–" if value is None else f"{value * 1000:.1f}"


def _ratio(value: Any, floor: Any) -> str:
    return "–" if not value or not floor else f"{value / floor:.2f}×"


def pages_table(rows: list[dict[str, Any]], marks: tuple[int, ...]) -> str:
    bare = next(row for row in rows if row["page"] == "bare page")
    lines = [
        "| page | deltas | CPU ms / new session | × bare | × bare of same size | rerun ms (median) | × bare"
        f" | × bare of same size | RSS MB at {' / '.join(map(str, marks))} sessions | burst: p95 s | burst errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|",
    ]
    for row in rows:
        rss = " / ".join(f"{row.get(f'rss_mb_{mark}_sessions', float('nan')):.0f}" for mark in marks)
        cpu, rerun = row["cpu_s_per_session"], row["rerun_median_s"]
        lines.append(
            f"| {row['page']} | {row.get('deltas_first_run', '–')} | {_ms(cpu)} | {_ratio(cpu, bare['cpu_s_per_session'])}"
            f" | {_ratio(cpu, row.get('same_size_bare_cpu_s_per_session'))}"
            f" | {_ms(rerun)} | {_ratio(rerun, bare['rerun_median_s'])}"
            f" | {_ratio(rerun, row.get('same_size_bare_rerun_median_s'))}"
            f" | {rss} | {row.get('burst_p95_s', float('nan')):.2f} | {row.get('burst_errors', '–')} |"
        )
    return "\n".join(lines)


def configs_table(rows: list[dict[str, Any]]) -> str:
    lines = [
        "| configuration | page | CPU ms / new session | rerun ms (median) | burst of 60: p95 s |",
        "|---|---|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| {row['config']} | {row['page']} | {_ms(row['cpu_s_per_session'])} | {_ms(row['rerun_median_s'])}"
            f" | {row.get('burst_p95_s', float('nan')):.2f} |"
        )
    return "\n".join(lines)


def environment() -> dict[str, Any]:
    import streamlit

    return {
        "python": platform.python_version(),
        "streamlit": streamlit.__version__,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "date": time.strftime("%Y-%m-%d"),
    }


def write(name: str, payload: dict[str, Any]) -> Path:
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(payload, indent=2, sort_keys=True) + "\n")
    return path


# --- main ------------------------------------------------------------------------------------


async def run_pages(sizes: Sizes, only: list[str] | None) -> list[dict[str, Any]]:
    from course.loader import load_course

    content = load_course(ROOT)
    first = next((lesson.id for lesson in content.lessons if lesson.kind == "strategy"), content.lessons[0].id)
    rows = []
    with tempfile.TemporaryDirectory(prefix="course-bench-") as folder:
        url = f"sqlite:///{folder}/progress.db"
        key = seed_learner(url)
        for target in targets(first):
            if only and target.name != "bare page" and not any(word in target.name for word in only):
                continue
            print(f"  measuring {target.name} ...", file=sys.stderr, flush=True)
            rows.append(await measure(target, PRODUCTION, sizes, key=key, database_url=url, what={"memory", "burst"}))
        print("  measuring bare pages of the same sizes ...", file=sys.stderr, flush=True)
        await same_size_floor(rows, sizes, url)
    return rows


async def run_configs(sizes: Sizes) -> list[dict[str, Any]]:
    from course.loader import load_course

    content = load_course(ROOT)
    first = next((lesson.id for lesson in content.lessons if lesson.kind == "strategy"), content.lessons[0].id)
    chosen = [t for t in targets(first) if t.name in ("bare page", "home (course map)", "lesson")]
    rows = []
    with tempfile.TemporaryDirectory(prefix="course-bench-") as folder:
        url = f"sqlite:///{folder}/progress.db"
        key = seed_learner(url)
        for config in CONFIGS:
            for target in chosen:
                print(f"  measuring {target.name} with {config.name} ...", file=sys.stderr, flush=True)
                rows.append(await measure(target, config, sizes, key=key, database_url=url, what={"burst"}))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["content", "pages", "configs"], action="append")
    parser.add_argument("--pages", nargs="*", help="measure only pages whose name contains one of these words")
    parser.add_argument("--quick", action="store_true", help="fewer sessions and reruns (a smoke run)")
    args = parser.parse_args(argv)
    parts = set(args.only or ["content", "pages", "configs"])
    sizes = Sizes(sessions=8, reruns=8, marks=(1, 5, 10), burst=10) if args.quick else Sizes()
    run_env = environment()

    if "content" in parts:
        print("content load ...", file=sys.stderr, flush=True)
        content = content_load()
        write("content", {"environment": run_env, "content": content})
        print("\n## Content\n")
        print(
            f"{content['lessons']} lessons: cold load and validate {content['cold_load_median_s'] * 1000:.0f} ms "
            f"(median of {content['repeats']} fresh processes, max {content['cold_load_max_s'] * 1000:.0f} ms); "
            f"imports {content['import_median_s'] * 1000:.0f} ms; warm reload {content['warm_load_median_s'] * 1000:.0f} ms"
        )
    if "pages" in parts:
        print("pages ...", file=sys.stderr, flush=True)
        rows = asyncio.run(run_pages(sizes, args.pages))
        write(
            "pages" if not args.quick else "pages-quick", {"environment": run_env, "sizes": asdict(sizes), "rows": rows}
        )
        print("\n## Pages (production configuration)\n")
        print(pages_table(rows, sizes.marks))
    if "configs" in parts:
        print("configurations ...", file=sys.stderr, flush=True)
        rows = asyncio.run(run_configs(sizes))
        write(
            "configs" if not args.quick else "configs-quick",
            {"environment": run_env, "sizes": asdict(sizes), "rows": rows},
        )
        print("\n## Configurations\n")
        print(configs_table(rows))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
