"""NLU evaluation on the held-out set: trains (or loads) models, parses every held-out message,
writes docs/nlu-evaluation.md (per-intent precision/recall/F1, macro F1, crisis recall,
municipality entities, confusions, misclassified examples, pipeline comparison).

  PYTHONPATH=. .venv-bot/bin/python tools/evaluate_nlu.py                 # train config.yml, evaluate
  PYTHONPATH=. .venv-bot/bin/python tools/evaluate_nlu.py --model models/kynnys.tar.gz
  PYTHONPATH=. .venv-bot/bin/python tools/evaluate_nlu.py --compare       # + every variant below
  PYTHONPATH=. .venv-bot/bin/python tools/evaluate_nlu.py --compare --reuse   # rewrite the doc from
                                                                           # results/nlu-eval/*.json

The held-out file (tests/nlu/heldout.yml) is written by someone else and is never trained on:
this tool only reads it.
"""

from __future__ import annotations

import argparse
import asyncio
import copy
import json
import logging
import os
import re
import resource
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "results" / "nlu-eval"
FALLBACK = "nlu_fallback"
CRISIS = "crisis"

# ---------------------------------------------------------------- pipeline variants


def _replace(pipeline: list[dict[str, Any]], name: str, new: dict[str, Any] | None) -> None:
    for i, component in enumerate(pipeline):
        if component["name"].endswith(name):
            if new is None:
                del pipeline[i]
            else:
                pipeline[i] = new
            return
    raise KeyError(name)


def _no_lemmas(p: list[dict[str, Any]]) -> None:
    _replace(p, "FinnishTokenizer", {"name": "WhitespaceTokenizer"})


def _voikko_lemmas(p: list[dict[str, Any]]) -> None:
    _replace(p, "FinnishTokenizer", {"name": "bot.finnish_tokenizer.FinnishTokenizer",
                                     "lemmatizer": "simplemma+voikko"})


def _spoken_only(p: list[dict[str, Any]]) -> None:
    _replace(p, "FinnishTokenizer", {"name": "bot.finnish_tokenizer.FinnishTokenizer",
                                     "lemmatizer": "spoken"})


def _simplemma(p: list[dict[str, Any]]) -> None:
    _replace(p, "FinnishTokenizer", {"name": "bot.finnish_tokenizer.FinnishTokenizer",
                                     "lemmatizer": "simplemma"})


def _raw_and_lemma_words(p: list[dict[str, Any]]) -> None:
    for i, component in enumerate(p):
        if component.get("analyzer") == "word":
            p.insert(i, {"name": "CountVectorsFeaturizer", "analyzer": "word", "use_lemma": False})
            return


def _char_1_4(p: list[dict[str, Any]]) -> None:
    for component in p:
        if component.get("analyzer") == "char_wb":
            component.update(min_ngram=1, max_ngram=4)


def _plain_lr(p: list[dict[str, Any]]) -> None:
    _replace(p, "TfidfIntentClassifier",
             {"name": "LogisticRegressionClassifier", "max_iter": 300, "random_state": 1})


def _diet(p: list[dict[str, Any]]) -> None:
    _replace(p, "TfidfIntentClassifier",
             {"name": "DIETClassifier", "epochs": 40, "entity_recognition": False,
              "constrain_similarities": True, "random_seed": 1})


def _no_words(p: list[dict[str, Any]]) -> None:
    for i, component in enumerate(p):
        if component.get("analyzer") == "word":
            del p[i]
            return


VARIANTS: dict[str, tuple[str, Callable[[list[dict[str, Any]]], None] | None]] = {
    "chosen": ("config.yml: FinnishTokenizer with spoken-form normalisation, word (normalised) "
               "+ char_wb 2–5, logistic regression on tf-idf (C 100)", None),
    "no-lemmas": ("WhitespaceTokenizer (no lemmas, no spoken forms), word + char_wb 2–5",
                  _no_lemmas),
    "voikko": ("lemmas from spoken forms + simplemma, Voikko for words simplemma leaves",
               _voikko_lemmas),
    "spoken": ("lemmas from the spoken-form list only (no simplemma)", _spoken_only),
    "simplemma": ("lemmas from spoken forms + simplemma", _simplemma),
    "raw+lemmas": ("as chosen plus a word featurizer on the surface words", _raw_and_lemma_words),
    "char-1-4": ("as chosen, char_wb 1–4 instead of 2–5", _char_1_4),
    "char-only": ("as chosen without the word-level (lemma) featurizer", _no_words),
    "plain-lr": ("as chosen, Rasa's LogisticRegressionClassifier on raw counts (stops 5–8)",
                 _plain_lr),
    "diet": ("as chosen, DIETClassifier (40 epochs) instead of logistic regression", _diet),
}

# ---------------------------------------------------------------- held-out data


