"""game/core/expr_eval.py: evaluating code trees against an Environment."""

from __future__ import annotations

import contextlib
from collections.abc import Mapping

import pytest

from game.core.expr_eval import EvaluationError, compile_code, round_half_away
from game.core.expressions import Value, parse


class FakeEnv:
    """The smallest Environment: fixed values, visit counts and tiers."""

    def __init__(
        self,
        values: Mapping[str, Value] | None = None,
        visits: Mapping[str, int] | None = None,
        tiers: Mapping[str, str] | None = None,
    ) -> None:
        self.values = dict(values or {})
        self.visit_counts = dict(visits or {})
        self.tiers = dict(tiers or {})
        self.reads: list[str] = []

    def value(self, name: str) -> Value:
        self.reads.append(name)
        return self.values[name]

    def visits(self, scene: str) -> int:
        return self.visit_counts.get(scene, 0)

    def tier(self, meter: str) -> str:
        return self.tiers[meter]

    def chance(self, probability: float) -> bool:
        self.reads.append(f"chance({probability})")
        return probability >= 0.5

    def circle_mean(self, meter: str) -> float:
        return {"standing": 512.5}[meter]


class Untouchable(Exception):
    """Raised when an expression reads a name it should never have evaluated."""


class TrapEnv(FakeEnv):
    """Like FakeEnv, but reading `trap` raises: proves a side was never evaluated."""

    def value(self, name: str) -> Value:
        if name == "trap":
            raise Untouchable(name)
        return super().value(name)


ENV = FakeEnv(
    values={"standing": 640, "mood": -3, "has_card": True, "fines": 2.5, "nickname": "Ash"},
    visits={"cellar": 2},
    tiers={"standing": "trusted"},
)


def ev(source: str, env: FakeEnv = ENV) -> Value:
    return compile_code(parse(source))(env)


# Values and names


def test_literals_evaluate_to_themselves() -> None:
    assert ev("3") == 3
    assert ev("2.5") == 2.5
    assert ev('"x"') == "x"
    assert ev("true") is True
    assert ev("false") is False


def test_names_read_from_the_environment() -> None:
    assert ev("standing") == 640
    assert ev("has_card") is True
    assert ev("nickname") == "Ash"


def test_compiled_evaluator_reads_fresh_state_each_call() -> None:
    evaluator = compile_code(parse("standing + 1"))
    assert evaluator(FakeEnv({"standing": 1})) == 2
    assert evaluator(FakeEnv({"standing": 10})) == 11


# Arithmetic


def test_addition_subtraction_multiplication() -> None:
    assert ev("standing + 10") == 650
    assert ev("standing - 40") == 600
    assert ev("mood * 4") == -12


def test_precedence_is_respected() -> None:
    assert ev("1 + 2 * 3") == 7
    assert ev("(1 + 2) * 3") == 9
    assert ev("10 - 4 - 3") == 3
    assert ev("2 * -3 + 1") == -5


def test_whole_number_arithmetic_stays_whole() -> None:
    value = ev("2 + 3 * 4")
    assert value == 14
    assert type(value) is int


def test_division_is_true_division() -> None:
    assert ev("7 / 2") == 3.5
    assert ev("6 / 3") == 2


def test_modulo() -> None:
    assert ev("7 % 3") == 1
    assert ev("7.5 % 2") == 1.5


def test_unary_minus() -> None:
    assert ev("-mood") == 3
    assert ev("--standing") == 640
    assert ev("-(1 + 2)") == -3


def test_decimal_arithmetic() -> None:
    assert ev("fines * 2") == 5.0


# Comparisons


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("standing == 640", True),
        ("standing != 640", False),
        ("standing < 641", True),
        ("standing < 640", False),
        ("standing <= 640", True),
        ("standing > 640", False),
        ("standing >= 640", True),
        ("standing > 639", True),
        ("1 == 1.0", True),
        ('nickname == "Ash"', True),
        ('nickname != "ash"', True),
        ("has_card == true", True),
        ("(standing > 0) == (mood > 0)", False),
    ],
)
def test_comparisons(source: str, expected: bool) -> None:
    assert ev(source) is expected


