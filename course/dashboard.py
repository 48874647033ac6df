"""Every number on the progress, review-summary and action-plan pages, as pure functions of the statements.

Each chart's data comes with a one-sentence summary and a table (its text alternative),
built here so they can be tested without Streamlit. Figures live in course/charts.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from course.events import Statement
from course.loader import Course
from course.models import Lesson
from course.progress import for_lesson, lesson_status
from course.review import CONFIDENCE_LEVELS, is_durable
from course.store import JournalEntry

# Okabe-Ito: distinguishable with every common colour-vision deficiency. Each meaning keeps its colour on every chart.
PALETTE = {
    "first": "#E69F00",  # orange: where you started
    "latest": "#0072B2",  # blue: where you are now
    "judgement": "#009E73",  # bluish green: measured by your choices
    "below": "#D55E00",  # vermillion: below the pass line, or not correct
    "low": "#E69F00",
    "medium": "#56B4E9",
    "high": "#0072B2",
    "neutral": "#999999",
}
GAP_POINTS = 20  # design choice: a self-rating this far above scenario judgement is worth a look
HIGH_SELF_RATING = 60


def resolve_zone(name: str | None) -> tzinfo:
    """The learner's time zone from the browser, or UTC when unknown or invalid."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def strategies(course: Course) -> list[Lesson]:
    """The strategy lessons in course order: the fixed axis order of every per-strategy chart."""
    return [lesson for lesson in course.lessons if lesson.kind == "strategy"]


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}"


# --- self-assessment profile (radar) and change (bar) ------------------------------------


@dataclass(frozen=True)
class ProfilePoint:
    lesson_id: str
    title: str
    first: float | None
    latest: float | None
    ratings: int

    @property
    def change(self) -> float | None:
        if self.ratings < 2 or self.first is None or self.latest is None:
            return None
        return round(self.latest - self.first, 1)


def self_assessment_profile(course: Course, statements: Sequence[Statement]) -> list[ProfilePoint]:
    """First and latest self-perceived score per strategy, in course order (None where not rated)."""
    points = []
    for lesson in strategies(course):
        scores = [
            s
            for s in sorted(statements, key=lambda s: s.timestamp)
            if s.lesson_id == lesson.id and s.object_type == "self-assessment" and s.score is not None
        ]
        points.append(
            ProfilePoint(
                lesson.id,
                lesson.title,
                scores[0].score if scores else None,
                scores[-1].score if scores else None,
                len(scores),
            )
        )
    return points


def radar_shapes(points: Sequence[ProfilePoint]) -> dict[str, list[float | None]]:
    """At most two shapes: the first ratings, and the latest when any strategy was rated again."""
    if not any(p.first is not None for p in points):
        return {}
    shapes: dict[str, list[float | None]] = {"First rating": [p.first for p in points]}
    if any(p.ratings >= 2 for p in points):
        shapes["Latest rating"] = [p.latest for p in points]
    return shapes


@dataclass(frozen=True)
class ChangeRow:
    lesson_id: str
    title: str
    first: float
    latest: float
    change: float


def change_rows(points: Sequence[ProfilePoint]) -> list[ChangeRow]:
    """Strategies rated at least twice, sorted by change, largest gain first (course order breaks ties)."""
    rows = [
        ChangeRow(p.lesson_id, p.title, p.first, p.latest, p.change)  # type: ignore[arg-type]
        for p in points
        if p.change is not None
    ]
    return sorted(rows, key=lambda r: -r.change)


def profile_summary(points: Sequence[ProfilePoint]) -> str:
    rated = [p for p in points if p.first is not None]
    if not rated:
        return "You have not rated yourself yet."
    top = max(rated, key=lambda p: p.latest or 0)
    low = min(rated, key=lambda p: p.latest or 0)
    text = f"You rated yourself on {len(rated)} of {len(points)} strategies (self-perceived, 0-100)"
    if len(rated) > 1:
        text += f"; highest now: {top.title} ({_fmt(top.latest)}), lowest: {low.title} ({_fmt(low.latest)})"
    return text + "."


