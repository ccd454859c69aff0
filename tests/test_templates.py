"""game/core/templates.py: splitting story text into literal runs and `{expression}` holes."""

from __future__ import annotations

import pytest

from game.core.expressions import ExpressionError
from game.core.templates import TemplatePiece, split_template


def text(value: str, offset: int) -> TemplatePiece:
    return TemplatePiece(False, value, offset)


def hole(value: str, offset: int) -> TemplatePiece:
    return TemplatePiece(True, value, offset)


def split_error(source: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        split_template(source)
    return info.value


def test_plain_text_is_one_literal_piece() -> None:
    assert split_template("The library smells of rain.") == [text("The library smells of rain.", 0)]


def test_empty_text_is_one_empty_literal_piece() -> None:
    assert split_template("") == [text("", 0)]


def test_plain_text_keeps_whitespace_and_newlines() -> None:
    assert split_template("  a\n\nb  ") == [text("  a\n\nb  ", 0)]


def test_hole_in_the_middle() -> None:
    assert split_template("Fines: {fines} coins.") == [
        text("Fines: ", 0),
        hole("fines", 8),
        text(" coins.", 14),
    ]


def test_hole_offset_is_where_the_expression_source_starts() -> None:
    source = "ab{ x + 1 }cd"
    pieces = split_template(source)
    assert pieces[1] == hole(" x + 1 ", 3)
    assert source[pieces[1].offset : pieces[1].offset + len(pieces[1].text)] == " x + 1 "


def test_literal_offsets_point_into_the_source() -> None:
    source = "one {a} two {b} three"
    for piece in split_template(source):
        if piece.is_expression:
            assert source[piece.offset : piece.offset + len(piece.text)] == piece.text
        else:
            assert source.startswith(piece.text, piece.offset)


def test_hole_only() -> None:
    assert split_template("{standing}") == [hole("standing", 1)]


def test_adjacent_holes_have_no_empty_literal_between() -> None:
    assert split_template("{a}{b}") == [hole("a", 1), hole("b", 4)]


def test_hole_at_start_and_end() -> None:
    assert split_template("{a} and {b}") == [hole("a", 1), text(" and ", 3), hole("b", 9)]


def test_no_trailing_empty_literal_after_final_hole() -> None:
    assert split_template("x{a}") == [text("x", 0), hole("a", 2)]


def test_empty_hole_is_kept_for_the_parser_to_report() -> None:
    assert split_template("a{}b") == [text("a", 0), hole("", 2), text("b", 3)]


def test_hole_text_is_taken_verbatim() -> None:
    assert split_template('{tier(standing) == "trusted"}') == [
        hole('tier(standing) == "trusted"', 1)
    ]


def test_double_open_brace_is_a_literal_brace() -> None:
    assert split_template("a {{ b") == [text("a { b", 0)]


def test_double_close_brace_is_a_literal_brace() -> None:
    assert split_template("a }} b") == [text("a } b", 0)]


def test_escaped_braces_around_text() -> None:
    assert split_template("{{not a hole}}") == [text("{not a hole}", 0)]


def test_only_escaped_braces() -> None:
    assert split_template("{{") == [text("{", 0)]
    assert split_template("}}") == [text("}", 0)]


def test_escaped_brace_next_to_a_hole() -> None:
    assert split_template("{{{a}}}") == [text("{", 0), hole("a", 3), text("}", 5)]


def test_literal_after_escaped_brace_and_hole_starts_after_the_hole() -> None:
    assert split_template("{{x}} {n}!") == [text("{x} ", 0), hole("n", 7), text("!", 9)]


def test_literal_offset_after_hole_counts_escapes_in_the_source() -> None:
    pieces = split_template("{a}{{b")
    assert pieces == [hole("a", 1), text("{b", 3)]


def test_unclosed_open_brace_is_gs030_at_the_brace() -> None:
    error = split_error("Fines: {fines coins")
    assert (error.code, error.offset) == ("GS030", 7)
    assert "never closed" in error.message
    assert "'{{'" in error.message


def test_unclosed_open_brace_at_end() -> None:
    error = split_error("abc{")
    assert (error.code, error.offset) == ("GS030", 3)


def test_unclosed_open_brace_after_a_hole() -> None:
    error = split_error("{a} and {b")
    assert (error.code, error.offset) == ("GS030", 8)


def test_stray_close_brace_is_gs030_at_the_brace() -> None:
    error = split_error("a } b")
    assert (error.code, error.offset) == ("GS030", 2)
    assert "closes nothing" in error.message
    assert "'}}'" in error.message


def test_stray_close_brace_after_hole() -> None:
    error = split_error("{a}}")
    assert (error.code, error.offset) == ("GS030", 3)


def test_stray_close_brace_after_escape() -> None:
    error = split_error("}}}")
    assert (error.code, error.offset) == ("GS030", 2)


def test_open_brace_before_stray_close_of_escape_is_a_hole() -> None:
    # `{{a}` is an escaped `{`, then `a`, then a `}` that closes nothing.
    error = split_error("{{a}")
    assert (error.code, error.offset) == ("GS030", 3)


def test_hole_ends_at_the_first_close_brace() -> None:
    assert split_template("{a{b}") == [hole("a{b", 1)]


def test_pieces_are_frozen() -> None:
    piece = split_template("x")[0]
    with pytest.raises(AttributeError):
        piece.text = "y"  # type: ignore[misc]
