"""docs/story.schema.json: a valid schema, in step with game/content/keys.py, true to stories."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft7Validator, Draft202012Validator

from game.content import keys
from game.core.story import DEFAULT_PERIODS, RELATIONSHIP_MAX, RELATIONSHIP_MIN

ROOT = Path(__file__).resolve().parents[1]
SCHEMA_PATH = ROOT / "docs" / "story.schema.json"
STORY_DIR = ROOT / "story"
# Every file the loader reads: *.yaml anywhere under story/, hidden folders skipped.
STORY_FILES = sorted(
    path
    for path in STORY_DIR.rglob("*.yaml")
    if not any(part.startswith(".") for part in path.relative_to(STORY_DIR).parts)
)

SCHEMA: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
DEFS: dict[str, Any] = SCHEMA["$defs"]
VALIDATOR = Draft202012Validator(SCHEMA)
# Older yaml-language-server releases and some IDEs validate with draft 7 rules.
DRAFT_7 = Draft7Validator(SCHEMA)
NEWER_THAN_DRAFT_7 = {
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$recursiveAnchor",
    "$recursiveRef",
    "$vocabulary",
    "dependentRequired",
    "dependentSchemas",
    "maxContains",
    "minContains",
    "prefixItems",
    "unevaluatedItems",
    "unevaluatedProperties",
}
ID = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def error_report(document: Any) -> list[str]:
    return [f"{error.json_path}: {error.message}" for error in VALIDATOR.iter_errors(document)]


def error_paths(document: Any) -> set[str]:
    """Where errors are, including inside oneOf branches (editors show the closest branch)."""
    paths = set()
    pending = list(VALIDATOR.iter_errors(document))
    while pending:
        error = pending.pop()
        paths.add(error.json_path)
        pending.extend(error.context or ())
    return paths


def walk(node: Any) -> Iterator[Any]:
    """Every dict and list inside the schema, the schema included."""
    yield node
    children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else ()
    for child in children:
        yield from walk(child)


# A story.yaml that uses every construct, and a chapter file that declares and continues it.
VALID_STORY = yaml.safe_load(
    """
id: good-standing
title: Good Standing
version: "1.0"
start: front_steps
authors: [A. Writer]
language: en
description: A short story about a library.
estimated_minutes: 15
content_notes: [surveillance]
age_guidance: "12+"
previews: true
renamed:
  porch: front_steps
time:
  periods: [morning, evening]
  day_names: [Monday, Tuesday]
  start_day: 1
  start_period: morning
meters:
  standing:
    label: Standing
    min: 0
    max: 1000
    start: 640
    visible: true
    display: badge
    association: 0.1
    multipliers:
      - {id: after_fine, if: fines > 0, loss: 2}
      - {if: has_card, gain: 1.5, loss: 0.5}
    tiers:
      - id: trusted
        label: Trusted
        min: 600
        max: 1000
        privileges: [green_channel]
        on_leave: {notify: "You are no longer trusted."}
      - id: listed
        label: Listed
        min: 0
        max: 599
        sanctions: [listed, greyed]
        on_enter:
          effects:
            - add: {fines: 1}
              reason: listed
          notify: "Train booking declined: standing below {600}"
          goto: summons
characters:
  mara:
    name: Mara Voss
    description: The neighbour.
    meters: {standing: 720}
    relationship: 40
    in_circle: true
rules:
  noise_fine:
    on_tag: report
    if: standing > 100
    days: [2, 4]
    effects:
      - add: {standing: -40}
    reason: reporting
    notify: "Fined for {turn}"
    directive: Report nobody today.
  daily:
    every: day
    effects:
      - "%-": {standing: 5}
  drag:
    while: standing < 300
    effects:
      - subtract: {mara.relationship: 1}
schedule:
  - {id: inspection, day: 2, period: morning, goto: summons, if: mara.in_circle}
  - {day: 3, goto: summons}
flags:
  has_card: false
variables:
  fines: 0
  rate: 2.5
  nickname: friend
