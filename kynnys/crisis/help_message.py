"""The crisis help message: 112 and the 24/7 crisis line, calm and warm, in fi/sv/en.

Texts come from data/crisis/help_messages.yml, numbers and links from the service directory
(data/services/directory.yml via kynnys.directory). If the directory cannot be read, the
fallback contacts in help_messages.yml are used, so the numbers are never missing.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

HELP_MESSAGES = Path(__file__).resolve().parents[2] / "data" / "crisis" / "help_messages.yml"
LANGUAGES = ("fi", "sv", "en")
EMERGENCY_ID = "emergency_112"
CRISIS_LINE_ID = "crisis_line_24_7"

logger = logging.getLogger(__name__)


@dataclass
class CrisisHelp:
    text: str
    links: list[dict[str, str]] = field(default_factory=list)  # {"title", "url"}
    contacts: list[dict[str, str]] = field(default_factory=list)  # {"id", "title", "phone", ...}


@dataclass(frozen=True)
class _Contact:
    id: str
    title: str
    phone: str
    url: str
    source: str
    always_open: bool
    languages: tuple[str, ...]


def build_crisis_help(language: str, on_shift: bool) -> CrisisHelp:
    """The message to show at once when a crisis is detected.

    on_shift=False says honestly that no volunteer is on duty and puts the phone line first.
    """
    lang = language if language in LANGUAGES else "fi"
    texts = _help_texts()
    emergency, crisis_line = _contacts(lang)
    template = texts["messages"][lang]["on_shift" if on_shift else "off_shift"]
    text = template.format(
        emergency_phone=emergency.phone,
        crisis_line=f"{crisis_line.title} {crisis_line.phone}",
        crisis_hours=texts["always_open"][lang] if crisis_line.always_open else "",
        crisis_language="" if lang in crisis_line.languages else texts["language_note"][lang],
    )
    ordered = [emergency, crisis_line] if on_shift else [crisis_line, emergency]
    links = [{"title": contact.title, "url": contact.url} for contact in ordered if contact.url]
    contacts = [
        {
            "id": contact.id,
            "title": contact.title,
            "phone": contact.phone,
            "url": contact.url,
            "source": contact.source,
            "hours": "24/7" if contact.always_open else "",
        }
        for contact in ordered
    ]
    return CrisisHelp(text=text, links=links, contacts=contacts)


# Reading and validating the directory takes long (pure-Python YAML), and crisis help must
# be instant: results are kept until data/services/directory.yml or help_messages.yml change.
_cache: dict[tuple[Any, ...], Any] = {}
_cache_lock = threading.Lock()


def clear_cache() -> None:
    with _cache_lock:
        _cache.clear()


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _help_texts() -> dict[str, Any]:
    key = ("texts", _stamp(HELP_MESSAGES))
    with _cache_lock:
        if key in _cache:
            return dict(_cache[key])
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with open(HELP_MESSAGES, encoding="utf-8") as handle:
        document: dict[str, Any] = yaml.load(handle, Loader=loader)  # noqa: S506 - safe loader
    with _cache_lock:
        _cache[key] = document
    return document


def _directory_path() -> Path | None:
    try:
        from kynnys.directory import DEFAULT_PATH
    except Exception:
        return None
    return Path(DEFAULT_PATH)


def preload() -> None:
    """Read the texts and the directory now (e.g. at service start), not on the first crisis."""
    _help_texts()
    for language in LANGUAGES:
        _contacts(language)


def _contacts(lang: str) -> tuple[_Contact, _Contact]:
    try:
        directory = _directory()
        return (
            _from_directory(directory, EMERGENCY_ID, lang),
            _from_directory(directory, CRISIS_LINE_ID, lang),
        )
    except Exception:  # safety first: a broken directory must not hide the numbers
        logger.exception("service directory unavailable; using the crisis fallback contacts")
        return _fallback(EMERGENCY_ID, lang), _fallback(CRISIS_LINE_ID, lang)


def _directory() -> Any:
    """The loaded service directory, re-read only when its file changes. A failed load is
    remembered too (until the file changes), so a broken file does not slow every message."""
    path = _directory_path()
    key = ("directory", _stamp(path) if path else None)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is None:
        from kynnys.directory import load_directory

        try:
            cached = ("ok", load_directory())
        except Exception as error:
            cached = ("error", error)
        with _cache_lock:
            _cache[key] = cached
    _, value = cached
    if isinstance(value, BaseException):
        raise value
    return value


def _from_directory(directory: Any, service_id: str, lang: str) -> _Contact:
    service = directory.get(service_id)
    localized = service.localized(lang)
    if not localized.get("phone"):
        raise ValueError(f"directory entry {service_id} has no phone number")
    return _Contact(
        id=service_id,
        title=localized["title"],
        phone=localized["phone"],
        url=localized.get("url", ""),
        source=str(getattr(service, "source", "") or ""),
        always_open=bool(getattr(service, "always_open", False)),
        languages=tuple(getattr(service, "languages", ()) or ()),
    )


def _fallback(service_id: str, lang: str) -> _Contact:
    entry = _help_texts()["fallback_contacts"][service_id]
    return _Contact(
        id=service_id,
        title=entry["title"][lang],
        phone=str(entry["phone"]),
        url=entry.get("url", ""),
        source=entry.get("source", ""),
        always_open=bool(entry.get("always_open", False)),
        languages=tuple(entry.get("languages", ())),
    )
