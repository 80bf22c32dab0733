"""The crisis guard: a lexicon matcher that flags messages that may mean danger.

It never depends on the ML model. Missing a crisis is worse than a false alarm, so
negated or hedged mentions ("en mä oikeesti haluu kuolla mut…") count as hits.
"""

from __future__ import annotations

import itertools
import threading
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from kynnys.crisis.context import ContextRules, MessageContext
from kynnys.crisis.fuzzy import DeletionIndex
from kynnys.crisis.lexicon import CUE_KINDS, Entry, Group, Lexicon, Pattern, load_lexicon
from kynnys.crisis.normalize import Tokens, normalized_text, tokenize

_CACHE_LIMIT = 100_000
_MAX_COMBINATIONS = 4096


@dataclass(frozen=True)
class CrisisHit:
    category: str  # suicidal, self_harm, overdose, violence_now, sexual_violence, friend_in_danger
    term: str  # the words of the message that matched
    rule_id: str  # the lexicon entry id


# (entry index, group index, is the pattern a `!` exclusion); group -1 is the entry's `unless`
# list and -2 its `unless_before` list
_Use = tuple[int, int, bool]
_Key = tuple[int, int]  # (entry index, group index; -1 / -2 for the two unless lists)
_UNLESS, _UNLESS_BEFORE = -1, -2


