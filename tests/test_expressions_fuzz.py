"""Property tests for the expression language: parse, check and evaluate never crash, and the
interval analysis in expr_check is sound against real evaluation."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from game.core.expr_check import ANY, BOOL, NUMBER, TEXT, NameInfo, Scope, check
from game.core.expr_eval import EvaluationError, compile_code
from game.core.expressions import COMPARISONS, Code, ExpressionError, Value, parse

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# A small world: meters with bounds, a flag, an unbounded number variable and a text variable.
METERS: dict[str, tuple[int, int]] = {
    "a": (0, 10),  # from zero up
    "b": (-5, 5),  # straddles zero
    "c": (2, 6),  # strictly positive: a divisor the analysis can bound
    "d": (-4, -1),  # strictly negative
    "standing": (0, 1000),  # has tiers
}
TIERS = {
    "exemplary": (800, 1000),
    "trusted": (600, 799),
    "restricted": (450, 599),
    "listed": (0, 449),
}
SCENES = ["cellar", "hall"]
SCOPE = Scope(
    names={
        **{name: NameInfo("meter", NUMBER, low, high) for name, (low, high) in METERS.items()},
        "f": NameInfo("flag", BOOL),
        "v": NameInfo("variable", NUMBER),
        "t": NameInfo("variable", TEXT),
    },
    scenes=SCENES,
    tiers={"standing": list(TIERS)},
)


def tier_of(value: int) -> str:
    return next(tier for tier, (low, high) in TIERS.items() if low <= value <= high)


class FakeEnv:
    def __init__(self, values: Mapping[str, Value], visits: Mapping[str, int]) -> None:
        self.values = values
        self.visit_counts = visits

    def value(self, name: str) -> Value:
        return self.values[name]

    def visits(self, scene: str) -> int:
        return self.visit_counts[scene]

    def tier(self, meter: str) -> str:
        assert meter == "standing"
        value = self.values["standing"]
        assert isinstance(value, int)
        return tier_of(value)


SMALL_NUMBERS = st.integers(-1000, 1000) | st.sampled_from([0.5, -0.5, 2.5, -2.5, 0.25, 1.5])


@st.composite
def environments(draw: st.DrawFn) -> FakeEnv:
    values: dict[str, Value] = {
        name: draw(st.integers(low, high)) for name, (low, high) in METERS.items()
    }
    values["f"] = draw(st.booleans())
    values["v"] = draw(SMALL_NUMBERS)
    values["t"] = draw(st.sampled_from(["", "x", "friend"]))
    visits = {scene: draw(st.integers(0, 5)) for scene in SCENES}
    return FakeEnv(values, visits)


def corner_environments() -> list[FakeEnv]:
    """Every meter at its min and its max, and at zero when zero is inside its range: where an
    unsound bound shows first. The flag, variable and visits vary alongside."""
    choices = [sorted({low, high, min(max(0, low), high)}) for low, high in METERS.values()]
    others: list[tuple[Value, bool, str]] = [(0, True, "x"), (-7, False, ""), (2.5, True, "y")]
    envs = []
    for index, corner in enumerate(itertools.product(*choices)):
        v, f, t = others[index % len(others)]
        for visits in (0, 3):
            values: dict[str, Value] = dict(zip(METERS, corner, strict=True))
            values.update({"f": f, "v": v, "t": t})
            envs.append(FakeEnv(values, dict.fromkeys(SCENES, visits)))
    return envs


CORNERS = corner_environments()


# Well-formed trees


NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
# A character's value: `mara.standing`. Function names are never dotted.
DOTTED_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)?")
BINARY_OPS = frozenset({"+", "-", "*", "/", "%", "and", "or"}) | COMPARISONS


def assert_well_formed(node: Code, source: str) -> None:
    assert isinstance(node, tuple)
    kind, offset = node[0], node[1]
    assert isinstance(offset, int)
    assert 0 <= offset < len(source)
    if kind == "lit":
        assert len(node) == 3
        assert isinstance(node[2], bool | int | float | str)
    elif kind == "name":
        assert len(node) == 3
        assert DOTTED_NAME.fullmatch(node[2])
        assert source.startswith(node[2], offset)
    elif kind in ("neg", "not"):
        assert len(node) == 3
        assert_well_formed(node[2], source)
    elif kind == "bin":
        assert len(node) == 5
        assert node[2] in BINARY_OPS
        assert source.startswith(node[2], offset)
        assert_well_formed(node[3], source)
        assert_well_formed(node[4], source)
    else:
        assert kind == "call"
        assert len(node) == 4
        assert NAME.fullmatch(node[2])
        assert source.startswith(node[2], offset)
        assert isinstance(node[3], tuple)
        for arg in node[3]:
            assert_well_formed(arg, source)


def parse_or_error(source: str) -> Code | None:
    """The tree, or None after checking the error is a proper ExpressionError."""
    try:
        code = parse(source)
    except ExpressionError as error:
        assert error.code in ("GS030", "GS035")
        assert 0 <= error.offset <= len(source)
        assert error.message
        return None
    assert_well_formed(code, source)
    return code


# Sources: arbitrary text, soup of the language's own tokens, and a grammar of any-typed trees


TOKENS = [
    "a",
    "b",
    "c",
    "standing",
    "f",
    "v",
    "t",
    "cellar",
    "hall",
    "zzz",
    "min",
    "max",
    "abs",
    "round",
    "visited",
    "tier",
    "floor",
    "and",
    "or",
    "not",
    "true",
    "false",
    "0",
    "1",
    "2",
    "2.5",
    "10",
    "1000",
    "0.0",
    '"x"',
    "'trusted'",
    '"a\\"b"',
    '""',
    "'listed'",
    "+",
    "-",
    "*",
    "/",
    "%",
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "(",
    ")",
    ",",
    "&&",
    "||",
    "!",
    "=",
    '"',
    "'",
    "$",
    "{",
    ".",
    "\\",
]
STRUCTURAL = ["(", ")", "(", ")", "-", "not", ","]

token_soup = st.tuples(
    st.lists(st.sampled_from(TOKENS + STRUCTURAL), max_size=60),
    st.sampled_from([" ", "", "  ", "\n"]),
).map(lambda pair: pair[1].join(pair[0]))

ATOMS = st.sampled_from(
    [
        "a",
        "b",
        "standing",
        "f",
        "v",
        "t",
        "zzz",
        "cellar",
        "1",
        "2.5",
        "0",
        "true",
        "false",
        '"x"',
        "'trusted'",
        "visited(cellar)",
        "visited(nowhere)",
        "tier(standing)",
        "tier(a)",
    ]
)
ANY_OPS = ["+", "-", "*", "/", "%", "==", "!=", "<", "<=", ">", ">=", "and", "or"]
ANY_FUNCTIONS = ["min", "max", "abs", "round", "visited", "tier", "floor"]


def _any_extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(ANY_OPS), children).map(
            lambda p: f"({p[0]} {p[1]} {p[2]})"
        ),
        st.tuples(children, st.sampled_from(ANY_OPS), children).map(
            lambda p: f"{p[0]} {p[1]} {p[2]}"
        ),
        children.map(lambda x: f"-{x}"),
        children.map(lambda x: f"not {x}"),
        children.map(lambda x: f"({x})"),
        st.tuples(st.sampled_from(ANY_FUNCTIONS), st.lists(children, max_size=3)).map(
            lambda p: f"{p[0]}({', '.join(p[1])})"
        ),
    )


any_typed = st.recursive(ATOMS, _any_extend, max_leaves=25)
expression_sources = token_soup | any_typed


@SETTINGS
@given(st.text())
def test_arbitrary_text_parses_or_raises_expression_error(source: str) -> None:
    parse_or_error(source)


@SETTINGS
@given(token_soup)
def test_token_soup_parses_or_raises_expression_error(source: str) -> None:
    parse_or_error(source)


@SETTINGS
@given(any_typed)
def test_grammar_built_text_parses_or_raises_expression_error(source: str) -> None:
    parse_or_error(source)


@SETTINGS
@given(expression_sources)
def test_any_parsed_tree_type_checks_without_exceptions(source: str) -> None:
    code = parse_or_error(source)
    assume(code is not None)
    result = check(code, SCOPE)
    assert result.type in (NUMBER, BOOL, TEXT, ANY)
    for problem in result.problems:
        assert isinstance(problem, ExpressionError)
        assert problem.code in ("GS031", "GS032", "GS033", "GS034", "GS037")
        assert 0 <= problem.offset < len(source)
    if not result.problems:
        assert result.type != ANY
    assert result.meters <= set(METERS)


# Soundness of the interval analysis: well-typed expressions over bounded meters


NUMBER_LITERALS = [
    "0",
    "1",
    "2",
    "5",
    "10",
    "100",
    "449",
    "450",
    "999",
    "1000",
    "1001",
    "0.5",
    "2.5",
    "-5",
    "-1",
]
NUMBER_ATOMS = st.one_of(
    st.sampled_from(list(METERS)),
    st.sampled_from(list(METERS)),
    st.sampled_from(["v", "visited(cellar)", "visited(hall)"]),
    st.sampled_from(NUMBER_LITERALS).map(
        lambda text: f"({text})" if text.startswith("-") else text
    ),
)


def _number_extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["+", "-", "*", "/", "%"]), children).map(
            lambda p: f"({p[0]} {p[1]} {p[2]})"
        ),
        children.map(lambda x: f"(-{x})"),
        st.tuples(st.sampled_from(["min", "max"]), st.lists(children, min_size=2, max_size=3)).map(
            lambda p: f"{p[0]}({', '.join(p[1])})"
        ),
        st.tuples(st.sampled_from(["abs", "round"]), children).map(lambda p: f"{p[0]}({p[1]})"),
    )


numbers = st.recursive(NUMBER_ATOMS, _number_extend, max_leaves=8)

simple_numbers = st.sampled_from([*METERS, "v", "visited(cellar)"]) | numbers
boundary_literals = st.sampled_from(NUMBER_LITERALS).map(lambda text: f"({text})")

BOOL_ATOMS = st.one_of(
    st.sampled_from(["true", "false", "f"]),
    # Comparisons of a (often bare) number with a literal at or near a bound, either way round.
    st.tuples(simple_numbers, st.sampled_from(sorted(COMPARISONS)), boundary_literals).map(
        lambda p: f"({p[0]} {p[1]} {p[2]})"
    ),
    st.tuples(boundary_literals, st.sampled_from(sorted(COMPARISONS)), simple_numbers).map(
        lambda p: f"({p[0]} {p[1]} {p[2]})"
    ),
    st.tuples(numbers, st.sampled_from(sorted(COMPARISONS)), numbers).map(
        lambda p: f"({p[0]} {p[1]} {p[2]})"
    ),
    st.tuples(st.sampled_from(["==", "!="]), st.sampled_from(list(TIERS))).map(
        lambda p: f'(tier(standing) {p[0]} "{p[1]}")'
    ),
    st.tuples(
        st.sampled_from(['"x"', '"y"', "t"]),
        st.sampled_from(["==", "!="]),
        st.sampled_from(['"x"', "t"]),
    ).map(lambda p: f"({p[0]} {p[1]} {p[2]})"),
)


def _bool_extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.tuples(children, st.sampled_from(["and", "or", "==", "!="]), children).map(
            lambda p: f"({p[0]} {p[1]} {p[2]})"
        ),
        children.map(lambda x: f"(not {x})"),
    )


conditions = st.recursive(BOOL_ATOMS, _bool_extend, max_leaves=5)


def parse_well_typed(source: str) -> Code:
    try:
        code = parse(source)
    except ExpressionError as error:
        assume(error.code != "GS035")  # the generator may nest or run past the limits
        raise
    return code


def evaluate(code: Code, env: FakeEnv) -> Value | None:
    try:
        return compile_code(code)(env)
    except EvaluationError:
        return None


@SETTINGS
@given(conditions, st.lists(environments(), min_size=1, max_size=4))
def test_interval_analysis_is_sound_for_conditions(source: str, envs: list[FakeEnv]) -> None:
    code = parse_well_typed(source)
    result = check(code, SCOPE)
    assert result.problems == [], [p.message for p in result.problems]
    assert result.type == BOOL
    for env in envs + CORNERS:
        value = evaluate(code, env)
        if value is None:
            continue
        assert isinstance(value, bool)
        if not result.can_true:
            assert value is not True, (source, env.values, env.visit_counts)
        if not result.can_false:
            assert value is not False, (source, env.values, env.visit_counts)


@SETTINGS
@given(numbers, st.lists(environments(), min_size=1, max_size=4))
def test_interval_analysis_bounds_hold_for_numbers(source: str, envs: list[FakeEnv]) -> None:
    code = parse_well_typed(source)
    result = check(code, SCOPE)
    assert result.problems == [], [p.message for p in result.problems]
    assert result.type == NUMBER
    for env in envs + CORNERS:
        value = evaluate(code, env)
        if value is None:
            continue
        assert result.low <= value <= result.high, (source, value, result.low, result.high)


@SETTINGS
@given(
    simple_numbers,
    st.sampled_from(sorted(COMPARISONS)),
    st.sampled_from(NUMBER_LITERALS),
    st.lists(environments(), min_size=1, max_size=4),
)
def test_interval_analysis_is_sound_for_comparisons_with_boundary_literals(
    left: str, op: str, literal: str, envs: list[FakeEnv]
) -> None:
    source = f"{left} {op} ({literal})"
    code = parse_well_typed(source)
    result = check(code, SCOPE)
    assert result.problems == []
    for env in envs + CORNERS:
        value = evaluate(code, env)
        if value is None:
            continue
        assert not (value is True and not result.can_true), (source, env.values)
        assert not (value is False and not result.can_false), (source, env.values)


def test_corner_environments_cover_every_meter_extreme() -> None:
    for name, (low, high) in METERS.items():
        seen: set[Any] = {env.values[name] for env in CORNERS}
        assert {low, high} <= seen


@settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(st.one_of(conditions, conditions, expression_sources), environments())
def test_clean_conditions_evaluate_without_unexpected_exceptions(source: str, env: FakeEnv) -> None:
    code = parse_or_error(source)
    assume(code is not None)
    result = check(code, SCOPE)
    assume(not result.problems and result.type == BOOL)
    try:
        value = compile_code(code)(env)
    except EvaluationError as error:
        assert 0 <= error.offset < len(source)
        return
    assert isinstance(value, bool)


# Exhaustive check of the simplest shapes: a bare meter against every boundary literal


def test_bare_meter_comparisons_are_sound_and_exact_over_every_value() -> None:
    """For `meter op literal` (and the mirror), evaluate every whole value in the meter's range:
    the analysis must never rule out an outcome that happens (sound) and, with whole-number
    literals, must rule out every outcome that cannot happen (exact)."""
    failures = []
    for meter in ("a", "b", "c", "d"):
        low, high = METERS[meter]
        for op in sorted(COMPARISONS):
            for literal in range(low - 2, high + 3):
                for source in (f"{meter} {op} ({literal})", f"({literal}) {op} {meter}"):
                    code = parse(source)
                    result = check(code, SCOPE)
                    outcomes = set()
                    for value in range(low, high + 1):
                        env = FakeEnv({meter: value}, {})
                        outcomes.add(compile_code(code)(env))
                    if (result.can_true, result.can_false) != (True in outcomes, False in outcomes):
                        failures.append(
                            f"{source}: analysis {(result.can_true, result.can_false)},"
                            f" actual {(True in outcomes, False in outcomes)}"
                        )
    assert failures == [], "\n".join(failures[:20])
