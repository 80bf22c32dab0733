"""Problems found in editor data, written for people who are not programmers."""

from __future__ import annotations

from collections.abc import Iterable

from editor.files import EditorFiles
from kynnys.directory import Problem

__all__ = ["Problem", "format_problem", "relative_problems"]


def format_problem(problem: Problem) -> str:
    """'file:line: message — how to fix' (the hint part only when there is one)."""
    text = f"{problem.file}:{problem.line}: {problem.message}"
    return f"{text} — {problem.hint}" if problem.hint else text


def relative_problems(files: EditorFiles, problems: Iterable[Problem]) -> list[Problem]:
    return [Problem(files.relative(p.file), p.line, p.message, p.hint) for p in problems]


def yaml_problem(path: str, exc: Exception, what: str = "the file") -> Problem:
    """A YAML syntax error as a problem with the line and a hint for the usual causes."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark is not None else 1
    reason = str(getattr(exc, "problem", "") or "").strip()
    text = str(exc)
    if "'@'" in text or "'`'" in text:
        hint = "a value cannot start with @ or ` — put it in quotes, e.g. '@word_list'"
    elif "mapping values are not allowed" in text:
        hint = "a text with ': ' in it must be in quotes"
    elif "found character '\\t'" in text:
        hint = "use spaces, not tabs, for indentation"
    else:
        hint = "check the indentation and quotes on this line and the line above"
    message = f"{what} is not valid YAML" + (f" ({reason})" if reason else "")
    return Problem(path, line, message, hint)