def change_summary(rows: Sequence[ChangeRow]) -> str:
    if not rows:
        return "No change to show yet: rate yourself again at the end of the course."
    gains = [r for r in rows if r.change > 0]
    falls = [r for r in rows if r.change < 0]
    text = f"Your self-perceived score rose on {len(gains)} of {len(rows)} strategies you rated twice"
    if gains:
        text += f"; the largest rise was {rows[0].title} (+{rows[0].change:.0f})"
    if falls:
        text += f"; it fell on {len(falls)}, which often means you now notice more"
    return text + "."


def profile_table(points: Sequence[ProfilePoint]) -> list[dict[str, Any]]:
    return [
        {"Strategy": p.title, "First rating": p.first, "Latest rating": p.latest, "Times rated": p.ratings}
        for p in points
    ]


def change_table(rows: Sequence[ChangeRow]) -> list[dict[str, Any]]:
    return [{"Strategy": r.title, "First": r.first, "Latest": r.latest, "Change": r.change} for r in rows]


# --- knowledge checks ---------------------------------------------------------------------


@dataclass(frozen=True)
class QuizMastery:
    lesson_id: str
    title: str
    best: float | None
    attempts: int
    pass_line: int
    mastered: bool
    durable: bool


def quiz_mastery(course: Course, statements: Sequence[Statement]) -> list[QuizMastery]:
    """Best score against the pass line for every lesson with a knowledge check, in course order."""
    rows = []
    for lesson in course.lessons:
        quiz = course.quiz_for(lesson.id)
        if quiz is None:
            continue
        scores = [s.score or 0.0 for s in statements if s.lesson_id == lesson.id and s.object_type == "quiz"]
        mastered = lesson_status(statements, lesson.id) == "mastered"
        rows.append(
            QuizMastery(
                lesson.id,
                lesson.title,
                max(scores) if scores else None,
                len(scores),
                quiz.pass_percentage,
                mastered,
                mastered and is_durable(statements, lesson.id),
            )
        )
    return rows


@dataclass(frozen=True)
class QuizPoint:
    timestamp: datetime
    lesson_id: str
    title: str
    score: float
    passed: bool


def quiz_history(course: Course, statements: Sequence[Statement]) -> list[QuizPoint]:
    titles = {lesson.id: lesson.title for lesson in course.lessons}
    return [
        QuizPoint(s.timestamp, s.lesson_id, titles.get(s.lesson_id, s.lesson_id), s.score or 0.0, s.verb == "passed")
        for s in sorted(statements, key=lambda s: s.timestamp)
        if s.object_type == "quiz" and s.lesson_id in titles
    ]


def mastery_summary(rows: Sequence[QuizMastery]) -> str:
    tried = [r for r in rows if r.attempts]
    if not tried:
        return "No knowledge checks taken yet."
    mastered = sum(r.mastered for r in rows)
    durable = sum(r.durable for r in rows)
    return (
        f"You have mastered {mastered} of {len(rows)} knowledge checks ({durable} durably, after a review a week later); "
        f"you have tried {len(tried)}."
    )


def history_summary(points: Sequence[QuizPoint], zone: tzinfo = UTC) -> str:
    if not points:
        return "No attempts yet."
    passed = sum(p.passed for p in points)
    first = points[0].timestamp.astimezone(zone)
    return f"{len(points)} attempts since {first:%d %b}; {passed} passed. Retrying after the feedback is how mastery grows."


def mastery_table(rows: Sequence[QuizMastery]) -> list[dict[str, Any]]:
    return [
        {
            "Lesson": r.title,
            "Best score": r.best,
            "Pass line": r.pass_line,
            "Attempts": r.attempts,
            "Mastered": r.mastered,
            "Durably mastered": r.durable,
        }
        for r in rows
    ]


def history_table(points: Sequence[QuizPoint], zone: tzinfo = UTC) -> list[dict[str, Any]]:
    return [
        {
            "When": p.timestamp.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
            "Lesson": p.title,
            "Score": p.score,
            "Passed": p.passed,
        }
        for p in points
    ]


# --- scenario judgement against self-rating -------------------------------------------


@dataclass(frozen=True)
class JudgementRow:
    lesson_id: str
    title: str
    judgement: float | None  # mean effectiveness of the choices taken, 0-100
    choices: int
    self_rating: float | None  # latest self-perceived score

    @property
    def gap(self) -> float | None:
        if self.judgement is None or self.self_rating is None:
            return None
        return round(self.self_rating - self.judgement, 1)

    @property
    def worth_a_look(self) -> bool:
        """A high self-rating with notably weaker scenario choices."""
        return self.gap is not None and self.self_rating >= HIGH_SELF_RATING and self.gap >= GAP_POINTS  # type: ignore[operator]


