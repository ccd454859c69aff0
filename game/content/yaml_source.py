"""Safe YAML reading: one story file into a node tree with positions, refusing anything that could run code.

Files are composed (not constructed) so every node keeps its line and column. Our resolver
tags untagged scalars itself, which does two jobs at once: the loader decides what `yes` means
(text, as in YAML 1.2), and any node that still carries a YAML tag was tagged explicitly in the
file, which is refused (`!!python/object` and friends).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from game.core.diagnostics import Diagnostics, SourceLocation

MAX_FILE_BYTES = 8 * 1024 * 1024
# Nodes a file may expand to, counting every use of an alias in full: a billion-laughs file
# composes into a few nodes but expands to billions; it stops here, before anything walks it.
MAX_EXPANDED_NODES = 2_000_000

PLAIN = "gs:plain"
QUOTED = "gs:quoted"
MAP = "gs:map"
SEQ = "gs:seq"

_BaseLoader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StoryLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    # The composer calls these two hooks for every node to support path resolvers, which we do
    # not use. C builtins that take the same arguments and do nothing of consequence cost a
    # third of a Python no-op: about a tenth of the compose time of a large story.
    descend_resolver = staticmethod(slice)  # descend_resolver(parent, index)
    ascend_resolver = staticmethod(tuple)  # ascend_resolver()

    def resolve(self, kind: type, value: str, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return PLAIN if implicit[0] else QUOTED
        return MAP if kind is MappingNode else SEQ


@dataclass(slots=True)
class SourceFile:
    """One story file: its display path (as diagnostics show it) and its text."""

    name: str
    text: str

    def location(self, node: Node) -> SourceLocation:
        mark = node.start_mark
        return SourceLocation(self.name, mark.line + 1, mark.column + 1)

    def location_in_scalar(self, node: Node, offset: int) -> SourceLocation:
        """Where character `offset` of a scalar's value stands in the file."""
        start = node.start_mark
        style = node.style if isinstance(node, ScalarNode) else None
        value = node.value if isinstance(node, ScalarNode) else ""
        end = node.end_mark
        if start.line == end.line:
            if not style:  # plain, one line: the value is what was written
                return SourceLocation(self.name, start.line + 1, start.column + 1 + offset)
            if style in ("'", '"'):
                starts = _quoted_starts(self.text, start.index, end.index, style)
                index = starts[offset] if offset < len(starts) else end.index - 1
                return SourceLocation(
                    self.name, start.line + 1, index - start.index + start.column + 1
                )
        index = _align(self.text, start.index, end.index, style, value, offset)
        line_start = self.text.rfind("\n", 0, index) + 1
        line = start.line + 1 + self.text.count("\n", start.index, index)
        return SourceLocation(self.name, line, index - line_start + 1)


_ESCAPE_LENGTHS = {"x": 4, "u": 6, "U": 10}


def _quoted_starts(text: str, begin: int, end: int, style: str) -> list[int]:
    """For a one-line quoted scalar, where each character of its value was written.

    Decodes the way YAML does: `''` is one quote in single quotes; in double quotes `\\n`,
    `\\x41`, `\\u00e9` and `\\U0001F600` are one character each.
    """
    starts: list[int] = []
    index = begin + 1
    close = end - 1
    while index < close:
        char = text[index]
        starts.append(index)
        if style == "'" and char == "'":
            index += 2
        elif style == '"' and char == "\\":
            index += _ESCAPE_LENGTHS.get(text[index + 1] if index + 1 < close else "", 2)
        else:
            index += 1
    return starts


def _align(text: str, begin: int, end: int, style: str | None, value: str, offset: int) -> int:
    """Walk a multi-line scalar and its value side by side to find where value[offset] was written.

    Block indentation and folded line breaks make the two differ; matching characters greedily
    (a space matches any whitespace) recovers the position well enough to point an author at
    the right character.
    """
    pos = begin
    if style in ("'", '"'):
        pos += 1
    elif style in ("|", ">"):
        newline = text.find("\n", pos, end)
        pos = end if newline < 0 else newline + 1
    limit = min(offset, len(value))
    for char in value[:limit]:
        probe = pos
        while probe < end:
            raw = text[probe]
            if raw == char or (char in " \n" and raw in " \n\t"):
                break
            probe += 1
        if probe < end:
            pos = probe + 1
    # Skip indentation or quotes the author did not write as part of the value.
    while (
        pos < end and text[pos] in " \t\n" and (offset >= len(value) or value[offset] not in " \n")
    ):
        pos += 1
    return min(pos, max(begin, end - 1)) if end > begin else begin


_PROBLEM_CLEANUP = re.compile(r"\s+")


