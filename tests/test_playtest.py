"""Random playtests (game/playtest.py): determinism, endings, coverage, locks, loops and errors."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from game.content.cache import load_story_cached
from game.core.runner import Runner
from game.core.story import Story
from game.playtest import (
    ENDING,
    ERROR,
    LOOPED,
    STUCK,
    LockedChoice,
    playtest,
    replay,
    run_seeds,
)

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "story" / "tutorial"
STORIES = ROOT / "tests" / "stories" / "playtest"

JSON_KEYS = {
    "runs",
    "seed",
    "endings",
    "endings_unreached",
    "scenes_total",
    "scenes_visited",
    "scenes_unvisited",
    "choices_total",
    "choices_taken",
    "meters",
    "steps",
    "words",
    "errors",
    "looped",
    "elapsed_s",
}


def load(folder: Path) -> Story:
    result = load_story_cached(folder)
    assert result.story is not None, [d.format() for d in result.diagnostics]
    return result.story


def without_time(report: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in report.items() if key != "elapsed_s"}


def line_of(path: Path, text: str) -> int:
    """The 1-based number of the first line of `path` containing `text`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if text in line:
            return number
    raise AssertionError(f"{text!r} not in {path}")


def write_story(tmp_path: Path, text: str) -> Path:
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "story.yaml").write_text(text, encoding="utf-8")
    return folder


def test_the_same_seed_gives_the_same_report() -> None:
    story = load(TUTORIAL)
    first = playtest(story, runs=200, seed=7).as_json()
    again = playtest(load(TUTORIAL), runs=200, seed=7).as_json()
    assert without_time(first) == without_time(again)


def test_different_seeds_give_different_reports() -> None:
    story = load(TUTORIAL)
    one = without_time(playtest(story, runs=200, seed=1).as_json())
    two = without_time(playtest(story, runs=200, seed=2).as_json())
    assert one != two
    assert one["runs"] == two["runs"] == 200


def test_run_seeds_depend_on_seed_and_run_alone() -> None:
    assert run_seeds(1, 5) == run_seeds(1, 5)
    seeds = {run_seeds(seed, run) for seed in range(5) for run in range(1, 50)}
    assert len(seeds) == 5 * 49
    story_seed, picker_seed = run_seeds(3, 9)
    assert story_seed != picker_seed
    assert 0 <= story_seed < 2**64 and 0 <= picker_seed < 2**64


def test_json_has_exactly_the_documented_keys() -> None:
    report = playtest(load(TUTORIAL), runs=20, seed=0).as_json()
    assert set(report) == JSON_KEYS
    assert set(report["steps"]) == {"mean", "median", "max"}
    assert set(report["words"]) == {"mean", "median"}
    for figures in report["meters"].values():
        assert set(figures) == {"min", "mean", "max"}
    assert isinstance(report["elapsed_s"], float)


def test_endings_are_counted_and_an_unreachable_one_is_reported() -> None:
    story = load(STORIES / "branches")
    report = playtest(story, runs=100, seed=3)
    assert report.outcomes == {ENDING: 100}
    assert set(report.endings) == {"left_end", "right_end"}
    assert sum(report.endings.values()) == 100
    assert report.endings_unreached == ["gate_end"]
    assert report.scenes_total == 4
    assert report.scenes_unvisited == ["gate_end"]
    assert report.scenes_visited == 3
    assert (report.choices_total, report.choices_taken) == (3, 2)
    assert report.choices_untaken == [("fork", "gate")]
    assert not report.failed
    data = report.as_json()
    assert data["endings_unreached"] == ["gate_end"]
    assert data["errors"] == [] and data["looped"] == 0
    # luck is 1 after going left and 6 after going right.
    assert data["meters"]["luck"]["min"] == 1 and data["meters"]["luck"]["max"] == 6
    assert data["steps"] == {"mean": 1.0, "median": 1, "max": 1}


