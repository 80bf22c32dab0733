"""Finnish municipalities: recognise them in free text in any grammatical case, map them to
their wellbeing services county.

Pure Python (stdlib only): the gateway imports this too. Data: data/places/municipalities.csv
(one row per municipality), data/places/aliases.csv (other names people use: Pedersöre, Hesa,
Manse ...), data/places/ambiguous.txt (names that are also ordinary words or first names) and
data/places/common_word_forms.txt (single forms that are ordinary words, e.g. "hyvinkään").

How matching works: for every name (and alias) we generate its inflected forms once (singular
cases, plural cases for -inen names, common spoken endings, consonant gradation and the stem
changes of compound finals like -järvi, -joki, -lahti, -vesi) and look tokens up in that table,
after stripping clitics (-kin, -ko, -ks, -han ...). Forms are generated generously: a form that
is not standard Finnish does no harm as long as it is not an ordinary word, and the ambiguity
policy below guards the names that are.

Ambiguous names (Kotka, Lahti, Salo, Koski, Virrat, Kolari, Lieto, Nokia ...) are only
accepted when
  1. the whole message is the place name ("Kotka", "kotkassa"), or
  2. a place cue is near ("asun kotkassa", "oon kotoisin lahdesta", "I live in Kotka"), or
  3. the word is capitalised, not the first word of a sentence, and in a local case or after
     "in/from/i/från" ("Mun koulu on Kotkassa").
"koski" as a common noun (rapids) is therefore never read as Koski Tl unless one of these holds.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent.parent / "data" / "places"

_WORD = re.compile(r"[^\W\d_]+(?:[-:][^\W\d_]+)*", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?]\s*$")

# Endings after the weak-grade stem (genitive, local cases, translative), standard + spoken,
# and what kind of case each is: "base" (nominative, genitive, partitive), "in" (where),
# "from", "to", "other" (translative, essive), "demonym" (tamperelainen).
_WEAK_ENDINGS = {"n": "base", "ssa": "in", "sta": "from", "lla": "in", "lta": "from", "lle": "to",
                 "ksi": "other", "s": "in", "st": "from", "l": "in", "lt": "from"}
_STRONG_ENDINGS = {"na": "other"}
_DEMONYM_ENDINGS = ("lainen", "laiset", "laisena", "laisia", "laisten", "laisena", "laisesta")
_FROM_VERBS = {"oon", "olen", "olin", "ollaan", "ootko", "oletko", "ole", "oo", "tuun", "tulen",
               "tulin", "kotoisin", "lähtöisin"}
_CLITICS = ("kaan", "kään", "kin", "han", "hän", "kos", "kös", "ko", "kö", "ks", "pa", "pä")

# Compound finals with stem changes: final -> (strong stem, weak stem, partitives, illatives)
_FINALS: dict[str, tuple[str, str, tuple[str, ...], tuple[str, ...]]] = {
    "järvi": ("järve", "järve", ("järveä",), ("järveen",)),
    "joki": ("joke", "joe", ("jokea",), ("jokeen",)),
    "koski": ("koske", "koske", ("koskea",), ("koskeen",)),
    "lahti": ("lahte", "lahde", ("lahtea",), ("lahteen",)),
    "salmi": ("salme", "salme", ("salmea",), ("salmeen",)),
    "niemi": ("nieme", "nieme", ("niemeä",), ("niemeen",)),
    "vesi": ("vete", "vede", ("vettä",), ("veteen",)),
    "mäki": ("mäke", "mäe", ("mäkeä",), ("mäkeen",)),
    "saari": ("saare", "saare", ("saarta",), ("saareen",)),
    "lampi": ("lampe", "lamme", ("lampea",), ("lampeen",)),
    "nummi": ("numme", "numme", ("nummea",), ("nummeen",)),
    "loppi": ("loppe", "lope", ("loppea",), ("loppeen",)),
    "laidun": ("laitume", "laitume", ("laidunta",), ("laitumeen",)),
    "kaupunki": ("kaupunki", "kaupungi", ("kaupunkia",), ("kaupunkiin",)),
}
# Names that inflect as plurals or otherwise irregularly: extra forms (lowercase) -> kind.
_EXTRA_FORMS: dict[str, dict[str, str]] = {
    "virrat": {"virroilla": "in", "virroissa": "in", "virroilta": "from", "virroista": "from",
               "virroille": "to", "virtoihin": "to", "virtain": "base", "virtojen": "base",
               "virroiksi": "other", "virtoina": "other", "virroil": "in", "virrois": "in",
               "virroilt": "from", "virtolainen": "demonym", "virtolaiset": "demonym"},
    "parainen": {"paraisilla": "in", "paraisilta": "from", "paraisille": "to",
                 "paraisten": "base", "paraisil": "in", "paraislainen": "demonym"},
    "kangasala": {"kangasalla": "in", "kangasalta": "from", "kangasalle": "to",
                  "kangasalan": "base", "kangasal": "in", "kangasalt": "from"},
}
_WEAK_GRADE = (  # cluster before the final vowel -> weak grade
    ("kk", "k"), ("pp", "p"), ("tt", "t"), ("nk", "ng"), ("mp", "mm"), ("lt", "ll"),
    ("nt", "nn"), ("rt", "rr"), ("ht", "hd"), ("rk", "r"), ("lk", "l"),
)
_VOWELS = "aeiouyäö"

# Words near a place name that make it a place (see module docstring).
_STRONG_CUES = {
    "asun", "asuin", "asumme", "asutaan", "asuu", "asut", "asunut", "asuttiin", "asuttu",
    "kotoisin", "kotikunta", "kotikuntani", "kotikaupunki", "kotikaupunkini", "paikkakunta",
    "paikkakuntani", "paikkakunnalla", "muutin", "muutimme", "muutettiin", "muutan", "muutetaan",
    "muuttanut", "muutettu", "asuinpaikka", "bor", "bodde", "flyttade", "flyttat", "live",
    "lived", "living", "lives", "moved", "koti", "kotini", "kotona", "kotiseutu", "kotiseutuni",
    "kotipaikka", "kotipaikkani", "kotoo", "kotoa", "lähtöisin", "syntyny", "synnyin", "syntynyt",
}
_WEAK_CUES = {"in", "from", "i", "från", "near", "nära"}


@dataclass(frozen=True)
class Municipality:
    name: str
    swedish_name: str
    wellbeing_county: str
    code: str


@dataclass(frozen=True)
class PlaceMatch:
    municipality: str  # canonical Finnish nominative
    start: int         # character offsets of the matched words in the text
    end: int
    text: str


@dataclass(frozen=True)
class _Form:
    name: str
    kind: str  # "base", "in", "from", "to", "other", "demonym" (see _WEAK_ENDINGS)

    @property
    def oblique(self) -> bool:
        return self.kind != "base"


def _front(ending: str) -> str:
    return ending.replace("a", "ä").replace("o", "ö").replace("u", "y")


def _fold(text: str) -> str:
    return text.replace("ä", "a").replace("ö", "o").replace("å", "a")


def _back(ending: str) -> str:
    return ending.replace("ä", "a").replace("ö", "o").replace("y", "u")


def _weak(stem: str) -> str | None:
    """Weak grade of a vowel-final stem, or None when it does not alternate."""
    if len(stem) < 3 or stem[-1] not in _VOWELS or stem[-2] in _VOWELS:
        return None
    body = stem[:-1]
    for strong, weak in _WEAK_GRADE:
        if body.endswith(strong):
            return body[: -len(strong)] + weak + stem[-1]
    if body[-1] in "kpt" and len(body) >= 2 and body[-2] in _VOWELS:
        return body[:-1] + {"k": "", "p": "v", "t": "d"}[body[-1]] + stem[-1]
    return None


Forms = dict[str, str]  # form -> kind


def _add(forms: Forms, stem: str, ending: str, kind: str) -> None:
    """stem + ending in both vowel harmonies: people type either, and compounds vary."""
    for variant in {stem + ending, stem + _front(ending), stem + _back(ending)}:
        if forms.get(variant, "base") == "base":
            forms[variant] = kind


def _add_case_set(forms: Forms, strong: str, weak: str,
                  partitives: tuple[str, ...], illatives: tuple[str, ...]) -> None:
    """partitives/illatives are full forms; their last letters may flip harmony."""
    for ending, kind in _WEAK_ENDINGS.items():
        _add(forms, weak, ending, kind)
    for ending, kind in _STRONG_ENDINGS.items():
        _add(forms, strong, ending, kind)
    for partitive in partitives:
        _add(forms, partitive[:-1], partitive[-1], "base")
    for illative in illatives:
        _add(forms, illative[:-2], illative[-2:], "to")


def _add_demonyms(forms: Forms, *stems: str) -> None:
    for stem in stems:
        for ending in _DEMONYM_ENDINGS:
            _add(forms, stem, ending, "demonym")


def _word_forms(word: str) -> Forms:
    """Inflected forms of one lowercase word -> their kind of case."""
    forms: Forms = {word: "base"}
    for final, (strong_f, weak_f, partitives_f, illatives_f) in _FINALS.items():
        if word.endswith(final):
            head = word[: -len(final)]
            _add_case_set(forms, head + strong_f, head + weak_f,
                          tuple(head + p for p in partitives_f),
                          tuple(head + i for i in illatives_f))
            _add_demonyms(forms, head + strong_f, word)
            return forms
    last = word[-1]
    if word.endswith("nen"):
        singular, plural = word[:-3] + "se", word[:-3] + "si"
        _add_case_set(forms, singular, singular, (word[:-3] + "sta",), (singular + "en",))
        _add_case_set(forms, plural, plural, (plural + "a",), (plural + "in",))
        _add(forms, word[:-3] + "sten", "", "base")
        _add_demonyms(forms, word[:-3] + "s")
        return forms
    if last not in _VOWELS:
        # Consonant-final (Åland names, Korsnäs, Sund, Kannus, Nurmes, Alavus): -i- stem, and
        # for -s also the -kse- and -de- stems of Finnish words.
        stem = word + "i"
        _add_case_set(forms, stem, stem, (stem + "a",), (stem + "in",))
        _add_demonyms(forms, word, stem)
        if last == "s":
            kse, de, te = word[:-1] + "kse", word[:-1] + "de", word[:-1] + "te"
            _add_case_set(forms, kse, kse, (word + "ta",), (kse + "en",))
            _add_case_set(forms, te, de, (word[:-1] + "tta",), (te + "en",))
        if last == "n":
            _add_case_set(forms, word[:-1] + "me", word[:-1] + "me", (word + "ta",),
                          (word[:-1] + "meen",))
        return forms
    long_end = len(word) >= 2 and word[-2] == last
    weak = _weak(word) or word
    _add_demonyms(forms, word)
    if long_end:
        long_illatives = (word + "h" + last + "n", word + "seen", word + "hen", word + "hun")
        _add_case_set(forms, word, word, (word + "ta",), long_illatives)
        return forms
    partitives = (word + "a", word + "ta") if word[-2] in _VOWELS else (word + "a",)
    _add_case_set(forms, word, weak, partitives, (word + last + "n",))
    if last == "i":  # Pori/Porissa and Loppi-like Lahde-/Lopen e-stems
        e_strong, e_weak = word[:-1] + "e", weak[:-1] + "e"
        _add_case_set(forms, e_strong, e_weak, (e_strong + "ä",), (e_strong + "en",))
        _add(forms, word + "in", "", "to")
        _add_demonyms(forms, e_strong)
    if last == "e":  # Tampere -> Tampereella (perhe type) besides Raahe -> Raahessa
        stem = word + "e"
        _add_case_set(forms, stem, stem, (word + "tta",), (word + "eseen", word + "eeseen"))
        _add_demonyms(forms, stem)
    return forms


def _name_forms(name: str) -> Forms:
    """Forms of a (possibly multi-word or hyphenated) name; only the last word inflects,
    except the Uusi- names where both parts do (Uudessakaupungissa)."""
    lower = name.lower()
    forms: Forms = {}
    parts = lower.split(" ")
    head, last = " ".join(parts[:-1]), parts[-1]
    prefix = head + " " if head else ""
    hyphen_head = ""
    if "-" in last:
        hyphen_head, last = last.rsplit("-", 1)
        hyphen_head += "-"
    for form, kind in _word_forms(last).items():
        forms[prefix + hyphen_head + form] = kind
    if lower.startswith("uusi") and " " not in lower:
        tail = lower[4:]
        pairs = {"n": "uuden", "ssa": "uudessa", "sta": "uudesta", "lla": "uudella",
                 "lta": "uudelta", "lle": "uudelle", "ksi": "uudeksi", "na": "uutena"}
        for form, kind in _word_forms(tail).items():
            for ending, first in pairs.items():
                if form.endswith(ending) or form.endswith(_front(ending)):
                    forms[first + form] = kind
            if form.endswith("iin") or form.endswith("yyn") or form.endswith("yyhyn"):
                forms["uuteen" + form] = "to"
    for form, kind in _EXTRA_FORMS.get(lower, {}).items():
        forms[form] = kind
    for form, kind in list(forms.items()):  # typed without å/ä/ö ("jyvaskylassa")
        forms.setdefault(_fold(form), kind)
    return forms


@lru_cache(maxsize=1)
def _municipalities() -> dict[str, Municipality]:
    with open(DATA_DIR / "municipalities.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    return {
        row["municipality"]: Municipality(row["municipality"], row["swedish_name"],
                                          row["wellbeing_county"], row["code"])
        for row in rows
    }


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    aliases: dict[str, str] = {}
    path = DATA_DIR / "aliases.csv"
    if path.exists():
        with open(path, encoding="utf-8", newline="") as f:
            for row in csv.DictReader(f):
                aliases[row["alias"]] = row["municipality"]
    return aliases


def _read_list(path: Path) -> frozenset[str]:
    """One entry a line; '#' starts a comment."""
    entries: set[str] = set()
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            entry = line.split("#", 1)[0].strip()
            if entry:
                entries.add(entry.lower())
    return frozenset(entries)


@lru_cache(maxsize=1)
def _ambiguous() -> frozenset[str]:
    return _read_list(DATA_DIR / "ambiguous.txt")


@lru_cache(maxsize=1)
def _common_word_forms() -> frozenset[str]:
    return _read_list(DATA_DIR / "common_word_forms.txt")


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, list[tuple[_Form, str]]], int]:
    """form -> [(what it means, the surface name it came from)], and the longest name in words."""
    index: dict[str, list[tuple[_Form, str]]] = {}
    surfaces: list[tuple[str, str, bool]] = []  # surface name, canonical, inflects (Finnish)
    for municipality in _municipalities().values():
        surfaces.append((municipality.name, municipality.name, True))
        if municipality.swedish_name and municipality.swedish_name != municipality.name:
            surfaces.append((municipality.swedish_name, municipality.name, False))
    for alias, canonical in _aliases().items():
        surfaces.append((alias, canonical, True))
    longest = 1
    for surface, canonical, inflects in surfaces:
        longest = max(longest, len(surface.split(" ")))
        lower = surface.lower()
        forms = _name_forms(surface) if inflects else {lower: "base", lower + "s": "base"}
        for form, kind in forms.items():
            if form in _common_word_forms():
                continue
            entry = (_Form(canonical, kind), lower)
            bucket = index.setdefault(form, [])
            if entry not in bucket:
                bucket.append(entry)
    for form, bucket in index.items():  # a name's own nominative wins over another's form
        bucket.sort(key=lambda entry: entry[1] != form)
    return index, longest


def _strip_clitic(token: str) -> list[str]:
    candidates = [token]
    for clitic in _CLITICS:
        if token.endswith(clitic) and len(token) - len(clitic) >= 2:
            candidates.append(token[: -len(clitic)])
    return candidates


def _is_sentence_start(text: str, start: int) -> bool:
    before = text[:start].rstrip()
    return not before or bool(_SENTENCE_END.search(before)) or before.endswith((":", "\n"))


def _accept(surface: str, form: _Form, words: list[re.Match[str]], i: int, j: int,
            text: str) -> bool:
    """The ambiguity policy of the module docstring."""
    if surface not in _ambiguous() and form.name.lower() not in _ambiguous():
        return True
    if form.kind == "demonym" or len(words) == j - i:  # "oon lahtelainen"; "Kotka"
        return True
    before = [w.group().lower() for w in words[max(0, i - 3):i]]
    after = [w.group().lower() for w in words[j:j + 2]]
    if any(w in _STRONG_CUES for w in before + after):
        return True
    if form.kind == "from" and before and before[-1] in _FROM_VERBS:  # "oon lahdesta"
        return True
    if not words[i].group()[:1].isupper() or _is_sentence_start(text, words[i].start()):
        return False
    return form.oblique or (bool(before) and before[-1] in _WEAK_CUES)


def _lookup(phrase: str) -> list[tuple[_Form, str]]:
    index, _ = _index()
    head, colon, suffix = phrase.rpartition(":")
    if colon and head and suffix.isalpha() and len(suffix) <= 4:  # "Koski Tl:ssä", "Hki:ssa"
        found = index.get(head, [])
        return [(_Form(form.name, "in" if suffix else form.kind), surface)
                for form, surface in found]
    for candidate in _strip_clitic(phrase):
        if candidate in index:
            return index[candidate]
    if len(phrase) >= 6 and " " not in phrase:  # one letter typed once instead of twice
        for k in range(2, len(phrase)):
            doubled = phrase[:k] + phrase[k - 1] + phrase[k:]
            if doubled in index:
                return index[doubled]
    return []


def find_municipalities(text: str) -> list[PlaceMatch]:
    """Every municipality named in the text, in order, as canonical Finnish nominatives."""
    _, longest = _index()
    words = list(_WORD.finditer(text))
    matches: list[PlaceMatch] = []
    i = 0
    while i < len(words):
        found: PlaceMatch | None = None
        for n in range(min(longest, len(words) - i), 0, -1):
            j = i + n
            phrase = " ".join(w.group().lower() for w in words[i:j])
            for form, surface in _lookup(phrase):
                if _accept(surface, form, words, i, j, text):
                    start, end = words[i].start(), words[j - 1].end()
                    found = PlaceMatch(form.name, start, end, text[start:end])
                    break
            if found:
                i = j
                break
        if found:
            matches.append(found)
        else:
            i += 1
    return matches


def find_municipality(text: str) -> str | None:
    """The first municipality named in the text ("Tampereella" -> "Tampere"), or None."""
    matches = find_municipalities(text)
    return matches[0].municipality if matches else None


def resolve_municipality(name: str) -> str | None:
    """Canonical Finnish name for a canonical, Swedish or alias name in any letter case."""
    lower = name.strip().lower()
    for municipality in _municipalities().values():
        if lower in (municipality.name.lower(), municipality.swedish_name.lower()):
            return municipality.name
    for alias, canonical in _aliases().items():
        if lower == alias.lower():
            return canonical
    return None


def county_of(municipality: str) -> str | None:
    """Wellbeing services county of a municipality ("Tampere" -> "Pirkanmaa"); "Helsinki" for
    Helsinki, "Ahvenanmaa" for the Åland municipalities (Åland organises its own services)."""
    canonical = resolve_municipality(municipality)
    return _municipalities()[canonical].wellbeing_county if canonical else None


def swedish_name_of(municipality: str) -> str | None:
    canonical = resolve_municipality(municipality)
    if not canonical:
        return None
    return _municipalities()[canonical].swedish_name or canonical


def all_municipalities() -> list[str]:
    return sorted(_municipalities())


def all_counties() -> list[str]:
    return sorted({m.wellbeing_county for m in _municipalities().values()})
