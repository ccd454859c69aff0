"""The keys each construct of the story format accepts: one table shared by loader, schema test and docs."""

from __future__ import annotations

MANIFEST_REQUIRED = frozenset({"id", "title", "version", "start"})
MANIFEST = MANIFEST_REQUIRED | {
    "authors",
    "language",
    "description",
    "estimated_minutes",
    "content_notes",
    "age_guidance",
}
DECLARATIONS = frozenset({"meters", "flags", "variables", "scenes"})
STORY_FILE = MANIFEST | DECLARATIONS
CHAPTER_FILE = DECLARATIONS

METER = frozenset({"label", "min", "max", "start", "visible", "display", "tiers"})
METER_DISPLAYS = ("number", "bar", "badge")
TIER_REQUIRED = frozenset({"id", "label", "min", "max"})
TIER = TIER_REQUIRED | {"privileges", "sanctions"}

SCENE_REQUIRED = frozenset({"text"})
SCENE = SCENE_REQUIRED | {"title", "on_enter", "choices", "tags", "ending"}
PASSAGE_REQUIRED = frozenset({"text"})
PASSAGE = PASSAGE_REQUIRED | {"if", "else"}
ENDING_REQUIRED = frozenset({"title"})
ENDING = ENDING_REQUIRED | {"epithet"}

CHOICE_REQUIRED = frozenset({"text", "goto"})
CHOICE = CHOICE_REQUIRED | {"id", "if", "requires", "locked", "effects", "sticky", "tags"}

EFFECT_OPERATIONS = ("set", "add", "subtract")
EFFECT = frozenset(EFFECT_OPERATIONS)
