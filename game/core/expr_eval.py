"""Evaluation of checked expressions: each code tree is turned once into nested closures.

Closures are as fast as Python gets without generating source text (which would mean `eval`).
The state they read comes from an Environment passed at each call: nothing global.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from typing import Protocol

from game.core.expressions import Code, Value


class Environment(Protocol):
    """What an expression may read: current values, visit counts, tiers."""

    def value(self, name: str) -> Value: ...

    def visits(self, scene: str) -> int: ...

    def tier(self, meter: str) -> str: ...

    def chance(self, probability: float) -> bool: ...

    def circle_mean(self, meter: str) -> float: ...


Evaluator = Callable[[Environment], Value]


class EvaluationError(Exception):
    """A problem only play can reveal (division by zero): message and offset in the source."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def round_half_away(number: float) -> int:
    """Round as people do (2.5 -> 3, -2.5 -> -3), not as Python's banker's round does."""
    if isinstance(number, int):
        return number
    magnitude = abs(number)
    whole = math.floor(magnitude)
    # Compare the fraction rather than adding 0.5, which float error can tip over a whole.
    rounded = whole + (1 if magnitude - whole >= 0.5 else 0)
    return rounded if number >= 0 else -rounded


_ARITHMETIC: dict[str, Callable[[float, float], Value]] = {
    "+": operator.add,
    "-": operator.sub,
    "*": operator.mul,
}
_COMPARE: dict[str, Callable[[object, object], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,  # type: ignore[dict-item]
    "<=": operator.le,  # type: ignore[dict-item]
    ">": operator.gt,  # type: ignore[dict-item]
    ">=": operator.ge,  # type: ignore[dict-item]
}


def _too_large(op: str, offset: int) -> EvaluationError:
    return EvaluationError(f"'{op}' gives a number too large to hold", offset)


def _finite(result: Value, op: str, offset: int) -> Value:
    """Floats overflow quietly to inf (and then nan); a score never should."""
    if isinstance(result, float) and not math.isfinite(result):
        raise _too_large(op, offset)
    return result


# Stories repeat themselves: a synthetic 5,000-scene story holds 30,000 expressions but only 631
# different ones. Code trees are immutable tuples and evaluators are pure functions of their
# Environment, so one closure can serve every copy (and every story) that has the same tree.
# The memo is keyed by repr, not by the tuple: ("lit", 0, True) == ("lit", 0, 1) in Python,
# and a flag must not come back as the number 1.
_MEMO_SIZE = 8192


_EVALUATORS: dict[str, Evaluator] = {}


def compile_code(code: Code) -> Evaluator:
    """The evaluator of a checked code tree (shared with identical trees compiled before)."""
    key = repr(code)
    memo = _EVALUATORS
    found = memo.get(key)
    if found is None:
        if len(memo) >= _MEMO_SIZE:
            memo.clear()
        found = _compile(code)
        memo[key] = found
    return found


def _compile(code: Code) -> Evaluator:
    kind = code[0]
    if kind == "lit":
        value = code[2]
        return lambda env: value
    if kind == "name":
        name = code[2]
        return lambda env: env.value(name)
    if kind == "neg":
        inner = _compile(code[2])
        return lambda env: -inner(env)  # type: ignore[operator]
    if kind == "not":
        inner = _compile(code[2])
        return lambda env: not inner(env)
    if kind == "bin":
        return _compile_binary(code)
    if kind == "call":
        return _compile_call(code)
    raise ValueError(f"not an expression node: {kind!r}")


def _compile_binary(code: Code) -> Evaluator:
    _, offset, op, left_code, right_code = code
    left = _compile(left_code)
    right = _compile(right_code)
    if op == "and":
        return lambda env: bool(left(env)) and bool(right(env))
    if op == "or":
        return lambda env: bool(left(env)) or bool(right(env))
    if op in _COMPARE:
        compare = _COMPARE[op]
        return lambda env: compare(left(env), right(env))
    if op in _ARITHMETIC:
        arithmetic = _ARITHMETIC[op]

        def calculate(env: Environment) -> Value:
            try:
                return _finite(arithmetic(left(env), right(env)), op, offset)  # type: ignore[arg-type]
            except OverflowError:
                raise _too_large(op, offset) from None

        return calculate

    def divide(env: Environment) -> Value:
        divisor = right(env)
        if divisor == 0:
            raise EvaluationError(f"'{op}' by zero", offset)
        dividend = left(env)
        try:
            if op == "/":
                return _finite(dividend / divisor, op, offset)  # type: ignore[operator]
            return _finite(dividend % divisor, op, offset)  # type: ignore[operator]
        except OverflowError:
            raise _too_large(op, offset) from None

    return divide


def _compile_call(code: Code) -> Evaluator:
    _, _, name, arg_codes = code
    if name == "visited":
        scene = arg_codes[0][2]
        return lambda env: env.visits(scene)
    if name == "tier":
        meter = arg_codes[0][2]
        return lambda env: env.tier(meter)
    if name == "circle_mean":
        meter = arg_codes[0][2]
        return lambda env: env.circle_mean(meter)
    args = [_compile(arg) for arg in arg_codes]
    if name == "min":
        return lambda env: min(arg(env) for arg in args)
    if name == "max":
        return lambda env: max(arg(env) for arg in args)
    only = args[0]
    if name == "abs":
        return lambda env: abs(only(env))  # type: ignore[arg-type]
    if name == "round":
        return lambda env: round_half_away(only(env))  # type: ignore[arg-type]
    if name == "chance":
        return lambda env: env.chance(only(env))  # type: ignore[arg-type]
    raise ValueError(f"unknown function {name!r}")
