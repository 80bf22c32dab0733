"""Every editor check: a broken copy of the data gives a clear message with file and line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from editor.check import run_checks
from editor.problems import format_problem
from kynnys.directory import Problem

ROOT = Path(__file__).resolve().parents[2]

LEXICON = """\
version: 1
settings: {window: 4}
lists:
  die_fi: [kuolla, kuolen]
entries:
  - id: fi_want_to_die
    category: suicidal
    lang: fi
    all: [[halu*], [$die_fi]]
    examples:
      - haluun kuolla
      - mä haluisin vaan kuolla pois
    not_examples:
      - haluun nukkua jo
not_crisis:
  - kuolen nauruun
"""


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the editor data (and config) to break."""
    for name in ("domain.yml", "config.yml"):
        if (ROOT / name).is_file():
            shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "data", tmp_path / "data")
    (tmp_path / "data" / "crisis").mkdir(parents=True, exist_ok=True)
    (tmp_path / "data" / "crisis" / "lexicon.yml").write_text(LEXICON, encoding="utf-8")
    return tmp_path


def new_problems(root: Path, kind: str, break_it: callable) -> list[Problem]:  # type: ignore[valid-type]
    before = {format_problem(p) for p in run_checks(root, [kind])}
    break_it()
    return [p for p in run_checks(root, [kind]) if format_problem(p) not in before]


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def replace(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, count), encoding="utf-8")


# --- NLU ------------------------------------------------------------------------------------

def test_example_under_two_intents(tree: Path) -> None:
    target = tree / "data" / "nlu" / "feeling_bad.yml"

    def add() -> None:
        replace(target, "    - ahdistaa\n", "    - ahdistaa\n    - Kiitti!!\n")

    problems = new_problems(tree, "nlu", add)
    assert len(problems) == 2  # one on each line, so the editor sees both places
    problem = next(p for p in problems if p.file.endswith("feeling_bad.yml"))
    other = next(p for p in problems if not p.file.endswith("feeling_bad.yml"))
    assert "'kiitti' is under intent 'thank' and also under 'feeling_bad' (feeling_bad.yml " \
        f"line {problem.line})" in other.message
    assert problem.file == "data/nlu/feeling_bad.yml"
    assert problem.line == line_of(target, "- Kiitti!!")
    assert "'Kiitti!!' is under intent 'feeling_bad' and also under 'thank'" in problem.message
    assert "delete the other line" in problem.hint


def test_intent_with_too_few_examples(tree: Path) -> None:
    target = tree / "data" / "nlu" / "tiny.yml"

    def add() -> None:
        target.write_text(
            'version: "3.1"\nnlu:\n- intent: ask_weather\n  metadata:\n    language: fi\n'
            "  examples: |\n    - sataako huomenna\n    - onko kylmä\n", encoding="utf-8")

    problems = new_problems(tree, "nlu", add)
    messages = [format_problem(p) for p in problems]
    assert "data/nlu/tiny.yml:7: intent 'ask_weather' has only 2 examples — add different ways " \
        "of saying it until there are at least 20" in messages
    assert any("has only 0 Swedish examples" in m for m in messages)
    assert any("has only 0 English examples" in m for m in messages)


def test_broken_nlu_yaml(tree: Path) -> None:
    target = tree / "data" / "nlu" / "thanks_broken.yml"

    def add() -> None:
        target.write_text('nlu:\n- intent: thank\n  examples: |\n    - kiitos\n   - bad: [\n',
                          encoding="utf-8")

    problems = new_problems(tree, "nlu", add)
    assert problems and problems[0].file == "data/nlu/thanks_broken.yml"
    assert "is not valid YAML" in problems[0].message
    assert problems[0].line >= 3


# --- responses ------------------------------------------------------------------------------

def _first_response_with_sv(domain: Path) -> tuple[str, str]:
    import yaml

    data = yaml.safe_load(domain.read_text(encoding="utf-8"))
    for name, variations in data["responses"].items():
        for variation in variations:
            cond = variation.get("condition") or []
            if variation.get("text") and any(c.get("value") == "sv" for c in cond):
                return name, variation["text"].splitlines()[0]
    raise AssertionError("no Swedish response in domain.yml")


