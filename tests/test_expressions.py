"""game/core/expressions.py: tokenizer, parser, names_in and from_json."""

from __future__ import annotations

import json

import pytest

from game.core.expressions import (
    FUNCTIONS,
    MAX_DEPTH,
    MAX_LENGTH,
    MAX_NUMBER,
    ExpressionError,
    Token,
    from_json,
    names_in,
    parse,
    tokenize,
)


def parse_error(source: str) -> ExpressionError:
    with pytest.raises(ExpressionError) as info:
        parse(source)
    return info.value


def strip_offsets(code: tuple) -> object:
    """The tree without offsets, for comparing shapes."""
    kind = code[0]
    if kind in ("lit", "name"):
        return (kind, code[2])
    if kind in ("neg", "not"):
        return (kind, strip_offsets(code[2]))
    if kind == "bin":
        return (code[2], strip_offsets(code[3]), strip_offsets(code[4]))
    return ("call", code[2], tuple(strip_offsets(arg) for arg in code[3]))


def shape(source: str) -> object:
    return strip_offsets(parse(source))


def lit(value: object) -> tuple:
    return ("lit", value)


def name(text: str) -> tuple:
    return ("name", text)


# Tokenizer


def test_tokenize_kinds_texts_and_offsets() -> None:
    assert tokenize('ab >= 12.5 "x"') == [
        Token("name", "ab", 0),
        Token("op", ">=", 3),
        Token("number", "12.5", 6),
        Token("string", '"x"', 11),
        Token("end", "", 14),
    ]


def test_tokenize_skips_all_whitespace_kinds() -> None:
    tokens = tokenize(" a\t+\n b ")
    assert [(t.kind, t.text, t.offset) for t in tokens] == [
        ("name", "a", 1),
        ("op", "+", 3),
        ("name", "b", 6),
        ("end", "", 8),
    ]


def test_tokenize_two_character_operators_are_single_tokens() -> None:
    texts = [t.text for t in tokenize("a==b!=c<=d>=e<f>g")]
    assert texts == ["a", "==", "b", "!=", "c", "<=", "d", ">=", "e", "<", "f", ">", "g", ""]


def test_tokenize_keywords_are_name_tokens() -> None:
    kinds = [(t.kind, t.text) for t in tokenize("not true and false or x")][:-1]
    assert all(kind == "name" for kind, _ in kinds)


def test_tokenize_unknown_character_is_gs030_at_its_offset() -> None:
    with pytest.raises(ExpressionError) as info:
        tokenize("a + $b")
    assert info.value.code == "GS030"
    assert info.value.offset == 4
    assert "'$'" in info.value.message


# Values


def test_whole_number_is_int() -> None:
    code = parse("42")
    assert code == ("lit", 0, 42)
    assert type(code[2]) is int


def test_decimal_number_is_float() -> None:
    code = parse("2.5")
    assert code == ("lit", 0, 2.5)
    assert type(code[2]) is float


def test_decimal_with_zero_fraction_stays_float() -> None:
    assert type(parse("3.0")[2]) is float


def test_number_needs_digits_on_both_sides_of_the_point() -> None:
    assert parse_error("1.").offset == 1
    assert parse_error(".5").offset == 0


def test_largest_whole_number_is_accepted() -> None:
    assert parse(str(MAX_NUMBER)) == ("lit", 0, MAX_NUMBER)


def test_whole_number_above_the_limit_is_gs030_at_the_number() -> None:
    error = parse_error(f"x + {MAX_NUMBER + 1}")
    assert (error.code, error.offset) == ("GS030", 4)
    assert "too large" in error.message


def test_decimal_above_the_limit_is_gs030() -> None:
    error = parse_error(f"{MAX_NUMBER}.5")
    assert (error.code, error.offset) == ("GS030", 0)


def test_negative_number_below_the_limit_is_refused_at_its_digits() -> None:
    error = parse_error(f"-{MAX_NUMBER + 1}")
    assert (error.code, error.offset) == ("GS030", 1)


