"""The story expression language: tokenizer and parser into a small immutable code tree.

Story files come from strangers, so this is a language of its own: numbers, text, true/false,
names, arithmetic, comparisons, and/or/not and a fixed set of functions. Nothing here can reach
Python's eval, attributes or imports. The code tree is made of tuples (JSON-friendly, hashable):

    ("lit", offset, value)            ("name", offset, id)
    ("neg", offset, a)                ("not", offset, a)
    ("bin", offset, op, a, b)         op in + - * / % == != < <= > >= and or
    ("call", offset, fn, (args...))

`offset` is the character index in the source where the node starts, so later checks can point
at the exact column inside a YAML value.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, TypeAlias

Code: TypeAlias = tuple[Any, ...]
Value: TypeAlias = int | float | bool | str

MAX_LENGTH = 500
MAX_DEPTH = 32
# Scores are human-sized; a bound keeps arithmetic (and bound analysis) far from overflow.
MAX_NUMBER = 10**15

# Functions the language offers: name -> (min args, max args or None for any number).
FUNCTIONS: dict[str, tuple[int, int | None]] = {
    "min": (2, None),
    "max": (2, None),
    "abs": (1, 1),
    "round": (1, 1),
    "visited": (1, 1),
    "tier": (1, 1),
    "chance": (1, 1),
    "circle_mean": (1, 1),
}

KEYWORDS = frozenset({"and", "or", "not", "true", "false"})
COMPARISONS = frozenset({"==", "!=", "<", "<=", ">", ">="})

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<number>\d+(?:\.\d+)?)
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)?)
  | (?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
  | (?P<op>==|!=|<=|>=|&&|\|\||[-+*/%<>(),=!])
    """,
    # ASCII: `\d` must not accept other scripts' digits ("٣" is not 3 to an author).
    re.VERBOSE | re.ASCII,
)

# Operators people bring from other languages, with the word this language uses instead.
_FOREIGN_OPERATORS = {"&&": "and", "||": "or", "!": "not", "=": "=="}


class ExpressionError(Exception):
    """A problem in an expression: a diagnostic code, a message and the offset it points at."""

    def __init__(self, code: str, message: str, offset: int) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Token:
    kind: str  # number, name, string, op, end
    text: str
    offset: int


def tokenize(source: str) -> list[Token]:
    tokens: list[Token] = []
    pos = 0
    length = len(source)
    while pos < length:
        match = _TOKEN.match(source, pos)
        if match is None:
            char = source[pos]
            if char in "\"'":
                raise ExpressionError(
                    "GS030", "this text is never closed: add the matching quote", pos
                )
            raise ExpressionError("GS030", f"'{char}' has no meaning in an expression", pos)
        kind = match.lastgroup
        assert kind is not None
        if kind != "space":
            text = match.group()
            if kind == "op" and text in _FOREIGN_OPERATORS:
                word = _FOREIGN_OPERATORS[text]
                raise ExpressionError("GS030", f"write '{word}' instead of '{text}'", pos)
            tokens.append(Token(kind, text, pos))
        pos = match.end()
    tokens.append(Token("end", "", length))
    return tokens


def _unescape(literal: str) -> str:
    body = literal[1:-1]
    if "\\" not in body:
        return body
    out: list[str] = []
    chars = iter(body)
    for char in chars:
        if char == "\\":
            nxt = next(chars, "")
            out.append("\n" if nxt == "n" else nxt)
        else:
            out.append(char)
    return "".join(out)


