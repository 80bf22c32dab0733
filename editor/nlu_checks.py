"""NLU checks: the same sentence under two intents, intents with too few examples."""

from __future__ import annotations

from collections import defaultdict

from editor.files import EditorFiles
from editor.nlu_data import Example, normalize, read_examples
from kynnys.directory import Problem

LANGUAGES = ("fi", "sv", "en")
LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
MIN_EXAMPLES = 20  # per intent, all languages together
MIN_PER_LANGUAGE = 5  # per intent and language


def load_all(files: EditorFiles) -> tuple[list[Example], list[Problem]]:
    examples: list[Example] = []
    problems: list[Problem] = []
    for path in files.nlu_files():
        found, broken = read_examples(path)
        examples.extend(found)
        problems.extend(broken)
    return examples, problems


def check_duplicates(examples: list[Example]) -> list[Problem]:
    """The same sentence (ignoring case and punctuation) written under two different intents."""
    by_text: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_text[normalize(example.text)].append(example)
    problems: list[Problem] = []
    for same in by_text.values():
        intents = sorted({e.intent for e in same})
        if len(intents) < 2:
            continue
        for example in same:
            others = [o for o in same if o.intent != example.intent]
            where = ", ".join(f"'{o.intent}' ({o.file.name} line {o.line})" for o in others)
            problems.append(Problem(
                str(example.file), example.line,
                f"the example '{example.plain}' is under intent '{example.intent}' and also "
                f"under {where}",
                "the bot cannot learn two meanings for one sentence: keep it under the intent "
                "it really means and delete the other line",
            ))
    return problems


def check_counts(examples: list[Example]) -> list[Problem]:
    """Every intent needs enough examples, and enough in each language."""
    by_intent: dict[str, list[Example]] = defaultdict(list)
    for example in examples:
        by_intent[example.intent].append(example)
    problems: list[Problem] = []
    for intent, items in sorted(by_intent.items()):
        first = items[0]
        if len(items) < MIN_EXAMPLES:
            problems.append(Problem(
                str(first.file), first.line,
                f"intent '{intent}' has only {len(items)} examples",
                f"add different ways of saying it until there are at least {MIN_EXAMPLES}",
            ))
        for language in LANGUAGES:
            in_language = [e for e in items if e.language == language]
            if len(in_language) < MIN_PER_LANGUAGE:
                where = in_language[0] if in_language else first
                problems.append(Problem(
                    str(where.file), where.line,
                    f"intent '{intent}' has only {len(in_language)} "
                    f"{LANGUAGE_NAMES[language]} examples",
                    f"add at least {MIN_PER_LANGUAGE} {LANGUAGE_NAMES[language]} examples in a "
                    f"block with 'metadata: {{language: {language}}}'",
                ))
    return problems


def check_nlu(files: EditorFiles) -> list[Problem]:
    examples, problems = load_all(files)
    return problems + check_duplicates(examples) + check_counts(examples)
