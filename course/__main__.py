"""Command line: `python -m course validate|stats|schema [ROOT]`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from course.loader import REPO_ROOT, load_course
from course.schema_export import write_schemas
from course.stats import course_stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m course", description="Check and inspect course content.")
    commands = parser.add_subparsers(dest="command", required=True)
    for name, help_text in (
        ("validate", "validate every lesson and quiz file; exit 1 on any error"),
        ("stats", "print per-lesson counts as JSON"),
        ("schema", "write JSON Schemas for editors to schemas/"),
    ):
        command = commands.add_parser(name, help=help_text)
        command.add_argument("root", nargs="?", default=str(REPO_ROOT), help="folder holding lessons/ and quizzes/")
    args = parser.parse_args(argv)
    root = Path(args.root)

    if args.command == "schema":
        for path in write_schemas(root / "schemas"):
            print(f"wrote {path}")
        return 0

    if not (root / "lessons").is_dir():
        print(f"{root}: no lessons/ folder here", file=sys.stderr)
        return 1
    course = load_course(root)
    if args.command == "stats":
        print(json.dumps(course_stats(course), indent=2))
        return 1 if course.errors else 0

    errors = course.errors
    for error in errors:
        print(error)
    files = len(course.reports)
    if errors:
        print(f"{len(errors)} error(s) in {sum(not r.ok for r in course.reports)} of {files} files", file=sys.stderr)
        return 1
    items = sum(len(q.items) for q in course.quizzes.values())
    print(f"ok: {len(course.lessons)} lessons, {len(course.quizzes)} quizzes ({items} items), {files} files valid")
    return 0


if __name__ == "__main__":
    sys.exit(main())