def scenario_judgement(course: Course, statements: Sequence[Statement]) -> list[JudgementRow]:
    """Per strategy with any data: mean effectiveness of every scenario choice taken, and the latest self-rating."""
    profile = {p.lesson_id: p for p in self_assessment_profile(course, statements)}
    rows = []
    for lesson in strategies(course):
        scores = [
            s.score
            for s in statements
            if s.lesson_id == lesson.id
            and s.object_type == "scenario-step"
            and s.verb == "answered"
            and s.score is not None
        ]
        judgement = round(sum(scores) / len(scores), 1) if scores else None
        self_rating = profile[lesson.id].latest
        if judgement is None and self_rating is None:
            continue
        rows.append(JudgementRow(lesson.id, lesson.title, judgement, len(scores), self_rating))
    return rows


def judgement_summary(rows: Sequence[JudgementRow]) -> str:
    judged = [r for r in rows if r.judgement is not None]
    if not judged:
        return "No scenario choices yet."
    mean = sum(r.judgement for r in judged) / len(judged)  # type: ignore[misc]
    flagged = [r for r in rows if r.worth_a_look]
    text = f"Across {len(judged)} strategies your scenario choices average {mean:.0f}/100 against the expert key"
    if flagged:
        text += f"; {len(flagged)} may be worth a second look"
    return text + "."


def gap_notes(rows: Sequence[JudgementRow]) -> list[str]:
    """Kind, action-focused notes for each strategy where self-rating runs well ahead of judgement."""
    return [
        f"{r.title}: you rate yourself {r.self_rating:.0f}, while your scenario choices scored {r.judgement:.0f}. "
        "That gap is common and worth a look: replaying a scenario or rereading the learning points "
        "often shows what the expert key values."
        for r in rows
        if r.worth_a_look
    ]


def judgement_table(rows: Sequence[JudgementRow]) -> list[dict[str, Any]]:
    return [
        {
            "Strategy": r.title,
            "Scenario judgement": r.judgement,
            "Choices": r.choices,
            "Self-rating (self-perceived)": r.self_rating,
            "Gap": r.gap,
            "Worth a look": r.worth_a_look,
        }
        for r in rows
    ]


# --- completion ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LessonProgress:
    lesson_id: str
    title: str
    minutes: int
    started: bool
    completed: bool
    mastered: bool
    durable: bool


def lesson_done(course: Course, statements: Sequence[Statement], lesson: Lesson) -> bool:
    """Completed: every scenario reached an ending and the knowledge check (if any) was attempted.

    A lesson with neither counts as completed once opened.
    """
    mine = for_lesson(statements, lesson.id)
    if not mine:
        return False
    finished = {s.extra.get("scenario") for s in mine if s.object_type == "scenario" and s.verb == "completed"}
    scenarios_done = all(sc.id in finished for sc in lesson.scenarios)
    quiz_done = course.quiz_for(lesson.id) is None or any(s.object_type == "quiz" for s in mine)
    return scenarios_done and quiz_done


def lesson_progress(course: Course, statements: Sequence[Statement]) -> list[LessonProgress]:
    rows = []
    for lesson in course.lessons:
        mastered = lesson_status(statements, lesson.id) == "mastered"
        rows.append(
            LessonProgress(
                lesson.id,
                lesson.title,
                lesson.minutes,
                any(s.lesson_id == lesson.id for s in statements),
                lesson_done(course, statements, lesson),
                mastered,
                mastered and is_durable(statements, lesson.id),
            )
        )
    return rows


@dataclass(frozen=True)
class Completion:
    total: int
    started: int
    completed: int
    mastered: int
    durable: int
    minutes_left: int
    lessons_left: int


def completion(rows: Sequence[LessonProgress]) -> Completion:
    """Counts, and the time left: full minutes for lessons not started, half for lessons under way (design choice)."""
    left = [r for r in rows if not r.completed]
    minutes = sum(r.minutes if not r.started else math.ceil(r.minutes / 2) for r in left)
    return Completion(
        total=len(rows),
        started=sum(r.started for r in rows),
        completed=sum(r.completed for r in rows),
        mastered=sum(r.mastered for r in rows),
        durable=sum(r.durable for r in rows),
        minutes_left=minutes,
        lessons_left=len(left),
    )