class CrisisGuard:
    def __init__(self, lexicon: Lexicon) -> None:
        self.lexicon = lexicon
        self.entries = lexicon.entries
        rank = {category: position for position, category in enumerate(lexicon.category_priority)}
        self._order = sorted(
            range(len(self.entries)),
            key=lambda index: (rank.get(self.entries[index].category, len(rank)), index),
        )
        self._atom_ids: dict[Pattern, int] = {}
        self._uses: list[list[_Use]] = []
        for entry_index, entry in enumerate(self.entries):
            for group_index, group in enumerate(entry.groups):
                self._register(group, entry_index, group_index)
            if entry.unless is not None:
                self._register(entry.unless, entry_index, _UNLESS)
            if entry.unless_before is not None:
                self._register(entry.unless_before, entry_index, _UNLESS_BEFORE)
        self._build_indexes()
        self._cache: dict[str, tuple[_Key, ...]] = {}
        self._context: ContextRules | None = None
        self._cues: CrisisGuard | None = None
        if lexicon.context is not None:
            self._context = ContextRules(lexicon.context)
            self._cues = CrisisGuard(
                Lexicon(entries=lexicon.context.cues, category_priority=CUE_KINDS)
            )

    @classmethod
    def from_file(cls, path: Path | None = None) -> CrisisGuard:
        return cls(load_lexicon(path))

    # ---- public API -------------------------------------------------------------------

    def check(self, text: str) -> CrisisHit | None:
        """The most urgent hit in the message, or None when nothing matched."""
        hits = self._hits(text, stop_at_first=True)
        return hits[0] if hits else None

    def check_all(self, text: str) -> list[CrisisHit]:
        """Every entry that matched, most urgent first (for tests and evaluation)."""
        return self._hits(text, stop_at_first=False)

    def silenced(self, text: str) -> list[CrisisHit]:
        """The hits the message's own context turned off (someone else's crisis that is over,
        a lesson, a film, a joke, a kitchen cut), when nothing else fired; else empty. The
        NLU pipeline uses it so that a model guess on such a message is a check-in, not an
        alarm."""
        turned_off: list[CrisisHit] = []
        if self._located_hits(tokenize(text), stop_at_first=True, silenced=turned_off):
            return []
        return turned_off

    def matches(self, rule_id: str, text: str) -> bool:
        return any(hit.rule_id == rule_id for hit in self.check_all(text))

    def context_kinds(self, text: str) -> frozenset[str]:
        """The context cue kinds (over, fiction, accident, keep) found in the message."""
        if self._cues is None:
            return frozenset()
        return frozenset(hit.category for hit in self._cues.check_all(text))

    def self_test(self) -> list[str]:
        """Problems with the lexicon's own examples: an entry that misses one of its
        `examples`, matches one of its `not_examples`, or any entry firing on `not_crisis`."""
        problems: list[str] = []
        for entry in self.entries:
            for example in entry.examples:
                if not self.matches(entry.id, example):
                    problems.append(f"entry {entry.id}: does not match its example {example!r}")
            for example in entry.not_examples:
                if self.matches(entry.id, example):
                    problems.append(f"entry {entry.id}: matches its not_example {example!r}")
        for sentence in self.lexicon.not_crisis:
            hit = self.check(sentence)
            if hit is not None:
                problems.append(f"not_crisis {sentence!r}: entry {hit.rule_id} fires")
        if self._cues is not None:
            problems.extend(f"context {problem}" for problem in self._cues.self_test())
        return problems

    # ---- index building ---------------------------------------------------------------

    def _register(self, group: Group, entry_index: int, group_index: int) -> None:
        for negative, patterns in ((False, group.positives), (True, group.negatives)):
            for pattern in patterns:
                atom = self._atom_ids.setdefault(pattern, len(self._atom_ids))
                if atom == len(self._uses):
                    self._uses.append([])
                self._uses[atom].append((entry_index, group_index, negative))

    def _build_indexes(self) -> None:
        self._exact: dict[str, list[int]] = defaultdict(list)
        self._prefix: dict[str, list[int]] = defaultdict(list)
        self._fuzzy_exact = DeletionIndex()
        self._fuzzy_prefix = DeletionIndex()
        self._fuzzy_atoms: dict[tuple[str, bool], list[int]] = defaultdict(list)
        self._infix: list[tuple[str, int]] = []
        for pattern, atom in self._atom_ids.items():
            if pattern.infix:
                self._infix.append((pattern.text, atom))
                continue
            (self._prefix if pattern.prefix else self._exact)[pattern.text].append(atom)
            if pattern.fuzzy:
                (self._fuzzy_prefix if pattern.prefix else self._fuzzy_exact).add(pattern.text)
                self._fuzzy_atoms[(pattern.text, pattern.prefix)].append(atom)
        self._prefix_lengths = sorted({len(text) for text in self._prefix})
        self._fuzzy_prefix_lengths = sorted(
            {length + delta for length in self._fuzzy_prefix.lengths for delta in (-1, 0, 1)}
        )
        # Only words of 6+ letters are typo-corrected (a stem of 7 may match a 6-letter prefix).
        self._fuzzy_min = max(
            6, min((len(p.text) - 1 for p in self._atom_ids if p.fuzzy), default=1_000_000)
        )

    # ---- matching ---------------------------------------------------------------------

    def _keys_of_form(self, form: str) -> tuple[_Key, ...]:
        """(entry, group) pairs this word satisfies: it matches a positive pattern of the
        group and none of its `!` patterns. Group -1 is the entry's `unless` list. Cached."""
        cached = self._cache.get(form)
        if cached is not None:
            return cached
        atoms: set[int] = set(self._exact.get(form, ()))
        for length in self._prefix_lengths:
            if length > len(form):
                break
            found = self._prefix.get(form[:length])
            if found:
                atoms.update(found)
        for part, atom in self._infix:
            if part in form:
                atoms.add(atom)
        if not atoms and len(form) >= self._fuzzy_min:
            self._add_fuzzy(form, atoms)
        state: dict[_Key, bool] = {}
        for atom in atoms:
            for entry_index, group_index, negative in self._uses[atom]:
                key = (entry_index, group_index)
                if negative:
                    state[key] = False
                elif key not in state:
                    state[key] = True
        result = tuple(key for key, ok in state.items() if ok)
        if len(self._cache) >= _CACHE_LIMIT:
            self._cache.clear()
        self._cache[form] = result
        return result

    def _add_fuzzy(self, form: str, atoms: set[int]) -> None:
        # The first letter must agree: typos at the start of a word are rare, and this keeps
        # "tuolla" (there) from matching "kuolla".
        for word in self._fuzzy_exact.lookup(form) if self._fuzzy_exact else ():
            if word[0] == form[0]:
                atoms.update(self._fuzzy_atoms[(word, False)])
        if not self._fuzzy_prefix:
            return
        for length in self._fuzzy_prefix_lengths:
            if length > len(form):
                break
            for stem in self._fuzzy_prefix.lookup(form[:length]):
                if abs(len(stem) - length) <= 1 and stem[0] == form[0]:
                    atoms.update(self._fuzzy_atoms[(stem, True)])

    def _hits(self, text: str, stop_at_first: bool) -> list[CrisisHit]:
        return [hit for hit, _ in self._located_hits(tokenize(text), stop_at_first)]

    def _located_hits(
        self,
        tokens: Tokens,
        stop_at_first: bool,
        every_span: bool = False,
        silenced: list[CrisisHit] | None = None,
    ) -> list[tuple[CrisisHit, list[int]]]:
        """Hits with the token positions they matched. every_span: each place an entry matches
        (for context cues: "koulussa ... ja puhuttiin itsemurhasta" has a cue in each clause).
        silenced: collects the matches that context cues turned off."""
        # positions[(entry, group)] -> token positions satisfying that group
        positions: dict[_Key, list[int]] = {}
        keys_of_form = self._keys_of_form
        for position, forms in enumerate(tokens.forms):
            keys = keys_of_form(forms[0])
            if len(forms) > 1:
                keys = tuple(set(keys).union(*(keys_of_form(form) for form in forms[1:])))
            for key in keys:
                found = positions.get(key)
                if found is None:
                    positions[key] = [position]
                else:
                    found.append(position)
        candidates = {entry_index for entry_index, _ in positions}

        hits: list[tuple[CrisisHit, list[int]]] = []
        normalized: str | None = None
        message: MessageContext | None = None
        for entry_index in self._order:
            entry = self.entries[entry_index]
            spans: Iterator[tuple[list[int], str]]
            if entry.regex is not None:
                if entry.needs and not any(needle in tokens.folded for needle in entry.needs):
                    continue
                if normalized is None:
                    normalized = normalized_text(tokens)
                spans = _regex_spans(entry, normalized)
            elif entry_index in candidates:
                spans = (
                    (span, " ".join(tokens.raw(p) for p in span))
                    for span in _valid_spans(entry, entry_index, positions)
                )
            else:
                continue
            matched = 0
            for span, term in spans:
                if self._context is not None:
                    if message is None:
                        message = self._message_context(tokens)
                    if message.cues and self._context.suppresses(entry, span, message):
                        if silenced is not None:
                            silenced.append(CrisisHit(entry.category, term, entry.id))
                        continue
                hits.append((CrisisHit(entry.category, term, entry.id), span))
                matched += 1
                if not every_span:
                    break  # one hit per entry: the first place it is not turned off
            if matched and stop_at_first:
                break
        return hits

    def _message_context(self, tokens: Tokens) -> MessageContext:
        assert self._cues is not None
        cues = tuple(
            (hit.category, span)
            for hit, span in self._cues._located_hits(tokens, False, every_span=True)
        )
        return MessageContext(cues=cues, tokens=tokens)