def test_tiers_at_the_end_and_during_a_run() -> None:
    report = playtest(load(STORIES / "branches"), runs=100, seed=3)
    right = report.endings["right_end"]
    assert report.tiers_final == {"luck": {"high": right, "low": 100 - right}}
    # Every run starts low; only going right (luck 6) reaches high.
    assert report.tiers_reached == {"luck": {"high": right, "low": 100}}


def test_locked_choices_are_counted_when_shown() -> None:
    report = playtest(load(STORIES / "branches"), runs=50, seed=1)
    assert report.locked == [LockedChoice("fork", "gate", shown=50, locked=50)]


def test_a_lock_that_opens_counts_only_while_locked() -> None:
    # `leave` is locked on the first three pages of every run, then open.
    report = playtest(load(STORIES / "lockloop"), runs=40, seed=2)
    assert report.looped == 0 and report.outcomes == {ENDING: 40}
    (leave,) = report.locked
    assert (leave.scene, leave.choice) == ("room", "leave")
    assert leave.locked == 3 * 40
    assert leave.shown == report.choices_made  # one page with `leave` on it per choice made


def test_the_step_cap_counts_as_looped() -> None:
    report = playtest(load(STORIES / "lockloop"), runs=25, seed=0, max_steps=2)
    assert report.looped == 25
    assert report.outcomes == {LOOPED: 25}
    assert report.first_looped == (1, "room")
    assert report.endings == {} and report.endings_unreached == ["outside"]
    assert report.steps.max == 2 and report.choices_made == 50
    assert not report.failed  # a loop is reported, not an error
    assert report.as_json()["looped"] == 25


def test_a_run_that_reaches_an_ending_on_the_caps_last_choice_is_not_looped() -> None:
    report = playtest(load(STORIES / "branches"), runs=10, seed=0, max_steps=1)
    assert report.looped == 0 and report.outcomes == {ENDING: 10}


def test_a_stuck_run_is_an_error_located_at_its_scene() -> None:
    folder = STORIES / "stuck"
    report = playtest(load(folder), runs=60, seed=4)
    stuck = report.outcomes[STUCK]
    assert 0 < stuck < 60
    assert report.failed
    (error,) = report.errors
    assert error.count == stuck
    assert error.scene == "yard"
    assert error.location == f"{folder / 'story.yaml'}:{line_of(folder / 'story.yaml', 'yard:')}:3"
    assert "stuck in scene 'yard'" in error.message
    assert "taken already" in error.message
    entry = report.as_json()["errors"][0]
    assert set(entry) == {"run", "scene", "location", "message", "count"}
    assert entry["count"] == stuck


def test_a_runtime_error_is_reported_with_file_and_line() -> None:
    folder = STORIES / "division"
    story_file = folder / "story.yaml"
    report = playtest(load(folder), runs=60, seed=0)
    assert report.failed
    (error,) = report.errors
    assert error.count == report.outcomes[ERROR] > 0
    assert "by zero" in error.message
    assert error.location.startswith(f"{story_file}:{line_of(story_file, '12 / helpers')}:")
    # Runs that asked for help first divide by one and reach the ending.
    assert report.outcomes[ENDING] + report.outcomes[ERROR] == 60
    assert report.as_json()["errors"][0]["run"] == error.run


def test_an_error_in_the_opening_is_reported_and_the_run_has_no_meters(tmp_path: Path) -> None:
    folder = write_story(
        tmp_path,
        """\
id: opening
title: Opening
version: "1.0"
start: a
meters:
  m: {min: 0, max: 10}
variables:
  zero: 0
scenes:
  a:
    on_enter:
      - set: {m: "1 / zero"}
    text: Hello.
    choices:
      - text: On
        effects:
          - add: {zero: 1}
        goto: b
  b:
    text: Bye.
    ending: Bye
""",
    )
    report = playtest(load(folder), runs=5, seed=0)
    assert report.outcomes == {ERROR: 5}
    (error,) = report.errors
    assert error.count == 5 and error.run == 1 and error.scene == "a"
    assert report.meters == {}
    assert report.as_json()["meters"] == {}
    assert report.steps.max == 0