# and / or / not


def test_not() -> None:
    assert ev("not has_card") is False
    assert ev("not not has_card") is True
    assert ev("not (standing > 1000)") is True


@pytest.mark.parametrize(
    ("left", "right"), [(True, True), (True, False), (False, True), (False, False)]
)
def test_and_or_truth_tables(left: bool, right: bool) -> None:
    env = FakeEnv({"l": left, "r": right})
    assert ev("l and r", env) is (left and right)
    assert ev("l or r", env) is (left or right)


def test_and_does_not_evaluate_right_side_when_left_is_false() -> None:
    env = TrapEnv({"off": False})
    assert ev("off and trap", env) is False
    assert ev("standing > 1 and trap", TrapEnv({"standing": 0})) is False


def test_or_does_not_evaluate_right_side_when_left_is_true() -> None:
    env = TrapEnv({"on": True})
    assert ev("on or trap", env) is True
    assert ev("standing > 1 or trap", TrapEnv({"standing": 5})) is True


def test_and_evaluates_right_side_when_left_is_true() -> None:
    with pytest.raises(Untouchable):
        ev("on and trap", TrapEnv({"on": True}))


def test_or_evaluates_right_side_when_left_is_false() -> None:
    with pytest.raises(Untouchable):
        ev("off or trap", TrapEnv({"off": False}))


def test_short_circuit_skips_division_by_zero() -> None:
    env = FakeEnv({"zero": 0})
    assert ev("zero != 0 and 1 / zero > 1", env) is False
    assert ev("zero == 0 or 1 / zero > 1", env) is True


def test_nested_short_circuit_reads_only_what_it_needs() -> None:
    env = TrapEnv({"a": False, "b": True})
    assert ev("(a and trap) or b", env) is True
    assert env.reads == ["a", "b"]


def test_left_side_is_evaluated_first() -> None:
    env = FakeEnv({"a": True, "b": True})
    ev("a and b", env)
    assert env.reads == ["a", "b"]


# Functions


def test_min_and_max() -> None:
    assert ev("min(standing, 5)") == 5
    assert ev("max(standing, 5)") == 640
    assert ev("min(3, 1, 2, mood)") == -3
    assert ev("max(3, 1, 2, mood, 2.5)") == 3


def test_abs() -> None:
    assert ev("abs(mood)") == 3
    assert ev("abs(standing)") == 640
    assert ev("abs(-2.5)") == 2.5


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("round(2.5)", 3),
        ("round(-2.5)", -3),
        ("round(0.5)", 1),
        ("round(-0.5)", -1),
        ("round(1.5)", 2),
        ("round(3.5)", 4),
        ("round(2.4)", 2),
        ("round(2.6)", 3),
        ("round(-2.4)", -2),
        ("round(-2.6)", -3),
        ("round(0)", 0),
        ("round(7)", 7),
        ("round(fines)", 3),
        ("round(7 / 2)", 4),
    ],
)
def test_round_halves_away_from_zero(source: str, expected: int) -> None:
    value = ev(source)
    assert value == expected
    assert type(value) is int


def test_round_half_away_function_directly() -> None:
    assert round_half_away(2.5) == 3
    assert round_half_away(-2.5) == -3
    assert round_half_away(0.4) == 0
    assert round_half_away(-0.4) == 0


def test_round_just_below_a_half_rounds_down() -> None:
    # 0.49999999999999994 is the largest float below 0.5; adding 0.5 to it rounds up to 1.0.
    assert round_half_away(0.49999999999999994) == 0
    assert round_half_away(-0.49999999999999994) == 0


def test_round_of_a_large_whole_number_is_itself() -> None:
    number = 2**52 + 1
    assert round_half_away(number) == number
    assert ev("round(n)", FakeEnv({"n": number})) == number


def test_round_of_a_large_decimal_is_exact() -> None:
    assert round_half_away(4503599627370495.5) == 4503599627370496
    assert round_half_away(-4503599627370495.5) == -4503599627370496


