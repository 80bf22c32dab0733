"""Recall and false alarms of a crisis detector on a crisis evaluation set (the default:
data/crisis/examples/eval_set.yml, the first one, now also training data of the crisis
classifier; the sets not trained on are in tests/crisis/).

Used by tools/evaluate_crisis.py (guard alone, NLU alone, both) and by the pytest that holds
the guard to a floor.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import yaml

EVAL_SET = Path(__file__).resolve().parents[2] / "data" / "crisis" / "examples" / "eval_set.yml"
NLU_HELDOUT = Path(__file__).resolve().parents[2] / "tests" / "nlu" / "heldout.yml"
_ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


@dataclass(frozen=True)
class EvalItem:
    text: str
    lang: str
    crisis: bool
    label: str  # category for crisis items, kind for non-crisis items


@dataclass
class Tally:
    total: int = 0
    flagged: int = 0

    @property
    def rate(self) -> float:
        return self.flagged / self.total if self.total else 0.0


@dataclass
class Report:
    name: str
    recall: Tally = field(default_factory=Tally)
    false_alarms: Tally = field(default_factory=Tally)
    recall_by_category: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    recall_by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    false_alarms_by_kind: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    false_alarms_by_lang: dict[str, Tally] = field(default_factory=lambda: defaultdict(Tally))
    misses: list[EvalItem] = field(default_factory=list)
    false_alarm_items: list[tuple[EvalItem, str]] = field(default_factory=list)

    @property
    def precision(self) -> float:
        flagged = self.recall.flagged + self.false_alarms.flagged
        return self.recall.flagged / flagged if flagged else 0.0


def load_eval_set(path: Path | None = None) -> list[EvalItem]:
    """The items of a file with `crisis:` and `non_crisis:` lists (tests/crisis/README.md); an
    item without text, lang or its category/kind is a ValueError naming the file."""
    path = path or EVAL_SET
    with open(path, encoding="utf-8") as handle:
        document = yaml.safe_load(handle) or {}
    items: list[EvalItem] = []
    for side, label_key in (("crisis", "category"), ("non_crisis", "kind")):
        for raw in document.get(side) or ():
            text = raw.get("text") if isinstance(raw, dict) else None
            if not isinstance(text, str) or not text.strip():
                raise ValueError(f"{path}: an item without text ({side})")
            missing = [key for key in ("lang", label_key) if key not in raw]
            if missing:
                raise ValueError(f"{path}: an item without {' or '.join(missing)} ({side})")
            items.append(EvalItem(text, str(raw["lang"]), side == "crisis", str(raw[label_key])))
    return items


def load_nlu_heldout(path: Path | None = None) -> list[EvalItem]:
    """The NLU held-out set (Rasa YAML) as crisis (intent `crisis`) vs everything else."""
    with open(path or NLU_HELDOUT, encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    items: list[EvalItem] = []
    for block in document.get("nlu") or ():
        intent = block.get("intent")
        if not intent:
            continue
        for line in str(block.get("examples") or "").splitlines():
            line = line.strip()
            if line.startswith("- "):
                text = _ANNOTATION.sub(lambda match: match.group(1), line[2:])
                crisis = intent == "crisis"
                items.append(EvalItem(text, "", crisis, "crisis" if crisis else str(intent)))
    return items


def evaluate(name: str, items: Iterable[EvalItem], detect: Callable[[str], str | None]) -> Report:
    """detect(text) returns a short reason when it flags the text as crisis, else None."""
    report = Report(name)
    for item in items:
        reason = detect(item.text)
        flagged = reason is not None
        if item.crisis:
            for tally in (
                report.recall,
                report.recall_by_category[item.label],
                report.recall_by_lang[item.lang],
            ):
                tally.total += 1
                tally.flagged += flagged
            if not flagged:
                report.misses.append(item)
        else:
            for tally in (
                report.false_alarms,
                report.false_alarms_by_kind[item.label],
                report.false_alarms_by_lang[item.lang],
            ):
                tally.total += 1
                tally.flagged += flagged
            if reason is not None:
                report.false_alarm_items.append((item, reason))
    return report


def guard_detector() -> Callable[[str], str | None]:
    from kynnys.crisis import get_guard

    guard = get_guard()

    def detect(text: str) -> str | None:
        hit = guard.check(text)
        return f"{hit.rule_id}: {hit.term}" if hit else None

    return detect
