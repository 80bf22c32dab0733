"""Rasa's own validation of domain, NLU, rules and stories, explained in plain words.

Runs in-process (Rasa 3.6): the importer's YAML/schema errors, the Validator's warnings and the
story-structure conflicts. Each Rasa message is placed on the line of the name it talks about.
"""

from __future__ import annotations

import logging
import re
import warnings
from collections.abc import Callable
from pathlib import Path

from editor.files import EditorFiles
from kynnys.directory import Problem

_QUOTED = re.compile(r"'([^']+)'")
_LINE = re.compile(r"[Ll]ine:?\s*(\d+)")

# (pattern in Rasa's message, plain explanation, how to fix); {0} is the first quoted name.
_EXPLAIN: list[tuple[str, str, str]] = [
    ("is not used in any story or rule",
     "'{0}' is not used in any rule or story, so the bot never acts on it",
     "use it in data/rules.yml or data/stories.yml, or remove it from domain.yml"),
    ("is listed in the domain file, but is not found in the NLU training data",
     "intent '{0}' has no examples in data/nlu/",
     "add examples for it in data/nlu/, or remove it from the intents list in domain.yml"),
    ("This intent is not listed in your domain",
     "intent '{0}' has examples but is not listed in domain.yml",
     "add '- {0}' under 'intents:' in domain.yml, or fix the intent name in data/nlu/"),
    ("is not listed in the domain file",
     "'{0}' is used in a rule or story but is not listed in domain.yml",
     "add it to domain.yml (responses: or actions:), or fix the name in the rule or story"),
    ("is not a valid utterance action",
     "the response '{0}' is used in a rule or story but domain.yml has no such response",
     "add a response '{0}' with fi, sv and en texts to domain.yml, or fix the name"),
    ("is used in the stories, but is not a valid",
     "'{0}' is used in a story but is not defined",
     "add it to domain.yml or fix the name"),
]
# The same sentence under two intents: editor.nlu_checks reports it with file and line.
_SKIP = ("was found labeled with multiple different intents",)


def _explain(message: str) -> tuple[str, str]:
    names = _QUOTED.findall(message)
    for pattern, plain, hint in _EXPLAIN:
        if pattern in message and names:
            return plain.format(*names), hint.format(*names)
    return f"Rasa: {message.strip()}", "read Rasa's message above and fix the named file"


def _locate(files: EditorFiles, message: str) -> tuple[str, int]:
    """The file and line where the first quoted name of the message is written."""
    candidates = [files.domain, files.rules, files.stories, *files.nlu_files()]
    for name in _QUOTED.findall(message):
        pattern = re.compile(rf"(^|[\s\-:\[{{,'\"]){re.escape(name)}($|[\s:\]}},'\"])")
        for path in candidates:
            if not path.is_file():
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if pattern.search(line):
                    return str(path), number
    return str(files.domain), 0


def check_with_rasa(files: EditorFiles) -> list[Problem]:
    from rasa.shared.exceptions import RasaException
    from rasa.shared.importers.importer import TrainingDataImporter
    from rasa.validator import Validator

    data_paths = [str(p) for p in (files.nlu_dir, files.rules, files.stories) if p.exists()]
    problems: list[Problem] = []
    captured: list[str] = []
    handler = _ListHandler(captured)
    rasa_loggers = [logging.getLogger(n) for n in ("rasa.validator", "rasa.core.training")]
    for lg in rasa_loggers:
        lg.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            importer = TrainingDataImporter.load_from_dict(
                _config(files), None, str(files.domain), data_paths)
            validator = Validator.from_importer(importer)
            if importer.get_domain().is_empty():
                return [Problem(str(files.domain), 1, "domain.yml is empty or could not be read",
                                "restore it from git and make your change again")]
            checks: list[Callable[[], bool]] = [
                validator.verify_domain_validity,
                validator.verify_actions_in_stories_rules,
                validator.verify_forms_in_stories_rules,
                validator.verify_form_slots,
                validator.verify_slot_mappings,
                lambda: validator.verify_intents_in_stories(False),
                lambda: validator.verify_utterances_in_stories(False),
                lambda: validator.verify_story_structure(False, max_history=None),
            ]
            for check in checks:
                check()
        messages = [str(w.message) for w in caught if _is_validation_warning(w)] + captured
    except RasaException as exc:
        return [_exception_problem(files, exc)]
    except (ValueError, KeyError, TypeError) as exc:  # Rasa raises plain errors for some domain mistakes
        return [Problem(str(files.domain), 1, f"Rasa could not read the data: {exc}",
                        "undo the last change or compare with git diff")]
    finally:
        for lg in rasa_loggers:
            lg.removeHandler(handler)
    seen: set[str] = set()
    for message in messages:
        if message in seen or any(skip in message for skip in _SKIP):
            continue
        seen.add(message)
        file, line = _locate(files, message)
        plain, hint = _explain(message)
        problems.append(Problem(file, line, plain, hint))
    return problems


def _config(files: EditorFiles) -> dict:
    """The pipeline config when the tree has one (only the importers part matters here)."""
    import yaml

    if files.config.is_file():
        loaded = yaml.safe_load(files.config.read_text(encoding="utf-8"))
        if isinstance(loaded, dict):
            return loaded
    return {}


def _is_validation_warning(w: warnings.WarningMessage) -> bool:
    text = str(w.message)
    return issubclass(w.category, UserWarning) and not any(
        noise in text for noise in (
            "mandatory keys", "assistant_id", "default value will be used", "Slot auto-fill")
    )


def _exception_problem(files: EditorFiles, exc: Exception) -> Problem:
    text = str(exc)
    filename = getattr(exc, "filename", None) or str(files.domain)
    line_match = _LINE.search(text)
    line = int(line_match.group(1)) if line_match else 1
    mark = getattr(getattr(exc, "underlying_yaml_exception", None), "problem_mark", None)
    if mark is not None:
        line = mark.line + 1
    first = text.strip().splitlines()[0] if text.strip() else type(exc).__name__
    return Problem(str(Path(filename)), line, f"Rasa cannot read this file: {first}",
                   "check the indentation and the field names around this line")


class _ListHandler(logging.Handler):
    def __init__(self, sink: list[str]) -> None:
        super().__init__(level=logging.WARNING)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING:
            self.sink.append(record.getMessage())
