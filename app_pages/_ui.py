"""Shared UI plumbing for the pages: cached content and store, learner identity, saving.

Not a page (the leading underscore keeps it out of navigation and the smoke test).
"""

from __future__ import annotations

import gc
import hashlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import streamlit as st

from course.events import Statement
from course.loader import REPO_ROOT, Course, content_fingerprint, load_course
from course.store import JournalEntry, Store, StoreError, resolve_database_url

T = TypeVar("T")


@st.cache_resource(show_spinner=False, max_entries=4)
def _course_for(root: str, version: str) -> Course:
    return load_course(Path(root))


_heap_frozen = False


def freeze_imported_heap() -> None:
    """Once per process, after the first run's imports: hide them from the garbage collector (gc.freeze).

    .streamlit/config.toml turns off Streamlit's forced collection after every run; freezing the long-lived
    heap (Streamlit, pydantic, SQLAlchemy, the parsed content) keeps Python's own occasional full
    collections cheap too. COURSE_GC_FREEZE=0 skips it, for the before-and-after in docs/performance.md.
    """
    global _heap_frozen
    if _heap_frozen or os.environ.get("COURSE_GC_FREEZE") == "0":
        return
    _heap_frozen = True
    gc.collect()  # garbage frozen now would never be collected
    gc.freeze()


def content_root() -> Path:
    """Where lessons/ and quizzes/ live; COURSE_CONTENT_ROOT points elsewhere (tests, previews)."""
    return Path(os.environ.get("COURSE_CONTENT_ROOT") or REPO_ROOT)


def _once_per_run(name: str, compute: Callable[[], T]) -> T:
    """compute() at most once per script run (the router numbers runs); pages call some helpers many times."""
    run_id = st.session_state.get("_run_id")
    memo = st.session_state.get(f"_once_{name}")
    if run_id is not None and memo is not None and memo[0] == run_id:
        return memo[1]
    value = compute()
    if run_id is not None:
        st.session_state[f"_once_{name}"] = (run_id, value)
    return value


def course() -> Course:
    """Parsed content, reloaded only when a content file's size or modification time changes."""
    root = content_root()

    def load() -> Course:
        # A short digest as the cache key: Streamlit hashes a 40-character string ~30x faster than the tuple.
        version = hashlib.sha1(repr(content_fingerprint(root)).encode(), usedforsecurity=False).hexdigest()
        return _course_for(str(root), version)

    return _once_per_run(f"course_{root}", load)


def _read_secrets() -> dict:
    try:
        return st.secrets.to_dict()
    except Exception:  # no secrets.toml at all is the normal first run
        return {}


def _secrets() -> dict:
    return _once_per_run("secrets", _read_secrets)


@st.cache_resource(show_spinner=False)
def _store_for(url: str) -> Store | str:
    try:
        return Store.open(url)
    except Exception as error:
        return f"{type(error).__name__}"


def store() -> Store | None:
    """The progress store, or None when the database cannot be reached (the course still runs)."""
    url = resolve_database_url(_secrets(), os.environ)
    result = _store_for(url)
    if isinstance(result, str):
        _store_for.clear()
        return None
    return result


def on_community_cloud_sqlite() -> bool:
    """True when hosted on Streamlit Community Cloud with the default local SQLite (which is wiped on reboot)."""
    hosted = os.environ.get("HOSTNAME", "") == "streamlit" or os.path.exists("/mount/src")
    url = resolve_database_url(_secrets(), os.environ)
    return hosted and url.startswith("sqlite")


def auth_configured() -> bool:
    return bool(_secrets().get("auth"))


# --- learner identity ---------------------------------------------------------------


@dataclass(frozen=True)
class Learner:
    id: str | None  # None until the first save
    key: str | None  # the resume key, when identity comes from the URL
    signed_in: bool = False


def learner() -> Learner:
    """Who is learning. Set by the router at the top of every run."""
    return st.session_state.get("learner", Learner(None, None))


