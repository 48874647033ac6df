"""PDF downloads made with fpdf2: the learner's action plan and a certificate of completion.

The PDFs use fpdf2's built-in Helvetica, so nothing has to be bundled. That font covers
Latin-1 only; learner text outside it is transliterated where there is a plain
equivalent (curly quotes, dashes, Ł, œ) and otherwise replaced with "?", so no input
can make a download fail.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, tzinfo

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from course.dashboard import PlanView, PracticeEntry

COURSE_TITLE = "Build and keep professional relationships"
FONT = "helvetica"
INK = (27, 31, 36)
ACCENT = (29, 92, 143)
MUTED = (90, 98, 108)

_PLAIN = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": ",",
        "“": '"',
        "”": '"',
        "„": '"',
        "–": "-",
        "—": "-",
        "―": "-",
        "‐": "-",
        "…": "...",
        "•": "-",
        "→": "->",
        "←": "<-",
        "€": "EUR",
        "™": "(TM)",
        "\u00a0": " ",
        "\u202f": " ",
        "\u2009": " ",
        "Ł": "L",
        "ł": "l",
        "Đ": "D",
        "đ": "d",
        "ı": "i",
        "Œ": "OE",
        "œ": "oe",
        "Ŀ": "L",
        "ŀ": "l",
        "ŉ": "'n",
        "ſ": "s",
    }
)


def pdf_safe(text: str) -> str:
    """Text the core font can print: Latin-1 as is, known characters transliterated, the rest as '?'."""
    result = []
    for char in text.translate(_PLAIN):
        if ord(char) < 256:
            result.append(char)
            continue
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        result.append(base if base and all(ord(c) < 256 for c in base) else "?")
    return "".join(result)


def _pdf(orientation: str = "portrait") -> FPDF:
    pdf = FPDF(orientation=orientation, unit="mm", format="A4")
    pdf.set_title(pdf_safe(COURSE_TITLE))
    pdf.set_author("Build and keep professional relationships (course app)")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    return pdf


def _line(pdf: FPDF, text: str, *, size: float = 11, style: str = "", colour=INK, height: float = 6, align="L") -> None:
    pdf.set_font(FONT, style=style, size=size)
    pdf.set_text_color(*colour)
    pdf.multi_cell(0, height, pdf_safe(text), align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def _bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


CHECKIN_WORDS = {"upcoming": "from {due}", "due": "due now", "missed": "skipped", "closed": "replaced by a newer plan"}


def _checkin_text(view: PlanView, zone: tzinfo) -> str:
    parts = []
    for checkin in view.checkins:
        if checkin.state == "answered":
            word = "happened" if checkin.happened else "not this time"
        else:
            word = CHECKIN_WORDS[checkin.state].format(due=checkin.due_at.astimezone(zone).strftime("%d %b %Y"))
        parts.append(f"week {checkin.week}: {word}")
    return "Check-ins - " + "; ".join(parts)


def action_plan_pdf(
    plans: Sequence[PlanView],
    practice: Sequence[PracticeEntry],
    *,
    made_on: date,
    name: str | None = None,
    zone: tzinfo = UTC,
) -> bytes:
    """The learner's if-then plans with their check-ins, and the real-world practice they logged."""
    pdf = _pdf()
    _line(pdf, COURSE_TITLE, size=10, colour=MUTED)
    _line(pdf, "My action plan", size=22, style="B", colour=ACCENT, height=11)
    byline = f"{name.strip()} - " if name and name.strip() else ""
    _line(pdf, f"{byline}{made_on:%d %B %Y}", size=10, colour=MUTED)
    pdf.ln(4)
    current = [p for p in plans if p.current]
    if not current:
        _line(pdf, "No plans yet. Write one at the end of any lesson: If <cue>, then I will <action>.")
    for view in current:
        _line(pdf, view.lesson_title, size=13, style="B", height=7)
        _line(pdf, view.entry.text, size=11)
        written = view.entry.created_at.astimezone(zone)
        _line(pdf, f"Written {written:%d %b %Y}. {_checkin_text(view, zone)}", size=9, colour=MUTED, height=5)
        pdf.ln(3)
    pdf.ln(2)
    _line(pdf, "Practice in real life", size=15, style="B", colour=ACCENT, height=8)
    if not practice:
        _line(pdf, "Nothing logged yet. Tick off a practice action at the end of a lesson when you have done it.")
    for entry in practice:
        when = entry.timestamp.astimezone(zone)
        _line(pdf, f"{when:%d %b %Y} - {entry.lesson_title}: {entry.action_text}", size=10)
        if entry.note:
            _line(pdf, f"Note: {entry.note}", size=9, colour=MUTED, height=5)
    return _bytes(pdf)


def certificate_pdf(
    *, name: str, completed_on: date, strategies: Sequence[str], course_title: str = COURSE_TITLE
) -> bytes:
    """A one-page certificate of completion: course, the learner's name as entered, date, strategies mastered."""
    if not name.strip():
        raise ValueError("a certificate needs the learner's name")
    pdf = _pdf("landscape")
    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.ln(10)
    _line(pdf, "Certificate of completion", size=30, style="B", colour=ACCENT, height=14, align="C")
    pdf.ln(4)
    _line(pdf, "This certifies that", size=13, colour=MUTED, align="C")
    pdf.ln(2)
    _line(pdf, name.strip(), size=26, style="B", height=13, align="C")
    pdf.ln(2)
    _line(pdf, "completed the course", size=13, colour=MUTED, align="C")
    _line(pdf, course_title, size=18, style="B", height=10, align="C")
    _line(pdf, f"on {completed_on:%d %B %Y}", size=13, colour=MUTED, align="C")
    pdf.ln(6)
    if strategies:
        _line(pdf, f"Strategies mastered ({len(strategies)})", size=12, style="B", align="C")
        _line(pdf, "  ·  ".join(strategies), size=10, align="C", height=5)
    else:
        _line(pdf, "Strategies mastered: none yet recorded", size=12, align="C")
    pdf.set_y(-32)
    _line(
        pdf,
        "Mastery means 80% or more on a strategy's knowledge check. "
        "Self-paced course; the name was entered by the learner.",
        size=8,
        colour=MUTED,
        align="C",
        height=4,
    )
    return _bytes(pdf)
