"""The crisis classifier's examples (data/crisis/examples/) and the blind sets (tests/crisis/):
every item valid, and no message of a blind set among the training examples."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from kynnys.crisis.evaluation import load_eval_set
from kynnys.crisis.lexicon import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "data" / "crisis" / "examples").glob("*.yml"))
BLIND_SETS = sorted((ROOT / "tests" / "crisis").glob("eval_*.yml"))
LANGS = {"fi", "sv", "en"}
KINDS = {"everyday", "hyperbole", "feeling_bad", "grief", "gaming", "bullying_not_acute",
         "friend_past", "medicine", "news", "fiction_media", "cooking"}


def _items(path: Path) -> list[tuple[str, dict]]:
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [(key, item) for key in ("crisis", "non_crisis") for item in document.get(key) or []]


def _texts(paths: list[Path]) -> set[str]:
    return {item.text.casefold().strip() for path in paths for item in load_eval_set(path)}


@pytest.mark.parametrize("path", EXAMPLES + BLIND_SETS, ids=lambda path: path.name)
def test_every_item_is_valid(path: Path) -> None:
    items = _items(path)
    assert items, f"{path.name} has no items"
    for key, item in items:
        assert isinstance(item.get("text"), str) and item["text"].strip(), (path.name, item)
        assert item.get("lang") in LANGS, (path.name, item)
        if key == "crisis":
            assert item.get("category") in CATEGORIES, (path.name, item)
        else:
            assert item.get("kind") in KINDS, (path.name, item)


def test_no_blind_message_is_a_training_example() -> None:
    assert BLIND_SETS, "tests/crisis/ must hold the blind sets"
    leaked = _texts(BLIND_SETS) & _texts(EXAMPLES)
    # only the count: printing the messages would unblind the sets
    assert not leaked, f"{len(leaked)} blind messages are also training examples"


def test_the_examples_hold_thousands_of_each_side() -> None:
    sides = [key for path in EXAMPLES for key, _ in _items(path)]
    assert sides.count("crisis") >= 5000
    assert sides.count("non_crisis") >= 8000