def test_true_and_false_are_boolean_literals() -> None:
    assert parse("true") == ("lit", 0, True)
    assert parse("false") == ("lit", 0, False)
    assert parse("true")[2] is True
    assert parse("false")[2] is False


def test_capitalised_true_is_a_plain_name() -> None:
    assert parse("True") == ("name", 0, "True")


def test_name_with_digits_and_underscores() -> None:
    assert parse("_day2_morning") == ("name", 0, "_day2_morning")


def test_name_starting_with_keyword_is_a_name() -> None:
    assert parse("notice") == ("name", 0, "notice")
    assert parse("order and android") == (
        "bin",
        6,
        "and",
        ("name", 0, "order"),
        ("name", 10, "android"),
    )


def test_double_quoted_string() -> None:
    assert parse('"listed"') == ("lit", 0, "listed")


def test_single_quoted_string() -> None:
    assert parse("'listed'") == ("lit", 0, "listed")


def test_empty_string() -> None:
    assert parse('""') == ("lit", 0, "")


def test_string_escaped_double_quote() -> None:
    assert parse(r'"a\"b"') == ("lit", 0, 'a"b')


def test_string_escaped_single_quote() -> None:
    assert parse(r"'it\'s'") == ("lit", 0, "it's")


def test_string_backslash_n_is_newline() -> None:
    assert parse(r'"x\ny"') == ("lit", 0, "x\ny")


def test_string_escaped_backslash() -> None:
    assert parse(r'"a\\b"') == ("lit", 0, "a\\b")


def test_string_unknown_escape_keeps_the_character() -> None:
    assert parse(r'"\q"') == ("lit", 0, "q")


def test_string_other_quote_needs_no_escape() -> None:
    assert parse("'say \"hi\"'") == ("lit", 0, 'say "hi"')
    assert parse('"it\'s"') == ("lit", 0, "it's")


def test_string_keeps_keywords_and_operators_as_text() -> None:
    assert parse('"a and (b)"') == ("lit", 0, "a and (b)")


# Precedence and structure


def test_multiplication_binds_tighter_than_addition() -> None:
    assert shape("1 + 2 * 3") == ("+", lit(1), ("*", lit(2), lit(3)))
    assert shape("1 * 2 + 3") == ("+", ("*", lit(1), lit(2)), lit(3))


def test_division_and_modulo_share_product_level() -> None:
    assert shape("a / b % c * d") == ("*", ("%", ("/", name("a"), name("b")), name("c")), name("d"))


def test_subtraction_is_left_associative() -> None:
    assert shape("1 - 2 - 3") == ("-", ("-", lit(1), lit(2)), lit(3))


def test_division_is_left_associative() -> None:
    assert shape("8 / 4 / 2") == ("/", ("/", lit(8), lit(4)), lit(2))


def test_comparison_is_looser_than_arithmetic() -> None:
    assert shape("a + 1 > b * 2") == (">", ("+", name("a"), lit(1)), ("*", name("b"), lit(2)))


def test_not_is_looser_than_comparison() -> None:
    assert shape("not a == b") == ("not", ("==", name("a"), name("b")))


def test_and_is_looser_than_not() -> None:
    assert shape("not a and b") == ("and", ("not", name("a")), name("b"))


def test_or_is_looser_than_and() -> None:
    assert shape("a or b and c") == ("or", name("a"), ("and", name("b"), name("c")))
    assert shape("a and b or c") == ("or", ("and", name("a"), name("b")), name("c"))


def test_and_or_are_left_associative() -> None:
    assert shape("a and b and c") == ("and", ("and", name("a"), name("b")), name("c"))
    assert shape("a or b or c") == ("or", ("or", name("a"), name("b")), name("c"))


def test_every_comparison_operator_parses() -> None:
    for op in ("==", "!=", "<", "<=", ">", ">="):
        assert shape(f"a {op} 1") == (op, name("a"), lit(1))


