"""One page renders every lesson, chosen by ?lesson=<id>."""

from __future__ import annotations

import uuid

import streamlit as st

from app_pages._ui import course, ensure_learner, learner, link_params, my_journal, my_statements, plain, save
from app_pages._workshop import learning_points, worked_examples
from course.events import utcnow
from course.models import Lesson, Quiz, Scenario
from course.progress import lesson_status, quiz_history, scenario_progress, self_assessment_history
from course.quiz import FREQUENCY_SCALE, draw_attempt, grade_attempt, self_assessment_score
from course.scenario import expert_path, next_step, path_score, replay_path
from course.store import JournalEntry
from course.tracking import practice_done, quiz_attempt, scenario_choice, scenario_completed, self_assessment

# The part is bound to the URL (?part=Practise) by its label, so labels double as deep-link values.
PARTS = {
    "start": "Situation",
    "learn": "Learn",
    "practise": "Practise",
    "check": "Check",
    "reflect": "Reflect",
}
LABEL_TO_PART = {label: part for part, label in PARTS.items()}
OUTCOME_LABEL = {
    "good": ":material/sentiment_satisfied: Where this leaves the relationship: strong",
    "mixed": ":material/sentiment_neutral: Where this leaves the relationship: mixed",
    "poor": ":material/sentiment_dissatisfied: Where this leaves the relationship: strained",
}


def main() -> None:
    content = course()
    lesson_id = st.query_params.get("lesson", "")
    lesson = content.lesson(lesson_id) if lesson_id else None
    if lesson is None:
        st.title("Lesson")
        if lesson_id:
            st.info(
                "This lesson is unavailable right now. Please choose another from the course map.",
                icon=":material/info:",
            )
        else:
            st.info("Choose a lesson from the course map.", icon=":material/info:")
        st.page_link(
            "app_pages/home.py", label="Back to the course map", icon=":material/map:", query_params=link_params()
        )
        return

    statements = my_statements()
    st.title(lesson.title)
    st.caption(f"{lesson.minutes} min · {lesson_status(statements, lesson.id).capitalize()}")
    st.write(lesson.summary)
    st.page_link(
        "app_pages/presenter.py",
        label="Present this lesson to a room",
        icon=":material/co_present:",
        query_params={"lesson": lesson.id},
    )

    label = st.segmented_control(
        "Part of the lesson",
        list(PARTS.values()),
        default=PARTS["start"],
        required=True,
        key="part",
        bind="query-params",
    )
    part = LABEL_TO_PART.get(label or "", "start")
    st.divider()
    quiz = content.quiz_for(lesson.id)
    if part == "learn":
        _learn(lesson)
    elif part == "practise":
        _practise(lesson)
    elif part == "check":
        _check(lesson, quiz)
    elif part == "reflect":
        _reflect(lesson)
    else:
        _start(lesson, quiz)
    _next_part_button(part)


def _next_part_button(part: str) -> None:
    names = list(PARTS)
    index = names.index(part)
    if index + 1 < len(names):
        following = names[index + 1]
        st.button(
            f"Continue: {PARTS[following]}",
            key=f"lesson_next_{following}",
            icon=":material/arrow_forward:",
            on_click=_go_to_part,
            args=(following,),
        )


def _go_to_part(part: str) -> None:
    st.session_state["part"] = PARTS[part]


# --- 1. The situation (a real problem first, then activate) --------------------------


def _start(lesson: Lesson, quiz: Quiz | None) -> None:
    if lesson.opening:
        st.header("The situation")
        st.markdown(lesson.opening.situation)
        st.markdown(f"**Think first:** {lesson.opening.question}")
    if lesson.kind == "conclusion":
        st.header("Rate yourself again")
        st.write(
            "You rated yourself when you started each strategy. Rate yourself again now to see how your view has changed."
        )
        content = course()
        for other in content.lessons:
            other_quiz = content.quiz_for(other.id)
            if other.kind == "strategy" and other_quiz and other_quiz.self_assessment:
                with st.expander(other.title):
                    _self_assessment(other, other_quiz)
    elif quiz and quiz.self_assessment:
        st.header("Rate yourself first")
        _self_assessment(lesson, quiz)


