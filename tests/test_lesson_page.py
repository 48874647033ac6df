"""The lesson page: deep links, scenario paths, knowledge checks and self-assessment."""

from __future__ import annotations

import pytest

from tests.apptest_helpers import open_page, texts

SCN = "scn_small-talk_coffee-urn"


def test_lesson_opens_by_query_parameter(fixture_app_env):
    """?lesson=<id> opens that lesson directly, as the first request."""
    at = open_page("lesson", lesson="small-talk")
    assert not at.exception
    assert at.title[0].value == "Open a conversation"
    assert "You are at a meetup and know nobody" in texts(at)


def test_unknown_lesson_shows_neutral_message(fixture_app_env):
    """An unknown lesson id gets a neutral message, not a traceback."""
    at = open_page("lesson", lesson="no-such-lesson")
    assert not at.exception
    assert "This lesson is unavailable right now" in texts(at)


def test_scenario_path_shows_consequence_feedback_and_score(fixture_app_env):
    """Taking a poor then a best choice shows each consequence, the verdicts, the ending and 62/100."""
    at = open_page("lesson", lesson="small-talk")
    at.segmented_control(key="part").set_value("Practise").run()
    at.radio(key=f"{SCN}_open_choice").set_value("pitch").run()
    at.button(key=f"{SCN}_open_submit").click().run()
    shown = texts(at)
    assert "She nods politely and looks at her phone." in shown
    assert "This was not the most effective choice." in shown
    at.radio(key=f"{SCN}_follow_choice").set_value("ask").run()
    at.button(key=f"{SCN}_follow_submit").click().run()
    shown = texts(at)
    assert "This was the most effective choice." in shown
    assert "Ending: A real conversation" in shown
    assert at.metric[0].value == "62/100"
    assert "Mention the talk you both just heard" in shown  # the expert path
    # Must not happen: the scenario keeps asking after the ending.
    assert not [r for r in at.radio if r.key and r.key.startswith(SCN)]


def test_replay_starts_the_scenario_again(fixture_app_env):
    """Replay clears the path and shows the first step again."""
    at = open_page("lesson", lesson="small-talk")
    at.segmented_control(key="part").set_value("Practise").run()
    for step, choice in (("open", "setting"), ("follow", "advice")):
        at.radio(key=f"{SCN}_{step}_choice").set_value(choice).run()
        at.button(key=f"{SCN}_{step}_submit").click().run()
    assert "Ending: A polite exit" in texts(at)
    at.button(key=f"{SCN}_replay").click().run()
    assert at.radio(key=f"{SCN}_open_choice").value is None
    assert "Ending:" not in texts(at)


def _answer_quiz(at, *, correctly: bool):
    from course.loader import load_course
    from course.quiz import draw_attempt
    from tests.conftest import VALID_CONTENT

    quiz = load_course(VALID_CONTENT).quiz_for("small-talk")
    seed = at.session_state["quiz_small-talk_seed"]
    for entry in draw_attempt(quiz, seed):
        key = f"quiz_small-talk_{seed}_{entry.item.id}"
        wanted = [o for o in entry.options if o.correct == correctly]
        if entry.multiple:
            for option in wanted:
                at.checkbox(key=f"{key}_{option.id}").check()
        else:
            at.radio(key=key).set_value(wanted[0].id)
    at.button(key="quiz_small-talk_submit").click().run()


def test_passing_the_quiz_masters_the_lesson(fixture_app_env):
    """All correct answers score 100%, show every option's feedback, and mark the lesson mastered."""
    at = open_page("lesson", lesson="small-talk")
    at.segmented_control(key="part").set_value("Check").run()
    _answer_quiz(at, correctly=True)
    shown = texts(at)
    assert "You scored **100%**" in shown
    assert "Lesson mastered" in shown
    assert "It puts your role first before any exchange exists." in shown  # feedback on a wrong option
    assert "It is about the shared setting and invites an opinion." in shown  # feedback on the right one
    home = open_page("home", learner=at.query_params["learner"])
    assert "Mastered" in texts(home)
    again = open_page("lesson", lesson="small-talk", learner=at.query_params["learner"])
    again.segmented_control(key="part").set_value("Check").run()
    assert "Your attempts so far: 1 · best 100% · last 100%" in texts(again)


def test_failing_the_quiz_offers_a_new_set(fixture_app_env):
    """All wrong answers score 0%, do not master the lesson, and a retry draws a new attempt."""
    at = open_page("lesson", lesson="small-talk")
    at.segmented_control(key="part").set_value("Check").run()
    first_seed = at.session_state["quiz_small-talk_seed"]
    _answer_quiz(at, correctly=False)
    shown = texts(at)
    assert "You scored **0%**" in shown
    assert "Lesson mastered" not in shown
    at.button(key="quiz_small-talk_retry").click().run()
    assert at.session_state["quiz_small-talk_seed"] != first_seed
    assert "You scored" not in texts(at)
    home = open_page("home", learner=at.query_params["learner"])
    assert "Mastered" not in texts(home)
    assert "In progress" in texts(home)


