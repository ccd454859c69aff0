"""Safe YAML reading: positions inside values, refused tags, bounded aliases, bad bytes."""

from __future__ import annotations

from pathlib import Path

import pytest
from yaml.nodes import MappingNode, ScalarNode

from game.content import yaml_source
from game.content.yaml_source import SourceFile, read_story_file
from game.core.diagnostics import Diagnostics, SourceLocation


def read(tmp_path: Path, text: str | bytes) -> tuple[Diagnostics, tuple[SourceFile, object] | None]:
    path = tmp_path / "f.yaml"
    if isinstance(text, str):
        path.write_text(text, encoding="utf-8")
    else:
        path.write_bytes(text)
    diagnostics = Diagnostics()
    return diagnostics, read_story_file(path, "f.yaml", diagnostics)


def value_node(tmp_path: Path, text: str) -> tuple[SourceFile, ScalarNode]:
    diagnostics, read_result = read(tmp_path, text)
    assert read_result is not None, diagnostics.items
    source, root = read_result
    assert isinstance(root, MappingNode)
    node = root.value[0][1]
    assert isinstance(node, ScalarNode)
    return source, node


@pytest.mark.parametrize(
    ("text", "offset", "expected"),
    [
        ("k: abc def\n", 4, (1, 8)),  # plain
        ("k: 'abc def'\n", 4, (1, 9)),  # single-quoted: after the quote
        ('k: "abc def"\n', 4, (1, 9)),  # double-quoted
        ('k: "a\\tb cd"\n', 4, (1, 10)),  # an escape before the offset
        ("k: 'it''s x'\n", 5, (1, 11)),  # a doubled quote before the offset
        ("k: |\n  line one\n  line two\n", 9, (3, 3)),  # literal block, second line
        ("k: >\n  one\n  two\n", 4, (3, 3)),  # folded block: the space was a line break
        ("k: abc\n  def ghi\n", 8, (2, 7)),  # multi-line plain scalar
    ],
)
def test_offsets_inside_values_map_to_file_positions(
    tmp_path: Path, text: str, offset: int, expected: tuple[int, int]
) -> None:
    source, node = value_node(tmp_path, text)
    assert source.location_in_scalar(node, offset) == SourceLocation("f.yaml", *expected)


def test_explicit_tags_keep_their_tag_so_the_reader_can_refuse_them(tmp_path: Path) -> None:
    _, node = value_node(tmp_path, "k: !!str 5\n")
    assert node.tag == "tag:yaml.org,2002:str"


def test_untagged_scalars_are_tagged_plain_or_quoted(tmp_path: Path) -> None:
    _, plain = value_node(tmp_path, "k: 5\n")
    _, quoted = value_node(tmp_path, "k: '5'\n")
    assert (plain.tag, quoted.tag) == (yaml_source.PLAIN, yaml_source.QUOTED)


def test_syntax_errors_are_located(tmp_path: Path) -> None:
    diagnostics, result = read(tmp_path, "a: [1, 2\nb: 3\n")
    assert result is None
    (item,) = diagnostics.items
    assert item.code == "GS001"
    assert item.location.line == 2


def test_invalid_utf8_names_the_byte_and_its_place(tmp_path: Path) -> None:
    diagnostics, result = read(tmp_path, b"a: 1\nb: caf\xe9\n")
    assert result is None
    (item,) = diagnostics.items
    assert (item.code, item.location) == ("GS005", SourceLocation("f.yaml", 2, 7))
    assert "0xe9" in item.message


def test_a_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    diagnostics, result = read(tmp_path, "\ufeffa: 1\n")
    assert result is not None and diagnostics.items == []


def test_billion_laughs_fails_fast(tmp_path: Path) -> None:
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, 10):
        refs = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    diagnostics, result = read(tmp_path, "\n".join(lines) + "\n")
    assert result is None
    assert [d.code for d in diagnostics.items] == ["GS004"]


def test_aliases_within_bounds_are_fine(tmp_path: Path) -> None:
    diagnostics, result = read(tmp_path, "a: &x [1, 2]\nb: *x\nc: *x\n")
    assert result is not None and diagnostics.items == []


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path: Path) -> None:
    diagnostics, result = read(tmp_path, "a: &x [1, *x]\n")
    assert result is None
    assert [d.code for d in diagnostics.items] == ["GS004"]


def test_files_over_the_size_limit_are_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(yaml_source, "MAX_FILE_BYTES", 10)
    diagnostics, result = read(tmp_path, "a: 12345678901234567890\n")
    assert result is None
    assert [d.code for d in diagnostics.items] == ["GS002"]


def test_an_empty_file_reads_as_an_empty_scalar(tmp_path: Path) -> None:
    diagnostics, result = read(tmp_path, "")
    assert result is not None and diagnostics.items == []
    assert isinstance(result[1], ScalarNode)
