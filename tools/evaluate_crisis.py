"""Evaluate crisis detection on the crisis evaluation sets and write docs/crisis-evaluation.md.

The sets (tests/crisis/README.md and DEFAULT_SETS below): `eval_fresh21.yml` + `eval_fresh22.yml`,
written blind and never tuned on (the final figures, reported together), and the pairs from
`eval_fresh19.yml` + `eval_fresh20.yml` down to `eval_fresh5.yml` + `eval_fresh6.yml` (each pair
reported together), `eval_fresh4.yml`, `eval_fresh3.yml`, `eval_fresh2.yml`, `eval_fresh.yml`,
`eval_dev2.yml` and `eval_set.yml`, written blind too but since tuned against (development
sets). For each set, four detectors:

- guard alone: the lexicon (kynnys.crisis);
- NLU alone: the model's top intent is `crisis`, with the CrisisOverride switched off through
  KYNNYS_CRISIS_OVERRIDE=off (an evaluation-only switch);
- guard + NLU (alarm): the deployed pipeline with the override on; a message counts when its
  parse result says crisis_level "alarm" (the guard fired, or the model is at least
  alarm_threshold sure): emergency numbers, front of the queue, volunteers alerted;
- guard + NLU (alarm or check-in): also the messages that get the gentle check-in (the model
  alone suspected a crisis and was unsure): 112 and the 24/7 line in a question, no alert.

    PYTHONPATH=. .venv-bot/bin/python tools/evaluate_crisis.py            # all of it
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
from dataclasses import dataclass
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
CRISIS_SETS = ROOT / "tests" / "crisis"
# The sets in report order, newest first: (title, files). Each pair: two authors, two angles,
# reported together. A new final pair goes on top and the old one becomes the next development set.
DEFAULT_SETS: tuple[tuple[str, tuple[Path, ...]], ...] = tuple(
    (title, tuple(CRISIS_SETS / name for name in names))
    for title, names in (
        ("final (blind)", ("eval_fresh21.yml", "eval_fresh22.yml")),
        ("development 14", ("eval_fresh19.yml", "eval_fresh20.yml")),
        ("development 13", ("eval_fresh17.yml", "eval_fresh18.yml")),
        ("development 12", ("eval_fresh15.yml", "eval_fresh16.yml")),
        ("development 11", ("eval_fresh13.yml", "eval_fresh14.yml")),
        ("development 10", ("eval_fresh11.yml", "eval_fresh12.yml")),
        ("development 9", ("eval_fresh9.yml", "eval_fresh10.yml")),
        ("development 8", ("eval_fresh7.yml", "eval_fresh8.yml")),
        ("development 7", ("eval_fresh5.yml", "eval_fresh6.yml")),
        ("development 6", ("eval_fresh4.yml",)),
        ("development 5", ("eval_fresh3.yml",)),
        ("development 4", ("eval_fresh2.yml",)),
        ("development 3", ("eval_fresh.yml",)),
        ("development 2", ("eval_dev2.yml",)),
    )
) + (("development 1", (EVAL_SET,)),)
OUTPUT = ROOT / "docs" / "crisis-evaluation.md"
RECALL_TARGET = 0.99
FALSE_ALARM_TARGET = 0.05


TRUST_NOTE = (
    "**How far to trust each set.** Every set was written blind: by someone who had not seen",
    "the lexicon or the NLU data. A set stops being blind once anyone changes the detectors",
    "after reading its misses; from then on it is a development set and its figures are",
    "optimistic. `tests/crisis/README.md` records which set is in which state. Only the set",
    "marked *final (blind)* estimates how the detectors do on messages nobody has seen.",
)

THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)


@dataclass(frozen=True)
class Parsed:
    intent: str  # top intent with the override off (the model alone)
    confidence: float
    level: str | None  # crisis_level with the override on (the deployed pipeline)


def parse_with_model(model: Path, texts: list[str]) -> dict[str, Parsed]:
    """Each text parsed twice by one loaded model: override off (model alone), then on."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse_all() -> dict[str, Parsed]:
        alone: dict[str, tuple[str, float]] = {}
        os.environ["KYNNYS_CRISIS_OVERRIDE"] = "off"
        for text in texts:
            intent = (await agent.parse_message(text)).get("intent") or {}
            alone[text] = (str(intent.get("name")), float(intent.get("confidence") or 0.0))
        os.environ["KYNNYS_CRISIS_OVERRIDE"] = "on"
        results: dict[str, Parsed] = {}
        for text in texts:
            level = (await agent.parse_message(text)).get("crisis_level")
            results[text] = Parsed(*alone[text], str(level) if level else None)
        return results

    try:
        return asyncio.run(parse_all())
    finally:
        os.environ["KYNNYS_CRISIS_OVERRIDE"] = "on"