def _self_assessment(lesson: Lesson, quiz: Quiz) -> None:
    history = self_assessment_history(my_statements(), lesson.id)
    if history:
        st.caption(
            f"Your last self-perceived score: {history[-1].score:.0f}/100 "
            f"({history[-1].timestamp:%d %b %Y}). Rating again adds a new entry; earlier ones are kept."
        )
    with st.form(key=f"sa_{lesson.id}_form", border=True):
        st.write("**Over the past four weeks, how often did you do each of these?**")
        ratings: dict[str, int | None] = {}
        for item in quiz.self_assessment:
            choice = st.radio(
                item.statement,
                options=list(range(1, 6)),
                format_func=lambda value: FREQUENCY_SCALE[value - 1],
                index=None,
                horizontal=True,
                key=f"sa_{lesson.id}_{item.id}",
            )
            ratings[item.id] = choice
        submitted = st.form_submit_button("Save my ratings", key=f"sa_{lesson.id}_submit")
    if submitted:
        score = self_assessment_score(quiz.self_assessment, ratings)
        if score is None:
            st.error(
                "Please answer at least 80% of the statements, so the score means something.", icon=":material/error:"
            )
            return
        saved = ensure_learner() is not None and save(
            self_assessment(learner().id or "", lesson.id, str(uuid.uuid4()), ratings, score)
        )
        st.session_state[f"sa_{lesson.id}_score"] = score
        if saved:
            st.toast("Ratings saved")
    score = st.session_state.get(f"sa_{lesson.id}_score")
    if score is not None:
        st.success(
            f"Self-perceived score: **{score:.0f}/100**. This is how you see yourself today: "
            "useful to compare with later, not a measure of skill.",
            icon=":material/self_improvement:",
        )


# --- 2. Learn (demonstrate) -----------------------------------------------------------


def _learn(lesson: Lesson) -> None:
    if lesson.body:
        st.markdown(lesson.body)
    st.header("What it looks like")
    learning_points(lesson)
    if lesson.worked_examples:
        st.header("Two ways it can go")
        worked_examples(lesson, side_by_side=True)
    related = [other for other in (course().lesson(i) for i in lesson.related) if other is not None]
    if related:
        st.header("Connected strategies")
        for other in related:
            st.page_link(
                "app_pages/lesson.py",
                label=other.title,
                icon=":material/link:",
                query_params=link_params(lesson=other.id),
            )


# --- 3. Practise (branching scenarios) ------------------------------------------------


def _practise(lesson: Lesson) -> None:
    if not lesson.scenarios:
        st.info("This part has no scenario to practise.", icon=":material/info:")
        return
    for scenario in lesson.scenarios:
        with st.container(border=True, key=f"scn_{lesson.id}_{scenario.id}"):
            _scenario(lesson, scenario)


def _scenario_state(lesson: Lesson, scenario: Scenario) -> dict:
    state_key = f"scn_{lesson.id}_{scenario.id}_state"
    if state_key not in st.session_state:
        stored = scenario_progress(my_statements(), lesson.id, scenario.id)
        if stored.attempt and not stored.finished:
            st.session_state[state_key] = {"attempt": stored.attempt, "path": list(stored.path), "done": False}
        elif stored.attempt and stored.finished:
            st.session_state[state_key] = {"attempt": stored.attempt, "path": list(stored.path), "done": True}
        else:
            st.session_state[state_key] = {"attempt": str(uuid.uuid4()), "path": [], "done": False}
    return st.session_state[state_key]