@dataclass
class Example:
    text: str
    intent: str
    language: str
    municipalities: list[str] = field(default_factory=list)


_ANNOTATION = re.compile(r"\[([^\]]+)\](\(([^)]*)\)|\{([^}]*)\})")


def _strip_annotations(line: str) -> tuple[str, list[str]]:
    values: list[str] = []

    def replace(match: re.Match[str]) -> str:
        surface = match.group(1)
        if match.group(3) is not None:
            entity, _, value = match.group(3).partition(":")
            if entity == "municipality":
                values.append(value or surface)
        else:
            spec = json.loads("{" + match.group(4) + "}")
            if spec.get("entity") == "municipality":
                values.append(spec.get("value", surface))
        return surface

    return _ANNOTATION.sub(replace, line), values


def load_examples(path: Path) -> list[Example]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    examples: list[Example] = []
    for block in data.get("nlu", []):
        if "intent" not in block:
            continue
        metadata = block.get("metadata") or {}
        language = metadata.get("lang") or metadata.get("language") or "fi"
        for line in str(block.get("examples", "")).splitlines():
            line = line.strip()
            if not line.startswith("- "):
                continue
            text, values = _strip_annotations(line[2:].strip())
            examples.append(Example(text, block["intent"], language, values))
    return examples


# ---------------------------------------------------------------- train and parse


def derived_config(variant: str) -> dict[str, Any]:
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    change = VARIANTS[variant][1]
    if change:
        pipeline = copy.deepcopy(config["pipeline"])
        change(pipeline)
        config["pipeline"] = pipeline
    return config


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def train(variant: str) -> tuple[Path, float, float]:
    out = RESULTS / variant
    out.mkdir(parents=True, exist_ok=True)
    config_path = out / "config.yml"
    config_path.write_text(yaml.safe_dump(derived_config(variant), sort_keys=False,
                                          allow_unicode=True), encoding="utf-8")
    rasa = ROOT / ".venv-bot" / "bin" / "rasa"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    started, cpu_started = time.monotonic(), _children_cpu()
    result = subprocess.run(
        [str(rasa), "train", "nlu", "--config", str(config_path), "--nlu", str(ROOT / "data" / "nlu"),
         "--out", str(out), "--fixed-model-name", "nlu", "--quiet"],
        cwd=ROOT, env=env, capture_output=True, text=True,
    )
    seconds, cpu_seconds = time.monotonic() - started, _children_cpu() - cpu_started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-3000:] + result.stderr[-3000:])
        raise SystemExit(f"training {variant} failed")
    return out / "nlu.tar.gz", seconds, cpu_seconds


