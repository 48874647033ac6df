"""Profile the script runs of one page inside a real server, with pyinstrument.

    python -m bench.profile_page lesson --query lesson=authentic-approachable --sessions 20
    python -m bench.profile_page home --reruns 20        # interaction reruns instead of new sessions

The server runs in this process (``streamlit run`` via its CLI entry point, so the same config applies);
every script run is profiled on the ScriptRunner thread and the runs are combined into one report.
Sessions are driven over the websocket protocol by bench.st_client from a second process.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

_DRIVER = """
import asyncio, sys
sys.path.insert(0, {root!r})
from bench.st_client import StClient

async def main():
    query = {query!r}
    for _ in range({warm}):
        async with StClient({port}, query_string=query, page={page!r}) as client:
            await client.run()
    # Keep one session open, as on any server in use: Streamlit empties its compiled-page cache when the
    # last session closes, which would make every lone new session recompile the pages.
    anchor = StClient({port}, query_string=query, page={page!r}, auto_rerun=False)
    await anchor.connect()
    await anchor.run()
    print("WARM", flush=True)
    sys.stdin.readline()
    if {reruns}:
        async with StClient({port}, query_string=query, page={page!r}) as client:
            await client.run()
            for _ in range({reruns}):
                await client.run()
    for _ in range({sessions}):
        async with StClient({port}, query_string=query, page={page!r}) as client:
            await client.run()
    await anchor.close()

asyncio.run(main())
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("page", help="url path name of the page (home, lesson, progress, ...) or a script for --script")
    parser.add_argument("--query", default="", help="query string, e.g. lesson=introduction&learner=KEY")
    parser.add_argument("--script", default="streamlit_app.py")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--reruns", type=int, default=0)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--html", type=Path, help="also write an HTML report here")
    parser.add_argument("--all", action="store_true", help="show library frames too")
    args = parser.parse_args(argv)

    from pyinstrument import Profiler
    from pyinstrument.session import Session
    from streamlit.runtime.scriptrunner.script_runner import ScriptRunner

    from tests.support.postgres import free_port

    port = args.port or free_port()
    sessions: list[Session] = []
    recording = threading.Event()
    original = ScriptRunner._run_script

    @functools.wraps(original)
    def profiled(self, rerun_data):  # type: ignore[no-untyped-def]
        if not recording.is_set():
            return original(self, rerun_data)
        profiler = Profiler(interval=0.0005)
        profiler.start()
        try:
            return original(self, rerun_data)
        finally:
            sessions.append(profiler.stop())

    ScriptRunner._run_script = profiled  # type: ignore[method-assign]

    page = None if args.page == "home" else args.page

    def drive() -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        driver = subprocess.Popen(
            [
                sys.executable,
                "-c",
                _DRIVER.format(
                    root=str(ROOT),
                    query=args.query,
                    port=port,
                    page=page,
                    warm=3,
                    sessions=args.sessions,
                    reruns=args.reruns,
                ),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert driver.stdout is not None and driver.stdin is not None
        driver.stdout.readline()  # WARM
        recording.set()
        driver.stdin.write("go\n")
        driver.stdin.flush()
        driver.wait()
        recording.clear()
        combined = functools.reduce(Session.combine, sessions)
        profiler = Profiler()
        profiler._last_session = combined
        print(profiler.output_text(unicode=True, color=False, show_all=args.all), flush=True)
        if args.html:
            args.html.write_text(profiler.output_html())
        os.kill(os.getpid(), 15)

    threading.Thread(target=drive, daemon=True).start()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", args.script, "--server.port", str(port), "--server.address", "127.0.0.1"]
    with contextlib.suppress(SystemExit):
        cli.main()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
