"""The guard alone holds a floor on the independent evaluation set data/crisis/examples/eval_set.yml.
If a lexicon edit breaks recall or adds false alarms, this fails. Full figures (per category,
per language, with the NLU model): tools/evaluate_crisis.py -> docs/crisis-evaluation.md."""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

import pytest

from kynnys.crisis.evaluation import EvalItem, evaluate, guard_detector, load_eval_set

# Floors with a little room for the development set growing (measured: recall 1.000, false
# alarms 0.000 on 231 + 330 messages).
RECALL_FLOOR = 0.98
FALSE_ALARM_CEILING = 0.015
ROOT = Path(__file__).resolve().parents[2]


def test_guard_alone_meets_the_floor_on_the_eval_set() -> None:
    items = load_eval_set()
    assert sum(item.crisis for item in items) >= 200
    assert sum(not item.crisis for item in items) >= 300
    report = evaluate("guard alone", items, guard_detector())
    misses = "\n".join(f"  [{m.lang}, {m.label}] {m.text}" for m in report.misses)
    alarms = "\n".join(f"  {i.text} ({why})" for i, why in report.false_alarm_items)
    assert report.recall.rate >= RECALL_FLOOR, f"recall {report.recall.rate:.3f}; misses:\n{misses}"
    assert report.false_alarms.rate <= FALSE_ALARM_CEILING, (
        f"false alarms {report.false_alarms.rate:.3f}:\n{alarms}"
    )
    for language in ("fi", "sv", "en"):
        assert report.recall_by_lang[language].rate >= 0.9, language


def test_guard_alone_raises_no_false_alarm_on_the_nlu_heldout_set() -> None:
    from kynnys.crisis.evaluation import load_nlu_heldout

    items = load_nlu_heldout()
    assert sum(not item.crisis for item in items) >= 300
    report = evaluate("guard alone", items, guard_detector())
    alarms = "\n".join(f"  {i.text} ({why})" for i, why in report.false_alarm_items)
    assert report.false_alarms.flagged == 0, alarms
    assert report.recall.rate >= 0.95


def test_evaluate_counts_recall_false_alarms_and_breakdowns() -> None:
    items = [
        EvalItem("a", "fi", True, "suicidal"),
        EvalItem("b", "sv", True, "overdose"),
        EvalItem("c", "fi", False, "hyperbole"),
        EvalItem("d", "en", False, "everyday"),
    ]
    report = evaluate("test", items, lambda text: "hit" if text in {"a", "c"} else None)
    assert (report.recall.flagged, report.recall.total) == (1, 2)
    assert (report.false_alarms.flagged, report.false_alarms.total) == (1, 2)
    assert report.precision == pytest.approx(0.5)
    assert report.recall_by_category["overdose"].rate == 0.0
    assert report.false_alarms_by_kind["hyperbole"].rate == 1.0
    assert [m.text for m in report.misses] == ["b"]
    assert [(i.text, why) for i, why in report.false_alarm_items] == [("c", "hit")]


def test_evaluation_tool_writes_a_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    output = tmp_path / "crisis-evaluation.md"
    argv = ["evaluate_crisis.py", "--guard-only", "--output", str(output)]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as exit_:
        runpy.run_path(str(ROOT / "tools" / "evaluate_crisis.py"), run_name="__main__")
    assert exit_.value.code == 0
    text = output.read_text(encoding="utf-8")
    assert "| guard alone |" in text
    assert "## Recall by category" in text and "## False alarms by kind" in text
    assert "Guard alone" in text
    assert "Secondary check: the NLU held-out set" in text


def test_nlu_heldout_is_read_as_crisis_versus_the_rest(tmp_path: Path) -> None:
    from kynnys.crisis.evaluation import load_nlu_heldout

    path = tmp_path / "heldout.yml"
    path.write_text(
        'version: "3.1"\nnlu:\n- intent: crisis\n  examples: |\n    - haluun kuolla\n'
        "- intent: inform_location\n  examples: |\n"
        '    - asun [tampereella](municipality)\n    - bor i [Åbo]{"entity": "municipality"}\n'
        "- synonym: x\n  examples: |\n    - y\n",
        encoding="utf-8",
    )
    items = load_nlu_heldout(path)
    assert [(i.text, i.crisis, i.label) for i in items] == [
        ("haluun kuolla", True, "crisis"),
        ("asun tampereella", False, "inform_location"),
        ("bor i Åbo", False, "inform_location"),
    ]
