"""Spaced review: a short, interleaved session of the cards FSRS says are due, with the quiz's feedback."""

from __future__ import annotations

import uuid

import streamlit as st

from app_pages._ui import course, ensure_learner, link_params, my_statements, save
from course import dashboard as dash
from course.events import utcnow
from course.review import (
    CONFIDENCE_LABELS,
    CONFIDENCE_LEVELS,
    ReviewCard,
    build_session,
    cards_for,
    due_today,
    find_card,
    grade,
    is_durable,
    next_due,
    presented_options,
    schedule,
)
from course.tracking import review_answer

SESSION = "review_session"


def main() -> None:
    content = course()
    statements = my_statements()
    zone = dash.resolve_zone(st.context.timezone)
    now = utcnow()
    st.title("Review")
    st.caption(
        "Short reviews, spaced out over days and weeks, keep what you learned. "
        "Each card is a question you mastered or a key decision from a scenario."
    )
    cards = cards_for(content, statements)
    session = st.session_state.get(SESSION)
    if session is not None:
        _run_session(content, cards, session)
        return
    if not cards:
        with st.container(border=True, key="review_empty"):
            st.markdown("**Nothing to review yet.**")
            st.write(
                "Cards appear when you master a knowledge check or finish a scenario. "
                "The first ones come back for review a day or two later."
            )
            st.page_link(
                "app_pages/home.py", label="Go to the course map", icon=":material/map:", query_params=link_params()
            )
        return

    schedules = schedule(cards, statements)
    due = due_today(schedules, now, zone)
    left, right = st.columns(2)
    left.metric("Due today", len(due))
    right.metric("Cards in your deck", len(cards))
    if due:
        size = len(build_session(schedules, now, zone, seed=0))
        st.button(
            f"Start a review of {size} cards",
            key="review_start",
            type="primary",
            icon=":material/play_arrow:",
            on_click=_start,
            kwargs={"ahead": False},
        )
    else:
        upcoming = next_due(schedules)
        when = f" The next card is due on {upcoming.astimezone(zone):%A %d %B}." if upcoming else ""
        st.success(f"Nothing due today.{when} Spacing is what makes it stick.", icon=":material/event_available:")
        st.button(
            "Review a few ahead of time",
            key="review_ahead",
            icon=":material/fast_forward:",
            on_click=_start,
            kwargs={"ahead": True},
        )


def _start(*, ahead: bool) -> None:
    content = course()
    statements = my_statements()
    zone = dash.resolve_zone(st.context.timezone)
    seed = uuid.uuid4().int % 2**31
    chosen = build_session(schedule(cards_for(content, statements), statements), utcnow(), zone, seed=seed, ahead=ahead)
    st.session_state[SESSION] = {
        "seed": seed,
        "cards": [card.key for card in chosen],
        "index": 0,
        "answers": [],
        "feedback": None,
    }


def _run_session(content, cards: list[ReviewCard], session: dict) -> None:
    keys = session["cards"]
    index = session["index"]
    if index >= len(keys):
        _finished(content, session)
        return
    card = find_card(cards, keys[index])
    if card is None:  # the lesson changed since the session started
        session["index"] += 1
        st.rerun()
    lesson = content.lesson(card.lesson_id)
    st.progress(index / len(keys), text=f"Card {index + 1} of {len(keys)}")
    with st.container(border=True, key="review_card"):
        st.caption(
            f"{lesson.title if lesson else card.lesson_id} · {'scenario decision' if card.kind == 'scenario' else 'knowledge check'}"
        )
        if card.context:
            st.caption(card.context)
        if card.situation:
            st.markdown(card.situation)
        st.markdown(f"**{card.prompt}**")
        options = presented_options(card, session["seed"])
        feedback = session["feedback"]
        if feedback is not None:
            _feedback(card, options, feedback)
            return
        with st.form(key=f"review_form_{index}"):
            if card.multiple:
                st.caption("Choose all that apply.")
                for option in options:
                    st.checkbox(option.text, key=f"review_{index}_opt_{option.id}")
            else:
                st.radio(
                    "Your answer",
                    options=[option.id for option in options],
                    format_func={option.id: option.text for option in options}.get,
                    index=None,
                    key=f"review_{index}_answer",
                )
            st.radio(
                "How sure are you?",
                options=list(CONFIDENCE_LEVELS),
                format_func=CONFIDENCE_LABELS.get,
                index=None,
                horizontal=True,
                key=f"review_{index}_confidence",
            )
            submitted = st.form_submit_button("Check my answer", key=f"review_{index}_submit", type="primary")
    if submitted:
        if card.multiple:
            chosen = frozenset(o.id for o in options if st.session_state.get(f"review_{index}_opt_{o.id}"))
        else:
            picked = st.session_state.get(f"review_{index}_answer")
            chosen = frozenset([picked]) if picked else frozenset()
        confidence = st.session_state.get(f"review_{index}_confidence")
        if not chosen or confidence is None:
            st.error("Choose an answer and say how sure you are, then check it.", icon=":material/error:")
            return
        correct = grade(card, chosen)
        who = ensure_learner()
        if who is not None:
            save([review_answer(who.id or "", card.lesson_id, card.id, correct, confidence, sorted(chosen))])
        session["feedback"] = {"chosen": sorted(chosen), "correct": correct, "confidence": confidence}
        session["answers"].append((card.key, correct))
        st.rerun()


def _feedback(card: ReviewCard, options, feedback: dict) -> None:
    """The quiz's feedback: right or not, then every option with why."""
    chosen = set(feedback["chosen"])
    if feedback["correct"]:
        st.success("Correct. It comes back later, further apart each time.", icon=":material/check_circle:")
    else:
        st.warning("Not quite. Read why below; this card comes back sooner.", icon=":material/school:")
    right_tag = "Most effective" if card.kind == "scenario" else "Correct answer"
    other_tag = "Less effective" if card.kind == "scenario" else "Not the answer"
    for option in options:
        you = " · your choice" if option.id in chosen else ""
        tag = right_tag if option.correct else other_tag
        st.markdown(f"- **{option.text}** ({tag}{you})  \n  {option.feedback}")
    st.button("Next card", key="review_next", type="primary", icon=":material/arrow_forward:", on_click=_next)


def _next() -> None:
    session = st.session_state[SESSION]
    session["index"] += 1
    session["feedback"] = None


def _finished(content, session: dict) -> None:
    answers = session["answers"]
    right = sum(correct for _key, correct in answers)
    with st.container(border=True, key="review_done"):
        st.header("Review done")
        st.write(f"You reviewed {len(answers)} cards and got {right} right.")
        statements = my_statements()
        lessons = sorted({key.split("/", 1)[0] for key, _ in answers})
        durable = [content.lesson(lid).title for lid in lessons if content.lesson(lid) and is_durable(statements, lid)]
        if durable:
            st.success("Durably mastered: " + ", ".join(durable) + ".", icon=":material/verified:")
    st.button("Back to the review overview", key="review_finish", on_click=_clear)


def _clear() -> None:
    st.session_state.pop(SESSION, None)


main()
