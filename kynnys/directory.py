"""The service directory: real services young people can be guided to.

Data lives in ``data/services/directory.yml``; editors change it without code.
``validate_directory`` checks the file against the schema below and reports
problems with the line they are on, so a broken edit never reaches a young person.

Schema of one entry (see the file header for the editor's version)::

    id: emergency_112            # unique, snake_case
    name: {fi: ..., sv: ..., en: ...}
    description: {fi: ..., sv: ..., en: ...}
    topics: [crisis]             # intents from CONTRACT.md
    regions: [national]          # "national" or wellbeing services county names
    phone: "112"                 # optional; digits, spaces and + only
    url: https://112.fi/         # optional; https
    chat_url: https://...        # optional; https
    hours: {always_open: true}   # optional; omit when not verified
    languages: [fi, sv, en]
    source: https://112.fi/      # required
    checked: 2026-11-01          # required
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "services" / "directory.yml"

LANGUAGES = ("fi", "sv", "en")
NATIONAL = "national"
TOPICS = (
    "crisis",
    "feeling_bad",
    "relationships",
    "share_news",
    "bullying_violence",
    "school_work",
    "substances",
    "sexuality_identity",
)
REQUIRED_IDS = ("emergency_112", "crisis_line_24_7")

_ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_PHONE_RE = re.compile(r"^\+?[0-9][0-9 ]*[0-9]$")
_KNOWN_KEYS = {
    "id",
    "name",
    "description",
    "topics",
    "regions",
    "phone",
    "url",
    "chat_url",
    "hours",
    "languages",
    "source",
    "checked",
}
_ALWAYS_OPEN = {"fi": "avoinna aina (24/7)", "sv": "öppet dygnet runt (24/7)", "en": "open 24/7"}


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps an impossible date (2026-02-30) as text, so it is reported, not fatal."""


def _timestamp(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> Any:
    try:
        return loader.construct_yaml_timestamp(node)
    except ValueError:
        return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp)


