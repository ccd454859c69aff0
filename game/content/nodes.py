"""Reading typed values out of YAML nodes, with an attrs-style diagnostic for every mismatch."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TypeVar

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from game.content.yaml_source import PLAIN, QUOTED, SourceFile
from game.core.diagnostics import Diagnostics, did_you_mean
from game.core.expressions import KEYWORDS, MAX_NUMBER

ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_INT = re.compile(r"[-+]?[0-9]+\Z")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?\Z")
_NULL = frozenset({"", "~", "null", "Null", "NULL"})
_TRUE = frozenset({"true", "True", "TRUE"})
_FALSE = frozenset({"false", "False", "FALSE"})

Scalar = str | int | float | bool | None
# A mapping's keys -> (key node, value node), as NodeReader.mapping returns them.
Fields = dict[str, tuple[Node, Node]]
_Read = TypeVar("_Read")
_Default = TypeVar("_Default")
_KEY_TAGS = frozenset({PLAIN, QUOTED})
_MAX_INT_DIGITS = 30


def plain_value(node: ScalarNode) -> Scalar:
    """A scalar's value under YAML 1.2's core schema; quoted scalars are always text."""
    value: str = node.value
    if node.tag != PLAIN:
        return value
    if value in _NULL:
        return None
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    first = value[0]
    if first.isdigit() or first in "-+.":
        if _INT.match(value):
            # Python refuses to parse integers of thousands of digits; as a float such a
            # number is simply too large, which the reader reports.
            return int(value) if len(value) <= _MAX_INT_DIGITS else float(value)
        if _FLOAT.match(value):
            return float(value)
    return value


def _shown_tag(tag: str) -> str:
    """A tag as the author wrote it: `!!python/object`, not its expanded URI."""
    prefix = "tag:yaml.org,2002:"
    return "!!" + tag[len(prefix) :] if tag.startswith(prefix) else tag


def optional(
    fields: Fields, key: str, read: Callable[[Node, str], _Read], what: str, default: _Default
) -> _Read | _Default:
    """What `read` makes of the value under `key` (`'key' of what` in messages), or `default`
    when there is no such key."""
    if key not in fields:
        return default
    return read(fields[key][1], f"'{key}' of {what}")


def describe(node: Node) -> str:
    """How a node's kind reads in a message: `a list`, `the number 12`, `the text 'ten'`."""
    if isinstance(node, MappingNode):
        return "a mapping"
    if isinstance(node, SequenceNode):
        return "a list"
    value = plain_value(node)
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"{'true' if value else 'false'}"
    if isinstance(value, int | float):
        return f"the number {node.value}"
    shown = value if len(value) <= 40 else value[:37] + "..."
    return f"the text '{shown}'"