def test_storylet_offers_count_as_choices_of_their_hub(tmp_path: Path) -> None:
    folder = write_story(
        tmp_path,
        """\
id: hub
title: Hub
version: "1.0"
start: evening
scenes:
  evening:
    text: An evening.
    choices:
      - text: Go to bed
        goto: night
  walk:
    storylet: {hub: evening, text: Walk the dog}
    text: The dog pulls.
    choices:
      - text: Home
        goto: return
  read:
    storylet: {hub: evening, text: Read, sticky: true}
    text: A book.
    choices:
      - text: Home
        sticky: true
        goto: return
  night:
    text: Night.
    ending: Night
""",
    )
    story = load(folder)
    report = playtest(story, runs=200, seed=0)
    assert not report.failed
    assert report.storylet_offers == 2
    assert report.choices_total == story.choice_count + 2 == 5
    assert report.choices_taken == 5 and report.choices_untaken == []
    assert report.endings == {"night": 200}


def test_replay_plays_the_same_run_as_the_playtest() -> None:
    folder = STORIES / "stuck"
    story = load(folder)
    report = playtest(story, runs=30, seed=9)
    first = report.errors[0]
    again = replay(story, seed=9, run=first.run)
    assert again.outcome == STUCK
    assert again.error is not None
    assert (again.error.location, again.error.message) == (first.location, first.message)
    assert again.run == first.run
    assert [(e.scene, e.choice) for e in again.path] == [
        ("yard", "c1"),
        ("shed", "c1"),
    ]


def test_replay_counts_steps_and_words_of_every_page_shown() -> None:
    story = load(TUTORIAL)
    for run in range(1, 15):
        result = replay(story, seed=11, run=run)
        assert result.outcome == ENDING
        assert result.steps == len(result.path)
        # Replay its choices on a fresh runner and count every page's words by hand.
        runner = Runner(story, seed=result.story_seed)
        words = runner.page.words
        for entry in result.path:
            runner.choose(entry.choice)
            words += runner.page.words
        assert runner.ended and runner.page.scene == result.ending
        assert result.words == words
        assert result.meters == {m.id: m.value for m in runner.meters()}


def test_the_report_over_runs_agrees_with_replays() -> None:
    story = load(TUTORIAL)
    report = playtest(story, runs=12, seed=5)
    replays = [replay(story, seed=5, run=run) for run in range(1, 13)]
    assert report.choices_made == sum(r.steps for r in replays)
    assert report.words.max == max(r.words for r in replays)
    reached: dict[str, int] = {}
    for r in replays:
        assert r.ending is not None
        reached[r.ending] = reached.get(r.ending, 0) + 1
    assert report.endings == dict(sorted(reached.items(), key=lambda kv: (-kv[1], kv[0])))


@pytest.mark.parametrize("folder", [TUTORIAL, STORIES / "division", STORIES / "stuck"])
def test_runs_leave_no_reference_cycles(folder: Path) -> None:
    # playtest() pauses the cyclic collector while it plays, which is only safe while a run's
    # garbage (runner, pages, steps, caught errors) is freed by reference counting alone.
    story = load(folder)
    gc.collect()
    gc.disable()
    try:
        playtest(story, runs=200, seed=1)
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_progress_is_called_once_per_run() -> None:
    calls: list[int] = []
    playtest(load(STORIES / "branches"), runs=7, seed=0, progress=calls.append)
    assert calls == [1] * 7


@pytest.mark.parametrize("bad", [{"runs": 0}, {"runs": 1, "max_steps": 0}])
def test_bad_arguments_are_refused(bad: dict[str, int]) -> None:
    arguments = {"runs": 1, "seed": 0, **bad}
    with pytest.raises(ValueError):
        playtest(load(STORIES / "branches"), **arguments)
