"""game/core/expr_check.py: types, names, functions, tiers, periods and what meter bounds allow."""

from __future__ import annotations

import math

import pytest

from game.core.expr_check import (
    ANY,
    BOOL,
    NUMBER,
    TEXT,
    CheckResult,
    NameInfo,
    Scope,
    check,
)
from game.core.expressions import parse

INF = math.inf

SCOPE = Scope(
    names={
        "standing": NameInfo("meter", NUMBER, 0, 1000),
        "mood": NameInfo("meter", NUMBER, -10, 10),
        "has_card": NameInfo("flag", BOOL),
        "fines": NameInfo("variable", NUMBER),
        "nickname": NameInfo("variable", TEXT),
    },
    scenes=["cellar", "front_steps", "hall"],
    tiers={"standing": ["exemplary", "trusted", "restricted", "listed"]},
)


def run(source: str, scope: Scope = SCOPE) -> CheckResult:
    return check(parse(source), scope)


def ok(source: str, scope: Scope = SCOPE) -> CheckResult:
    result = run(source, scope)
    assert result.problems == [], [p.message for p in result.problems]
    return result


def one_problem(source: str, scope: Scope = SCOPE) -> tuple[str, int, str]:
    result = run(source, scope)
    assert len(result.problems) == 1, [p.message for p in result.problems]
    problem = result.problems[0]
    return problem.code, problem.offset, problem.message


# Types


def test_number_literal_is_number_with_point_bounds() -> None:
    result = ok("7")
    assert (result.type, result.low, result.high) == (NUMBER, 7, 7)


def test_text_literal_is_text() -> None:
    assert ok('"x"').type == TEXT


def test_true_literal_can_only_be_true() -> None:
    result = ok("true")
    assert (result.type, result.can_true, result.can_false) == (BOOL, True, False)


def test_false_literal_can_only_be_false() -> None:
    result = ok("false")
    assert (result.type, result.can_true, result.can_false) == (BOOL, False, True)


def test_comparison_is_a_condition() -> None:
    for op in ("<", "<=", ">", ">=", "==", "!="):
        assert ok(f"standing {op} 5").type == BOOL


def test_flag_is_a_condition_that_can_go_either_way() -> None:
    result = ok("has_card")
    assert (result.type, result.can_true, result.can_false) == (BOOL, True, True)


def test_meter_has_its_bounds() -> None:
    result = ok("standing")
    assert (result.type, result.low, result.high) == (NUMBER, 0, 1000)


def test_text_variable_is_text() -> None:
    assert ok("nickname").type == TEXT


def test_and_or_not_of_conditions_are_conditions() -> None:
    assert ok("has_card and standing > 3 or not (mood < 0)").type == BOOL


def test_arithmetic_is_a_number() -> None:
    assert ok("standing * 2 + mood / 3 - fines % 7").type == NUMBER


def test_arithmetic_on_text_is_gs034_at_the_text_operand() -> None:
    code, offset, message = one_problem("nickname + 1")
    assert (code, offset) == ("GS034", 0)
    assert message == "'+' needs a number, but gets text"


def test_arithmetic_on_text_right_operand() -> None:
    code, offset, message = one_problem('2 * "x"')
    assert (code, offset) == ("GS034", 4)
    assert message == "'*' needs a number, but gets text"


def test_arithmetic_on_condition_is_gs034() -> None:
    code, offset, message = one_problem("has_card - 1")
    assert (code, offset) == ("GS034", 0)
    assert "gets true or false" in message


def test_both_operands_wrong_reports_both() -> None:
    result = run('"a" + "b"')
    assert [(p.code, p.offset) for p in result.problems] == [("GS034", 0), ("GS034", 6)]
    assert result.type == ANY


def test_ordering_comparison_on_text_is_gs034() -> None:
    code, offset, message = one_problem("nickname < 3")
    assert code == "GS034"
    assert offset == 0
    assert message == "'<' needs a number, but gets text"


def test_unary_minus_on_text_is_gs034_at_the_minus() -> None:
    code, offset, message = one_problem("1 + -nickname")
    assert (code, offset) == ("GS034", 4)
    assert message == "'-' needs a number, but gets text"


