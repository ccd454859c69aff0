"""Rules (scoring that reacts to tags, turns, days or a standing condition) and the schedule."""

from __future__ import annotations

from yaml.nodes import Node, SequenceNode

from game.content import keys
from game.content.declarations import read_period
from game.content.drafts import EffectDraft, Pending
from game.content.effects import EffectReader
from game.content.nodes import NodeReader
from game.core.diagnostics import did_you_mean
from game.core.story import Effect, Rule, ScheduledEvent

# Why a day is 1 or more, in messages.
_FIRST_DAY = " (day 1 is the first)"


class RuleReader(EffectReader):
    """Reads `rules:` and `schedule:`; their effects wait, as drafts, for every declaration."""

    def read_rules(self, reader: NodeReader, node: Node) -> None:
        for key_node, value_node in (reader.mapping(node, "'rules'") or {}).values():
            ident = reader.identifier(key_node, "rule id")
            if ident is None:
                continue
            if ident in self.rules:
                reader.error(
                    "GS015",
                    f"rule '{ident}' is already defined at {self.rules[ident][0].location}:"
                    " rule ids must be unique",
                    key_node,
                )
                continue
            rule = self.read_rule(reader, ident, key_node, value_node)
            if rule is not None:
                self.rules[ident] = rule

    def read_rule(
        self, reader: NodeReader, ident: str, key_node: Node, node: Node
    ) -> tuple[Rule, list[Effect | EffectDraft]] | None:
        what = f"rule '{ident}'"
        fields = reader.mapping(node, what, keys.RULE, keys.RULE_REQUIRED)
        if fields is None:
            return None
        triggers = [key for key in fields if key in keys.RULE_TRIGGERS]  # as written
        if not triggers:
            reader.error(
                "GS011",
                f"{what} needs one of on_tag, every or while: say when it applies",
                node,
            )
        for extra in triggers[1:]:
            reader.error(
                "GS019",
                f"{what} has both '{triggers[0]}' and '{extra}', but a rule has exactly one"
                " trigger: make two rules",
                fields[extra][0],
            )
        if "while" in fields and "if" in fields:
            reader.error(
                "GS019",
                f"{what} has both 'while' and 'if': fold the condition into 'while'"
                " (while: a and b)",
                fields["if"][0],
            )
        on_tag = None
        if "on_tag" in fields:
            tag_node = fields["on_tag"][1]
            on_tag = reader.text(tag_node, f"'on_tag' of {what}", allow_empty=False)
            if on_tag is not None:
                self.rule_tags.append(Pending(on_tag, tag_node, reader.source, what))
        every = None
        if "every" in fields:
            every_node = fields["every"][1]
            every = reader.text(every_node, f"'every' of {what}")
            if every is not None and every not in keys.RULE_EVERY:
                reader.error(
                    "GS013",
                    f"'every' of {what} must be turn or day, got '{every}'"
                    f"{did_you_mean(every, keys.RULE_EVERY)}",
                    every_node,
                )
        while_ = self.optional_expression(reader, fields, "while", "condition", what)
        condition = self.optional_expression(reader, fields, "if", "condition", what)
        days = self.read_days(reader, fields["days"][1], what) if "days" in fields else ()
        effects = self.optional_effects(reader, fields, "effects", what)
        effects_node = fields["effects"][1] if "effects" in fields else None
        if isinstance(effects_node, SequenceNode) and not effects_node.value:
            reader.error(
                "GS013",
                f"'effects' of {what} is empty: a rule needs at least one effect",
                effects_node,
            )
        reason = self.optional_template(reader, fields, "reason", what)
        notify = self.optional_template(reader, fields, "notify", what)
        directive = self.optional_template(reader, fields, "directive", what)
        if "directive" in fields and not days:
            reader.error(
                "GS061",
                f"{what} has a 'directive' but no 'days', so the player is told it every day:"
                " list the days it holds (days: [2, 4]) or make it a notify",
                fields["directive"][0],
            )
        rule = Rule(
            id=ident,
            location=reader.source.location(key_node),
            effects=(),
            on_tag=on_tag,
            every=every,
            while_=while_,
            condition=condition,
            days=days,
            reason=reason,
            notify=notify,
            directive=directive,
        )
        return rule, effects

    def read_days(self, reader: NodeReader, node: Node, what: str) -> tuple[int, ...]:
        days: list[int] = []
        for index, item in enumerate(reader.sequence(node, f"'days' of {what}") or (), 1):
            day = reader.positive_integer(item, f"item {index} of 'days' of {what}", _FIRST_DAY)
            if day is not None:
                days.append(day)
        return tuple(days)

    def read_schedule(self, reader: NodeReader, node: Node) -> None:
        items = reader.sequence(node, "'schedule'")
        for item in items or ():
            # Default ids count every event of the story, so that two files cannot clash.
            self.schedule_items += 1
            index = self.schedule_items
            what = f"scheduled event {index}"
            fields = reader.mapping(item, what, keys.SCHEDULED_EVENT, keys.SCHEDULED_EVENT_REQUIRED)
            if fields is None:
                continue
            ident = reader.item_id(fields, what, f"event{index}")
            if ident is None:
                continue
            if "id" in fields:
                what = f"scheduled event '{ident}'"
            location = reader.source.location(item)
            if ident in self.schedule_ids:
                reader.error(
                    "GS015",
                    f"scheduled event '{ident}' is already defined at {self.schedule_ids[ident]}:"
                    " give each event its own id",
                    fields["id"][1] if "id" in fields else item,
                )
                continue
            self.schedule_ids[ident] = location
            day = None
            if "day" in fields:
                day = reader.positive_integer(fields["day"][1], f"'day' of {what}", _FIRST_DAY)
            period = None
            if "period" in fields:
                period_what = f"'period' of {what}"
                period = read_period(reader, fields["period"][1], period_what, self.clock.periods)
            condition = self.optional_expression(reader, fields, "if", "condition", what)
            goto = self.scene_ref(reader, fields, "goto", what, "goes to", root=True)
            if day is None or goto is None:
                continue
            self.schedule.append(ScheduledEvent(ident, day, goto, location, period, condition))
