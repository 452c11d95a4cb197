"""The command line: ``serve`` the service, ``report`` on what it stored.

(The load test that measures a running service is measuring code, not the
service: ``python -m bench loadtest``, in ``bench/loadtest.py``.)

Every ``serve`` option is a field of :class:`~.settings.Settings`, so the flags,
their help and their environment variables cannot drift apart.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Mapping, Sequence

from .settings import (ENV_PREFIX, RENAMED, Settings, SettingsError, database_path, field_type, option_docs,
                       split_list)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m helpcentre_feedback",
        description="The help centre's \"Did this answer your question?\" service.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser(
        "serve", help="receive answers and comments over HTTP",
        description=f"Serve the feedback endpoints. Every option can also be set with the environment "
                    f"variable {ENV_PREFIX}<OPTION> (e.g. {ENV_PREFIX}DB); a flag wins over the variable.",
    )
    docs = option_docs()
    defaults = Settings()
    for name in Settings.__dataclass_fields__:
        kind = field_type(name)
        flag = "--" + name.replace("_", "-")
        default = getattr(defaults, name)
        shown = (", ".join(default) or "none") if kind is tuple else default
        help_text = f"{docs.get(name, '')} Default: {shown}. Env: {ENV_PREFIX}{name.upper()}."
        if kind is bool:
            serve.add_argument(flag, dest=name, action=argparse.BooleanOptionalAction, default=None, help=help_text)
        elif kind is tuple:  # repeatable: --trusted-proxy 10.0.0.5 --trusted-proxy 192.168.0.0/24
            serve.add_argument(flag, dest=name, action="append", default=None, metavar=name.upper(),
                               help=help_text)
        else:
            serve.add_argument(flag, dest=name, type=kind, default=None, metavar=name.upper(), help=help_text)

    report = commands.add_parser(
        "report", help="print and write the per-article report",
        description="Counts of each answer per article and language, the share of yes and the newest comments: "
                    "printed as a table, written as CSV and as a static HTML page.",
    )
    report.add_argument("--db", default=None,
                        help=f"database URL (default: {ENV_PREFIX}DB or {defaults.db})")
    report.add_argument("--csv", type=Path, default=Path("var/feedback-report.csv"), help="CSV file to write (default: %(default)s)")
    report.add_argument("--html", type=Path, default=Path("var/feedback-report.html"), help="HTML file to write (default: %(default)s)")
    report.add_argument("--comments", type=int, default=5, help="newest comments shown per article and language (default: %(default)s)")

    for old_name in RENAMED:  # refused by settings_from_args with a message naming the replacement
        serve.add_argument("--" + old_name.replace("_", "-"), dest=old_name, default=None, help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return _serve(args)
        return _report(args)
    except SettingsError as error:
        print(f"feedback: {error}", file=sys.stderr)
        return 2


def _serve(args: argparse.Namespace) -> int:
    from .manifest import ManifestError, load
    from .server import serve

    settings = settings_from_args(args)
    if settings.manifest.exists():
        try:
            load(settings.manifest)  # a broken manifest is an operator's mistake: say so now, not per request
        except ManifestError as error:
            print(f"feedback: {error}", file=sys.stderr)
            return 2
    return serve(settings)


def settings_from_args(args: argparse.Namespace, environ: Mapping[str, str] | None = None) -> Settings:
    """The settings ``serve`` runs with: defaults, then variables, then its flags."""
    for old_name, new_name in RENAMED.items():
        if getattr(args, old_name, None) is not None:
            raise SettingsError(f"--{old_name.replace('_', '-')} was replaced by --{new_name.replace('_', '-')} "
                                f"(repeatable), which trusts no proxy unless told; see the feedback README")
    overrides = {name: getattr(args, name) for name in Settings.__dataclass_fields__}
    for name, value in overrides.items():
        if isinstance(value, list):  # an appended flag; each may also hold a comma-separated list
            overrides[name] = tuple(item for text in value for item in split_list(text))
    return Settings.load(environ, overrides)


def _db_path(url: str | None) -> Path:
    return database_path(url or os.environ.get(ENV_PREFIX + "DB") or Settings().db)


def _report(args: argparse.Namespace) -> int:
    from .report import ReportError, collect, write_csv, write_html, write_text

    try:
        report = collect(_db_path(args.db), newest=args.comments)
    except ReportError as error:
        print(f"feedback: {error}", file=sys.stderr)
        return 1
    write_text(report, sys.stdout)
    write_csv(report, args.csv)
    write_html(report, args.html)
    print(f"\nWrote {args.csv} and {args.html}.")
    return 0
