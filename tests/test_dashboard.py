"""Every dashboard number, summary and chart shape, computed by pure functions from statements."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from course import charts, tracking
from course import dashboard as dash
from course.loader import Course, load_course
from course.quiz import AttemptResult, ItemResult
from course.store import JournalEntry
from tests.conftest import ROOT, VALID_CONTENT
from tests.support.history import seed_month

ME = "learner-1"
T0 = datetime(2025, 3, 3, 18, 0, tzinfo=UTC)  # Monday 3 March 2025
MON = date(2025, 3, 3)


@pytest.fixture(scope="module")
def small() -> Course:
    return load_course(VALID_CONTENT)


@pytest.fixture(scope="module")
def three(small) -> Course:
    """The fixture lesson cloned into three strategies (course order a, b, c) plus a conclusion."""
    base = small.lesson("small-talk")
    quiz = small.quiz_for("small-talk")
    lessons = [
        base.model_copy(update={"id": lesson_id, "title": f"Strategy {lesson_id.upper()}", "order": n})
        for n, lesson_id in enumerate(("a", "b", "c"), start=1)
    ]
    lessons.append(base.model_copy(update={"id": "end", "title": "Wrap up", "order": 9, "kind": "conclusion"}))
    return Course(tuple(lessons), {lid: quiz.model_copy(update={"lesson": lid}) for lid in "abc"}, ())


def rated(lesson: str, score: float, at: datetime) -> list:
    return tracking.self_assessment(ME, lesson, f"sa-{lesson}-{at:%j%H%M}", {"x": 3}, score, at=at)


def quiz(lesson: str, score: float, at: datetime, *, pass_line: int = 80) -> list:
    result = AttemptResult(
        (ItemResult("best-opener", True, frozenset("a"), frozenset("a")),), score, score >= pass_line
    )
    return tracking.quiz_attempt(ME, lesson, f"q-{lesson}-{at:%j%H%M}", result, at=at)


def choices(course: Course, lesson: str, path: list[tuple[str, str]], at: datetime, *, finish: bool = True) -> list:
    scenario = course.lesson(lesson).scenarios[0]
    out = []
    for step, choice in path:
        out += tracking.scenario_choice(ME, lesson, scenario, step, choice, f"s-{lesson}", at=at)
    if finish:
        out.append(tracking.scenario_completed(ME, lesson, scenario.id, f"s-{lesson}", "warm", 50.0, at=at))
    return out


# --- self-assessment profile ------------------------------------------------------------


def test_profile_follows_course_order_and_leaves_unrated_strategies_empty(three):
    """The axes are the strategies in course order (not the conclusion); unrated ones have no value."""
    statements = rated("c", 40, T0) + rated("a", 60, T0)
    points = dash.self_assessment_profile(three, statements)
    assert [p.lesson_id for p in points] == ["a", "b", "c"]
    assert [(p.first, p.latest) for p in points] == [(60, 60), (None, None), (40, 40)]


def test_radar_shows_one_shape_until_rerated_and_never_more_than_two(three):
    """First ratings only make one shape; any later rating adds 'latest'; a third rating still gives two shapes."""
    statements = rated("a", 20, T0) + rated("b", 50, T0)
    assert list(dash.radar_shapes(dash.self_assessment_profile(three, statements))) == ["First rating"]
    statements += rated("a", 45, T0 + timedelta(days=10)) + rated("a", 70, T0 + timedelta(days=20))
    shapes = dash.radar_shapes(dash.self_assessment_profile(three, statements))
    assert shapes == {"First rating": [20, 50, None], "Latest rating": [70, 50, None]}
    assert dash.radar_shapes(dash.self_assessment_profile(three, [])) == {}


def test_change_rows_are_sorted_largest_gain_first_and_skip_single_ratings(three):
    """Only strategies rated twice have a change; the list runs from the largest rise to the largest fall."""
    later = T0 + timedelta(days=28)
    statements = rated("a", 50, T0) + rated("a", 55, later) + rated("b", 30, T0) + rated("b", 70, later)
    statements += rated("c", 80, T0)  # rated once: no change
    rows = dash.change_rows(dash.self_assessment_profile(three, statements))
    assert [(r.lesson_id, r.change) for r in rows] == [("b", 40), ("a", 5)]
    statements += rated("c", 60, later)
    rows = dash.change_rows(dash.self_assessment_profile(three, statements))
    assert [r.lesson_id for r in rows] == ["b", "a", "c"]
    summary = dash.change_summary(rows)
    assert "rose on 2 of 3" in summary and "Strategy B (+40)" in summary and "fell on 1" in summary


def test_profile_and_change_summaries_have_empty_wording(three):
    """With no ratings, the summaries say so instead of showing numbers."""
    points = dash.self_assessment_profile(three, [])
    assert dash.profile_summary(points) == "You have not rated yourself yet."
    assert "rate yourself again" in dash.change_summary([])


def test_radar_figure_has_fixed_axes_fixed_scale_and_self_perceived_labels(three):
    """Course-order axes, a 0-100 radial range, at most two traces, each labelled self-perceived."""
    statements = rated("a", 20, T0) + rated("b", 50, T0) + rated("c", 10, T0) + rated("b", 90, T0 + timedelta(days=9))
    figure = charts.radar(dash.self_assessment_profile(three, statements))
    assert list(figure.layout.polar.angularaxis.categoryarray) == ["Strategy A", "Strategy B", "Strategy C"]
    assert tuple(figure.layout.polar.radialaxis.range) == (0, 100)
    assert len(figure.data) == 2
    assert all("self-perceived" in trace.name for trace in figure.data)
    assert figure.data[0].line.color == dash.PALETTE["first"] and figure.data[1].line.color == dash.PALETTE["latest"]


def test_change_bars_keep_the_sorted_order_top_to_bottom(three):
    """The bar chart lists the largest change first (top), as the table does."""
    later = T0 + timedelta(days=28)
    statements = rated("a", 50, T0) + rated("a", 55, later) + rated("b", 30, T0) + rated("b", 70, later)
    figure = charts.change_bars(dash.change_rows(dash.self_assessment_profile(three, statements)))
    assert list(figure.data[0].y) == ["Strategy B", "Strategy A"]
    assert figure.layout.yaxis.autorange == "reversed"
    assert "self-perceived" in figure.layout.title.text


# --- knowledge checks ---------------------------------------------------------------------


def test_quiz_mastery_is_the_best_score_against_the_pass_line(three):
    """Best of all attempts per lesson, with attempts counted; untried lessons have no score."""
    statements = quiz("a", 40, T0) + quiz("a", 100, T0 + timedelta(days=1)) + quiz("b", 60, T0)
    rows = {r.lesson_id: r for r in dash.quiz_mastery(three, statements)}
    assert (rows["a"].best, rows["a"].attempts, rows["a"].mastered, rows["a"].pass_line) == (100, 2, True, 80)
    assert (rows["b"].best, rows["b"].mastered) == (60, False)
    assert (rows["c"].best, rows["c"].attempts) == (None, 0)
    assert "mastered 1 of 3" in dash.mastery_summary(list(rows.values()))


def test_durable_mastery_is_shown_apart_from_mastery(three):
    """A lesson is durably mastered only after a passed review seven days after the first pass."""
    statements = quiz("a", 100, T0) + quiz("b", 100, T0)
    statements.append(
        tracking.review_answer(ME, "a", "quiz.best-opener", True, "high", ["a"], at=T0 + timedelta(days=8))
    )
    statements.append(
        tracking.review_answer(ME, "b", "quiz.best-opener", True, "high", ["a"], at=T0 + timedelta(days=3))
    )
    rows = {r.lesson_id: r for r in dash.quiz_mastery(three, statements)}
    assert rows["a"].durable and not rows["b"].durable
    assert rows["b"].mastered


def test_quiz_history_is_chronological_with_pass_marks(three):
    """Every attempt in time order, each marked passed or not."""
    statements = quiz("b", 100, T0 + timedelta(days=2)) + quiz("a", 40, T0)
    history = dash.quiz_history(three, statements)
    assert [(p.lesson_id, p.score, p.passed) for p in history] == [("a", 40, False), ("b", 100, True)]
    assert dash.history_summary(history).startswith("2 attempts since 03 Mar; 1 passed.")
    assert dash.history_summary([]) == "No attempts yet."


# --- scenario judgement ----------------------------------------------------------------------


def test_scenario_judgement_is_the_mean_effectiveness_of_choices_taken(three):
    """Pitch (2) then ask (5) average 3.5, which maps to 62.5 on 0-100."""
    statements = choices(three, "a", [("open", "pitch"), ("follow", "ask")], T0)
    row = next(r for r in dash.scenario_judgement(three, statements) if r.lesson_id == "a")
    assert (row.judgement, row.choices, row.self_rating) == (62.5, 2, None)


def test_a_high_self_rating_above_poor_judgement_is_named_kindly(three):
    """Self 90 vs judgement 25 is worth a look; a small gap, or a modest self-rating, is not."""
    statements = choices(three, "a", [("open", "pitch"), ("follow", "advice")], T0) + rated("a", 90, T0)
    statements += choices(three, "b", [("open", "setting"), ("follow", "ask")], T0) + rated("b", 95, T0)
    statements += choices(three, "c", [("open", "pitch"), ("follow", "advice")], T0) + rated("c", 40, T0)
    rows = {r.lesson_id: r for r in dash.scenario_judgement(three, statements)}
    assert rows["a"].gap == 65 and rows["a"].worth_a_look
    assert not rows["b"].worth_a_look  # rates high and judges well
    assert not rows["c"].worth_a_look  # poor judgement but a modest self-rating: nothing to reconcile
    notes = dash.gap_notes(list(rows.values()))
    assert len(notes) == 1 and notes[0].startswith("Strategy A: you rate yourself 90")
    assert "worth a look" in notes[0]
    # Must not happen: wording aimed at the person rather than the action.
    assert not any(word in notes[0].lower() for word in ("poor learner", "you are bad", "failed"))
    assert "1 may be worth a second look" in dash.judgement_summary(list(rows.values()))


# --- completion -----------------------------------------------------------------------------------


def test_completion_counts_and_time_left(three):
    """Done lessons add nothing, a lesson under way adds half its minutes, an untouched one all of them."""
    statements = choices(three, "a", [("open", "setting"), ("follow", "ask")], T0) + quiz("a", 100, T0)
    statements += choices(three, "b", [("open", "setting")], T0, finish=False)
    rows = dash.lesson_progress(three, statements)
    done = dash.completion(rows)
    assert (done.started, done.completed, done.mastered, done.durable, done.total) == (2, 1, 1, 0, 4)
    assert done.minutes_left == 5 + 10 + 10  # b half, c and the conclusion in full
    assert done.lessons_left == 3
    assert dash.time_left_text(done) == "3 lessons to go: about 25 minutes of focused time."
    assert not dash.course_complete(rows)


def test_a_lesson_without_scenarios_or_quiz_is_complete_once_opened(three):
    """The conclusion (no quiz in this course) counts as complete when its scenarios are done."""
    statements = []
    for lesson in ("a", "b", "c", "end"):
        statements += choices(three, lesson, [("open", "setting"), ("follow", "ask")], T0)
        if lesson != "end":
            statements += quiz(lesson, 100, T0)
    rows = dash.lesson_progress(three, statements)
    assert dash.course_complete(rows)
    assert dash.time_left_text(dash.completion(rows)) == "You have completed every lesson."


# --- activity and the gentle streak --------------------------------------------------------------


def days_from(*offsets: int) -> set[date]:
    return {MON + timedelta(days=o) for o in offsets}


@pytest.mark.parametrize(
    ("active", "today", "length", "free"),
    [
        (set(), MON, 0, ()),
        (days_from(0, 1, 2, 3, 4), MON + timedelta(days=4), 5, ()),
        # Today is not over: not learning yet today does not break anything.
        (days_from(0, 1, 2, 3), MON + timedelta(days=4), 4, ()),
        # One missed day in a week (Wednesday) is forgiven.
        (days_from(0, 1, 3, 4, 5), MON + timedelta(days=5), 5, (MON + timedelta(days=2),)),
        # A second missed day in the same ISO week ends the run.
        (days_from(0, 3, 5, 6), MON + timedelta(days=6), 3, (MON + timedelta(days=4),)),
        # Sunday and the next Monday are in different ISO weeks: both are forgiven.
        (
            days_from(0, 1, 2, 3, 4, 5, 8, 9),
            MON + timedelta(days=9),
            8,
            (MON + timedelta(days=6), MON + timedelta(days=7)),
        ),
        # Days before the first activity are not free days.
        (days_from(5, 6), MON + timedelta(days=6), 2, ()),
    ],
    ids=[
        "empty",
        "five-days",
        "today-not-over",
        "one-free-day",
        "two-missed-same-week",
        "across-weeks",
        "no-free-before-start",
    ],
)
def test_streak_rules(active, today, length, free):
    """Count active days back from today, forgiving one missed day per ISO week."""
    result = dash.streak(active, today)
    assert result.days == length
    assert result.free_days == free


def test_streak_reports_this_weeks_free_day_and_today():
    """The text says whether this week's free day is still available; today's activity is flagged."""
    used = dash.streak(days_from(0, 2, 3), MON + timedelta(days=3))
    assert used.active_today and not used.free_day_left_this_week
    assert "this week's is used" in dash.streak_text(used)
    fresh = dash.streak(days_from(0, 1), MON + timedelta(days=1))
    assert fresh.free_day_left_this_week and dash.streak_text(fresh).startswith("2 active days in a row.")
    assert "never count against you" in dash.streak_text(dash.streak(set(), MON))


def test_activity_days_use_the_learners_time_zone():
    """23:30 UTC on Monday is Tuesday in Berlin and still Monday in New York."""
    late = tracking.lesson_opened(ME, "a", at=datetime(2025, 3, 3, 23, 30, tzinfo=UTC))
    assert set(dash.activity_days([late], UTC)) == {MON}
    assert set(dash.activity_days([late], ZoneInfo("Europe/Berlin"))) == {MON + timedelta(days=1)}
    assert set(dash.activity_days([late], ZoneInfo("America/New_York"))) == {MON}


def test_streak_can_be_intact_in_local_time_and_broken_in_utc():
    """Mornings and evenings in Tokyo are six local days in a row, but only two in a row in UTC."""
    times = [
        datetime(2025, 3, 3, 11, 0, tzinfo=UTC),  # Mon 20:00 in Tokyo
        datetime(2025, 3, 3, 23, 0, tzinfo=UTC),  # Tue 08:00
        datetime(2025, 3, 4, 23, 0, tzinfo=UTC),  # Wed 08:00
        datetime(2025, 3, 6, 11, 0, tzinfo=UTC),  # Thu 20:00
        datetime(2025, 3, 6, 23, 0, tzinfo=UTC),  # Fri 08:00
        datetime(2025, 3, 7, 23, 0, tzinfo=UTC),  # Sat 08:00
    ]
    statements = [tracking.lesson_opened(ME, "a", at=t) for t in times]
    now = datetime(2025, 3, 9, 3, 0, tzinfo=UTC)  # Sunday noon in Tokyo
    tokyo = ZoneInfo("Asia/Tokyo")
    local = dash.streak(dash.activity_days(statements, tokyo), dash.local_today(now, tokyo))
    in_utc = dash.streak(dash.activity_days(statements, UTC), dash.local_today(now, UTC))
    assert (local.days, local.free_days) == (6, ())
    # UTC sees Mon, Tue, Thu, Fri: Saturday uses the week's free day, so missing Wednesday ends the run.
    assert (in_utc.days, in_utc.free_days) == (2, (date(2025, 3, 8),))


def test_practice_counts_toward_activity_and_streak():
    """A day with only real-world practice is an active day, counted as practice."""
    practice = tracking.practice_done(ME, "a", "one-opener", "Said hello", at=T0)
    days = dash.activity_days([practice], UTC)
    assert days == {MON: dash.DayActivity(learning=0, practice=1)}
    assert dash.streak(days, MON).days == 1
    assert "including 1 real-world practice action." in dash.activity_summary(days, MON)


def test_calendar_cells_are_whole_weeks_with_future_days_marked():
    """At least five Monday-to-Sunday weeks ending with this week; later days are marked future."""
    days = {MON: dash.DayActivity(2, 1)}
    cells = dash.calendar_cells(days, MON + timedelta(days=2))
    assert len(cells) == 35 and cells[0].weekday == 0 and cells[-1].weekday == 6
    assert [c.future for c in cells[-7:]] == [False, False, False, True, True, True, True]
    monday = next(c for c in cells if c.day == MON)
    assert (monday.learning, monday.practice, monday.total) == (2, 1, 3)
    assert dash.calendar_table(cells) == [{"Date": "2025-03-03", "Learning activities": 2, "Practice actions": 1}]
    long_ago = {MON - timedelta(weeks=10): dash.DayActivity(1, 0)}
    assert len(dash.calendar_cells(long_ago, MON)) == 11 * 7


def test_heatmap_has_no_values_for_future_days():
    """Future cells are blank (None), past empty days are zero, so the calendar never invents activity."""
    cells = dash.calendar_cells({MON: dash.DayActivity(1, 1)}, MON)
    figure = charts.activity_heatmap(cells)
    grid = figure.data[0].z
    assert grid[0][-1] == 2  # Monday of this week: one learning activity and one practice
    assert grid[1][-1] is None  # Tuesday is in the future
    assert grid[0][0] == 0
    assert figure.data[1].name == "Real-world practice"


def test_resolve_zone_falls_back_to_utc():
    """An unknown or missing browser time zone means UTC, not an error."""
    assert dash.resolve_zone(None) is UTC
    assert dash.resolve_zone("Not/AZone") is UTC
    assert dash.resolve_zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")


# --- calibration ------------------------------------------------------------------------------------


def answers(spec: list[tuple[str, bool]], start: datetime = T0) -> list:
    return [
        tracking.review_answer(ME, "a", f"quiz.i{n}", ok, level, ["a"], at=start + timedelta(hours=n))
        for n, (level, ok) in enumerate(spec)
    ]


def test_calibration_by_level_counts_share_correct():
    """Each level's answers and share correct; answers without a confidence are left out."""
    statements = answers([("high", True)] * 4 + [("high", False)] + [("low", False)] * 3 + [("low", True)])
    statements += quiz("a", 100, T0)  # quiz items without confidence
    rows = dash.calibration_by_level(statements)
    assert [(r.level, r.answers, r.correct, r.accuracy) for r in rows] == [("low", 4, 1, 25.0), ("high", 5, 4, 80.0)]
    assert dash.calibration_verdict(rows, minimum=4) == "calibrated"
    assert "high confidence: 80% right of 5" in dash.calibration_summary(rows)


