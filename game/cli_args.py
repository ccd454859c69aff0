"""What every command shares: where stories are found by default, and argument types."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path


def default_story_root() -> Path:
    """story/ of the current folder if there is one, else the one shipped beside the package."""
    here = Path("story")
    if here.is_dir():
        return here
    return Path(__file__).resolve().parent.parent / "story"


def default_story() -> Path:
    """The story `play` and `playtest` open when none is named: good-standing, else the tutorial."""
    root = default_story_root()
    game = root / "good-standing"
    return game if (game / "story.yaml").is_file() else root / "tutorial"


def story_folder(raw: str) -> Path:
    """A story named on the command line: a folder, or its story.yaml (which names the folder)."""
    path = Path(raw)
    if path.is_file() and path.name.endswith(".yaml"):
        return path.parent
    return path


def story_folders(paths: Sequence[str]) -> list[Path]:
    """The stories named, or every story under the default root when none is."""
    if paths:
        return [story_folder(raw) for raw in paths]
    root = default_story_root()
    return (
        sorted(p for p in root.iterdir() if (p / "story.yaml").is_file()) if root.is_dir() else []
    )


def whole_number(minimum: int | None = None, why: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number, at least `minimum` if given (`why` says why)."""

    def parse(raw: str) -> int:
        try:
            number = int(raw)
        except ValueError:
            raise argparse.ArgumentTypeError(f"'{raw}' is not a whole number") from None
        if minimum is not None and number < minimum:
            raise argparse.ArgumentTypeError(why or f"must be at least {minimum}, not {number}")
        return number

    return parse