def test_not_on_number_is_gs034_at_the_not() -> None:
    code, offset, message = one_problem("has_card and not standing")
    assert (code, offset) == ("GS034", 13)
    assert message == "'not' needs true or false, but gets a number"


def test_equality_mixed_number_and_text_is_gs034_at_the_operator() -> None:
    code, offset, message = one_problem('standing == "high"')
    assert (code, offset) == ("GS034", 9)
    assert message == "'==' compares a number with text"


def test_inequality_mixed_condition_and_number_is_gs034() -> None:
    code, offset, message = one_problem("has_card != 1")
    assert (code, offset) == ("GS034", 9)
    assert message == "'!=' compares true or false with a number"


def test_equality_like_with_like_is_fine() -> None:
    assert ok("standing == 3").type == BOOL
    assert ok('nickname == "x"').type == BOOL
    assert ok("has_card == (standing > 3)").type == BOOL


def test_and_on_numbers_is_gs034_at_each_operand() -> None:
    result = run("standing and mood")
    assert [(p.code, p.offset) for p in result.problems] == [("GS034", 0), ("GS034", 13)]
    assert result.problems[0].message == "'and' needs true or false, but gets a number"


def test_or_on_number_and_condition_is_gs034() -> None:
    code, offset, message = one_problem("has_card or fines")
    assert (code, offset) == ("GS034", 12)
    assert message == "'or' needs true or false, but gets a number"


def test_visited_alone_is_not_a_condition() -> None:
    code, offset, message = one_problem("visited(cellar) and true")
    assert (code, offset) == ("GS034", 0)
    assert message == "'and' needs true or false, but gets a number"


def test_problem_in_operand_suppresses_follow_on_complaints() -> None:
    result = run("(nickname + 1) * 2 > 3 and not missing")
    assert [p.code for p in result.problems] == ["GS034", "GS031"]


def test_result_type_after_an_error_is_any() -> None:
    assert run("nickname + 1").type == ANY


# Names


def test_unknown_name_is_gs031_at_the_name() -> None:
    code, offset, message = one_problem("1 + zzz")
    assert (code, offset) == ("GS031", 4)
    assert message == "unknown name 'zzz'"


def test_unknown_name_suggests_a_close_name() -> None:
    code, _, message = one_problem("standng > 3")
    assert code == "GS031"
    assert message == "unknown name 'standng' (did you mean 'standing'?)"


def test_unknown_name_that_is_a_scene_hints_at_visited() -> None:
    code, offset, message = one_problem("has_card and cellar")
    assert (code, offset) == ("GS031", 13)
    assert message == (
        "unknown name 'cellar' ('cellar' is a scene: write visited(cellar) to ask whether it"
        " was seen)"
    )


def test_did_you_mean_takes_priority_over_scene_hint() -> None:
    scope = Scope(names={"halls": NameInfo("variable", NUMBER)}, scenes=["hall"])
    _, _, message = one_problem("hall > 1", scope)
    assert message == "unknown name 'hall' (did you mean 'halls'?)"


def test_meters_read_are_collected() -> None:
    result = ok('standing + mood > 3 and fines > 0 and has_card and tier(standing) == "listed"')
    assert result.meters == {"standing", "mood"}


def test_flags_and_variables_are_not_meters() -> None:
    assert ok("has_card and fines > 0").meters == set()


# visited()


def test_visited_is_a_non_negative_number() -> None:
    result = ok("visited(cellar)")
    assert (result.type, result.low, result.high) == (NUMBER, 0, INF)


def test_visited_accepts_a_quoted_scene() -> None:
    assert ok('visited("hall")').type == NUMBER


def test_visited_unknown_scene_is_gs031_with_suggestion() -> None:
    code, offset, message = one_problem("visited(celar) > 0")
    assert (code, offset) == ("GS031", 8)
    assert message == "visited() names 'celar', which is not a scene (did you mean 'cellar'?)"


def test_visited_of_a_number_is_gs034() -> None:
    code, offset, message = one_problem("visited(3) > 0")
    assert (code, offset) == ("GS034", 8)
    assert message == "visited() needs a scene id, like visited(cellar)"