@pytest.mark.parametrize(
    ("spec", "verdict"),
    [
        ([], "none"),
        ([("high", True)] * 2, "too-few"),
        ([("high", False)] * 4 + [("high", True)] * 2 + [("low", True)] * 3 + [("low", False)] * 3, "overconfident"),
        ([("high", True)] * 5 + [("low", True)] * 5, "underconfident"),
        ([("high", False)] * 6, "overconfident"),
    ],
)
def test_calibration_verdict(spec, verdict):
    """Confidence tracks correctness, runs ahead of it, lags it, or there is too little to say."""
    assert dash.calibration_verdict(dash.calibration_by_level(answers(spec))) == verdict


def test_calibration_over_time_groups_by_local_week_and_level():
    """Two weeks of answers give one point per week and level, oldest first."""
    statements = answers([("high", True), ("high", False), ("low", True)])
    statements += answers([("high", True)], start=T0 + timedelta(days=7))
    points = dash.calibration_over_time(statements, UTC)
    assert [(p.week_start, p.level, p.answers, p.accuracy) for p in points] == [
        (MON, "low", 1, 100.0),
        (MON, "high", 2, 50.0),
        (MON + timedelta(days=7), "high", 1, 100.0),
    ]
    figure = charts.calibration_lines(points)
    assert [t.name for t in figure.data] == ["Low confidence", "High confidence"]
    assert tuple(figure.layout.yaxis.range) == (-5, 105)


