"""Workspace edits keep the files reviewable (comments, anchors, order), publish refuses safely."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from editor.publish import append_editor_log, prepare, train_fingerprint
from editor.workspace import Workspace, run_op

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("domain.yml", "config.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "data", tmp_path / "data")
    return tmp_path


def changed_lines(diff: str) -> list[str]:
    return [line for line in diff.splitlines() if line[:1] in "+-" and line[:3] not in ("+++", "---")]


def test_missing_language_is_added_with_the_shared_condition(project: Path) -> None:
    ws = Workspace.of(project)
    ws.ensure()
    domain = ws.files.domain
    data = yaml.safe_load(domain.read_text(encoding="utf-8"))
    name = next(n for n, v in data["responses"].items() if any("text" in x for x in v))
    # remove the Swedish variation by hand, then add it back through the editor
    from editor.edits import DOMAIN_YAML, _dump, _yaml

    y = _yaml(*DOMAIN_YAML)
    tree = y.load(domain.read_text(encoding="utf-8"))
    tree["responses"][name] = [v for v in tree["responses"][name]
                               if (v.get("condition") or [{}])[0].get("value") != "sv"]
    domain.write_text(_dump(y, tree), encoding="utf-8")
    answer = run_op(project, "set_response", {"name": name, "language": "sv", "text": "Hej hej!",
                                              "who": "aino"})
    assert answer["ok"], answer
    text = domain.read_text(encoding="utf-8")
    block = text[text.index(f"  {name}:"):]
    assert '  - condition: *sv\n    text: "Hej hej!"' in block.split("\n\n")[0]
    assert "x-conditions:" in text and "&sv" in text  # the anchor is still there


def test_new_service_is_appended_in_the_file_style(project: Path) -> None:
    fields = {"name": {"fi": "Testipaikka", "sv": "Testställe", "en": "Test place"},
              "description": {"fi": "Kuvaus.", "sv": "Beskrivning.", "en": "Description."},
              "topics": ["feeling_bad"], "regions": ["Pirkanmaa"], "languages": ["fi"],
              "url": "https://example.org/", "source": "https://example.org/about",
              "checked": "2026-11-23", "phone": "03 123 4567"}
    answer = run_op(project, "set_service", {"id": "test_place", "fields": fields, "who": "aino"})
    assert answer["ok"], answer
    diff = run_op(project, "diff", {})["diffs"][0]
    assert diff["file"] == "data/services/directory.yml"
    added = changed_lines(diff["diff"])
    assert all(line.startswith("+") for line in added)
    assert "+  - id: test_place" in added
    assert "+    topics: [feeling_bad]" in added
    assert '+    phone: "03 123 4567"' in added
    assert "+    checked: 2026-11-23" in added


def test_example_goes_into_the_block_of_its_language(project: Path) -> None:
    answer = run_op(project, "add_example", {"intent": "greet", "language": "sv",
                                             "text": "hejsan allihopa där", "who": "aino"})
    assert answer["ok"], answer
    path = project / "var" / "editor" / "workspace" / answer["file"]
    lines = path.read_text(encoding="utf-8").splitlines()
    index = lines.index("    - hejsan allihopa där")
    block_start = max(i for i in range(index) if lines[i].startswith("- intent:"))
    assert lines[block_start] == "- intent: greet"
    assert "language: sv" in "\n".join(lines[block_start:index])


def test_refused_edit_leaves_the_workspace_as_it_was(project: Path) -> None:
    run_op(project, "status", {})
    directory = project / "var" / "editor" / "workspace" / "data" / "services" / "directory.yml"
    before = directory.read_bytes()
    answer = run_op(project, "set_service", {"id": "emergency_112", "fields": {"url": "http://112.fi"}})
    assert not answer["ok"] and answer["error"] == "invalid"
    assert "url must be an https:// address" in answer["problems"][0]["message"]
    assert directory.read_bytes() == before
    assert run_op(project, "diff", {})["changes"] == []


def test_publish_refuses_when_the_live_data_changed_meanwhile(project: Path) -> None:
    assert run_op(project, "add_example", {"intent": "greet", "language": "fi",
                                           "text": "moikkelis koikkelis", "who": "aino"})["ok"]
    hours = project / "data" / "hours.yml"
    hours.write_text(hours.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # a git pull
    status = prepare(project, "20260101-000000", "aino").read()
    assert status["state"] == "refused"
    assert "data/hours.yml" in status["reason"] and "Hylkää" in status["reason"]
    assert status["steps"][0]["state"] == "failed" and status["steps"][1]["state"] == "pending"


def test_editor_log_is_valid_yaml_and_appends(tmp_path: Path) -> None:
    log = tmp_path / "editor-log.yml"
    shutil.copy(ROOT / "data" / "editor-log.yml", log)
    change = {"who": "aino", "when": "2026-11-23T18:00:00+00:00", "what": "NLU: 'sano \"moi\"' → greet"}
    append_editor_log(log, [change], "candidate-1", "2026-11-23T18:05:00+00:00")
    append_editor_log(log, [dict(change, who="eero")], "candidate-2", "2026-11-23T19:05:00+00:00")
    data = yaml.safe_load(log.read_text(encoding="utf-8"))
    assert [c["who"] for c in data["changes"]] == ["aino", "eero"]
    assert data["changes"][0]["what"] == change["what"]
    assert data["changes"][1]["model"] == "candidate-2"
    assert log.read_text(encoding="utf-8").startswith("# Changes made on the console editor page")


def test_fingerprint_matches_scripts_train_sh() -> None:
    script = ROOT / "scripts" / "train.sh"
    text = script.read_text(encoding="utf-8")
    inputs = text[text.index("inputs=(") + len("inputs=("):text.index(")", text.index("inputs=("))]
    shell = (f"cd {ROOT} && find {inputs} -type f \\( -name '*.yml' -o -name '*.yaml' -o -name '*.py' "
             "-o -name '*.csv' -o -name '*.txt' \\) 2>/dev/null | LC_ALL=C sort | xargs sha256sum "
             "| sha256sum | cut -c1-32")
    expected = subprocess.run(["bash", "-c", shell], capture_output=True, text=True).stdout.strip()
    assert train_fingerprint(ROOT) == expected