def _scenario(lesson: Lesson, scenario: Scenario) -> None:
    st.header(scenario.title)
    st.markdown(scenario.setting)
    state = _scenario_state(lesson, scenario)
    current, ending = replay_path(scenario, state["path"])

    for number, (step_id, choice_id) in enumerate(state["path"], start=1):
        outcome = next_step(scenario, step_id, choice_id)
        latest = number == len(state["path"])
        verdict = "the most effective choice" if outcome.is_best else "not the most effective choice"
        with st.expander(f"Decision {number}: {outcome.choice.text}", expanded=latest):
            st.markdown(f"**What happens:** {outcome.choice.consequence}")
            st.markdown(f"**Why:** {outcome.choice.feedback}")
            if outcome.is_best:
                st.success(f"This was {verdict}.", icon=":material/check_circle:")
            else:
                st.warning(f"This was {verdict}.", icon=":material/info:")

    prefix = f"scn_{lesson.id}_{scenario.id}"
    if ending is not None:
        score = path_score(scenario, state["path"])
        st.markdown(f"### Ending: {ending.title}")
        if ending.outcome:
            st.caption(OUTCOME_LABEL[ending.outcome])
        st.markdown(ending.text)
        if score is not None:
            st.metric(
                "Scenario score",
                f"{score:.0f}/100",
                help="The mean expert rating of the choices you made, on a 0-100 scale.",
            )
        with st.expander("The expert path"):
            for step, choice in expert_path(scenario):
                st.markdown(f"- *{step.situation.strip().splitlines()[0]}* → **{choice.text}**")
        st.button(
            "Replay this scenario",
            key=f"{prefix}_replay",
            icon=":material/replay:",
            on_click=_replay,
            args=(lesson.id, scenario.id),
        )
        return
    if current is None:
        return
    st.markdown(f"**{'Next' if state['path'] else 'It starts'}:** {current.situation}")
    choice_id = st.radio(
        current.question,
        options=[choice.id for choice in current.choices],
        format_func={choice.id: choice.text for choice in current.choices}.get,
        index=None,
        key=f"{prefix}_{current.id}_choice",
    )
    # A callback runs before the page is drawn again, so the next step shows at once and any saving
    # problem it reports stays on screen (no extra rerun to wipe it).
    st.button(
        "Choose",
        key=f"{prefix}_{current.id}_submit",
        type="primary",
        disabled=choice_id is None,
        on_click=_take_choice,
        args=(lesson, scenario, current.id),
    )


def _take_choice(lesson: Lesson, scenario: Scenario, step_id: str) -> None:
    choice_id = st.session_state.get(f"scn_{lesson.id}_{scenario.id}_{step_id}_choice")
    state = _scenario_state(lesson, scenario)
    current, _ = replay_path(scenario, state["path"])
    if choice_id is None or current is None or current.id != step_id:
        return  # nothing chosen, or a stale click on a step already answered (a double click)
    who = ensure_learner()
    records = scenario_choice(who.id if who else "", lesson.id, scenario, step_id, choice_id, state["attempt"])
    path = [*state["path"], (step_id, choice_id)]
    _, ending = replay_path(scenario, path)
    if ending is not None:
        score = path_score(scenario, path) or 0.0
        records.append(
            scenario_completed(who.id if who else "", lesson.id, scenario.id, state["attempt"], ending.id, score)
        )
    if who is not None:
        save(records)
    state["path"] = path
    state["done"] = ending is not None


def _replay(lesson_id: str, scenario_id: str) -> None:
    st.session_state[f"scn_{lesson_id}_{scenario_id}_state"] = {"attempt": str(uuid.uuid4()), "path": [], "done": False}


# --- 4. Check (knowledge check) -------------------------------------------------------