# --- plans and check-ins ------------------------------------------------------------------------------


def plan(lesson: str, at: datetime, plan_id: str = "p1") -> JournalEntry:
    return JournalEntry(ME, "plan", lesson, "plan", "If I see someone alone, then I will say hello", at, plan_id)


@pytest.mark.parametrize(
    ("days_later", "states"),
    [
        (3, ["upcoming", "upcoming", "upcoming"]),
        (8, ["due", "upcoming", "upcoming"]),
        (15, ["missed", "due", "upcoming"]),
        (30, ["missed", "missed", "due"]),
    ],
)
def test_plan_checkins_fall_due_at_one_two_and_four_weeks(three, days_later, states):
    """Only the latest milestone reached is due; older unanswered ones are skipped, not piled up."""
    views = dash.plan_views(three, [plan("a", T0)], [], T0 + timedelta(days=days_later))
    assert [c.state for c in views[0].checkins] == states
    assert len(dash.due_checkins(views)) == (0 if days_later < 7 else 1)


def test_answered_checkins_are_kept_and_the_next_one_waits(three):
    """After answering week 1, nothing is due until week 2; a newer plan for the lesson replaces the old one."""
    answered = [tracking.plan_checkin(ME, "a", "p1", 1, True, at=T0 + timedelta(days=8))]
    views = dash.plan_views(three, [plan("a", T0)], answered, T0 + timedelta(days=9))
    assert [c.state for c in views[0].checkins] == ["answered", "upcoming", "upcoming"]
    assert views[0].checkins[0].happened is True
    assert dash.due_checkins(views) == []
    assert dash.plans_kept_text(views) == "Your plans happened in 1 of 1 check-ins."
    newer = dash.plan_views(
        three, [plan("a", T0), plan("a", T0 + timedelta(days=20), "p2")], answered, T0 + timedelta(days=30)
    )
    assert [v.entry.id for v in newer] == ["p2", "p1"]
    assert [c.state for c in newer[1].checkins] == ["answered", "closed", "closed"]
    assert [c.state for c in newer[0].checkins] == ["due", "upcoming", "upcoming"]