def parse_all(model: Path, texts: list[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """Parse results as deployed, and the intents with the crisis override switched off."""
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings

    configure_logging_and_warnings(logging.ERROR)
    agent = Agent.load(str(model))

    async def run() -> list[dict[str, Any]]:
        return [await agent.parse_message(text) for text in texts]

    deployed = asyncio.run(run())
    os.environ["KYNNYS_CRISIS_OVERRIDE"] = "off"  # bot/crisis_override.py: evaluation only
    try:
        model_alone = [p["intent"]["name"] for p in asyncio.run(run())]
    finally:
        os.environ.pop("KYNNYS_CRISIS_OVERRIDE", None)
    return deployed, model_alone


# ---------------------------------------------------------------- metrics


@dataclass
class Result:
    variant: str
    description: str
    train_seconds: float | None
    train_cpu_seconds: float | None
    examples: int
    accuracy: float
    macro_f1: float
    macro_f1_raw: float
    crisis_recall: float
    crisis_recall_model_alone: float
    crisis_false_alarms: int
    fallbacks: int
    per_intent: dict[str, dict[str, float]]
    per_language: dict[str, float]
    municipality: dict[str, float]
    confusions: list[tuple[str, str, int]]
    misclassified: list[dict[str, Any]]


def _prf(gold: list[str], predicted: list[str], labels: list[str]) -> dict[str, dict[str, float]]:
    scores: dict[str, dict[str, float]] = {}
    for label in labels:
        tp = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p == label)
        fp = sum(1 for g, p in zip(gold, predicted, strict=True) if g != label and p == label)
        fn = sum(1 for g, p in zip(gold, predicted, strict=True) if g == label and p != label)
        precision = tp / (tp + fp) if tp + fp else 0.0
        recall = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = {"precision": precision, "recall": recall, "f1": f1, "support": tp + fn}
    return scores


def _macro(scores: dict[str, dict[str, float]]) -> float:
    return sum(s["f1"] for s in scores.values()) / len(scores) if scores else 0.0


def evaluate(variant: str, model: Path, train_seconds: float | None,
             train_cpu_seconds: float | None, examples: list[Example]) -> Result:
    parsed, model_alone = parse_all(model, [e.text for e in examples])
    gold = [e.intent for e in examples]
    predicted = [p["intent"]["name"] for p in parsed]
    raw = [next((r["name"] for r in p.get("intent_ranking", []) if r["name"] != FALLBACK),
                p["intent"]["name"]) for p in parsed]
    labels = sorted(set(gold))
    per_intent = _prf(gold, predicted, labels)
    per_language: dict[str, float] = {}
    for language in sorted({e.language for e in examples}):
        idx = [i for i, e in enumerate(examples) if e.language == language]
        per_language[language] = _macro(_prf([gold[i] for i in idx], [predicted[i] for i in idx],
                                             sorted({gold[i] for i in idx})))
    tp = fp = fn = 0
    for example, p in zip(examples, parsed, strict=True):
        found = [e["value"] for e in p.get("entities", []) if e["entity"] == "municipality"]
        for value in found:
            if value in example.municipalities:
                tp += 1
            else:
                fp += 1
        fn += sum(1 for value in example.municipalities if value not in found)
    municipality = {"precision": tp / (tp + fp) if tp + fp else 0.0,
                    "recall": tp / (tp + fn) if tp + fn else 0.0, "gold": tp + fn}
    confusions = Counter((g, p) for g, p in zip(gold, predicted, strict=True) if g != p)
    misclassified = [
        {"text": e.text, "language": e.language, "gold": e.intent, "predicted": p["intent"]["name"],
         "confidence": round(float(p["intent"].get("confidence") or 0.0), 2)}
        for e, p in zip(examples, parsed, strict=True) if e.intent != p["intent"]["name"]
    ]
    crisis = per_intent.get(CRISIS, {"recall": 0.0})
    return Result(
        variant=variant, description=VARIANTS.get(variant, (variant, None))[0],
        train_seconds=train_seconds, train_cpu_seconds=train_cpu_seconds, examples=len(examples),
        accuracy=sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold),
        macro_f1=_macro(per_intent), macro_f1_raw=_macro(_prf(gold, raw, labels)),
        crisis_recall=crisis["recall"],
        crisis_recall_model_alone=_prf(gold, model_alone, [CRISIS])[CRISIS]["recall"],
        crisis_false_alarms=sum(1 for g, p in zip(gold, predicted, strict=True) if p == CRISIS and g != CRISIS),
        fallbacks=sum(1 for p in predicted if p == FALLBACK),
        per_intent=per_intent, per_language=per_language, municipality=municipality,
        confusions=[(g, p, n) for (g, p), n in confusions.most_common(15)],
        misclassified=misclassified,
    )


# ---------------------------------------------------------------- report


def _pct(value: float) -> str:
    return f"{value:.3f}"


def _seconds(result: Result) -> str:
    if not result.train_seconds:
        return "–"
    return f"{result.train_seconds:.0f} / {result.train_cpu_seconds or 0:.0f}"


def _git_commit() -> str:
    result = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True)
    return result.stdout.strip() or "unknown"