def test_visited_of_an_expression_is_gs034() -> None:
    code, offset, _ = one_problem("visited(a + b) > 0")
    assert (code, offset) == ("GS034", 10)


def test_visited_of_true_is_gs034() -> None:
    assert one_problem("visited(true) > 0")[0] == "GS034"


def test_visited_does_not_read_meters() -> None:
    scope = Scope(names=SCOPE.names, scenes=["standing"], tiers=SCOPE.tiers)
    assert ok("visited(standing) > 0", scope).meters == set()


# tier()


def test_tier_is_text_and_reads_the_meter() -> None:
    result = ok("tier(standing)")
    assert result.type == TEXT
    assert result.meters == {"standing"}


def test_tier_compared_with_known_tier_is_fine() -> None:
    result = ok('tier(standing) == "trusted"')
    assert (result.type, result.can_true, result.can_false) == (BOOL, True, True)


def test_tier_of_meter_without_tiers_is_gs034() -> None:
    code, offset, message = one_problem('tier(mood) == "x"')
    assert (code, offset) == ("GS034", 5)
    assert message == "meter 'mood' has no tiers"


def test_tier_without_any_tiers_in_scope() -> None:
    scope = Scope(names=SCOPE.names, scenes=SCOPE.scenes)
    code, _, message = one_problem("tier(standing)", scope)
    assert code == "GS034"
    assert message == "meter 'standing' has no tiers"


def test_tier_of_unknown_name_is_gs031_with_suggestion() -> None:
    code, offset, message = one_problem("tier(standin)")
    assert (code, offset) == ("GS031", 5)
    assert message == (
        "tier() names 'standin', which is not a meter with tiers (did you mean 'standing'?)"
    )


def test_tier_of_a_flag_is_gs031() -> None:
    code, _, message = one_problem("tier(has_card)")
    assert code == "GS031"
    assert message == "tier() names 'has_card', which is not a meter with tiers"


def test_tier_of_a_literal_is_gs034() -> None:
    code, offset, message = one_problem('tier("standing")')
    assert (code, offset) == ("GS034", 5)
    assert message == "tier() needs a meter's id, like tier(standing)"


def test_tier_literal_typo_is_gs037_at_the_literal() -> None:
    code, offset, message = one_problem('tier(standing) == "trustd"')
    assert (code, offset) == ("GS037", 18)
    assert message == (
        "'trustd' is not a tier of 'standing' (did you mean 'trusted'?);"
        " its tiers are: exemplary, listed, restricted, trusted"
    )


def test_tier_literal_on_the_left_is_checked_too() -> None:
    code, offset, _ = one_problem('"nope" != tier(standing)')
    assert (code, offset) == ("GS037", 0)


def test_tier_literal_far_from_any_tier_has_no_suggestion() -> None:
    _, _, message = one_problem('tier(standing) == "zzzzzz"')
    assert "did you mean" not in message
    assert message.endswith("its tiers are: exemplary, listed, restricted, trusted")


def test_tier_compared_with_text_variable_is_not_validated() -> None:
    ok("tier(standing) == nickname")


def test_tier_compared_with_number_is_a_type_error_not_gs037() -> None:
    assert one_problem("tier(standing) == 3")[0] == "GS034"


# period and day_name literals

CLOCK = Scope(
    names={
        "period": NameInfo("built-in", TEXT),
        "day_name": NameInfo("built-in", TEXT),
        "nickname": NameInfo("variable", TEXT),
    },
    scenes=[],
    texts={"period": ("morning", "evening"), "day_name": ("Monday", "Tuesday")},
)


def test_a_known_period_or_day_name_is_fine() -> None:
    result = ok('period == "evening" and day_name != "Monday"', CLOCK)
    assert (result.type, result.can_true, result.can_false) == (BOOL, True, True)


def test_period_literal_typo_is_gs038_at_the_literal_listing_the_periods_in_order() -> None:
    code, offset, message = one_problem('period == "evenin"', CLOCK)
    assert (code, offset) == ("GS038", 10)
    assert message == (
        "'evenin' is not one of the story's periods (did you mean 'evening'?): morning, evening"
    )