def test_self_assessment_is_scored_and_labelled_self_perceived(fixture_app_env):
    """Ratings 5, 4 and a reversed 2 give mean (5 + 4 + 4) / 3, so 100 x (4.33 - 1) / 4 = 83, labelled self-perceived."""
    at = open_page("lesson", lesson="small-talk")
    at.radio(key="sa_small-talk_open-setting").set_value(5)
    at.radio(key="sa_small-talk_ask-open").set_value(4)
    at.radio(key="sa_small-talk_pitch-early").set_value(2)
    at.button(key="sa_small-talk_submit").click().run()
    shown = texts(at)
    assert "Self-perceived score: **83/100**" in shown


def test_self_assessment_with_too_few_answers_is_refused(fixture_app_env):
    """Answering one of three statements asks for more instead of scoring."""
    at = open_page("lesson", lesson="small-talk")
    at.radio(key="sa_small-talk_open-setting").set_value(5)
    at.button(key="sa_small-talk_submit").click().run()
    assert "at least 80%" in texts(at)
    assert "Self-perceived score" not in texts(at)


@pytest.mark.parametrize(
    "hostile",
    [
        "<script>alert(1)</script> **bold** # heading",
        "<img src=x onerror=alert(1)> [link](javascript:alert(1))",
        "Thanks 🙏🏽 — 👩🏾‍💻 done ✅",
        "שלום, אני אשאל שאלה אחת مرحبا بك",
        "| a | b |\n|---|---|\n| $x$ | :material/home: |",
    ],
    ids=["html-markdown", "img-onerror", "emoji", "right-to-left", "table-latex-icons"],
)
def test_reflection_is_shown_as_plain_text(fixture_app_env, hostile):
    """Learner text with HTML, markdown, emoji and right-to-left script comes back exactly as typed, never interpreted."""
    at = open_page("lesson", lesson="small-talk")
    at.segmented_control(key="part").set_value("Reflect").run()
    at.text_area(key="reflect_small-talk_0").input(hostile)
    at.text_input(key="plan_small-talk_cue").input("I meet <b>someone</b>")
    at.text_input(key="plan_small-talk_action").input("ask one question")
    at.button(key="reflect_small-talk_submit").click().run()
    plain_texts = [t.value for t in at.text]
    assert "If I meet <b>someone</b>, then I will ask one question" in plain_texts
    assert hostile in plain_texts
    # Must not happen: learner text inside markdown, where it would be interpreted.
    assert not any(hostile in m.value or "<b>someone" in m.value for m in at.markdown)


def test_conclusion_asks_to_retake_every_strategy_self_assessment(app_env):
    """The conclusion's first part offers each strategy's self-assessment again."""
    at = open_page("lesson", lesson="conclusion")
    assert not at.exception
    assert "Rate yourself again" in texts(at)
    assert len(at.expander) == 10
    strategies_with_ratings = {r.key.split("_")[1] for r in at.radio if r.key and r.key.startswith("sa_")}
    assert len(strategies_with_ratings) == 10


def test_learn_part_links_connected_strategies(app_env):
    """A strategy's Learn part links to the lessons it names as related."""
    at = open_page("lesson", lesson="follow-up")
    at.segmented_control(key="part").set_value("Learn").run()
    assert not at.exception
    assert "Connected strategies" in texts(at)
    assert any("boundaries" in str(link.proto.page) or "Be mindful" in link.label for link in at.get("page_link"))


def test_expert_path_in_a_real_lesson_ends_well_and_scores_full_marks(app_env):
    """Playing the expert path of a real scenario reaches a good ending labelled as such, scoring 100."""
    from course.loader import load_course
    from course.scenario import expert_path
    from tests.conftest import ROOT

    scenario = load_course(ROOT).lesson("active-listening").scenarios[0]
    at = open_page("lesson", lesson="active-listening")
    at.segmented_control(key="part").set_value("Practise").run()
    prefix = f"scn_active-listening_{scenario.id}"
    for step, choice in expert_path(scenario):
        at.radio(key=f"{prefix}_{step.id}_choice").set_value(choice.id).run()
        at.button(key=f"{prefix}_{step.id}_submit").click().run()
    shown = texts(at)
    assert "Where this leaves the relationship: strong" in shown
    assert "100/100" in [m.value for m in at.metric]


def test_unreachable_database_keeps_the_lesson_working_and_says_so(fixture_app_env, monkeypatch):
    """With the database down, a choice still shows its consequence, and the learner is told it was not saved."""
    monkeypatch.setenv("COURSE_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:1/none")
    at = open_page("lesson", lesson="small-talk")
    at.segmented_control(key="part").set_value("Practise").run()
    at.radio(key=f"{SCN}_open_choice").set_value("pitch").run()
    at.button(key=f"{SCN}_open_submit").click().run()
    assert not at.exception
    shown = texts(at)
    assert "She nods politely and looks at her phone." in shown
    assert "Saving is unavailable right now, so this answer was not stored." in shown
    assert "learner" not in at.query_params
