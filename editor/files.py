"""Which files belong to content editors, relative to a project root."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class EditorFiles:
    """The editor-owned data of one project tree (the repo, a workspace or a test copy)."""

    root: Path

    @property
    def nlu_dir(self) -> Path:
        return self.root / "data" / "nlu"

    @property
    def domain(self) -> Path:
        return self.root / "domain.yml"

    @property
    def config(self) -> Path:
        return self.root / "config.yml"

    @property
    def rules(self) -> Path:
        return self.root / "data" / "rules.yml"

    @property
    def stories(self) -> Path:
        return self.root / "data" / "stories.yml"

    @property
    def directory(self) -> Path:
        return self.root / "data" / "services" / "directory.yml"

    @property
    def hours(self) -> Path:
        return self.root / "data" / "hours.yml"

    @property
    def lexicon(self) -> Path:
        return self.root / "data" / "crisis" / "lexicon.yml"

    @property
    def test_stories(self) -> Path:
        return self.root / "tests" / "stories"

    def nlu_files(self) -> list[Path]:
        return sorted(self.nlu_dir.glob("*.yml")) if self.nlu_dir.is_dir() else []

    def owned(self) -> list[Path]:
        """Every editor-owned file that exists, in a stable order."""
        fixed = [self.domain, self.rules, self.stories, self.directory, self.hours, self.lexicon]
        return self.nlu_files() + [p for p in fixed if p.is_file()]

    def relative(self, path: Path | str) -> str:
        """A path as the editor sees it: relative to the root when inside it."""
        p = Path(path)
        try:
            return str(p.resolve().relative_to(self.root.resolve()))
        except ValueError:
            return str(path)


# Files copied into a workspace; paths relative to the root. Directories are copied whole.
OWNED_RELATIVE = (
    "data/nlu",
    "domain.yml",
    "data/rules.yml",
    "data/stories.yml",
    "data/services/directory.yml",
    "data/hours.yml",
    "data/crisis/lexicon.yml",
)


def copy_owned(source_root: Path, target_root: Path) -> None:
    """Copy the editor-owned files (OWNED_RELATIVE) from one tree into another."""
    for relative in OWNED_RELATIVE:
        source = source_root / relative
        target = target_root / relative
        if source.is_dir():
            shutil.copytree(source, target)
        elif source.is_file():
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