scenes:
  front_steps:
    title: The front steps
    text: |
      The library smells of rain and toner.

      Your fines come to {fines} coins.
    on_enter:
      - add: {fines: 1}
    tags: [calm]
    choices:
      - text: Go inside
        goto: hall
      - id: pay
        text: Pay your fines
        goto: hall
        if: fines > 0
        requires: standing >= 600
        locked: "Payment declined: Standing below 600"
        effects:
          - subtract: {standing: 40, fines: "fines * 2"}
          - set: {has_card: true, nickname: "Reader {fines}"}
          - "%+": {mara.relationship: 20, standing: "fines"}
          - add: {mara.standing: -10}
            reason: a fine for Mara
          - befriend: mara
          - unfriend: mara
          - block: mara
          - advance: period
        sticky: true
        tags: [report]
  hall:
    text:
      - The desk clerk looks up.
      - if: has_card
        text: She nods at the card in your hand.
        else: She looks at your empty hands.
      - one_of: [The clock ticks., The clock has stopped.]
    storylets: 2
    choices:
      - {text: Go home, goto: home_again}
      - {text: Give up, goto: gave_up, if: true}
  summons:
    text: You are summoned.
    choices:
      - {text: Back, goto: return}
  reading_room:
    text: A quiet room.
    storylet:
      hub: hall
      text: Read for a while
      requires: has_card
      salience: "3 + fines"
      sticky: true
    choices:
      - {text: Back, goto: hall}
  home_again:
    text: You walk home with a book under your arm.
    ending:
      title: The Reader
      epithet: the Patient
  gave_up:
    text: You leave.
    ending: The Quitter
"""
)

VALID_CHAPTER = yaml.safe_load(
    """
flags:
  met_clerk: false
scenes:
  cellar:
    text: It is dark.
    choices:
      - text: Go back up
        goto: hall
        effects:
          - set: {met_clerk: true}