def test_day_name_literal_on_the_left_is_checked_too() -> None:
    code, offset, message = one_problem('"Munday" != day_name', CLOCK)
    assert (code, offset) == ("GS038", 0)
    assert message == (
        "'Munday' is not one of the story's day names (did you mean 'Monday'?): Monday, Tuesday"
    )


def test_unknown_period_far_from_any_has_no_suggestion() -> None:
    _, _, message = one_problem('period == "noon"', CLOCK)
    assert message == "'noon' is not one of the story's periods: morning, evening"


def test_text_names_without_known_values_take_any_text() -> None:
    ok('nickname == "noon"', CLOCK)
    ok('period == "noon" and day_name == "Munday"', Scope(names=CLOCK.names, scenes=[]))


def test_period_compared_with_a_name_or_a_number_is_no_literal_check() -> None:
    ok("period == nickname", CLOCK)
    code, _, _ = one_problem("period == 3", CLOCK)
    assert code == "GS034"


# Functions


def test_unknown_function_is_gs032_at_the_name() -> None:
    code, offset, message = one_problem("1 + floor(standing)")
    assert (code, offset) == ("GS032", 4)
    assert message == (
        "unknown function 'floor'; the functions are: min, max, abs, round, visited, tier,"
        " chance, circle_mean"
    )


def test_unknown_function_suggests_a_close_one() -> None:
    _, _, message = one_problem("mx(1, 2)")
    assert message.startswith("unknown function 'mx' (did you mean 'max'?);")


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("abs()", "abs() takes 1 argument(s), but gets 0"),
        ("abs(1, 2)", "abs() takes 1 argument(s), but gets 2"),
        ("round()", "round() takes 1 argument(s), but gets 0"),
        ("min(1)", "min() takes at least 2 argument(s), but gets 1"),
        ("max()", "max() takes at least 2 argument(s), but gets 0"),
        ("visited(cellar, hall)", "visited() takes 1 argument(s), but gets 2"),
        ("tier()", "tier() takes 1 argument(s), but gets 0"),
    ],
)
def test_wrong_argument_count_is_gs033(source: str, message: str) -> None:
    code, offset, found = one_problem(source)
    assert (code, offset) == ("GS033", 0)
    assert found == message


def test_min_and_max_take_any_number_of_arguments() -> None:
    assert ok("min(1, 2, 3, 4, standing)").type == NUMBER
    assert ok("max(1, 2, 3, 4, standing)").type == NUMBER


def test_function_argument_of_wrong_type_is_gs034() -> None:
    code, offset, message = one_problem('abs("x")')
    assert (code, offset) == ("GS034", 4)
    assert message == "abs() needs a number, but gets text"


def test_round_argument_must_be_a_number() -> None:
    assert one_problem("round(has_card)")[0] == "GS034"


# Interval analysis


def test_greater_than_max_cannot_be_true() -> None:
    result = ok("standing > 1000")
    assert (result.can_true, result.can_false) == (False, True)


def test_greater_or_equal_max_can_be_true() -> None:
    result = ok("standing >= 1000")
    assert (result.can_true, result.can_false) == (True, True)


def test_less_than_min_cannot_be_true() -> None:
    result = ok("standing < 0")
    assert (result.can_true, result.can_false) == (False, True)


def test_less_or_equal_min_can_be_true() -> None:
    assert ok("standing <= 0").can_true


def test_not_of_always_true_cannot_be_true() -> None:
    result = ok("not (standing <= 1000)")
    assert (result.can_true, result.can_false) == (False, True)


def test_within_bounds_cannot_be_false() -> None:
    result = ok("standing <= 1000")
    assert (result.can_true, result.can_false) == (True, False)
    assert ok("standing >= 0").can_false is False
    assert ok("standing > -1").can_false is False
    assert ok("standing < 1001").can_false is False


def test_addition_shifts_the_bounds() -> None:
    result = ok("standing + 10 > 1010")
    assert (result.can_true, result.can_false) == (False, True)
    assert ok("standing + 10 > 1009").can_true


def test_subtraction_bounds() -> None:
    result = ok("standing - mood")
    assert (result.low, result.high) == (-10, 1010)


