"""Which files make up a story folder, and what loading one produced (no YAML needed here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from game.core.diagnostics import Diagnostic
from game.core.story import Story

STORY_FILE_NAME = "story.yaml"


def story_files(folder: Path) -> list[Path]:
    """Every *.yaml file of a story, story.yaml first, then by path.

    Hidden folders are skipped, and so are links that lead outside the story folder.
    """
    found = []
    root = folder.resolve()
    for path in folder.rglob("*.yaml"):
        relative = path.relative_to(folder).as_posix()
        if not path.is_file() or any(part.startswith(".") for part in relative.split("/")):
            continue
        # A story is what lies inside its folder: a link pointing elsewhere is not read, so a
        # shared story cannot pull in (and echo in messages) files from outside it.
        if not path.resolve().is_relative_to(root):
            continue
        found.append((relative != STORY_FILE_NAME, relative, path))
    return [path for _, _, path in sorted(found)]


@dataclass(frozen=True, slots=True)
class StoryStats:
    """The figures `check` reports for a valid story."""

    scenes: int
    choices: int
    endings: int
    words: int

    @classmethod
    def of(cls, story: Story) -> StoryStats:
        return cls(len(story.scenes), story.choice_count, len(story.endings), story.words)


@dataclass(slots=True)
class LoadResult:
    """A load's outcome: the Story (None when there are errors) and every diagnostic."""

    story: Story | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    stats: StoryStats | None = None
