"""game/core/runner.py, one mechanic at a time: each story in tests/stories/mechanics/ is played
along a fixed path, with exact meter values and ledger entries asserted."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.content.loader import load_story
from game.core.runner import Runner
from game.core.save_json import state_from_json, state_to_json
from game.core.story import Story

MECHANICS = Path(__file__).parent / "stories" / "mechanics"


def mechanic(name: str) -> Story:
    result = load_story(MECHANICS / name)
    errors = [d.format() for d in result.diagnostics]
    assert result.story is not None and not errors, "\n".join(errors)
    return result.story


def play(name: str, *choices: str, seed: int = 1) -> Runner:
    runner = Runner(mechanic(name), seed=seed)
    for choice in choices:
        runner.choose(choice)
    return runner


def ledger(runner: Runner) -> list[tuple[object, ...]]:
    """(turn, meter, delta, value, rule, reason) of every ledger entry."""
    return [(e.turn, e.meter, e.delta, e.value, e.rule, e.reason) for e in runner.state.ledger]


def offered(runner: Runner) -> list[str]:
    return [choice.id for choice in runner.page.choices]


@pytest.mark.parametrize("name", sorted(p.name for p in MECHANICS.iterdir() if p.is_dir()))
def test_every_mechanic_story_passes_a_strict_check(name: str) -> None:
    mechanic(name)


# ------------------------------------------------------------------ fairmath


def test_fairmath_moves_a_share_of_the_distance_to_the_bound() -> None:
    runner = play("fairmath", "raise", "lower", "standing_up")
    assert ledger(runner) == [
        (1, "trust", 10, 60, None, "kept a promise"),
        (2, "trust", -6, 54, None, "Break a promise"),
        (3, "standing", 150, 750, None, "Be seen to comply"),
    ]


def test_fairmath_approaches_a_bound_but_never_crosses_it() -> None:
    # Each step is a fifth of what is left, rounded: at 98 a fifth of 2 rounds to nothing.
    assert play("fairmath", *["raise"] * 40).state.values["trust"] == 98
    assert play("fairmath", *["lower"] * 60).state.values["trust"] == 5


# --------------------------------------------------------------- multipliers


def test_after_an_infraction_losses_double_and_gains_halve() -> None:
    runner = play("multipliers", "help", "litter", "litter", "help")
    assert ledger(runner) == [
        (1, "standing", 15, 615, None, "helping a stranger"),
        # The multiplier's condition is read when the change is made: the first infraction is
        # counted after its own penalty.
        (2, "standing", -15, 600, None, "littering"),
        (3, "standing", -30, 570, None, "littering"),
        # 570 + 7.5 rounds half away from zero.
        (4, "standing", 8, 578, None, "helping a stranger"),
    ]


# --------------------------------------------------------------------- tiers


def test_leaving_and_entering_tiers_notify_in_order_with_privileges_named() -> None:
    runner = play("tiers")
    step = runner.choose("jaywalk")
    assert step.notifications == (
        "You have lost the green channel.",
        "Train booking declined: Standing below 600.",
    )
    (shift,) = step.tier_shifts
    assert (shift.old and shift.old.id, shift.new and shift.new.id) == ("trusted", "citizen")
    assert (shift.gained, shift.lost) == (("throttled",), ("train_travel", "green_channel"))
    assert runner.sanctions() == ("throttled",)


def test_a_tier_event_applies_effects_and_interrupts_with_a_scene_that_returns() -> None:
    runner = play("tiers", "jaywalk")
    step = runner.choose("protest")
    assert step.interrupted and step.scene == "summons"
    assert step.interruption == "tier:standing.listed.on_enter"
    assert step.notifications == ("Your name is now on the public list.",)
    assert runner.state.values["warnings"] == 1
    assert ledger(runner)[-1] == (
        2,
        "warnings",
        1,
        1,
        "standing.listed.on_enter",
        "entered Listed",
    )
    back = runner.choose("accept")
    assert back.scene == "square" and not back.interrupted
    assert runner.sanctions() == ("throttled", "listed")
    assert [(t.turn, t.old, t.new) for t in runner.state.tiers] == [
        (1, "trusted", "citizen"),
        (2, "citizen", "listed"),
    ]


# --------------------------------------------------------------------- rules


def test_rules_run_on_tags_every_turn_every_day_and_while_a_condition_holds() -> None:
    runner = play("rules")
    first = runner.choose("smoke")
    assert first.notifications == ("A camera noticed.",)
    runner.choose("smoke")
    sleep = runner.choose("sleep")
    assert sleep.day_changed
    runner.choose("smoke")
    assert ledger(runner) == [
        (1, "standing", -40, 460, "smoking_on_trains", "smoking on a train"),
        (2, "standing", -40, 420, "smoking_on_trains", "smoking on a train"),
        (2, "standing", -5, 415, "chain_smoker", "chain_smoker"),
        (3, "standing", -5, 410, "chain_smoker", "chain_smoker"),
        (3, "stress", 2, 2, "rent_day", "rent is due"),
        (4, "standing", -40, 370, "smoking_on_trains", "smoking on a train"),
        (4, "standing", -1, 369, "idle_time", "idle while stressed"),
        (4, "standing", -5, 364, "chain_smoker", "chain_smoker"),
    ]


def test_a_scene_that_ends_the_day_runs_the_day_rules_as_it_is_entered() -> None:
    runner = play("rules")
    step = runner.choose("doze")
    assert step.day_changed and step.scene == "dusk"
    assert ledger(runner) == [(1, "stress", 2, 2, "rent_day", "rent is due")]
    assert runner.clock().day == 2


def test_previews_name_the_visible_meters_a_choice_and_its_tag_rules_touch() -> None:
    runner = play("rules")
    touches = {choice.id: choice.touches for choice in runner.page.choices}
    assert touches == {"smoke": ("standing",), "sleep": (), "doze": (), "leave": ()}


def test_without_previews_choices_name_no_meters() -> None:
    runner = play("tiers")
    assert all(choice.touches == () for choice in runner.page.choices)


# ---------------------------------------------------------------- characters


def test_characters_values_read_in_text() -> None:
    runner = play("characters")
    assert runner.page.paragraphs == ("Circle of 1; its mean standing 300. Mara 300.",)


def test_association_drifts_standing_toward_the_circle_mean_each_day() -> None:
    runner = play("characters", "sleep", "befriend_ines", "defend_mara", "sleep")
    assert runner.page.paragraphs == ("Circle of 2; its mean standing 650. Mara 400.",)
    assert ledger(runner) == [
        (1, "standing", -30, 570, "association", "association: your circle"),
        (2, "ines.relationship", 10, 10, None, "Add Ines"),
        (3, "mara.standing", 100, 400, None, "you vouched for her"),
        (3, "mara.relationship", 20, 60, None, "you vouched for her"),
        (4, "standing", 8, 578, "association", "association: your circle"),
    ]


def test_befriend_and_block_change_the_circle_with_notifications() -> None:
    runner = play("characters")
    assert runner.choose("befriend_ines").notifications == ("Ines Okafor is now in your circle.",)
    step = runner.choose("block_mara")
    assert step.notifications == ("You blocked Mara Voss.",)
    views = {c.id: (c.in_circle, c.blocked, c.relationship) for c in runner.characters()}
    assert views == {"mara": (False, True, 40), "ines": (True, False, 10)}
    assert runner.state.values["circle_size"] == 1
    assert [c.label for c in play("characters", "befriend_ines").choose("defend_mara").changes] == [
        "Mara Voss: Standing",
        "Mara Voss: relationship",
    ]


def test_a_choice_needing_someone_in_the_circle_locks_once_they_leave() -> None:
    runner = play("characters", "befriend_ines", "unfriend_ines")
    assert "unfriend_ines" not in offered(runner)  # taken: not sticky
    runner = play("characters", "block_mara")
    assert "block_mara" not in offered(runner)


# ---------------------------------------------------------------------- time


def test_time_advances_by_period_and_day_with_named_days() -> None:
    runner = play("time")
    assert runner.page.paragraphs == ("Monday morning, day 1, turn 0.",)
    runner.choose("wait")
    assert runner.page.paragraphs == ("Monday evening, day 1, turn 1.",)
    step = runner.choose("wait")  # past the last period: the next morning
    assert step.day_changed
    assert runner.page.paragraphs == ("Tuesday morning, day 2, turn 2.",)
    clock = runner.clock()
    assert (clock.day, clock.day_name, clock.period, clock.turn) == (2, "Tuesday", "morning", 2)


def test_a_scheduled_event_interrupts_when_its_time_comes_then_play_returns() -> None:
    runner = play("time", "sleep")
    step = runner.choose("wait")
    assert step.interrupted and step.scene == "inspector"
    assert step.interruption == "schedule:inspection"
    assert runner.page.paragraphs == ("An inspector at the door, Tuesday evening.",)
    back = runner.choose("let_in")
    assert back.scene == "flat"
    assert ledger(runner) == [(3, "standing", -10, 490, None, "a messy flat")]
    assert runner.state.fired == {"inspection"}


def test_a_scheduled_event_whose_condition_fails_at_its_time_lapses() -> None:
    runner = play("time", "sleep", "wait", "let_in", "sleep")
    assert runner.page.scene == "flat"
    assert runner.state.fired == {"inspection", "never"}
    runner.choose("sleep")
    assert runner.page.scene == "flat"


# ----------------------------------------------------------------- storylets


def test_a_hub_offers_storylets_by_salience_up_to_its_limit() -> None:
    runner = play("storylets")
    assert offered(runner) == ["bed", "volunteer", "drink"]
    assert all(c.storylet for c in runner.page.choices[1:])
    assert runner.page.choices[1].text == "Volunteer at the census office"


def test_a_played_storylet_returns_to_its_hub_and_is_not_offered_again() -> None:
    runner = play("storylets", "volunteer")
    assert runner.page.scene == "volunteer"
    runner.choose("c1")
    assert runner.page.scene == "evening"
    # standing is now 700: drink's salience 3.5 ranks it first; walk_dog fills the second place.
    assert offered(runner) == ["bed", "drink", "walk_dog"]
    runner.choose("drink")
    runner.choose("c1")
    assert offered(runner) == ["bed", "drink", "walk_dog"]  # sticky: offered again


# ---------------------------------------------------------------- directives


def test_directives_switch_by_day_so_the_same_choice_is_praised_then_punished() -> None:
    runner = play("directives")
    assert runner.directives() == ("Staying late shows dedication.",)
    assert runner.opening is not None
    assert runner.opening.notifications == ("Today's directive: Staying late shows dedication.",)
    runner.choose("stay")
    step = runner.choose("sleep")
    assert step.notifications == (
        "Today's directive: Lights out at six: electricity belongs to everyone.",
    )
    runner.choose("stay")
    assert ledger(runner) == [
        (1, "standing", 20, 520, "overtime_praised", "dedication to the common good"),
        (2, "standing", 5, 525, "census_day", "counted in the census"),
        (3, "standing", -30, 495, "overtime_forbidden", "wasting the office's electricity"),
    ]


def test_each_day_slept_through_runs_its_own_day_rules() -> None:
    runner = play("directives")
    step = runner.choose("hibernate")
    assert ledger(runner) == [(1, "standing", 5, 505, "census_day", "counted in the census")]
    assert runner.clock().day == 3 and runner.clock().day_name == "Wednesday"
    assert step.notifications == (
        "Today's directive: Lights out at six: electricity belongs to everyone.",
    )


# ---------------------------------------------------------------- randomness


def walk(seed: int, steps: int) -> list[tuple[tuple[str, ...], int]]:
    runner = play("randomness", seed=seed)
    seen = [(runner.page.texts, int(runner.state.values["standing"]))]
    for _ in range(steps):
        runner.choose("walk")
        seen.append((runner.page.texts, int(runner.state.values["standing"])))
    return seen


def test_the_same_seed_replays_the_same_text_and_chances() -> None:
    assert walk(5, 30) == walk(5, 30)


def test_different_seeds_give_different_playthroughs() -> None:
    assert walk(5, 30) != walk(6, 30)


def test_every_variant_and_both_outcomes_of_a_chance_appear() -> None:
    pages = [texts for seed in range(10) for texts, _ in walk(seed, 10)]
    assert {texts[0] for texts in pages} == {
        "The guard waves you through.",
        "The guard looks at you for a long moment.",
        "The guard is on the phone and does not look up.",
    }
    assert {texts[1] for texts in pages} == {
        "A camera turns toward you.",
        "The camera is pointed at the sky.",
    }
    standings = {standing for seed in range(10) for _, standing in walk(seed, 10)}
    assert len(standings) > 3  # the random stop happened a varying number of times


def test_a_loaded_save_rebuilds_the_same_random_page_and_continues_identically() -> None:
    story = mechanic("randomness")
    straight = Runner(story, seed=9)
    for _ in range(5):
        straight.choose("walk")
    data = json.loads(json.dumps(state_to_json(story, straight.state)))
    resumed = Runner(story, state_from_json(story, data))
    assert resumed.page.texts == straight.page.texts
    for _ in range(5):
        assert resumed.choose("walk") == straight.choose("walk")
        assert resumed.page.texts == straight.page.texts
