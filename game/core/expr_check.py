"""Static checks of parsed expressions: names, functions, types, and what meter bounds allow.

Run once at load, so that a story's author learns at `check` time (not in the middle of a class)
that `standing > 1000` can never hold when Standing stops at 1000.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from game.core.diagnostics import did_you_mean
from game.core.expressions import FUNCTIONS, Code, ExpressionError

NUMBER = "number"
BOOL = "true/false"
TEXT = "text"
ANY = "any"  # after an error: suppresses follow-on complaints about the same node

INF = math.inf


@dataclass(frozen=True, slots=True)
class NameInfo:
    """What a name in an expression stands for, and the range its value can take."""

    kind: str  # meter, flag, variable
    type: str
    low: float = -INF
    high: float = INF


@dataclass(frozen=True, slots=True)
class Scope:
    """What an expression may name: its names, the scenes, each meter's tiers, and the texts a
    text name can hold where the story says (period -> its periods); a name missing from
    `texts` may hold any text."""

    names: Mapping[str, NameInfo]
    scenes: Collection[str]
    tiers: Mapping[str, Collection[str]] = field(default_factory=dict)
    texts: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(slots=True)
class _Fact:
    """What analysis knows of a node: its type and, for numbers, bounds; for conditions, which
    outcomes are possible; for text, its value when it is a literal."""

    type: str
    low: float = -INF
    high: float = INF
    can_true: bool = True
    can_false: bool = True
    literal: str | None = None
    # Finite inputs whose bounds reached infinity: at run time such arithmetic overflows (an
    # EvaluationError), so nothing certain can be said of what depends on it.
    overflow: bool = False


@dataclass(slots=True)
class CheckResult:
    type: str
    problems: list[ExpressionError]
    can_true: bool = True
    can_false: bool = True
    low: float = -INF
    high: float = INF
    meters: set[str] = field(default_factory=set)


def _type_word(kind: str) -> str:
    return {NUMBER: "a number", BOOL: "true or false", TEXT: "text"}.get(kind, kind)


class _Checker:
    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.problems: list[ExpressionError] = []
        self.meters: set[str] = set()

    def fail(self, code: str, message: str, offset: int) -> _Fact:
        self.problems.append(ExpressionError(code, message, offset))
        return _Fact(ANY)

    def visit(self, node: Code) -> _Fact:
        kind = node[0]
        if kind == "lit":
            value = node[2]
            if isinstance(value, bool):
                return _Fact(BOOL, can_true=value, can_false=not value)
            if isinstance(value, int | float):
                number = float(value)  # bounds are floats: inf and overflow behave
                return _Fact(NUMBER, number, number)
            return _Fact(TEXT, literal=value)
        if kind == "name":
            return self.visit_name(node)
        if kind == "neg":
            inner = self.visit(node[2])
            if not self.expect(inner, NUMBER, node[1], "'-'"):
                return _Fact(ANY)
            return _Fact(NUMBER, -inner.high, -inner.low, overflow=inner.overflow)
        if kind == "not":
            inner = self.visit(node[2])
            if not self.expect(inner, BOOL, node[1], "'not'"):
                return _Fact(ANY)
            return _Fact(BOOL, can_true=inner.can_false, can_false=inner.can_true)
        if kind == "bin":
            return self.visit_binary(node)
        return self.visit_call(node)

    def expect(self, fact: _Fact, wanted: str, offset: int, where: str) -> bool:
        if fact.type == ANY:
            return False
        if fact.type != wanted:
            self.fail(
                "GS034",
                f"{where} needs {_type_word(wanted)}, but gets {_type_word(fact.type)}",
                offset,
            )
            return False
        return True

    def visit_name(self, node: Code) -> _Fact:
        name = node[2]
        info = self.scope.names.get(name)
        if info is None:
            hint = did_you_mean(name, self.scope.names)
            if not hint and name in self.scope.scenes:
                hint = f" ('{name}' is a scene: write visited({name}) to ask whether it was seen)"
            return self.fail("GS031", f"unknown name '{name}'{hint}", node[1])
        if info.kind == "meter":
            self.meters.add(name)
        return _Fact(info.type, info.low, info.high)

    def visit_binary(self, node: Code) -> _Fact:
        _, _, op, left_code, right_code = node
        left = self.visit(left_code)
        right = self.visit(right_code)
        if op in ("and", "or"):
            ok_left = self.expect(left, BOOL, left_code[1], f"'{op}'")
            ok_right = self.expect(right, BOOL, right_code[1], f"'{op}'")
            if not (ok_left and ok_right):
                return _Fact(ANY)
            if op == "and":
                return _Fact(
                    BOOL,
                    can_true=left.can_true and right.can_true,
                    can_false=left.can_false or right.can_false,
                )
            return _Fact(
                BOOL,
                can_true=left.can_true or right.can_true,
                can_false=left.can_false and right.can_false,
            )
        if op in ("==", "!="):
            return self.visit_equality(node, left, right)
        if op in ("<", "<=", ">", ">="):
            ok_left = self.expect(left, NUMBER, left_code[1], f"'{op}'")
            ok_right = self.expect(right, NUMBER, right_code[1], f"'{op}'")
            if not (ok_left and ok_right):
                return _Fact(ANY)
            if left.overflow or right.overflow:
                return _Fact(BOOL)
            return _compare(op, left, right)
        ok_left = self.expect(left, NUMBER, left_code[1], f"'{op}'")
        ok_right = self.expect(right, NUMBER, right_code[1], f"'{op}'")
        if not (ok_left and ok_right):
            return _Fact(ANY)
        low, high = _arithmetic(op, left, right)
        if math.isnan(low) or math.isnan(high):  # inf - inf: nothing is known
            low, high = -INF, INF
        finite_inputs = all(math.isfinite(b) for b in (left.low, left.high, right.low, right.high))
        overflow = (
            left.overflow
            or right.overflow
            or (finite_inputs and not (math.isfinite(low) and math.isfinite(high)))
        )
        return _Fact(NUMBER, low, high, overflow=overflow)

    def visit_equality(self, node: Code, left: _Fact, right: _Fact) -> _Fact:
        _, offset, op, left_code, right_code = node
        if ANY in (left.type, right.type):
            return _Fact(ANY)
        if left.type != right.type:
            return self.fail(
                "GS034",
                f"'{op}' compares {_type_word(left.type)} with {_type_word(right.type)}",
                offset,
            )
        self.check_tier_literal(left_code, right_code)
        self.check_tier_literal(right_code, left_code)
        if self.scope.texts:
            self.check_text_literal(left_code, right_code)
            self.check_text_literal(right_code, left_code)
        if left.type == NUMBER and (left.overflow or right.overflow):
            can_true = can_false = True
        elif left.type == NUMBER:
            overlap = left.low <= right.high and right.low <= left.high
            same_point = left.low == left.high == right.low == right.high
            can_true, can_false = overlap, not same_point
        elif left.type == TEXT and left.literal is not None and right.literal is not None:
            equal = left.literal == right.literal
            can_true, can_false = equal, not equal
        else:
            can_true = can_false = True
        if op == "!=":
            can_true, can_false = can_false, can_true
        return _Fact(BOOL, can_true=can_true, can_false=can_false)

    def check_tier_literal(self, call: Code, other: Code) -> None:
        """`tier(standing) == "listd"` is a typo the engine can catch: name the real tiers."""
        if call[0] != "call" or call[2] != "tier" or other[0] != "lit":
            return
        if len(call[3]) != 1 or call[3][0][0] != "name" or not isinstance(other[2], str):
            return
        tiers = self.scope.tiers.get(call[3][0][2])
        if tiers is not None and other[2] not in tiers:
            known = ", ".join(sorted(tiers))
            self.fail(
                "GS037",
                f"'{other[2]}' is not a tier of '{call[3][0][2]}'{did_you_mean(other[2], tiers)};"
                f" its tiers are: {known}",
                other[1],
            )

    def check_text_literal(self, name: Code, other: Code) -> None:
        """`period == "noon"` in a story whose day has no noon can never hold: name the periods."""
        if name[0] != "name" or other[0] != "lit" or not isinstance(other[2], str):
            return
        known = self.scope.texts.get(name[2])
        if known and other[2] not in known:
            plural = name[2].replace("_", " ") + "s"  # periods, day names
            self.fail(
                "GS038",
                f"'{other[2]}' is not one of the story's {plural}{did_you_mean(other[2], known)}:"
                f" {', '.join(known)}",
                other[1],
            )

    def visit_call(self, node: Code) -> _Fact:
        _, offset, name, args = node
        arity = FUNCTIONS.get(name)
        if arity is None:
            hint = did_you_mean(name, FUNCTIONS)
            known = ", ".join(FUNCTIONS)
            self.fail(
                "GS032", f"unknown function '{name}'{hint}; the functions are: {known}", offset
            )
            for arg in args:  # its arguments can hold mistakes of their own
                self.visit(arg)
            return _Fact(ANY)
        least, most = arity
        if len(args) < least or (most is not None and len(args) > most):
            wanted = str(least) if least == most else f"at least {least}"
            self.fail("GS033", f"{name}() takes {wanted} argument(s), but gets {len(args)}", offset)
            if name not in ("visited", "tier", "circle_mean"):
                for arg in args:
                    self.visit(arg)
            return _Fact(ANY)
        if name == "visited":
            return self.visit_visited(args[0])
        if name == "tier":
            return self.visit_tier(args[0])
        if name == "circle_mean":
            return self.visit_circle_mean(args[0])
        if name == "chance":
            return self.visit_chance(args[0])
        facts = [self.visit(arg) for arg in args]
        fitting = [
            self.expect(f, NUMBER, a[1], f"{name}()") for f, a in zip(facts, args, strict=True)
        ]
        if not all(fitting):  # a list, not a generator: every misfit is reported
            return _Fact(ANY)
        if name == "min":
            return _Fact(NUMBER, min(f.low for f in facts), min(f.high for f in facts))
        if name == "max":
            return _Fact(NUMBER, max(f.low for f in facts), max(f.high for f in facts))
        only = facts[0]
        if name == "abs":
            if only.low >= 0:
                return _Fact(NUMBER, only.low, only.high)
            if only.high <= 0:
                return _Fact(NUMBER, -only.high, -only.low)
            return _Fact(NUMBER, 0, max(-only.low, only.high))
        return _Fact(NUMBER, only.low - 0.5, only.high + 0.5)  # round

    def visit_visited(self, arg: Code) -> _Fact:
        scene = arg[2] if arg[0] in ("name", "lit") else None
        if not isinstance(scene, str):
            return self.fail("GS034", "visited() needs a scene id, like visited(cellar)", arg[1])
        if scene not in self.scope.scenes:
            hint = did_you_mean(scene, self.scope.scenes)
            return self.fail(
                "GS031", f"visited() names '{scene}', which is not a scene{hint}", arg[1]
            )
        return _Fact(NUMBER, 0, INF)

    def visit_tier(self, arg: Code) -> _Fact:
        meter = arg[2] if arg[0] == "name" else None
        if meter is None:
            return self.fail("GS034", "tier() needs a meter's id, like tier(standing)", arg[1])
        if meter not in self.scope.tiers:
            meters = [n for n, info in self.scope.names.items() if info.kind == "meter"]
            if meter in meters:
                return self.fail("GS034", f"meter '{meter}' has no tiers", arg[1])
            hint = did_you_mean(meter, [m for m in self.scope.tiers])
            return self.fail(
                "GS031", f"tier() names '{meter}', which is not a meter with tiers{hint}", arg[1]
            )
        self.meters.add(meter)
        return _Fact(TEXT)

    def visit_chance(self, arg: Code) -> _Fact:
        odds = self.visit(arg)
        if not self.expect(odds, NUMBER, arg[1], "chance()"):
            return _Fact(ANY)
        if odds.high < 0 or odds.low > 1:
            shown = odds.low if odds.low == odds.high else f"{odds.low}..{odds.high}"
            return self.fail(
                "GS034",
                f"chance() needs a probability from 0 to 1 (0.25 is one in four), got {shown}",
                arg[1],
            )
        return _Fact(BOOL, can_true=odds.high > 0, can_false=odds.low < 1)

    def visit_circle_mean(self, arg: Code) -> _Fact:
        meter = arg[2] if arg[0] == "name" else None
        info = self.scope.names.get(meter) if meter is not None else None
        if meter is None or info is None or info.kind != "meter":
            meters = [n for n, i in self.scope.names.items() if i.kind == "meter"]
            hint = did_you_mean(meter, meters) if meter else ""
            return self.fail(
                "GS031" if meter is not None else "GS034",
                f"circle_mean() needs one of the player's meters, like circle_mean(standing){hint}",
                arg[1],
            )
        self.meters.add(meter)
        return _Fact(NUMBER, info.low, info.high)


def _compare(op: str, left: _Fact, right: _Fact) -> _Fact:
    if op in ("<", ">"):
        if op == ">":
            left, right = right, left
        return _Fact(BOOL, can_true=left.low < right.high, can_false=left.high >= right.low)
    if op == ">=":
        left, right = right, left
    return _Fact(BOOL, can_true=left.low <= right.high, can_false=left.high > right.low)


def _arithmetic(op: str, left: _Fact, right: _Fact) -> tuple[float, float]:
    if op == "+":
        return left.low + right.low, left.high + right.high
    if op == "-":
        return left.low - right.high, left.high - right.low
    if op == "*":
        products = [_mul(a, b) for a in (left.low, left.high) for b in (right.low, right.high)]
        return min(products), max(products)
    if op == "/" and (right.low > 0 or right.high < 0):
        quotients = [
            a / b
            for a in (left.low, left.high)
            for b in (right.low, right.high)
            if not (math.isinf(a) and math.isinf(b))
        ]
        if len(quotients) == 4:
            return min(quotients), max(quotients)
    return -INF, INF


def _mul(a: float, b: float) -> float:
    # inf * 0 is nan in floats; for bounds it is 0.
    return 0.0 if a == 0 or b == 0 else a * b


def check(code: Code, scope: Scope) -> CheckResult:
    """Type-check `code` and work out what it can evaluate to under the story's bounds."""
    checker = _Checker(scope)
    fact = checker.visit(code)
    return CheckResult(
        type=fact.type,
        problems=checker.problems,
        can_true=fact.can_true,
        can_false=fact.can_false,
        low=fact.low,
        high=fact.high,
        meters=checker.meters,
    )
