"""game/core/ledger.py and report.py: what the consequence ledger answers, and the report card."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from game.core.ledger import biggest_moves, main_meter, net_status, series, status_changes
from game.core.report import report_card
from game.core.runner import Runner
from game.core.story import Story

MakeStory = Callable[[str], Story]

TOWN = """
id: town
title: Town
version: "1"
start: square
meters:
  trust:
    label: Trust
    min: 0
    max: 100
    start: 10
    visible: false
  standing:
    label: Standing
    min: 0
    max: 1000
    start: 650
    display: badge
    tiers:
      - {id: listed, label: Listed, min: 0, max: 499, sanctions: [throttled, listed]}
      - {id: citizen, label: Citizen, min: 500, max: 799, privileges: [train]}
      - {id: trusted, label: Trusted, min: 800, max: 1000, privileges: [train, green_channel]}
scenes:
  square:
    text: "Standing {standing}."
    choices:
      - id: jaywalk
        text: Cross on red
        effects:
          - subtract: {standing: 200}
        goto: square
      - id: volunteer
        text: Volunteer at the census
        effects:
          - add: {standing: 30}
          - add: {trust: 5}
        goto: square
      - id: report
        text: Report your neighbour
        effects:
          - add: {standing: 400}
          - subtract: {trust: 10}
        goto: square
      - id: court
        text: Answer the summons
        effects:
          - add: {standing: 10}
        goto: courthouse
      - id: home
        text: Go home
        goto: home
  courthouse:
    on_enter:
      - subtract: {standing: 100}
        reason: an old fine
    text: The clerk has your file.
    choices:
      - text: Leave
        goto: square
  home:
    text: Home.
    ending: {title: Home, epithet: The one who went home}
"""


@pytest.fixture
def town(make_story: MakeStory) -> Story:
    return make_story(TOWN)


def play(story: Story, *choices: str) -> Runner:
    runner = Runner(story, seed=1)
    for choice in choices:
        runner.choose(choice)
    return runner


def test_the_main_meter_is_the_badge(town: Story) -> None:
    meter = main_meter(town)
    assert meter is not None and meter.id == "standing"


def test_series_gives_the_meter_after_each_turn_that_moved_it(town: Story) -> None:
    runner = play(town, "volunteer", "jaywalk", "report")
    assert series(runner.state.ledger, "standing", 650) == [(0, 650), (1, 680), (2, 480), (3, 880)]
    assert series(runner.state.ledger, "trust", 10) == [(0, 10), (1, 15), (3, 5)]


def test_biggest_moves_rank_turns_by_size_with_the_choice_made(town: Story) -> None:
    runner = play(town, "volunteer", "jaywalk", "report")
    moves = biggest_moves(runner.state.ledger, runner.state.history, "standing", count=2)
    assert [(m.turn, m.choice, m.text, m.delta) for m in moves] == [
        (3, "report", "Report your neighbour", 400),
        (2, "jaywalk", "Cross on red", -200),
    ]
    assert moves[0].reasons == ("Report your neighbour",)


def test_tier_changes_are_logged_with_privileges_gained_and_lost(town: Story) -> None:
    runner = play(town, "jaywalk")
    step = runner.choose("report")
    (shift,) = step.tier_shifts
    assert (shift.old and shift.old.id, shift.new and shift.new.id) == ("listed", "trusted")
    assert shift.gained == ("train", "green_channel")
    assert shift.lost == ("throttled", "listed")
    changes = status_changes(town, runner.state.tiers)
    assert [(c.turn, c.name, c.kind, c.gained) for c in changes] == [
        (1, "train", "privilege", False),
        (1, "throttled", "sanction", True),
        (1, "listed", "sanction", True),
        (2, "train", "privilege", True),
        (2, "green_channel", "privilege", True),
        (2, "throttled", "sanction", False),
        (2, "listed", "sanction", False),
    ]


def test_net_status_compares_the_end_with_the_start(town: Story) -> None:
    runner = play(town, "jaywalk", "report")
    assert net_status(town, runner.state) == (["green_channel"], [])
    runner = play(town, "jaywalk")
    assert net_status(town, runner.state) == (["throttled", "listed"], ["train"])


def test_privileges_and_sanctions_of_the_current_tiers(town: Story) -> None:
    runner = play(town, "jaywalk")
    assert runner.sanctions() == ("throttled", "listed")
    assert runner.privileges() == ()


def test_the_report_card_reveals_hidden_meters_and_the_biggest_moves(town: Story) -> None:
    runner = play(town, "volunteer", "jaywalk", "report", "home")
    card = report_card(runner)
    assert (card.title, card.epithet) == ("Home", "The one who went home")
    assert card.meter is not None and (card.meter.id, card.meter.value) == ("standing", 880)
    assert card.series == ((0, 650), (1, 680), (2, 480), (3, 880))
    assert [m.choice for m in card.moves] == ["report", "jaywalk", "volunteer"]
    assert [(v.id, v.value) for v in card.revealed] == [("trust", 5)]
    assert card.gained == ("green_channel",)
    assert card.turns == 4


def test_what_a_scene_does_on_arrival_is_not_blamed_on_the_choice_before_it(town: Story) -> None:
    runner = play(town, "court")
    moves = biggest_moves(runner.state.ledger, runner.state.history, "standing")
    assert [(m.turn, m.choice, m.text, m.delta, m.reasons) for m in moves] == [
        (1, None, "", -100, ("an old fine",)),
        (1, "court", "Answer the summons", 10, ("Answer the summons",)),
    ]