def test_parentheses_override_precedence() -> None:
    assert shape("(1 + 2) * 3") == ("*", ("+", lit(1), lit(2)), lit(3))
    assert shape("a and (b or c)") == ("and", name("a"), ("or", name("b"), name("c")))
    assert shape("1 - (2 - 3)") == ("-", lit(1), ("-", lit(2), lit(3)))


def test_parentheses_leave_no_node_of_their_own() -> None:
    assert parse("((x))") == ("name", 2, "x")


def test_comparison_of_parenthesised_comparison_is_not_a_chain() -> None:
    assert shape("(a < b) == c") == ("==", ("<", name("a"), name("b")), name("c"))


def test_unary_minus_binds_tighter_than_multiplication() -> None:
    assert shape("-a * b") == ("*", ("neg", name("a")), name("b"))
    assert shape("a * -b") == ("*", name("a"), ("neg", name("b")))


def test_unary_minus_on_literal_is_a_neg_node() -> None:
    assert parse("-3") == ("neg", 0, ("lit", 1, 3))


def test_double_unary_minus_nests() -> None:
    assert shape("--a") == ("neg", ("neg", name("a")))
    assert shape("a - -1") == ("-", name("a"), ("neg", lit(1)))


def test_unary_plus_is_dropped() -> None:
    assert parse("+a") == ("name", 1, "a")
    assert shape("1 + +2") == ("+", lit(1), lit(2))


def test_not_not_nests() -> None:
    assert shape("not not a") == ("not", ("not", name("a")))


def test_offsets_point_at_operators_and_operands() -> None:
    assert parse("a + b * c") == (
        "bin",
        2,
        "+",
        ("name", 0, "a"),
        ("bin", 6, "*", ("name", 4, "b"), ("name", 8, "c")),
    )


def test_offset_of_not_and_and() -> None:
    assert parse("x and not y") == (
        "bin",
        2,
        "and",
        ("name", 0, "x"),
        ("not", 6, ("name", 10, "y")),
    )


# Calls


def test_call_with_arguments() -> None:
    assert parse("min(a, 2)") == ("call", 0, "min", (("name", 4, "a"), ("lit", 7, 2)))


def test_call_without_arguments_has_empty_tuple() -> None:
    assert parse("f()") == ("call", 0, "f", ())


def test_call_arguments_are_full_expressions() -> None:
    assert shape("max(a or b, not c, 1 + 2)") == (
        "call",
        "max",
        (("or", name("a"), name("b")), ("not", name("c")), ("+", lit(1), lit(2))),
    )


def test_call_offset_is_the_function_name() -> None:
    assert parse("1 + abs(x)")[4] == ("call", 4, "abs", (("name", 8, "x"),))


def test_call_of_unknown_function_still_parses() -> None:
    assert shape("floor(x)") == ("call", "floor", (name("x"),))


def test_nested_calls() -> None:
    assert shape("abs(min(a, round(b)))") == (
        "call",
        "abs",
        (("call", "min", (name("a"), ("call", "round", (name("b"),)))),),
    )


def test_space_between_name_and_paren_is_still_a_call() -> None:
    assert shape("abs (x)") == ("call", "abs", (name("x"),))


def test_visited_and_tier_are_calls() -> None:
    assert shape("visited(cellar) > 0") == (">", ("call", "visited", (name("cellar"),)), lit(0))
    assert shape('tier(standing) == "trusted"') == (
        "==",
        ("call", "tier", (name("standing"),)),
        lit("trusted"),
    )


def test_functions_table_matches_the_documented_functions() -> None:
    assert FUNCTIONS == {
        "min": (2, None),
        "max": (2, None),
        "abs": (1, 1),
        "round": (1, 1),
        "visited": (1, 1),
        "tier": (1, 1),
        "chance": (1, 1),
        "circle_mean": (1, 1),
    }