def test_today_lists_due_reviews_and_checkins(three):
    """Home's Today block: cards due by the end of the day and the plan check-ins due now."""
    statements = quiz("a", 100, T0)
    now = T0 + timedelta(days=8)
    today = dash.today_items(three, statements, [plan("a", T0)], now, UTC)
    assert today.reviews_due == 1 and len(today.checkins) == 1 and not today.empty
    assert dash.today_items(three, [], [], now, UTC).empty
    assert dash.review_minutes(9) == 6


# --- practice log ------------------------------------------------------------------------------------


def test_practice_log_and_what_to_practise_next(three):
    """Logged practice comes newest first with its note; next ideas come from started lessons only."""
    statements = [
        tracking.lesson_opened(ME, "a", at=T0),
        tracking.lesson_opened(ME, "b", at=T0),
        tracking.practice_done(ME, "a", "one-opener", "Asked about the talk", at=T0 + timedelta(days=1)),
    ]
    log = dash.practice_log(three, statements)
    assert [(e.lesson_id, e.note) for e in log] == [("a", "Asked about the talk")]
    assert log[0].action_text.startswith("Start one conversation")
    ideas = dash.practice_next(three, statements)
    assert [lesson.id for lesson, _, _ in ideas] == ["b"]


# --- a seeded month, end to end -------------------------------------------------------------------------


