"""game/core/story_json.py: a compiled Story to and from plain JSON data."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from types import MappingProxyType
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.core.diagnostics import Diagnostic, Severity, SourceLocation
from game.core.expressions import parse
from game.core.story import (
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
from game.core.story_json import (
    LazyScenes,
    diagnostics_from_json,
    diagnostics_to_json,
    encode_story,
    story_from_encoded_scenes,
    story_from_json,
    story_to_json,
)

DOCUMENTED_ERRORS = (KeyError, IndexError, TypeError, ValueError)

MAIN = "story/demo/story.yaml"
CHAPTER = "story/demo/chapters/one.yaml"


def at(line: int, column: int = 1, file: str = MAIN) -> SourceLocation:
    return SourceLocation(file, line, column)


def expr(source: str, line: int, file: str = MAIN) -> Expression:
    return Expression(source, parse(source), at(line, 5, file))


def build_story() -> Story:
    """A small story that uses every construct the model has."""
    tiers = (
        Tier(
            "high",
            "High",
            60,
            100,
            at(10),
            privileges=("fast_lane", "badge"),
            on_leave=TierEvent(at(10, 9), notify=Template(("Down you go",), at(10, 20))),
        ),
        Tier("mid", "Middling", 30, 59, at(11)),
        Tier(
            "low",
            "Low",
            0,
            29,
            at(12),
            sanctions=("greyed",),
            on_enter=TierEvent(
                at(12, 9),
                effects=(
                    Effect(
                        "add",
                        "fines",
                        expr("2", 12),
                        at(12, 12),
                        reason=Template(("listed at ", expr("standing", 12)), at(12, 14)),
                    ),
                ),
                notify=Template(("Listed.",), at(12, 30)),
                goto="hall",
            ),
        ),
    )
    multipliers = (
        Multiplier("after_fine", expr("fines > 0", 13), at(13, 3), loss=2.0),
        Multiplier("multiplier2", expr("has_card", 13), at(13, 9), gain=1.5, loss=0.5),
    )
    meters = {
        "standing": Meter(
            "standing", "Standing", 0, 100, 50, at(8), True, "badge", tiers, multipliers, 0.1
        ),
        "kindness": Meter("kindness", "Kindness", -5, 10, 0, at(14), False, "bar"),
        "plain": Meter("plain", "plain", 0, 100, 0, at(16)),
    }
    flags = {
        "has_card": Flag("has_card", False, at(18)),
        "greeted": Flag("greeted", True, at(19, 3, CHAPTER)),
    }
    variables = {
        "fines": Variable("fines", 0, at(21)),
        "rate": Variable("rate", 2.5, at(22)),
        "whole_float": Variable("whole_float", 3.0, at(23)),
        "nickname": Variable("nickname", "friend", at(24)),
    }
    start = Scene(
        id="front_steps",
        title="The front steps",
        location=at(30),
        passages=(
            Passage(Template(("The library smells of rain.",), at(31))),
            Passage(
                Template(("Your fines come to ", expr("fines * 2", 32), " coins."), at(32)),
                condition=expr("fines > 0 and not has_card", 33),
                otherwise=Template(("You owe nothing, ", expr("nickname", 34), "."), at(34)),
            ),
            Passage(Template(("Unicode: caf\u00e9 \u2014 \U0001f4da", '"quoted"'), at(35))),
            Passage(
                Template(("Late.",), at(35, 9)),
                condition=expr("day > 1", 35),
                otherwise=Template(("Morning.",), at(35, 30)),
                one_of=(
                    Template(("Late.",), at(35, 9)),
                    Template(("Early, ", expr("period", 35), "."), at(35, 17)),
                ),
            ),
        ),
        on_enter=(
            Effect("add", "kindness", expr("1", 36), at(36)),
            Effect(
                "set", "nickname", Template(("Reader ", expr("visited(hall)", 37)), at(37)), at(37)
            ),
            Effect(
                "%+", "mara.relationship", expr("20", 38), at(38), Template(("kind",), at(38, 9))
            ),
            Effect("%-", "standing", expr("fines * 2", 38), at(38, 20)),
            Effect("befriend", "mara", None, at(39)),
            Effect("unfriend", "mara", None, at(39, 9), Template(("rude",), at(39, 20))),
            Effect("block", "mara", None, at(39, 30)),
            Effect("advance", "period", None, at(39, 40)),
            Effect("advance", "day", None, at(39, 50)),
        ),
        choices=(
            Choice(
                id="go_in",
                text=Template(("Go inside",), at(40)),
                goto="hall",
                location=at(40),
                condition=expr('tier(standing) != "low" or visited(hall) > 0', 41),
                requires=expr("standing >= 30", 42),
                locked=Template(("Standing below 30 (", expr("standing", 43), ")"), at(43)),
                effects=(
                    Effect("subtract", "standing", expr("min(standing, 5) + abs(-2)", 44), at(44)),
                    Effect("set", "has_card", expr("true", 45), at(45)),
                    Effect("set", "rate", expr("round(rate * 1.5) / 2 % 7", 46), at(46)),
                ),
                sticky=True,
                tags=("dissent", "report"),
            ),
            Choice("c2", Template(("Leave",), at(47)), "walk_home", at(47)),
        ),
        tags=("calm", "outside"),
    )
    hall = Scene(
        id="hall",
        location=at(2, 1, CHAPTER),
        passages=(Passage(Template(("A hall.",), at(3, 3, CHAPTER))),),
        choices=(Choice("c1", Template(("Back",), at(4, 3, CHAPTER)), "front_steps", at(4)),),
        storylet_limit=2,
    )
    reading_room = Scene(
        id="reading_room",
        location=at(5, 1, CHAPTER),
        passages=(Passage(Template(("Quiet.",), at(6, 3, CHAPTER))),),
        choices=(Choice("c1", Template(("Back",), at(7, 3, CHAPTER)), "return", at(7)),),
        storylet=Storylet(
            hub="hall",
            text=Template(("Read a while",), at(8, 3, CHAPTER)),
            location=at(8, 1, CHAPTER),
            requires=expr("has_card", 9, CHAPTER),
            salience=expr("3 + fines", 10, CHAPTER),
            sticky=True,
        ),
    )
    nap = Scene(
        id="nap",
        location=at(11, 1, CHAPTER),
        passages=(Passage(Template(("Zzz.",), at(12, 3, CHAPTER))),),
        choices=(Choice("c1", Template(("Up",), at(13, 3, CHAPTER)), "return", at(13)),),
        storylet=Storylet("hall", Template(("Nap",), at(14, 3, CHAPTER)), at(14, 1, CHAPTER)),
    )
    walk_home = Scene(
        id="walk_home",
        location=at(50),
        passages=(Passage(Template(("You walk home.",), at(51))),),
        ending=Ending("The Reader", at(52), epithet="the Patient"),
    )
    give_up = Scene(
        id="give_up",
        location=at(55),
        passages=(Passage(Template(("You stop.",), at(56))),),
        ending=Ending("The Quitter", at(57)),
    )
    manifest = Manifest(
        id="demo-story",
        title="Demo",
        version="1.0",
        start="front_steps",
        location=at(1),
        authors=("A. Author", "B. Writer"),
        language="en",
        description="A story for tests.",
        estimated_minutes=5,
        content_notes=("rain",),
        age_guidance="12+",
        previews=True,
    )
    characters = {
        "mara": Character(
            "mara",
            "Mara Voss",
            at(60),
            MappingProxyType({"standing": 72, "kindness": -2}),
            relationship=-40,
            in_circle=True,
            description="A neighbour.",
        ),
        "jon": Character("jon", "Jon", at(61, 3, CHAPTER)),
    }
    rules = (
        Rule(
            "smoking_fine",
            at(70),
            (Effect("add", "standing", expr("-4", 71), at(71), Template(("fine",), at(71, 9))),),
            on_tag="smoking",
            condition=expr("standing > 10", 72),
            reason=Template(("smoking on a train",), at(73)),
            notify=Template(("Fined on turn ", expr("turn", 74)), at(74)),
        ),
        Rule(
            "daily",
            at(75),
            (Effect("%-", "standing", expr("5", 76), at(76)),),
            every="day",
            days=(2, 4),
            directive=Template(("Praise the tram.",), at(77)),
        ),
        Rule(
            "drag",
            at(78),
            (Effect("subtract", "mara.relationship", expr("1", 79), at(79)),),
            while_=expr("standing < 30 and mara.in_circle", 80),
        ),
    )
    clock = Clock(("morning", "evening"), ("Monday", "Tuesday"), 2, "evening", at(81))
    schedule = (
        ScheduledEvent("inspection", 4, "hall", at(82), "morning", expr("mara.blocked", 82)),
        ScheduledEvent("event2", 5, "walk_home", at(83, 3, CHAPTER)),
    )
    scenes = (start, hall, reading_room, nap, walk_home, give_up)
    return Story(
        manifest=manifest,
        meters=MappingProxyType(meters),
        flags=MappingProxyType(flags),
        variables=MappingProxyType(variables),
        scenes=MappingProxyType({s.id: s for s in scenes}),
        characters=MappingProxyType(characters),
        rules=rules,
        clock=clock,
        schedule=schedule,
        renamed=MappingProxyType({"porch": "front_steps", "grace": "kindness"}),
        hubs=MappingProxyType({"hall": ("reading_room", "nap")}),
    )


STORY = build_story()
ENCODED_TEXT = json.dumps(story_to_json(STORY))


def via_json(story: Story) -> Story:
    return story_from_json(json.loads(json.dumps(story_to_json(story))))


# Round trip


def test_round_trip_through_json_text_equals_the_original() -> None:
    assert via_json(STORY) == STORY


def test_round_trip_without_text_equals_the_original() -> None:
    assert story_from_json(story_to_json(STORY)) == STORY


def test_round_trip_of_a_minimal_story() -> None:
    scene = Scene("only", (Passage(Template(("x",), at(2))),), at(1), ending=Ending("E", at(3)))
    story = Story(
        Manifest("m", "M", "1", "only", at(1)),
        MappingProxyType({}),
        MappingProxyType({}),
        MappingProxyType({}),
        MappingProxyType({"only": scene}),
    )
    rebuilt = via_json(story)
    assert rebuilt == story
    assert rebuilt.manifest.estimated_minutes is None
    assert rebuilt.manifest.age_guidance is None


def test_round_trip_is_stable() -> None:
    assert json.dumps(story_to_json(via_json(STORY))) == ENCODED_TEXT


def test_round_trip_keeps_value_types() -> None:
    rebuilt = via_json(STORY)
    assert type(rebuilt.variables["fines"].default) is int
    assert type(rebuilt.variables["rate"].default) is float
    assert type(rebuilt.variables["whole_float"].default) is float
    assert type(rebuilt.variables["nickname"].default) is str
    assert rebuilt.flags["has_card"].default is False
    assert rebuilt.flags["greeted"].default is True
    assert rebuilt.scenes["front_steps"].choices[0].sticky is True


def test_round_trip_rebuilds_tuples_not_lists() -> None:
    rebuilt = via_json(STORY)
    scene = rebuilt.scenes["front_steps"]
    assert isinstance(scene.tags, tuple)
    assert isinstance(scene.passages, tuple)
    assert isinstance(scene.choices[0].tags, tuple)
    assert isinstance(scene.choices[0].effects, tuple)
    assert isinstance(rebuilt.manifest.authors, tuple)
    assert isinstance(rebuilt.meters["standing"].tiers[0].privileges, tuple)
    code = scene.choices[0].condition.code  # type: ignore[union-attr]
    assert isinstance(code, tuple)
    hash(code)


def test_round_trip_keeps_scene_and_mapping_order() -> None:
    rebuilt = via_json(STORY)
    assert list(rebuilt.scenes) == list(STORY.scenes)
    assert list(rebuilt.meters) == list(STORY.meters)
    assert list(rebuilt.variables) == list(STORY.variables)


def test_round_trip_keeps_locations_in_both_files() -> None:
    rebuilt = via_json(STORY)
    assert rebuilt.scenes["hall"].location == SourceLocation(CHAPTER, 2, 1)
    assert rebuilt.flags["greeted"].location == SourceLocation(CHAPTER, 19, 3)
    assert rebuilt.manifest.location == SourceLocation(MAIN, 1, 1)


def test_round_trip_expressions_still_evaluate() -> None:
    class Env:
        def value(self, name: str) -> Any:
            return {"fines": 3, "nickname": "Ash", "has_card": False}[name]

        def visits(self, scene: str) -> int:
            return 0

        def tier(self, meter: str) -> str:
            return "mid"

    passage = via_json(STORY).scenes["front_steps"].passages[1]
    assert passage.condition is not None
    assert passage.condition.evaluate(Env()) is True
    assert passage.text.render(Env()) == "Your fines come to 6 coins."


def test_encoded_form_names_each_file_once() -> None:
    data = story_to_json(STORY)
    assert sorted(data["files"]) == sorted([MAIN, CHAPTER])


def test_encoded_form_is_plain_json() -> None:
    data = json.loads(ENCODED_TEXT)
    assert set(data) >= {"manifest", "meters", "flags", "variables", "scenes", "files"}


def test_decoded_locations_are_shared() -> None:
    rebuilt = via_json(STORY)
    choice = rebuilt.scenes["front_steps"].choices[0]
    assert choice.location is choice.text.location


def test_decoded_mappings_are_read_only() -> None:
    rebuilt = via_json(STORY)
    with pytest.raises(TypeError):
        rebuilt.scenes["new"] = rebuilt.scenes["hall"]  # type: ignore[index]


# Split encoding with lazily decoded scenes


def encode_split(story: Story) -> tuple[Any, list[bytes]]:
    meta, scenes = encode_story(story)
    return json.loads(json.dumps(meta)), [json.dumps(scene).encode() for scene in scenes]


def test_encoded_scenes_round_trip_equals_the_original() -> None:
    meta, scenes = encode_split(STORY)
    rebuilt = story_from_encoded_scenes(meta, scenes)
    assert isinstance(rebuilt.scenes, LazyScenes)
    assert rebuilt == STORY
    assert list(rebuilt.scenes) == list(STORY.scenes)


def test_encoded_scenes_story_to_json_matches_eager_encoding() -> None:
    meta, scenes = encode_split(STORY)
    assert json.dumps(story_to_json(story_from_encoded_scenes(meta, scenes))) == ENCODED_TEXT


def test_encoded_scenes_are_decoded_only_when_used() -> None:
    meta, scenes = encode_split(STORY)
    ids = list(STORY.scenes)
    scenes[ids.index("give_up")] = b"not json at all"
    rebuilt = story_from_encoded_scenes(meta, scenes)
    assert len(rebuilt.scenes) == len(STORY.scenes)
    assert "give_up" in rebuilt.scenes
    assert rebuilt.scenes["hall"] == STORY.scenes["hall"]
    with pytest.raises(ValueError):
        rebuilt.scenes["give_up"]


def test_encoded_scenes_are_decoded_once() -> None:
    meta, scenes = encode_split(STORY)
    rebuilt = story_from_encoded_scenes(meta, scenes)
    assert rebuilt.scenes["hall"] is rebuilt.scenes["hall"]


def test_encoded_scenes_unknown_id_is_key_error() -> None:
    meta, scenes = encode_split(STORY)
    with pytest.raises(KeyError):
        story_from_encoded_scenes(meta, scenes).scenes["nowhere"]


def test_encoded_scenes_count_mismatch_is_value_error() -> None:
    meta, scenes = encode_split(STORY)
    with pytest.raises(ValueError):
        story_from_encoded_scenes(meta, scenes[:-1])


# Diagnostics


def test_diagnostics_round_trip() -> None:
    items = [
        Diagnostic("GS021", Severity.ERROR, "goto to 'halway'", at(3, 9)),
        Diagnostic("GS023", Severity.WARNING, "unreachable", at(7, 2, CHAPTER)),
    ]
    rebuilt = diagnostics_from_json(json.loads(json.dumps(diagnostics_to_json(items))))
    assert rebuilt == items
    assert rebuilt[1].severity is Severity.WARNING


def test_diagnostics_unknown_severity_is_value_error() -> None:
    data = diagnostics_to_json([Diagnostic("GS021", Severity.ERROR, "m", at(1))])
    data[0]["severity"] = "fatal"
    with pytest.raises(ValueError):
        diagnostics_from_json(data)


# Damaged data


Path = tuple[Any, ...]


def paths(node: Any, prefix: Path = ()) -> Iterator[Path]:
    """Every place inside a JSON value, outermost first (the root is not included)."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield (*prefix, key)
            yield from paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield (*prefix, index)
            yield from paths(value, (*prefix, index))


