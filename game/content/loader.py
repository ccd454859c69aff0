"""Story folder -> validated, immutable Story, with every problem collected as a located diagnostic.

Files are read one at a time and their node trees dropped as soon as they are walked, so a large
story never holds more than one file's nodes. Checks that need the whole story (names declared
in another file, gotos, reachability) run once everything is read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from game.content import keys
from game.content.files import STORY_FILE_NAME, LoadResult, StoryStats, story_files
from game.content.gc_pause import gc_paused
from game.content.nodes import NodeReader, Scalar, describe, plain_value
from game.content.yaml_source import PLAIN, SourceFile, read_story_file
from game.core.diagnostics import Diagnostics, SourceLocation, did_you_mean
from game.core.expr_check import BOOL, NUMBER, TEXT, CheckResult, NameInfo, Scope, check
from game.core.expressions import Code, ExpressionError, names_in, parse
from game.core.story import (
    Choice,
    Effect,
    Ending,
    Expression,
    Flag,
    Manifest,
    Meter,
    Passage,
    Scene,
    Story,
    Template,
    Tier,
    Variable,
)
from game.core.templates import split_template

_STORY_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


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


@dataclass(slots=True)
class _Goto:
    """Where a choice leads, kept to check once every scene is known."""

    scene: str
    choice: str
    target: str
    node: Node
    source: SourceFile


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
        if "scenes" in fields:
            self.read_scenes(reader, fields["scenes"][1])

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
        notes = ()
        if "content_notes" in fields:
            notes = reader.text_list(fields["content_notes"][1], "'content_notes'")
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
            )

    # ---------------------------------------------------------- declarations

    def declare(self, reader: NodeReader, kind: str, key_node: Node) -> str | None:
        ident = reader.identifier(key_node, f"{kind} id")
        if ident is None:
            return None
        for other_kind, table in (
            ("meter", self.meters),
            ("flag", self.flags),
            ("variable", self.variables),
        ):
            if ident in table:
                first = table[ident].location  # type: ignore[attr-defined]
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
            if draft is not None:
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
            )
        return _SceneDraft(ident, location, passages, title, on_enter, choices, tags, ending)

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
            if fields is None or "text" not in fields:
                continue
            text = self.template(reader, fields["text"][1], f"text of {where}", required=True)
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
                passages.append(Passage(text, condition, otherwise))
        return tuple(passages)

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
            if len(fields) != 1:
                found = ", ".join(fields) or "none"
                reader.error(
                    "GS041",
                    f"effect {index} of {what} must have exactly one of set, add, subtract;"
                    f" found: {found}. Write each operation as its own list item",
                    item,
                )
                continue
            ((op, (_, targets_node)),) = fields.items()
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
                    op, target, target_node, value, value_node, source, index, what
                )
                info = self.name_info(target)
                if info is None:
                    drafts.append(draft)
                    continue
                effect = self.finish_effect(draft, info, None)
                if effect is not None:
                    drafts.append(effect)
        return drafts

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
        return None

    def scope(self) -> Scope:
        names = {
            name: info
            for table in (self.meters, self.flags, self.variables)
            for name in table
            if (info := self.name_info(name)) is not None
        }
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
        self.check_graph(scenes)
        self.check_unused()
        if self.diagnostics.has_errors or self.manifest is None:
            return None
        return Story(
            manifest=self.manifest,
            meters=MappingProxyType(self.meters),
            flags=MappingProxyType(self.flags),
            variables=MappingProxyType(self.variables),
            scenes=MappingProxyType(scenes),
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
                    f"{item.what} changes '{item.target}', which is not a declared meter, flag or"
                    f" variable{did_you_mean(item.target, scope.names)}: declare it under meters,"
                    " flags or variables",
                    item.source.location(item.target_node),
                )
                continue
            effect = self.finish_effect(item, info, scope)
            if effect is not None:
                effects.append(effect)
        return tuple(effects)

    def finish_effect(
        self, draft: _EffectDraft, info: NameInfo, scope: Scope | None
    ) -> Effect | None:
        """The effect `draft` describes, on a declared target. Its expressions are checked now
        when `scope` is given, or with every other expression once all files are read."""
        source = draft.source
        if draft.op != "set" and info.type != NUMBER:
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
        if info.kind == "meter" and draft.op == "set":
            meter = self.meters[draft.target]
            if isinstance(value, int | float) and not meter.min <= value <= meter.max:
                self.diagnostics.add(
                    "GS043",
                    f"the value for '{draft.target}' in {draft.what}: {node.value} is outside"
                    f" meter '{meter.id}''s bounds {meter.min}..{meter.max}; it will be clamped",
                    source.location(node),
                )
        return Effect(draft.op, draft.target, expression, effect_location)

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
        return Effect(draft.op, draft.target, computed, source.location(draft.target_node))

    def check_graph(self, scenes: dict[str, Scene]) -> None:
        for goto in self.gotos:
            if goto.target not in scenes:
                self.diagnostics.add(
                    "GS021",
                    f"choice '{goto.choice}' of scene '{goto.scene}' goes to '{goto.target}',"
                    f" which is not a scene{did_you_mean(goto.target, scenes)}",
                    goto.source.location(goto.node),
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
            reached = {start}
            frontier = [start]
            while frontier:
                scene = scenes[frontier.pop()]
                for choice in scene.choices:
                    if choice.goto in scenes and choice.goto not in reached:
                        reached.add(choice.goto)
                        frontier.append(choice.goto)
            for scene in scenes.values():
                if scene.id not in reached:
                    self.diagnostics.add(
                        "GS023",
                        f"no path from the start '{start}' reaches scene '{scene.id}': add a choice"
                        " that goes to it, or remove it",
                        scene.location,
                    )

    def check_unused(self) -> None:
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
                    item.location,  # type: ignore[attr-defined]
                )