# Errors


def test_unclosed_double_quote_points_at_the_quote() -> None:
    error = parse_error('a == "abc')
    assert (error.code, error.offset) == ("GS030", 5)
    assert "never closed" in error.message


def test_unclosed_single_quote_points_at_the_quote() -> None:
    error = parse_error("'abc")
    assert (error.code, error.offset) == ("GS030", 0)
    assert "never closed" in error.message


def test_string_ending_in_escaped_quote_is_unclosed() -> None:
    error = parse_error(r'"abc\"')
    assert (error.code, error.offset) == ("GS030", 0)


def test_string_cannot_span_lines() -> None:
    error = parse_error('"ab\ncd"')
    assert (error.code, error.offset) == ("GS030", 0)


def test_double_ampersand_suggests_and() -> None:
    error = parse_error("a && b")
    assert (error.code, error.offset) == ("GS030", 2)
    assert error.message == "write 'and' instead of '&&'"


def test_double_bar_suggests_or() -> None:
    error = parse_error("a || b")
    assert (error.code, error.offset) == ("GS030", 2)
    assert error.message == "write 'or' instead of '||'"


def test_bang_suggests_not() -> None:
    error = parse_error("!a")
    assert (error.code, error.offset) == ("GS030", 0)
    assert error.message == "write 'not' instead of '!'"


def test_single_equals_suggests_double_equals() -> None:
    error = parse_error("a = 1")
    assert (error.code, error.offset) == ("GS030", 2)
    assert error.message == "write '==' instead of '='"


def test_bang_equals_is_not_flagged_as_foreign() -> None:
    assert shape("a != 1") == ("!=", name("a"), lit(1))


def test_single_ampersand_has_no_meaning() -> None:
    error = parse_error("a & b")
    assert (error.code, error.offset) == ("GS030", 2)
    assert "'&' has no meaning" in error.message


def test_chained_comparison_points_at_second_operator() -> None:
    error = parse_error("a < b < c")
    assert (error.code, error.offset) == ("GS030", 6)
    assert "cannot be chained" in error.message


def test_chained_mixed_comparison_is_refused() -> None:
    error = parse_error("1 == a <= 3")
    assert (error.code, error.offset) == ("GS030", 7)


def test_trailing_token_after_complete_expression() -> None:
    error = parse_error("1 2")
    assert (error.code, error.offset) == ("GS030", 2)
    assert error.message == "unexpected '2' after a complete expression"


def test_trailing_close_paren() -> None:
    error = parse_error("a)")
    assert (error.code, error.offset) == ("GS030", 1)


def test_empty_expression() -> None:
    error = parse_error("")
    assert (error.code, error.offset) == ("GS030", 0)
    assert "empty" in error.message


def test_blank_expression_is_empty() -> None:
    error = parse_error("  \t\n ")
    assert (error.code, error.offset) == ("GS030", 0)
    assert "empty" in error.message


def test_unclosed_paren_points_at_the_paren() -> None:
    error = parse_error("(1 + 2")
    assert (error.code, error.offset) == ("GS030", 0)
    assert error.message == "this '(' is never closed: add ')'"


def test_unclosed_call_points_at_the_function() -> None:
    error = parse_error("x + max(1, 2")
    assert (error.code, error.offset) == ("GS030", 4)
    assert error.message == "the '(' of max() is never closed: add ')'"


def test_missing_operand_at_end() -> None:
    error = parse_error("x and")
    assert (error.code, error.offset) == ("GS030", 5)
    assert "expected a value" in error.message


def test_missing_operand_before_operator() -> None:
    error = parse_error("1 + * 2")
    assert (error.code, error.offset) == ("GS030", 4)
    assert error.message == "expected a value, found '*'"


def test_keyword_in_value_position() -> None:
    error = parse_error("and b")
    assert (error.code, error.offset) == ("GS030", 0)
    assert "'and' needs a value before it" in error.message