def _check(lesson: Lesson, quiz: Quiz | None) -> None:
    if quiz is None:
        st.info("The knowledge check for this lesson is unavailable right now.", icon=":material/info:")
        return
    st.header("Knowledge check")
    st.write(
        f"{quiz.items_per_attempt} questions drawn from a bank of {len(quiz.items)}. "
        f"Score {quiz.pass_percentage}% or more to master this lesson. Every option explains itself after you submit."
    )
    history = quiz_history(my_statements(), lesson.id)
    if history:
        best = max(h.score for h in history)
        st.caption(
            f"Your attempts so far: {len(history)} · best {best:.0f}% · last {history[-1].score:.0f}% "
            f"on {history[-1].timestamp:%d %b %Y}."
        )
    seed_key = f"quiz_{lesson.id}_seed"
    st.session_state.setdefault(seed_key, uuid.uuid4().int % 2**31)
    seed = st.session_state[seed_key]
    drawn = draw_attempt(quiz, seed)
    result = st.session_state.get(f"quiz_{lesson.id}_result")
    if result is not None and result[0] == seed:
        _quiz_feedback(lesson, quiz, drawn, result[1])
        return

    with st.form(key=f"quiz_{lesson.id}_form"):
        for number, entry in enumerate(drawn, start=1):
            st.markdown(f"**{number}. {entry.item.prompt}**")
            item_key = f"quiz_{lesson.id}_{seed}_{entry.item.id}"
            if entry.multiple:
                st.caption("Choose all that apply.")
                for option in entry.options:
                    st.checkbox(option.text, key=f"{item_key}_{option.id}")
            else:
                st.radio(
                    "Your answer",
                    options=[option.id for option in entry.options],
                    format_func={option.id: option.text for option in entry.options}.get,
                    index=None,
                    key=item_key,
                    label_visibility="collapsed",
                )
        st.form_submit_button(
            "Submit answers",
            key=f"quiz_{lesson.id}_submit",
            type="primary",
            on_click=_submit_quiz,
            args=(lesson, quiz, seed, drawn),
        )


def _submit_quiz(lesson: Lesson, quiz: Quiz, seed: int, drawn: list) -> None:
    answers = {}
    for entry in drawn:
        item_key = f"quiz_{lesson.id}_{seed}_{entry.item.id}"
        if entry.multiple:
            answers[entry.item.id] = frozenset(
                o.id for o in entry.options if st.session_state.get(f"{item_key}_{o.id}")
            )
        else:
            chosen = st.session_state.get(item_key)
            answers[entry.item.id] = frozenset([chosen]) if chosen else frozenset()
    graded = grade_attempt(drawn, answers, quiz.pass_percentage)
    who = ensure_learner()
    if who is not None:
        save(quiz_attempt(who.id or "", lesson.id, str(seed), graded))
    st.session_state[f"quiz_{lesson.id}_result"] = (seed, graded)


def _quiz_feedback(lesson: Lesson, quiz: Quiz, drawn: list, graded) -> None:
    if graded.passed:
        st.success(
            f"You scored **{graded.score:.0f}%** ({graded.correct_count} of {len(graded.items)}). "
            "Lesson mastered: it will come back for a short review in a few days.",
            icon=":material/verified:",
        )
    else:
        st.warning(
            f"You scored **{graded.score:.0f}%** ({graded.correct_count} of {len(graded.items)}). "
            f"{quiz.pass_percentage}% masters the lesson. Read the explanations, then try a new set.",
            icon=":material/school:",
        )
    for number, (entry, item_result) in enumerate(zip(drawn, graded.items, strict=True), start=1):
        mark = ":material/check_circle: Correct" if item_result.correct else ":material/cancel: Not quite"
        with st.container(border=True, key=f"quiz_{lesson.id}_fb_{entry.item.id}"):
            st.markdown(f"**{number}. {entry.item.prompt}**")
            st.markdown(mark)
            for option in entry.options:
                chosen = option.id in item_result.chosen
                tag = "Correct answer" if option.correct else "Not the answer"
                you = " · your choice" if chosen else ""
                st.markdown(f"- **{option.text}** ({tag}{you})  \n  {option.feedback}")
    st.button(
        "Try a new set of questions",
        key=f"quiz_{lesson.id}_retry",
        icon=":material/refresh:",
        on_click=_retry_quiz,
        args=(lesson.id,),
    )