def test_min_bounds() -> None:
    result = ok("min(standing, 5) > 5")
    assert (result.can_true, result.can_false) == (False, True)
    assert (ok("min(standing, 5)").low, ok("min(standing, 5)").high) == (0, 5)


def test_max_bounds() -> None:
    result = ok("max(standing, 5)")
    assert (result.low, result.high) == (5, 1000)
    assert ok("max(standing, 5) < 5").can_true is False


def test_abs_of_straddling_range_starts_at_zero() -> None:
    result = ok("abs(mood)")
    assert (result.low, result.high) == (0, 10)
    assert ok("abs(mood) < 0").can_true is False


def test_abs_of_negative_range_flips() -> None:
    result = ok("abs(standing - 2000)")
    assert (result.low, result.high) == (1000, 2000)
    assert ok("abs(standing - 2000) < 1000").can_true is False


def test_abs_of_positive_range_unchanged() -> None:
    result = ok("abs(standing + 1)")
    assert (result.low, result.high) == (1, 1001)


def test_abs_of_unbounded_variable_is_non_negative() -> None:
    result = ok("abs(fines)")
    assert (result.low, result.high) == (0, INF)
    assert ok("abs(fines) < 0").can_true is False
    assert ok("abs(fines) > 1000000").can_true is True


def test_negation_flips_bounds() -> None:
    result = ok("-standing")
    assert (result.low, result.high) == (-1000, 0)


def test_multiplication_takes_corner_extremes() -> None:
    result = ok("mood * -3")
    assert (result.low, result.high) == (-30, 30)
    result = ok("standing * mood")
    assert (result.low, result.high) == (-10000, 10000)


def test_multiplying_unbounded_by_zero_is_zero() -> None:
    result = ok("fines * 0")
    assert (result.low, result.high) == (0, 0)


def test_division_by_positive_range_is_bounded() -> None:
    result = ok("standing / 2")
    assert (result.low, result.high) == (0, 500)
    assert ok("standing / 2 > 500").can_true is False


def test_division_by_range_containing_zero_is_unbounded() -> None:
    result = ok("standing / mood")
    assert (result.low, result.high) == (-INF, INF)


def test_modulo_is_unbounded() -> None:
    result = ok("standing % 7")
    assert (result.low, result.high) == (-INF, INF)


def test_round_widens_by_a_half() -> None:
    result = ok("round(standing / 3)")
    assert (result.low, result.high) == (-0.5, 1000 / 3 + 0.5)


def test_variables_are_unbounded() -> None:
    for source in ("fines > 1000000", "fines < -1000000", "fines == 3", "fines + 1 > fines"):
        result = ok(source)
        assert (result.can_true, result.can_false) == (True, True), source


def test_visited_below_zero_cannot_be_true() -> None:
    result = ok("visited(cellar) < 0")
    assert (result.can_true, result.can_false) == (False, True)
    assert ok("visited(cellar) >= 0").can_false is False
    assert ok("visited(cellar) > 100").can_true is True


def test_and_with_impossible_side_cannot_be_true() -> None:
    result = ok("standing > 1000 and has_card")
    assert (result.can_true, result.can_false) == (False, True)
    assert ok("has_card and standing > 1000").can_true is False


def test_or_with_possible_side_can_be_true() -> None:
    result = ok("standing > 1000 or has_card")
    assert (result.can_true, result.can_false) == (True, True)


def test_or_of_impossible_sides_cannot_be_true() -> None:
    assert ok("standing > 1000 or standing < 0").can_true is False


def test_or_with_always_true_side_cannot_be_false() -> None:
    result = ok("standing <= 1000 or has_card")
    assert (result.can_true, result.can_false) == (True, False)


def test_and_of_always_true_sides_cannot_be_false() -> None:
    result = ok("standing <= 1000 and standing >= 0")
    assert (result.can_true, result.can_false) == (True, False)


def test_and_with_possible_sides_goes_either_way() -> None:
    result = ok("standing > 500 and has_card")
    assert (result.can_true, result.can_false) == (True, True)


def test_number_equality_outside_bounds_cannot_be_true() -> None:
    result = ok("standing == 2000")
    assert (result.can_true, result.can_false) == (False, True)
    result = ok("standing != 2000")
    assert (result.can_true, result.can_false) == (True, False)


