"""What the loader has read of a story so far, and what each declared name means in expressions."""

from __future__ import annotations

from types import MappingProxyType

from yaml.nodes import Node

from game.content import keys
from game.content.drafts import (
    EffectDraft,
    Goto,
    Pending,
    PendingExpression,
    Reason,
    SceneDraft,
    SceneRef,
)
from game.content.nodes import Fields, NodeReader
from game.content.yaml_source import SourceFile
from game.core.diagnostics import Diagnostics, SourceLocation
from game.core.expr_check import BOOL, INF, NUMBER, TEXT, CheckResult, NameInfo, Scope
from game.core.expressions import Code, ExpressionError
from game.core.story import (
    RELATIONSHIP_MAX,
    RELATIONSHIP_MIN,
    Character,
    Clock,
    Effect,
    Flag,
    Manifest,
    Meter,
    Rule,
    Scene,
    ScheduledEvent,
    TierEvent,
    Variable,
)

# What a name stands for in expressions (NameInfo.kind), beyond meter, flag and variable.
BUILT_IN = "built-in"
CHARACTER_METER = "character meter"
RELATIONSHIP = "relationship"
CIRCLE = "circle"  # mara.in_circle, mara.blocked: changed by befriend, unfriend and block
DECLARED_KINDS = frozenset({"meter", "flag", "variable"})
BOUNDED_KINDS = frozenset({"meter", CHARACTER_METER, RELATIONSHIP})


class StorySoFar:
    """The declarations, scenes and pending checks gathered from the files read so far."""

    def __init__(self) -> None:
        self.diagnostics = Diagnostics()
        self.manifest: Manifest | None = None
        self.start_node: tuple[SourceFile, Node] | None = None
        self.meters: dict[str, Meter] = {}
        self.flags: dict[str, Flag] = {}
        self.variables: dict[str, Variable] = {}
        # Scenes are built as they are read when everything they name is declared already (the
        # usual case: declarations sit in story.yaml, which is read first); the rest wait as
        # drafts for finish(). Building once instead of drafting saves a tenth of a big load.
        self.scenes: dict[str, Scene | SceneDraft] = {}
        self.gotos: list[Goto] = []
        self.dead_ends: list[str] = []
        self.pending: list[PendingExpression] = []
        # Memo of parse results by source: stories repeat conditions a great deal.
        self.parsed: dict[str, Code | ExpressionError] = {}
        self.checked: dict[str, CheckResult] = {}
        self.names_read: set[str] = set()
        # The runtime constructs. Most stories have few of each, so these are built in finish()
        # (effects of tier events and rules wait for every declaration) and cost nothing when
        # a story does not use them.
        self.clock = Clock()
        self.renamed: dict[str, str] = {}
        self.renames: list[tuple[Pending, Pending]] = []  # (old id, new id)
        self.characters: dict[str, Character] = {}
        self.character_meters: list[tuple[Pending, int, Node]] = []  # meter, start, value node
        self.character_refs: list[Pending] = []  # targets of befriend, unfriend and block
        self.rules: dict[str, tuple[Rule, list[Effect | EffectDraft]]] = {}
        self.rule_tags: list[Pending] = []
        self.schedule: list[ScheduledEvent] = []
        self.schedule_ids: dict[str, SourceLocation] = {}
        self.schedule_items = 0
        self.tier_events: list[tuple[str, str, str, TierEvent, list[Effect | EffectDraft]]] = []
        self.scene_refs: list[SceneRef] = []
        self.reasons: list[Reason] = []  # effects' reasons, checked in finish()
        self.storylet_limits: list[tuple[str, SourceFile, Node]] = []
        self.storylet_hubs: list[tuple[str, str]] = []  # (storylet scene, hub) as read

    def scene_ref(
        self, reader: NodeReader, fields: Fields, key: str, what: str, says: str, root: bool
    ) -> str | None:
        """The scene named under `key` (a goto, a hub), if any, noted to check once every scene
        is known; `says` continues the message: "goes to"."""
        if key not in fields:
            return None
        node = fields[key][1]
        target = reader.text(node, f"'{key}' of {what}")
        if target is not None:
            self.scene_refs.append(SceneRef(f"{what} {says}", target, node, reader.source, root))
        return target

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
            return NameInfo(RELATIONSHIP, NUMBER, RELATIONSHIP_MIN, RELATIONSHIP_MAX)
        if part in keys.CHARACTER_CIRCLE:
            return NameInfo(CIRCLE, BOOL)
        meter = self.meters.get(part)
        if meter is not None:
            return NameInfo(CHARACTER_METER, NUMBER, meter.min, meter.max)
        return None

    def built_in_info(self, name: str) -> NameInfo:
        if name in ("period", "day_name"):
            return NameInfo(BUILT_IN, TEXT)
        if name == "day":
            return NameInfo(BUILT_IN, NUMBER, self.clock.start_day, INF)
        if name == "circle_size":
            return NameInfo(BUILT_IN, NUMBER, 0, len(self.characters))
        return NameInfo(BUILT_IN, NUMBER, 0, INF)  # turn

    def scope(self) -> Scope:
        """Every name expressions may read, for checking them once all files are read."""
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
        # The texts the clock's names can hold: its periods always, its days' names when named
        # (without them a day is "Day 3").
        texts = {"period": self.clock.periods}
        if self.clock.day_names:
            texts["day_name"] = self.clock.day_names
        return Scope(
            MappingProxyType(names),
            frozenset(self.scenes),
            MappingProxyType(tiers),
            MappingProxyType(texts),
        )