def level_detector(
    results: dict[str, Parsed], levels: tuple[str, ...]
) -> Callable[[str], str | None]:
    """The deployed pipeline: flagged when the parse result's crisis_level is one of `levels`."""

    def detect(text: str) -> str | None:
        parsed = results[text]
        if parsed.level not in levels:
            return None
        return f"{parsed.level}; model {parsed.intent} {parsed.confidence:.2f}"

    return detect


def nlu_detector(
    results: dict[str, Parsed], threshold: float = 0.0
) -> Callable[[str], str | None]:
    """Crisis when the model's top intent is `crisis` with at least this confidence."""

    def detect(text: str) -> str | None:
        parsed = results[text]
        if parsed.intent == "crisis" and parsed.confidence >= threshold:
            return f"nlu {parsed.confidence:.2f}"
        return None

    return detect


def either(
    first: Callable[[str], str | None], second: Callable[[str], str | None]
) -> Callable[[str], str | None]:
    return lambda text: first(text) or second(text)


def render_thresholds(rows: list[tuple[float, Report, Report]]) -> list[str]:
    lines = [
        "",
        "### NLU confidence threshold",
        "",
        "How the alarm would change if the model's `crisis` only counted above a confidence",
        "(CrisisOverride's `alarm_threshold` in config.yml; the guard is unaffected). Threshold 0",
        "is the plain top intent. Below the threshold the deployed bot asks a gentle check-in",
        "question instead of raising an alarm.",
        "",
        "| threshold | NLU recall | NLU false alarms | guard + NLU recall | guard + NLU false alarms |",
        "|---:|---:|---:|---:|---:|",
    ]
    for threshold, nlu, both in rows:
        lines.append(
            f"| {threshold:.2f} | {_pct(nlu.recall)} | {_pct(nlu.false_alarms)} | "
            f"{_pct(both.recall)} | {_pct(both.false_alarms)} |"
        )
    return lines


@dataclass
class SetResult:
    title: str
    paths: tuple[Path, ...]
    items: list[EvalItem]
    reports: list[Report]
    thresholds: list[tuple[float, Report, Report]]


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


def render_set(result: SetResult) -> list[str]:
    reports = result.reports
    crisis_count = sum(item.crisis for item in result.items)
    lines = [
        "",
        f"## {result.title}: " + " + ".join(f"`{_shown(path)}`" for path in result.paths),
        "",
        f"{crisis_count} crisis and {len(result.items) - crisis_count} non-crisis messages.",
        "",
        "### Recall by category",
        "",
    ]
    lines += _table("category", reports[0].recall_by_category, reports, "recall_by_category")
    lines += ["", "### Recall by language", ""]
    lines += _table("language", reports[0].recall_by_lang, reports, "recall_by_lang")
    lines += ["", "### False alarms by kind of non-crisis message", ""]
    lines += _table("kind", reports[0].false_alarms_by_kind, reports, "false_alarms_by_kind")
    lines += ["", "### False alarms by language", ""]
    lines += _table("language", reports[0].false_alarms_by_lang, reports, "false_alarms_by_lang")
    for report in reports:
        lines += ["", f"### Misses: {report.name} ({len(report.misses)})", ""]
        lines += [f"- [{m.lang}, {m.label}] {m.text}" for m in report.misses] or ["- none"]
        lines += ["", f"### Flagged non-crisis: {report.name} ({len(report.false_alarm_items)})", ""]
        lines += [
            f"- [{item.lang}, {item.label}] {item.text} — *{reason}*"
            for item, reason in report.false_alarm_items
        ] or ["- none"]
    if result.thresholds:
        lines += render_thresholds(result.thresholds)
    return lines