def get(data: Any, path: Path) -> Any:
    for step in path:
        data = data[step]
    return data


ALL_PATHS = list(paths(json.loads(ENCODED_TEXT)))
CONTAINER_PATHS: list[Path] = [()] + [
    path for path in ALL_PATHS if isinstance(get(json.loads(ENCODED_TEXT), path), list | dict)
]

REPLACEMENTS: list[Any] = [None, 0, -1, 7, 1.5, True, "", "x", [], [0], {}, {"x": 1}]


def replace(data: Any, path: Path, value: Any) -> Any:
    if not path:
        return value
    get(data, path[:-1])[path[-1]] = value
    return data


def delete(data: Any, path: Path) -> Any:
    parent = get(data, path[:-1])
    if isinstance(parent, dict):
        del parent[path[-1]]
    else:
        parent.pop(path[-1])
    return data


def truncate(data: Any, path: Path, length: int) -> Any:
    target = get(data, path)
    if isinstance(target, list):
        del target[length:]
    else:
        for key in list(target)[length:]:
            del target[key]
    return data


def decode_outcome(data: Any) -> str | None:
    """None when story_from_json succeeds or raises a documented error, else the exception."""
    try:
        story_from_json(data)
    except DOCUMENTED_ERRORS:
        return None
    except Exception as error:
        return f"{type(error).__name__}: {error}"
    return None


