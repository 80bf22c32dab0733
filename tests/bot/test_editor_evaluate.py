"""The evaluation report: per-intent scores, confusion matrix picture, misclassified sentences and
the comparison with the published model's stored scores."""

from __future__ import annotations

from pathlib import Path

from editor.evaluate import Prediction, confusion_png, render_html, render_markdown, score

PREDICTIONS = [
    Prediction("moi", "fi", "greet", "greet", 0.9),
    Prediction("hej", "sv", "greet", "greet", 0.8),
    Prediction("kiitti", "fi", "thank", "thank", 0.9),
    Prediction("tack | så mycket", "sv", "thank", "greet", 0.5),
    Prediction("haluun kuolla", "fi", "crisis", "crisis", 0.99),
    Prediction("en jaksa elää", "fi", "crisis", "feeling_bad", 0.6),
]


def test_scores() -> None:
    metrics = score(PREDICTIONS)
    assert metrics["accuracy"] == round(4 / 6, 4)
    assert metrics["crisis_recall"] == 0.5
    assert metrics["per_intent"]["greet"] == {"precision": round(2 / 3, 4), "recall": 1.0,
                                              "f1": 0.8, "support": 2}
    assert metrics["by_language"] == {"fi": 0.75, "sv": 0.5}


def test_report_compares_with_the_published_model(tmp_path: Path) -> None:
    metrics = score(PREDICTIONS)
    metrics["when"] = "2026-11-23T18:00:00+00:00"
    published = {"model": "candidate-1", "when": "2026-11-20", "accuracy": 0.5, "macro_f1": 0.7,
                 "crisis_recall": 1.0, "by_language": {"fi": 0.75},
                 "per_intent": {"greet": {"f1": 0.9}, "thank": {"f1": 0.5}}}
    png = tmp_path / "confusion.png"
    confusion_png(PREDICTIONS, png)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    report = render_markdown(metrics, published, PREDICTIONS, png.name, "eval.tar.gz")
    assert "Compared with the last published model `candidate-1`" in report
    assert "| accuracy | 0.667 | 0.500 | +0.167 |" in report
    assert "| crisis_recall | 0.500 | 1.000 | -0.500 |" in report
    assert "| greet | 0.667 | 1.000 | 0.800 | -0.100 | 2 |" in report
    assert "![confusion matrix](confusion.png)" in report
    assert "| en jaksa elää | fi | crisis | feeling_bad | 0.60 |" in report
    assert "| tack \\| så mycket | sv | thank | greet | 0.50 |" in report
    html = render_html(report)
    assert '<img src="confusion.png"' in html and "<td>en jaksa elää</td>" in html


def test_first_report_says_there_is_nothing_to_compare() -> None:
    metrics = score(PREDICTIONS)
    metrics["when"] = "now"
    assert "No published model metrics yet" in render_markdown(metrics, None, PREDICTIONS, "c.png", "m")