def test_not_after_comparison_operator_is_refused() -> None:
    error = parse_error("a == not b")
    assert (error.code, error.offset) == ("GS030", 5)


def test_call_trailing_comma() -> None:
    error = parse_error("min(1,)")
    assert (error.code, error.offset) == ("GS030", 6)


def test_call_missing_comma() -> None:
    error = parse_error("min(1 2)")
    assert (error.code, error.offset) == ("GS030", 6)
    assert "',' or ')'" in error.message


def test_call_unclosed() -> None:
    error = parse_error("min(1, 2")
    assert (error.code, error.offset) == ("GS030", 0)


def test_empty_parentheses_are_not_a_value() -> None:
    error = parse_error("()")
    assert (error.code, error.offset) == ("GS030", 1)


def test_too_long_is_gs035_at_the_limit() -> None:
    source = "a + " * 125 + "a"  # 501 characters
    assert len(source) == MAX_LENGTH + 1
    error = parse_error(source)
    assert (error.code, error.offset) == ("GS035", MAX_LENGTH)
    assert "501" in error.message


def test_exactly_max_length_is_allowed() -> None:
    source = "11" + "+1" * ((MAX_LENGTH - 2) // 2)
    assert len(source) == MAX_LENGTH
    assert parse(source)[0] == "bin"


def test_too_long_is_reported_before_other_errors() -> None:
    assert parse_error("$" * (MAX_LENGTH + 1)).code == "GS035"


def test_parentheses_at_max_depth_are_allowed() -> None:
    source = "(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH
    assert parse(source) == ("name", MAX_DEPTH, "x")


def test_parentheses_too_deep_is_gs035_at_the_extra_paren() -> None:
    source = "(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1)
    error = parse_error(source)
    assert (error.code, error.offset) == ("GS035", MAX_DEPTH)
    assert str(MAX_DEPTH) in error.message


def test_unary_minus_too_deep_is_gs035() -> None:
    assert parse("-" * MAX_DEPTH + "x")[0] == "neg"
    error = parse_error("-" * (MAX_DEPTH + 1) + "x")
    assert (error.code, error.offset) == ("GS035", MAX_DEPTH)


def test_not_too_deep_is_gs035() -> None:
    assert parse("not " * MAX_DEPTH + "x")[0] == "not"
    error = parse_error("not " * (MAX_DEPTH + 1) + "x")
    assert (error.code, error.offset) == ("GS035", 4 * MAX_DEPTH)


def test_calls_too_deep_is_gs035_at_the_function_name() -> None:
    assert parse("abs(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH)[0] == "call"
    error = parse_error("abs(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1))
    assert (error.code, error.offset) == ("GS035", 4 * MAX_DEPTH)


def test_depth_counts_nesting_not_siblings() -> None:
    deep = "(" * MAX_DEPTH + "1" + ")" * MAX_DEPTH
    assert parse(f"{deep} + {deep}")[0] == "bin"


def test_mixed_nesting_counts_towards_one_depth() -> None:
    source = "(-" * 16 + "(x)" + ")" * 16
    error = parse_error(source)
    assert error.code == "GS035"


def test_long_flat_chains_are_not_too_deep() -> None:
    assert parse(" and ".join(["a"] * 50))[0] == "bin"


def test_error_str_is_the_message() -> None:
    error = parse_error("a && b")
    assert str(error) == error.message


# names_in


def test_names_in_collects_bare_names() -> None:
    assert names_in(parse("a + b * -c > d and not e or f")) == {"a", "b", "c", "d", "e", "f"}


def test_names_in_literals_have_no_names() -> None:
    assert names_in(parse('1 + 2.5 == 3 and "x" == "y" or true')) == set()


def test_names_in_does_not_count_function_names() -> None:
    assert names_in(parse("min(a, abs(b))")) == {"a", "b"}


def test_names_in_visited_argument_is_a_scene_not_a_name() -> None:
    assert names_in(parse("visited(cellar) > 0")) == set()


def test_names_in_tier_argument_is_the_meter_read() -> None:
    assert names_in(parse('tier(standing) == "trusted"')) == {"standing"}


def test_names_in_tier_with_literal_argument_reads_nothing() -> None:
    assert names_in(parse('tier("standing") == "x"')) == set()


def test_names_in_unknown_function_arguments_count() -> None:
    assert names_in(parse("floor(x)")) == {"x"}


def test_names_in_repeated_name_once() -> None:
    assert names_in(parse("a + a + a")) == {"a"}


# from_json


def json_round_trip(code: tuple) -> tuple:
    return from_json(json.loads(json.dumps(code)))


@pytest.mark.parametrize(
    "source",
    [
        "7",
        "2.5",
        "3.0",
        "true",
        "false",
        '"text with \\"quotes\\""',
        "''",
        "standing",
        "-x",
        "not flag",
        "a + b",
        "a - b",
        "a * b",
        "a / b",
        "a % b",
        "a == b",
        "a != b",
        "a < b",
        "a <= b",
        "a > b",
        "a >= b",
        "a and b",
        "a or b",
        "f()",
        "abs(x)",
        "min(a, b, 3)",
        "visited(cellar)",
        'tier(standing) == "trusted"',
        "not (min(a, -b) + round(2.5) * abs(c) >= 10 or visited(hall) == 0) and x",
    ],
)
def test_from_json_round_trip_of_every_node_kind(source: str) -> None:
    code = parse(source)
    assert json_round_trip(code) == code


def test_from_json_preserves_literal_types() -> None:
    code = parse('min(1, 1.0) == 1 and true or "1" == "1"')
    rebuilt = json_round_trip(code)

    def literals(node: tuple) -> list[object]:
        kind = node[0]
        if kind == "lit":
            return [node[2]]
        if kind in ("neg", "not"):
            return literals(node[2])
        if kind == "bin":
            return literals(node[3]) + literals(node[4])
        if kind == "call":
            return [value for arg in node[3] for value in literals(arg)]
        return []

    assert [(type(v), v) for v in literals(rebuilt)] == [(type(v), v) for v in literals(code)]


def test_from_json_returns_tuples_all_the_way_down() -> None:
    rebuilt = json_round_trip(parse("min(a, -b) > 0"))
    assert isinstance(rebuilt, tuple)
    call = rebuilt[3]
    assert isinstance(call, tuple)
    assert isinstance(call[3], tuple)
    assert all(isinstance(arg, tuple) for arg in call[3])
    hash(rebuilt)


def test_from_json_accepts_tuples_as_well_as_lists() -> None:
    code = parse("a + abs(b)")
    assert from_json(code) == code


def test_from_json_round_trips_the_longest_operator_chain() -> None:
    code = parse("1" + "+1" * ((MAX_LENGTH - 1) // 2))
    assert json_round_trip(code) == code


def test_from_json_refuses_nesting_deeper_than_any_parse() -> None:
    data: list[object] = ["lit", 0, 1]
    for _ in range(MAX_LENGTH + 10):
        data = ["neg", 0, data]
    with pytest.raises(ValueError):
        from_json(data)


def test_from_json_unknown_node_kind_is_value_error() -> None:
    with pytest.raises(ValueError, match="not an expression node"):
        from_json(["lambda", 0, "x"])


def test_a_dotted_name_is_one_name_node() -> None:
    assert parse("mara.standing") == ("name", 0, "mara.standing")


def test_a_dotted_name_cannot_be_called() -> None:
    with pytest.raises(ExpressionError) as caught:
        parse("mara.standing(1)")
    assert (caught.value.code, caught.value.offset) == ("GS032", 0)


def test_circle_mean_reads_its_meter_and_chance_reads_its_argument() -> None:
    assert names_in(parse("circle_mean(standing) > 1 and chance(odds)")) == {"standing", "odds"}