"""
)


# --------------------------------------------------------------------- the schema itself


def test_schema_is_a_valid_draft_2020_12_schema() -> None:
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    Draft202012Validator.check_schema(SCHEMA)


def test_schema_keeps_to_keywords_draft_7_editors_understand() -> None:
    Draft7Validator.check_schema(SCHEMA)
    used = {key for node in walk(SCHEMA) if isinstance(node, dict) for key in node}
    assert not used & NEWER_THAN_DRAFT_7


def test_every_ref_points_to_a_definition() -> None:
    refs = {node["$ref"] for node in walk(SCHEMA) if isinstance(node, dict) and "$ref" in node}
    assert refs, "the schema should share its definitions through $ref"
    for ref in refs:
        assert ref.startswith("#/$defs/") and ref.removeprefix("#/$defs/") in DEFS, ref


def test_every_property_and_definition_has_hover_text() -> None:
    undescribed = [
        name
        for node in walk(SCHEMA)
        if isinstance(node, dict)
        for name, sub in node.get("properties", {}).items()
        if isinstance(sub, dict) and not sub.get("description")
    ]
    undescribed += [f"$defs/{name}" for name, sub in DEFS.items() if not sub.get("description")]
    assert not undescribed
    assert SCHEMA.get("description")


# ------------------------------------------------------- schema and loader cannot drift


def properties_of(name: str) -> set[str]:
    return set(DEFS[name]["properties"])


def required_of(name: str) -> set[str]:
    return set(DEFS[name].get("required", ()))


def test_top_level_keys_are_the_story_file_keys() -> None:
    assert set(SCHEMA["properties"]) == keys.STORY_FILE
    assert SCHEMA["additionalProperties"] is False


def test_top_level_requires_nothing_so_chapter_files_validate() -> None:
    assert "required" not in SCHEMA
    assert error_report(VALID_CHAPTER) == []


def test_any_manifest_key_requires_the_whole_required_manifest() -> None:
    triggers = {key for branch in SCHEMA["if"]["anyOf"] for key in branch["required"]}
    assert triggers == keys.MANIFEST
    assert set(SCHEMA["then"]["required"]) == keys.MANIFEST_REQUIRED


@pytest.mark.parametrize(
    ("definition", "accepted", "required"),
    [
        pytest.param("meter", keys.METER, frozenset(), id="meter"),
        pytest.param("tier", keys.TIER, keys.TIER_REQUIRED, id="tier"),
        pytest.param("scene", keys.SCENE, keys.SCENE_REQUIRED, id="scene"),
        pytest.param("choice", keys.CHOICE, keys.CHOICE_REQUIRED, id="choice"),
        pytest.param("passage", keys.PASSAGE, keys.PASSAGE_REQUIRED, id="passage"),
        pytest.param("ending_details", keys.ENDING, keys.ENDING_REQUIRED, id="ending"),
        pytest.param("tier_event", keys.TIER_EVENT, frozenset(), id="tier_event"),
        pytest.param("multiplier", keys.MULTIPLIER, keys.MULTIPLIER_REQUIRED, id="multiplier"),
        pytest.param("storylet", keys.STORYLET, keys.STORYLET_REQUIRED, id="storylet"),
        pytest.param("character", keys.CHARACTER, keys.CHARACTER_REQUIRED, id="character"),
        pytest.param("rule", keys.RULE, keys.RULE_REQUIRED, id="rule"),
        pytest.param("time", keys.TIME, frozenset(), id="time"),
        pytest.param(
            "scheduled_event", keys.SCHEDULED_EVENT, keys.SCHEDULED_EVENT_REQUIRED, id="schedule"
        ),
    ],
)
def test_construct_keys_and_required_keys_match_the_loader(
    definition: str, accepted: frozenset[str], required: frozenset[str]
) -> None:
    assert properties_of(definition) == accepted
    assert required_of(definition) == required
    assert DEFS[definition]["additionalProperties"] is False


def test_effect_operations_match_the_loader_and_exactly_one_is_required() -> None:
    effect = DEFS["effect"]
    operations = set(keys.EFFECT_OPERATIONS)
    assert set(effect["properties"]) == keys.EFFECT == operations | {"reason"}
    assert effect["additionalProperties"] is False
    assert effect["maxProperties"] == 2  # one operation and its reason
    assert sorted(tuple(branch["required"]) for branch in effect["oneOf"]) == sorted(
        (op,) for op in operations
    )


def test_exactly_one_of_the_alternatives_is_required() -> None:
    for definition, alternatives in (
        ("passage", keys.PASSAGE_TEXTS),
        ("rule", keys.RULE_TRIGGERS),
    ):
        branches = sorted(tuple(branch["required"]) for branch in DEFS[definition]["oneOf"])
        assert branches == sorted((key,) for key in alternatives), definition
    branches = sorted(tuple(branch["required"]) for branch in DEFS["multiplier"]["anyOf"])
    assert branches == sorted((key,) for key in keys.MULTIPLIER_FACTORS)


def test_enumerations_match_the_loader() -> None:
    assert DEFS["effect"]["properties"]["advance"]["enum"] == list(keys.ADVANCE_UNITS)
    assert DEFS["rule"]["properties"]["every"]["enum"] == list(keys.RULE_EVERY)
    assert DEFS["time"]["properties"]["periods"]["default"] == list(DEFAULT_PERIODS)
    character = DEFS["character"]["properties"]["relationship"]
    assert (character["minimum"], character["maximum"]) == (RELATIONSHIP_MIN, RELATIONSHIP_MAX)
    percentage = DEFS["percentages"]["additionalProperties"]
    assert (percentage["minimum"], percentage["maximum"]) == (keys.FAIRMATH_MIN, keys.FAIRMATH_MAX)


def test_meter_displays_match_the_loader() -> None:
    assert DEFS["meter"]["properties"]["display"]["enum"] == list(keys.METER_DISPLAYS)


# ------------------------------------------------------------------- documents


@pytest.mark.parametrize(
    "path", STORY_FILES, ids=[path.relative_to(ROOT).as_posix() for path in STORY_FILES]
)
def test_story_file_matches_the_schema(path: Path) -> None:
    # yaml.safe_load reads YAML 1.1 (`yes` is true) where the loader reads 1.2; stories avoid both.
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert error_report(document) == []


def test_complete_story_file_example_matches_the_schema() -> None:
    assert error_report(VALID_STORY) == []
    assert DRAFT_7.is_valid(VALID_STORY)
    assert DRAFT_7.is_valid(VALID_CHAPTER)


DELETE = object()


def edited(document: dict[str, Any], path: tuple[str | int, ...], value: object) -> Any:
    """A copy of `document` with the value at `path` replaced (or removed, for DELETE)."""
    result = copy.deepcopy(document)
    parent = result
    for step in path[:-1]:
        parent = parent[step]
    if value is DELETE:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return result


CHOICE_0 = ("scenes", "front_steps", "choices", 0)
PAY = ("scenes", "front_steps", "choices", 1)
PAY_EFFECT = (*PAY, "effects", 0)


@pytest.mark.parametrize(
    ("path", "value", "error_at"),
    [
        pytest.param(("chapters",), [], "$", id="unknown-top-level-key"),
        pytest.param(("scenes", "hall", "choises"), [], "$.scenes.hall", id="misspelt-scene-key"),
        pytest.param(
            (*CHOICE_0, "go_to"), "hall", "$.scenes.front_steps.choices[0]", id="unknown-choice-key"
        ),
        pytest.param(
            ("meters", "standing", "colour"), "red", "$.meters.standing", id="unknown-meter-key"
        ),
        pytest.param(
            ("scenes", "hall", "text", 1, "elif"),
            "x",
            "$.scenes.hall.text[1]",
            id="unknown-passage-key",
        ),
        pytest.param(("version",), 1.0, "$.version", id="unquoted-version-is-a-number"),
        pytest.param(
            ("estimated_minutes",), 0, "$.estimated_minutes", id="estimated-minutes-below-one"
        ),
        pytest.param(("id",), "Good Standing", "$.id", id="story-id-with-capitals-and-space"),
        pytest.param(("start",), DELETE, "$", id="manifest-without-start"),
        pytest.param(
            ("meters", "standing", "max"), 99.5, "$.meters.standing.max", id="meter-bound-not-whole"
        ),
        pytest.param(
            ("meters", "standing", "display"),
            "gauge",
            "$.meters.standing.display",
            id="unknown-meter-display",
        ),
        pytest.param(
            ("meters", "standing", "tiers", 0, "max"),
            DELETE,
            "$.meters.standing.tiers[0]",
            id="tier-without-max",
        ),
        pytest.param(
            ("flags", "has_card"), "no", "$.flags.has_card", id="flag-default-not-boolean"
        ),
        pytest.param(
            ("variables", "fines"), True, "$.variables.fines", id="variable-default-boolean"
        ),
        pytest.param(
            ("scenes", "front steps"),
            {"text": "x", "ending": "y"},
            "$.scenes",
            id="scene-id-with-space",
        ),
        pytest.param(
            (*CHOICE_0, "goto"), DELETE, "$.scenes.front_steps.choices[0]", id="choice-without-goto"
        ),
        pytest.param(
            (*CHOICE_0, "sticky"),
            "yes",
            "$.scenes.front_steps.choices[0].sticky",
            id="sticky-not-boolean",
        ),
        pytest.param(
            ("scenes", "hall", "choices"),
            DELETE,
            "$.scenes.hall",
            id="dead-end-scene-without-choices-or-ending",
        ),
        pytest.param(
            ("scenes", "gave_up", "choices"),
            [{"text": "Again", "goto": "hall"}],
            "$.scenes.gave_up.choices",
            id="ending-scene-with-choices",
        ),
        pytest.param(
            ("scenes", "home_again", "ending", "title"),
            DELETE,
            "$.scenes.home_again.ending",
            id="ending-without-title",
        ),
        pytest.param(
            PAY_EFFECT,
            {"add": {"standing": 1}, "set": {"has_card": True}},
            "$.scenes.front_steps.choices[1].effects[0]",
            id="effect-with-two-operations",
        ),
        pytest.param(
            PAY_EFFECT,
            {"multiply": {"standing": 2}},
            "$.scenes.front_steps.choices[1].effects[0]",
            id="effect-unknown-operation",
        ),
        pytest.param(
            PAY_EFFECT,
            {"add": {"standing": True}},
            "$.scenes.front_steps.choices[1].effects[0].add.standing",
            id="add-true-false",
        ),
        pytest.param(
            PAY_EFFECT,
            {"set": {"standing": [1, 2]}},
            "$.scenes.front_steps.choices[1].effects[0].set.standing",
            id="effect-value-a-list",
        ),
        pytest.param(
            PAY_EFFECT,
            {"set": {}},
            "$.scenes.front_steps.choices[1].effects[0].set",
            id="effect-without-targets",
        ),
        pytest.param(
            PAY_EFFECT,
            {"reason": "why"},
            "$.scenes.front_steps.choices[1].effects[0]",
            id="reason-without-operation",
        ),
        pytest.param(
            PAY_EFFECT,
            {"%+": {"standing": 120}},
            "$.scenes.front_steps.choices[1].effects[0]['%+'].standing",
            id="fairmath-above-100",
        ),
        pytest.param(
            PAY_EFFECT,
            {"advance": "week"},
            "$.scenes.front_steps.choices[1].effects[0].advance",
            id="advance-a-week",
        ),
        pytest.param(
            PAY_EFFECT,
            {"befriend": ["mara"]},
            "$.scenes.front_steps.choices[1].effects[0].befriend",
            id="befriend-a-list",
        ),
        pytest.param(
            ("scenes", "hall", "text", 2, "text"),
            "Both",
            "$.scenes.hall.text[2]",
            id="passage-with-text-and-one-of",
        ),
        pytest.param(
            ("scenes", "hall", "text", 2, "one_of"),
            ["Only one"],
            "$.scenes.hall.text[2].one_of",
            id="one-of-with-one-variant",
        ),
        pytest.param(
            ("scenes", "hall", "storylets"), 0, "$.scenes.hall.storylets", id="storylet-limit-zero"
        ),
        pytest.param(
            ("scenes", "reading_room", "storylet", "hub"),
            DELETE,
            "$.scenes.reading_room.storylet",
            id="storylet-without-hub",
        ),
        pytest.param(
            ("rules", "daily", "on_tag"), "report", "$.rules.daily", id="rule-with-two-triggers"
        ),
        pytest.param(
            ("rules", "daily", "every"), DELETE, "$.rules.daily", id="rule-without-trigger"
        ),
        pytest.param(
            ("rules", "drag", "if"), "standing > 5", "$.rules.drag", id="while-rule-with-if"
        ),
        pytest.param(
            ("rules", "daily", "every"), "week", "$.rules.daily.every", id="rule-every-week"
        ),
        pytest.param(
            ("rules", "daily", "effects"), [], "$.rules.daily.effects", id="rule-without-effects"
        ),
        pytest.param(
            ("characters", "mara", "name"), DELETE, "$.characters.mara", id="character-without-name"
        ),
        pytest.param(
            ("characters", "mara", "relationship"),
            200,
            "$.characters.mara.relationship",
            id="relationship-above-100",
        ),
        pytest.param(
            ("meters", "standing", "association"),
            0,
            "$.meters.standing.association",
            id="association-zero",
        ),
        pytest.param(
            ("meters", "standing", "multipliers", 0, "loss"),
            DELETE,
            "$.meters.standing.multipliers[0]",
            id="multiplier-without-factor",
        ),
        pytest.param(
            ("meters", "standing", "tiers", 0, "on_leave"),
            {},
            "$.meters.standing.tiers[0].on_leave",
            id="empty-tier-event",
        ),
        pytest.param(("time", "periods"), [], "$.time.periods", id="no-periods"),
        pytest.param(("time", "start_day"), 0, "$.time.start_day", id="start-day-zero"),
        pytest.param(
            ("schedule", 1, "goto"), DELETE, "$.schedule[1]", id="scheduled-event-without-goto"
        ),
        pytest.param(("previews",), "yes", "$.previews", id="previews-not-boolean"),
    ],
)
def test_one_mistake_in_a_valid_story_is_reported_where_it_is(
    path: tuple[str | int, ...], value: object, error_at: str
) -> None:
    document = edited(VALID_STORY, path, value)
    assert error_at in error_paths(document), error_report(document)
    assert not DRAFT_7.is_valid(document)


@given(st.text(min_size=1).filter(lambda key: key not in keys.STORY_FILE))
def test_any_other_top_level_key_is_rejected(key: str) -> None:
    assert error_paths({**VALID_CHAPTER, key: {}})


@given(st.from_regex(ID, fullmatch=True))
def test_any_id_names_a_scene(scene_id: str) -> None:
    document = edited(VALID_CHAPTER, ("scenes", scene_id), {"text": "x", "ending": "y"})
    assert error_report(document) == []


# Python's `$` also matches before a final newline, so jsonschema (unlike editors) would accept
# "id\n"; YAML keys never end in a newline unless quoted that way, so those are left out.
@given(st.text().filter(lambda key: not ID.fullmatch(key.removesuffix("\n"))))
def test_any_non_id_is_rejected_as_a_scene_id(scene_id: str) -> None:
    document = edited(VALID_CHAPTER, ("scenes", scene_id), {"text": "x", "ending": "y"})
    assert "$.scenes" in error_paths(document)
