"""Splitting story text into literal runs and `{expression}` holes (`{{` and `}}` are literal braces)."""

from __future__ import annotations

from dataclasses import dataclass

from game.core.expressions import ExpressionError


@dataclass(frozen=True, slots=True)
class TemplatePiece:
    is_expression: bool
    text: str
    offset: int  # where `text` starts in the template source


def split_template(source: str) -> list[TemplatePiece]:
    """Literal runs and expression sources, in order; raises ExpressionError on a stray brace."""
    if "{" not in source and "}" not in source:
        return [TemplatePiece(False, source, 0)]
    pieces: list[TemplatePiece] = []
    literal: list[str] = []
    literal_start = 0
    index = 0
    length = len(source)
    while index < length:
        char = source[index]
        if char == "{" and source.startswith("{{", index):
            literal.append("{")
            index += 2
        elif char == "}" and source.startswith("}}", index):
            literal.append("}")
            index += 2
        elif char == "}":
            raise ExpressionError(
                "GS030", "'}' closes nothing: write '}}' for a literal brace", index
            )
        elif char == "{":
            close = source.find("}", index + 1)
            if close < 0:
                raise ExpressionError(
                    "GS030", "'{' is never closed: add '}' or write '{{' for a literal brace", index
                )
            if literal:
                pieces.append(TemplatePiece(False, "".join(literal), literal_start))
                literal = []
            pieces.append(TemplatePiece(True, source[index + 1 : close], index + 1))
            index = close + 1
            literal_start = index
        else:
            literal.append(char)
            index += 1
    if literal or not pieces:
        pieces.append(TemplatePiece(False, "".join(literal), literal_start))
    return pieces
