"""Effects: read from a list item, built at once when their target is declared, else in finish()."""

from __future__ import annotations

from dataclasses import replace

from yaml.nodes import MappingNode, Node, ScalarNode

from game.content import keys
from game.content.drafts import EffectDraft, Pending, Reason
from game.content.expression_reader import ExpressionReader
from game.content.nodes import Fields, NodeReader, describe, plain_value
from game.content.story_so_far import BOUNDED_KINDS, BUILT_IN, CIRCLE, DECLARED_KINDS
from game.content.yaml_source import PLAIN
from game.core.diagnostics import did_you_mean
from game.core.expr_check import BOOL, NUMBER, TEXT, NameInfo, Scope
from game.core.story import (
    ADVANCE,
    CIRCLE_OPERATIONS,
    FAIRMATH_OPERATIONS,
    Effect,
    Expression,
    Template,
)

_NAMED_OPERATIONS = frozenset((*CIRCLE_OPERATIONS, ADVANCE))
_FAIRMATH = frozenset(FAIRMATH_OPERATIONS)
# Kinds of target whose changes the ledger does not record, so that no one reads their reasons.
_UNRECORDED = frozenset({"flag", "variable"})


class EffectReader(ExpressionReader):
    """Reads effect lists and checks each effect against its target."""

    def optional_effects(
        self, reader: NodeReader, fields: Fields, key: str, what: str
    ) -> list[Effect | EffectDraft]:
        """The effects under `key` (`'on_enter' of scene 'hall'` in messages), or none."""
        if key not in fields:
            return []
        return self.read_effects(reader, fields[key][1], f"'{key}' of {what}")

    def read_effects(self, reader: NodeReader, node: Node, what: str) -> list[Effect | EffectDraft]:
        """Effects, built at once when their target is declared already, else as drafts."""
        items = reader.sequence(node, what)
        drafts: list[Effect | EffectDraft] = []
        source = reader.source
        for index, item in enumerate(items or (), 1):
            fields = reader.mapping(item, f"effect {index} of {what}", keys.EFFECT)
            if fields is None:
                continue
            if not fields and isinstance(item, MappingNode) and item.value:
                continue  # its keys were all unknown, and each was reported as such
            reason = None
            if len(fields) != 1 or "reason" in fields:  # the usual item skips this
                ok, reason = self.effect_reason(reader, fields, item, f"effect {index} of {what}")
                if not ok:
                    continue
            ((op, (_, targets_node)),) = fields.items()
            if op in _NAMED_OPERATIONS:
                effect = self.read_named_effect(
                    reader, op, targets_node, f"effect {index} of {what}"
                )
                if effect is not None:
                    drafts.append(effect if reason is None else replace(effect, reason=reason))
                continue
            targets = reader.mapping(targets_node, f"'{op}' in effect {index} of {what}")
            if targets is None:
                continue
            if not targets:
                reader.error(
                    "GS041",
                    f"'{op}' in effect {index} of {what} names no target: write {op}: {{meter: 5}}",
                    targets_node,
                )
            for target, (target_node, value_node) in targets.items():
                if not isinstance(value_node, ScalarNode):
                    reader.error(
                        "GS012",
                        f"the value for '{target}' in effect {index} of {what} must be a number,"
                        f" true/false or an expression, got {describe(value_node)}",
                        value_node,
                    )
                    continue
                value = reader.scalar(value_node, f"the value for '{target}'")
                if value is None:
                    # None from scalar() means already reported, unless the YAML said null.
                    if value_node.tag == PLAIN and plain_value(value_node) is None:
                        reader.error(
                            "GS012",
                            f"the value for '{target}' in effect {index} of {what} is missing",
                            value_node,
                        )
                    continue
                draft = EffectDraft(
                    op, target, target_node, value, value_node, source, index, what, reason
                )
                info = self.name_info(target)
                if info is None:
                    drafts.append(draft)
                    continue
                effect = self.finish_effect(draft, info, None)
                if effect is not None:
                    drafts.append(effect)
        return drafts

    def effect_reason(
        self, reader: NodeReader, fields: Fields, item: Node, what: str
    ) -> tuple[bool, Template | None]:
        """Take an effect item's `reason` out of `fields`, leaving its one operation; whether the
        item is well formed, and the reason."""
        reason = fields.pop("reason", None)  # (key node, value node)
        if len(fields) != 1:
            operations = ", ".join(keys.EFFECT_OPERATIONS)
            if fields or reason is None:
                found = ", ".join(fields) or "none"
                message = (
                    f"{what} must have exactly one operation ({operations}); found: {found}."
                    " Write each operation as its own list item"
                )
            else:
                message = (
                    f"{what} has a 'reason' but no operation: write the reason beside the"
                    f" operation it explains ({operations})"
                )
            reader.error("GS041", message, item)
            return False, None
        if reason is None:
            return True, None
        key_node, value_node = reason
        template = self.template(reader, value_node, f"'reason' of {what}", required=True)
        if template is not None:
            self.note_reason(reader, key_node, fields, what)
        return template is not None, template

    def note_reason(self, reader: NodeReader, key: Node, fields: Fields, what: str) -> None:
        """Warn (GS046) about a reason on an operation the ledger never records, or keep it to
        check once every target is known: the ledger records meters and relationships only."""
        ((op, (_, targets_node)),) = fields.items()
        if op in _NAMED_OPERATIONS:
            reader.error(
                "GS046",
                f"{what} has a 'reason', but '{op}' changes no meter or relationship, so the"
                " ledger does not record it and the reason is never shown: remove it",
                key,
            )
        elif isinstance(targets_node, MappingNode):
            targets = tuple(
                target.value for target, _ in targets_node.value if isinstance(target, ScalarNode)
            )
            if targets:
                self.reasons.append(Reason(targets, key, reader.source, what))

    def check_reasons(self, scope: Scope) -> None:
        """GS046 for each reason whose effect changes only flags and variables."""
        for reason in self.reasons:
            kinds = [scope.names.get(target) for target in reason.targets]
            if not all(info is not None and info.kind in _UNRECORDED for info in kinds):
                continue  # a meter's change is recorded; an unknown name is reported already
            self.diagnostics.add(
                "GS046",
                f"{reason.what} has a 'reason', but it changes only flags or variables"
                f" ({', '.join(reason.targets)}), which the ledger does not record, so the reason"
                " is never shown: remove it, or move it to an effect on a meter",
                reason.source.location(reason.key),
            )

    def read_named_effect(
        self, reader: NodeReader, op: str, node: Node, what: str
    ) -> Effect | None:
        """`befriend: mara` and the other circle operations, or `advance: day`."""
        if op == ADVANCE:
            unit = reader.text(node, f"'{op}' in {what}")
            if unit is not None and unit not in keys.ADVANCE_UNITS:
                reader.error(
                    "GS013",
                    f"'{op}' in {what} moves the clock on by a period or a day: write"
                    f" '{op}: period' or '{op}: day', not '{unit}'"
                    f"{did_you_mean(unit, keys.ADVANCE_UNITS)}",
                    node,
                )
                return None
            return None if unit is None else Effect(op, unit, None, reader.source.location(node))
        character = reader.identifier(node, f"the character to {op} in {what}")
        if character is None:
            return None
        self.character_refs.append(Pending(character, node, reader.source, f"'{op}' in {what}"))
        return Effect(op, character, None, reader.source.location(node))

    def finish_effects(self, items: list[Effect | EffectDraft], scope: Scope) -> tuple[Effect, ...]:
        """Build the drafts among `items`, whose targets every file has now had a chance to declare."""
        effects: list[Effect] = []
        for item in items:
            if isinstance(item, Effect):
                effects.append(item)
                continue
            info = scope.names.get(item.target)
            if info is None:
                self.diagnostics.add(
                    "GS040",
                    self.unknown_target(item, scope),
                    item.source.location(item.target_node),
                )
                continue
            effect = self.finish_effect(item, info, scope)
            if effect is not None:
                effects.append(effect)
        return tuple(effects)

    def unknown_target(self, item: EffectDraft, scope: Scope) -> str:
        target = item.target
        if "." in target:
            character, _, part = target.partition(".")
            if character not in self.characters:
                return (
                    f"{item.what} changes '{target}', but '{character}' is not a character"
                    f"{did_you_mean(character, self.characters)}: declare it under characters"
                )
            parts = [keys.CHARACTER_RELATIONSHIP, *self.meters]
            return (
                f"{item.what} changes '{target}', but a character has no '{part}'"
                f"{did_you_mean(part, parts)}: a character has a relationship and the story's"
                f" meters ({', '.join(self.meters) or 'none yet'})"
            )
        if target in self.characters:
            return (
                f"{item.what} changes '{target}', which is a character: change"
                f" {target}.relationship or one of their meters, or use befriend, unfriend or block"
            )
        return (
            f"{item.what} changes '{target}', which is not a declared meter, flag or"
            f" variable{did_you_mean(target, scope.names)}: declare it under meters,"
            " flags or variables"
        )

    def fits_target(self, draft: EffectDraft, info: NameInfo) -> bool:
        """Whether an effect may change its target (GS045) and, for fairmath, whether its target
        is a meter or a relationship (GS042); each problem is reported."""
        target = draft.target
        if draft.op in _FAIRMATH:
            if info.kind in BOUNDED_KINDS:
                return True
            if info.kind in DECLARED_KINDS:
                held = {NUMBER: "a number", BOOL: "true or false"}.get(info.type, "text")
                self.diagnostics.add(
                    "GS042",
                    f"{draft.what}: '{draft.op}' (fairmath) moves a meter or a relationship part of"
                    f" the way to its bound, but {info.kind} '{target}' holds {held}"
                    + (": use add or subtract" if info.type == NUMBER else ": use 'set'"),
                    draft.source.location(draft.target_node),
                )
                return False
        if info.kind == BUILT_IN:
            hint = ": no effect can change it"
            if target in ("day", "period", "day_name"):
                hint = ": to move the clock on, write 'advance: period' or 'advance: day'"
            message = (
                f"{draft.what} changes '{target}', but the engine keeps '{target}'"
                f" ({keys.BUILT_INS[target]}){hint}"
            )
        elif info.kind == CIRCLE:
            character = target.partition(".")[0]
            message = (
                f"{draft.what} changes '{target}', which follows the player's circle: use"
                f" befriend, unfriend or block instead (befriend: {character})"
            )
        else:
            return True
        self.diagnostics.add("GS045", message, draft.source.location(draft.target_node))
        return False

    def finish_effect(
        self, draft: EffectDraft, info: NameInfo, scope: Scope | None
    ) -> Effect | None:
        """The effect `draft` describes, on a declared target. Its expressions are checked now
        when `scope` is given, or with every other expression once all files are read."""
        source = draft.source
        op = draft.op
        if info.kind not in DECLARED_KINDS or op in _FAIRMATH:  # the usual effect skips this
            if not self.fits_target(draft, info):
                return None
        elif op != "set" and info.type != NUMBER:
            self.diagnostics.add(
                "GS042",
                f"{draft.what}: '{draft.op}' needs a number, but {info.kind} '{draft.target}' holds"
                f" {'true or false' if info.type == BOOL else 'text'}: use 'set'",
                source.location(draft.target_node),
            )
            return None
        node = draft.value_node
        value = draft.value
        if info.type == TEXT or isinstance(value, str):
            return self.finish_computed_effect(draft, info, scope)
        if isinstance(value, bool) != (info.type == BOOL):
            wanted = "true or false" if info.type == BOOL else "a number"
            self.diagnostics.add(
                "GS042",
                f"the value for '{draft.target}' in {draft.what} must be {wanted},"
                f" got {describe(node)}",
                source.location(node),
            )
            return None
        # A literal cannot fail at run time, so it shares its effect's location (the target's
        # key, on the same line): one object fewer per effect in a large story.
        effect_location = source.location(draft.target_node)
        expression = Expression(node.value, ("lit", 0, value), effect_location)
        if op == "set":
            if (
                info.kind in BOUNDED_KINDS
                and isinstance(value, int | float)
                and not info.low <= value <= info.high
            ):
                self.report_out_of_bounds(draft, info)
        elif op in _FAIRMATH and not keys.FAIRMATH_MIN <= value <= keys.FAIRMATH_MAX:  # type: ignore[operator]
            self.diagnostics.add(
                "GS044",
                f"the value for '{draft.target}' in {draft.what}: '{op}' takes a percentage"
                f" from {keys.FAIRMATH_MIN} to {keys.FAIRMATH_MAX} (of the way left to the"
                f" bound), got {node.value}",
                source.location(node),
            )
            return None
        return Effect(op, draft.target, expression, effect_location, draft.reason)

    def report_out_of_bounds(self, draft: EffectDraft, info: NameInfo) -> None:
        node = draft.value_node
        bounds = f"{int(info.low)}..{int(info.high)}"
        owner = (
            f"meter '{draft.target}''s bounds {bounds}"
            if info.kind == "meter"
            else f"the bounds of '{draft.target}', {bounds}"
        )
        self.diagnostics.add(
            "GS043",
            f"the value for '{draft.target}' in {draft.what}: {node.value} is outside"
            f" {owner}; it will be clamped",
            draft.source.location(node),
        )

    def finish_computed_effect(
        self, draft: EffectDraft, info: NameInfo, scope: Scope | None
    ) -> Effect | None:
        """An effect whose value is text or an expression rather than a literal."""
        source = draft.source
        node = draft.value_node
        value = draft.value
        what = f"the value for '{draft.target}' in {draft.what}"
        computed: Expression | Template | None
        if info.type == TEXT:
            text = value if isinstance(value, str) else node.value
            computed = self.template_from(source, node, text, what, scope)
        else:
            computed = self.parse_at(source, node, str(value), 0, info.type, what, scope)
        if computed is None:
            return None
        return Effect(
            draft.op, draft.target, computed, source.location(draft.target_node), draft.reason
        )