def _retry_quiz(lesson_id: str) -> None:
    st.session_state[f"quiz_{lesson_id}_seed"] = uuid.uuid4().int % 2**31
    st.session_state.pop(f"quiz_{lesson_id}_result", None)


# --- 5. Reflect and plan (integrate) --------------------------------------------------


def _reflect(lesson: Lesson) -> None:
    st.header("Reflect")
    journal = [entry for entry in my_journal() if entry.lesson_id == lesson.id]
    with st.form(key=f"reflect_{lesson.id}_form"):
        answers = {}
        for index, prompt in enumerate(lesson.reflection_prompts):
            answers[f"reflection-{index + 1}"] = st.text_area(
                prompt, key=f"reflect_{lesson.id}_{index}", max_chars=2000
            )
        st.markdown("**Your if-then plan**")
        st.caption(lesson.plan_prompt.prompt)
        cue = st.text_input(
            "If…", placeholder=lesson.plan_prompt.cue_example, key=f"plan_{lesson.id}_cue", max_chars=300
        )
        action = st.text_input(
            "…then I will", placeholder=lesson.plan_prompt.action_example, key=f"plan_{lesson.id}_action", max_chars=300
        )
        submitted = st.form_submit_button("Save reflection and plan", key=f"reflect_{lesson.id}_submit", type="primary")
    if submitted:
        now = utcnow()
        who = ensure_learner()
        entries = []
        if who is not None:
            for prompt_id, text in answers.items():
                if text and text.strip():
                    entries.append(
                        JournalEntry(
                            who.id or "", "reflection", lesson.id, prompt_id, text.strip(), now, str(uuid.uuid4())
                        )
                    )
            if (cue or "").strip() and (action or "").strip():
                plan_text = f"If {cue.strip()}, then I will {action.strip()}"
                entries.append(JournalEntry(who.id or "", "plan", lesson.id, "plan", plan_text, now, str(uuid.uuid4())))
            elif (cue or "").strip() or (action or "").strip():
                st.error(
                    "A plan needs both parts: the cue (If…) and the action (…then I will).", icon=":material/error:"
                )
        if entries and save(journal=entries):
            st.success(
                "Saved. Read your plan back once; saying it to yourself helps it stick.", icon=":material/check:"
            )
            journal = [entry for entry in my_journal() if entry.lesson_id == lesson.id]

    plans = [entry for entry in journal if entry.kind == "plan"]
    if plans:
        st.markdown("**Your plan, as you wrote it**")
        plain(plans[-1].text)
    reflections = [entry for entry in journal if entry.kind == "reflection"]
    if reflections:
        with st.expander(f"Your earlier reflections ({len(reflections)})"):
            for entry in reflections:
                st.caption(f"{entry.created_at:%d %b %Y}")
                plain(entry.text)

    st.header("Try it this week")
    done = {s.extra.get("action") for s in my_statements() if s.object_type == "practice" and s.lesson_id == lesson.id}
    for action in lesson.practice_actions:
        with st.container(border=True, key=f"practice_{lesson.id}_{action.id}"):
            st.markdown(action.text)
            if action.id in done:
                st.caption(":material/check: Done. It counts toward your activity.")
            else:
                st.text_input(
                    "Note (optional)",
                    key=f"practice_{lesson.id}_{action.id}_note",
                    placeholder="What did you do?",
                    max_chars=300,
                )
                st.button(
                    "I did this",
                    key=f"practice_{lesson.id}_{action.id}_done",
                    icon=":material/task_alt:",
                    on_click=_practice_done,
                    args=(lesson.id, action.id),
                )


def _practice_done(lesson_id: str, action_id: str) -> None:
    note = (st.session_state.get(f"practice_{lesson_id}_{action_id}_note") or "").strip() or None
    who = ensure_learner()
    if who is not None:
        save([practice_done(who.id or "", lesson_id, action_id, note)])


main()
