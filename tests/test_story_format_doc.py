"""The story-format guide tells the truth: its first story and its quoted output are real."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from game.cli import main

ROOT = Path(__file__).resolve().parents[1]
GUIDE = (ROOT / "docs" / "story-format.md").read_text(encoding="utf-8")
SECTION = GUIDE.split("## Your first story in five minutes", 1)[1].split("\n## ", 1)[0]
BLOCKS = re.findall(r"```(yaml|console)\n(.*?)```", SECTION, flags=re.DOTALL)


@pytest.fixture
def first_story(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    yaml_blocks = [textwrap.dedent(body) for kind, body in BLOCKS if kind == "yaml"]
    assert len(yaml_blocks) == 1
    folder = tmp_path / "story" / "first-steps"
    folder.mkdir(parents=True)
    (folder / "story.yaml").write_text(yaml_blocks[0], encoding="utf-8")
    monkeypatch.chdir(tmp_path)  # so that paths print as `story/first-steps`, as in the guide
    return folder


def console(index: int) -> tuple[list[str], list[str]]:
    """The command and the output lines of the guide's index-th console block."""
    blocks = [textwrap.dedent(body) for kind, body in BLOCKS if kind == "console"]
    command, *output = blocks[index].strip().splitlines()
    return command.removeprefix("$ python -m game ").split(), output


def test_the_first_story_checks_exactly_as_the_guide_says(
    first_story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv, output = console(0)
    assert main(argv) == 0
    assert capsys.readouterr().out.splitlines() == output


def test_the_broken_first_story_fails_exactly_as_the_guide_says(
    first_story: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = first_story / "story.yaml"
    text = manifest.read_text(encoding="utf-8")
    manifest.write_text(text.replace("goto: hallway", "goto: halway", 1), encoding="utf-8")
    argv, output = console(1)
    assert main(argv) == 1
    assert capsys.readouterr().out.splitlines() == output


def test_the_tutorial_summary_quoted_in_the_guide_is_current(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    quoted = [line for line in GUIDE.splitlines() if line.startswith("story/tutorial: ok:")]
    assert len(quoted) == 1
    monkeypatch.chdir(ROOT)
    assert main(["check", "story/tutorial"]) == 0
    assert capsys.readouterr().out.splitlines() == quoted
