"""`python -m course validate|stats|schema`."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

from course.schema_export import SCHEMAS, schema_text
from tests.conftest import FIXTURES, ROOT, VALID_CONTENT


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "course", *args], capture_output=True, text=True, cwd=ROOT, timeout=60)


def test_validate_valid_content_exits_zero_with_summary():
    """Valid content exits 0 with a one-line summary."""
    result = run("validate", str(VALID_CONTENT))
    assert result.returncode == 0
    assert result.stdout.strip().splitlines() == ["ok: 1 lessons, 1 quizzes (3 items), 2 files valid"]


def test_validate_lists_every_error_and_exits_one(tmp_path: Path):
    """Broken content exits 1 and lists each error as file:line: field: message, with no traceback."""
    shutil.copytree(VALID_CONTENT, tmp_path, dirs_exist_ok=True)
    for name in ("non-utf8", "alias-bomb", "empty", "list-at-root", "syntax-unclosed-quote"):
        shutil.copy(FIXTURES / "broken/lessons" / f"{name}.yaml", tmp_path / "lessons" / f"{name}.yaml")
    result = run("validate", str(tmp_path))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 5
    assert "lessons/non-utf8.yaml:10: situation: file is not valid UTF-8 (byte 0xe9); save it as UTF-8" in lines
    assert "5 error(s) in 5 of 7 files" in result.stderr


def test_validate_real_course_passes():
    """The shipped course validates."""
    result = run("validate")
    assert result.returncode == 0, result.stdout + result.stderr


def test_stats_prints_json_per_lesson():
    """stats prints scenario, step, choice and item counts per lesson."""
    result = run("stats", str(VALID_CONTENT))
    data = json.loads(result.stdout)
    assert data["small-talk"]["scenarios"] == 1
    assert data["small-talk"]["steps"] == 2
    assert data["small-talk"]["choices"] == 4
    assert data["small-talk"]["quiz_items"] == 3
    assert data["small-talk"]["self_assessment_items"] == 3
    assert data["small-talk"]["minutes"] == 10


def test_missing_root_is_a_clear_error(tmp_path: Path):
    """A folder without lessons/ says so, without a traceback."""
    result = run("validate", str(tmp_path))
    assert result.returncode == 1
    assert "no lessons/ folder" in result.stderr


def test_committed_json_schemas_match_the_models():
    """schemas/*.json are regenerated whenever the models change (python -m course schema)."""
    for name, model in SCHEMAS.items():
        assert (ROOT / "schemas" / name).read_text(encoding="utf-8") == schema_text(model), name
