"""The crisis lexicon: it loads, and every entry matches its own examples and none of its
not_examples (and nothing in the file's `not_crisis` list fires at all); the context cues
pass their own examples too."""

from __future__ import annotations

from pathlib import Path

import yaml

from editor.problems import yaml_problem
from kynnys.crisis.guard import CrisisGuard
from kynnys.crisis.lexicon import LexiconError, parse_lexicon
from kynnys.directory import Problem


def check_lexicon(path: Path) -> list[Problem]:
    name = str(path)
    if not path.is_file():
        return [Problem(name, 0, "the crisis lexicon file is missing",
                        "restore data/crisis/lexicon.yml from git: the crisis guard needs it")]
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        document = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [yaml_problem(name, exc, "the crisis lexicon")]
    try:
        lexicon = parse_lexicon(document)
    except LexiconError as exc:
        return [Problem(name, _line_of_entry_in_message(str(exc), text), f"crisis lexicon: {exc}",
                        "fix the entry as the message says; see the comments at the top of the file")]
    guard = CrisisGuard(lexicon)
    lines = _example_lines(root)
    problems: list[Problem] = []
    for entry in lexicon.entries:
        entry_lines = lines.get(entry.id, {})
        for example in entry.examples:
            if not guard.matches(entry.id, example):
                problems.append(Problem(
                    name, entry_lines.get(("examples", example), entry_lines.get(("id", ""), 1)),
                    f"crisis entry '{entry.id}' does not match its own example '{example}'",
                    "widen the word lists (a stem with * matches all its endings) or the window, "
                    "or fix the example; test with: python -m editor.check",
                ))
        for example in entry.not_examples:
            if guard.matches(entry.id, example):
                problems.append(Problem(
                    name,
                    entry_lines.get(("not_examples", example), entry_lines.get(("id", ""), 1)),
                    f"crisis entry '{entry.id}' matches '{example}', listed as not_examples",
                    "add an 'unless' word or a '!word' exclusion, or move the sentence to examples "
                    "if it really can mean danger (a false alarm is better than a missed crisis)",
                ))
    not_crisis_lines = _not_crisis_lines(root)
    for sentence in lexicon.not_crisis:
        hit = guard.check(sentence)
        if hit is not None:
            problems.append(Problem(
                name, not_crisis_lines.get(sentence, 1),
                f"'{sentence}' is under not_crisis but entry '{hit.rule_id}' fires on it",
                f"narrow entry '{hit.rule_id}' or remove the sentence from not_crisis",
            ))
    for problem in guard.self_test():
        if problem.startswith("context "):  # entries and not_crisis are reported above, with lines
            problems.append(Problem(
                name, _line_of_entry_in_message(problem, text), f"crisis lexicon {problem}",
                "fix the cue's word lists or its examples; see 'context:' at the top of the file",
            ))
    return problems


def _line_of_entry_in_message(message: str, text: str) -> int:
    """LexiconError names 'entry <id>'; find that id's line in the file."""
    if message.startswith("entry "):
        entry_id = message[len("entry "):].split(":", 1)[0].strip()
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip().lstrip("- ").strip()
            if stripped.startswith("id:") and stripped[3:].strip().strip("'\"") == entry_id:
                return number
    return 1


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if getattr(k, "value", None) == key:
            return v
    return None


def _example_lines(root: yaml.Node | None) -> dict[str, dict[tuple[str, str], int]]:
    """entry id -> {("examples"|"not_examples", sentence) | ("id", ""): line}."""
    result: dict[str, dict[tuple[str, str], int]] = {}
    entries = _child(root, "entries")
    if not isinstance(entries, yaml.SequenceNode):
        return result
    for item in entries.value:
        id_node = _child(item, "id")
        if not isinstance(id_node, yaml.ScalarNode):
            continue
        lines: dict[tuple[str, str], int] = {("id", ""): id_node.start_mark.line + 1}
        for key in ("examples", "not_examples"):
            seq = _child(item, key)
            if isinstance(seq, yaml.SequenceNode):
                for sentence in seq.value:
                    if isinstance(sentence, yaml.ScalarNode):
                        lines[(key, str(sentence.value))] = sentence.start_mark.line + 1
        result[str(id_node.value)] = lines
    return result


def _not_crisis_lines(root: yaml.Node | None) -> dict[str, int]:
    seq = _child(root, "not_crisis")
    if not isinstance(seq, yaml.SequenceNode):
        return {}
    return {str(n.value): n.start_mark.line + 1 for n in seq.value if isinstance(n, yaml.ScalarNode)}
