"""Finnish word normalisation for the NLU pipeline: spoken/chat forms, then a lemmatiser.

Order for one lowercase word:
  1. bot/spoken_finnish.yml (spoken and chat forms simplemma misses: haluun -> haluta,
     mä -> minä, itteni -> itse, ahistaa -> ahdistaa, kaveri -> ystävä ...),
  2. simplemma (pure Python, ships its own data: no download at run time),
  3. optionally Voikko (Debian libvoikko + voikko-fi) when simplemma returns the word unchanged
     and Voikko knows it.
Run `python -m bot.finnish word ...` to see what a word becomes.
"""

from __future__ import annotations

import sys
from functools import lru_cache
from pathlib import Path
from typing import Any

import simplemma
import yaml

SPOKEN_FILE = Path(__file__).with_name("spoken_finnish.yml")
LEMMATIZERS = ("spoken", "simplemma", "voikko", "simplemma+voikko")


@lru_cache(maxsize=1)
def spoken_forms() -> dict[str, str]:
    data = yaml.safe_load(SPOKEN_FILE.read_text(encoding="utf-8")) or {}
    forms: dict[str, str] = {}
    for section in data.values():
        for spoken, standard in (section or {}).items():
            forms[str(spoken).lower()] = str(standard).lower()
    return forms


@lru_cache(maxsize=1)
def _voikko() -> Any | None:
    try:
        import libvoikko  # type: ignore[import-not-found]

        return libvoikko.Voikko("fi")
    except Exception:  # library or dictionary missing: run without it
        return None


def voikko_available() -> bool:
    return _voikko() is not None


@lru_cache(maxsize=50_000)
def voikko_baseform(word: str) -> str | None:
    voikko = _voikko()
    if voikko is None or not word.isalpha():
        return None
    analyses = voikko.analyze(word)
    if not analyses:
        return None
    # Prefer common words over names for lemmas ("lahdella" -> lahti, not Lahti).
    analyses.sort(key=lambda a: a.get("CLASS") in ("paikannimi", "etunimi", "sukunimi", "nimi"))
    baseform = analyses[0].get("BASEFORM")
    return str(baseform).lower() if baseform else None


@lru_cache(maxsize=50_000)
def lemma(word: str, lemmatizer: str = "simplemma") -> str:
    """Normalised lemma of one word (lowercased); the word itself when nothing knows it."""
    lower = word.lower()
    spoken = spoken_forms().get(lower)
    if spoken or lemmatizer == "spoken":
        return spoken or lower
    if not any(ch.isalpha() for ch in lower):
        return lower
    if lemmatizer in ("simplemma", "simplemma+voikko"):
        result = simplemma.lemmatize(lower, lang="fi").lower()
        if result != lower or lemmatizer == "simplemma":
            return result
    return voikko_baseform(lower) or lower


def main(argv: list[str]) -> None:
    for word in argv:
        print(word, "->", {name: lemma(word, name) for name in LEMMATIZERS})


if __name__ == "__main__":
    main(sys.argv[1:])
