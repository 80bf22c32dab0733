"""python -m editor.evaluate [--model PATH] [--root DIR] [--store-published]

Shows an editor what a change did to understanding: trains an NLU model on the current data
(or uses --model), parses every sentence of the independent held-out set tests/nlu/heldout.yml,
and writes var/reports/nlu-<time>.{md,html} with per-intent scores, a confusion-matrix picture,
the misclassified sentences and a comparison with the last published model's scores
(models/published-metrics.json, written by publish through --store-published).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import html
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from editor.files import REPO_ROOT, EditorFiles
from editor.nlu_data import read_examples

PUBLISHED_METRICS = Path("models") / "published-metrics.json"


@dataclass(frozen=True)
class Prediction:
    text: str
    language: str
    expected: str
    predicted: str
    confidence: float


def train_nlu(root: Path, out: Path) -> Path:
    """An NLU-only model of root's data (Rasa's cache makes repeated runs cheap)."""
    files = EditorFiles(root)
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), RASA_TELEMETRY_ENABLED="false",
               TF_CPP_MIN_LOG_LEVEL="3")
    env.setdefault("RASA_CACHE_DIRECTORY", str(REPO_ROOT / ".rasa" / "cache"))
    log = out / "train.log"
    with open(log, "w", encoding="utf-8") as handle:
        run = subprocess.run(
            [str(Path(sys.executable).with_name("rasa")), "train", "nlu", "--config",
             str(files.config), "--nlu", str(files.nlu_dir), "--out", str(out),
             "--fixed-model-name", "eval"], cwd=root, env=env, stdout=handle,
            stderr=subprocess.STDOUT)
    model = out / "eval.tar.gz"
    if run.returncode != 0 or not model.is_file():
        raise SystemExit(f"training failed, see {log}")
    return model


def predict(model: Path, heldout: Path) -> list[Prediction]:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    from rasa.core.agent import Agent

    agent = Agent.load(str(model))
    examples, problems = read_examples(heldout)
    if problems:
        raise SystemExit(str(problems[0]))

    async def run() -> list[Prediction]:
        result = []
        for example in examples:
            parsed = await agent.parse_message(example.plain)
            intent = parsed.get("intent") or {}
            result.append(Prediction(example.plain, example.language, example.intent,
                                     str(intent.get("name")), float(intent.get("confidence") or 0)))
        return result

    return asyncio.run(run())


def score(predictions: list[Prediction]) -> dict[str, Any]:
    from sklearn.metrics import precision_recall_fscore_support

    expected = [p.expected for p in predictions]
    predicted = [p.predicted for p in predictions]
    labels = sorted(set(expected))
    precision, recall, f1, support = precision_recall_fscore_support(
        expected, predicted, labels=labels, zero_division=0)
    per_intent = {label: {"precision": round(float(precision[i]), 4),
                          "recall": round(float(recall[i]), 4),
                          "f1": round(float(f1[i]), 4), "support": int(support[i])}
                  for i, label in enumerate(labels)}
    correct = sum(e == p for e, p in zip(expected, predicted, strict=True))
    by_language = {}
    for language in sorted({p.language for p in predictions}):
        items = [p for p in predictions if p.language == language]
        by_language[language] = round(sum(p.expected == p.predicted for p in items) / len(items), 4)
    crisis = [p for p in predictions if p.expected == "crisis"]
    return {
        "accuracy": round(correct / len(predictions), 4) if predictions else 0.0,
        "macro_f1": round(sum(v["f1"] for v in per_intent.values()) / len(per_intent), 4)
        if per_intent else 0.0,
        "crisis_recall": round(sum(p.predicted == "crisis" for p in crisis) / len(crisis), 4)
        if crisis else None,
        "by_language": by_language,
        "per_intent": per_intent,
        "examples": len(predictions),
    }


def confusion_png(predictions: list[Prediction], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from sklearn.metrics import confusion_matrix

    labels = sorted({p.expected for p in predictions} | {p.predicted for p in predictions})
    matrix = confusion_matrix([p.expected for p in predictions], [p.predicted for p in predictions],
                              labels=labels)
    size = max(6.0, 0.45 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size, size))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)))
    ax.set_yticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=90)
    ax.set_yticklabels(labels)
    ax.set_xlabel("predicted intent")
    ax.set_ylabel("correct intent (held-out set)")
    for i in range(len(labels)):
        for j in range(len(labels)):
            if matrix[i, j]:
                ax.text(j, i, str(matrix[i, j]), ha="center", va="center", fontsize=7,
                        color="white" if matrix[i, j] > matrix.max() / 2 else "black")
    ax.set_title("Confusion matrix")
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _delta(now: float, before: float | None) -> str:
    if before is None:
        return ""
    diff = now - before
    return f"{diff:+.3f}" if abs(diff) >= 0.0005 else "±0"


def render_markdown(metrics: dict[str, Any], published: dict[str, Any] | None,
                    predictions: list[Prediction], png_name: str, model: str) -> str:
    old_intents = (published or {}).get("per_intent", {})
    lines = [f"# NLU evaluation {metrics['when']}", "",
             f"Model: `{model}`. Held-out set: {metrics['examples']} sentences never used in training.",
             ""]
    if published:
        lines.append(f"Compared with the last published model `{published.get('model', '?')}` "
                     f"({published.get('when', '?')}).")
    else:
        lines.append("No published model metrics yet (models/published-metrics.json): no comparison.")
    lines += ["", "| | now | published | change |", "|---|---|---|---|"]
    for key in ("accuracy", "macro_f1", "crisis_recall"):
        now, before = metrics.get(key), (published or {}).get(key)
        if now is None:
            continue
        lines.append(f"| {key} | {now:.3f} | {'' if before is None else f'{before:.3f}'} | "
                     f"{_delta(now, before)} |")
    for language, value in metrics["by_language"].items():
        before = (published or {}).get("by_language", {}).get(language)
        lines.append(f"| accuracy ({language}) | {value:.3f} | "
                     f"{'' if before is None else f'{before:.3f}'} | {_delta(value, before)} |")
    lines += ["", "## Per intent", "",
              "| intent | precision | recall | F1 | F1 change | examples |",
              "|---|---|---|---|---|---|"]
    for intent, row in metrics["per_intent"].items():
        before = old_intents.get(intent, {}).get("f1")
        lines.append(f"| {intent} | {row['precision']:.3f} | {row['recall']:.3f} | {row['f1']:.3f} "
                     f"| {_delta(row['f1'], before)} | {row['support']} |")
    lines += ["", "## Confusion matrix", "", f"![confusion matrix]({png_name})", "",
              "## Misclassified sentences", "", "| sentence | language | correct | predicted | confidence |",
              "|---|---|---|---|---|"]
    for p in sorted((p for p in predictions if p.expected != p.predicted),
                    key=lambda p: (p.expected, p.predicted)):
        text = p.text.replace("|", "\\|")
        lines.append(f"| {text} | {p.language} | {p.expected} | {p.predicted} | {p.confidence:.2f} |")
    return "\n".join(lines) + "\n"


def render_html(markdown: str) -> str:
    """A small, dependency-free HTML version of the markdown report (tables, headings, image)."""
    body: list[str] = []
    in_table = False
    for line in markdown.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split(" | ")]
            if set(line) <= {"|", "-"}:
                continue
            if not in_table:
                body.append("<table>")
                in_table = True
                body.append("<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in cells) + "</tr>")
                continue
            body.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            body.append("</table>")
            in_table = False
        if line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("!["):
            src = line[line.index("(") + 1:-1]
            body.append(f'<img src="{html.escape(src)}" alt="confusion matrix">')
        elif line.strip():
            body.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        body.append("</table>")
    style = ("body{font-family:sans-serif;max-width:70rem;margin:auto}table{border-collapse:collapse}"
             "td,th{border:1px solid #ccc;padding:2px 6px}img{max-width:100%}")
    return (f'<!doctype html><html lang="en"><meta charset="utf-8"><title>NLU evaluation</title>'
            f"<style>{style}</style><body>{''.join(body)}</body></html>")


def evaluate(root: Path, model: Path | None, heldout: Path, out: Path,
             store_published: bool = False) -> tuple[dict[str, Any], Path]:
    if model is None:
        model = train_nlu(root, root / "var" / "editor" / "eval-model")
    predictions = predict(model, heldout)
    metrics = score(predictions)
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%d-%H%M%S")
    metrics["when"] = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    metrics["model"] = model.name
    published_path = root / PUBLISHED_METRICS
    published = json.loads(published_path.read_text(encoding="utf-8")) \
        if published_path.is_file() else None
    png = out / f"nlu-{stamp}-confusion.png"
    confusion_png(predictions, png)
    markdown = render_markdown(metrics, published, predictions, png.name, model.name)
    report = out / f"nlu-{stamp}.md"
    report.write_text(markdown, encoding="utf-8")
    report.with_suffix(".html").write_text(render_html(markdown), encoding="utf-8")
    (out / f"nlu-{stamp}.json").write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    if store_published:
        published_path.parent.mkdir(parents=True, exist_ok=True)
        published_path.write_text(json.dumps(metrics, indent=1), encoding="utf-8")
    return metrics, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m editor.evaluate", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", type=Path, default=REPO_ROOT)
    parser.add_argument("--model", type=Path, help="evaluate this model instead of training one")
    parser.add_argument("--heldout", type=Path, help="default: ROOT/tests/nlu/heldout.yml")
    parser.add_argument("--out", type=Path, help="default: ROOT/var/reports")
    parser.add_argument("--store-published", action="store_true",
                        help="keep these scores as the published model's (publish does this)")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    heldout = args.heldout or root / "tests" / "nlu" / "heldout.yml"
    if not heldout.is_file():
        heldout = REPO_ROOT / "tests" / "nlu" / "heldout.yml"
    metrics, report = evaluate(root, args.model, heldout, args.out or root / "var" / "reports",
                               args.store_published)
    print(f"accuracy {metrics['accuracy']:.3f}, macro F1 {metrics['macro_f1']:.3f}, "
          f"crisis recall {metrics['crisis_recall']}")
    print(f"report: {report} and {report.with_suffix('.html')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
