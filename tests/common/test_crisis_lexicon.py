"""The crisis lexicon (data/crisis/lexicon.yml) checks itself: every entry matches its own
examples and none of its not_examples; broken edits are reported with the entry's id."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from kynnys.crisis import CrisisGuard, get_guard
from kynnys.crisis.lexicon import CATEGORIES, DEFAULT_LEXICON, LexiconError, parse_lexicon

GUARD = get_guard()
ENTRY_IDS = [entry.id for entry in GUARD.entries]


@pytest.mark.parametrize("entry_id", ENTRY_IDS)
def test_entry_matches_all_its_examples_and_none_of_its_not_examples(entry_id: str) -> None:
    entry = next(e for e in GUARD.entries if e.id == entry_id)
    assert entry.examples, "every entry needs examples"
    for example in entry.examples:
        assert GUARD.matches(entry_id, example), f"{entry_id} misses its example {example!r}"
    for example in entry.not_examples:
        assert not GUARD.matches(entry_id, example), f"{entry_id} matches {example!r}"


def test_not_crisis_sentences_never_fire() -> None:
    assert GUARD.lexicon.not_crisis
    for sentence in GUARD.lexicon.not_crisis:
        assert GUARD.check(sentence) is None, sentence


def test_self_test_of_the_real_lexicon_is_clean() -> None:
    assert GUARD.self_test() == []


def test_lexicon_covers_every_category_and_language() -> None:
    assert {entry.category for entry in GUARD.entries} == set(CATEGORIES)
    assert {entry.language for entry in GUARD.entries} >= {"fi", "sv", "en"}
    assert len(GUARD.entries) >= 150


def _document(**entry: Any) -> dict[str, Any]:
    base: dict[str, Any] = {"id": "fi_test", "category": "suicidal", "examples": ["haluun kuolla"]}
    base.update(entry)
    return {"version": 1, "lists": {"die": ["kuol*"]}, "entries": [base]}


def test_self_test_reports_an_entry_that_misses_its_own_example() -> None:
    document = _document(all=[["halu*"], ["$die"]], examples=["haluun kuolla", "tahdon pois"])
    guard = CrisisGuard(parse_lexicon(document))
    problems = guard.self_test()
    assert problems == ["entry fi_test: does not match its example 'tahdon pois'"]


def test_self_test_reports_a_matching_not_example_and_not_crisis() -> None:
    document = _document(any=["kuol*"], not_examples=["kuolen nauruun"])
    document["not_crisis"] = ["mummo kuoli"]
    problems = CrisisGuard(parse_lexicon(document)).self_test()
    assert "entry fi_test: matches its not_example 'kuolen nauruun'" in problems
    assert "not_crisis 'mummo kuoli': entry fi_test fires" in problems


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ({"any": ["kuol*"], "category": "sadness"}, "category must be one of"),
        ({"any": ["kuol*"], "examples": []}, "at least one example"),
        ({"all": [["halu*"], ["$missing"]]}, "unknown list $missing"),
        ({"regex": "(unclosed"}, "regex does not compile"),
        ({"any": ["kuolla pois"]}, "is not a single word"),
        ({"any": ["kuol*"], "regex": "kuol"}, "exactly one of"),
        ({"any": ["*ku*"]}, "4+ letters"),
        ({"any": ["!kuol*"]}, "at least one word that is not '!'"),
        ({"any": ["kuol*"], "not_exmples": ["x"]}, "unknown key(s) not_exmples"),
        ({"regex": "kuol", "unless": ["nauru*"]}, "'unless' works only with"),
    ],
)
def test_broken_entries_are_reported_with_their_id(entry: dict[str, Any], message: str) -> None:
    with pytest.raises(LexiconError) as error:
        parse_lexicon(_document(**entry))
    assert "fi_test" in str(error.value)
    assert message in str(error.value)


def test_unquoted_yaml_boolean_is_reported() -> None:
    document = yaml.safe_load(
        "entries:\n  - id: en_test\n    category: suicidal\n    any: [no, reason]\n"
        "    examples: [no reason]\n"
    )
    with pytest.raises(LexiconError, match="put quotes around"):
        parse_lexicon(document)


def test_duplicate_ids_are_reported() -> None:
    document = _document(any=["kuol*"])
    document["entries"].append(dict(document["entries"][0]))
    with pytest.raises(LexiconError, match="used twice"):
        parse_lexicon(document)


def test_lexicon_file_is_documented_for_editors() -> None:
    text = DEFAULT_LEXICON.read_text(encoding="utf-8")
    for phrase in ("HOW TO ADD AN ENTRY", "examples:", "not_examples:", "unless:", "fuzzy: false"):
        assert phrase in text


def test_no_lexicon_sentence_is_copied_from_the_evaluation_sets() -> None:
    """tests/crisis/ and tests/nlu/ measure messages nobody tuned for: keep them out of here."""
    from kynnys.crisis.evaluation import load_eval_set, load_nlu_heldout

    evaluation = {item.text.casefold().strip() for item in load_eval_set()}
    evaluation |= {item.text.casefold().strip() for item in load_nlu_heldout()}
    sentences = [s for e in GUARD.entries for s in (*e.examples, *e.not_examples)]
    sentences += list(GUARD.lexicon.not_crisis)
    copied = [s for s in sentences if s.casefold().strip() in evaluation]
    assert copied == [], "write your own example sentences instead of these"
