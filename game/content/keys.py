"""The keys each construct of the story format accepts: one table shared by loader, schema test and docs."""

from __future__ import annotations

from game.core.state import ENGINE_NAMES

MANIFEST_REQUIRED = frozenset({"id", "title", "version", "start"})
MANIFEST = MANIFEST_REQUIRED | {
    "authors",
    "language",
    "description",
    "estimated_minutes",
    "content_notes",
    "age_guidance",
    "previews",
    "renamed",
    "time",
}
DECLARATIONS = frozenset(
    {"meters", "flags", "variables", "scenes", "characters", "rules", "schedule"}
)
STORY_FILE = MANIFEST | DECLARATIONS
CHAPTER_FILE = DECLARATIONS

METER = frozenset(
    {"label", "min", "max", "start", "visible", "display", "tiers", "multipliers", "association"}
)
METER_DISPLAYS = ("number", "bar", "badge")
TIER_REQUIRED = frozenset({"id", "label", "min", "max"})
TIER = TIER_REQUIRED | {"privileges", "sanctions", "on_enter", "on_leave"}
# A tier event needs at least one of its keys.
TIER_EVENT = frozenset({"effects", "notify", "goto"})
MULTIPLIER_REQUIRED = frozenset({"if"})
MULTIPLIER = MULTIPLIER_REQUIRED | {"id", "gain", "loss"}
# A multiplier needs at least one of these.
MULTIPLIER_FACTORS = ("gain", "loss")

SCENE_REQUIRED = frozenset({"text"})
SCENE = SCENE_REQUIRED | {
    "title",
    "on_enter",
    "choices",
    "tags",
    "ending",
    "storylet",
    "storylets",
}
# A passage has exactly one of these.
PASSAGE_TEXTS = ("text", "one_of")
PASSAGE_REQUIRED: frozenset[str] = frozenset()
PASSAGE = frozenset(PASSAGE_TEXTS) | {"if", "else"}
ENDING_REQUIRED = frozenset({"title"})
ENDING = ENDING_REQUIRED | {"epithet"}
STORYLET_REQUIRED = frozenset({"hub", "text"})
STORYLET = STORYLET_REQUIRED | {"requires", "salience", "sticky"}

CHOICE_REQUIRED = frozenset({"text", "goto"})
CHOICE = CHOICE_REQUIRED | {"id", "if", "requires", "locked", "effects", "sticky", "tags"}

# Operations that map targets to values, then those that name one character, then `advance`.
VALUE_OPERATIONS = ("set", "add", "subtract", "%+", "%-")
CIRCLE_OPERATIONS = ("befriend", "unfriend", "block")
ADVANCE_UNITS = ("period", "day")
EFFECT_OPERATIONS = (*VALUE_OPERATIONS, *CIRCLE_OPERATIONS, "advance")
EFFECT = frozenset(EFFECT_OPERATIONS) | {"reason"}
# Fairmath percentages run from 0 to 100.
FAIRMATH_MIN = 0
FAIRMATH_MAX = 100

CHARACTER_REQUIRED = frozenset({"name"})
CHARACTER = CHARACTER_REQUIRED | {"description", "meters", "relationship", "in_circle"}
# What a character's dotted names offer besides the story's meters: `mara.relationship`.
CHARACTER_RELATIONSHIP = "relationship"
CHARACTER_CIRCLE = ("in_circle", "blocked")

# A rule has exactly one trigger.
RULE_TRIGGERS = ("on_tag", "every", "while")
RULE_REQUIRED = frozenset({"effects"})
RULE = RULE_REQUIRED | set(RULE_TRIGGERS) | {"if", "days", "reason", "notify", "directive"}
RULE_EVERY = ("turn", "day")

TIME = frozenset({"periods", "day_names", "start_day", "start_period"})
SCHEDULED_EVENT_REQUIRED = frozenset({"day", "goto"})
SCHEDULED_EVENT = SCHEDULED_EVENT_REQUIRED | {"id", "period", "if"}

# Names the engine keeps and expressions can read; no declaration may take them.
BUILT_INS = ENGINE_NAMES  # kept by the engine: game.core.state says what each means
