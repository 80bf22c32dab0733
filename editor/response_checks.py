"""Responses in domain.yml: every response needs a text in Finnish, Swedish and English.

A variation is in a language when it has the condition
``[{type: slot, name: language, value: sv}]``; a variation without a language condition is the
Finnish default. Responses that only carry a custom payload (no text) are not checked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from editor.problems import yaml_problem
from kynnys.directory import Problem

LANGUAGES = ("fi", "sv", "en")
LANGUAGE_NAMES = {"fi": "Finnish", "sv": "Swedish", "en": "English"}
DEFAULT_LANGUAGE = "fi"


def variation_language(variation: dict[str, Any]) -> str:
    """The language a response variation is for ('fi' when it has no language condition)."""
    for condition in variation.get("condition") or []:
        if (isinstance(condition, dict) and condition.get("type") == "slot"
                and condition.get("name") == "language"):
            return str(condition.get("value"))
    language = variation.get("metadata", {}).get("language") if isinstance(
        variation.get("metadata"), dict) else None
    return str(language) if language else DEFAULT_LANGUAGE


def response_languages(variations: list[Any]) -> set[str]:
    return {variation_language(v) for v in variations
            if isinstance(v, dict) and (v.get("text") or "").strip()}


def check_responses(domain: Path) -> list[Problem]:
    name = str(domain)
    if not domain.is_file():
        return [Problem(name, 0, "domain.yml is missing", "restore it from git")]
    text = domain.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        return [yaml_problem(name, exc, "domain.yml")]
    responses = data.get("responses") if isinstance(data, dict) else None
    if not isinstance(responses, dict):
        return []
    lines = _response_lines(root)
    problems: list[Problem] = []
    for response, variations in responses.items():
        line = lines.get(str(response), 1)
        if not isinstance(variations, list) or not variations:
            problems.append(Problem(name, line, f"response '{response}' has no texts",
                                    "add '- text: ...' lines for fi, sv and en"))
            continue
        if not any(isinstance(v, dict) and (v.get("text") or "").strip() for v in variations):
            continue  # custom payload only
        have = response_languages(variations)
        for language in LANGUAGES:
            if language not in have:
                problems.append(Problem(
                    name, line, f"response '{response}' has no {LANGUAGE_NAMES[language]} text",
                    f"add a variation with 'condition: [{{type: slot, name: language, value: "
                    f"{language}}}]' and the {LANGUAGE_NAMES[language]} text",
                ))
        for variation in variations:
            if isinstance(variation, dict) and "text" in variation and not str(
                    variation.get("text") or "").strip():
                problems.append(Problem(name, line, f"response '{response}' has an empty text",
                                        "write the text or delete the empty variation"))
    return problems


def _response_lines(root: yaml.Node | None) -> dict[str, int]:
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, value in root.value:
        if getattr(key, "value", None) == "responses" and isinstance(value, yaml.MappingNode):
            return {str(k.value): k.start_mark.line + 1 for k, _ in value.value}
    return {}
