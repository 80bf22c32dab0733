"""Evaluate crisis detection on the crisis evaluation sets and write docs/crisis-evaluation.md.

The sets (tests/crisis/README.md and DEFAULT_SETS below): `eval_fresh47.yml` … `eval_fresh54.yml`,
written blind and never tuned on or trained on (the final figures, reported together). The
earlier sets were measured blind once each and are now training data of the crisis classifier
(`data/crisis/examples/`), so they are not reported here: figures on them would be in-sample.
For each set, four detectors:

- guard alone: the lexicon (kynnys.crisis);
- NLU alone: with the CrisisOverride switched off through KYNNYS_CRISIS_OVERRIDE=off (an
  evaluation-only switch), the crisis classifier's `crisis_score` is at least the alarm
  threshold (config.yml); for a model without that classifier, the top intent is `crisis`;
- guard + NLU (alarm): the deployed pipeline with the override on; a message counts when its
  parse result says crisis_level "alarm" (the guard fired and the crisis classifier did not
  score the message below guard_check_below, or the model is at least alarm_threshold sure):
  emergency numbers, front of the queue, volunteers alerted;
- guard + NLU (alarm or check-in): also the messages that get the gentle check-in (the model
  suspected a crisis and was unsure, or doubted the guard's hit): 112 and the 24/7 line in a
  question, no alert.

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
# The sets in report order: (title, files), files reported together. Eight authors, eight angles.
# Once measured and read, a set moves to data/crisis/examples/ (training data) and new blind
# sets take its place here.
DEFAULT_SETS: tuple[tuple[str, tuple[Path, ...]], ...] = tuple(
    (title, tuple(CRISIS_SETS / name for name in names))
    for title, names in (
        ("final (blind)", ("eval_fresh47.yml", "eval_fresh48.yml", "eval_fresh49.yml",
                           "eval_fresh50.yml", "eval_fresh51.yml", "eval_fresh52.yml",
                           "eval_fresh53.yml", "eval_fresh54.yml")),
    )
)
OUTPUT = ROOT / "docs" / "crisis-evaluation.md"
RECALL_TARGET = 0.99
FALSE_ALARM_TARGET = 0.05


TRUST_NOTE = (
    "**How far to trust each set.** Every set was written blind: by someone who had not seen",
    "the lexicon or the NLU data. A set stops being blind once anyone changes the detectors",
    "after reading its misses. Measured sets move to `data/crisis/examples/`, where the crisis",
    "classifier learns from them, so they are no longer reported here.",
    "`tests/crisis/README.md` records which set is in which state. Only the set marked",
    "*final (blind)* estimates how the detectors do on messages nobody has seen.",
)

THRESHOLDS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95)  # the intent model's crisis confidence
SCORE_THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)  # the crisis classifier's score
CONFIG = ROOT / "config.yml"


def alarm_threshold(config: Path = CONFIG) -> float:
    """CrisisOverride's alarm_threshold in config.yml (its default when not set)."""
    import yaml

    from bot.crisis_override import DEFAULT_ALARM_THRESHOLD

    pipeline = (yaml.safe_load(config.read_text(encoding="utf-8")) or {}).get("pipeline") or []
    for component in pipeline:
        if str(component.get("name", "")).endswith("CrisisOverride"):
            return float(component.get("alarm_threshold", DEFAULT_ALARM_THRESHOLD))
    return DEFAULT_ALARM_THRESHOLD


@dataclass(frozen=True)
class Parsed:
    intent: str  # top intent with the override off (the model alone)
    confidence: float
    level: str | None  # crisis_level with the override on (the deployed pipeline)
    score: float | None = None  # the crisis classifier's crisis_score, when the model has one


def parse_with_model(model: Path, texts: list[str]) -> dict[str, Parsed]:
    """Each text parsed twice by one loaded model: override off (model alone), then on."""
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))

    async def parse_all() -> dict[str, Parsed]:
        alone: dict[str, tuple[str, float, float | None]] = {}
        os.environ["KYNNYS_CRISIS_OVERRIDE"] = "off"
        for text in texts:
            result = await agent.parse_message(text)
            intent = result.get("intent") or {}
            score = result.get("crisis_score")
            alone[text] = (str(intent.get("name")), float(intent.get("confidence") or 0.0),
                           float(score) if isinstance(score, (int, float)) else None)
        os.environ["KYNNYS_CRISIS_OVERRIDE"] = "on"
        results: dict[str, Parsed] = {}
        for text in texts:
            level = (await agent.parse_message(text)).get("crisis_level")
            name, confidence, score = alone[text]
            results[text] = Parsed(name, confidence, str(level) if level else None, score)
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
    """Crisis when the crisis classifier's score is at least `threshold`; for a model without
    that classifier, when the top intent is `crisis` with at least this confidence."""

    def detect(text: str) -> str | None:
        parsed = results[text]
        if parsed.score is not None:
            return f"crisis score {parsed.score:.2f}" if parsed.score >= threshold else None
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
        "How the alarm would change if the model side of a crisis only counted from a threshold",
        "up (CrisisOverride's `alarm_threshold` in config.yml; the guard is unaffected): the",
        "crisis classifier's `crisis_score`, or for a model without it the intent model's",
        "`crisis` confidence (threshold 0 is then its plain top intent). Below the threshold the",
        "deployed bot asks a gentle check-in question instead of raising an alarm.",
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
        "happens when the guard fires or the model is sure (`alarm_threshold`). When the model",
        "suspects a crisis and is unsure, or is all but sure that a guard hit is safe",
        "(`guard_check_below`), the bot answers with a gentle *check-in*: it asks whether the",
        "young person is in danger now, gives 112 and the 24/7 line in the same message and",
        "offers an \"I'm in danger now\" button (an alarm); no volunteer is alerted.",
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
    scored = any(p.score is not None for p in parsed.values())
    for threshold in SCORE_THRESHOLDS if scored else THRESHOLDS:
        nlu = nlu_detector(parsed, threshold)
        result.thresholds.append((
            threshold,
            evaluate("NLU alone", items, nlu),
            evaluate("guard + NLU", items, either(detect_guard, nlu)),
        ))
    nlu_alone = (
        evaluate("NLU alone", items, nlu_detector(parsed, alarm_threshold()))
        if scored else result.thresholds[0][1]
    )
    result.reports += [
        nlu_alone,
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
