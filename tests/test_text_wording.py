"""game/text/wording.py: how consequences, meters, the clock and choices read as plain text."""

from __future__ import annotations

import pytest

from game.core.diagnostics import SourceLocation
from game.core.ledger import Move
from game.core.runner import Change, ChoiceView, ClockView, MeterView, TierShift
from game.core.story import Tier
from game.text.wording import (
    ASCII,
    UNICODE,
    change_line,
    choice_text,
    clean,
    clock_text,
    day_text,
    glyphs_for,
    listing,
    meter_text,
    move_line,
    number,
    signed,
    status_line,
    tier_shift_line,
    when_text,
    wrap,
)

LOC = SourceLocation("story/demo/story.yaml", 1, 1)
TRUSTED = Tier("trusted", "Good Citizen", 600, 1000, LOC, privileges=("train_travel",))
REVIEW = Tier("review", "Under Review", 0, 599, LOC, sanctions=("throttled",))


def change(label: str, delta: int | float, reason: str) -> Change:
    return Change("standing", label, delta, 0, reason, None, True)


def test_a_loss_reads_with_a_real_minus_sign_and_its_reason() -> None:
    line = change_line(change("Standing", -40, "smoking on a train"), UNICODE)
    assert line == "Standing \u221240 \u2014 smoking on a train"


def test_a_gain_reads_with_a_plus_sign() -> None:
    assert change_line(change("Standing", 15, "helping"), UNICODE) == "Standing +15 \u2014 helping"


def test_a_characters_change_reads_with_their_name() -> None:
    line = change_line(change("Mara Voss: Standing", 5, "vouching for you"), UNICODE)
    assert line == "Mara Voss: Standing +5 \u2014 vouching for you"


def test_a_change_without_a_reason_has_no_dash() -> None:
    assert change_line(change("Standing", 3, "  "), UNICODE) == "Standing +3"


def test_fractional_values_read_with_at_most_two_decimals() -> None:
    assert number(2.0) == "2"
    assert number(0.1 + 0.2) == "0.3"
    assert number(1 / 3) == "0.33"
    assert signed(-2.5, UNICODE) == "\u22122.5"
    assert signed(0, UNICODE) == "0"


def test_plain_stand_ins_are_used_where_the_terminal_cannot_show_the_glyphs() -> None:
    assert change_line(change("Standing", -40, "smoking"), ASCII) == "Standing -40 - smoking"
    assert glyphs_for("utf-8") is UNICODE
    assert glyphs_for("ascii") is ASCII
    assert glyphs_for("cp1252") is ASCII  # has the middle dot, not the minus sign or arrow
    assert glyphs_for(None) is UNICODE
    assert glyphs_for("no-such-codec") is ASCII


def test_a_tier_shift_names_both_tiers_and_what_was_lost_and_gained() -> None:
    shift = TierShift("standing", TRUSTED, REVIEW, gained=("throttled",), lost=("train_travel",))
    assert tier_shift_line(shift, "Standing", UNICODE) == (
        "Standing: Good Citizen \u2192 Under Review (lost: train_travel; gained: throttled)"
    )


def test_a_tier_shift_with_nothing_lost_or_gained_has_no_parentheses() -> None:
    shift = TierShift("standing", REVIEW, None, gained=(), lost=())
    assert tier_shift_line(shift, "Standing", ASCII) == "Standing: Under Review -> no tier"


def test_the_clock_names_the_day_when_the_story_names_its_days() -> None:
    clock = ClockView(turn=5, day=2, day_name="Tuesday", period="evening")
    assert clock_text(clock, named_days=True) == "Day 2, Tuesday, evening"
    assert day_text(clock) == "Tuesday, evening"


def test_the_clock_does_not_repeat_the_day_when_days_have_no_names() -> None:
    clock = ClockView(turn=5, day=2, day_name="Day 2", period="evening")
    assert clock_text(clock, named_days=False) == "Day 2, evening"
    assert day_text(clock) == "Day 2, evening"


def test_a_time_the_story_gave_names_what_it_has() -> None:
    assert when_text(2, "Tuesday", "evening", named_days=True) == "Day 2, Tuesday, evening"
    assert when_text(2, "Day 2", "evening", named_days=False) == "Day 2, evening"
    assert when_text(3, "Wednesday", None, named_days=True) == "Day 3, Wednesday"


def move(choice: str | None, text: str, delta: int, *reasons: str) -> Move:
    return Move(3, "counter", choice, text, delta, reasons)


