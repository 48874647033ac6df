"""The complete example in docs/authoring.md is a working lesson: it validates, shows on Home and plays through."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from course.loader import load_course
from tests.apptest_helpers import open_page, texts
from tests.conftest import ROOT

DOC = (ROOT / "docs" / "authoring.md").read_text(encoding="utf-8")


def example_blocks() -> dict[str, str]:
    """The yaml code blocks that follow a `lessons/...` or `quizzes/...` file name in the doc."""
    blocks = {}
    for match in re.finditer(r"`((?:lessons|quizzes)/[\w-]+\.yaml)`:\n\n```yaml\n(.*?)```", DOC, re.S):
        blocks[match.group(1)] = match.group(2)
    return blocks


@pytest.fixture
def course_with_doc_example(tmp_path: Path, monkeypatch, app_env) -> Path:
    shutil.copytree(ROOT / "lessons", tmp_path / "lessons")
    shutil.copytree(ROOT / "quizzes", tmp_path / "quizzes")
    for name, text in example_blocks().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.setenv("COURSE_CONTENT_ROOT", str(tmp_path))
    return tmp_path


def test_doc_has_a_lesson_and_a_quiz_example():
    """The doc carries one full lesson file and its quiz file."""
    assert set(example_blocks()) == {"lessons/12-thank-you-notes.yaml", "quizzes/12-thank-you-notes.yaml"}


def test_doc_example_validates_alongside_the_course(course_with_doc_example):
    """Added to the real course, the example is valid and sorts last."""
    course = load_course(course_with_doc_example)
    assert [str(e) for e in course.errors] == []
    assert course.lessons[-1].id == "thank-you-notes"
    assert course.quiz_for("thank-you-notes") is not None


def test_doc_example_appears_on_home_and_plays_through(course_with_doc_example):
    """With no code change, the new lesson is on the course map and its scenario reaches an ending."""
    home = open_page("home")
    assert "Write a thank-you note that lands" in texts(home)
    at = open_page("lesson", lesson="thank-you-notes")
    at.segmented_control(key="part").set_value("Practise").run()
    prefix = "scn_thank-you-notes_report-rescue"
    at.radio(key=f"{prefix}_when_choice").set_value("now").run()
    at.button(key=f"{prefix}_when_submit").click().run()
    at.radio(key=f"{prefix}_copy_choice").set_value("credit").run()
    at.button(key=f"{prefix}_copy_submit").click().run()
    assert not at.exception
    assert "Ending: Help you can ask for again" in texts(at)
    assert at.metric[0].value == "100/100"


def test_every_model_field_is_documented():
    """Each field of the lesson and quiz models is named in the doc, so authors can find it."""
    from course import models

    documented = set(re.findall(r"`(\w+)`", DOC))
    for model in (
        models.Lesson,
        models.Quiz,
        models.Scenario,
        models.Step,
        models.Choice,
        models.Ending,
        models.Option,
        models.SelfAssessmentItem,
        models.WorkedExample,
        models.Opening,
        models.PlanPrompt,
        models.OpenQuestion,
        models.LearningPoint,
        models.PracticeAction,
    ):
        for field in model.model_fields:
            assert field in documented, f"{model.__name__}.{field} is not in docs/authoring.md"
