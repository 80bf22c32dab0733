"""Edits of editor data that keep comments, order and quoting (ruamel.yaml round trip for
domain.yml and the directory, a line insert for NLU examples)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

from editor.nlu_data import read_examples
from editor.response_checks import LANGUAGES, variation_language

MAX_EXAMPLE_CHARS = 300
MAX_TEXT_CHARS = 2000
SERVICE_TEXT_FIELDS = ("phone", "url", "chat_url", "source", "checked")
SERVICE_LIST_FIELDS = ("topics", "regions", "languages")


class EditError(ValueError):
    """An edit that cannot be made; the message is for the editor."""


def _yaml(sequence: int, offset: int) -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=sequence, offset=offset)
    return y


DOMAIN_YAML = (2, 0)  # domain.yml: "- item" at the key's indentation
DIRECTORY_YAML = (4, 2)  # directory.yml: "  - id: ..." under services:


def _dump(y: YAML, data: Any) -> str:
    buffer = io.StringIO()
    y.dump(data, buffer)
    return buffer.getvalue()


# --- NLU examples ---------------------------------------------------------------------------

_FORBIDDEN = re.compile(r"[\[\]{}\n\r\t]")


def clean_example(text: str) -> str:
    cleaned = " ".join(text.split())
    if not cleaned:
        raise EditError("Kirjoita lause. (The sentence is empty.)")
    if len(cleaned) > MAX_EXAMPLE_CHARS:
        raise EditError(f"Lause on liian pitkä (yli {MAX_EXAMPLE_CHARS} merkkiä).")
    if _FORBIDDEN.search(cleaned) or cleaned.startswith(("/", "-", "#")):
        raise EditError("Lauseessa ei voi olla merkkejä [ ] { } eikä se voi alkaa merkeillä / - #.")
    return cleaned


def annotate(text: str, entities: list[dict[str, Any]]) -> str:
    """Write entity annotations ([nokialta]{"entity": "municipality", "value": "Nokia"})."""
    result = text
    for entity in sorted(entities, key=lambda e: int(e.get("start", 0)), reverse=True):
        start, end = int(entity.get("start", -1)), int(entity.get("end", -1))
        name, value = str(entity.get("entity", "")), str(entity.get("value", ""))
        if not (0 <= start < end <= len(text)) or not re.fullmatch(r"[a-z_]+", name):
            continue
        if '"' in value or "\\" in value:
            continue
        surface = result[start:end]
        result = (result[:start] + f'[{surface}]{{"entity": "{name}", "value": "{value}"}}'
                  + result[end:])
    return result


def add_example(nlu_files: list[Path], intent: str, language: str, line_text: str) -> Path:
    """Insert '- line_text' after the last example of the intent's block in that language
    (or the intent's first block). Returns the file changed."""
    target = _last_example(nlu_files, intent, language) or _last_example(nlu_files, intent, None)
    if target is None:
        raise EditError(f"Aihetta '{intent}' ei löydy NLU-tiedostoista.")
    path, after_line = target
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    anchor = lines[after_line - 1]
    indent = anchor[: len(anchor) - len(anchor.lstrip())]
    lines.insert(after_line, f"{indent}- {line_text}\n")
    path.write_text("".join(lines), encoding="utf-8")
    return path


def _last_example(nlu_files: list[Path], intent: str, language: str | None) -> tuple[Path, int] | None:
    for path in nlu_files:
        examples, _ = read_examples(path)
        lines = [e.line for e in examples
                 if e.intent == intent and (language is None or e.language == language)]
        if lines:
            return path, max(lines)
    return None


# --- responses ------------------------------------------------------------------------------

def list_responses(domain: Path) -> list[dict[str, Any]]:
    data = _yaml(*DOMAIN_YAML).load(domain.read_text(encoding="utf-8"))
    result = []
    for name, variations in (data.get("responses") or {}).items():
        items = []
        for index, variation in enumerate(variations or []):
            if isinstance(variation, dict) and "text" in variation:
                items.append({"index": index, "language": variation_language(variation),
                              "text": str(variation.get("text") or "")})
        result.append({"name": str(name), "variations": items})
    return result


def set_response(domain: Path, name: str, language: str, text: str, index: int | None) -> str:
    """Change (or add) the text of a response in one language; returns the new file text."""
    if language not in LANGUAGES:
        raise EditError("Kieli on fi, sv tai en.")
    text = text.strip()
    if not text:
        raise EditError("Vastauksen teksti ei voi olla tyhjä.")
    if len(text) > MAX_TEXT_CHARS:
        raise EditError(f"Vastaus on liian pitkä (yli {MAX_TEXT_CHARS} merkkiä).")
    y = _yaml(*DOMAIN_YAML)
    data = y.load(domain.read_text(encoding="utf-8"))
    responses = data.get("responses") or {}
    if name not in responses:
        raise EditError(f"Vastausta '{name}' ei ole.")
    variations: CommentedSeq = responses[name]
    chosen = None
    if index is not None:
        if not (0 <= index < len(variations)) or variation_language(variations[index]) != language:
            raise EditError("Tätä vastauksen versiota ei ole (sivu on ehkä vanhentunut: lataa se uudelleen).")
        chosen = variations[index]
    else:
        chosen = next((v for v in variations if isinstance(v, dict) and "text" in v
                       and variation_language(v) == language), None)
    if chosen is None:
        chosen = CommentedMap()
        if language != "fi":
            condition = (data.get("x-conditions") or {}).get(language)
            chosen["condition"] = condition if condition is not None else [
                {"type": "slot", "name": "language", "value": language}]
        chosen["text"] = DoubleQuotedScalarString(text)
        variations.insert(_insert_position(variations, language), chosen)
    else:
        chosen["text"] = DoubleQuotedScalarString(text)
    return _dump(y, data)


def _insert_position(variations: CommentedSeq, language: str) -> int:
    """sv and en variations go before the Finnish default, which stays last."""
    if language == "fi":
        return len(variations)
    for position, variation in enumerate(variations):
        if isinstance(variation, dict) and variation_language(variation) == "fi":
            return position
    return len(variations)


# --- service directory ----------------------------------------------------------------------

def list_services(directory: Path) -> list[dict[str, Any]]:
    data = _yaml(*DIRECTORY_YAML).load(directory.read_text(encoding="utf-8"))
    result = []
    for entry in data.get("services") or []:
        item: dict[str, Any] = {"id": str(entry.get("id", ""))}
        for key in ("name", "description"):
            value = entry.get(key) or {}
            item[key] = {lang: str(value.get(lang, "") or "") for lang in LANGUAGES}
        for key in SERVICE_TEXT_FIELDS:
            value = entry.get(key)
            item[key] = "" if value is None else str(value)
        for key in SERVICE_LIST_FIELDS:
            item[key] = [str(v) for v in entry.get(key) or []]
        item["always_open"] = bool((entry.get("hours") or {}).get("always_open", False))
        result.append(item)
    return result


def set_service(directory: Path, service_id: str, fields: dict[str, Any]) -> str:
    """Update a service (or add it when the id is new); returns the new file text."""
    y = _yaml(*DIRECTORY_YAML)
    data = y.load(directory.read_text(encoding="utf-8"))
    services: CommentedSeq = data["services"]
    entry = next((s for s in services if str(s.get("id")) == service_id), None)
    if entry is None:
        entry = CommentedMap()
        entry["id"] = service_id
        services.append(entry)
    for key in ("name", "description"):
        if key in fields:
            texts = fields[key]
            if not isinstance(texts, dict):
                raise EditError(f"'{key}' needs texts for fi, sv and en.")
            current = entry.get(key)
            if not isinstance(current, dict):
                current = CommentedMap()
                entry[key] = current
            for lang in LANGUAGES:
                if lang in texts:
                    current[lang] = " ".join(str(texts[lang]).split())
    for key in SERVICE_LIST_FIELDS:
        if key in fields:
            values = fields[key]
            if isinstance(values, str):
                values = [v.strip() for v in values.split(",")]
            cleaned = [str(v).strip() for v in values if str(v).strip()]
            seq = CommentedSeq(cleaned)
            seq.fa.set_flow_style()
            entry[key] = seq
    for key in SERVICE_TEXT_FIELDS:
        if key not in fields:
            continue
        value = str(fields[key] or "").strip()
        if not value:
            entry.pop(key, None)
        elif key == "phone":
            entry[key] = DoubleQuotedScalarString(value)
        elif key == "checked":
            entry[key] = _date_or_text(value)
        else:
            entry[key] = value
    if "always_open" in fields:
        if fields["always_open"]:
            hours = CommentedMap(always_open=True)
            hours.fa.set_flow_style()
            entry["hours"] = hours
        else:
            entry.pop("hours", None)
    return _dump(y, data)


def _date_or_text(value: str) -> Any:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return value
