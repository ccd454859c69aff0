"""Reading typed values from nodes: YAML 1.2 core scalars and attrs-style messages."""

from __future__ import annotations

import pytest
import yaml
from yaml.nodes import MappingNode, ScalarNode

from game.content.nodes import NodeReader, describe, plain_value
from game.content.yaml_source import QUOTED, SourceFile, _StoryLoader
from game.core.diagnostics import Diagnostics


def compose(text: str) -> MappingNode:
    loader = _StoryLoader(text)
    try:
        node = loader.get_single_node()
    finally:
        loader.dispose()
    assert isinstance(node, MappingNode)
    return node


def reader_for(text: str) -> tuple[NodeReader, MappingNode]:
    return NodeReader(SourceFile("f.yaml", text), Diagnostics()), compose(text)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("12", 12),
        ("-3", -3),
        ("2.5", 2.5),
        ("true", True),
        ("False", False),
        ("null", None),
        ("~", None),
        ("yes", "yes"),
        ("no", "no"),
        ("on", "on"),
        ("0x1F", "0x1F"),
        ("1e3", 1000.0),
        ("'12'", "12"),
        ('"true"', "true"),
        ("hello there", "hello there"),
    ],
)
def test_plain_scalars_follow_yaml_1_2_core(raw: str, value: object) -> None:
    node = compose(f"k: {raw}\n").value[0][1]
    assert isinstance(node, ScalarNode)
    result = plain_value(node)
    assert result == value and type(result) is type(value)


def test_describe_names_the_kind_and_value() -> None:
    node = compose("a: ten\nb: 12\nc: [1]\nd: {x: 1}\n")
    assert [describe(v) for _, v in node.value] == [
        "the text 'ten'",
        "the number 12",
        "a list",
        "a mapping",
    ]


def test_integer_error_names_field_expected_and_actual() -> None:
    reader, node = reader_for("min: ten\n")
    assert reader.integer(node.value[0][1], "'min' of meter 'standing'") is None
    (item,) = reader.diagnostics.items
    assert item.code == "GS012"
    assert item.message == "'min' of meter 'standing' must be a whole number, got the text 'ten'"
    assert (item.location.line, item.location.column) == (1, 6)


def test_text_suggests_quotes_for_a_number() -> None:
    reader, node = reader_for("version: 1.0\n")
    assert reader.text(node.value[0][1], "'version'") is None
    assert 'put it in quotes: "1.0"' in reader.diagnostics.items[0].message


def test_mapping_reports_unknown_duplicate_and_missing_keys() -> None:
    reader, node = reader_for("text: a\ntxet: b\ntext: c\n")
    fields = reader.mapping(node, "scene 'x'", frozenset({"text", "goto"}), frozenset({"goto"}))
    assert fields is not None and list(fields) == ["text"]
    messages = [(d.code, d.message) for d in reader.diagnostics.items]
    assert messages == [
        ("GS010", "scene 'x' has no key 'txet' (did you mean 'text'?)"),
        ("GS007", "'text' appears twice in scene 'x' (first at line 1); keep one"),
        ("GS011", "scene 'x' needs 'goto'"),
    ]


def test_mapping_fast_path_returns_the_same_fields_as_the_checked_path() -> None:
    reader, node = reader_for("text: a\ngoto: b\n")
    fields = reader.mapping(node, "x", frozenset({"text", "goto"}), frozenset({"text"}))
    assert fields is not None and list(fields) == ["text", "goto"]
    assert reader.diagnostics.items == []


def test_tagged_values_are_refused_before_their_type_is_checked() -> None:
    reader, node = reader_for("title: !!python/object:os.system x\n")
    assert reader.text(node.value[0][1], "'title'") is None
    assert [d.code for d in reader.diagnostics.items] == ["GS003"]


def test_ids_that_are_expression_words_are_refused() -> None:
    reader, node = reader_for("a: not\nb: fine_id\n")
    assert reader.identifier(node.value[0][1], "flag id") is None
    assert reader.identifier(node.value[1][1], "flag id") == "fine_id"
    assert [d.code for d in reader.diagnostics.items] == ["GS014"]


def test_quoted_scalar_fast_path_returns_text() -> None:
    reader, node = reader_for("a: '12'\n")
    value = node.value[0][1]
    assert value.tag == QUOTED
    assert reader.text(value, "a") == "12"
    assert reader.scalar(value, "a") == "12"


def test_safe_dump_output_is_read_back_by_our_loader() -> None:
    text = yaml.safe_dump({"a": [1, "two", None, True]})
    node = compose(text)
    items = node.value[0][1].value
    assert [plain_value(item) for item in items] == [1, "two", None, True]