def write_report(main: Result, others: list[Result], heldout: Path, examples: list[Example],
                 model_label: str, out: Path) -> None:
    counts = Counter(e.intent for e in examples)
    fi_counts = Counter(e.intent for e in examples if e.language == "fi")
    languages = Counter(e.language for e in examples)
    lines = [
        "# NLU evaluation on the held-out set",
        "",
        f"Generated by `tools/evaluate_nlu.py` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"commit `{_git_commit()}`, {os.cpu_count()} CPU cores. Model: {model_label}.",
        "",
        f"Held-out set: `{heldout.relative_to(ROOT)}` — {len(examples)} messages "
        f"({', '.join(f'{n} {lang}' for lang, n in sorted(languages.items()))}), "
        f"{len(counts)} intents, {min(fi_counts.values()) if fi_counts else 0}–"
        f"{max(fi_counts.values()) if fi_counts else 0} Finnish messages per intent. "
        "Written independently of the training data (see `tests/nlu/README.md`); never trained on.",
        "",
        "Training times are wall clock / CPU seconds of `rasa train nlu` on this machine, which "
        "other jobs shared while it ran: compare the CPU seconds.",
        "",
        "Scores are for the pipeline as deployed: a message the FallbackClassifier sends to "
        "`nlu_fallback` counts as wrong for its intent. \"raw\" is the same model's top intent "
        "ignoring the fallback.",
        "",
        "## Summary",
        "",
        "| measure | value | target |",
        "|---|---|---|",
        f"| macro F1 (19 intents) | **{_pct(main.macro_f1)}** | ≥ 0.90 |",
        f"| crisis recall | **{_pct(main.crisis_recall)}** | ≥ 0.98 |",
        f"| crisis recall of the model alone (CrisisOverride off) | "
        f"{_pct(main.crisis_recall_model_alone)} | |",
        f"| accuracy | {_pct(main.accuracy)} | |",
        f"| macro F1 raw (without fallback) | {_pct(main.macro_f1_raw)} | |",
        f"| messages sent to nlu_fallback | {main.fallbacks} | |",
        f"| non-crisis messages predicted crisis | {main.crisis_false_alarms} | |",
        "| macro F1 per language | "
        + ", ".join(f"{lang} {_pct(v)}" for lang, v in main.per_language.items()) + " | |",
        f"| municipality entity precision / recall | {_pct(main.municipality['precision'])} / "
        f"{_pct(main.municipality['recall'])} ({int(main.municipality['gold'])} gold) | |",
        f"| training time (rasa train nlu), wall / CPU | {_seconds(main)} | |",
        "",
        "## Per intent",
        "",
        "| intent | precision | recall | F1 | support |",
        "|---|---|---|---|---|",
    ]
    for intent, s in sorted(main.per_intent.items()):
        lines.append(f"| {intent} | {_pct(s['precision'])} | {_pct(s['recall'])} | "
                     f"{_pct(s['f1'])} | {int(s['support'])} |")
    if others:
        lines += [
            "",
            "## Pipelines compared",
            "",
            "Each variant is `config.yml` with one change, trained with `rasa train nlu` on the "
            "same data on this machine and evaluated on the same held-out set.",
            "",
            "| variant | what changes | train s (wall / CPU) | macro F1 | macro F1 raw | "
            "crisis recall (model alone) | fi macro F1 | fallbacks |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in [main] + others:
            lines.append(
                f"| {r.variant} | {r.description} | {_seconds(r)} | {_pct(r.macro_f1)} | "
                f"{_pct(r.macro_f1_raw)} | {_pct(r.crisis_recall)} "
                f"({_pct(r.crisis_recall_model_alone)}) | "
                f"{_pct(r.per_language.get('fi', 0.0))} | {r.fallbacks} |")
    lines += ["", "## Most frequent confusions", "", "| gold | predicted | n |", "|---|---|---|"]
    lines += [f"| {g} | {p} | {n} |" for g, p, n in main.confusions]
    lines += ["", "## Misclassified messages", "",
              "| language | gold | predicted | confidence | message |", "|---|---|---|---|---|"]
    by_gold: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for m in main.misclassified:
        by_gold[m["gold"]].append(m)
    for gold in sorted(by_gold):
        for m in by_gold[gold]:
            text = m["text"].replace("|", "\\|")
            lines.append(f"| {m['language']} | {m['gold']} | {m['predicted']} | "
                         f"{m['confidence']:.2f} | {text} |")
    lines.append("")
    out.write_text("\n".join(lines), encoding="utf-8")


# ---------------------------------------------------------------- main


def _save(result: Result) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{result.variant}.json").write_text(json.dumps(asdict(result), ensure_ascii=False,
                                                               indent=1), encoding="utf-8")


def _load(variant: str) -> Result | None:
    path = RESULTS / f"{variant}.json"
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    data["confusions"] = [tuple(c) for c in data["confusions"]]
    return Result(**data)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--model", type=Path, help="evaluate this model instead of training one")
    parser.add_argument("--heldout", type=Path, default=ROOT / "tests" / "nlu" / "heldout.yml")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "nlu-evaluation.md")
    parser.add_argument("--compare", action="store_true", help="also train and evaluate variants")
    parser.add_argument("--variants", default=",".join(v for v in VARIANTS if v != "chosen"))
    parser.add_argument("--reuse", action="store_true", help="reuse saved results where present")
    args = parser.parse_args()
    examples = load_examples(args.heldout)

    def run(variant: str) -> Result:
        saved = _load(variant) if args.reuse else None
        if saved:
            return saved
        model, seconds, cpu_seconds = train(variant)
        print(f"{variant}: trained in {seconds:.0f} s ({cpu_seconds:.0f} s CPU)", flush=True)
        result = evaluate(variant, model, seconds, cpu_seconds, examples)
        _save(result)
        print(f"{variant}: macro F1 {result.macro_f1:.3f}, crisis recall {result.crisis_recall:.3f}",
              flush=True)
        return result

    if args.model:
        main_result = evaluate("chosen", args.model, None, None, examples)
        label = f"`{args.model}`"
    else:
        main_result = run("chosen")
        label = "trained from `config.yml` + `data/nlu/` by this tool"
    others = [run(v) for v in args.variants.split(",") if v] if args.compare else []
    write_report(main_result, others, args.heldout, examples, label, args.out)
    print(f"macro F1 {main_result.macro_f1:.3f}, crisis recall {main_result.crisis_recall:.3f} "
          f"-> {args.out}")


if __name__ == "__main__":
    main()
