"""AppTest: the progress, review and action-plan pages and Home's Today block, empty and with history."""

from __future__ import annotations

from datetime import timedelta

import pytest

from course import tracking
from course.events import utcnow
from course.loader import load_course
from course.quiz import draw_attempt, grade_attempt
from course.review import cards_for, find_card, presented_options
from course.store import JournalEntry, Store
from tests.apptest_helpers import open_page, texts
from tests.conftest import ROOT, VALID_CONTENT
from tests.support.history import seed_month

HOSTILE_PLAN = "If <b>someone</b> waves, then I will **say** hello"


def new_learner(url: str) -> tuple[Store, str, str]:
    store = Store.open(url)
    learner_id, key = store.create_learner()
    return store, learner_id, key


def passed_quiz(learner_id: str, *, days_ago: float) -> list:
    quiz = load_course(VALID_CONTENT).quiz_for("small-talk")
    drawn = draw_attempt(quiz, 1)
    answers = {d.item.id: frozenset(o.id for o in d.options if o.correct) for d in drawn}
    result = grade_attempt(drawn, answers, quiz.pass_percentage)
    return tracking.quiz_attempt(learner_id, "small-talk", "a1", result, at=utcnow() - timedelta(days=days_ago))


def finished_scenario(learner_id: str, *, days_ago: float) -> list:
    scenario = load_course(VALID_CONTENT).lesson("small-talk").scenarios[0]
    when = utcnow() - timedelta(days=days_ago)
    out = tracking.scenario_choice(learner_id, "small-talk", scenario, "open", "setting", "s1", at=when)
    out += tracking.scenario_choice(learner_id, "small-talk", scenario, "follow", "ask", "s1", at=when)
    out.append(tracking.scenario_completed(learner_id, "small-talk", scenario.id, "s1", "warm", 100.0, at=when))
    return out


def plan_entry(
    learner_id: str, *, days_ago: float, text: str = HOSTILE_PLAN, plan_id: str = "plan-0001"
) -> JournalEntry:
    return JournalEntry(
        learner_id, "plan", "small-talk", "plan", text, utcnow() - timedelta(days=days_ago), plan_id + "-aaaa"
    )


def charts(at) -> list:
    return at.get("plotly_chart")


# --- My progress --------------------------------------------------------------------------


def test_progress_page_for_a_new_learner_is_a_friendly_empty_state(app_env):
    """A new learner gets a welcome, a start link and a useful message per section, never an empty chart."""
    at = open_page("progress")
    assert not at.exception
    shown = texts(at)
    assert "Your progress will grow here as you learn." in shown
    for message in (
        "No self-ratings yet.",
        "No knowledge checks yet.",
        "No scenario choices yet.",
        "Your calendar fills in as you go",
        "No confidence ratings yet.",
        "Your streak starts the first day you learn or practise.",
    ):
        assert message in shown
    # Must not happen: an empty axis for a learner with no data.
    assert charts(at) == []
    assert len(at.dataframe) == 1  # only the per-lesson completion table, which lists every lesson


def test_progress_page_with_a_month_of_history_shows_every_chart_with_its_text_alternative(app_env):
    """A seeded month: every chart is drawn, each followed by a summary and a data table; a gap is named kindly."""
    store, learner_id, key = new_learner(app_env)
    course = load_course(ROOT)
    history = seed_month(course, learner_id, end=utcnow(), lessons=min(8, len(course.lessons)))
    store.record(history.statements)
    store.add_journal(history.journal)
    at = open_page("progress", learner=key)
    assert not at.exception, [e.value for e in at.exception]
    drawn = charts(at)
    assert len(drawn) >= 6
    assert len(at.dataframe) >= len(drawn) + 1  # one table per chart, plus the completion table
    shown = texts(at)
    for expected in ("Where you started", "Where you are", "Review today", "Practise next", "self-perceived"):
        assert expected in shown
    assert "worth a look" in shown
    assert "active days in a row" in shown or "active day in a row" in shown
    assert "You were active on" in shown
    # Must not happen: an empty-state message beside a drawn chart.
    assert "No knowledge checks yet." not in shown
    assert "No self-ratings yet." not in shown


# --- Home: Today ----------------------------------------------------------------------------


