"""Reads data/crisis/lexicon.yml into rule objects (see the comments in that file)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from kynnys.crisis.normalize import fold, strip_accents

DEFAULT_LEXICON = Path(__file__).resolve().parents[2] / "data" / "crisis" / "lexicon.yml"
CATEGORIES = (
    "suicidal",
    "self_harm",
    "overdose",
    "violence_now",
    "sexual_violence",
    "friend_in_danger",
)


# Kinds of context cue (see `context:` in the lexicon file and kynnys/crisis/context.py).
CUE_KINDS = ("over", "fiction", "accident", "keep", "now", "topic", "joke")
PERSONS = ("auto", "self", "other")

_ENTRY_KEYS = {
    "id", "category", "lang", "any", "all", "regex", "needs", "window", "unless",
    "unless_window", "fuzzy", "examples", "not_examples", "person", "accident_possible",
    "topic_word", "unless_before", "unless_before_window", "joke_possible", "victim_subject",
}
_CUE_KEYS = _ENTRY_KEYS - {"category", "person", "accident_possible", "topic_word",
                           "joke_possible", "victim_subject"} | {"kind"}
_CONTEXT_KEYS = {
    "others", "victims", "victim_categories", "self", "self_is", "clause_breaks", "cues",
    "self_state", "coursework_makers",
}
_OPTIONAL_CONTEXT_KEYS = {"self_state", "coursework_makers"}


class LexiconError(ValueError):
    """The lexicon file is broken; the message names the entry and the problem."""


@dataclass(frozen=True)
class Pattern:
    """One word pattern: `word` matches the word exactly, `stem*` words starting with stem,
    `*part*` words containing part (compounds: "*lääk*" in "masislääkkeet")."""

    text: str
    prefix: bool
    fuzzy: bool
    infix: bool = False


@dataclass(frozen=True)
class Group:
    """A token satisfies the group when it matches a positive pattern and no `!` pattern."""

    positives: tuple[Pattern, ...]
    negatives: tuple[Pattern, ...] = ()


@dataclass(frozen=True)
class Entry:
    id: str
    category: str
    language: str
    groups: tuple[Group, ...] = ()
    regex: re.Pattern[str] | None = None
    needs: tuple[str, ...] = ()  # regex entries: only tried when one of these is in the text
    window: int = 5
    unless: Group | None = None
    unless_window: int = 2
    # Words that, in the few words just before the hit, make it an idiom: "tää excel tappaa
    # mut" (a thing as the subject). Only before the hit, never after it.
    unless_before: Group | None = None
    unless_before_window: int = 3
    examples: tuple[str, ...] = ()
    not_examples: tuple[str, ...] = ()
    # Whose crisis a hit is about: "self" never suppressed by context cues, "other" always
    # counts as someone else's, "auto" decided from the words before the hit.
    person: str = "auto"
    accident_possible: bool = False  # an `accident` cue (kitchen knife + food) suppresses it
    # A noun naming the topic (itsemurha, yliannostus, sexual violence): a `topic` cue in its
    # clause (a lesson, an essay, the news) turns it off unless the rest of the sentence names
    # the writer's own state (context.self_state: mietin, haluun, mulla, my, i want...).
    topic_word: bool = False
    # Hyperbole that can be a joke ("hyppään ikkunasta jos kuulen tän biisin lol"): a `joke` cue
    # in its sentence (an if, a laugh and a trivial trigger) turns it off. The jump entries.
    joke_possible: bool = False
    # A passive verb ("kaveri raiskattiin", "she was assaulted"): the person named before it is
    # the one harmed, so in a violence entry "kaveri"/"she" makes it someone else's.
    victim_subject: bool = False


@dataclass(frozen=True)
class Context:
    """The lexicon's `context:` section: when a hit is about someone else, and the cues
    (entries whose `category` holds the cue kind) that suppress such hits."""

    others: Group
    victims: Group  # someone else as the one harmed ("sitä", "häntä", "her")
    victim_categories: tuple[str, ...]  # categories where `others` may name the attacker
    self_words: Group
    self_is: Group  # "oon", "im", "jag är": a person word just after it describes the writer
    clause_breaks: Group
    cues: tuple[Entry, ...]
    self_state: Group | None = None  # the writer's own thoughts or state: keeps a topic word
    # "tein / mun / my" just before a topic cue: the writer's coursework ("tein opparin...")
    coursework_makers: Group | None = None


@dataclass(frozen=True)
class Lexicon:
    entries: tuple[Entry, ...]
    category_priority: tuple[str, ...]
    not_crisis: tuple[str, ...] = field(default=())
    context: Context | None = None


def load_lexicon(path: Path | None = None) -> Lexicon:
    source = path or DEFAULT_LEXICON
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: ~10x faster
    with open(source, encoding="utf-8") as handle:
        document = yaml.load(handle, Loader=loader)  # noqa: S506 - a safe loader
    return parse_lexicon(document)


def parse_lexicon(document: Any) -> Lexicon:
    if not isinstance(document, dict) or "entries" not in document:
        raise LexiconError("the lexicon must be a mapping with an 'entries' list")
    settings = document.get("settings") or {}
    fuzzy_min = int(settings.get("fuzzy_min_length", 6))
    fuzzy_min_prefix = int(settings.get("fuzzy_min_length_prefix", fuzzy_min + 1))
    default_window = int(settings.get("window", 5))
    default_unless_window = int(settings.get("unless_window", 2))
    priority = tuple(settings.get("category_priority") or CATEGORIES)
    for category in priority:
        if category not in CATEGORIES:
            raise LexiconError(f"settings.category_priority: unknown category {category!r}")
    lists = {str(name): value for name, value in (document.get("lists") or {}).items()}

    entries: list[Entry] = []
    seen: set[str] = set()
    for position, raw in enumerate(document["entries"] or []):
        entry = _parse_entry(
            raw, position, lists, (fuzzy_min, fuzzy_min_prefix), default_window, default_unless_window
        )
        if entry.id in seen:
            raise LexiconError(f"entry {entry.id}: the id is used twice")
        seen.add(entry.id)
        entries.append(entry)
    not_crisis = tuple(str(text) for text in document.get("not_crisis") or ())
    context = None
    if document.get("context"):
        context = _parse_context(
            document["context"], lists, (fuzzy_min, fuzzy_min_prefix), default_window,
            default_unless_window, seen,
        )
    return Lexicon(
        entries=tuple(entries), category_priority=priority, not_crisis=not_crisis, context=context
    )


def _parse_context(
    raw: Any,
    lists: dict[str, Any],
    fuzzy_min: tuple[int, int],
    default_window: int,
    default_unless_window: int,
    seen: set[str],
) -> Context:
    if not isinstance(raw, dict):
        raise LexiconError("context: must be a mapping with others, self, clause_breaks, cues")
    unknown = sorted(set(raw) - _CONTEXT_KEYS)
    if unknown:
        raise LexiconError(f"context: unknown key(s) {', '.join(unknown)}")
    for key in _CONTEXT_KEYS - _OPTIONAL_CONTEXT_KEYS:
        if not raw.get(key):
            raise LexiconError(f"context: {key} is missing or empty")
    cues: list[Entry] = []
    for position, cue in enumerate(raw["cues"]):
        if isinstance(cue, dict) and "kind" in cue:
            kind = cue["kind"]
            if kind not in CUE_KINDS:
                raise LexiconError(
                    f"context cue {cue.get('id')}: kind must be one of {', '.join(CUE_KINDS)}"
                )
            # cues match words as written: no typo tolerance ("hukuttautuu" is not "houkuttaa")
            cue = {**{k: v for k, v in cue.items() if k != "kind"}, "category": kind,
                   "fuzzy": False}
        elif isinstance(cue, dict):
            raise LexiconError(f"context cue {cue.get('id')}: give its kind")
        entry = _parse_entry(
            cue, position, lists, fuzzy_min, default_window, default_unless_window,
            categories=CUE_KINDS, keys=_CUE_KEYS | {"category"},
        )
        if entry.id in seen:
            raise LexiconError(f"context cue {entry.id}: the id is used twice")
        seen.add(entry.id)
        cues.append(entry)
    victim_categories = tuple(str(c) for c in raw["victim_categories"])
    for category in victim_categories:
        if category not in CATEGORIES:
            raise LexiconError(f"context.victim_categories: unknown category {category!r}")
    return Context(
        others=_parse_group(raw["others"], lists, (0, 0), "context.others"),
        victims=_parse_group(raw["victims"], lists, (0, 0), "context.victims"),
        victim_categories=victim_categories,
        self_words=_parse_group(raw["self"], lists, (0, 0), "context.self"),
        self_is=_parse_group(raw["self_is"], lists, (0, 0), "context.self_is"),
        clause_breaks=_parse_group(raw["clause_breaks"], lists, (0, 0), "context.clause_breaks"),
        cues=tuple(cues),
        self_state=(
            _parse_group(raw["self_state"], lists, (0, 0), "context.self_state")
            if raw.get("self_state") else None
        ),
        coursework_makers=(
            _parse_group(raw["coursework_makers"], lists, (0, 0), "context.coursework_makers")
            if raw.get("coursework_makers") else None
        ),
    )


def _parse_entry(
    raw: Any,
    position: int,
    lists: dict[str, Any],
    fuzzy_min: tuple[int, int],
    default_window: int,
    default_unless_window: int,
    categories: tuple[str, ...] = CATEGORIES,
    keys: set[str] = _ENTRY_KEYS,
) -> Entry:
    if not isinstance(raw, dict) or not raw.get("id"):
        raise LexiconError(f"entry number {position + 1}: every entry needs an 'id'")
    entry_id = str(raw["id"])
    where = f"entry {entry_id}"
    unknown = sorted(set(raw) - keys)
    if unknown:
        raise LexiconError(
            f"{where}: unknown key(s) {', '.join(unknown)}; use {', '.join(sorted(keys))}"
        )
    if "regex" in raw and "unless" in raw:
        raise LexiconError(f"{where}: 'unless' works only with 'any' or 'all', not with 'regex'")
    category = raw.get("category")
    if category not in categories:
        raise LexiconError(f"{where}: category must be one of {', '.join(categories)}")
    person = str(raw.get("person", "auto"))
    if person not in PERSONS:
        raise LexiconError(f"{where}: person must be one of {', '.join(PERSONS)}")
    fuzzy = bool(raw.get("fuzzy", True))
    kinds = [key for key in ("all", "any", "regex") if key in raw]
    if len(kinds) != 1:
        raise LexiconError(f"{where}: give exactly one of 'all', 'any' or 'regex'")
    groups: tuple[Group, ...] = ()
    regex = None
    if "regex" in raw:
        try:
            regex = re.compile(strip_accents(str(raw["regex"])))
        except re.error as error:
            raise LexiconError(f"{where}: regex does not compile: {error}") from error
    else:
        raw_groups = [raw["any"]] if "any" in raw else raw["all"]
        if not isinstance(raw_groups, list) or not raw_groups:
            raise LexiconError(f"{where}: 'all' must be a list of word lists")
        groups = tuple(
            _parse_group(words, lists, fuzzy_min if fuzzy else (0, 0), where) for words in raw_groups
        )
    unless = None
    if raw.get("unless"):
        unless = _parse_group(raw["unless"], lists, (0, 0), where)
    unless_before = None
    if raw.get("unless_before"):
        if "regex" in raw:
            raise LexiconError(f"{where}: 'unless_before' works only with 'any' or 'all'")
        unless_before = _parse_group(raw["unless_before"], lists, (0, 0), where)
    examples = tuple(str(text) for text in raw.get("examples") or ())
    if not examples:
        raise LexiconError(f"{where}: add at least one example that the entry must match")
    return Entry(
        id=entry_id,
        category=str(category),
        language=str(raw.get("lang", "")),
        groups=groups,
        regex=regex,
        needs=tuple(fold(str(text)) for text in raw.get("needs") or ()),
        window=int(raw.get("window", default_window)),
        unless=unless,
        unless_window=int(raw.get("unless_window", default_unless_window)),
        unless_before=unless_before,
        unless_before_window=int(raw.get("unless_before_window", 3)),
        examples=examples,
        not_examples=tuple(str(text) for text in raw.get("not_examples") or ()),
        person=person,
        accident_possible=bool(raw.get("accident_possible", False)),
        topic_word=bool(raw.get("topic_word", False)),
        joke_possible=bool(raw.get("joke_possible", False)),
        victim_subject=bool(raw.get("victim_subject", False)),
    )


def _parse_group(
    words: Any, lists: dict[str, Any], fuzzy_min: tuple[int, int], where: str
) -> Group:
    if isinstance(words, str):
        words = [words]
    if not isinstance(words, list) or not words:
        raise LexiconError(f"{where}: a word list must be a non-empty list")
    positives: list[Pattern] = []
    negatives: list[Pattern] = []
    for word in _expand(words, lists, where, depth=0):
        negative = word.startswith("!")
        pattern = _parse_pattern(word[1:] if negative else word, (0, 0) if negative else fuzzy_min, where)
        (negatives if negative else positives).append(pattern)
    if not positives:
        raise LexiconError(f"{where}: a word list needs at least one word that is not '!'")
    return Group(positives=tuple(dict.fromkeys(positives)), negatives=tuple(dict.fromkeys(negatives)))


def _expand(words: list[Any], lists: dict[str, Any], where: str, depth: int) -> list[str]:
    if depth > 5:
        raise LexiconError(f"{where}: lists refer to each other in a loop")
    expanded: list[str] = []
    for word in words:
        if not isinstance(word, str):
            raise LexiconError(
                f"{where}: {word!r} is not text; put quotes around words such as 'no', 'on',"
                " 'off', 'yes' or numbers"
            )
        text = word.strip()
        if text.startswith("$"):
            name = text[1:]
            if name not in lists:
                raise LexiconError(f"{where}: unknown list ${name} (define it under 'lists:')")
            expanded.extend(_expand(list(lists[name]), lists, where, depth + 1))
        else:
            expanded.append(text)
    return expanded


def _parse_pattern(word: str, fuzzy_min: tuple[int, int], where: str) -> Pattern:
    infix = len(word) > 2 and word.startswith("*") and word.endswith("*")
    if infix:
        text = fold(word[1:-1])
        if len(text) < 4 or not text.isalnum():
            raise LexiconError(f"{where}: {word!r}: a *part* pattern needs 4+ letters inside")
        return Pattern(text=text, prefix=False, fuzzy=False, infix=True)
    prefix = word.endswith("*")
    text = fold(word[:-1] if prefix else word)
    if not text.isalnum():
        raise LexiconError(
            f"{where}: {word!r} is not a single word (letters/digits, optional * at the end);"
            " put multi-word phrases into separate word lists under 'all:'"
        )
    minimum = fuzzy_min[1] if prefix else fuzzy_min[0]
    return Pattern(text=text, prefix=prefix, fuzzy=bool(minimum) and len(text) >= minimum)