def course_complete(rows: Sequence[LessonProgress]) -> bool:
    return bool(rows) and all(r.completed for r in rows)


def time_left_text(done: Completion) -> str:
    if done.lessons_left == 0:
        return "You have completed every lesson."
    if done.minutes_left < 60:
        span = f"about {done.minutes_left} minutes"
    else:
        hours = done.minutes_left / 60
        span = f"about {hours:.1f} hours".replace(".0 hours", " hours")
    lessons = "lesson" if done.lessons_left == 1 else "lessons"
    return f"{done.lessons_left} {lessons} to go: {span} of focused time."


def completion_table(rows: Sequence[LessonProgress]) -> list[dict[str, Any]]:
    return [
        {
            "Lesson": r.title,
            "Minutes": r.minutes,
            "Started": r.started,
            "Completed": r.completed,
            "Mastered": r.mastered,
            "Durably mastered": r.durable,
        }
        for r in rows
    ]


# --- activity calendar and the gentle streak --------------------------------------------


@dataclass(frozen=True)
class DayActivity:
    learning: int = 0
    practice: int = 0

    @property
    def total(self) -> int:
        return self.learning + self.practice


def activity_days(statements: Iterable[Statement], zone: tzinfo) -> dict[date, DayActivity]:
    """Activities per local day. Real-world practice counts as its own kind; everything else is learning."""
    days: dict[date, DayActivity] = {}
    for s in statements:
        day = s.timestamp.astimezone(zone).date()
        current = days.get(day, DayActivity())
        if s.object_type == "practice":
            days[day] = DayActivity(current.learning, current.practice + 1)
        else:
            days[day] = DayActivity(current.learning + 1, current.practice)
    return days


def local_today(now: datetime, zone: tzinfo) -> date:
    return now.astimezone(zone).date()


@dataclass(frozen=True)
class Streak:
    days: int  # active days in the current run
    free_days: tuple[date, ...]  # missed days the weekly allowance covered
    active_today: bool
    since: date | None
    free_day_left_this_week: bool


def streak(active: Iterable[date], today: date) -> Streak:
    """The current run of active days, gently counted.

    Today does not count as missed until it is over. Each ISO week (Monday to Sunday)
    forgives one missed day; a second missed day in the same week ends the run.
    """
    days = set(active)
    this_week = today.isocalendar()[:2]
    if not days:
        return Streak(0, (), False, None, True)
    earliest = min(days)
    day = today if today in days else today - timedelta(days=1)
    count = 0
    forgiven: list[date] = []
    used: set[tuple[int, int]] = set()
    start: date | None = None
    while day >= earliest:
        if day in days:
            count += 1
            start = day
        else:
            week = day.isocalendar()[:2]
            if week in used:
                break
            used.add(week)
            forgiven.append(day)
        day -= timedelta(days=1)
    # A free day before the run's first active day covered nothing.
    kept = tuple(sorted(d for d in forgiven if start is not None and d > start))
    week_used = any(d.isocalendar()[:2] == this_week for d in kept)
    return Streak(count, kept, today in days, start, not week_used)


def streak_text(current: Streak) -> str:
    if current.days == 0:
        return "Your streak starts the first day you learn or practise. Days off never count against you."
    days = "day" if current.days == 1 else "days"
    text = f"{current.days} active {days} in a row"
    if current.free_days:
        text += f", with {len(current.free_days)} free day{'s' if len(current.free_days) > 1 else ''} off"
    text += ". One day off each week never breaks it"
    text += " (this week's is still free)." if current.free_day_left_this_week else " (this week's is used)."
    return text


@dataclass(frozen=True)
class CalendarCell:
    day: date
    week_start: date
    weekday: int  # 0 = Monday
    learning: int
    practice: int
    future: bool

    @property
    def total(self) -> int:
        return self.learning + self.practice


