"""Learning events in the shape of xAPI 1.0.3 statements.

The statements table is append-only and is the source of truth: every status,
score and history a page shows is derived from it by pure functions.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

Verb = Literal["experienced", "answered", "completed", "passed", "failed", "rated"]
ObjectType = Literal[
    "lesson",
    "scenario",
    "scenario-step",
    "quiz",
    "quiz-item",
    "self-assessment",
    "self-assessment-item",
    "review-item",
    "practice",
    "plan-checkin",
]
VERBS: tuple[str, ...] = ("experienced", "answered", "completed", "passed", "failed", "rated")
OBJECT_TYPES: tuple[str, ...] = ObjectType.__args__  # type: ignore[attr-defined]

XAPI_VERB_IRIS = {
    "experienced": "http://adlnet.gov/expapi/verbs/experienced",
    "answered": "http://adlnet.gov/expapi/verbs/answered",
    "completed": "http://adlnet.gov/expapi/verbs/completed",
    "passed": "http://adlnet.gov/expapi/verbs/passed",
    "failed": "http://adlnet.gov/expapi/verbs/failed",
    "rated": "http://id.tincanapi.com/verb/rated",
}
OBJECT_IRI_PREFIX = "urn:prof-relationships:"
ACTOR_HOMEPAGE = "urn:prof-relationships:learners"


def utcnow() -> datetime:
    return datetime.now(UTC)


def as_utc(value: datetime) -> datetime:
    """A stored time in UTC. SQLite hands back naive datetimes, and every time this app stores is UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


@dataclass(frozen=True)
class Statement:
    """One learning event. `object_id` is a path such as `active-listening/scenario/x/step/y`."""

    actor: str
    verb: str
    object_type: str
    object_id: str
    lesson_id: str
    timestamp: datetime = field(default_factory=utcnow)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))
    score: float | None = None  # 0-100
    success: bool | None = None
    response: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verb not in VERBS:
            raise ValueError(f"unknown verb {self.verb!r}")
        if self.object_type not in OBJECT_TYPES:
            raise ValueError(f"unknown object type {self.object_type!r}")
        if self.timestamp.tzinfo is None:
            raise ValueError("timestamp must be timezone-aware")


def to_xapi(statement: Statement) -> dict[str, Any]:
    """Render a statement as an xAPI 1.0.3 statement object."""
    result: dict[str, Any] = {}
    if statement.score is not None:
        result["score"] = {"scaled": round(statement.score / 100, 4), "raw": statement.score, "min": 0, "max": 100}
    if statement.success is not None:
        result["success"] = statement.success
    if statement.response is not None:
        result["response"] = statement.response
    xapi: dict[str, Any] = {
        "id": statement.id,
        "actor": {"objectType": "Agent", "account": {"homePage": ACTOR_HOMEPAGE, "name": statement.actor}},
        "verb": {"id": XAPI_VERB_IRIS[statement.verb], "display": {"en-US": statement.verb}},
        "object": {
            "objectType": "Activity",
            "id": OBJECT_IRI_PREFIX + statement.object_id,
            "definition": {"type": OBJECT_IRI_PREFIX + "type:" + statement.object_type},
        },
        "timestamp": statement.timestamp.isoformat(),
        "context": {
            "extensions": {
                OBJECT_IRI_PREFIX + "lesson": statement.lesson_id,
                OBJECT_IRI_PREFIX + "extra": statement.extra,
            }
        },
    }
    if result:
        xapi["result"] = result
    return xapi


def from_xapi(data: dict[str, Any], actor: str) -> Statement:
    """Parse one exported xAPI statement back; raises ValueError/KeyError/TypeError on bad shape."""
    verb = data["verb"]["display"]["en-US"]
    object_iri = data["object"]["id"]
    type_iri = data["object"]["definition"]["type"]
    if not object_iri.startswith(OBJECT_IRI_PREFIX) or not type_iri.startswith(OBJECT_IRI_PREFIX + "type:"):
        raise ValueError(f"object {object_iri!r} is not from this course")
    extensions = data.get("context", {}).get("extensions", {})
    lesson_id = extensions[OBJECT_IRI_PREFIX + "lesson"]
    extra = extensions.get(OBJECT_IRI_PREFIX + "extra", {})
    result = data.get("result", {})
    score = result.get("score", {}).get("raw")
    if not isinstance(lesson_id, str) or not isinstance(extra, dict):
        raise TypeError("lesson must be text and extra a mapping")
    if score is not None and not isinstance(score, (int, float)):
        raise TypeError("score must be a number")
    success = result.get("success")
    if success is not None and not isinstance(success, bool):
        raise TypeError("success must be true or false")
    response = result.get("response")
    if response is not None and not isinstance(response, str):
        raise TypeError("response must be text")
    statement_id = str(uuid.UUID(str(data["id"])))
    timestamp = datetime.fromisoformat(data["timestamp"])
    return Statement(
        id=statement_id,
        actor=actor,
        verb=verb,
        object_type=type_iri.removeprefix(OBJECT_IRI_PREFIX + "type:"),
        object_id=object_iri.removeprefix(OBJECT_IRI_PREFIX),
        lesson_id=lesson_id,
        timestamp=timestamp,
        score=float(score) if score is not None else None,
        success=success,
        response=response,
        extra=extra,
    )
