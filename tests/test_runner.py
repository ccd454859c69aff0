"""game/core/runner.py: the pull API, the order of a step, and the rules of meter arithmetic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from game.content.loader import load_story
from game.core.runner import Runner, RunnerError, StoryRuntimeError
from game.core.save_json import state_to_json
from game.core.story import Story

MakeStory = Callable[[str], Story]

BASIC = """
id: basic
title: Basic
version: "1"
start: hall
meters:
  standing: {label: Standing, min: 0, max: 1000, start: 500}
flags:
  warned: false
variables:
  fines: 0
scenes:
  hall:
    title: The hall
    on_enter:
      - add: {fines: 1}
    text: "Fines so far: {fines}."
    choices:
      - id: smoke
        text: Light a cigarette
        effects:
          - subtract: {standing: 40}
            reason: smoking on a train
          - set: {warned: true}
        goto: hall
      - id: wait
        text: Wait
        sticky: true
        goto: hall
      - id: train
        text: Board the train
        requires: standing >= 600
        locked: "Standing below 600"
        goto: platform
      - id: leave
        text: Leave
        goto: outside
  platform:
    text: You are on the platform.
    ending: {title: Departed, epithet: The one who left}
  outside:
    text: It is raining.
    ending: Outside
"""


@pytest.fixture
def basic(make_story: MakeStory) -> Story:
    return make_story(BASIC)


def test_first_page_shows_the_start_scene_after_its_on_enter_effects(basic: Story) -> None:
    runner = Runner(basic, seed=1)
    assert runner.page.scene == "hall"
    assert runner.page.title == "The hall"
    assert runner.page.paragraphs == ("Fines so far: 1.",)
    assert [c.id for c in runner.page.choices] == ["smoke", "wait", "train", "leave"]


def test_locked_choice_is_offered_with_its_reason_and_cannot_be_chosen(basic: Story) -> None:
    runner = Runner(basic, seed=1)
    train = runner.page.choices[2]
    assert (train.available, train.locked_reason) == (False, "Standing below 600")
    with pytest.raises(RunnerError, match="locked: Standing below 600"):
        runner.choose("train")
    assert runner.state.turn == 0  # nothing happened


def test_choose_reports_changes_with_their_reasons(basic: Story) -> None:
    runner = Runner(basic, seed=1)
    step = runner.choose("smoke")
    assert [(c.meter, c.delta, c.value, c.reason) for c in step.changes] == [
        ("standing", -40, 460, "smoking on a train")
    ]
    assert runner.state.values["warned"] is True
    assert step.scene == "hall"
    assert runner.page.paragraphs == ("Fines so far: 2.",)


def test_a_change_without_a_reason_gives_the_choice_text(make_story: MakeStory) -> None:
    story = make_story(BASIC.replace("            reason: smoking on a train\n", ""))
    step = Runner(story, seed=1).choose("smoke")
    assert step.changes[0].reason == "Light a cigarette"


def test_a_non_sticky_choice_disappears_once_taken_and_a_sticky_one_stays(basic: Story) -> None:
    runner = Runner(basic, seed=1)
    runner.choose("smoke")
    assert [c.id for c in runner.page.choices] == ["wait", "train", "leave"]
    runner.choose("wait")
    runner.choose("wait")
    assert [c.id for c in runner.page.choices] == ["wait", "train", "leave"]


def test_choosing_an_unknown_choice_names_the_ones_offered(basic: Story) -> None:
    runner = Runner(basic, seed=1)
    with pytest.raises(RunnerError, match="no choice 'fly'; its choices are: smoke, wait"):
        runner.choose("fly")


def test_choosing_at_an_ending_is_an_error(basic: Story) -> None:
    runner = Runner(basic, seed=1)
    runner.choose("leave")
    assert runner.ended
    assert runner.page.ending is not None and runner.page.ending.title == "Outside"
    assert runner.page.choices == ()
    with pytest.raises(RunnerError, match="the story has ended"):
        runner.choose("wait")


def test_visits_history_and_ledger_record_the_playthrough(basic: Story) -> None:
    runner = Runner(basic, seed=1)
    runner.choose("smoke")
    runner.choose("leave")
    state = runner.state
    assert state.visits == {"hall": 2, "outside": 1}
    assert [(h.turn, h.scene, h.choice, h.text) for h in state.history] == [
        (1, "hall", "smoke", "Light a cigarette"),
        (2, "hall", "leave", "Leave"),
    ]
    assert [tuple(e) for e in state.ledger] == [
        (1, 1, "hall", "smoke", None, "standing", -40, 460, "smoking on a train")
    ]


EFFECTS = """
id: fx
title: Effects
version: "1"
start: a
meters:
  m: {min: 0, max: 10, start: 5}