def calendar_cells(
    days: Mapping[date, DayActivity], today: date, *, min_weeks: int = 5, max_weeks: int = 26
) -> list[CalendarCell]:
    """Whole ISO weeks from the first activity (at least `min_weeks`) to the current week."""
    this_monday = today - timedelta(days=today.weekday())
    first = min(days, default=today)
    weeks = (this_monday - (first - timedelta(days=first.weekday()))).days // 7 + 1
    weeks = max(min_weeks, min(max_weeks, weeks))
    start = this_monday - timedelta(weeks=weeks - 1)
    cells = []
    for offset in range(weeks * 7):
        day = start + timedelta(days=offset)
        found = days.get(day, DayActivity())
        cells.append(
            CalendarCell(
                day, day - timedelta(days=day.weekday()), day.weekday(), found.learning, found.practice, day > today
            )
        )
    return cells


def activity_summary(days: Mapping[date, DayActivity], today: date, *, window: int = 28) -> str:
    recent = [d for d in days if today - timedelta(days=window - 1) <= d <= today]
    if not days:
        return "No activity yet: each day you learn or practise will appear here."
    practice = sum(days[d].practice for d in recent)
    return (
        f"You were active on {len(recent)} of the last {window} days, "
        f"including {practice} real-world practice action{'s' if practice != 1 else ''}."
    )


def calendar_table(cells: Sequence[CalendarCell]) -> list[dict[str, Any]]:
    return [
        {"Date": c.day.isoformat(), "Learning activities": c.learning, "Practice actions": c.practice}
        for c in cells
        if c.total and not c.future
    ]


# --- calibration: confidence against correctness -----------------------------------------


@dataclass(frozen=True)
class CalibrationRow:
    level: str
    answers: int
    correct: int

    @property
    def accuracy(self) -> float:
        return round(100 * self.correct / self.answers, 1) if self.answers else 0.0


def _confident_answers(statements: Iterable[Statement]) -> list[Statement]:
    return [
        s
        for s in statements
        if s.verb == "answered"
        and s.object_type in ("quiz-item", "review-item")
        and s.success is not None
        and s.extra.get("confidence") in CONFIDENCE_LEVELS
    ]


def calibration_by_level(statements: Iterable[Statement]) -> list[CalibrationRow]:
    """Share correct at each confidence level that has answers, low to high."""
    answers = _confident_answers(statements)
    rows = []
    for level in CONFIDENCE_LEVELS:
        mine = [s for s in answers if s.extra["confidence"] == level]
        if mine:
            rows.append(CalibrationRow(level, len(mine), sum(bool(s.success) for s in mine)))
    return rows


@dataclass(frozen=True)
class CalibrationPoint:
    week_start: date
    level: str
    answers: int
    correct: int

    @property
    def accuracy(self) -> float:
        return round(100 * self.correct / self.answers, 1) if self.answers else 0.0


def calibration_over_time(statements: Iterable[Statement], zone: tzinfo) -> list[CalibrationPoint]:
    """Share correct per ISO week and confidence level (local weeks), oldest first."""
    buckets: dict[tuple[date, str], list[bool]] = {}
    for s in _confident_answers(statements):
        day = s.timestamp.astimezone(zone).date()
        week = day - timedelta(days=day.weekday())
        buckets.setdefault((week, s.extra["confidence"]), []).append(bool(s.success))
    order = {level: index for index, level in enumerate(CONFIDENCE_LEVELS)}
    return [
        CalibrationPoint(week, level, len(values), sum(values))
        for (week, level), values in sorted(buckets.items(), key=lambda kv: (kv[0][0], order[kv[0][1]]))
    ]


Calibration = Literal["none", "too-few", "calibrated", "overconfident", "underconfident", "mixed"]


def calibration_verdict(rows: Sequence[CalibrationRow], *, minimum: int = 5) -> Calibration:
    """Does confidence track correctness? Compares the highest and lowest levels that have enough answers."""
    if not rows:
        return "none"
    enough = [r for r in rows if r.answers >= minimum]
    if len(enough) < 2:
        high = next((r for r in rows if r.level == "high"), None)
        if high is not None and high.answers >= minimum and high.accuracy < 70:
            return "overconfident"
        return "too-few"
    low, high = enough[0], enough[-1]
    if high.accuracy > low.accuracy + 5:
        return "calibrated"
    if high.accuracy < 70 and high.level == "high":
        return "overconfident"
    if low.accuracy >= high.accuracy - 5 and low.accuracy >= 70:
        return "underconfident"
    return "mixed"