def fresh() -> Any:
    return json.loads(ENCODED_TEXT)


def test_every_single_replacement_raises_only_documented_errors() -> None:
    failures = []
    for path in ALL_PATHS:
        for value in REPLACEMENTS:
            outcome = decode_outcome(replace(fresh(), path, value))
            if outcome is not None:
                failures.append(f"{list(path)} = {value!r}: {outcome}")
    assert failures == [], f"{len(failures)} failures, e.g.\n" + "\n".join(failures[:15])


def test_every_single_deletion_raises_only_documented_errors() -> None:
    failures = []
    for path in ALL_PATHS:
        outcome = decode_outcome(delete(fresh(), path))
        if outcome is not None:
            failures.append(f"del {list(path)}: {outcome}")
    assert failures == [], "\n".join(failures[:15])


def test_every_truncation_raises_only_documented_errors() -> None:
    failures = []
    for path in CONTAINER_PATHS:
        for length in range(len(get(fresh(), path))):
            outcome = decode_outcome(truncate(fresh(), path, length))
            if outcome is not None:
                failures.append(f"{list(path)}[:{length}]: {outcome}")
    assert failures == [], "\n".join(failures[:15])


def test_null_choice_text_raises_a_documented_error() -> None:
    data = fresh()
    data["scenes"][0][5][0][1] = None
    with pytest.raises(DOCUMENTED_ERRORS):
        story_from_json(data)