def test_a_seeded_month_tells_where_you_started_where_you_are_and_what_next():
    """A month of history on the real course yields a start, growth, a streak, reviews due and a next step."""
    course = load_course(ROOT)
    zone = ZoneInfo("Europe/London")
    end = datetime(2025, 6, 30, 20, 0, tzinfo=UTC)
    history = seed_month(course, ME, end=end, zone=zone, lessons=min(8, len(course.lessons)))
    statements = history.statements
    points = dash.self_assessment_profile(course, statements)
    summary = dash.overview(points, dash.activity_days(statements, zone))
    assert summary.first_activity == date(2025, 6, 1)
    if summary.rated_strategies:
        assert summary.latest_self_mean is not None
        assert dash.change_rows(points)
    assert dash.streak(dash.activity_days(statements, zone), dash.local_today(end, zone)).days >= 7
    assert dash.completion(dash.lesson_progress(course, statements)).mastered >= 4
    assert dash.practice_log(course, statements)
    assert dash.calibration_by_level(statements)
    assert dash.today_items(course, statements, history.journal, end, zone).reviews_due > 0


def test_progress_helpers_do_not_import_plotly():
    """Home and the plan and review pages use these modules; plotly stays off them (only charts.py draws)."""
    code = "import sys, course.dashboard, course.review, course.certificates; print('plotly' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert result.stdout.strip() == "False"


def test_home_lines_for_reviews_and_checkins(three):
    """Home names up to three plans with a check-in due and counts the rest."""
    plans = [plan(lesson, T0, plan_id=f"p-{lesson}") for lesson in ("a", "b", "c")]
    plans.append(JournalEntry(ME, "plan", "end", "plan", "If x, then I will y", T0, "p-end"))
    views = dash.plan_views(three, plans, [], T0 + timedelta(days=8))
    text = dash.checkins_text(dash.due_checkins(views))
    assert text == (
        "**4 plan check-ins due:** Strategy A (week 1), Strategy B (week 1), Strategy C (week 1) and 1 more. "
        "Did they happen?"
    )
    assert dash.checkins_text([]) == ""
    assert dash.reviews_due_text(1) == "**1 review card due.** About 1 minute."
    assert dash.reviews_due_text(12) == "**12 review cards due.** About 7 minutes."