def calibration_summary(rows: Sequence[CalibrationRow]) -> str:
    if not rows:
        return "No confidence ratings yet: each review asks how sure you are."
    parts = "; ".join(f"{r.level} confidence: {r.accuracy:.0f}% right of {r.answers}" for r in rows)
    verdict = {
        "too-few": "A few more reviews will show whether your confidence tracks your answers.",
        "calibrated": "You tend to know what you know: higher confidence goes with more right answers.",
        "overconfident": "Your confident answers are right less often than it feels; a pause before answering may help.",
        "underconfident": "You are right more often than you feel: you know more than you give yourself credit for.",
        "mixed": "Your confidence and your answers do not line up yet; keep rating honestly and watch the trend.",
    }[calibration_verdict(rows)]
    return f"{parts}. {verdict}"


def calibration_table(points: Sequence[CalibrationPoint]) -> list[dict[str, Any]]:
    return [
        {
            "Week of": p.week_start.isoformat(),
            "Confidence": p.level,
            "Answers": p.answers,
            "Correct": p.correct,
            "% correct": p.accuracy,
        }
        for p in points
    ]


# --- action plans and their check-ins ------------------------------------------------------

CHECKIN_WEEKS = (1, 2, 4)
CheckinState = Literal["answered", "due", "missed", "upcoming", "closed"]


@dataclass(frozen=True)
class Checkin:
    week: int
    due_at: datetime
    state: CheckinState
    happened: bool | None


@dataclass(frozen=True)
class PlanView:
    entry: JournalEntry
    lesson_title: str
    current: bool  # the latest plan for its lesson; earlier ones are kept but not checked in on
    checkins: tuple[Checkin, ...]

    @property
    def due(self) -> Checkin | None:
        return next((c for c in self.checkins if c.state == "due"), None)


def plan_views(
    course: Course, journal: Sequence[JournalEntry], statements: Sequence[Statement], now: datetime
) -> list[PlanView]:
    """Every if-then plan, current ones first in course order, each with its 1, 2 and 4 week check-ins.

    Only the latest reached, unanswered milestone of a current plan is due; an earlier
    one left unanswered is simply missed (no catching up on stale weeks).
    """
    order = {lesson.id: index for index, lesson in enumerate(course.lessons)}
    titles = {lesson.id: lesson.title for lesson in course.lessons}
    plans = sorted((e for e in journal if e.kind == "plan"), key=lambda e: e.created_at)
    latest: dict[str, str] = {e.lesson_id: e.id for e in plans}
    answers: dict[tuple[str, int], bool] = {}
    for s in sorted(statements, key=lambda s: s.timestamp):
        if s.object_type == "plan-checkin" and s.success is not None:
            answers[(str(s.extra.get("plan")), int(s.extra.get("week", 0)))] = s.success
    views = []
    for entry in plans:
        current = latest[entry.lesson_id] == entry.id
        reached = [w for w in CHECKIN_WEEKS if now >= entry.created_at + timedelta(weeks=w)]
        last_reached = max(reached, default=None)
        checkins = []
        for week in CHECKIN_WEEKS:
            due_at = entry.created_at + timedelta(weeks=week)
            answer = answers.get((entry.id, week))
            if answer is not None:
                state: CheckinState = "answered"
            elif not current:
                state = "closed"
            elif week not in reached:
                state = "upcoming"
            elif week == last_reached:
                state = "due"
            else:
                state = "missed"
            checkins.append(Checkin(week, due_at, state, answer))
        views.append(PlanView(entry, titles.get(entry.lesson_id, entry.lesson_id), current, tuple(checkins)))
    return sorted(views, key=lambda v: (not v.current, order.get(v.entry.lesson_id, 999), v.entry.created_at))


def due_checkins(views: Sequence[PlanView]) -> list[tuple[PlanView, Checkin]]:
    return [(view, view.due) for view in views if view.due is not None]


def plans_kept_text(views: Sequence[PlanView]) -> str:
    answered = [c for v in views for c in v.checkins if c.state == "answered"]
    if not answered:
        return "No check-ins yet. The first comes a week after you write a plan."
    kept = sum(bool(c.happened) for c in answered)
    return f"Your plans happened in {kept} of {len(answered)} check-ins."


# --- real-world practice ------------------------------------------------------------------------


