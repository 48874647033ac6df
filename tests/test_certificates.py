"""The PDF downloads, parsed back with pypdf and checked for their text."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

import pytest
from pypdf import PdfReader

from course import tracking
from course.certificates import COURSE_TITLE, action_plan_pdf, certificate_pdf, pdf_safe
from course.dashboard import plan_views, practice_log
from course.loader import load_course
from course.store import JournalEntry
from tests.conftest import VALID_CONTENT

T0 = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


def text_of(data: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(data))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def small():
    return load_course(VALID_CONTENT)


def test_certificate_names_course_learner_date_and_strategies():
    """One page with the title, the name as entered, the date and each strategy mastered."""
    data = certificate_pdf(
        name="Sam Rivera", completed_on=date(2025, 6, 30), strategies=["Listen actively", "Follow up and stay in touch"]
    )
    assert data.startswith(b"%PDF")
    pages, text = text_of(data)
    text = flat(text)
    assert pages == 1
    for expected in (
        "Certificate of completion",
        "Sam Rivera",
        COURSE_TITLE,
        "30 June 2025",
        "Strategies mastered (2)",
        "Listen actively",
        "Follow up and stay in touch",
    ):
        assert expected in text


def test_certificate_with_non_latin_name_does_not_crash():
    """Curly quotes, dashes, Ł and CJK are transliterated or replaced, never an error."""
    data = certificate_pdf(name="Zoë “Dee” Łukasz – 张伟", completed_on=date(2025, 6, 30), strategies=[])
    _, text = text_of(data)
    assert 'Zoë "Dee" Lukasz - ??' in flat(text)
    assert "none yet recorded" in flat(text)


def test_certificate_needs_a_name():
    """A blank name is refused, so no certificate is made out to nobody."""
    with pytest.raises(ValueError, match="name"):
        certificate_pdf(name="   ", completed_on=date(2025, 6, 30), strategies=[])


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("plain ASCII", "plain ASCII"),
        ("café façade", "café façade"),
        ("“quoted” ‘single’ — dash … ellipsis", "\"quoted\" 'single' - dash ... ellipsis"),
        ("Łódź", "Lódz"),
        ("Ελένη", "?????"),
        ("emoji 🎉", "emoji ?"),
    ],
)
def test_pdf_safe_keeps_latin1_and_replaces_the_rest(raw, safe):
    """Latin-1 passes through; common punctuation and accented letters are transliterated; the rest is '?'."""
    assert pdf_safe(raw) == safe


def test_action_plan_lists_plans_checkins_and_practice(small):
    """The plan text as written, its check-ins, and each practice action with its note."""
    entry = JournalEntry(
        "me", "plan", "small-talk", "plan", "If I see someone alone, then I will say hello", T0, "plan-1"
    )
    statements = [
        tracking.plan_checkin("me", "small-talk", "plan-1", 1, True, at=T0 + timedelta(days=8)),
        tracking.practice_done("me", "small-talk", "one-opener", "Asked about the keynote — it worked", at=T0),
    ]
    now = T0 + timedelta(days=16)
    data = action_plan_pdf(
        plan_views(small, [entry], statements, now),
        practice_log(small, statements),
        made_on=date(2025, 5, 17),
        name="Sam",
    )
    _, text = text_of(data)
    text = flat(text)
    for expected in (
        "My action plan",
        "Sam - 17 May 2025",
        "Open a conversation",
        "If I see someone alone, then I will say hello",
        "week 1: happened",
        "week 2: due now",
        "week 4: from 29 May 2025",
        "Start one conversation this week",
        "Note: Asked about the keynote - it worked",
    ):
        assert expected in text


def test_empty_action_plan_explains_how_to_fill_it():
    """With nothing written yet, the PDF says where plans and practice come from instead of being blank."""
    _, text = text_of(action_plan_pdf([], [], made_on=date(2025, 5, 17)))
    text = flat(text)
    assert "No plans yet" in text
    assert "Nothing logged yet" in text