def render(results: list[SetResult], note: str, heldout: Report | None = None) -> str:
    lines = [
        "# Crisis detection: evaluation",
        "",
        f"Generated by `tools/evaluate_crisis.py` on {dt.date.today().isoformat()}. The sets are "
        "described in `tests/crisis/README.md`: fi/sv/en chat messages, written independently of "
        "the lexicon and the NLU data, never trained on.",
        "",
        note,
        "",
        f"Targets: recall ≥ {RECALL_TARGET} with guard and NLU together; false alarms on "
        f"non-crisis ≤ {FALSE_ALARM_TARGET}.",
        "",
        "**Alarm and check-in.** An *alarm* is what the issue calls a crisis: 112 and the 24/7",
        "line at once, the chat to the front of the queue, every volunteer on shift alerted. It",
        "happens when the guard fires or the model is sure (`alarm_threshold`). When only the",
        "model suspects a crisis and is unsure, the bot answers with a gentle *check-in*: it asks",
        "whether the young person is in danger now, gives 112 and the 24/7 line in the same",
        "message and offers an \"I'm in danger now\" button (an alarm); no volunteer is alerted.",
        "The last row counts both, so no flagged message is left without the numbers.",
        "",
        *TRUST_NOTE,
        "",
        "## Summary",
        "",
        "| set | detector | recall | false-alarm rate | precision |",
        "|---|---|---:|---:|---:|",
    ]
    for result in results:
        for report in result.reports:
            lines.append(
                f"| {result.title} | {report.name} | {_pct(report.recall)} | "
                f"{_pct(report.false_alarms)} | {report.precision:.3f} |"
            )
    for result in results:
        lines += render_set(result)
    if heldout is not None:
        lines += render_heldout(heldout)
    return "\n".join(lines) + "\n"


def evaluate_set(
    title: str, paths: tuple[Path, ...], model: Path | None
) -> tuple[SetResult, str]:
    items = [item for path in paths for item in load_eval_set(path)]
    detect_guard = guard_detector()
    result = SetResult(title, paths, items, [evaluate("guard alone", items, detect_guard)], [])
    if model is None:
        return result, ""
    if not model.exists():
        return result, f"No trained model at `{_shown(model)}`: guard alone only."
    try:
        parsed = parse_with_model(model, [item.text for item in items])
    except ImportError:
        return result, "Rasa is not importable here (use .venv-bot): guard alone only."
    for threshold in THRESHOLDS:
        nlu = nlu_detector(parsed, threshold)
        result.thresholds.append((
            threshold,
            evaluate("NLU alone", items, nlu),
            evaluate("guard + NLU", items, either(detect_guard, nlu)),
        ))
    result.reports += [
        result.thresholds[0][1],
        evaluate("guard + NLU (alarm)", items, level_detector(parsed, ("alarm",))),
        evaluate("guard + NLU (alarm or check-in)", items,
                 level_detector(parsed, ("alarm", "check"))),
    ]
    note = (
        f"Model: `{_shown(model)}` (CrisisOverride switched off for 'NLU alone' with "
        "KYNNYS_CRISIS_OVERRIDE=off, on for the rows 'guard + NLU')."
    )
    return result, note


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval-set", action="append",
                        help="an evaluation set (repeatable; join files into one set with '+'); "
                             "default: the final set, then the development sets")
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--nlu-heldout", type=Path, default=NLU_HELDOUT)
    parser.add_argument("--guard-only", action="store_true")
    args = parser.parse_args(argv)

    if args.eval_set:
        sets = []
        for joined in args.eval_set:
            paths = tuple(Path(part) for part in joined.split("+"))
            sets.append((" + ".join(path.stem for path in paths), paths))
    else:
        sets = list(DEFAULT_SETS)
        sets = [(title, paths) for title, paths in sets if all(p.exists() for p in paths)]
    results: list[SetResult] = []
    note = "Guard alone (run with `--guard-only`); the NLU model was not evaluated."
    for title, paths in sets:
        result, set_note = evaluate_set(title, paths, None if args.guard_only else args.model)
        results.append(result)
        note = set_note or note
    heldout = None
    if args.nlu_heldout.exists():
        heldout = evaluate("guard alone", load_nlu_heldout(args.nlu_heldout), guard_detector())
    args.output.write_text(render(results, note, heldout), encoding="utf-8")
    for result in results:
        for report in result.reports:
            print(
                f"{result.title[:18]:18s} {report.name:32s} recall {_pct(report.recall)}  "
                f"false alarms {_pct(report.false_alarms)}  precision {report.precision:.3f}"
            )
    if heldout is not None:
        print(
            f"NLU held-out, guard alone: recall {_pct(heldout.recall)}  false alarms "
            f"{_pct(heldout.false_alarms)}"
        )
    print(note)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