def test_visited_reads_visit_counts() -> None:
    assert ev("visited(cellar)") == 2
    assert ev("visited(hall)") == 0
    assert ev('visited("cellar") > 1') is True


def test_tier_reads_the_current_tier() -> None:
    assert ev("tier(standing)") == "trusted"
    assert ev('tier(standing) == "trusted"') is True
    assert ev('tier(standing) == "listed"') is False


# Errors


def test_division_by_zero_raises_evaluation_error_at_the_operator() -> None:
    with pytest.raises(EvaluationError) as info:
        ev("standing / (mood + 3)")
    assert info.value.offset == 9
    assert info.value.message == "'/' by zero"


def test_modulo_by_zero_raises_evaluation_error_at_the_operator() -> None:
    with pytest.raises(EvaluationError) as info:
        ev("1 + standing % 0")
    assert info.value.offset == 13
    assert info.value.message == "'%' by zero"


def test_division_by_float_zero_raises_evaluation_error() -> None:
    with pytest.raises(EvaluationError) as info:
        ev("1 / 0.0")
    assert info.value.offset == 2


def test_division_by_negative_zero_raises_evaluation_error() -> None:
    with pytest.raises(EvaluationError):
        ev("1 / -0.0")


def test_evaluation_error_str_is_the_message() -> None:
    with pytest.raises(EvaluationError) as info:
        ev("1 % 0")
    assert str(info.value) == "'%' by zero"


def test_compile_unknown_node_kind_is_value_error() -> None:
    with pytest.raises(ValueError, match="not an expression node"):
        compile_code(("lambda", 0, "x"))


def test_compile_unknown_function_is_value_error() -> None:
    with pytest.raises(ValueError, match="unknown function"):
        compile_code(parse("floor(1)"))


# Numbers beyond float range: literals stop at MAX_NUMBER, but a product of them does not.
# Only EvaluationError may escape evaluation; a value (even inf) is fine too.

BIG = "1000000000000000"  # MAX_NUMBER, the largest literal the parser accepts


def product(*factors: str) -> str:
    return " * ".join(factors)


def test_round_of_product_beyond_float_range_raises_only_evaluation_error() -> None:
    with contextlib.suppress(EvaluationError):
        ev(f"round({product('0.5', *[BIG] * 25)})")


def test_whole_product_beyond_float_range_times_decimal_raises_only_evaluation_error() -> None:
    with contextlib.suppress(EvaluationError):
        ev(f"{product(*[BIG] * 25)} * 0.5")


def test_whole_product_beyond_float_range_plus_decimal_raises_only_evaluation_error() -> None:
    with contextlib.suppress(EvaluationError):
        ev(f"{product(*[BIG] * 25)} + 0.5")


def test_division_beyond_float_range_raises_evaluation_error() -> None:
    with pytest.raises(EvaluationError) as info:
        ev(f"{product(*[BIG] * 25)} / 3")
    assert info.value.offset == len(product(*[BIG] * 25)) + 1


def test_chance_asks_the_environment_with_the_evaluated_probability() -> None:
    env = FakeEnv(values={"odds": 0.25})
    assert ev("chance(odds * 2)", env) is True
    assert ev("chance(0.1)", env) is False
    assert env.reads == ["odds", "chance(0.5)", "chance(0.1)"]


def test_circle_mean_asks_the_environment_for_the_meter() -> None:
    assert ev("circle_mean(standing) + 0.5") == 513.0


def test_a_characters_dotted_name_is_read_as_one_name() -> None:
    env = FakeEnv(values={"mara.standing": 300})
    assert ev("mara.standing + 1", env) == 301


def test_identical_trees_share_an_evaluator_but_true_is_never_one() -> None:
    assert compile_code(parse("standing + 1")) is compile_code(parse("standing + 1"))
    # ("lit", 0, True) == ("lit", 0, 1) to Python: a memo keyed on the tuple would mix them.
    one = compile_code(("lit", 0, 1))(ENV)
    true = compile_code(("lit", 0, True))(ENV)
    assert (one, type(one)) == (1, int)
    assert (true, type(true)) == (True, bool)
    assert type(compile_code(("lit", 0, 1.0))(ENV)) is float