def test_response_missing_a_language(tree: Path) -> None:
    domain = tree / "domain.yml"
    name, sv_text = _first_response_with_sv(domain)

    def drop_swedish() -> None:
        import yaml

        data = yaml.safe_load(domain.read_text(encoding="utf-8"))
        data["responses"][name] = [
            v for v in data["responses"][name]
            if not any(c.get("value") == "sv" for c in (v.get("condition") or []))
        ]
        domain.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False),
                          encoding="utf-8")

    problems = new_problems(tree, "responses", drop_swedish)
    assert [p.message for p in problems] == [f"response '{name}' has no Swedish text"]
    assert problems[0].file == "domain.yml"
    assert problems[0].line == line_of(domain, f"{name}:")
    assert "value: sv" in problems[0].hint


# --- service directory ----------------------------------------------------------------------

def test_service_without_source(tree: Path) -> None:
    target = tree / "data" / "services" / "directory.yml"
    line = line_of(target, "source: https://112.fi/")

    def drop() -> None:
        replace(target, "    source: https://112.fi/\n", "")

    problems = new_problems(tree, "services", drop)
    assert len(problems) == 1
    assert problems[0].file == "data/services/directory.yml"
    assert "emergency_112: 'source' is required" in problems[0].message
    assert problems[0].line < line


def test_service_with_malformed_phone(tree: Path) -> None:
    target = tree / "data" / "services" / "directory.yml"

    def bad_phone() -> None:
        replace(target, 'phone: "09 2525 0111"', 'phone: "09-2525 0111 (arkisin)"')

    problems = new_problems(tree, "services", bad_phone)
    assert len(problems) == 1
    assert problems[0].line == line_of(target, "09-2525 0111")
    assert "crisis_line_24_7: phone" in problems[0].message
    assert "digits, spaces and +" in problems[0].message


def test_service_with_malformed_url(tree: Path) -> None:
    target = tree / "data" / "services" / "directory.yml"

    def bad_url() -> None:
        replace(target, "    url: https://112.fi/\n", "    url: www.112.fi\n")

    problems = new_problems(tree, "services", bad_url)
    assert len(problems) == 1
    assert problems[0].line == line_of(target, "url: www.112.fi")
    assert "emergency_112: url must be an https:// address" in problems[0].message


# --- opening hours --------------------------------------------------------------------------

def test_overlapping_hours(tree: Path) -> None:
    target = tree / "data" / "hours.yml"

    def overlap() -> None:
        replace(target, 'mon: ["14:00-21:00"]', 'mon: ["14:00-21:00", "20:00-22:00"]')

    problems = new_problems(tree, "hours", overlap)
    assert len(problems) == 1
    assert problems[0].line == line_of(target, "mon:")
    assert "overlap" in problems[0].message and "merge" in problems[0].hint


def test_impossible_hours(tree: Path) -> None:
    target = tree / "data" / "hours.yml"

    def impossible() -> None:
        replace(target, 'tue: ["14:00-21:00"]', 'tue: ["21:00-14:00"]')

    problems = new_problems(tree, "hours", impossible)
    assert len(problems) == 1
    assert problems[0].line == line_of(target, "tue:")
    assert "impossible period '21:00-14:00'" in problems[0].message
    assert "end after start" in problems[0].hint


def test_overlapping_exceptions(tree: Path) -> None:
    target = tree / "data" / "hours.yml"

    def overlap() -> None:
        text = target.read_text(encoding="utf-8").rstrip("\n")
        target.write_text(text + "\n  - {from: 2026-12-20, to: 2026-12-27, closed: true}\n",
                          encoding="utf-8")

    problems = new_problems(tree, "hours", overlap)
    assert problems and all("overlaps" in p.message for p in problems)
    assert problems[0].line == line_of(target, "from: 2026-12-20")


# --- crisis lexicon -------------------------------------------------------------------------

def test_good_lexicon_has_no_problems(tree: Path) -> None:
    assert run_checks(tree, ["crisis"]) == []


def test_crisis_entry_not_matching_its_example(tree: Path) -> None:
    target = tree / "data" / "crisis" / "lexicon.yml"

    def add_example() -> None:
        replace(target, "      - haluun kuolla\n", "      - haluun kuolla\n      - en jaksa elää\n")

    problems = new_problems(tree, "crisis", add_example)
    assert [format_problem(p).split(" — ")[0] for p in problems] == [
        f"data/crisis/lexicon.yml:{line_of(target, 'en jaksa elää')}: crisis entry "
        "'fi_want_to_die' does not match its own example 'en jaksa elää'"
    ]
    assert "widen the word lists" in problems[0].hint