variables:
  x: 0
scenes:
  a:
    text: "m is {m}, x is {x}"
    choices:
      - id: order
        text: In order
        effects:
          - set: {x: 2}
          - add: {x: 3}
          - set: {m: "x * 2"}
        goto: a
      - id: half
        text: Half up
        effects:
          - add: {m: 0.5}
        goto: a
      - id: half_down
        text: Half down
        effects:
          - subtract: {m: 2.5}
        goto: a
      - id: overflow
        text: Too much
        effects:
          - add: {m: 100}
        goto: a
      - id: end
        text: End
        goto: b
  b:
    text: The end.
    ending: End
"""


def test_effects_apply_in_list_order(make_story: MakeStory) -> None:
    runner = Runner(make_story(EFFECTS), seed=1)
    runner.choose("order")
    assert runner.state.values["x"] == 5
    assert runner.state.values["m"] == 10


def test_meters_round_halves_away_from_zero_then_clamp(make_story: MakeStory) -> None:
    story = make_story(EFFECTS)
    runner = Runner(story, seed=1)
    runner.choose("half")  # 5.5 -> 6
    assert runner.state.values["m"] == 6
    runner.choose("half_down")  # 3.5 -> 4
    assert runner.state.values["m"] == 4
    step = runner.choose("overflow")
    assert runner.state.values["m"] == 10
    assert step.changes[0].delta == 6


def test_a_division_by_zero_is_a_located_story_error(make_story: MakeStory) -> None:
    story = make_story(
        """
        id: oops
        title: Oops
        version: "1"
        start: a
        variables:
          n: 0
        scenes:
          a:
            text: "Share: {10 / n}"
            ending: End
        """
    )
    with pytest.raises(StoryRuntimeError) as caught:
        Runner(story, seed=1)
    error = caught.value
    assert error.message == "'/' by zero"
    assert (error.location.line, error.location.column) == (10, 23)
    assert str(error).endswith("story.yaml:10:23: '/' by zero")


def test_the_tutorial_plays_to_an_ending_along_a_fixed_path() -> None:
    story = load_story(Path("story/tutorial")).story
    assert story is not None
    runner = Runner(story, seed=0)
    guard = 0
    while not runner.ended and guard < 100:
        runner.choose(next(c.id for c in runner.page.choices if c.available))
        guard += 1
    assert runner.ended


def test_meter_views_report_value_and_tier(basic: Story) -> None:
    runner = Runner(basic, seed=1)
    (standing,) = runner.meters()
    assert (standing.id, standing.value, standing.visible, standing.tier) == (
        "standing",
        500,
        True,
        None,
    )


def test_a_story_error_half_way_through_a_step_undoes_the_step(make_story: MakeStory) -> None:
    story = make_story(
        """
        id: undo
        title: Undo
        version: "1"
        start: hall
        meters:
          standing: {min: 0, max: 100, start: 50}
        variables:
          zero: 0
        scenes:
          hall:
            text: "Standing {standing}."
            choices:
              - id: broken
                text: Open the broken door
                effects:
                  - add: {standing: 10}
                goto: broken_room
              - id: fine
                text: Open the other door
                goto: fine_room
          broken_room:
            on_enter:
              - add: {standing: 5}
            text: "Share: {100 / zero}"
            ending: Broken
          fine_room:
            text: Fine.
            ending: Fine
        """
    )
    runner = Runner(story, seed=3)
    before = state_to_json(story, runner.state)
    page = runner.page
    with pytest.raises(StoryRuntimeError, match="'/' by zero"):
        runner.choose("broken")
    assert state_to_json(story, runner.state) == before
    assert runner.page is page
    assert runner.choose("fine").scene == "fine_room"
    assert runner.state.turn == 1 and runner.state.values["standing"] == 50