def test_home_today_block_lists_reviews_due_and_plan_checkins(fixture_app_env):
    """Cards mastered three days ago are due, and a plan written eight days ago has its week-1 check-in."""
    store, learner_id, key = new_learner(fixture_app_env)
    store.record(passed_quiz(learner_id, days_ago=3))
    store.add_journal([plan_entry(learner_id, days_ago=8)])
    at = open_page("home", learner=key)
    assert not at.exception
    shown = texts(at)
    assert "**3 review cards due.**" in shown
    assert "**1 plan check-in due:** Open a conversation (week 1). Did they happen?" in shown
    links = {link.proto.page: link.proto.query_string for link in at.get("page_link")}
    assert {"review", "plan"} <= set(links)
    assert f"learner={key}" in links["review"]  # the link keeps the learner


def test_home_shows_no_today_block_for_a_new_learner(app_env):
    """Nothing is due for a new learner, so Home shows no Today block at all."""
    at = open_page("home")
    assert not at.exception
    assert "Today" not in [h.value for h in at.header]


# --- Review ---------------------------------------------------------------------------------------


def test_review_page_empty_state_explains_where_cards_come_from(app_env):
    """A new learner is told how cards are earned, with a way back to the course."""
    at = open_page("review")
    assert not at.exception
    assert "Nothing to review yet." in texts(at)
    assert not [b for b in at.button if b.key == "review_start"]


def answer_current(at, store: Store, course, *, correctly: bool, confidence: str | None):
    session = at.session_state["review_session"]
    index = session["index"]
    statements = store.statements_for(at.session_state["learner"].id)
    card = find_card(cards_for(course, statements), session["cards"][index])
    options = presented_options(card, session["seed"])
    wanted = [o for o in options if o.correct == correctly]
    if card.multiple:
        for option in wanted:
            at.checkbox(key=f"review_{index}_opt_{option.id}").check()
    else:
        at.radio(key=f"review_{index}_answer").set_value(wanted[0].id)
    if confidence:
        at.radio(key=f"review_{index}_confidence").set_value(confidence)
    at.button(key=f"review_{index}_submit").click().run()
    return card


def test_a_review_session_gives_quiz_feedback_and_records_confidence(fixture_app_env):
    """Due cards make a session; an answer shows every option's feedback and is stored with its confidence."""
    store, learner_id, key = new_learner(fixture_app_env)
    store.record(passed_quiz(learner_id, days_ago=3))
    course = load_course(VALID_CONTENT)
    at = open_page("review", learner=key)
    assert at.metric[0].value == "3"
    at.button(key="review_start").click().run()
    assert len(at.session_state["review_session"]["cards"]) == 3

    # Must not happen: an answer without a confidence rating is graded or stored.
    before = store.count_statements(learner_id)
    session = at.session_state["review_session"]
    card = find_card(cards_for(course, store.statements_for(learner_id)), session["cards"][0])
    first_wrong = next(o for o in presented_options(card, session["seed"]) if not o.correct)
    if card.multiple:
        at.checkbox(key=f"review_0_opt_{first_wrong.id}").check()
    else:
        at.radio(key="review_0_answer").set_value(first_wrong.id)
    at.button(key="review_0_submit").click().run()
    assert "say how sure you are" in texts(at)
    assert store.count_statements(learner_id) == before

    at.radio(key="review_0_confidence").set_value("high")
    at.button(key="review_0_submit").click().run()
    shown = texts(at)
    assert "Not quite." in shown
    for option in card.options:
        assert option.feedback in shown
    saved = [s for s in store.statements_for(learner_id) if s.object_type == "review-item"]
    assert [(s.extra["card"], s.success, s.extra["confidence"]) for s in saved] == [(card.id, False, "high")]

    at.button(key="review_next").click().run()
    for _ in range(2):
        answer_current(at, store, course, correctly=True, confidence="medium")
        assert "Correct." in texts(at)
        at.button(key="review_next").click().run()
    shown = texts(at)
    assert "Review done" in shown
    assert "You reviewed 3 cards and got 2 right." in shown
    at.button(key="review_finish").click().run()
    assert "review_session" not in at.session_state


def test_nothing_due_offers_to_review_ahead(fixture_app_env):
    """Cards mastered minutes ago are not due; the page says when the next one is and offers a few ahead."""
    store, learner_id, key = new_learner(fixture_app_env)
    store.record(passed_quiz(learner_id, days_ago=0.01))
    at = open_page("review", learner=key)
    assert "Nothing due today." in texts(at)
    assert not [b for b in at.button if b.key == "review_start"]
    at.button(key="review_ahead").click().run()
    assert len(at.session_state["review_session"]["cards"]) == 3


