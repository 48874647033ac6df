"""Course-at-a-glance numbers for authors and facilitators."""

from __future__ import annotations

from typing import Any

from course.loader import Course
from course.scenario import decision_depth


def course_stats(course: Course) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    for lesson in course.lessons:
        quiz = course.quiz_for(lesson.id)
        steps = [step for scenario in lesson.scenarios for step in scenario.steps]
        result[lesson.id] = {
            "title": lesson.title,
            "order": lesson.order,
            "kind": lesson.kind,
            "minutes": lesson.minutes,
            "learning_points": len(lesson.learning_points),
            "scenarios": len(lesson.scenarios),
            "steps": len(steps),
            "choices": sum(len(step.choices) for step in steps),
            "min_choices_per_step": min((len(step.choices) for step in steps), default=0),
            "best_path_steps": [decision_depth(scenario) for scenario in lesson.scenarios],
            "endings": [len(scenario.endings) for scenario in lesson.scenarios],
            "quiz_items": len(quiz.items) if quiz else 0,
            "quiz_types": sorted({item.type for item in quiz.items}) if quiz else [],
            "self_assessment_items": len(quiz.self_assessment) if quiz else 0,
            "reverse_items": sum(item.reverse for item in quiz.self_assessment) if quiz else 0,
            "reflection_prompts": len(lesson.reflection_prompts),
            "practice_actions": len(lesson.practice_actions),
        }
    return result
