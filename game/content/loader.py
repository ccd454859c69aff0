"""Story folder -> validated, immutable Story, with every problem collected as a located diagnostic.

Files are read one at a time and their node trees dropped as soon as they are walked, so a large
story never holds more than one file's nodes. Checks that need the whole story (names declared
in another file, gotos, reachability) run once everything is read.

The builder is put together from one reader per part of the format (declarations.py, rules.py,
scenes.py, with effects.py and expression_reader.py beneath them), story_checks.py for the
whole-story checks, all sharing what story_so_far.py holds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from types import MappingProxyType

from yaml.nodes import MappingNode, Node, ScalarNode

from game.content import keys
from game.content.declarations import DeclarationReader
from game.content.files import STORY_FILE_NAME, LoadResult, StoryStats, story_files
from game.content.gc_pause import gc_paused
from game.content.nodes import Fields, NodeReader, describe, optional, plain_value
from game.content.rules import RuleReader
from game.content.scenes import SceneReader
from game.content.story_checks import StoryChecks
from game.content.yaml_source import SourceFile, read_story_file
from game.core.diagnostics import SourceLocation, did_you_mean
from game.core.story import Manifest, Scene, Story

__all__ = ["LoadResult", "load_story"]

_STORY_ID = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


def load_story(folder: Path) -> LoadResult:
    """Load and validate the story in `folder`. The Story is None when there are errors."""
    with gc_paused():
        return StoryBuilder(folder).build()


class StoryBuilder(DeclarationReader, RuleReader, SceneReader, StoryChecks):
    """Reads a story's files in order, then finishes what waited for all of them."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

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
        # In this order whatever the file's: declarations first, so that scenes find them.
        sections: tuple[tuple[str, Callable[[NodeReader, Node], None]], ...] = (
            ("meters", self.read_meters),
            ("flags", self.read_flags),
            ("variables", self.read_variables),
            ("characters", self.read_characters),
            ("scenes", self.read_scenes),
            ("rules", self.read_rules),
            ("schedule", self.read_schedule),
        )
        for key, read in sections:
            if key in fields:
                read(reader, fields[key][1])

    def read_manifest(self, reader: NodeReader, root: Node, fields: Fields) -> None:
        for key in sorted(keys.MANIFEST_REQUIRED - fields.keys()):
            reader.error("GS011", f"{STORY_FILE_NAME} needs '{key}'", root)

        def text(key: str, default: str | None = None) -> str | None:
            return optional(fields, key, reader.text, "the manifest", default)

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
        previews = "previews" in fields and bool(
            reader.boolean(fields["previews"][1], "'previews'")
        )
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
                previews=previews,
            )

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
        if self.reasons:
            self.check_reasons(scope)
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