# --- My action plan -----------------------------------------------------------------------------


def test_plan_page_empty_state(app_env):
    """A new learner sees how plans and practice get here, and that the certificate comes at the end."""
    at = open_page("plan")
    assert not at.exception
    shown = texts(at)
    assert "No plans yet." in shown
    assert "Nothing logged yet." in shown
    assert "The certificate is ready when every lesson is complete." in shown


def test_plan_checkin_is_recorded_and_the_plan_is_shown_as_plain_text(fixture_app_env):
    """A week-old plan asks 'did it happen?'; answering stores a check-in and shows it as done."""
    store, learner_id, key = new_learner(fixture_app_env)
    store.record([tracking.lesson_opened(learner_id, "small-talk", at=utcnow() - timedelta(days=8))])
    store.add_journal([plan_entry(learner_id, days_ago=8)])
    at = open_page("plan", learner=key)
    assert not at.exception
    assert HOSTILE_PLAN in [t.value for t in at.text]
    # Must not happen: learner text interpreted as markdown or HTML.
    assert not any("<b>someone" in m.value for m in at.markdown)
    assert "Week 1 check-in: did it happen this week?" in texts(at)
    at.button(key="plan_plan-000_w1_yes").click().run()
    checkins = [s for s in store.statements_for(learner_id) if s.object_type == "plan-checkin"]
    assert [(s.extra["plan"], s.extra["week"], s.success) for s in checkins] == [("plan-0001-aaaa", 1, True)]
    assert "Week 1: :material/check: happened" in texts(at)
    assert not [b for b in at.button if b.key == "plan_plan-000_w1_yes"]


def test_practice_log_shows_notes_as_plain_text(fixture_app_env):
    """Logged practice is listed with the learner's note exactly as typed."""
    store, learner_id, key = new_learner(fixture_app_env)
    note = "Asked about the <i>talk</i> *twice*"
    store.record([tracking.practice_done(learner_id, "small-talk", "one-opener", note)])
    at = open_page("plan", learner=key)
    assert note in [t.value for t in at.text]
    assert "1 practice action done in real life." in texts(at)


def download(at, key: str):
    return next(element for element in at.get("download_button") if element.key == key)


def test_certificate_is_offered_once_the_course_is_complete_and_a_name_is_entered(fixture_app_env):
    """With every lesson complete, the certificate download is disabled until the learner types a name."""
    store, learner_id, key = new_learner(fixture_app_env)
    store.record(finished_scenario(learner_id, days_ago=1) + passed_quiz(learner_id, days_ago=1))
    at = open_page("plan", learner=key)
    assert not at.exception
    assert "The certificate is ready" not in texts(at)
    assert "Enter your name above" in texts(at)
    assert download(at, "plan_download_certificate").proto.disabled
    assert not download(at, "plan_download_plan").proto.disabled
    at.text_input(key="plan_name").input("Zoë “Dee” 张").run()
    assert not at.exception
    assert 'Zoë "Dee" ?' in [t.value for t in at.text]  # the preview of what the PDF font can print
    assert "Enter your name above" not in texts(at)
    assert not download(at, "plan_download_certificate").proto.disabled


@pytest.mark.parametrize("page", ["progress", "review", "plan"])
def test_pages_run_against_the_small_fixture_course(page, fixture_app_env):
    """The pages also render for the one-lesson fixture course."""
    at = open_page(page)
    assert not at.exception


def test_a_key_scenario_decision_comes_back_as_a_review_card(fixture_app_env):
    """A finished scenario's expert-path steps are reviewed with their situation, consequences and verdicts."""
    store, learner_id, key = new_learner(fixture_app_env)
    store.record(finished_scenario(learner_id, days_ago=3))
    course = load_course(VALID_CONTENT)
    at = open_page("review", learner=key)
    at.button(key="review_start").click().run()
    assert len(at.session_state["review_session"]["cards"]) == 2
    card = answer_current(at, store, course, correctly=True, confidence="low")
    shown = texts(at)
    assert card.kind == "scenario"
    assert card.situation in shown
    assert "Correct." in shown
    assert "(Most effective · your choice)" in shown
    assert "(Less effective)" in shown
    saved = [s for s in store.statements_for(learner_id) if s.object_type == "review-item"]
    assert [(s.extra["card"], s.extra["confidence"]) for s in saved] == [(card.id, "low")]
