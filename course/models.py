"""Strict content models for lesson and quiz files (schema_version 1).

Every model forbids unknown keys and is frozen, so a typo in YAML fails loudly
with its key path instead of being silently ignored.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

SCHEMA_VERSION = 1
ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"

Id = Annotated[str, Field(pattern=ID_PATTERN, min_length=1, max_length=60)]
Text = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Versioned(Strict):
    schema_version: int

    @field_validator("schema_version")
    @classmethod
    def _known_version(cls, value: int) -> int:
        if value > SCHEMA_VERSION:
            raise ValueError(
                f"schema_version {value} is newer than this app understands ({SCHEMA_VERSION}); "
                "update the app or write the file for version 1"
            )
        if value < 1:
            raise ValueError("schema_version must be 1")
        return value


# --- Lessons -----------------------------------------------------------------


class Opening(Strict):
    """Merrill: a real problem first, then a question that activates what the learner knows."""

    situation: Text
    question: Text


class LearningPoint(Strict):
    text: ShortText
    detail: Text | None = None


class WorkedExample(Strict):
    kind: Literal["good", "poor"]
    title: ShortText
    exchange: Text
    commentary: Text


class Choice(Strict):
    id: Id
    text: Text
    effectiveness: int = Field(ge=1, le=5)
    consequence: Text
    feedback: Text
    next: Id


class Step(Strict):
    id: Id
    situation: Text
    question: ShortText = "What is the most effective thing to do?"
    choices: list[Choice] = Field(min_length=2, max_length=4)
    facilitator_notes: Text | None = None
    discussion_prompt: Text | None = None

    @model_validator(mode="after")
    def _unique_choice_ids(self) -> Step:
        _require_unique([c.id for c in self.choices], "choice id", "choices")
        return self


class Ending(Strict):
    id: Id
    title: ShortText
    text: Text
    # How the relationship stands at this ending; lets the app label endings and checks prove each
    # scenario has different endings and a recoverable mistake path.
    outcome: Literal["good", "mixed", "poor"] | None = None
    facilitator_notes: Text | None = None


class Scenario(Strict):
    id: Id
    title: ShortText
    setting: Text
    start: Id
    steps: list[Step] = Field(min_length=1)
    endings: list[Ending] = Field(min_length=1)

    # Graph soundness (every `next` resolves, no unreachable steps, no dead ends)
    # is checked by course.scenario.graph_problems, so each problem can name its
    # own key path and line.


class PracticeAction(Strict):
    id: Id
    text: ShortText


class PlanPrompt(Strict):
    prompt: Text
    cue_example: ShortText
    action_example: ShortText


class OpenQuestion(Strict):
    """A short free-text question a facilitator can put to a live room."""

    id: Id
    prompt: ShortText


class Lesson(Versioned):
    id: Id
    title: ShortText
    order: int = Field(ge=0, le=999)
    kind: Literal["introduction", "strategy", "conclusion"] = "strategy"
    summary: Text
    minutes: int = Field(ge=1, le=120)
    opening: Opening | None = None
    body: Text | None = None
    learning_points: list[LearningPoint] = Field(min_length=3, max_length=5)
    worked_examples: list[WorkedExample] = Field(default_factory=list)
    scenarios: list[Scenario] = Field(default_factory=list)
    reflection_prompts: list[Text] = Field(min_length=1, max_length=5)
    plan_prompt: PlanPrompt
    practice_actions: list[PracticeAction] = Field(min_length=1, max_length=5)
    related: list[Id] = Field(default_factory=list)
    facilitator_notes: Text | None = None
    open_questions: list[OpenQuestion] = Field(default_factory=list, max_length=5)

    @model_validator(mode="after")
    def _lesson_rules(self) -> Lesson:
        _require_unique([s.id for s in self.scenarios], "scenario id", "scenarios")
        _require_unique([a.id for a in self.practice_actions], "practice action id", "practice_actions")
        _require_unique([q.id for q in self.open_questions], "open question id", "open_questions")
        if self.kind == "strategy":
            kinds = {example.kind for example in self.worked_examples}
            if kinds != {"good", "poor"}:
                raise ValueError(f"{at('worked_examples')}a strategy lesson needs one good and one poor worked example")
            if not self.scenarios:
                raise ValueError(f"{at('scenarios')}a strategy lesson needs at least one scenario")
        return self


# --- Quizzes -----------------------------------------------------------------


class Option(Strict):
    id: Id
    text: Text
    correct: bool = False
    feedback: Text


class _ItemBase(Strict):
    id: Id
    prompt: Text
    strategy: Id | None = None  # for mixed reviews: which lesson the item draws on


class SingleChoiceItem(_ItemBase):
    type: Literal["single_choice"]
    options: list[Option] = Field(min_length=2, max_length=5)

    @model_validator(mode="after")
    def _one_key(self) -> SingleChoiceItem:
        _require_unique([o.id for o in self.options], "option id", "options")
        keys = sum(o.correct for o in self.options)
        if keys != 1:
            raise ValueError(f"{at('options')}a single_choice item needs exactly one correct option, found {keys}")
        return self


class MultipleSelectItem(_ItemBase):
    type: Literal["multiple_select"]
    options: list[Option] = Field(min_length=3, max_length=6)

    @model_validator(mode="after")
    def _some_keys(self) -> MultipleSelectItem:
        _require_unique([o.id for o in self.options], "option id", "options")
        if not any(o.correct for o in self.options):
            raise ValueError(f"{at('options')}a multiple_select item needs at least one correct option")
        return self


class TrueFalseItem(_ItemBase):
    type: Literal["true_false"]
    answer: bool
    feedback_true: Text
    feedback_false: Text

    @property
    def options(self) -> list[Option]:
        """True/false presented as two options, each with its own feedback."""
        return [
            Option(id="true", text="True", correct=self.answer, feedback=self.feedback_true),
            Option(id="false", text="False", correct=not self.answer, feedback=self.feedback_false),
        ]


QuizItem = Annotated[
    SingleChoiceItem | MultipleSelectItem | TrueFalseItem,
    Field(discriminator="type"),
]


class SelfAssessmentItem(Strict):
    id: Id
    statement: Text
    reverse: bool = False


class Quiz(Versioned):
    lesson: Id
    pass_percentage: int = Field(default=80, ge=1, le=100)
    items_per_attempt: int = Field(ge=1, le=50)
    items: list[QuizItem] = Field(min_length=1)
    self_assessment: list[SelfAssessmentItem] = Field(default_factory=list)

    @model_validator(mode="after")
    def _quiz_rules(self) -> Quiz:
        _require_unique([i.id for i in self.items], "item id", "items")
        _require_unique([i.id for i in self.self_assessment], "self-assessment id", "self_assessment")
        if self.items_per_attempt > len(self.items):
            raise ValueError(
                f"{at('items_per_attempt')}{self.items_per_attempt} is more than the bank holds ({len(self.items)})"
            )
        reversed_indexes = [index for index, item in enumerate(self.self_assessment) if item.reverse]
        if len(reversed_indexes) > 1:
            raise ValueError(
                f"{at('self_assessment', reversed_indexes[1], 'reverse')}at most one self-assessment item "
                f"may be reverse: true, found {len(reversed_indexes)}"
            )
        for index, item in enumerate(self.self_assessment):
            if item.reverse and re.search(r"\bnot\b|n't\b", item.statement, re.IGNORECASE):
                raise ValueError(
                    f"{at('self_assessment', index, 'statement')}a reverse item must use an opposite word, "
                    "not 'not' (about 1 in 5 people misread negated items)"
                )
        return self


def _require_unique(ids: list[str], what: str, field: str) -> None:
    seen: set[str] = set()
    for index, value in enumerate(ids):
        if value in seen:
            raise ValueError(f"{at(field, index, 'id')}duplicate {what} {value!r}")
        seen.add(value)


def at(*loc: str | int) -> str:
    """Prefix for a validator message that belongs to a field below the model (see loader._from_pydantic)."""
    return "@" + ".".join(str(part) for part in loc) + ": "