def load_yaml(text: str) -> Any:
    return yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader subclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an editor-owned data file."""

    file: str
    line: int
    message: str
    hint: str = ""

    def __str__(self) -> str:
        text = f"{self.file}:{self.line}: {self.message}"
        return f"{text} ({self.hint})" if self.hint else text


@dataclass(frozen=True)
class Service:
    id: str
    name: dict[str, str]
    description: dict[str, str]
    topics: tuple[str, ...]
    regions: tuple[str, ...]
    languages: tuple[str, ...]
    source: str
    checked: dt.date
    phone: str | None = None
    url: str | None = None
    chat_url: str | None = None
    always_open: bool = False

    @property
    def is_national(self) -> bool:
        return NATIONAL in self.regions

    @property
    def link(self) -> str | None:
        """The address a young person should open: the chat if there is one, else the site."""
        return self.chat_url or self.url

    def localized(self, language: str) -> dict[str, str]:
        """Title, text, url, phone (and hours when verified) in the language; Finnish fallback."""
        lang = language if language in LANGUAGES else "fi"
        result = {
            "title": self.name.get(lang) or self.name["fi"],
            "text": self.description.get(lang) or self.description["fi"],
            "url": self.link or "",
            "phone": self.phone or "",
        }
        if self.always_open:
            result["hours"] = _ALWAYS_OPEN[lang]
        return result

    def one_line(self, language: str) -> str:
        """A plain-text line with the phone and the address written out (works in any client)."""
        loc = self.localized(language)
        parts = [loc["title"]]
        if loc["phone"]:
            parts.append(loc["phone"])
        if loc.get("hours"):
            parts.append(loc["hours"])
        line = ", ".join(parts)
        if loc["url"]:
            line += f": {loc['url']}"
        return line


@dataclass
class Directory:
    services: list[Service] = field(default_factory=list)

    def get(self, service_id: str) -> Service:
        for service in self.services:
            if service.id == service_id:
                return service
        raise KeyError(service_id)

    def for_topic(self, topic: str, county: str | None = None) -> list[Service]:
        """National services for the topic, then the ones of that wellbeing services county."""
        national = [s for s in self.services if topic in s.topics and s.is_national]
        regional: list[Service] = []
        if county:
            wanted = county.casefold()
            regional = [
                s
                for s in self.services
                if topic in s.topics and any(r.casefold() == wanted for r in s.regions)
            ]
        return national + regional

    def regions(self) -> set[str]:
        return {r for s in self.services for r in s.regions if r != NATIONAL}


class DirectoryError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


def load_directory(path: Path | None = None) -> Directory:
    """Load and validate the directory; raises DirectoryError listing every problem."""
    path = path or DEFAULT_PATH
    problems = validate_directory(path)
    if problems:
        raise DirectoryError(problems)
    data = load_yaml(path.read_text(encoding="utf-8"))
    return Directory([_service(entry) for entry in data["services"]])


def _service(entry: dict[str, Any]) -> Service:
    hours = entry.get("hours") or {}
    return Service(
        id=entry["id"],
        name=dict(entry["name"]),
        description=dict(entry["description"]),
        topics=tuple(entry["topics"]),
        regions=tuple(entry["regions"]),
        languages=tuple(entry.get("languages") or ()),
        source=entry["source"],
        checked=_as_date(entry["checked"]) or dt.date.min,
        phone=_as_phone(entry.get("phone")),
        url=entry.get("url"),
        chat_url=entry.get("chat_url"),
        always_open=bool(hours.get("always_open", False)),
    )


def _as_phone(value: Any) -> str | None:
    return None if value is None else str(value)


def _as_date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


# --- validation ----------------------------------------------------------------------------


def key_lines(node: yaml.Node) -> dict[str, int]:
    """1-based line of each key of a YAML mapping node."""
    if not isinstance(node, yaml.MappingNode):
        return {}
    return {
        str(k.value): k.start_mark.line + 1 for k, _ in node.value if isinstance(k, yaml.ScalarNode)
    }


def read_yaml_with_lines(path: Path) -> tuple[Any, yaml.Node | None, list[Problem]]:
    """Parse a YAML file; returns (data, node tree, problems) and never raises on bad YAML."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        return None, None, [Problem(name, 0, f"cannot read the file: {exc}")]
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = load_yaml(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 0
        return None, None, [Problem(name, line, f"not valid YAML: {exc}", "check indentation")]
    return data, node, []


def validate_directory(path: Path) -> list[Problem]:
    """Every problem in the directory file; an empty list means it is good to publish."""
    name = str(path)
    data, root, problems = read_yaml_with_lines(path)
    if problems:
        return problems
    if not isinstance(data, dict) or not isinstance(root, yaml.MappingNode):
        return [Problem(name, 1, "the file must be a mapping with 'version' and 'services'")]
    top = key_lines(root)
    if data.get("version") != 1:
        problems.append(Problem(name, top.get("version", 1), "version must be 1"))
    services = data.get("services")
    if not isinstance(services, list) or not services:
        problems.append(Problem(name, top.get("services", 1), "'services' must be a non-empty list"))
        return problems
    services_node = next(v for k, v in root.value if getattr(k, "value", None) == "services")
    item_nodes = list(services_node.value) if isinstance(services_node, yaml.SequenceNode) else []
    seen: dict[str, int] = {}
    for index, entry in enumerate(services):
        node = item_nodes[index] if index < len(item_nodes) else None
        line = node.start_mark.line + 1 if node is not None else 0
        lines = key_lines(node) if node is not None else {}
        problems.extend(_check_entry(name, entry, line, lines, seen))
    for required in REQUIRED_IDS:
        if required not in seen:
            problems.append(
                Problem(name, top.get("services", 1), f"required service '{required}' is missing",
                        "crisis help needs 112 and a 24/7 crisis line")
            )
    return problems


def _check_entry(
    name: str, entry: Any, line: int, lines: dict[str, int], seen: dict[str, int]
) -> list[Problem]:
    if not isinstance(entry, dict):
        return [Problem(name, line, "each service must be a mapping of fields")]
    problems: list[Problem] = []

    def add(key: str, message: str, hint: str = "") -> None:
        problems.append(Problem(name, lines.get(key, line), message, hint))

    service_id = entry.get("id")
    if not isinstance(service_id, str) or not _ID_RE.match(service_id):
        add("id", f"id {service_id!r} must be snake_case", "e.g. crisis_line_24_7")
    elif service_id in seen:
        add("id", f"id '{service_id}' is used twice", f"first on line {seen[service_id]}")
    else:
        seen[service_id] = lines.get("id", line)
    label = service_id if isinstance(service_id, str) else f"entry on line {line}"

    for key in sorted(set(entry) - _KNOWN_KEYS):
        add(key, f"{label}: unknown field '{key}'", "allowed: " + ", ".join(sorted(_KNOWN_KEYS)))
    for key in ("name", "description"):
        value = entry.get(key)
        if not isinstance(value, dict) or not all(
            isinstance(value.get(lang), str) and value.get(lang, "").strip() for lang in LANGUAGES
        ):
            add(key, f"{label}: '{key}' needs texts for fi, sv and en")
    topics = entry.get("topics")
    if not isinstance(topics, list) or not topics:
        add("topics", f"{label}: 'topics' must be a non-empty list", "topics: " + ", ".join(TOPICS))
    else:
        for topic in topics:
            if topic not in TOPICS:
                add("topics", f"{label}: unknown topic '{topic}'", "topics: " + ", ".join(TOPICS))
    regions = entry.get("regions")
    if not isinstance(regions, list) or not regions or not all(
        isinstance(r, str) and r.strip() for r in regions
    ):
        add("regions", f"{label}: 'regions' must list 'national' or county names")
    phone = entry.get("phone")
    if phone is not None and (not isinstance(phone, str) or not _PHONE_RE.match(phone)):
        add("phone", f"{label}: phone {phone!r} must be a quoted string of digits, spaces and +",
            'write it in quotes, e.g. phone: "09 2525 0111"')
    for key in ("url", "chat_url", "source"):
        value = entry.get(key)
        if value is None:
            continue
        if not isinstance(value, str) or not value.startswith("https://") or " " in value:
            add(key, f"{label}: {key} must be an https:// address")
    if not entry.get("url") and not entry.get("chat_url") and not phone:
        add("id", f"{label}: give at least a phone, url or chat_url")
    if not entry.get("source"):
        add("id", f"{label}: 'source' is required", "the page the phone, address or hours came from")
    if _as_date(entry.get("checked")) is None:
        add("checked", f"{label}: 'checked' must be a date like 2026-11-01",
            "the day the facts were last checked at the source")
    hours = entry.get("hours")
    if hours is not None and (
        not isinstance(hours, dict) or set(hours) != {"always_open"} or hours["always_open"] is not True
    ):
        add("hours", f"{label}: hours may only be {{always_open: true}}",
            "leave hours out when they are not verified")
    languages = entry.get("languages")
    if not isinstance(languages, list) or not languages or not set(languages) <= set(LANGUAGES):
        add("languages", f"{label}: 'languages' must list some of fi, sv, en")
    return problems


def main(argv: list[str] | None = None) -> int:
    """python -m kynnys.directory [FILE]: validate the directory file."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else DEFAULT_PATH
    problems = validate_directory(path)
    for problem in problems:
        print(problem)
    if not problems:
        print(f"{path}: ok")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