def resolve_learner() -> None:
    """Work out the learner from sign-in or the ?learner= resume key. Called once per run by the router."""
    st.session_state.setdefault("learner", Learner(None, None))
    st.session_state.setdefault("learner_key_error", None)
    progress_store = store()
    if auth_configured() and getattr(st.user, "is_logged_in", False) and progress_store is not None:
        subject = str(st.user.get("sub") or st.user.get("email") or "")
        current = st.session_state["learner"]
        if subject and not (current.signed_in and current.id):
            try:
                st.session_state["learner"] = Learner(progress_store.learner_for_subject(subject), None, signed_in=True)
            except StoreError as error:
                st.session_state["learner_key_error"] = str(error)
        return
    key = st.query_params.get("learner")
    current = st.session_state["learner"]
    if key and key != current.key:
        found = progress_store.learner_for_key(key) if progress_store is not None else None
        if found:
            st.session_state["learner"] = Learner(found, key)
            st.session_state["learner_key_error"] = None
        else:
            st.session_state["learner"] = Learner(None, None)
            st.session_state["learner_key_error"] = (
                "That resume link was not recognised, so no progress was loaded. "
                "Check that you copied the whole link; you can also start fresh."
            )
            del st.query_params["learner"]
    elif current.key and not key:
        # Page switches drop query parameters; put the resume key back so a refresh still resumes.
        st.query_params["learner"] = current.key


def link_params(**params: str) -> dict[str, str]:
    """Query parameters for a page link, carrying the resume key so the next page still knows the learner."""
    key = learner().key
    return {**params, "learner": key} if key else dict(params)


def ensure_learner() -> Learner | None:
    """The learner, created anonymously on first save. None when saving is unavailable."""
    current = learner()
    if current.id:
        return current
    progress_store = store()
    if progress_store is None:
        _saving_unavailable()
        return None
    try:
        learner_id, key = progress_store.create_learner()
    except StoreError as error:
        st.error(str(error), icon=":material/cloud_off:")
        return None
    created = Learner(learner_id, key)
    st.session_state["learner"] = created
    st.session_state["learner_new_key"] = True
    st.query_params["learner"] = key
    return created


def save(statements: Iterable[Statement] = (), journal: Iterable[JournalEntry] = ()) -> bool:
    """Write statements and journal entries; shows a clear message and returns False on failure."""
    progress_store = store()
    if progress_store is None:
        _saving_unavailable()
        return False
    try:
        progress_store.record(statements)
        progress_store.add_journal(journal)
    except StoreError as error:
        st.error(str(error), icon=":material/cloud_off:")
        return False
    forget_statements()
    return True


def _saving_unavailable() -> None:
    st.error(
        "Saving is unavailable right now, so this answer was not stored. The course still works; try again later.",
        icon=":material/cloud_off:",
    )


def forget_statements() -> None:
    """Drop this run's copy of the learner's statements, so the next read sees what was just written."""
    for name in [name for name in st.session_state if str(name).startswith("_once_statements_")]:
        del st.session_state[name]


def my_statements() -> list[Statement]:
    """The learner's statements: checked once per script run, read again only when something new was stored."""
    current = learner()
    progress_store = store()
    if not current.id or progress_store is None:
        return []
    learner_id = current.id
    return _once_per_run(f"statements_{learner_id}", lambda: _read_statements(progress_store, learner_id))


def _read_statements(progress_store: Store, learner_id: str) -> list[Statement]:
    try:
        # Reading and parsing a whole history costs milliseconds per run and grows with it; a count and
        # the newest storage time (one indexed query) tell whether anything changed since the last run,
        # here or on another device.
        version = (learner_id, progress_store.statements_version(learner_id))
        cached = st.session_state.get("_statements_cache")
        if cached and cached[0] == version:
            return cached[1]
        found = progress_store.statements_for(learner_id)
    except StoreError as error:
        st.warning(str(error), icon=":material/cloud_off:")
        return []
    st.session_state["_statements_cache"] = (version, found)
    return found


def my_journal() -> list[JournalEntry]:
    current = learner()
    progress_store = store()
    if not current.id or progress_store is None:
        return []
    try:
        return progress_store.journal_for(current.id)
    except StoreError as error:
        st.warning(str(error), icon=":material/cloud_off:")
        return []


def show_content_problem_for_authors(course_obj: Course) -> None:
    """Authors see validation messages; learners only see that a lesson is unavailable."""
    if not course_obj.unavailable:
        return
    if author_mode():
        with st.expander(f"{len(course_obj.errors)} content problem(s)", icon=":material/error:"):
            st.code("\n".join(str(e) for e in course_obj.errors), language=None)


def author_mode() -> bool:
    if os.environ.get("COURSE_AUTHOR_MODE") == "1":
        return True
    return bool(_secrets().get("course", {}).get("author_mode", False))


def plain(text: str) -> None:
    """Show learner-typed text exactly as typed: never as HTML or markdown."""
    st.text(text)