@dataclass(frozen=True)
class PracticeEntry:
    lesson_id: str
    lesson_title: str
    action_id: str
    action_text: str
    note: str | None
    timestamp: datetime


def practice_log(course: Course, statements: Sequence[Statement]) -> list[PracticeEntry]:
    """Practice actions ticked off in real life, newest first."""
    entries = []
    for s in statements:
        if s.object_type != "practice":
            continue
        lesson = course.lesson(s.lesson_id)
        action_id = str(s.extra.get("action", ""))
        action = next((a for a in lesson.practice_actions if a.id == action_id), None) if lesson else None
        entries.append(
            PracticeEntry(
                s.lesson_id,
                lesson.title if lesson else s.lesson_id,
                action_id,
                action.text if action else action_id,
                s.response,
                s.timestamp,
            )
        )
    return sorted(entries, key=lambda e: e.timestamp, reverse=True)


def practice_next(course: Course, statements: Sequence[Statement], *, limit: int = 3) -> list[tuple[Lesson, str, str]]:
    """Practice actions not yet done, from lessons already started (course order): (lesson, action id, text)."""
    done = {(s.lesson_id, s.extra.get("action")) for s in statements if s.object_type == "practice"}
    started = {s.lesson_id for s in statements}
    found = []
    for lesson in course.lessons:
        if lesson.id not in started:
            continue
        for action in lesson.practice_actions:
            if (lesson.id, action.id) not in done:
                found.append((lesson, action.id, action.text))
                break
    return found[:limit]


def practice_table(entries: Sequence[PracticeEntry], zone: tzinfo = UTC) -> list[dict[str, Any]]:
    return [
        {
            "When": e.timestamp.astimezone(zone).strftime("%Y-%m-%d"),
            "Lesson": e.lesson_title,
            "Action": e.action_text,
            "Note": e.note or "",
        }
        for e in entries
    ]


# --- the overview: where you started, where you are ------------------------------------------


@dataclass(frozen=True)
class Overview:
    first_activity: date | None
    first_self_mean: float | None
    latest_self_mean: float | None
    rated_strategies: int


def overview(points: Sequence[ProfilePoint], days: Mapping[date, DayActivity]) -> Overview:
    """Mean first and latest self-perceived score over strategies rated at least once."""
    rated = [p for p in points if p.first is not None]
    first = round(sum(p.first for p in rated) / len(rated), 1) if rated else None  # type: ignore[misc]
    latest = round(sum(p.latest for p in rated) / len(rated), 1) if rated else None  # type: ignore[misc]
    return Overview(min(days, default=None), first, latest, len(rated))


# --- Home: what is due today ---------------------------------------------------------------------


@dataclass(frozen=True)
class Today:
    reviews_due: int
    checkins: tuple[tuple[PlanView, Checkin], ...]

    @property
    def empty(self) -> bool:
        return not self.reviews_due and not self.checkins


def today_items(
    course: Course, statements: Sequence[Statement], journal: Sequence[JournalEntry], now: datetime, zone: tzinfo
) -> Today:
    """Review cards due by the end of the learner's day, and plan check-ins due now."""
    from course.review import cards_for, due_today, schedule

    due = due_today(schedule(cards_for(course, statements), statements), now, zone) if statements else []
    checkins = due_checkins(plan_views(course, journal, statements, now)) if journal else []
    return Today(len(due), tuple(checkins))


def review_minutes(cards: int) -> int:
    """Design estimate: about 40 seconds a card, for a session of at most 10."""
    return max(1, math.ceil(min(cards, 10) * 40 / 60))


def reviews_due_text(count: int) -> str:
    cards = "card" if count == 1 else "cards"
    minutes = review_minutes(count)
    return f"**{count} review {cards} due.** About {minutes} minute{'s' if minutes != 1 else ''}."


def checkins_text(checkins: Sequence[tuple[PlanView, Checkin]], *, named: int = 3) -> str:
    """One line for Home: which plans have a check-in due, naming at most `named` of them."""
    if not checkins:
        return ""
    names = [f"{view.lesson_title} (week {checkin.week})" for view, checkin in checkins]
    shown = ", ".join(names[:named])
    more = f" and {len(names) - named} more" if len(names) > named else ""
    plans = "plan check-in" if len(names) == 1 else "plan check-ins"
    return f"**{len(names)} {plans} due:** {shown}{more}. Did they happen?"
