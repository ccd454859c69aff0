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
            # On one line, when the written form is the value itself (plus its two quotes), no
            # escape or doubled quote shifted anything: the offset maps straight across.
            quotes = 2 if style in ("'", '"') else 0
            if end.index - start.index == len(value) + quotes and style not in ("|", ">"):
                column = start.column + 1 + quotes // 2 + offset
                return SourceLocation(self.name, start.line + 1, column)
        index = _align(self.text, start.index, end.index, style, value, offset)
        line_start = self.text.rfind("\n", 0, index) + 1
        line = start.line + 1 + self.text.count("\n", start.index, index)
        return SourceLocation(self.name, line, index - line_start + 1)


def _align(text: str, begin: int, end: int, style: str | None, value: str, offset: int) -> int:
    """Walk the raw scalar and its value side by side to find where value[offset] was written.

    Quotes, escapes, block indentation and folded line breaks make the two differ; matching
    characters greedily (a space matches any whitespace) recovers the position well enough to
    point an author at the right character.
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
        column = error.start - (data.rfind(b"\n", 0, error.start) + 1) + 1
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
        mark = error.problem_mark or error.context_mark
        location = SourceLocation(name, mark.line + 1, mark.column + 1) if mark else start
        problem = _PROBLEM_CLEANUP.sub(" ", str(error.problem or error.context or "invalid YAML"))
        diagnostics.add("GS001", f"YAML syntax: {problem}{_syntax_hint(problem)}", location)
        return None
    except yaml.YAMLError as error:
        diagnostics.add("GS001", f"YAML syntax: {error}", start)
        return None
    if node is None:
        return source, ScalarNode(PLAIN, "", _mark_at_start(), _mark_at_start())
    # Without an alias (`*name`) the node count is bounded by the file size already.
    problem_node = _expansion_problem(node) if "*" in text else None
    if problem_node is not None:
        node_at, message = problem_node
        diagnostics.add("GS004", message, source.location(node_at))
        return None
    return source, node


def _syntax_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return " (a value containing ': ' needs quotes)"
    if "found character '\\t'" in problem or "tab" in problem:
        return " (indent with spaces, not tabs)"
    return ""


def _mark_at_start() -> yaml.Mark:
    return yaml.Mark("", 0, 0, 0, None, None)


def _expansion_problem(root: Node) -> tuple[Node, str] | None:
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
                return node, (
                    f"this part of the file expands to more than {MAX_EXPANDED_NODES:,} values"
                    " once its aliases are written out: use fewer or smaller aliases"
                )
            sizes[key] = total
            continue
        if key in sizes:
            continue
        if key in in_progress:
            return node, "an alias refers to the node that contains it (a loop): remove it"
        in_progress.add(key)
        stack.append((node, True))
        for child in _children(node):
            if id(child) in in_progress:
                return child, "an alias refers to the node that contains it (a loop): remove it"
            if id(child) not in sizes:
                stack.append((child, False))
    return None


def _children(node: Node) -> list[Node]:
    if isinstance(node, MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, SequenceNode):
        return list(node.value)
    return []
