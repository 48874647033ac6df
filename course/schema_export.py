"""JSON Schemas of the content models, so editors can autocomplete lesson files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from course.models import Lesson, Quiz

SCHEMAS = {"lesson.schema.json": Lesson, "quiz.schema.json": Quiz}


def schema_text(model: type[Lesson] | type[Quiz]) -> str:
    schema: dict[str, Any] = model.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return json.dumps(schema, indent=2, sort_keys=True) + "\n"


def write_schemas(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, model in SCHEMAS.items():
        path = folder / name
        path.write_text(schema_text(model), encoding="utf-8")
        written.append(path)
    return written