def test_a_move_made_by_a_choice_reads_as_the_choice_and_its_net_change() -> None:
    line = move_line(move("help", "Help him find 567.9", 15, "Help him find 567.9"), None, UNICODE)
    assert line == "Turn 3, Help him find 567.9: +15"


def test_a_move_gives_the_reasons_its_rules_added() -> None:
    made = move("smoke", "Light up", -45, "Light up", "smoking on a train", "chain_smoker")
    assert move_line(made, None, UNICODE) == (
        "Turn 3, Light up: \u221245 (smoking on a train; chain_smoker)"
    )


def test_a_move_made_on_arriving_somewhere_names_the_scene_not_a_choice() -> None:
    made = move(None, "", -40, "a book twenty-three years overdue")
    assert move_line(made, "Card number 4471", UNICODE) == (
        "Turn 3, on arriving at Card number 4471: \u221240 (a book twenty-three years overdue)"
    )


def test_an_arrivals_default_reason_the_scenes_name_is_not_repeated() -> None:
    assert move_line(move(None, "", 5, "The desk"), "The desk", ASCII) == (
        "Turn 3, on arriving at The desk: +5"
    )
    assert move_line(move(None, "", 5, "counter"), None, ASCII) == "Turn 3, on arriving: +5"


def test_a_long_path_is_not_broken_when_asked() -> None:
    path = "(stories/a-very-long-folder-name/story.yaml:12:3)."
    assert wrap(f"A dead end {path}", 30, break_long_words=False) == ["A dead end", path]


def view(
    label: str,
    value: int,
    tier: Tier | None = None,
    visible: bool = True,
    display: str = "number",
) -> MeterView:
    return MeterView(label.lower(), label, value, 0, 1000, visible, display, tier)


def test_a_meter_reads_with_its_value_and_tier() -> None:
    assert meter_text(view("Standing", 620, TRUSTED)) == "Standing 620 (Good Citizen)"
    assert meter_text(view("Energy", 7, display="bar")) == "Energy 7/1000"


def test_the_status_line_joins_visible_meters_and_the_clock() -> None:
    meters = [view("Standing", 620, TRUSTED), view("Secret", 3, visible=False), view("Cash", 12)]
    assert status_line(meters, "Day 2, Tuesday, evening", UNICODE) == (
        "Standing 620 (Good Citizen) \u00b7 Cash 12 \u00b7 Day 2, Tuesday, evening"
    )
    assert status_line(meters, None, UNICODE) == "Standing 620 (Good Citizen) \u00b7 Cash 12"


def test_no_visible_meters_and_no_clock_is_no_status_line() -> None:
    assert status_line([view("Secret", 3, visible=False)], None, UNICODE) is None


def test_a_locked_choice_reads_with_its_reason() -> None:
    choice = ChoiceView("train", "Book the train", False, "Standing below 600")
    assert choice_text(choice, [], UNICODE) == "[locked] Book the train \u2014 Standing below 600"


def test_a_previewed_choice_names_the_meters_it_affects() -> None:
    choice = ChoiceView("report", "Report her", True, touches=("standing",))
    assert choice_text(choice, ["Standing"], UNICODE) == "Report her (affects Standing)"


def test_wrap_folds_at_the_width_with_a_hanging_indent() -> None:
    text = "Take A Field Guide to Urban Birds to the desk, now that you can borrow it"
    lines = wrap(text, 30, first="5. ")
    assert lines == [
        "5. Take A Field Guide to Urban",
        "   Birds to the desk, now that",
        "   you can borrow it",
    ]
    assert all(len(line) <= 30 for line in lines)


def test_wrap_keeps_hyphenated_words_whole() -> None:
    assert wrap("eating salt-and-vinegar crisps", 20) == ["eating", "salt-and-vinegar", "crisps"]


def test_wrap_of_nothing_is_one_line_holding_the_indent() -> None:
    assert wrap("", 40, first="1. ") == ["1."]


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("red \x1b[31mtext\x1b[0m", "red [31mtext[0m"),
        ("bell\x07 and\ttab", "bell and tab"),
        ("title\x1b]0;owned\x07", "title]0;owned"),
        ("c1 \x9b31m", "c1 31m"),
        ("Tom\u00e1s \u2014 fine", "Tom\u00e1s \u2014 fine"),
    ],
)
def test_clean_removes_control_characters_so_stories_cannot_drive_the_terminal(
    text: str, cleaned: str
) -> None:
    assert clean(text) == cleaned


def test_listing_says_none_for_nothing() -> None:
    assert listing([]) == "none"
    assert listing(["a", "b"]) == "a, b"
