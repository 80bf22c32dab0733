"""Remove from the crisis classifier's examples every message that a blind set also holds.

Independent authors sometimes write the same short message ("en jaksa enää"). A blind set
(tests/crisis/eval_*.yml) must not share a message with the training examples
(data/crisis/examples/*.yml), or its figures are partly in-sample. This drops such messages
from the examples (the blind sets are never changed) and prints only counts, so that running
it does not show anyone a blind message.

    .venv-gw/bin/python tools/drop_blind_duplicates.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kynnys.crisis.evaluation import load_eval_set  # noqa: E402

EXAMPLES = ROOT / "data" / "crisis" / "examples"
BLIND = ROOT / "tests" / "crisis"


def _key(text: object) -> str:
    return str(text).casefold().strip()


def _texts(path: Path) -> list[str]:
    return [_key(item.text) for item in load_eval_set(path)]


def drop_from(path: Path, blind: set[str]) -> int:
    """Drop the item lines of `path` whose text is blind; returns how many were dropped."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept: list[str] = []
    dropped = 0
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("- {") and stripped.endswith("}"):
            item = yaml.safe_load(stripped[2:])
            if isinstance(item, dict) and _key(item.get("text")) in blind:
                dropped += 1
                continue
        kept.append(line)
    if dropped:
        before = len(_texts(path))
        path.write_text("".join(kept), encoding="utf-8")
        if len(_texts(path)) != before - dropped:  # an item spread over lines: undo
            path.write_text("".join(lines), encoding="utf-8")
            raise SystemExit(f"{path.name}: items are not one per line; nothing changed")
    return dropped


def main() -> int:
    blind = {text for path in sorted(BLIND.glob("eval_*.yml")) for text in _texts(path)}
    total = 0
    for path in sorted(EXAMPLES.glob("*.yml")):
        dropped = drop_from(path, blind)
        if dropped:
            print(f"{path.relative_to(ROOT)}: dropped {dropped}")
        total += dropped
    print(f"dropped {total} example messages that blind sets also hold")
    return 0


if __name__ == "__main__":
    sys.exit(main())
