"""Text and expressions in story scalars: parsed at once, type-checked once every name is known."""

from __future__ import annotations

import re

from yaml.nodes import Node, ScalarNode

from game.content.drafts import PendingExpression
from game.content.nodes import Fields, NodeReader
from game.content.story_so_far import StorySoFar
from game.content.yaml_source import SourceFile
from game.core.expr_check import BOOL, NUMBER, Scope, check
from game.core.expressions import ExpressionError, names_in, parse
from game.core.story import Expression, Template
from game.core.templates import split_template

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# The role of an expression that must be a number but is no effect's value (GS034, not GS042).
NUMBER_SETTING = "number setting"


class ExpressionReader(StorySoFar):
    """Reads templates (`{...}` interpolation) and expressions, and checks them against a Scope."""

    def optional_template(
        self, reader: NodeReader, fields: Fields, key: str, what: str
    ) -> Template | None:
        """The text under `key` (`'notify' of rule 'fine'` in messages), or None without one."""
        if key not in fields:
            return None
        return self.template(reader, fields[key][1], f"'{key}' of {what}", required=True)

    def optional_expression(
        self, reader: NodeReader, fields: Fields, key: str, role: str, what: str
    ) -> Expression | None:
        """The expression under `key` (`'if' of choice 2 of scene 'hall'` in messages), or None
        without one."""
        if key not in fields:
            return None
        return self.expression(reader, fields[key][1], role, f"'{key}' of {what}")

    def template(
        self, reader: NodeReader, node: Node, what: str, required: bool = False
    ) -> Template | None:
        source = reader.text(node, what)
        if source is None:
            return None
        assert isinstance(node, ScalarNode)
        if required and not source.strip():
            reader.error("GS024", f"{what} is empty: write what the player reads", node)
            return None
        return self.template_from(reader.source, node, source, what)

    def template_from(
        self,
        source_file: SourceFile,
        node: ScalarNode,
        source: str,
        what: str,
        scope: Scope | None = None,
    ) -> Template | None:
        location = source_file.location(node)
        if "{" not in source and "}" not in source:
            return Template((source,), location)
        try:
            pieces = split_template(source)
        except ExpressionError as error:
            self.diagnostics.add(
                error.code,
                f"{what}: {error.message}",
                source_file.location_in_scalar(node, error.offset),
            )
            return None
        parts: list[str | Expression] = []
        ok = True
        for piece in pieces:
            if not piece.is_expression:
                parts.append(piece.text)
                continue
            expression = self.parse_at(
                source_file,
                node,
                piece.text,
                piece.offset,
                "interpolation",
                f"{{...}} in {what}",
                scope,
            )
            if expression is None:
                ok = False
            else:
                parts.append(expression)
        return Template(tuple(parts), location) if ok else None

    def expression(self, reader: NodeReader, node: Node, role: str, what: str) -> Expression | None:
        value = reader.scalar(node, what)
        if value is None:
            if isinstance(node, ScalarNode):
                reader.error(
                    "GS030", f"{what} is empty: write a condition such as standing >= 600", node
                )
            return None
        assert isinstance(node, ScalarNode)
        if isinstance(value, bool | int | float):
            # `if: true` is a literal; the checker still sees it, so types are verified.
            return self.parse_at(reader.source, node, node.value, 0, role, what)
        return self.parse_at(reader.source, node, value, 0, role, what)

    def parse_at(
        self,
        source_file: SourceFile,
        node: ScalarNode,
        text: str,
        base: int,
        role: str,
        what: str,
        scope: Scope | None = None,
    ) -> Expression | None:
        """Parse an expression found at `base` in a scalar; check it now if `scope` is given,
        else once every file has been read."""
        parsed = self.parsed.get(text)
        if parsed is None:
            try:
                parsed = parse(text)
            except ExpressionError as error:
                parsed = error
            self.parsed[text] = parsed
        if isinstance(parsed, ExpressionError):
            # Whatever names it mentions count as read: a typo in one expression should not
            # also make a flag it uses look unused.
            self.names_read.update(_NAME.findall(text))
            location = source_file.location_in_scalar(node, base + parsed.offset)
            self.diagnostics.add(parsed.code, f"{what}: {parsed.message}", location)
            return None
        location = (
            source_file.location_in_scalar(node, base) if base else source_file.location(node)
        )
        expression = Expression(text, parsed, location)
        pending = PendingExpression(expression, source_file, node, base, role, what)
        if scope is None:
            self.pending.append(pending)
        else:
            self.check_pending(pending, scope)
        return expression

    def check_pending(self, pending: PendingExpression, scope: Scope) -> None:
        expression = pending.expression
        result = self.checked.get(expression.source)
        if result is None:
            result = check(expression.code, scope)
            self.checked[expression.source] = result
            self.names_read.update(names_in(expression.code))
        locate = pending.source.location_in_scalar
        for problem in result.problems:
            self.diagnostics.add(
                problem.code,
                f"{pending.what}: {problem.message}",
                locate(pending.node, pending.base + problem.offset),
            )
        if result.problems:
            return
        if pending.role == "condition":
            if result.type != BOOL:
                hint = " (compare it: visited(x) > 0, fines >= 10)" if result.type == NUMBER else ""
                self.diagnostics.add(
                    "GS034",
                    f"{pending.what} must be a condition (true or false), but this is"
                    f" {'a number' if result.type == NUMBER else result.type}{hint}",
                    expression.location,
                )
            elif not result.can_true:
                bounds = ", ".join(
                    f"{m} is {self.meters[m].min}..{self.meters[m].max}"
                    for m in sorted(result.meters)
                    if m in self.meters
                )
                self.diagnostics.add(
                    "GS036",
                    f"{pending.what}: '{expression.source}' can never be true"
                    + (f" ({bounds})" if bounds else ""),
                    expression.location,
                )
        elif pending.role == NUMBER_SETTING and result.type != NUMBER:
            self.diagnostics.add(
                "GS034",
                f"{pending.what} must be a number, but '{expression.source}' is"
                f" {'true or false' if result.type == BOOL else result.type}",
                expression.location,
            )
        elif pending.role in (NUMBER, BOOL) and result.type != pending.role:
            self.diagnostics.add(
                "GS042",
                f"{pending.what} needs {'a number' if pending.role == NUMBER else 'true or false'},"
                f" but '{expression.source}' is {'a number' if result.type == NUMBER else result.type}",
                expression.location,
            )