def test_null_passage_text_raises_a_documented_error() -> None:
    data = fresh()
    data["scenes"][0][1][0][0] = None
    with pytest.raises(DOCUMENTED_ERRORS):
        story_from_json(data)


def test_null_effect_value_raises_a_documented_error() -> None:
    data = fresh()
    data["scenes"][0][4][0][2] = ["e", None]
    with pytest.raises(DOCUMENTED_ERRORS):
        story_from_json(data)


def test_a_value_operation_without_a_value_raises_value_error() -> None:
    data = fresh()
    data["scenes"][0][4][0][2] = None  # `add` on kindness, now with no value
    with pytest.raises(ValueError):
        story_from_json(data)


def test_circle_operations_and_advance_keep_no_value() -> None:
    on_enter = via_json(STORY).scenes["front_steps"].on_enter
    assert [(e.op, e.target, e.value) for e in on_enter[4:]] == [
        ("befriend", "mara", None),
        ("unfriend", "mara", None),
        ("block", "mara", None),
        ("advance", "period", None),
        ("advance", "day", None),
    ]
    assert on_enter[5].reason is not None and on_enter[5].reason.parts == ("rude",)


def test_optional_slots_are_left_out_when_unused() -> None:
    """Most effects have no reason, most passages no variants, most scenes no storylet: the
    cache does not spend a slot on each."""
    data = story_to_json(STORY)
    start, hall, reading_room = data["scenes"][:3]
    assert len(start[4][0]) == 4 and len(start[4][2]) == 5  # no reason / a reason
    assert [len(p) for p in start[1]] == [3, 3, 3, 4]  # the last has variants
    assert len(start) == 8  # no storylet, no limit
    assert hall[8:] == [None, 2]  # a hub: its limit
    assert len(reading_room) == 10 and reading_room[9] is None