def _regex_spans(entry: Entry, normalized: str) -> Iterator[tuple[list[int], str]]:
    """Token positions of each regex match (the normalised text has one space per gap)."""
    assert entry.regex is not None
    for matched in entry.regex.finditer(normalized):
        first = normalized.count(" ", 0, matched.start())
        last = normalized.count(" ", 0, max(matched.start(), matched.end() - 1))
        yield list(range(first, last + 1)), matched.group(0)


def _valid_spans(
    entry: Entry, entry_index: int, positions: dict[_Key, list[int]]
) -> Iterator[list[int]]:
    """Distinct token positions, one per group, within the entry's window and not next to
    an `unless` word; the first one first (later ones matter only when context turns the
    first one off)."""
    group_count = len(entry.groups)
    by_group: list[list[int]] = []
    for group in range(group_count):
        found = positions.get((entry_index, group))
        if found is None:
            return
        by_group.append(found)
    unless_positions = positions.get((entry_index, _UNLESS), [])
    before_positions = positions.get((entry_index, _UNLESS_BEFORE), [])
    window = entry.window
    # Every valid choice contains a position of the rarest group: look only around those.
    rarest = min(by_group, key=len)
    for anchor in rarest:
        low, high = anchor - window, anchor + window
        choices = [found[bisect_left(found, low) : bisect_right(found, high)] for found in by_group]
        if not all(choices):
            continue
        for combination in itertools.islice(itertools.product(*choices), _MAX_COMBINATIONS):
            first, last = min(combination), max(combination)
            if last - first > window or len(set(combination)) != group_count:
                continue
            if unless_positions and any(
                first - entry.unless_window <= p <= last + entry.unless_window
                for p in unless_positions
            ):
                continue
            if before_positions and any(
                first - entry.unless_before_window <= p < first for p in before_positions
            ):
                continue
            yield sorted(combination)


_guard: CrisisGuard | None = None
_guard_lock = threading.Lock()


def get_guard(reload: bool = False) -> CrisisGuard:
    """The guard built from data/crisis/lexicon.yml, loaded once; reload=True re-reads it."""
    global _guard
    with _guard_lock:
        if _guard is None or reload:
            _guard = CrisisGuard.from_file()
        return _guard


__all__ = ["CrisisGuard", "CrisisHit", "get_guard"]
