"""python -m editor.check [--root DIR] [--only KIND ...] [--json]

Validates every editor-owned data file and explains each problem in plain words:
"file:line: message — how to fix". Exit status 1 when there are problems.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from editor.crisis_checks import check_lexicon
from editor.files import REPO_ROOT, EditorFiles
from editor.nlu_checks import check_nlu
from editor.problems import format_problem, relative_problems
from editor.response_checks import check_responses
from kynnys.directory import Problem, validate_directory
from kynnys.schedule import validate_schedule


def _directory(files: EditorFiles) -> list[Problem]:
    if not files.directory.is_file():
        return [Problem(str(files.directory), 0, "the service directory is missing",
                        "restore data/services/directory.yml from git")]
    return validate_directory(files.directory)


def _hours(files: EditorFiles) -> list[Problem]:
    if not files.hours.is_file():
        return [Problem(str(files.hours), 0, "the chat's opening hours file is missing",
                        "restore data/hours.yml from git")]
    return validate_schedule(files.hours)


def _rasa(files: EditorFiles) -> list[Problem]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("TQDM_DISABLE", "1")
    from editor.rasa_check import check_with_rasa

    return check_with_rasa(files)


CHECKS: dict[str, Callable[[EditorFiles], list[Problem]]] = {
    "nlu": check_nlu,
    "responses": lambda files: check_responses(files.domain),
    "services": _directory,
    "hours": _hours,
    "crisis": lambda files: check_lexicon(files.lexicon),
    "rasa": _rasa,
}


def run_checks(root: Path, only: list[str] | None = None) -> list[Problem]:
    """All problems in the editor data under root, with paths relative to root."""
    files = EditorFiles(root)
    problems: list[Problem] = []
    for name, check in CHECKS.items():
        if only and name not in only:
            continue
        problems.extend(check(files))
    return relative_problems(files, problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m editor.check", description=__doc__)
    parser.add_argument("--root", type=Path, default=REPO_ROOT, help="project folder to check")
    parser.add_argument("--only", action="append", choices=sorted(CHECKS),
                        help="run only this check (can be repeated)")
    parser.add_argument("--json", action="store_true", help="print the problems as JSON")
    args = parser.parse_args(argv)
    problems = run_checks(args.root, args.only)
    if args.json:
        print(json.dumps([p.__dict__ for p in problems], ensure_ascii=False))
    else:
        for problem in problems:
            print(format_problem(problem))
        if problems:
            print(f"\n{len(problems)} problem(s) found. Fix them and run the check again.",
                  file=sys.stderr)
        else:
            print("All editor data is OK.")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