def test_runtime_constructs_round_trip() -> None:
    rebuilt = via_json(STORY)
    assert rebuilt.characters == STORY.characters
    assert rebuilt.characters["mara"].meters == {"standing": 72, "kindness": -2}
    assert rebuilt.rules == STORY.rules
    assert rebuilt.clock == STORY.clock
    assert rebuilt.schedule == STORY.schedule
    assert dict(rebuilt.renamed) == {"porch": "front_steps", "grace": "kindness"}
    assert dict(rebuilt.hubs) == {"hall": ("reading_room", "nap")}
    assert rebuilt.meters["standing"].multipliers == STORY.meters["standing"].multipliers
    assert rebuilt.meters["standing"].association == 0.1
    assert rebuilt.meters["standing"].tiers == STORY.meters["standing"].tiers
    assert rebuilt.manifest.previews is True
    assert rebuilt.scenes["reading_room"].storylet == STORY.scenes["reading_room"].storylet
    with pytest.raises(TypeError):
        rebuilt.characters["x"] = rebuilt.characters["jon"]  # type: ignore[index]
    with pytest.raises(TypeError):
        rebuilt.characters["mara"].meters["standing"] = 1  # type: ignore[index]


def test_not_a_mapping_raises_a_documented_error() -> None:
    for data in (None, 0, "story", [], [1, 2], {}):
        with pytest.raises(DOCUMENTED_ERRORS):
            story_from_json(data)


