"""Evaluate crisis detection on tests/crisis/eval_set.yml and write docs/crisis-evaluation.md.

Three detectors: (a) the lexicon guard alone, (b) the NLU model alone (top intent `crisis`,
with the CrisisOverride component switched off through KYNNYS_CRISIS_OVERRIDE=off, an
evaluation-only switch), (c) both together (either fires).

    PYTHONPATH=. .venv-bot/bin/python tools/evaluate_crisis.py            # all three
    PYTHONPATH=. .venv-bot/bin/python tools/evaluate_crisis.py --guard-only

Without a trained model at models/kynnys.tar.gz (or outside the bot environment) it
evaluates the guard alone and says so in the report.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kynnys.crisis.evaluation import (  # noqa: E402
    EVAL_SET,
    NLU_HELDOUT,
    EvalItem,
    Report,
    Tally,
    evaluate,
    guard_detector,
    load_eval_set,
    load_nlu_heldout,
)

MODEL = ROOT / "models" / "kynnys.tar.gz"
OUTPUT = ROOT / "docs" / "crisis-evaluation.md"
RECALL_TARGET = 0.99
FALSE_ALARM_TARGET = 0.05


THRESHOLDS = (0.0, 0.5, 0.7, 0.9)


def parse_with_model(model: Path, texts: list[str]) -> dict[str, tuple[str, float]]:
    """Top intent and confidence for every text, with the CrisisOverride switched off."""
    os.environ["KYNNYS_CRISIS_OVERRIDE"] = "off"
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse_all() -> dict[str, tuple[str, float]]:
        results: dict[str, tuple[str, float]] = {}
        for text in texts:
            parsed = await agent.parse_message(text)
            intent = parsed.get("intent") or {}
            results[text] = (str(intent.get("name")), float(intent.get("confidence") or 0.0))
        return results

    return asyncio.run(parse_all())


def nlu_detector(
    results: dict[str, tuple[str, float]], threshold: float = 0.0
) -> Callable[[str], str | None]:
    """Crisis when the model's top intent is `crisis` with at least this confidence."""

    def detect(text: str) -> str | None:
        name, confidence = results[text]
        return f"nlu {confidence:.2f}" if name == "crisis" and confidence >= threshold else None

    return detect


def either(
    first: Callable[[str], str | None], second: Callable[[str], str | None]
) -> Callable[[str], str | None]:
    return lambda text: first(text) or second(text)


def render_thresholds(rows: list[tuple[float, Report, Report]]) -> list[str]:
    lines = [
        "",
        "## NLU confidence threshold",
        "",
        "How the NLU side changes if a `crisis` prediction only counts above a confidence",
        "(the guard is unaffected). Threshold 0 is the plain top intent used above.",
        "",
        "| threshold | NLU recall | NLU false alarms | guard + NLU recall | guard + NLU false alarms |",
        "|---:|---:|---:|---:|---:|",
    ]
    for threshold, nlu, both in rows:
        lines.append(
            f"| {threshold:.1f} | {_pct(nlu.recall)} | {_pct(nlu.false_alarms)} | "
            f"{_pct(both.recall)} | {_pct(both.false_alarms)} |"
        )
    return lines


def _shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _pct(tally: Tally) -> str:
    return f"{tally.rate:.3f} ({tally.flagged}/{tally.total})"


def _table(title: str, rows: dict[str, Tally], reports: list[Report], attr: str) -> list[str]:
    lines = [f"| {title} | " + " | ".join(r.name for r in reports) + " |"]
    lines.append("|---|" + "---:|" * len(reports))
    for key in sorted(rows):
        cells = [_pct(getattr(report, attr)[key]) for report in reports]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return lines


def render_heldout(report: Report) -> list[str]:
    """Secondary check on tests/nlu/heldout.yml (crisis intent vs all other intents)."""
    lines = [
        "",
        "## Secondary check: the NLU held-out set, guard alone",
        "",
        "`tests/nlu/heldout.yml` is the NLU model's held-out test set, written independently of the",
        "lexicon and never used to tune it. Crisis = intent `crisis`; every other intent counts as",
        "non-crisis.",
        "",
        "| detector | recall | false-alarm rate | precision |",
        "|---|---:|---:|---:|",
        f"| {report.name} | {_pct(report.recall)} | {_pct(report.false_alarms)} | "
        f"{report.precision:.3f} |",
        "",
        "False alarms by intent:",
        "",
        "| intent | false alarms |",
        "|---|---:|",
    ]
    lines += [
        f"| {kind} | {_pct(tally)} |" for kind, tally in sorted(report.false_alarms_by_kind.items())
    ]
    lines += ["", f"Misses ({len(report.misses)}):", ""]
    lines += [f"- {m.text}" for m in report.misses] or ["- none"]
    lines += ["", f"False alarms ({len(report.false_alarm_items)}):", ""]
    lines += [
        f"- [{item.label}] {item.text} — *{reason}*" for item, reason in report.false_alarm_items
    ] or ["- none"]
    return lines


