"""NLU examples read from data/nlu/*.yml with the file and line of every example."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from editor.problems import yaml_problem
from kynnys.directory import Problem

_ENTITY = re.compile(r"\[([^\]]+)\](\([^)]*\)|\{[^}]*\})")
_NOT_WORD = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Example:
    intent: str
    text: str  # as written, entity annotations included
    language: str  # "" when the block has no language metadata
    file: Path
    line: int

    @property
    def plain(self) -> str:
        """The sentence a young person would type (entity annotations removed)."""
        return _ENTITY.sub(r"\1", self.text)


def normalize(text: str) -> str:
    """Lower case, no punctuation, single spaces: 'Moi!!' and 'moi' are the same example."""
    folded = _NOT_WORD.sub(" ", _ENTITY.sub(r"\1", text).casefold())
    return _SPACES.sub(" ", folded).strip()


def read_examples(path: Path) -> tuple[list[Example], list[Problem]]:
    """All intent examples in one NLU file; YAML errors become problems."""
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        return [], [yaml_problem(str(path), exc)]
    lines = text.splitlines()
    examples: list[Example] = []
    for block in _nlu_blocks(root):
        intent = _scalar(block, "intent")
        node = _child(block, "examples")
        if not intent or not isinstance(node, yaml.ScalarNode):
            continue
        language = ""
        meta = _child(block, "metadata")
        if isinstance(meta, yaml.MappingNode):
            language = _scalar(meta, "language") or _scalar(meta, "lang") or ""
        examples.extend(_examples_in(path, intent, language, node, lines))
    return examples, []


def _examples_in(path: Path, intent: str, language: str, node: yaml.ScalarNode,
                 lines: list[str]) -> list[Example]:
    found: list[Example] = []
    wanted = [line.strip()[2:].strip() for line in node.value.splitlines()
              if line.strip().startswith("- ")]
    cursor = node.start_mark.line  # 0-based line of "examples: |"
    for example in wanted:
        line_no = cursor + 1
        for index in range(cursor, min(len(lines), node.end_mark.line + 1)):
            stripped = lines[index].strip()
            if stripped.startswith("- ") and stripped[2:].strip() == example:
                line_no, cursor = index + 1, index + 1
                break
        found.append(Example(intent, example, language, path, line_no))
    return found


def _nlu_blocks(root: yaml.Node | None) -> list[yaml.MappingNode]:
    nlu = _child(root, "nlu")
    if not isinstance(nlu, yaml.SequenceNode):
        return []
    return [item for item in nlu.value if isinstance(item, yaml.MappingNode)]


def _child(node: yaml.Node | None, key: str) -> yaml.Node | None:
    if not isinstance(node, yaml.MappingNode):
        return None
    for k, v in node.value:
        if isinstance(k, yaml.ScalarNode) and k.value == key:
            return v
    return None


def _scalar(node: yaml.Node, key: str) -> str | None:
    child = _child(node, key)
    return str(child.value) if isinstance(child, yaml.ScalarNode) else None


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__