def test_unknown_expression_node_raises_value_error() -> None:
    data = fresh()
    data["scenes"][0][1][1][1][1] = ["import", 0, "os"]
    with pytest.raises(ValueError):
        story_from_json(data)


def test_deeply_nested_expression_raises_a_documented_error() -> None:
    code: Any = ["lit", 0, 1]
    for _ in range(5000):
        code = ["neg", 0, code]
    data = fresh()
    data["scenes"][0][1][1][1][1] = code
    with pytest.raises(DOCUMENTED_ERRORS):
        story_from_json(data)


JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-3, 10)
    | st.floats(allow_nan=False)
    | st.text(max_size=4),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=6,
)


def mutate(data: Any, path: Path, action: str, value: Any, length: int, other: Path) -> Any:
    if action == "replace":
        return replace(data, path, value)
    if action == "delete":
        return delete(data, path)
    if action == "truncate":
        return truncate(data, path, length) if isinstance(get(data, path), list | dict) else data
    return replace(data, path, json.loads(json.dumps(get(data, other))))  # swap in a copy


@st.composite
def damaged(draw: st.DrawFn) -> Any:
    """The encoded story with one to four mutations (a later path may no longer exist)."""
    data = fresh()
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(ALL_PATHS))
        action = draw(st.sampled_from(["replace", "delete", "truncate", "swap"]))
        value = draw(JSON_VALUES) if action == "replace" else None
        length = draw(st.integers(0, 3))
        other = draw(st.sampled_from(ALL_PATHS)) if action == "swap" else ()
        # A later mutation's path may be gone: then it changes nothing.
        with contextlib.suppress(KeyError, IndexError, TypeError, AttributeError):
            data = mutate(data, path, action, value, length, other)
    return data


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged())
def test_random_damage_raises_only_documented_errors(data: Any) -> None:
    assert decode_outcome(data) is None


@settings(max_examples=200, deadline=None)
@given(st.integers(0, len(ENCODED_TEXT) - 1))
def test_truncated_json_text_raises_only_documented_errors(length: int) -> None:
    # What the cache does with a file cut short: json.loads, then story_from_json.
    with contextlib.suppress(*DOCUMENTED_ERRORS):
        story_from_json(json.loads(ENCODED_TEXT[:length]))