class _Parser:
    """Precedence climbing: or < and < not < comparison < + - < * / % < unary minus < atoms."""

    def __init__(self, source: str) -> None:
        self.tokens = tokenize(source)
        self.index = 0
        self.depth = 0

    @property
    def current(self) -> Token:
        return self.tokens[self.index]

    def advance(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def accept(self, text: str) -> bool:
        token = self.current
        if token.text == text and token.kind in ("op", "name"):
            self.index += 1
            return True
        return False

    def expect(self, text: str, what: str) -> None:
        if not self.accept(text):
            raise ExpressionError("GS030", f"expected {what}{self._found()}", self.current.offset)

    def _found(self) -> str:
        token = self.current
        return (
            ", but the expression ends here" if token.kind == "end" else f", found '{token.text}'"
        )

    def enter(self, offset: int) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise ExpressionError(
                "GS035", f"expression is nested more than {MAX_DEPTH} levels deep", offset
            )

    def parse(self) -> Code:
        code = self.parse_or()
        token = self.current
        if token.kind != "end":
            raise ExpressionError(
                "GS030", f"unexpected '{token.text}' after a complete expression", token.offset
            )
        return code

    def parse_or(self) -> Code:
        left = self.parse_and()
        while self.current.text == "or" and self.current.kind == "name":
            offset = self.advance().offset
            left = ("bin", offset, "or", left, self.parse_and())
        return left

    def parse_and(self) -> Code:
        left = self.parse_not()
        while self.current.text == "and" and self.current.kind == "name":
            offset = self.advance().offset
            left = ("bin", offset, "and", left, self.parse_not())
        return left

    def parse_not(self) -> Code:
        token = self.current
        if token.text == "not" and token.kind == "name":
            self.advance()
            self.enter(token.offset)
            operand = self.parse_not()
            self.depth -= 1
            return ("not", token.offset, operand)
        return self.parse_comparison()

    def parse_comparison(self) -> Code:
        left = self.parse_sum()
        token = self.current
        if token.kind == "op" and token.text in COMPARISONS:
            self.advance()
            right = self.parse_sum()
            nxt = self.current
            if nxt.kind == "op" and nxt.text in COMPARISONS:
                raise ExpressionError(
                    "GS030",
                    "comparisons cannot be chained: write 'a < b and b < c'",
                    nxt.offset,
                )
            return ("bin", token.offset, token.text, left, right)
        return left

    def parse_sum(self) -> Code:
        left = self.parse_product()
        while self.current.kind == "op" and self.current.text in ("+", "-"):
            token = self.advance()
            left = ("bin", token.offset, token.text, left, self.parse_product())
        return left

    def parse_product(self) -> Code:
        left = self.parse_unary()
        while self.current.kind == "op" and self.current.text in ("*", "/", "%"):
            token = self.advance()
            left = ("bin", token.offset, token.text, left, self.parse_unary())
        return left

    def parse_unary(self) -> Code:
        token = self.current
        if token.kind == "op" and token.text in ("-", "+"):
            self.advance()
            self.enter(token.offset)
            operand = self.parse_unary()
            self.depth -= 1
            return ("neg", token.offset, operand) if token.text == "-" else operand
        return self.parse_atom()

    def parse_atom(self) -> Code:
        token = self.advance()
        if token.kind == "number":
            value: int | float = float(token.text) if "." in token.text else int(token.text)
            if value > MAX_NUMBER:
                raise ExpressionError(
                    "GS030",
                    f"{token.text} is too large: numbers go up to {MAX_NUMBER:,}",
                    token.offset,
                )
            return ("lit", token.offset, value)
        if token.kind == "string":
            return ("lit", token.offset, _unescape(token.text))
        if token.kind == "name":
            if token.text in ("true", "false"):
                return ("lit", token.offset, token.text == "true")
            if token.text in KEYWORDS:
                raise ExpressionError(
                    "GS030", f"'{token.text}' needs a value before it", token.offset
                )
            if self.current.text == "(" and self.current.kind == "op":
                if "." in token.text:
                    raise ExpressionError(
                        "GS032",
                        f"'{token.text}' is a character's value, not a function: remove the '('",
                        token.offset,
                    )
                return self.parse_call(token)
            return ("name", token.offset, token.text)
        if token.text == "(":
            self.enter(token.offset)
            inner = self.parse_or()
            self.depth -= 1
            if self.current.kind == "end":
                raise ExpressionError("GS030", "this '(' is never closed: add ')'", token.offset)
            self.expect(")", "')' to close the '('")
            return inner
        self.index -= 1
        if token.kind == "end":
            raise ExpressionError(
                "GS030", "expected a value, but the expression ends here", token.offset
            )
        raise ExpressionError("GS030", f"expected a value, found '{token.text}'", token.offset)

    def parse_call(self, name: Token) -> Code:
        self.advance()  # (
        self.enter(name.offset)
        args: list[Code] = []
        if not self.accept(")"):
            while True:
                args.append(self.parse_or())
                if self.accept(")"):
                    break
                if self.current.kind == "end":
                    raise ExpressionError(
                        "GS030", f"the '(' of {name.text}() is never closed: add ')'", name.offset
                    )
                self.expect(",", "',' or ')' in the function's arguments")
        self.depth -= 1
        return ("call", name.offset, name.text, tuple(args))


def parse(source: str) -> Code:
    """Parse an expression into its code tree, or raise ExpressionError pointing at the offset."""
    if len(source) > MAX_LENGTH:
        raise ExpressionError(
            "GS035",
            f"expression is {len(source)} characters long; the limit is {MAX_LENGTH}",
            MAX_LENGTH,
        )
    if not source.strip():
        raise ExpressionError("GS030", "the expression is empty", 0)
    return _Parser(source).parse()


def names_in(code: Code) -> set[str]:
    """Every bare name the code reads (meters, flags, variables), not counting function names."""
    found: set[str] = set()
    stack = [code]
    while stack:
        node = stack.pop()
        kind = node[0]
        if kind == "name":
            found.add(node[2])
        elif kind in ("neg", "not"):
            stack.append(node[2])
        elif kind == "bin":
            stack.extend((node[3], node[4]))
        elif kind == "call":
            if node[2] not in ("visited", "tier", "circle_mean"):
                stack.extend(node[3])
            elif node[2] in ("tier", "circle_mean"):
                # tier(meter) and circle_mean(meter) read the meter.
                stack.extend(arg for arg in node[3] if arg[0] == "name")
    return found


def from_json(data: Any, depth: int = 0) -> Code:
    """Rebuild a code tree from its JSON form (lists back into tuples).

    Raises ValueError on anything that is not a well-formed tree, including one nested deeper
    than the parser can produce (damaged data must not exhaust the stack). Operator chains
    such as 1+1+1+... nest one level per operator, so the bound is the length limit.
    """
    if depth > MAX_LENGTH:
        raise ValueError("expression nested too deeply")
    kind = data[0]
    if kind == "lit" or kind == "name":
        return (kind, data[1], data[2])
    if kind in ("neg", "not"):
        return (kind, data[1], from_json(data[2], depth + 1))
    if kind == "bin":
        return (
            kind,
            data[1],
            data[2],
            from_json(data[3], depth + 1),
            from_json(data[4], depth + 1),
        )
    if kind == "call":
        return (kind, data[1], data[2], tuple(from_json(arg, depth + 1) for arg in data[3]))
    raise ValueError(f"not an expression node: {kind!r}")
