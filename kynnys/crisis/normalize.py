"""Text normalisation for the crisis guard.

Matching happens in a *folded* space: lowercase, ä→a, ö→o, å→a and other diacritics
stripped, a few look-alike Cyrillic letters mapped to Latin, apostrophes removed
("don't" → "dont"), everything that is not a letter or digit treated as a space.
Young people often type without ä/ö, so folding makes "mä haluun kuolla" and
"ma haluun kuolla" the same; the raw (unfolded) words are kept for reporting.

Runs of three or more equal letters ("kuollaaaa", "apuuuua") are shortened two ways,
to two letters ("kuollaa") and to one ("kuolla" from "kuolllla"); both variants are
matched, and the typo tolerance covers the rest.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_APOSTROPHES = ("’", "'", "`", "´", "ʼ", "‘")
_COMMON_FOLDS = (("ä", "a"), ("ö", "o"), ("å", "a"), ("é", "e"))
_RUN3 = re.compile(r"(.)\1{2,}")
_TOKEN = re.compile(r"[^\W_]+")


def _one_to_one_fold_table() -> dict[int, str]:
    """Each accented Latin letter → its base letter, one character for one (keeps offsets)."""
    table: dict[int, str] = {}
    for code in range(0x80, 0x250):
        char = chr(code)
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c)
        )
        if len(base) == 1 and base != char and base.isascii():
            table[code] = base.lower()
    extra = {
        "ß": "s", "æ": "a", "ø": "o", "œ": "o", "ð": "d", "þ": "t", "ł": "l", "đ": "d",
        # Cyrillic look-alikes of Latin letters (and л, often typed for l)
        "а": "a", "е": "e", "о": "o", "р": "p", "с": "c", "у": "y", "х": "x", "к": "k",
        "м": "m", "т": "t", "і": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "л": "l",
    }
    table.update({ord(key): value for key, value in extra.items()})
    return table


_FOLD = _one_to_one_fold_table()


def strip_accents(text: str) -> str:
    """Remove diacritics without changing case (used for regex sources: keeps \\W, \\S...)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_LAUGHTER = ("😂", "🤣", "😆", "😹")  # become the word "lol", so hyperbole exclusions see them
# A headstone or a coffin becomes the word "emojihauta" (the lexicon pairs it with "soon",
# "today"...); not 💀, which is mostly laughter.
_GRAVE = ("🪦", "⚰")
# A black heart, a wilted rose or a dove becomes "emojifarewell": the lexicon pairs it with a
# goodbye ("hei hei kaikki 🖤"); alone it means nothing.
_FAREWELL = ("🖤", "🥀", "🕊")


def _prepare(text: str) -> str:
    text = text.lower()
    if text.isascii():
        return text.replace("'", "").replace("`", "")
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    for apostrophe in _APOSTROPHES:
        if apostrophe in text:
            text = text.replace(apostrophe, "")
    for emoji in _LAUGHTER:
        if emoji in text:
            text = text.replace(emoji, " lol ")
    for emoji in _GRAVE:
        if emoji in text:
            text = text.replace(emoji, " emojihauta ")
    for emoji in _FAREWELL:
        if emoji in text:
            text = text.replace(emoji, " emojifarewell ")
    return text


def _fold_prepared(prepared: str) -> str:
    if prepared.isascii():
        return prepared
    folded = prepared
    for accented, plain in _COMMON_FOLDS:  # str.replace is much faster than translate
        if accented in folded:
            folded = folded.replace(accented, plain)
    return folded if folded.isascii() else folded.translate(_FOLD)


def fold(text: str) -> str:
    """Lowercase, apostrophes removed, accents stripped (ä→a, ö→o, å→a, é→e)."""
    return _fold_prepared(_prepare(text))


def shorten_runs(token: str) -> tuple[str, ...]:
    """Variants of a token with runs of 3+ equal characters reduced to 2 and to 1."""
    if not _RUN3.search(token):
        return (token,)
    two = _RUN3.sub(r"\1\1", token)
    one = _RUN3.sub(r"\1", token)
    return (two, one) if one != two else (two,)


@dataclass
class Tokens:
    """A message split into words: folded matching forms per word, and the raw words."""

    forms: list[tuple[str, ...]]
    folded: str
    prepared: str  # lowercased text with apostrophes removed; same length as folded
    _spans: list[tuple[int, int]] | None = None

    def _word_spans(self) -> list[tuple[int, int]]:
        if self._spans is None:
            self._spans = [match.span() for match in _TOKEN.finditer(self.folded)]
        return self._spans

    def raw(self, position: int) -> str:
        """The word as written (with ä/ö), found again only when a hit is reported."""
        start, end = self._word_spans()[position]
        return self.prepared[start:end]

    def gap_before(self, position: int) -> str:
        """The characters (spaces, punctuation) between this word and the one before it."""
        spans = self._word_spans()
        previous_end = spans[position - 1][1] if position > 0 else 0
        return self.folded[previous_end : spans[position][0]]

    def __len__(self) -> int:
        return len(self.forms)


def tokenize(text: str) -> Tokens:
    prepared = _prepare(text)
    folded = _fold_prepared(prepared)
    if len(folded) != len(prepared):  # cannot happen with the 1:1 tables; be safe anyway
        prepared = folded
    words = _TOKEN.findall(folded)
    forms: list[tuple[str, ...]]
    if _RUN3.search(folded) is None:
        forms = [(word,) for word in words]
    else:
        forms = [shorten_runs(word) for word in words]
    return Tokens(forms=forms, folded=folded, prepared=prepared)


def normalized_text(tokens: Tokens) -> str:
    """Folded words (runs shortened to two) joined by single spaces, for regex rules."""
    return " ".join(form[0] for form in tokens.forms)