def read_story_file(
    path: Path, name: str, diagnostics: Diagnostics
) -> tuple[SourceFile, Node] | None:
    """Read and compose one file; on any problem, report it and return None."""
    start = SourceLocation(name, 1, 1)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            diagnostics.add(
                "GS002",
                f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}: split it into chapters",
                start,
            )
            return None
        data = path.read_bytes()
    except OSError as error:
        diagnostics.add("GS005", f"cannot read the file: {error.strerror or error}", start)
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        line_start = data.rfind(b"\n", 0, error.start) + 1
        # Columns count characters, as editors do, not bytes.
        column = len(data[line_start : error.start].decode("utf-8", errors="replace")) + 1
        diagnostics.add(
            "GS005",
            f"byte 0x{data[error.start]:02x} is not UTF-8: save the file as UTF-8",
            SourceLocation(name, line, column),
        )
        return None
    if text.startswith("\ufeff"):
        text = text[1:]
    source = SourceFile(name, text)
    try:
        loader = _StoryLoader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as error:
        diagnostics.add("GS001", _syntax_message(error), _syntax_location(error, text, name))
        return None
    except RecursionError:
        # The pure-Python parser (used where libyaml is missing) recurses per nesting level.
        diagnostics.add(
            "GS001", "YAML syntax: the file is nested too deeply to read: flatten it", start
        )
        return None
    except yaml.YAMLError as error:
        diagnostics.add("GS001", f"YAML syntax: {error}", start)
        return None
    if node is None:
        return source, ScalarNode(PLAIN, "", _mark_at_start(), _mark_at_start())
    # Without an alias (`*name`) the node count is bounded by the file size already.
    problem = _expansion_problem(node, text) if "*" in text else None
    if problem is not None:
        location, message = problem
        diagnostics.add("GS004", message, SourceLocation(name, *location))
        return None
    return source, node


def _syntax_message(error: yaml.MarkedYAMLError) -> str:
    """YAML's context and problem as one sentence, with a hint for the usual mistakes."""
    problem = _PROBLEM_CLEANUP.sub(" ", str(error.problem or "invalid YAML")).strip()
    context = _PROBLEM_CLEANUP.sub(" ", str(error.context or "")).strip()
    if context:
        problem = f"{context}, {problem}" if problem.startswith("but ") else f"{context}: {problem}"
    return f"YAML syntax: {problem}{_syntax_hint(problem)}"


def _syntax_location(error: yaml.MarkedYAMLError, text: str, name: str) -> SourceLocation:
    """Where to point: at an unclosed bracket or quote rather than at the end of the file."""
    mark = error.problem_mark
    context = error.context_mark
    at_end = mark is None or mark.index >= len(text.rstrip())
    if context is not None and at_end:
        mark = context
    if mark is None:
        return SourceLocation(name, 1, 1)
    return SourceLocation(name, mark.line + 1, mark.column + 1)


def _syntax_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return " (a value containing ': ' needs quotes; or a key is indented too far)"
    if "found another document" in problem:
        return " (a story file holds one document: remove the second '---')"
    if "maximum nesting depth" in problem:
        return " (the file nests lists or mappings more than 1,000 levels deep)"
    if "found character '\\t'" in problem or "tab" in problem:
        return " (indent with spaces, not tabs)"
    return ""


def _mark_at_start() -> yaml.Mark:
    return yaml.Mark("", 0, 0, 0, None, None)


_LOOP = "an alias refers to the node that contains it (a loop): remove it"
_ANCHOR = re.compile(r"&([^\s,\[\]{}]+)")


def _position(node: Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _loop_location(text: str, container: Node, anchored: Node) -> tuple[int, int]:
    """Where `*name` stands inside `container`, naming the node anchored as `&name`."""
    anchor = _ANCHOR.search(text, max(0, anchored.start_mark.index - 200), anchored.end_mark.index)
    if anchor is not None:
        alias = text.find(
            "*" + anchor.group(1), container.start_mark.index, container.end_mark.index
        )
        if alias >= 0:
            line = text.count("\n", 0, alias) + 1
            return line, alias - (text.rfind("\n", 0, alias) + 1) + 1
    return _position(container)


def _expansion_problem(root: Node, text: str) -> tuple[tuple[int, int], str] | None:
    """Count nodes as if every alias were written out, bounded, and catch aliases to themselves.

    Sizes are memoised per node, so the count costs one visit per distinct node no matter how
    the anchors multiply.
    """
    sizes: dict[int, int] = {}
    in_progress: set[int] = set()
    # Iterative post-order walk: recursion would overflow on deep (hostile) nesting.
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, children_done = stack.pop()
        key = id(node)
        if children_done:
            in_progress.discard(key)
            children = _children(node)
            total = 1 + sum(sizes[id(child)] for child in children)
            if total > MAX_EXPANDED_NODES:
                return _position(node), (
                    f"this part of the file expands to more than {MAX_EXPANDED_NODES:,} values"
                    " once its aliases are written out: use fewer or smaller aliases"
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in in_progress:
            return _position(node), _LOOP
        in_progress.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in in_progress:
                return _loop_location(text, node, child), _LOOP
            if id(child) not in sizes:
                stack.append((child, False))
    return None


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []
