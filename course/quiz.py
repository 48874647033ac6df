"""Knowledge checks: drawing an attempt, grading it, and self-assessment scoring."""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from course.models import MultipleSelectItem, Option, Quiz, QuizItem, SelfAssessmentItem, TrueFalseItem


@dataclass(frozen=True)
class DrawnItem:
    """One item of an attempt, with its options in the order this attempt shows them."""

    item: QuizItem
    options: tuple[Option, ...]

    @property
    def multiple(self) -> bool:
        return isinstance(self.item, MultipleSelectItem)


@dataclass(frozen=True)
class ItemResult:
    item_id: str
    correct: bool
    chosen: frozenset[str]
    correct_ids: frozenset[str]


@dataclass(frozen=True)
class AttemptResult:
    items: tuple[ItemResult, ...]
    score: float  # 0-100
    passed: bool

    @property
    def correct_count(self) -> int:
        return sum(result.correct for result in self.items)


def draw_attempt(quiz: Quiz, seed: int, *, item_ids: Sequence[str] | None = None) -> list[DrawnItem]:
    """Draw `items_per_attempt` items and shuffle their options, deterministically for one seed.

    For a mixed review (items tagged with `strategy`), the draw spreads across strategies.
    `item_ids` restricts the draw (used by spaced review).
    """
    rng = random.Random(seed)
    pool = [item for item in quiz.items if item_ids is None or item.id in item_ids]
    count = min(quiz.items_per_attempt, len(pool)) if item_ids is None else len(pool)
    chosen = _spread_draw(pool, count, rng)
    drawn = []
    for item in chosen:
        options = list(item.options)
        if not isinstance(item, TrueFalseItem):
            rng.shuffle(options)
        drawn.append(DrawnItem(item=item, options=tuple(options)))
    return drawn


def _spread_draw(pool: list[QuizItem], count: int, rng: random.Random) -> list[QuizItem]:
    by_strategy: dict[str | None, list[QuizItem]] = {}
    for item in pool:
        by_strategy.setdefault(item.strategy, []).append(item)
    for group in by_strategy.values():
        rng.shuffle(group)
    groups = list(by_strategy.values())
    rng.shuffle(groups)
    chosen: list[QuizItem] = []
    while len(chosen) < count:
        for group in groups:
            if group and len(chosen) < count:
                chosen.append(group.pop())
    return chosen


def grade_item(item: QuizItem, chosen: frozenset[str]) -> ItemResult:
    correct_ids = frozenset(option.id for option in item.options if option.correct)
    return ItemResult(item_id=item.id, correct=chosen == correct_ids, chosen=chosen, correct_ids=correct_ids)


def grade_attempt(
    drawn: Sequence[DrawnItem], answers: Mapping[str, frozenset[str]], pass_percentage: int
) -> AttemptResult:
    """Grade an attempt. A multiple-select item counts only when exactly the right options are chosen."""
    results = tuple(grade_item(d.item, answers.get(d.item.id, frozenset())) for d in drawn)
    score = round(100 * sum(r.correct for r in results) / len(results), 1) if results else 0.0
    return AttemptResult(items=results, score=score, passed=score >= pass_percentage)


# --- Self-assessment -----------------------------------------------------------

FREQUENCY_SCALE = ("Never", "Rarely", "Sometimes", "Often", "Always")
MIN_ANSWERED_SHARE = 0.8


def self_assessment_score(items: Sequence[SelfAssessmentItem], ratings: Mapping[str, int | None]) -> float | None:
    """100 x (mean - 1) / 4 after recoding reverse items as 6 - raw.

    Returns None when fewer than 80% of the items are answered.
    """
    if not items:
        return None
    values = []
    for item in items:
        raw = ratings.get(item.id)
        if raw is None:
            continue
        if not 1 <= raw <= 5:
            raise ValueError(f"rating for {item.id!r} must be 1-5, got {raw}")
        values.append(6 - raw if item.reverse else raw)
    if len(values) < MIN_ANSWERED_SHARE * len(items):
        return None
    mean = sum(values) / len(values)
    return round(100 * (mean - 1) / 4, 1)