def test_crisis_entry_matching_a_not_example(tree: Path) -> None:
    target = tree / "data" / "crisis" / "lexicon.yml"

    def add_negative() -> None:
        replace(target, "      - haluun nukkua jo\n",
                "      - haluun nukkua jo\n      - haluun kuolla nauruun\n")

    problems = new_problems(tree, "crisis", add_negative)
    assert len(problems) == 1
    assert problems[0].line == line_of(target, "haluun kuolla nauruun")
    assert "matches 'haluun kuolla nauruun', listed as not_examples" in problems[0].message


CONTEXT = """\
context:
  others: [kaveri*]
  victims: [kaveria]
  victim_categories: [violence_now]
  self: [mä, mun]
  self_is: [oon]
  clause_breaks: [ja, mut]
  cues:
    - id: cue_fi_years_ago
      kind: over
      all: [[vuotta, vuosia], [sitten]]
      window: 2
      examples: [vuosia sitten, viime kesänä]
"""


def test_context_cue_not_matching_its_example(tree: Path) -> None:
    target = tree / "data" / "crisis" / "lexicon.yml"

    def add_context() -> None:
        replace(target, "not_crisis:\n", CONTEXT + "not_crisis:\n")

    problems = new_problems(tree, "crisis", add_context)
    assert len(problems) == 1
    assert problems[0].message.startswith("crisis lexicon context")
    assert "cue_fi_years_ago" in problems[0].message and "viime kesänä" in problems[0].message


def test_crisis_lexicon_that_does_not_load(tree: Path) -> None:
    target = tree / "data" / "crisis" / "lexicon.yml"

    def bad_category() -> None:
        replace(target, "category: suicidal", "category: sad")

    problems = new_problems(tree, "crisis", bad_category)
    assert len(problems) == 1
    assert problems[0].line == line_of(target, "id: fi_want_to_die")
    assert "entry fi_want_to_die: category must be one of" in problems[0].message


def test_crisis_lexicon_bad_yaml(tree: Path) -> None:
    target = tree / "data" / "crisis" / "lexicon.yml"

    def unquoted_at() -> None:
        replace(target, "[$die_fi]", "[@die_fi]")

    problems = new_problems(tree, "crisis", unquoted_at)
    assert len(problems) == 1
    assert problems[0].line == line_of(target, "[@die_fi]")
    assert "put it in quotes" in problems[0].hint


# --- Rasa's own validation ------------------------------------------------------------------

def test_rasa_validation_unknown_intent_and_response(tree: Path) -> None:
    rules = tree / "data" / "rules.yml"

    def add_rule() -> None:
        text = rules.read_text(encoding="utf-8").rstrip("\n")
        rules.write_text(text + "\n\n- rule: weather\n  steps:\n  - intent: greet\n"
                         "  - action: utter_weather_forecast\n", encoding="utf-8")

    problems = new_problems(tree, "rasa", add_rule)
    texts = [format_problem(p) for p in problems]
    assert any(
        t.startswith(f"data/rules.yml:{line_of(rules, 'utter_weather_forecast')}: ")
        and "utter_weather_forecast" in t for t in texts), texts
    assert any("add a response 'utter_weather_forecast'" in t or "add it to domain.yml" in t
               for t in texts), texts


def test_rasa_validation_broken_domain(tree: Path) -> None:
    domain = tree / "domain.yml"

    def break_domain() -> None:
        replace(domain, "intents:\n", "intents:\n  oops: [\n")

    problems = new_problems(tree, "rasa", break_domain)
    assert problems
    assert problems[0].file == "domain.yml"
    assert problems[0].line >= 1


# --- the command ----------------------------------------------------------------------------

def test_command_exit_status_and_format(tree: Path) -> None:
    replace(tree / "data" / "hours.yml", 'tue: ["14:00-21:00"]', 'tue: ["25:00-26:00"]')
    run = subprocess.run(
        [sys.executable, "-m", "editor.check", "--root", str(tree), "--only", "hours"],
        capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"})
    assert run.returncode == 1
    assert "data/hours.yml:" in run.stdout and "impossible period '25:00-26:00' — " in run.stdout
    (tree / "data" / "hours.yml").write_text(
        (ROOT / "data" / "hours.yml").read_text(encoding="utf-8"), encoding="utf-8")
    ok = subprocess.run(
        [sys.executable, "-m", "editor.check", "--root", str(tree), "--only", "hours"],
        capture_output=True, text=True, cwd=ROOT, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin"})
    assert ok.returncode == 0, ok.stdout
    assert "All editor data is OK." in ok.stdout
