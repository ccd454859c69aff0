"""`playtest` on the command line: options, output forms, exit codes, replay and progress bar."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from game.playtest_cli import add_playtest_command

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "story" / "tutorial"
STORIES = ROOT / "tests" / "stories" / "playtest"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="good-standing")
    add_playtest_command(parser.add_subparsers(dest="command", metavar="COMMAND"))
    return parser


def run(*argv: str) -> int:
    args = build_parser().parse_args(["playtest", *argv])
    result: int = args.handler(args)
    return result


def run_json(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, Any]:
    code = run(*argv, "--json")
    return code, json.loads(capsys.readouterr().out)


def wired() -> bool:
    """Whether game/cli.py registers `playtest` yet."""
    from game.cli import build_parser as main_parser

    for action in main_parser()._actions:
        if isinstance(action, argparse._SubParsersAction):
            return "playtest" in action.choices
    return False


def test_json_report_of_a_clean_story_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(capsys, str(TUTORIAL), "--runs", "50", "--seed", "3")
    assert code == 0
    assert report["runs"] == 50 and report["seed"] == 3
    assert report["errors"] == []
    assert sum(report["endings"].values()) + report["looped"] == 50


def test_the_same_seed_prints_the_same_json(capsys: pytest.CaptureFixture[str]) -> None:
    _, first = run_json(capsys, str(TUTORIAL), "--runs", "30", "--seed", "4")
    _, again = run_json(capsys, str(TUTORIAL), "--runs", "30", "--seed", "4")
    first.pop("elapsed_s")
    again.pop("elapsed_s")
    assert first == again


def test_human_report(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(str(STORIES / "branches"), "--runs", "40") == 0
    out = capsys.readouterr().out
    assert "40 runs, seed 0" in out
    assert "choices a second" in out
    assert "Endings: 2 of 3 reached" in out
    assert "never reached (1): gate_end" in out
    assert "never visited (1): gate_end" in out
    assert "never taken (1): fork/gate" in out
    assert "fork/gate: locked 40 of 40 times" in out
    assert "Tiers at the end (runs):\n  luck: " in out
    assert "Errors: none" in out


def test_runtime_error_exits_1_with_location_and_replay_hint(
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = STORIES / "division"
    assert run(str(folder), "--runs", "30", "--seed", "2") == 1
    out = capsys.readouterr().out
    assert f"{folder / 'story.yaml'}:" in out
    assert "by zero" in out
    assert "--seed 2 --run " in out
    code, report = run_json(capsys, str(folder), "--runs", "30", "--seed", "2")
    assert code == 1
    (error,) = report["errors"]
    assert error["location"].startswith(f"{folder / 'story.yaml'}:")


def test_stuck_run_exits_1(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(capsys, str(STORIES / "stuck"), "--runs", "30")
    assert code == 1
    assert "stuck in scene 'yard'" in report["errors"][0]["message"]


def test_loops_are_reported_but_do_not_fail(capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(STORIES / "lockloop")
    assert run(folder, "--runs", "10", "--max-steps", "2") == 0
    out = capsys.readouterr().out
    assert "10 runs hit the cap of 2 choices" in out
    assert "--max-steps 2 --run 1" in out


def test_replay_prints_the_path_of_one_run(capsys: pytest.CaptureFixture[str]) -> None:
    folder = str(STORIES / "stuck")
    code, report = run_json(capsys, folder, "--runs", "30", "--seed", "1")
    first = report["errors"][0]["run"]
    assert run(folder, "--seed", "1", "--run", str(first)) == 1
    out = capsys.readouterr().out
    assert f"Run {first} of a playtest of Stuck with seed 1:" in out
    assert "1. yard -> c1: Go into the shed" in out
    assert "2. shed -> c1: Back to the yard" in out
    assert "Got stuck after 2 choices, in scene 'yard'" in out
    code, trace = run_json(capsys, folder, "--seed", "1", "--run", str(first))
    assert code == 1
    assert trace["outcome"] == "stuck"
    assert [step["choice"] for step in trace["path"]] == ["c1", "c1"]


def test_replay_of_a_run_that_ends_well(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(str(STORIES / "branches"), "--run", "3") == 0
    out = capsys.readouterr().out
    assert "Reached the ending" in out
    assert "Meters: luck " in out


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run(str(STORIES / "branches"), "--runs", "20")
    assert capsys.readouterr().err == ""


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    assert run(str(STORIES / "branches"), "--runs", "20") == 0
    # The bar draws itself and, with leave=False, wipes itself before the report is printed.
    shown = terminal.getvalue()
    assert "/20" in shown and "run" in shown
    assert shown.endswith("\r")
    assert "Endings:" in capsys.readouterr().out  # the report itself still goes to stdout


def test_a_story_with_errors_is_not_played(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "story.yaml").write_text(
        'id: broken\ntitle: B\nversion: "1.0"\nstart: a\nscenes:\n'
        "  a:\n    text: Hi.\n    choices:\n      - text: Go\n        goto: nowhere\n",
        encoding="utf-8",
    )
    assert run(str(folder)) == 1
    err = capsys.readouterr().err
    assert "error[GS021]" in err
    assert "cannot be played" in err


def test_a_missing_story_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("no/such/story") == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_a_folder_without_story_yaml_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(str(tmp_path)) == 2
    assert "has no story.yaml" in capsys.readouterr().err


def test_without_a_story_it_plays_the_default_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(ROOT)
    code, report = run_json(capsys, "--runs", "5")
    assert code == 0 and report["runs"] == 5 and report["scenes_total"] > 0


def test_a_story_yaml_path_names_its_folder(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = run_json(capsys, str(STORIES / "branches" / "story.yaml"), "--runs", "5")
    assert code == 0 and report["scenes_total"] == 4


@pytest.mark.parametrize("option", ["--runs", "--max-steps", "--run"])
def test_counts_below_one_are_refused(option: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args(["playtest", str(TUTORIAL), option, "0"])
    assert exit_info.value.code == 2
    assert "must be at least 1" in capsys.readouterr().err


def _subprocess(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, *argv], capture_output=True, text=True, cwd=ROOT, env=env, check=False
    )


def test_the_module_runs_on_its_own() -> None:
    done = _subprocess(
        "-m", "game.playtest_cli", str(STORIES / "division"), "--runs", "20", "--json"
    )
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["errors"]
    assert done.stderr == ""


@pytest.mark.skipif(not wired(), reason="game/cli.py does not register `playtest` yet")
def test_python_m_game_playtest() -> None:
    done = _subprocess("-m", "game", "playtest", str(TUTORIAL), "--runs", "20", "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["runs"] == 20


def test_the_command_default_step_cap_is_the_playtests() -> None:
    # playtest_cli keeps its own copy so that `check` need not import the runtime.
    from game import playtest, playtest_cli

    assert playtest_cli.DEFAULT_MAX_STEPS == playtest.DEFAULT_MAX_STEPS


def test_check_does_not_import_the_runtime() -> None:
    import subprocess
    import sys

    probe = "import sys, game.cli; print('game.core.runner' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