def test_number_equality_of_same_points_cannot_be_false() -> None:
    result = ok("1 + 1 == 2")
    assert (result.can_true, result.can_false) == (True, False)
    result = ok("2 != 2.0")
    assert (result.can_true, result.can_false) == (False, True)


def test_number_equality_inside_bounds_goes_either_way() -> None:
    result = ok("standing == 500")
    assert (result.can_true, result.can_false) == (True, True)


def test_text_literal_equality_is_decided() -> None:
    assert (ok('"a" == "b"').can_true, ok('"a" == "b"').can_false) == (False, True)
    assert (ok('"a" == "a"').can_true, ok('"a" == "a"').can_false) == (True, False)
    assert (ok('"a" != "a"').can_true, ok('"a" != "a"').can_false) == (False, True)


def test_text_variable_equality_goes_either_way() -> None:
    result = ok('nickname == "x"')
    assert (result.can_true, result.can_false) == (True, True)


def test_condition_equality_goes_either_way() -> None:
    result = ok("true == true")
    assert (result.can_true, result.can_false) == (True, True)


def test_comparison_between_two_meters() -> None:
    assert ok("mood > standing + 10").can_true is False
    assert ok("mood >= standing + 10").can_true is True


# Numbers beyond float range: literals stop at MAX_NUMBER, but a product of them does not.

BIG = "1000000000000000"  # MAX_NUMBER, the largest literal the parser accepts


def product(*factors: str) -> str:
    return " * ".join(factors)


def test_check_survives_products_beyond_float_range() -> None:
    for source in (
        f"{product(*[BIG] * 25)} * 0.5 > 0",
        f"{product(*[BIG] * 25)} + fines > 0",
        f"round({product('0.5', *[BIG] * 25)}) > 0",
        f"{product(*[BIG] * 22)} - {product(*[BIG] * 2)} / fines > 0",
    ):
        assert len(source) <= 500
        result = run(source)
        assert isinstance(result, CheckResult)


def test_product_beyond_float_range_times_zero_keeps_analysis_sound() -> None:
    # 0.5 * BIG**22 overflows to float('inf') at evaluation, and inf * 0 is nan, which is never
    # equal to 0: the analysis must not claim the comparison cannot be false.
    result = run(f"({product('0.5', *[BIG] * 22)}) * 0 == 0")
    assert result.problems or result.can_false


# chance(), circle_mean() and characters' dotted names

CHARACTER_SCOPE = Scope(
    names={**SCOPE.names, "mara.standing": NameInfo("character meter", NUMBER, 0, 1000)},
    scenes=SCOPE.scenes,
    tiers=SCOPE.tiers,
)


def test_chance_is_a_condition_that_can_go_either_way() -> None:
    result = ok("chance(0.25)")
    assert (result.type, result.can_true, result.can_false) == (BOOL, True, True)


def test_chance_of_zero_can_never_be_true_and_of_one_never_false() -> None:
    assert not ok("chance(0)").can_true
    assert not ok("chance(1)").can_false


def test_chance_outside_zero_to_one_is_gs034_at_the_argument() -> None:
    code, offset, message = one_problem("chance(25)")
    assert (code, offset) == ("GS034", 7)
    assert "probability from 0 to 1" in message and "got 25" in message


def test_chance_of_text_is_gs034() -> None:
    assert one_problem("chance(nickname)")[0] == "GS034"


def test_circle_mean_is_a_number_within_the_meter_bounds() -> None:
    result = ok("circle_mean(standing)")
    assert (result.type, result.low, result.high) == (NUMBER, 0, 1000)
    assert result.meters == {"standing"}


def test_circle_mean_of_a_flag_is_gs031_with_the_meters_named() -> None:
    code, offset, message = one_problem("circle_mean(has_card)")
    assert (code, offset) == ("GS031", 12)
    assert "circle_mean(standing)" in message


def test_a_characters_dotted_name_has_the_meters_bounds() -> None:
    result = ok("mara.standing > 500", CHARACTER_SCOPE)
    assert result.type == BOOL
    assert not ok("mara.standing > 1000", CHARACTER_SCOPE).can_true  # bounded like a meter
