"""game/cli_args.py: default stories, story paths and argument types shared by the commands."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from game.cli_args import default_story, story_folder, story_folders, whole_number


def test_the_default_story_is_good_standing_when_it_exists_else_the_tutorial(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "story" / "tutorial").mkdir(parents=True)
    (tmp_path / "story" / "tutorial" / "story.yaml").write_text("id: tutorial\n")
    assert default_story() == Path("story") / "tutorial"
    (tmp_path / "story" / "good-standing").mkdir()
    (tmp_path / "story" / "good-standing" / "story.yaml").write_text("id: good-standing\n")
    assert default_story() == Path("story") / "good-standing"


def test_a_story_yaml_names_its_folder(tmp_path: Path) -> None:
    (tmp_path / "story.yaml").write_text("id: x\n")
    assert story_folder(str(tmp_path / "story.yaml")) == tmp_path
    assert story_folder(str(tmp_path)) == tmp_path


def test_without_paths_every_story_under_the_root_is_listed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("b", "a"):
        (tmp_path / "story" / name).mkdir(parents=True)
        (tmp_path / "story" / name / "story.yaml").write_text(f"id: {name}\n")
    (tmp_path / "story" / "notes").mkdir()
    assert story_folders([]) == [Path("story/a"), Path("story/b")]


def test_whole_number_parses_and_enforces_its_minimum() -> None:
    assert whole_number()("-3") == -3
    assert whole_number(1)("4") == 4
    with pytest.raises(argparse.ArgumentTypeError, match="'x' is not a whole number"):
        whole_number()("x")
    with pytest.raises(argparse.ArgumentTypeError, match="must be at least 1, not 0"):
        whole_number(1)("0")
    with pytest.raises(argparse.ArgumentTypeError, match="too narrow"):
        whole_number(20, "too narrow: use 20 columns or more")("19")
