"""Lesson edits show without a restart, although production runs without Streamlit's file watcher."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from tests.apptest_helpers import open_page, texts
from tests.conftest import VALID_CONTENT


def test_an_edited_lesson_shows_on_the_next_run_without_a_restart(tmp_path: Path, app_env, monkeypatch):
    """The content cache is keyed on the files' sizes and modification times, so a saved edit is picked up."""
    root = tmp_path / "content"
    shutil.copytree(VALID_CONTENT, root)
    monkeypatch.setenv("COURSE_CONTENT_ROOT", str(root))
    at = open_page("lesson", lesson="small-talk")
    assert "Open a conversation" in texts(at)

    lesson = root / "lessons" / "01-small-talk.yaml"
    lesson.write_text(lesson.read_text().replace("title: Open a conversation", "title: Start a conversation"))
    stat = lesson.stat()
    os.utime(lesson, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a later save, even on coarse clocks
    at.run()

    shown = texts(at)
    assert "Start a conversation" in shown
    assert "Open a conversation" not in shown  # the old title must not linger from the cache
