"""Text normalisation for the crisis guard.

Matching happens in a *folded* space: lowercase, ä→a, ö→o, å→a and other diacritics
stripped, a few look-alike Cyrillic letters mapped to Latin, apostrophes removed
("don't" → "dont"), everything that is not a letter or digit treated as a space.
Young people often type without ä/ö, so folding makes "mä haluun kuolla" and
"ma haluun kuolla" the same; the raw (unfolded) token is kept for reporting.

Runs of three or more equal letters ("kuollaaaa", "apuuuua") are shortened two ways,
to two letters ("kuollaa") and to one ("kuolla" from "kuolllla"); both variants are
matched, and the typo tolerance covers the rest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_HOMOGLYPHS = str.maketrans(
    {
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x",
        "к": "k", "м": "m", "т": "t", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d",
        "л": "l", "ß": "ss", "æ": "ae", "ø": "o", "œ": "oe",
        "’": "", "'": "", "`": "", "´": "", "ʼ": "",
    }
)
_TOKEN = re.compile(r"[^\W_]+")
_RUN3 = re.compile(r"(.)\1{2,}")


def fold(text: str) -> str:
    """Lowercase and strip diacritics (ä→a, ö→o, å→a, é→e); keeps the string length-agnostic."""
    lowered = text.casefold().translate(_HOMOGLYPHS)
    if lowered.isascii():
        return lowered
    decomposed = unicodedata.normalize("NFKD", lowered)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def strip_accents(text: str) -> str:
    """Remove diacritics without changing case (used for regex sources: keeps \\W, \\S...)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def shorten_runs(token: str) -> tuple[str, ...]:
    """Variants of a token with runs of 3+ equal characters reduced to 2 and to 1."""
    if not _RUN3.search(token):
        return (token,)
    two = _RUN3.sub(r"\1\1", token)
    one = _RUN3.sub(r"\1", token)
    return (two, one) if one != two else (two,)


@dataclass(frozen=True)
class Token:
    raw: str  # as written, lowercased, for reporting
    forms: tuple[str, ...]  # folded forms used for matching


def tokenize(text: str) -> list[Token]:
    """Split a message into tokens, each with its raw text and its folded matching forms."""
    tokens: list[Token] = []
    raw_lower = text.casefold()
    for match in _TOKEN.finditer(fold(text)):
        folded = match.group(0)
        raw = _raw_slice(raw_lower, folded, match.start(), match.end())
        tokens.append(Token(raw=raw, forms=shorten_runs(folded)))
    return tokens


def _raw_slice(raw_lower: str, folded: str, start: int, end: int) -> str:
    # Folding can change length (NFKD, removed apostrophes); fall back to the folded form.
    candidate = raw_lower[start:end]
    return candidate if fold(candidate) == folded else folded


def normalized_text(tokens: list[Token]) -> str:
    """Folded tokens (runs shortened to two) joined by single spaces, for regex rules."""
    return " ".join(token.forms[0] for token in tokens)