def render(
    reports: list[Report],
    note: str,
    items: list[EvalItem],
    heldout: Report | None = None,
    thresholds: list[tuple[float, Report, Report]] | None = None,
) -> str:
    crisis_count = sum(item.crisis for item in items)
    lines = [
        "# Crisis detection: evaluation",
        "",
        f"Generated by `tools/evaluate_crisis.py` on {dt.date.today().isoformat()} from "
        f"`tests/crisis/eval_set.yml` ({crisis_count} crisis and {len(items) - crisis_count} "
        "non-crisis messages, fi/sv/en, written independently of the lexicon and the NLU data).",
        "",
        note,
        "",
        f"Targets: recall ≥ {RECALL_TARGET} with guard and NLU together; false alarms on "
        f"non-crisis ≤ {FALSE_ALARM_TARGET}.",
        "",
        "## Summary",
        "",
        "| detector | recall | false-alarm rate | precision |",
        "|---|---:|---:|---:|",
    ]
    for report in reports:
        lines.append(
            f"| {report.name} | {_pct(report.recall)} | {_pct(report.false_alarms)} | "
            f"{report.precision:.3f} |"
        )
    lines += ["", "## Recall by category", ""]
    lines += _table("category", reports[0].recall_by_category, reports, "recall_by_category")
    lines += ["", "## Recall by language", ""]
    lines += _table("language", reports[0].recall_by_lang, reports, "recall_by_lang")
    lines += ["", "## False alarms by kind of non-crisis message", ""]
    lines += _table("kind", reports[0].false_alarms_by_kind, reports, "false_alarms_by_kind")
    lines += ["", "## False alarms by language", ""]
    lines += _table("language", reports[0].false_alarms_by_lang, reports, "false_alarms_by_lang")
    for report in reports:
        lines += ["", f"## Misses: {report.name} ({len(report.misses)})", ""]
        lines += [f"- [{m.lang}, {m.label}] {m.text}" for m in report.misses] or ["- none"]
        lines += ["", f"## False alarms: {report.name} ({len(report.false_alarm_items)})", ""]
        lines += [
            f"- [{item.lang}, {item.label}] {item.text} — *{reason}*"
            for item, reason in report.false_alarm_items
        ] or ["- none"]
    if thresholds:
        lines += render_thresholds(thresholds)
    if heldout is not None:
        lines += render_heldout(heldout)
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-set", type=Path, default=EVAL_SET)
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--nlu-heldout", type=Path, default=NLU_HELDOUT)
    parser.add_argument("--guard-only", action="store_true")
    args = parser.parse_args(argv)

    items = load_eval_set(args.eval_set)
    guard = evaluate("guard alone", items, guard_detector())
    reports = [guard]
    thresholds: list[tuple[float, Report, Report]] = []
    note = ""
    if args.guard_only:
        note = "Guard alone (run with `--guard-only`); the NLU model was not evaluated."
    elif not args.model.exists():
        note = f"No trained model at `{_shown(args.model)}`: guard alone only."
    else:
        try:
            results = parse_with_model(args.model, [item.text for item in items])
        except ImportError:
            note = "Rasa is not importable here (use .venv-bot): guard alone only."
        else:
            detect_guard = guard_detector()
            for threshold in THRESHOLDS:
                nlu = nlu_detector(results, threshold)
                nlu_report = evaluate("NLU alone", items, nlu)
                both_report = evaluate("guard + NLU", items, either(detect_guard, nlu))
                thresholds.append((threshold, nlu_report, both_report))
            reports += [thresholds[0][1], thresholds[0][2]]
            note = (
                f"Model: `{_shown(args.model)}` (CrisisOverride switched off for "
                "'NLU alone' with KYNNYS_CRISIS_OVERRIDE=off)."
            )
    heldout = None
    if args.nlu_heldout.exists():
        heldout = evaluate("guard alone", load_nlu_heldout(args.nlu_heldout), guard_detector())
    args.output.write_text(render(reports, note, items, heldout, thresholds), encoding="utf-8")
    for report in reports:
        print(
            f"{report.name:12s} recall {_pct(report.recall)}  false alarms "
            f"{_pct(report.false_alarms)}  precision {report.precision:.3f}"
        )
    if heldout is not None:
        print(
            f"NLU held-out, guard alone: recall {_pct(heldout.recall)}  false alarms "
            f"{_pct(heldout.false_alarms)}"
        )
    if note:
        print(note)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
