"""Typo tolerance: Damerau-Levenshtein distance 1, with a symmetric-deletion index.

A stem is indexed under itself and every string made by deleting one of its characters.
Two strings within distance 1 always share one of these keys, so a lookup costs
len(query) + 1 dictionary probes; candidates are then verified exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable


def within_one_edit(a: str, b: str) -> bool:
    """True when a and b differ by at most one insertion, deletion, substitution or
    transposition of two adjacent characters (Damerau-Levenshtein distance ≤ 1)."""
    if a == b:
        return True
    la, lb = len(a), len(b)
    if abs(la - lb) > 1:
        return False
    if la > lb:
        a, b, la, lb = b, a, lb, la
    i = 0
    while i < la and a[i] == b[i]:
        i += 1
    if la == lb:
        if a[i + 1 :] == b[i + 1 :]:
            return True  # substitution
        return (
            i + 1 < la
            and a[i] == b[i + 1]
            and a[i + 1] == b[i]
            and a[i + 2 :] == b[i + 2 :]
        )  # transposition
    return a[i:] == b[i + 1 :]  # one insertion into a


def _deletions(word: str) -> Iterable[str]:
    return (word[:i] + word[i + 1 :] for i in range(len(word)))


class DeletionIndex:
    """Finds indexed strings within one edit of a query."""

    def __init__(self) -> None:
        self._keys: dict[str, set[str]] = defaultdict(set)
        self.lengths: set[int] = set()

    def add(self, word: str) -> None:
        self._keys[word].add(word)
        for key in _deletions(word):
            self._keys[key].add(word)
        self.lengths.add(len(word))

    def __bool__(self) -> bool:
        return bool(self._keys)

    def lookup(self, query: str) -> set[str]:
        keys = self._keys
        candidates: set[str] = set()
        found = keys.get(query)
        if found:
            candidates |= found
        for key in _deletions(query):
            found = keys.get(key)
            if found:
                candidates |= found
        return {word for word in candidates if within_one_edit(query, word)}
