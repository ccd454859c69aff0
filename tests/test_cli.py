"""`python -m game check`: exit codes, output forms, and that it never writes into a story."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from game.cli import main

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "story" / "tutorial"

BROKEN = """\
id: broken
title: Broken
version: "1.0"
start: a
scenes:
  a:
    text: Hello.
    choices:
      - text: Down
        goto: cellar
"""

WARNS = """\
id: warns
title: Warns
version: "1.0"
start: a
flags:
  never_read: false
scenes:
  a:
    text: Hello.
    ending: The End
"""


def write_story(tmp_path: Path, name: str, text: str) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    (folder / "story.yaml").write_text(text, encoding="utf-8")
    return folder


def test_check_of_a_valid_story_exits_0_with_a_summary(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(TUTORIAL)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith(f"{TUTORIAL}: ok: ")
    for noun in ("scenes", "choices", "endings", "words"):
        assert noun in out[0]


def test_check_reports_errors_located_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_story(tmp_path, "broken", BROKEN)
    assert main(["check", str(folder)]) == 1
    out = capsys.readouterr().out.splitlines()
    assert out[0] == (
        f"{folder / 'story.yaml'}:10:15: error[GS021]: choice 'c1' of scene 'a' goes to"
        " 'cellar', which is not a scene"
    )
    assert out[-1] == f"{folder}: 1 error, 0 warnings"


def test_check_json_prints_exactly_the_documented_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_story(tmp_path, "broken", BROKEN)
    assert main(["check", "--json", str(folder)]) == 1
    items = json.loads(capsys.readouterr().out)
    assert items == [
        {
            "file": str(folder / "story.yaml"),
            "line": 10,
            "column": 15,
            "severity": "error",
            "code": "GS021",
            "message": "choice 'c1' of scene 'a' goes to 'cellar', which is not a scene",
        }
    ]


def test_check_json_of_a_clean_story_is_an_empty_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--json", str(TUTORIAL)]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_warnings_alone_exit_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = write_story(tmp_path, "warns", WARNS)
    assert main(["check", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "warning[GS054]" in out
    assert out.splitlines()[-1].endswith("ok: 1 scene, 0 choices, 1 ending, 1 word, 1 warning")


def test_strict_turns_warnings_into_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_story(tmp_path, "warns", WARNS)
    assert main(["check", "--strict", "--json", str(folder)]) == 1
    (item,) = json.loads(capsys.readouterr().out)
    assert (item["code"], item["severity"]) == ("GS054", "error")


def test_strict_gives_the_same_answer_from_the_cache(tmp_path: Path) -> None:
    folder = write_story(tmp_path, "warns", WARNS)
    assert main(["check", str(folder)]) == 0  # fills the cache
    assert main(["check", "--strict", str(folder)]) == 1


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["check", "/no/such/story/folder"],
        ["check", "--no-such-flag"],
        ["no-such-command"],
    ],
)
def test_bad_usage_exits_2(argv: list[str]) -> None:
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse exits by itself
        code = int(stop.code or 0)
    assert code == 2


def test_a_file_path_checks_its_story_folder(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(TUTORIAL / "story.yaml")]) == 0
    assert capsys.readouterr().out.startswith(f"{TUTORIAL}: ok")


def test_a_folder_without_story_yaml_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tmp_path)]) == 1
    assert "error[GS008]" in capsys.readouterr().out


def test_check_without_paths_checks_every_story_under_story(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    assert main(["check"]) == 0
    lines = capsys.readouterr().out.splitlines()
    shipped = sorted(p.name for p in (ROOT / "story").iterdir() if (p / "story.yaml").exists())
    assert [line.split(":")[0] for line in lines] == [f"story/{name}" for name in shipped]


def test_check_never_writes_into_the_story_folder(tmp_path: Path) -> None:
    folder = write_story(tmp_path, "broken", BROKEN)
    (folder / "chapter.yaml").write_text("scenes: {}\n", encoding="utf-8")

    def snapshot() -> dict[str, tuple[int, int]]:
        return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(folder.rglob("*"))}

    before = snapshot()
    main(["check", str(folder)])
    main(["check", "--json", "--strict", str(folder)])
    assert snapshot() == before


def test_python_dash_m_game_runs_check() -> None:
    env = {**os.environ, "GOOD_STANDING_CACHE_DIR": os.environ["GOOD_STANDING_CACHE_DIR"]}
    done = subprocess.run(
        [sys.executable, "-m", "game", "check", str(TUTORIAL)],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "ok:" in done.stdout


def test_play_says_the_window_is_not_built_yet_and_starts_the_text_player(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("quit\n"))
    assert main(["play", str(TUTORIAL)]) == 0
    captured = capsys.readouterr()
    assert "not built yet" in captured.err
    assert "1. Push the green door" in captured.out


def test_the_good_standing_console_script_runs_check() -> None:
    # make test runs the suite from .venv, where `pip install -e .` put the script.
    script = Path(sys.executable).parent / "good-standing"
    assert script.exists(), f"{script} is missing: is the package installed in this venv?"
    done = subprocess.run(
        [str(script), "check", str(TUTORIAL)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith(f"{TUTORIAL}: ok:")
