"""A workshop variant of the fixture course: facilitator notes, a discussion prompt and an open question."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

from tests.conftest import VALID_CONTENT

LESSON_NOTES = "Run the coffee-urn scenario first, then ask the open question."
STEP_NOTES = "Most rooms split here: let both sides argue before revealing."
ENDING_NOTES = "Ask who has had a conversation stall like this, and what they did next."
DISCUSSION = "Which opener would you use at your next event, and why?"
QUESTION_ID = "first-line"
QUESTION = "What is one opening line you could use at your next event?"


def workshop_content(target: Path) -> Path:
    """Copy tests/fixtures/valid to `target` and add the presenter-only fields to the small-talk lesson."""
    shutil.copytree(VALID_CONTENT, target, dirs_exist_ok=True)
    lesson_file = target / "lessons" / "01-small-talk.yaml"
    data = yaml.safe_load(lesson_file.read_text(encoding="utf-8"))
    data["facilitator_notes"] = LESSON_NOTES
    data["open_questions"] = [{"id": QUESTION_ID, "prompt": QUESTION}]
    first = data["scenarios"][0]["steps"][0]
    first["facilitator_notes"] = STEP_NOTES
    first["discussion_prompt"] = DISCUSSION
    data["scenarios"][0]["endings"][1]["facilitator_notes"] = ENDING_NOTES
    lesson_file.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return target
