"""What a story declares: meters and their tiers, flags, variables, characters, time, renamed ids."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from types import MappingProxyType

from yaml.nodes import MappingNode, Node, ScalarNode

from game.content import keys
from game.content.drafts import Pending
from game.content.effects import EffectReader
from game.content.nodes import NodeReader, describe, optional
from game.core.diagnostics import did_you_mean
from game.core.expr_check import Scope
from game.core.story import (
    DEFAULT_PERIODS,
    RELATIONSHIP_MAX,
    RELATIONSHIP_MIN,
    Character,
    Clock,
    Flag,
    Meter,
    Multiplier,
    Tier,
    TierEvent,
    Variable,
)


def read_period(reader: NodeReader, node: Node, what: str, periods: tuple[str, ...]) -> str | None:
    """One of `periods` (a period of the story's day), or None, reported, when it is not."""
    period = reader.text(node, what)
    if period is not None and period not in periods:
        reader.error(
            "GS013",
            f"{what} is '{period}', which is not one of the periods"
            f"{did_you_mean(period, periods)}: {', '.join(periods)}",
            node,
        )
        return None
    return period


class DeclarationReader(EffectReader):
    """Reads what a story declares, each name checked against every other declaration."""

    def declarations(
        self, reader: NodeReader, node: Node, kind: str
    ) -> Iterator[tuple[str, Node, Node]]:
        """(id, key node, value node) of each `kind` declared under `node` (`meters:`) whose id
        is valid and new; the others are reported."""
        for key_node, value_node in (reader.mapping(node, f"'{kind}s'") or {}).values():
            ident = self.declare(reader, kind, key_node)
            if ident is not None:
                yield ident, key_node, value_node

    def declare(self, reader: NodeReader, kind: str, key_node: Node) -> str | None:
        ident = reader.identifier(key_node, f"{kind} id")
        if ident is None:
            return None
        if ident in keys.BUILT_INS:
            reader.error(
                "GS017",
                f"'{ident}' is a name the engine keeps ({keys.BUILT_INS[ident]}), so no {kind}"
                " can take it: choose another id",
                key_node,
            )
            return None
        for other_kind, table in (
            ("meter", self.meters),
            ("flag", self.flags),
            ("variable", self.variables),
            ("character", self.characters),
        ):
            if ident in table:
                first = table[ident].location
                reader.error(
                    "GS015",
                    f"'{ident}' is already declared as a {other_kind} at {first}: ids must be unique",
                    key_node,
                )
                return None
        return ident

    def read_meters(self, reader: NodeReader, node: Node) -> None:
        for ident, key_node, value_node in self.declarations(reader, node, "meter"):
            fields = reader.mapping(value_node, f"meter '{ident}'", keys.METER)
            if fields is None:
                continue
            what = f"meter '{ident}'"
            # A meter with a broken bound is still declared (with bounds made usable), so that
            # its other fields are checked and its uses do not all report "unknown name".
            low = optional(fields, "min", reader.integer, what, 0)
            high = optional(fields, "max", reader.integer, what, 100)
            low = 0 if low is None else low
            high = max(low, 100) if high is None else high
            if low > high:
                reader.error(
                    "GS050",
                    f"{what} has min {low} above max {high}",
                    # Point at a bound the author wrote, not at one left to its default.
                    fields["min"][1] if "min" in fields else fields["max"][1],
                )
                low, high = high, low
            start = optional(fields, "start", reader.integer, what, low)
            start = low if start is None else start
            if not low <= start <= high:
                reader.error(
                    "GS050",
                    f"{what} starts at {start}, outside its bounds {low}..{high}",
                    fields["start"][1],
                )
                start = min(max(start, low), high)
            label = optional(
                fields, "label", reader.text, what, ident.replace("_", " ").capitalize()
            )
            visible = optional(fields, "visible", reader.boolean, what, True)
            display = "number"
            if "display" in fields:
                display_value = reader.text(fields["display"][1], f"'display' of {what}")
                if display_value is not None and display_value not in keys.METER_DISPLAYS:
                    reader.error(
                        "GS013",
                        f"'display' of {what} must be one of {', '.join(keys.METER_DISPLAYS)},"
                        f" got '{display_value}'",
                        fields["display"][1],
                    )
                elif display_value is not None:
                    display = display_value
            tiers = (
                self.read_tiers(reader, fields["tiers"][1], ident, low, high)
                if "tiers" in fields
                else ()
            )
            multipliers = (
                self.read_multipliers(reader, fields["multipliers"][1], ident)
                if "multipliers" in fields
                else ()
            )
            association = None
            if "association" in fields:
                association_node = fields["association"][1]
                association = reader.number(association_node, f"'association' of {what}")
                if association is not None and not 0 < association <= 1:
                    reader.error(
                        "GS013",
                        f"'association' of {what} must be above 0 and at most 1 (the share of the"
                        f" way toward the circle's mean the meter moves each day), got"
                        f" {association_node.value}",
                        association_node,
                    )
                    association = None
            self.meters[ident] = Meter(
                id=ident,
                label=label or ident,
                min=low,
                max=high,
                start=start,
                location=reader.source.location(key_node),
                visible=True if visible is None else visible,
                display=display,
                tiers=tiers,
                multipliers=multipliers,
                association=None if association is None else float(association),
            )

    def read_tiers(
        self, reader: NodeReader, node: Node, meter: str, low: int, high: int
    ) -> tuple[Tier, ...]:
        items = reader.sequence(node, f"'tiers' of meter '{meter}'")
        if items is None:
            return ()
        tiers: list[tuple[Tier, Node]] = []
        seen: set[str] = set()
        for index, item in enumerate(items, 1):
            what = f"tier {index} of meter '{meter}'"
            fields = reader.mapping(item, what, keys.TIER, keys.TIER_REQUIRED)
            if fields is None or not fields.keys() >= keys.TIER_REQUIRED:
                continue
            ident = reader.identifier(fields["id"][1], f"id of {what}")
            label = reader.text(fields["label"][1], f"'label' of {what}")
            tier_min = reader.integer(fields["min"][1], f"'min' of {what}")
            tier_max = reader.integer(fields["max"][1], f"'max' of {what}")
            if ident is None or label is None or tier_min is None or tier_max is None:
                continue
            if ident in seen:
                reader.error(
                    "GS015", f"meter '{meter}' has two tiers named '{ident}'", fields["id"][1]
                )
                continue
            seen.add(ident)
            for which in ("on_enter", "on_leave"):
                if which in fields:
                    self.read_tier_event(reader, fields[which][1], meter, ident, which)
            if tier_min > tier_max:
                reader.error(
                    "GS050",
                    f"tier '{ident}' has min {tier_min} above max {tier_max}",
                    fields["min"][1],
                )
                continue
            if tier_min < low or tier_max > high:
                reader.error(
                    "GS053",
                    f"tier '{ident}' spans {tier_min}..{tier_max}, outside meter '{meter}''s bounds {low}..{high}",
                    item,
                )
                continue
            privileges = optional(fields, "privileges", reader.text_list, f"tier '{ident}'", ())
            sanctions = optional(fields, "sanctions", reader.text_list, f"tier '{ident}'", ())
            tier = Tier(
                ident,
                label,
                tier_min,
                tier_max,
                reader.source.location(item),
                privileges,
                sanctions,
            )
            tiers.append((tier, item))
        ordered = sorted(tiers, key=lambda pair: pair[0].min)
        if ordered and len(ordered) == len(items):
            expected = low
            for tier, item in ordered:
                if tier.min > expected:
                    reader.error(
                        "GS051",
                        f"no tier of meter '{meter}' covers {expected}..{tier.min - 1}:"
                        f" extend a neighbouring tier to close the gap",
                        item,
                    )
                elif tier.min < expected:
                    reader.error(
                        "GS052",
                        f"tier '{tier.id}' starts at {tier.min}, inside the tier below it (which ends at"
                        f" {expected - 1}): start it at {expected}",
                        item,
                    )
                expected = max(expected, tier.max + 1)
            if expected <= high:
                reader.error(
                    "GS051",
                    f"no tier of meter '{meter}' covers {expected}..{high}: extend the top tier",
                    ordered[-1][1],
                )
        return tuple(tier for tier, _ in ordered)

    def read_tier_event(
        self, reader: NodeReader, node: Node, meter: str, tier: str, which: str
    ) -> None:
        what = f"'{which}' of tier '{tier}' of meter '{meter}'"
        fields = reader.mapping(node, what, keys.TIER_EVENT)
        if fields is None:
            return
        if not fields:
            if isinstance(node, MappingNode) and not node.value:
                reader.error(
                    "GS011",
                    f"{what} needs at least one of effects, notify or goto: what happens then",
                    node,
                )
            return
        effects = self.optional_effects(reader, fields, "effects", what)
        notify = self.optional_template(reader, fields, "notify", what)
        goto = self.scene_ref(reader, fields, "goto", what, "goes to", root=True)
        event = TierEvent(reader.source.location(node), (), notify, goto)
        self.tier_events.append((meter, tier, which, event, effects))

    def read_multipliers(
        self, reader: NodeReader, node: Node, meter: str
    ) -> tuple[Multiplier, ...]:
        items = reader.sequence(node, f"'multipliers' of meter '{meter}'")
        multipliers: list[Multiplier] = []
        seen: set[str] = set()
        for index, item in enumerate(items or (), 1):
            what = f"multiplier {index} of meter '{meter}'"
            fields = reader.mapping(item, what, keys.MULTIPLIER, keys.MULTIPLIER_REQUIRED)
            if fields is None:
                continue
            ident = reader.item_id(fields, what, f"multiplier{index}")
            if ident is not None and ident in seen:
                reader.error(
                    "GS015",
                    f"meter '{meter}' has two multipliers named '{ident}': give each its own id",
                    fields["id"][1] if "id" in fields else item,
                )
                ident = None
            if ident is not None:
                seen.add(ident)
            condition = self.optional_expression(reader, fields, "if", "condition", what)
            if not any(factor in fields for factor in keys.MULTIPLIER_FACTORS):
                reader.error(
                    "GS011",
                    f"{what} needs 'gain' or 'loss' (or both): what gains or losses of"
                    f" '{meter}' are multiplied by while 'if' holds",
                    item,
                )
                continue
            factors: list[float] = []
            for factor in keys.MULTIPLIER_FACTORS:
                if factor not in fields:
                    factors.append(1.0)
                    continue
                factor_node = fields[factor][1]
                value = reader.number(factor_node, f"'{factor}' of {what}")
                if value is not None and value < 0:
                    reader.error(
                        "GS013",
                        f"'{factor}' of {what} must be 0 or more (1 leaves changes as they are,"
                        f" 2 doubles them), got {factor_node.value}",
                        factor_node,
                    )
                elif value is not None:
                    factors.append(float(value))
            if ident is None or condition is None or len(factors) != 2:
                continue
            gain, loss = factors
            multipliers.append(
                Multiplier(ident, condition, reader.source.location(item), gain, loss)
            )
        return tuple(multipliers)

    def read_flags(self, reader: NodeReader, node: Node) -> None:
        for ident, key_node, value_node in self.declarations(reader, node, "flag"):
            default = reader.boolean(value_node, f"the default of flag '{ident}'")
            if default is not None:
                self.flags[ident] = Flag(ident, default, reader.source.location(key_node))

    def read_variables(self, reader: NodeReader, node: Node) -> None:
        for ident, key_node, value_node in self.declarations(reader, node, "variable"):
            value = reader.scalar(value_node, f"the default of variable '{ident}'")
            if isinstance(value, bool) or value is None:
                if isinstance(value_node, ScalarNode):
                    reader.error(
                        "GS012",
                        f"the default of variable '{ident}' must be a number or text, got {describe(value_node)}"
                        + (
                            " (true/false values are flags: declare it under 'flags')"
                            if isinstance(value, bool)
                            else ""
                        ),
                        value_node,
                    )
                continue
            self.variables[ident] = Variable(ident, value, reader.source.location(key_node))

    def read_characters(self, reader: NodeReader, node: Node) -> None:
        for ident, key_node, value_node in self.declarations(reader, node, "character"):
            what = f"character '{ident}'"
            fields = reader.mapping(value_node, what, keys.CHARACTER, keys.CHARACTER_REQUIRED)
            if fields is None:
                fields = {}
            # A character with a broken field is still declared, so that `mara.standing` in
            # expressions does not also report an unknown name.
            name = None
            if "name" in fields:
                name = reader.text(fields["name"][1], f"'name' of {what}", allow_empty=False)
            description = optional(fields, "description", reader.text, what, "") or ""
            meters: dict[str, int] = {}
            if "meters" in fields:
                entries = reader.mapping(fields["meters"][1], f"'meters' of {what}") or {}
                for meter, (meter_node, start_node) in entries.items():
                    start = reader.integer(start_node, f"the start of '{meter}' for {what}")
                    if start is None:
                        continue
                    meters[meter] = start
                    pending = Pending(meter, meter_node, reader.source, f"'meters' of {what}")
                    self.character_meters.append((pending, start, start_node))
            relationship = 0
            if "relationship" in fields:
                relationship_node = fields["relationship"][1]
                value = reader.integer(relationship_node, f"'relationship' of {what}")
                if value is not None and not RELATIONSHIP_MIN <= value <= RELATIONSHIP_MAX:
                    reader.error(
                        "GS013",
                        f"'relationship' of {what} must be from {RELATIONSHIP_MIN} (enemies) to"
                        f" {RELATIONSHIP_MAX} (devoted), got {value}",
                        relationship_node,
                    )
                elif value is not None:
                    relationship = value
            in_circle = bool(optional(fields, "in_circle", reader.boolean, what, False))
            self.characters[ident] = Character(
                id=ident,
                name=name or ident,
                location=reader.source.location(key_node),
                meters=MappingProxyType(meters),
                relationship=relationship,
                in_circle=in_circle,
                description=description,
            )

    def read_time(self, reader: NodeReader, node: Node) -> None:
        fields = reader.mapping(node, "'time'", keys.TIME)
        if fields is None:
            return
        periods: tuple[str, ...] = DEFAULT_PERIODS
        if "periods" in fields:
            periods = self.read_periods(reader, fields["periods"][1]) or DEFAULT_PERIODS
        day_names = optional(fields, "day_names", reader.text_list, "'time'", ())
        start_day = optional(fields, "start_day", reader.positive_integer, "'time'", 1) or 1
        start_period = periods[0]
        if "start_period" in fields:
            what = "'start_period' of 'time'"
            start_period = (
                read_period(reader, fields["start_period"][1], what, periods) or start_period
            )
        self.clock = Clock(
            periods, day_names, start_day, start_period, reader.source.location(node)
        )

    def read_periods(self, reader: NodeReader, node: Node) -> tuple[str, ...]:
        items = reader.sequence(node, "'periods' of 'time'")
        if items is None:
            return ()
        if not items:
            reader.error(
                "GS013",
                "'periods' of 'time' is empty: list the periods of a day, such as"
                " [morning, afternoon, evening, night]",
                node,
            )
            return ()
        periods: list[str] = []
        for item in items:
            period = reader.identifier(item, "a period of 'time'")
            if period is None:
                continue
            if period in periods:
                reader.error("GS015", f"'time' lists the period '{period}' twice", item)
                continue
            periods.append(period)
        return tuple(periods)

    def read_renamed(self, reader: NodeReader, node: Node) -> None:
        for key_node, value_node in (reader.mapping(node, "'renamed'") or {}).values():
            old = reader.identifier(key_node, "a renamed id")
            new = reader.identifier(value_node, f"the new id of '{key_node.value}'")
            if old is None or new is None:
                continue
            self.renamed[old] = new
            self.renames.append(
                (
                    Pending(old, key_node, reader.source, "'renamed'"),
                    Pending(new, value_node, reader.source, "'renamed'"),
                )
            )

    def finish_tier_events(self, scope: Scope) -> None:
        """Put each tier's events, their effects now built, into its meter."""
        events: dict[str, dict[str, dict[str, TierEvent]]] = {}
        for meter_id, tier, which, event, effects in self.tier_events:
            if effects:
                event = replace(event, effects=self.finish_effects(effects, scope))
            events.setdefault(meter_id, {}).setdefault(tier, {})[which] = event
        for meter_id, by_tier in events.items():
            meter = self.meters.get(meter_id)
            if meter is None:
                continue
            tiers = tuple(
                replace(
                    tier,
                    on_enter=by_tier[tier.id].get("on_enter"),
                    on_leave=by_tier[tier.id].get("on_leave"),
                )
                if tier.id in by_tier
                else tier
                for tier in meter.tiers
            )
            self.meters[meter_id] = replace(meter, tiers=tiers)
