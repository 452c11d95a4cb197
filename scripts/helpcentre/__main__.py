"""Command line: ``python -m helpcentre validate|generate|schema``.

Exit codes: 0 all good, 1 problems in the content, 2 wrong usage. Problems
print as ``path:line:col: message``; no traceback reaches an editor.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import format as fmt
from .write import NotOurFolder
from .pipeline import Project, check, generate

SCHEMAS = {
    "checklist.schema.json": (fmt.CHECKLIST, "A help-centre checklist (checklists/*.yml)"),
    "shared.schema.json": (fmt.SHARED, "Shared definitions of the help centre (checklists/_shared.yml)"),
}


def _print_problems(result) -> int:
    for problem in result.problems.sorted():
        print(problem, file=sys.stderr)
    errors = len(result.problems.errors)
    if errors:
        print(f"{errors} problem{'s' if errors != 1 else ''} found; nothing was built.", file=sys.stderr)
        return 1
    return 0


def schema_texts() -> dict[str, str]:
    return {name: json.dumps(fmt.json_schema(spec, title), indent=2, ensure_ascii=False) + "\n"
            for name, (spec, title) in SCHEMAS.items()}


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except OSError as error:  # a missing folder or unreadable template: say which, no traceback
        print(f"error: {error.strerror or error}: {error.filename or ''}", file=sys.stderr)
        return 2


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="helpcentre", description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="the project folder (default: here)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate", help="check every file in checklists/")
    sub.add_parser("generate", help="validate, then write the pages into docs/help/")
    schema = sub.add_parser("schema", help="write schema/*.schema.json from the format")
    schema.add_argument("--check", action="store_true", help="fail if the files are not up to date")
    args = parser.parse_args(argv)
    project = Project(args.root.resolve())

    if args.command == "schema":
        stale = []
        for name, text in schema_texts().items():
            path = project.root / "schema" / name
            if path.exists() and path.read_text(encoding="utf-8") == text:
                continue
            if args.check:
                stale.append(name)
            else:
                path.parent.mkdir(exist_ok=True)
                path.write_text(text, encoding="utf-8")
                print(f"wrote schema/{name}")
        for name in stale:
            print(f"schema/{name} is out of date; run `make schema`", file=sys.stderr)
        return 1 if stale else 0

    if args.command == "validate":
        result = check(project)
        status = _print_problems(result)
        if status == 0:
            count = len(result.site.checklists)
            print(f"{count} checklist{'s' if count != 1 else ''} checked: no problems.")
        return status

    try:
        result = generate(project)
    except NotOurFolder as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    status = _print_problems(result)
    if status == 0:
        report = result.report
        print(f"{len(report.written)} pages written, {len(report.unchanged)} unchanged, {len(report.removed)} removed.")
    return status


if __name__ == "__main__":
    sys.exit(main())
