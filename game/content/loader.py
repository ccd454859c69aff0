"""Story folder -> validated, immutable Story, with every problem collected as a located diagnostic.

Files are read one at a time and their node trees dropped as soon as they are walked, so a large
story never holds more than one file's nodes. Checks that need the whole story (names declared
in another file, gotos, reachability) run once everything is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path
from types import MappingProxyType

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from game.content import keys
from game.content.files import STORY_FILE_NAME, LoadResult, StoryStats, story_files
from game.content.gc_pause import gc_paused
from game.content.nodes import NodeReader, Scalar, describe, plain_value
from game.content.yaml_source import PLAIN, SourceFile, read_story_file
from game.core.diagnostics import Diagnostics, SourceLocation, did_you_mean
from game.core.expr_check import (
    BOOL,
    INF,
    NUMBER,
    TEXT,
    CheckResult,
    NameInfo,
    Scope,
    check,
)
from game.core.expressions import Code, ExpressionError, names_in, parse
from game.core.story import (
    ADVANCE,
    CIRCLE_OPERATIONS,
    DEFAULT_PERIODS,
    FAIRMATH_OPERATIONS,
    RELATIONSHIP_MAX,
    RELATIONSHIP_MIN,
    RETURN,
    Character,
    Choice,
    Clock,
    Effect,
    Ending,
    Expression,
    Flag,
    Manifest,
    Meter,
    Multiplier,
    Passage,
    Rule,
    Scene,
    ScheduledEvent,
    Story,
    Storylet,
    Template,
    Tier,
    TierEvent,
    Variable,
)
from game.core.templates import split_template

_STORY_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

# What a name stands for in expressions (NameInfo.kind), beyond meter, flag and variable.
_BUILT_IN = "built-in"
_CHARACTER_METER = "character meter"
_RELATIONSHIP = "relationship"
_CIRCLE = "circle"  # mara.in_circle, mara.blocked: changed by befriend, unfriend and block
_DECLARED_KINDS = frozenset({"meter", "flag", "variable"})
_BOUNDED_KINDS = frozenset({"meter", _CHARACTER_METER, _RELATIONSHIP})
# The role of an expression that must be a number but is no effect's value (GS034, not GS042).
_NUMBER_SETTING = "number setting"
_NAMED_OPERATIONS = frozenset((*CIRCLE_OPERATIONS, ADVANCE))
_FAIRMATH = frozenset(FAIRMATH_OPERATIONS)


@dataclass(slots=True)
class _PendingExpression:
    """An expression parsed while its file was open, checked once every name is known."""

    expression: Expression
    source: SourceFile
    node: ScalarNode
    base: int  # offset of the expression inside the scalar's value
    role: str  # condition, interpolation, or a type name for effect values
    what: str


@dataclass(slots=True)
class _EffectDraft:
    op: str
    target: str
    target_node: Node
    value: Scalar
    value_node: ScalarNode
    source: SourceFile
    index: int
    list_what: str
    reason: Template | None = None

    @property
    def what(self) -> str:
        # Built only when a message needs it: most effects never produce one.
        return f"effect {self.index} of {self.list_what}"


@dataclass(slots=True)
class _ChoiceDraft:
    """A choice with an effect on a name no file read so far declares; built in finish()."""

    id: str
    text: Template
    goto: str | None
    goto_node: Node | None
    location: SourceLocation
    condition: Expression | None
    requires: Expression | None
    locked: Template | None
    effects: list[Effect | _EffectDraft]
    sticky: bool
    tags: tuple[str, ...]


@dataclass(slots=True)
class _SceneDraft:
    """A scene holding a choice or effect draft; built in finish()."""

    id: str
    location: SourceLocation
    passages: tuple[Passage, ...]
    title: str | None
    on_enter: list[Effect | _EffectDraft]
    choices: list[Choice | _ChoiceDraft]
    tags: tuple[str, ...]
    ending: Ending | None
    storylet: Storylet | None
    storylet_limit: int | None


@dataclass(slots=True)
class _Goto:
    """Where a choice leads, kept to check once every scene is known."""

    scene: str
    choice: str
    target: str
    node: Node
    source: SourceFile


@dataclass(slots=True)
class _SceneRef:
    """A scene named elsewhere than in a choice (a storylet's hub, the goto of a scheduled or a
    tier event), kept to check once every scene is known."""

    what: str  # the start of the message: "scheduled event 'inspection' goes to"
    target: str
    node: Node
    source: SourceFile
    root: bool  # play can be taken there without a choice leading to it


@dataclass(slots=True)
class _Pending:
    """Something named in one place and declared, perhaps, in a file not read yet."""

    name: str
    node: Node
    source: SourceFile
    what: str


def load_story(folder: Path) -> LoadResult:
    """Load and validate the story in `folder`. The Story is None when there are errors."""
    with gc_paused():
        return _StoryBuilder(folder).build()


class _StoryBuilder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.diagnostics = Diagnostics()
        self.manifest: Manifest | None = None
        self.start_node: tuple[SourceFile, Node] | None = None
        self.meters: dict[str, Meter] = {}
        self.flags: dict[str, Flag] = {}
        self.variables: dict[str, Variable] = {}
        # Scenes are built as they are read when everything they name is declared already (the
        # usual case: declarations sit in story.yaml, which is read first); the rest wait as
        # drafts for finish(). Building once instead of drafting saves a tenth of a big load.
        self.scenes: dict[str, Scene | _SceneDraft] = {}
        self.gotos: list[_Goto] = []
        self.dead_ends: list[str] = []
        self.pending: list[_PendingExpression] = []
        # Memo of parse results by source: stories repeat conditions a great deal.
        self.parsed: dict[str, Code | ExpressionError] = {}
        self.checked: dict[str, CheckResult] = {}
        self.names_read: set[str] = set()
        # The runtime constructs. Most stories have few of each, so these are built in finish()
        # (effects of tier events and rules wait for every declaration) and cost nothing when
        # a story does not use them.
        self.previews = False
        self.clock = Clock()
        self.renamed: dict[str, str] = {}
        self.renames: list[tuple[_Pending, _Pending]] = []  # (old id, new id)
        self.characters: dict[str, Character] = {}
        self.character_meters: list[tuple[_Pending, int, Node]] = []  # meter, start, value node
        self.character_refs: list[_Pending] = []  # targets of befriend, unfriend and block
        self.rules: dict[str, tuple[Rule, list[Effect | _EffectDraft]]] = {}
        self.rule_tags: list[_Pending] = []
        self.schedule: list[ScheduledEvent] = []
        self.schedule_ids: dict[str, SourceLocation] = {}
        self.schedule_items = 0
        self.tier_events: list[tuple[str, str, str, TierEvent, list[Effect | _EffectDraft]]] = []
        self.scene_refs: list[_SceneRef] = []
        self.storylet_limits: list[tuple[str, SourceFile, Node]] = []
        self.storylet_hubs: list[tuple[str, str]] = []  # (storylet scene, hub) as read

    # ----------------------------------------------------------------- files

    def build(self) -> LoadResult:
        manifest_path = self.folder / STORY_FILE_NAME
        if not self.folder.is_dir() or not manifest_path.is_file():
            what = "folder" if self.folder.is_dir() else "path"
            self.diagnostics.add(
                "GS008",
                f"this {what} has no {STORY_FILE_NAME}: a story is a folder with a {STORY_FILE_NAME}"
                " manifest",
                SourceLocation(str(self.folder), 1, 1),
            )
            return LoadResult(None, self.diagnostics.sorted())
        files = story_files(self.folder)
        for path in files:
            name = str(self.folder / path.relative_to(self.folder))
            read = read_story_file(path, name, self.diagnostics)
            if read is None:
                continue
            source, root = read
            self.read_file(source, root, is_manifest=path == manifest_path)
        story = self.finish()
        stats = StoryStats.of(story) if story is not None else None
        return LoadResult(story, self.diagnostics.sorted(), stats)

    def read_file(self, source: SourceFile, root: Node, is_manifest: bool) -> None:
        reader = NodeReader(source, self.diagnostics)
        if isinstance(root, ScalarNode) and root.value == "" and plain_value(root) is None:
            if is_manifest:
                reader.error(
                    "GS011",
                    f"{STORY_FILE_NAME} is empty: it needs id, title, version and start",
                    root,
                )
            return
        if not isinstance(root, MappingNode):
            reader.error(
                "GS006",
                f"the file must be a mapping of keys (scenes:, meters:, ...), got {describe(root)}",
                root,
            )
            return
        fields = reader.mapping(root, "the file", allowed=None)
        if fields is None:
            return
        for key, (key_node, _) in fields.items():
            if key in keys.DECLARATIONS:
                continue
            if key in keys.MANIFEST and not is_manifest:
                reader.error(
                    "GS016",
                    f"'{key}' belongs to the manifest: move it to {STORY_FILE_NAME}",
                    key_node,
                )
            elif key not in keys.MANIFEST:
                allowed = keys.STORY_FILE if is_manifest else keys.CHAPTER_FILE
                hint = did_you_mean(key, allowed) or "; top-level keys: " + ", ".join(
                    sorted(allowed)
                )
                reader.error("GS010", f"the file has no key '{key}'{hint}", key_node)
        if is_manifest:
            self.read_manifest(reader, root, fields)
        if "meters" in fields:
            self.read_meters(reader, fields["meters"][1])
        if "flags" in fields:
            self.read_flags(reader, fields["flags"][1])
        if "variables" in fields:
            self.read_variables(reader, fields["variables"][1])
        if "characters" in fields:
            self.read_characters(reader, fields["characters"][1])
        if "scenes" in fields:
            self.read_scenes(reader, fields["scenes"][1])
        if "rules" in fields:
            self.read_rules(reader, fields["rules"][1])
        if "schedule" in fields:
            self.read_schedule(reader, fields["schedule"][1])

    # -------------------------------------------------------------- manifest

    def read_manifest(
        self, reader: NodeReader, root: Node, fields: dict[str, tuple[Node, Node]]
    ) -> None:
        for key in sorted(keys.MANIFEST_REQUIRED - fields.keys()):
            reader.error("GS011", f"{STORY_FILE_NAME} needs '{key}'", root)

        def text(key: str, default: str | None = None) -> str | None:
            if key not in fields:
                return default
            return reader.text(fields[key][1], f"'{key}' of the manifest")

        story_id = text("id")
        if story_id is not None and not _STORY_ID.match(story_id):
            reader.error(
                "GS014",
                f"story id '{story_id}' is not valid: use lower-case letters, digits, '-' and '_'",
                fields["id"][1],
            )
            story_id = None
        title = text("title")
        if title is not None and not title.strip():
            reader.error("GS024", "the story's 'title' is empty", fields["title"][1])
            title = None
        version = text("version")
        start = text("start")
        if start is not None:
            self.start_node = (reader.source, fields["start"][1])
        # Every optional key is read (and so checked) even when a required one failed.
        language = text("language", "en")
        description = text("description", "")
        age_guidance = text("age_guidance")
        minutes: int | None = None
        if "estimated_minutes" in fields:
            minutes_node = fields["estimated_minutes"][1]
            minutes = reader.integer(minutes_node, "'estimated_minutes'")
            if minutes is not None and minutes < 1:
                reader.error(
                    "GS013", f"'estimated_minutes' must be at least 1, got {minutes}", minutes_node
                )
                minutes = None
        authors = reader.text_list(fields["authors"][1], "'authors'") if "authors" in fields else ()
        notes: tuple[str, ...] = ()
        if "content_notes" in fields:
            notes = reader.text_list(fields["content_notes"][1], "'content_notes'")
        if "previews" in fields:
            self.previews = bool(reader.boolean(fields["previews"][1], "'previews'"))
        if "time" in fields:
            self.read_time(reader, fields["time"][1])
        if "renamed" in fields:
            self.read_renamed(reader, fields["renamed"][1])
        if story_id and title is not None and version is not None and start is not None:
            self.manifest = Manifest(
                id=story_id,
                title=title,
                version=version,
                start=start,
                location=reader.source.location(root),
                authors=authors,
                language=language or "en",
                description=description or "",
                estimated_minutes=minutes,
                content_notes=notes,
                age_guidance=age_guidance,
                previews=self.previews,
            )

    def read_time(self, reader: NodeReader, node: Node) -> None:
        fields = reader.mapping(node, "'time'", keys.TIME)
        if fields is None:
            return
        periods: tuple[str, ...] = DEFAULT_PERIODS
        if "periods" in fields:
            periods = self.read_periods(reader, fields["periods"][1]) or DEFAULT_PERIODS
        day_names: tuple[str, ...] = ()
        if "day_names" in fields:
            day_names = reader.text_list(fields["day_names"][1], "'day_names' of 'time'")
        start_day = 1
        if "start_day" in fields:
            day_node = fields["start_day"][1]
            day = reader.integer(day_node, "'start_day' of 'time'")
            if day is not None and day < 1:
                reader.error(
                    "GS013", f"'start_day' of 'time' must be 1 or more, got {day}", day_node
                )
            elif day is not None:
                start_day = day
        start_period = periods[0]
        if "start_period" in fields:
            period_node = fields["start_period"][1]
            period = reader.text(period_node, "'start_period' of 'time'")
            if period is not None and period not in periods:
                reader.error(
                    "GS013",
                    f"'start_period' of 'time' is '{period}', which is not one of the periods"
                    f"{did_you_mean(period, periods)}: {', '.join(periods)}",
                    period_node,
                )
            elif period is not None:
                start_period = period
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
                    _Pending(old, key_node, reader.source, "'renamed'"),
                    _Pending(new, value_node, reader.source, "'renamed'"),
                )
            )

    # ---------------------------------------------------------- declarations

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
        entries = reader.mapping(node, "'meters'")
        for key, (key_node, value_node) in (entries or {}).items():
            ident = self.declare(reader, "meter", key_node)
            if ident is None:
                continue
            fields = reader.mapping(value_node, f"meter '{key}'", keys.METER)
            if fields is None:
                continue
            what = f"meter '{ident}'"

            def number(
                name: str,
                default: int | None,
                what: str = what,
                fields: dict[str, tuple[Node, Node]] = fields,
            ) -> int | None:
                if name not in fields:
                    return default
                return reader.integer(fields[name][1], f"'{name}' of {what}")

            # A meter with a broken bound is still declared (with bounds made usable), so that
            # its other fields are checked and its uses do not all report "unknown name".
            low = number("min", 0)
            high = number("max", 100)
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
            start = number("start", low)
            start = low if start is None else start
            if not low <= start <= high:
                reader.error(
                    "GS050",
                    f"{what} starts at {start}, outside its bounds {low}..{high}",
                    fields["start"][1],
                )
                start = min(max(start, low), high)
            label = (
                reader.text(fields["label"][1], f"'label' of {what}")
                if "label" in fields
                else ident.replace("_", " ").capitalize()
            )
            visible = (
                reader.boolean(fields["visible"][1], f"'visible' of {what}")
                if "visible" in fields
                else True
            )
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
            privileges = (
                reader.text_list(fields["privileges"][1], f"'privileges' of tier '{ident}'")
                if "privileges" in fields
                else ()
            )
            sanctions = (
                reader.text_list(fields["sanctions"][1], f"'sanctions' of tier '{ident}'")
                if "sanctions" in fields
                else ()
            )
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
        effects = (
            self.read_effects(reader, fields["effects"][1], f"'effects' of {what}")
            if "effects" in fields
            else []
        )
        notify = (
            self.template(reader, fields["notify"][1], f"'notify' of {what}", required=True)
            if "notify" in fields
            else None
        )
        goto = None
        if "goto" in fields:
            goto_node = fields["goto"][1]
            goto = reader.text(goto_node, f"'goto' of {what}")
            if goto is not None:
                self.scene_refs.append(
                    _SceneRef(f"{what} goes to", goto, goto_node, reader.source, True)
                )
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
            ident: str | None = f"multiplier{index}"
            if "id" in fields:
                ident = reader.identifier(fields["id"][1], f"id of {what}")
            if ident is not None and ident in seen:
                reader.error(
                    "GS015",
                    f"meter '{meter}' has two multipliers named '{ident}': give each its own id",
                    fields["id"][1] if "id" in fields else item,
                )
                ident = None
            if ident is not None:
                seen.add(ident)
            condition = (
                self.expression(reader, fields["if"][1], "condition", f"'if' of {what}")
                if "if" in fields
                else None
            )
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
        for key, (key_node, value_node) in (reader.mapping(node, "'flags'") or {}).items():
            ident = self.declare(reader, "flag", key_node)
            if ident is None:
                continue
            default = reader.boolean(value_node, f"the default of flag '{key}'")
            if default is not None:
                self.flags[ident] = Flag(ident, default, reader.source.location(key_node))

    def read_variables(self, reader: NodeReader, node: Node) -> None:
        for key, (key_node, value_node) in (reader.mapping(node, "'variables'") or {}).items():
            ident = self.declare(reader, "variable", key_node)
            if ident is None:
                continue
            value = reader.scalar(value_node, f"the default of variable '{key}'")
            if isinstance(value, bool) or value is None:
                if isinstance(value_node, ScalarNode):
                    reader.error(
                        "GS012",
                        f"the default of variable '{key}' must be a number or text, got {describe(value_node)}"
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
        for key, (key_node, value_node) in (reader.mapping(node, "'characters'") or {}).items():
            ident = self.declare(reader, "character", key_node)
            if ident is None:
                continue
            what = f"character '{ident}'"
            fields = reader.mapping(value_node, what, keys.CHARACTER, keys.CHARACTER_REQUIRED)
            if fields is None:
                fields = {}
            # A character with a broken field is still declared, so that `mara.standing` in
            # expressions does not also report an unknown name.
            name = None
            if "name" in fields:
                name = reader.text(fields["name"][1], f"'name' of {what}", allow_empty=False)
            description = ""
            if "description" in fields:
                description = (
                    reader.text(fields["description"][1], f"'description' of {what}") or ""
                )
            meters: dict[str, int] = {}
            if "meters" in fields:
                entries = reader.mapping(fields["meters"][1], f"'meters' of {what}") or {}
                for meter, (meter_node, start_node) in entries.items():
                    start = reader.integer(start_node, f"the start of '{meter}' for {what}")
                    if start is None:
                        continue
                    meters[meter] = start
                    pending = _Pending(meter, meter_node, reader.source, f"'meters' of {what}")
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
            in_circle = False
            if "in_circle" in fields:
                in_circle = bool(reader.boolean(fields["in_circle"][1], f"'in_circle' of {what}"))
            self.characters[ident] = Character(
                id=ident,
                name=name or key,
                location=reader.source.location(key_node),
                meters=MappingProxyType(meters),
                relationship=relationship,
                in_circle=in_circle,
                description=description,
            )

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
    ) -> tuple[Rule, list[Effect | _EffectDraft]] | None:
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
                self.rule_tags.append(_Pending(on_tag, tag_node, reader.source, what))
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
        while_ = (
            self.expression(reader, fields["while"][1], "condition", f"'while' of {what}")
            if "while" in fields
            else None
        )
        condition = (
            self.expression(reader, fields["if"][1], "condition", f"'if' of {what}")
            if "if" in fields
            else None
        )
        days = self.read_days(reader, fields["days"][1], what) if "days" in fields else ()
        effects: list[Effect | _EffectDraft] = []
        if "effects" in fields:
            effects_node = fields["effects"][1]
            effects = self.read_effects(reader, effects_node, f"'effects' of {what}")
            if isinstance(effects_node, SequenceNode) and not effects_node.value:
                reader.error(
                    "GS013",
                    f"'effects' of {what} is empty: a rule needs at least one effect",
                    effects_node,
                )
        texts: dict[str, Template | None] = {}
        for name in ("reason", "notify", "directive"):
            texts[name] = (
                self.template(reader, fields[name][1], f"'{name}' of {what}", required=True)
                if name in fields
                else None
            )
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
            reason=texts["reason"],
            notify=texts["notify"],
            directive=texts["directive"],
        )
        return rule, effects

    def read_days(self, reader: NodeReader, node: Node, what: str) -> tuple[int, ...]:
        days: list[int] = []
        for index, item in enumerate(reader.sequence(node, f"'days' of {what}") or (), 1):
            day = reader.integer(item, f"item {index} of 'days' of {what}")
            if day is not None and day < 1:
                reader.error(
                    "GS013",
                    f"item {index} of 'days' of {what} must be 1 or more (day 1 is the first),"
                    f" got {day}",
                    item,
                )
            elif day is not None:
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
            ident: str | None = f"event{index}"
            if "id" in fields:
                ident = reader.identifier(fields["id"][1], f"id of {what}")
                if ident is None:
                    continue
                what = f"scheduled event '{ident}'"
            assert ident is not None
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
                day_node = fields["day"][1]
                day = reader.integer(day_node, f"'day' of {what}")
                if day is not None and day < 1:
                    reader.error(
                        "GS013",
                        f"'day' of {what} must be 1 or more (day 1 is the first), got {day}",
                        day_node,
                    )
                    day = None
            period = None
            if "period" in fields:
                period_node = fields["period"][1]
                period = reader.text(period_node, f"'period' of {what}")
                periods = self.clock.periods
                if period is not None and period not in periods:
                    reader.error(
                        "GS013",
                        f"'period' of {what} is '{period}', which is not one of the periods"
                        f"{did_you_mean(period, periods)}: {', '.join(periods)}",
                        period_node,
                    )
                    period = None
            condition = (
                self.expression(reader, fields["if"][1], "condition", f"'if' of {what}")
                if "if" in fields
                else None
            )
            goto = None
            if "goto" in fields:
                goto_node = fields["goto"][1]
                goto = reader.text(goto_node, f"'goto' of {what}")
                if goto is not None:
                    self.scene_refs.append(
                        _SceneRef(f"{what} goes to", goto, goto_node, reader.source, True)
                    )
            if day is None or goto is None:
                continue
            self.schedule.append(ScheduledEvent(ident, day, goto, location, period, condition))

    # ---------------------------------------------------------------- scenes

    def read_scenes(self, reader: NodeReader, node: Node) -> None:
        for key_node, value_node in (reader.mapping(node, "'scenes'") or {}).values():
            ident = reader.identifier(key_node, "scene id")
            if ident is None:
                continue
            if ident in self.scenes:
                reader.error(
                    "GS015",
                    f"scene '{ident}' is already defined at {self.scenes[ident].location}: scene ids must be unique",
                    key_node,
                )
                continue
            draft = self.read_scene(reader, ident, key_node, value_node)
            if ident == RETURN:
                # Still read above, so that its own mistakes are reported too.
                reader.error(
                    "GS017",
                    f"'{RETURN}' is kept by the engine: a choice with 'goto: {RETURN}' resumes play"
                    " where an interruption took the player from. Give this scene another id",
                    key_node,
                )
            elif draft is not None:
                self.scenes[ident] = draft

    def read_scene(
        self, reader: NodeReader, ident: str, key_node: Node, node: Node
    ) -> Scene | _SceneDraft | None:
        what = f"scene '{ident}'"
        fields = reader.mapping(node, what, keys.SCENE, keys.SCENE_REQUIRED)
        if fields is None:
            return None
        location = reader.source.location(key_node)
        passages: tuple[Passage, ...] = ()
        if "text" in fields:
            passages = self.read_passages(reader, fields["text"][1], what)
        title = None
        if "title" in fields:
            title = reader.text(fields["title"][1], f"'title' of {what}", allow_empty=False)
        on_enter = (
            self.read_effects(reader, fields["on_enter"][1], f"'on_enter' of {what}")
            if "on_enter" in fields
            else []
        )
        tags = reader.text_list(fields["tags"][1], f"'tags' of {what}") if "tags" in fields else ()
        ending = self.read_ending(reader, fields["ending"][1], what) if "ending" in fields else None
        storylet = (
            self.read_storylet(reader, fields["storylet"][1], ident)
            if "storylet" in fields
            else None
        )
        storylet_limit = None
        if "storylets" in fields:
            limit_node = fields["storylets"][1]
            storylet_limit = reader.integer(limit_node, f"'storylets' of {what}")
            if storylet_limit is not None and storylet_limit < 1:
                reader.error(
                    "GS013",
                    f"'storylets' of {what} must be 1 or more (how many storylets the hub offers"
                    f" at once), got {storylet_limit}",
                    limit_node,
                )
                storylet_limit = None
            self.storylet_limits.append((ident, reader.source, fields["storylets"][0]))
        choices: list[Choice | _ChoiceDraft] = []
        if "choices" in fields:
            items = reader.sequence(fields["choices"][1], f"'choices' of {what}")
            ids: dict[str, Node] = {}
            for index, item in enumerate(items or [], 1):
                choice = self.read_choice(reader, item, index, ident)
                if choice is None:
                    continue
                if choice.id in ids:
                    reader.error(
                        "GS026",
                        f"{what} has two choices with id '{choice.id}': give each its own id",
                        item,
                    )
                    continue
                ids[choice.id] = item
                choices.append(choice)
            if ending is not None and items:
                reader.error(
                    "GS025",
                    f"{what} is an ending, so it cannot offer choices: remove 'choices' or 'ending'",
                    fields["choices"][0],
                )
        # A dead end is a scene that claims neither to end nor to go on. One whose ending or
        # choices are merely broken has already been reported for that.
        choices_node = fields["choices"][1] if "choices" in fields else None
        if "ending" not in fields and (
            choices_node is None
            or (isinstance(choices_node, SequenceNode) and not choices_node.value)
        ):
            self.dead_ends.append(ident)
        if all(type(c) is Choice for c in choices) and all(type(e) is Effect for e in on_enter):
            return Scene(
                id=ident,
                passages=passages,
                location=location,
                title=title,
                on_enter=tuple(on_enter),  # type: ignore[arg-type]
                choices=tuple(choices),  # type: ignore[arg-type]
                tags=tags,
                ending=ending,
                storylet=storylet,
                storylet_limit=storylet_limit,
            )
        return _SceneDraft(
            ident,
            location,
            passages,
            title,
            on_enter,
            choices,
            tags,
            ending,
            storylet,
            storylet_limit,
        )

    def read_storylet(self, reader: NodeReader, node: Node, scene: str) -> Storylet | None:
        what = f"the storylet of scene '{scene}'"
        fields = reader.mapping(node, what, keys.STORYLET, keys.STORYLET_REQUIRED)
        if fields is None:
            return None
        hub = None
        if "hub" in fields:
            hub_node = fields["hub"][1]
            hub = reader.text(hub_node, f"'hub' of {what}")
            if hub is not None:
                self.scene_refs.append(
                    _SceneRef(f"{what} is offered in hub", hub, hub_node, reader.source, False)
                )
                self.storylet_hubs.append((scene, hub))
        text = (
            self.template(reader, fields["text"][1], f"'text' of {what}", required=True)
            if "text" in fields
            else None
        )
        requires = (
            self.expression(reader, fields["requires"][1], "condition", f"'requires' of {what}")
            if "requires" in fields
            else None
        )
        salience = (
            self.expression(reader, fields["salience"][1], _NUMBER_SETTING, f"'salience' of {what}")
            if "salience" in fields
            else None
        )
        sticky = (
            reader.boolean(fields["sticky"][1], f"'sticky' of {what}")
            if "sticky" in fields
            else False
        )
        if hub is None or text is None:
            return None
        return Storylet(hub, text, reader.source.location(node), requires, salience, bool(sticky))

    def read_passages(self, reader: NodeReader, node: Node, what: str) -> tuple[Passage, ...]:
        if isinstance(node, ScalarNode):
            template = self.template(reader, node, f"text of {what}", required=True)
            return (Passage(template),) if template is not None else ()
        items = reader.sequence(node, f"text of {what}")
        if items is None:
            return ()
        if not items:
            reader.error("GS024", f"{what} has no text: write what the player reads", node)
            return ()
        passages = []
        for index, item in enumerate(items, 1):
            where = f"passage {index} of {what}"
            if isinstance(item, ScalarNode):
                template = self.template(reader, item, where, required=True)
                if template is not None:
                    passages.append(Passage(template))
                continue
            fields = reader.mapping(item, where, keys.PASSAGE, keys.PASSAGE_REQUIRED)
            if fields is None:
                continue
            variants: tuple[Template, ...] = ()
            if "one_of" in fields:
                if "text" in fields:
                    reader.error(
                        "GS019",
                        f"{where} has both 'text' and 'one_of': keep 'text' for one text, or"
                        " 'one_of' for variants to pick from",
                        fields["one_of"][0],
                    )
                    continue
                variants = self.read_variants(reader, fields["one_of"][1], where)
                if not variants:
                    continue
                text: Template | None = variants[0]
            elif "text" in fields:
                text = self.template(reader, fields["text"][1], f"text of {where}", required=True)
            else:
                reader.error("GS011", f"{where} needs 'text' (or 'one_of', for variants)", item)
                continue
            condition = (
                self.expression(reader, fields["if"][1], "condition", f"'if' of {where}")
                if "if" in fields
                else None
            )
            otherwise = (
                self.template(reader, fields["else"][1], f"'else' of {where}", required=True)
                if "else" in fields
                else None
            )
            if text is not None:
                passages.append(Passage(text, condition, otherwise, variants))
        return tuple(passages)

    def read_variants(self, reader: NodeReader, node: Node, where: str) -> tuple[Template, ...]:
        """The texts of a `one_of` passage; empty when any of them is broken."""
        what = f"'one_of' of {where}"
        items = reader.sequence(node, what)
        if items is None:
            return ()
        if len(items) < 2:
            reader.error(
                "GS013",
                f"{what} needs at least two variants to pick from; for one, write 'text'",
                node,
            )
        variants = [
            self.template(reader, item, f"variant {index} of {what}", required=True)
            for index, item in enumerate(items, 1)
        ]
        if len(items) < 2 or None in variants:
            return ()
        return tuple(variants)  # type: ignore[arg-type]

    def read_ending(self, reader: NodeReader, node: Node, what: str) -> Ending | None:
        location = reader.source.location(node)
        if isinstance(node, ScalarNode):
            title = reader.text(node, f"'ending' of {what}")
            if title is not None and not title.strip():
                reader.error("GS024", f"the ending of {what} needs a title", node)
                return None
            return Ending(title, location) if title is not None else None
        fields = reader.mapping(node, f"'ending' of {what}", keys.ENDING, keys.ENDING_REQUIRED)
        if fields is None or "title" not in fields:
            return None
        title = reader.text(
            fields["title"][1], f"the title of the ending of {what}", allow_empty=False
        )
        epithet = (
            reader.text(fields["epithet"][1], f"epithet of the ending of {what}")
            if "epithet" in fields
            else None
        )
        return Ending(title, location, epithet) if title is not None else None

    def read_choice(
        self, reader: NodeReader, node: Node, index: int, scene: str
    ) -> Choice | _ChoiceDraft | None:
        what = f"choice {index} of scene '{scene}'"
        fields = reader.mapping(node, what, keys.CHOICE, keys.CHOICE_REQUIRED)
        if fields is None:
            return None
        ident = f"c{index}"
        if "id" in fields:
            explicit = reader.identifier(fields["id"][1], f"id of {what}")
            if explicit is None:
                return None
            ident = explicit
        text = (
            self.template(reader, fields["text"][1], f"text of {what}", required=True)
            if "text" in fields
            else None
        )
        goto_node = fields["goto"][1] if "goto" in fields else None
        goto = reader.text(goto_node, f"'goto' of {what}") if goto_node is not None else None
        condition = (
            self.expression(reader, fields["if"][1], "condition", f"'if' of {what}")
            if "if" in fields
            else None
        )
        requires = (
            self.expression(reader, fields["requires"][1], "condition", f"'requires' of {what}")
            if "requires" in fields
            else None
        )
        locked = (
            self.template(reader, fields["locked"][1], f"'locked' of {what}", required=True)
            if "locked" in fields
            else None
        )
        if locked is not None and "requires" not in fields:
            reader.error(
                "GS027",
                f"{what} has a 'locked' reason but no 'requires', so it is never locked:"
                " add 'requires' or remove 'locked'",
                fields["locked"][0],
            )
        if "requires" in fields and "locked" not in fields:
            reader.error(
                "GS028",
                f"{what} can be locked but has no 'locked' reason: tell the player why in 'locked'",
                fields["requires"][0],
            )
        effects = (
            self.read_effects(reader, fields["effects"][1], f"'effects' of {what}")
            if "effects" in fields
            else []
        )
        sticky = (
            reader.boolean(fields["sticky"][1], f"'sticky' of {what}")
            if "sticky" in fields
            else False
        )
        tags = reader.text_list(fields["tags"][1], f"'tags' of {what}") if "tags" in fields else ()
        if text is None:
            return None
        if goto is not None and goto_node is not None:
            self.gotos.append(_Goto(scene, ident, goto, goto_node, reader.source))
        location = reader.source.location(node)
        if all(type(effect) is Effect for effect in effects):
            return Choice(
                id=ident,
                text=text,
                goto=goto or "",
                location=location,
                condition=condition,
                requires=requires,
                locked=locked,
                effects=tuple(effects),  # type: ignore[arg-type]
                sticky=bool(sticky),
                tags=tags,
            )
        return _ChoiceDraft(
            ident,
            text,
            goto,
            goto_node,
            location,
            condition,
            requires,
            locked,
            effects,
            bool(sticky),
            tags,
        )

    def read_effects(
        self, reader: NodeReader, node: Node, what: str
    ) -> list[Effect | _EffectDraft]:
        """Effects, built at once when their target is declared already, else as drafts."""
        items = reader.sequence(node, what)
        drafts: list[Effect | _EffectDraft] = []
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
                draft = _EffectDraft(
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
        self, reader: NodeReader, fields: dict[str, tuple[Node, Node]], item: Node, what: str
    ) -> tuple[bool, Template | None]:
        """Take an effect item's `reason` out of `fields`, leaving its one operation; whether the
        item is well formed, and the reason."""
        reason_node = fields.pop("reason")[1] if "reason" in fields else None
        if len(fields) != 1:
            operations = ", ".join(keys.EFFECT_OPERATIONS)
            if fields or reason_node is None:
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
        if reason_node is None:
            return True, None
        reason = self.template(reader, reason_node, f"'reason' of {what}", required=True)
        return reason is not None, reason

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
        self.character_refs.append(_Pending(character, node, reader.source, f"'{op}' in {what}"))
        return Effect(op, character, None, reader.source.location(node))

    # ------------------------------------------------------ text and expressions

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
        pending = _PendingExpression(expression, source_file, node, base, role, what)
        if scope is None:
            self.pending.append(pending)
        else:
            self.check_pending(pending, scope)
        return expression

    # ---------------------------------------------------------------- finish

    def name_info(self, name: str) -> NameInfo | None:
        """What a declared name stands for in expressions, or None if nothing declares it."""
        meter = self.meters.get(name)
        if meter is not None:
            return NameInfo("meter", NUMBER, meter.min, meter.max)
        if name in self.flags:
            return NameInfo("flag", BOOL)
        variable = self.variables.get(name)
        if variable is not None:
            return NameInfo("variable", TEXT if isinstance(variable.default, str) else NUMBER)
        if "." in name:
            return self.character_info(name)
        if name in keys.BUILT_INS:
            return self.built_in_info(name)
        return None

    def character_info(self, name: str) -> NameInfo | None:
        """`mara.standing`, `mara.relationship`, `mara.in_circle`, `mara.blocked`."""
        character, _, part = name.partition(".")
        if character not in self.characters:
            return None
        if part == keys.CHARACTER_RELATIONSHIP:
            return NameInfo(_RELATIONSHIP, NUMBER, RELATIONSHIP_MIN, RELATIONSHIP_MAX)
        if part in keys.CHARACTER_CIRCLE:
            return NameInfo(_CIRCLE, BOOL)
        meter = self.meters.get(part)
        if meter is not None:
            return NameInfo(_CHARACTER_METER, NUMBER, meter.min, meter.max)
        return None

    def built_in_info(self, name: str) -> NameInfo:
        if name in ("period", "day_name"):
            return NameInfo(_BUILT_IN, TEXT)
        if name == "day":
            return NameInfo(_BUILT_IN, NUMBER, self.clock.start_day, INF)
        if name == "circle_size":
            return NameInfo(_BUILT_IN, NUMBER, 0, len(self.characters))
        return NameInfo(_BUILT_IN, NUMBER, 0, INF)  # turn

    def scope(self) -> Scope:
        names = {
            name: info
            for table in (self.meters, self.flags, self.variables)
            for name in table
            if (info := self.name_info(name)) is not None
        }
        for name in keys.BUILT_INS:
            names[name] = self.built_in_info(name)
        parts = (*self.meters, keys.CHARACTER_RELATIONSHIP, *keys.CHARACTER_CIRCLE)
        for character in self.characters:
            for part in parts:
                dotted = f"{character}.{part}"
                info = self.character_info(dotted)
                if info is not None:
                    names[dotted] = info
        tiers = {m.id: frozenset(t.id for t in m.tiers) for m in self.meters.values() if m.tiers}
        return Scope(MappingProxyType(names), frozenset(self.scenes), MappingProxyType(tiers))

    def finish(self) -> Story | None:
        scope = self.scope()
        for pending in self.pending:
            self.check_pending(pending, scope)
        scenes = {
            ident: scene if isinstance(scene, Scene) else self.finish_scene(scene, scope)
            for ident, scene in self.scenes.items()
        }
        if self.tier_events:
            self.finish_tier_events(scope)
        rules = tuple(
            replace(rule, effects=self.finish_effects(effects, scope))
            for rule, effects in self.rules.values()
        )
        if self.characters or self.character_refs:
            self.check_characters()
        if self.rule_tags:
            self.check_rule_tags(scenes)
        if self.renames:
            self.check_renames(scenes)
        hubs = self.check_graph(scenes)
        self.check_unused()
        if self.diagnostics.has_errors or self.manifest is None:
            return None
        return Story(
            manifest=self.manifest,
            meters=MappingProxyType(self.meters),
            flags=MappingProxyType(self.flags),
            variables=MappingProxyType(self.variables),
            scenes=MappingProxyType(scenes),
            characters=MappingProxyType(self.characters),
            rules=rules,
            clock=self.clock,
            schedule=tuple(self.schedule),
            renamed=MappingProxyType(self.renamed),
            hubs=MappingProxyType(hubs),
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

    def check_characters(self) -> None:
        for pending, start, start_node in self.character_meters:
            meter = self.meters.get(pending.name)
            if meter is None:
                self.diagnostics.add(
                    "GS010",
                    f"{pending.what} names '{pending.name}', which is not a meter"
                    f"{did_you_mean(pending.name, self.meters)}: a character has the story's"
                    " meters",
                    pending.source.location(pending.node),
                )
            elif not meter.min <= start <= meter.max:
                self.diagnostics.add(
                    "GS050",
                    f"{pending.what} starts '{meter.id}' at {start}, outside meter '{meter.id}''s"
                    f" bounds {meter.min}..{meter.max}",
                    pending.source.location(start_node),
                )
        for pending in self.character_refs:
            if pending.name not in self.characters:
                self.diagnostics.add(
                    "GS040",
                    f"{pending.what} names '{pending.name}', which is not a character"
                    f"{did_you_mean(pending.name, self.characters)}: declare it under characters",
                    pending.source.location(pending.node),
                )
        if self.characters:
            for part in (keys.CHARACTER_RELATIONSHIP, *keys.CHARACTER_CIRCLE):
                if part in self.meters:
                    character = next(iter(self.characters))
                    self.diagnostics.add(
                        "GS017",
                        f"a meter cannot be called '{part}' in a story with characters:"
                        f" '{character}.{part}' already means the character's {part.replace('_', ' ')};"
                        " choose another id",
                        self.meters[part].location,
                    )

    def check_rule_tags(self, scenes: dict[str, Scene]) -> None:
        tags = {tag for scene in scenes.values() for choice in scene.choices for tag in choice.tags}
        for pending in self.rule_tags:
            if pending.name not in tags:
                self.diagnostics.add(
                    "GS060",
                    f"'on_tag' of {pending.what} is '{pending.name}', but no choice carries that"
                    f" tag{did_you_mean(pending.name, tags)}, so the rule never applies",
                    pending.source.location(pending.node),
                )

    def check_renames(self, scenes: dict[str, Scene]) -> None:
        known = set(scenes).union(self.meters, self.flags, self.variables, self.characters)
        for old, new in self.renames:
            if old.name in known:
                self.diagnostics.add(
                    "GS018",
                    f"'renamed' lists '{old.name}', which is still an id in this story: list only"
                    " ids that earlier versions used and this one no longer does",
                    old.source.location(old.node),
                )
            elif new.name not in known:
                self.diagnostics.add(
                    "GS018",
                    f"'renamed' maps '{old.name}' to '{new.name}', which is not a scene, meter,"
                    f" flag, variable or character{did_you_mean(new.name, known)}: old saves that"
                    f" name '{old.name}' would have nowhere to go",
                    new.source.location(new.node),
                )

    def check_pending(self, pending: _PendingExpression, scope: Scope) -> None:
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
        elif pending.role == _NUMBER_SETTING and result.type != NUMBER:
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

    def finish_scene(self, draft: _SceneDraft, scope: Scope) -> Scene:
        choices = tuple(
            c
            if isinstance(c, Choice)
            else Choice(
                id=c.id,
                text=c.text,
                goto=c.goto or "",
                location=c.location,
                condition=c.condition,
                requires=c.requires,
                locked=c.locked,
                effects=self.finish_effects(c.effects, scope),
                sticky=c.sticky,
                tags=c.tags,
            )
            for c in draft.choices
        )
        return Scene(
            id=draft.id,
            passages=draft.passages,
            location=draft.location,
            title=draft.title,
            on_enter=self.finish_effects(draft.on_enter, scope),
            choices=choices,
            tags=draft.tags,
            ending=draft.ending,
            storylet=draft.storylet,
            storylet_limit=draft.storylet_limit,
        )

    def finish_effects(
        self, items: list[Effect | _EffectDraft], scope: Scope
    ) -> tuple[Effect, ...]:
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

    def unknown_target(self, item: _EffectDraft, scope: Scope) -> str:
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

    def fits_target(self, draft: _EffectDraft, info: NameInfo) -> bool:
        """Whether an effect may change its target (GS045) and, for fairmath, whether its target
        is a meter or a relationship (GS042); each problem is reported."""
        target = draft.target
        if draft.op in _FAIRMATH:
            if info.kind in _BOUNDED_KINDS:
                return True
            if info.kind in _DECLARED_KINDS:
                held = {NUMBER: "a number", BOOL: "true or false"}.get(info.type, "text")
                self.diagnostics.add(
                    "GS042",
                    f"{draft.what}: '{draft.op}' (fairmath) moves a meter or a relationship part of"
                    f" the way to its bound, but {info.kind} '{target}' holds {held}"
                    + (": use add or subtract" if info.type == NUMBER else ": use 'set'"),
                    draft.source.location(draft.target_node),
                )
                return False
        if info.kind == _BUILT_IN:
            hint = ": no effect can change it"
            if target in ("day", "period", "day_name"):
                hint = ": to move the clock on, write 'advance: period' or 'advance: day'"
            message = (
                f"{draft.what} changes '{target}', but the engine keeps '{target}'"
                f" ({keys.BUILT_INS[target]}){hint}"
            )
        elif info.kind == _CIRCLE:
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
        self, draft: _EffectDraft, info: NameInfo, scope: Scope | None
    ) -> Effect | None:
        """The effect `draft` describes, on a declared target. Its expressions are checked now
        when `scope` is given, or with every other expression once all files are read."""
        source = draft.source
        op = draft.op
        if info.kind not in _DECLARED_KINDS or op in _FAIRMATH:  # the usual effect skips this
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
                info.kind in _BOUNDED_KINDS
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

    def report_out_of_bounds(self, draft: _EffectDraft, info: NameInfo) -> None:
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
        self, draft: _EffectDraft, info: NameInfo, scope: Scope | None
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

    def check_graph(self, scenes: dict[str, Scene]) -> dict[str, tuple[str, ...]]:
        """Check every reference to a scene and what play can reach; return the story's hubs."""
        for goto in self.gotos:
            if goto.target not in scenes and goto.target != RETURN:
                self.diagnostics.add(
                    "GS021",
                    f"choice '{goto.choice}' of scene '{goto.scene}' goes to '{goto.target}',"
                    f" which is not a scene{did_you_mean(goto.target, scenes)}",
                    goto.source.location(goto.node),
                )
        roots: list[str] = []
        for ref in self.scene_refs:
            if ref.target in scenes:
                if ref.root:
                    roots.append(ref.target)
                continue
            if ref.target == RETURN:
                problem = (
                    f"'{RETURN}', which only a choice can go to (it resumes play where an"
                    " interruption took the player from): name a scene"
                )
            else:
                problem = f"'{ref.target}', which is not a scene{did_you_mean(ref.target, scenes)}"
            self.diagnostics.add("GS021", f"{ref.what} {problem}", ref.source.location(ref.node))
        # Hubs as the storylets name them, even a storylet broken otherwise: its mistake is
        # reported once, not again as an unreachable scene.
        hubs: dict[str, list[str]] = {}
        for scene_id, hub in self.storylet_hubs:
            if scene_id in scenes:
                hubs.setdefault(hub, []).append(scene_id)
        for ident, source, key_node in self.storylet_limits:
            if ident in scenes and ident not in hubs:
                self.diagnostics.add(
                    "GS029",
                    f"scene '{ident}' sets 'storylets', but no storylet names it as its hub:"
                    f" add 'storylet: {{hub: {ident}, ...}}' to the scenes it offers, or remove"
                    " 'storylets'",
                    source.location(key_node),
                )
        start = self.manifest.start if self.manifest else None
        if self.start_node is not None and start is not None and start not in scenes:
            source, node = self.start_node
            self.diagnostics.add(
                "GS020",
                f"the story starts at '{start}', which is not a scene{did_you_mean(start, scenes)}",
                source.location(node),
            )
        for scene_id in self.dead_ends:
            if scene_id in scenes:
                self.diagnostics.add(
                    "GS022",
                    f"scene '{scene_id}' is a dead end: it is not an ending and offers no choices."
                    " Add choices, or mark it with 'ending:'",
                    scenes[scene_id].location,
                )
        if start in scenes:
            # Scheduled events and tier events can take play to their scenes at any time.
            reached = {start, *roots}
            frontier = list(reached)
            while frontier:
                scene = scenes[frontier.pop()]
                for choice in scene.choices:
                    if choice.goto in scenes and choice.goto not in reached:
                        reached.add(choice.goto)
                        frontier.append(choice.goto)
                if hubs and scene.id in hubs:
                    for offered in hubs[scene.id]:
                        if offered not in reached:
                            reached.add(offered)
                            frontier.append(offered)
            for scene in scenes.values():
                if scene.id not in reached:
                    self.diagnostics.add(
                        "GS023",
                        f"no path from the start '{start}' reaches scene '{scene.id}': add a choice"
                        " that goes to it, or remove it",
                        scene.location,
                    )
        return {hub: tuple(offered) for hub, offered in hubs.items()}

    def check_unused(self) -> None:
        # A meter read only as a character's (`mara.standing`) counts as read.
        if self.characters:
            self.names_read.update(
                [name.partition(".")[2] for name in self.names_read if "." in name]
            )
        for kind, table in (
            ("meter", self.meters),
            ("flag", self.flags),
            ("variable", self.variables),
        ):
            for ident, item in table.items():
                if ident in self.names_read:
                    continue
                if kind == "meter" and self.meters[ident].visible:
                    continue  # players read visible meters on screen
                self.diagnostics.add(
                    "GS054",
                    f"{kind} '{ident}' is never read by any condition or text: use it or remove it",
                    item.location,
                )