class NodeReader:
    """Typed accessors over one file's nodes; every problem goes to the shared Diagnostics."""

    def __init__(self, source: SourceFile, diagnostics: Diagnostics) -> None:
        self.source = source
        self.diagnostics = diagnostics

    def error(self, code: str, message: str, node: Node) -> None:
        self.diagnostics.add(code, message, self.source.location(node))

    def check_tag(self, node: Node) -> bool:
        tag = node.tag
        if tag.startswith("gs:"):
            return True
        self.error(
            "GS003",
            f"YAML tag '{_shown_tag(tag)}' is refused: story files may not carry tags; remove it",
            node,
        )
        return False

    def mapping(
        self,
        node: Node,
        what: str,
        allowed: frozenset[str] | None = None,
        required: frozenset[str] = frozenset(),
    ) -> Fields | None:
        """Keys of a mapping node -> (key node, value node); None when it is not a mapping.

        Reports duplicate keys, keys outside `allowed` (with a suggestion) and missing keys.
        """
        if not self.check_tag(node):
            return None
        if not isinstance(node, MappingNode):
            self.error(
                "GS012", f"{what} must be a mapping of keys to values, got {describe(node)}", node
            )
            return None
        pairs = node.value
        # Fast path for the usual, well-formed mapping: one comprehension and set operations
        # in C. Anything unusual (a tagged or duplicate key, an unknown or missing one) makes
        # the sizes or sets disagree and falls through to the loop below, which reports it.
        try:
            fast = {key.value: (key, value) for key, value in pairs if key.tag in _KEY_TAGS}
        except TypeError:  # a list or mapping used as a key
            fast = {}
        if (
            len(fast) == len(pairs)
            and (allowed is None or fast.keys() <= allowed)
            and fast.keys() >= required
        ):
            return fast
        fields: Fields = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                self.error(
                    "GS012", f"a key in {what} must be a name, got {describe(key_node)}", key_node
                )
                continue
            if not self.check_tag(key_node):
                continue
            key = key_node.value
            if key in fields:
                first = self.source.location(fields[key][0])
                self.error(
                    "GS007",
                    f"'{key}' appears twice in {what} (first at line {first.line}); keep one",
                    key_node,
                )
                continue
            if allowed is not None and key not in allowed:
                if key == "<<":
                    self.error(
                        "GS010",
                        f"{what} uses a YAML merge key ('<<'), which stories do not support:"
                        " write the keys out",
                        key_node,
                    )
                    continue
                hint = did_you_mean(key, allowed)
                if not hint:
                    hint = "; allowed keys: " + ", ".join(sorted(allowed))
                self.error("GS010", f"{what} has no key '{key}'{hint}", key_node)
                continue
            fields[key] = (key_node, value_node)
        missing = [key for key in sorted(required) if key not in fields]
        for key in missing:
            self.error("GS011", f"{what} needs '{key}'", node)
        return fields

    def sequence(self, node: Node, what: str) -> list[Node] | None:
        if not self.check_tag(node):
            return None
        if not isinstance(node, SequenceNode):
            self.error("GS012", f"{what} must be a list, got {describe(node)}", node)
            return None
        return list(node.value)

    def text(self, node: Node, what: str, allow_empty: bool = True) -> str | None:
        if node.tag == QUOTED and (allow_empty or node.value.strip()):
            return node.value  # type: ignore[no-any-return]  # quoted or block: always text
        if not self.check_tag(node):
            return None
        if not isinstance(node, ScalarNode):
            self.error("GS012", f"{what} must be text, got {describe(node)}", node)
            return None
        value = plain_value(node)
        if not isinstance(value, str):
            if value is None and allow_empty:
                return ""
            self.error(
                "GS012",
                f'{what} must be text, got {describe(node)} (put it in quotes: "{node.value}")',
                node,
            )
            return None
        if not allow_empty and not value.strip():
            self.error("GS024", f"{what} is empty", node)
            return None
        return value

    def integer(self, node: Node, what: str) -> int | None:
        if not self.check_tag(node):
            return None
        value = plain_value(node) if isinstance(node, ScalarNode) else None
        if not self.within_bounds(value, node, what):
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            extra = " (meters count in whole numbers)" if isinstance(value, float) else ""
            self.error("GS012", f"{what} must be a whole number, got {describe(node)}{extra}", node)
            return None
        return value

    def item_id(self, fields: Fields, what: str, default: str) -> str | None:
        """A list item's `id`, or `default` when it gives none; None (reported) when the id it
        gives is not valid."""
        if "id" not in fields:
            return default
        return self.identifier(fields["id"][1], f"id of {what}")

    def positive_integer(self, node: Node, what: str, why: str = "") -> int | None:
        """A whole number of 1 or more (a day, a count); `why` explains the bound in the message."""
        value = self.integer(node, what)
        if value is not None and value < 1:
            self.error("GS013", f"{what} must be 1 or more{why}, got {value}", node)
            return None
        return value

    def number(self, node: Node, what: str) -> int | float | None:
        if not self.check_tag(node):
            return None
        value = plain_value(node) if isinstance(node, ScalarNode) else None
        if not self.within_bounds(value, node, what):
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.error("GS012", f"{what} must be a number, got {describe(node)}", node)
            return None
        return value

    def boolean(self, node: Node, what: str) -> bool | None:
        if not self.check_tag(node):
            return None
        value = plain_value(node) if isinstance(node, ScalarNode) else None
        if not isinstance(value, bool):
            self.error("GS012", f"{what} must be true or false, got {describe(node)}", node)
            return None
        return value

    def scalar(self, node: Node, what: str) -> Scalar:
        if node.tag == QUOTED:
            return node.value  # type: ignore[no-any-return]
        if not self.check_tag(node):
            return None
        if not isinstance(node, ScalarNode):
            self.error("GS012", f"{what} must be a single value, got {describe(node)}", node)
            return None
        value = plain_value(node)
        return value if self.within_bounds(value, node, what) else None

    def within_bounds(self, value: Scalar, node: Node, what: str) -> bool:
        """Numbers in a story are human-sized; a huge one is a typo, and would overflow."""
        number = isinstance(value, int | float) and not isinstance(value, bool)
        if number and not -MAX_NUMBER <= value <= MAX_NUMBER:  # type: ignore[operator]
            shown = node.value if len(node.value) <= 24 else node.value[:21] + "..."
            self.error(
                "GS013",
                f"{what}: {shown} is too large: numbers in a story go up to {MAX_NUMBER:,}",
                node,
            )
            return False
        return True

    def text_list(self, node: Node, what: str) -> tuple[str, ...]:
        items = self.sequence(node, what)
        if items is None:
            return ()
        result = []
        for index, item in enumerate(items, 1):
            value = self.text(item, f"item {index} of {what}", allow_empty=False)
            if value is not None:
                result.append(value)
        return tuple(result)

    def identifier(self, node: Node, what: str) -> str | None:
        if not self.check_tag(node):
            return None
        if not isinstance(node, ScalarNode):
            self.error("GS012", f"{what} must be a name, got {describe(node)}", node)
            return None
        # The text as written: an id like `1` or `yes` is judged as an id, not as a number.
        value: str = node.value
        if not ID.match(value):
            self.error(
                "GS014",
                f"{what} '{value}' is not a valid id: use letters, digits and underscores,"
                " starting with a letter",
                node,
            )
            return None
        if value in KEYWORDS:
            self.error(
                "GS014",
                f"{what} '{value}' is a word of the expression language"
                f" ({', '.join(sorted(KEYWORDS))}): expressions could not name it; choose another",
                node,
            )
            return None
        return value
