"""The loader on the runtime constructs: time, renames, characters, rules, the schedule, tier
events, multipliers, storylets, one_of passages and the new effects, each to the exact Story
fields it stands for."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from game.content.cache import load_story_cached
from game.content.loader import load_story
from game.core.diagnostics import SourceLocation
from game.core.story import (
    DEFAULT_PERIODS,
    Character,
    Clock,
    Effect,
    Expression,
    Multiplier,
    Story,
    Template,
)
from game.core.story_json import story_from_json, story_to_json

STORY = """\
id: runtime
title: Runtime
version: "1.0"
start: tram
previews: true
renamed:
  old_tram: tram
  grace: trust
time:
  periods: [morning, evening]
  day_names: [Monday, Tuesday]
  start_day: 2
  start_period: evening
meters:
  standing:
    max: 1000
    start: 640
    association: 0.1
    multipliers:
      - id: after_infraction
        if: infractions > 0
        loss: 2
      - if: day > 3
        gain: 0.5
    tiers:
      - id: low
        label: Low
        min: 0
        max: 599
        on_enter:
          effects:
            - add: {trust: 1}
              reason: "fell to {standing}"
          notify: "Booking declined: standing below {600}"
          goto: summons
        on_leave: {notify: Welcome back}
      - {id: high, label: High, min: 600, max: 1000}
  trust:
    visible: false
variables:
  infractions: 0
characters:
  mara:
    name: Mara Voss
    description: A neighbour.
    meters: {standing: 720}
    relationship: 40
    in_circle: true
rules:
  smoking_fine:
    on_tag: smoking
    if: standing > 100
    effects:
      - add: {standing: -40}
    reason: "smoking on a train"
    notify: "Fined on turn {turn}"
schedule:
  - id: inspection
    day: 4
    period: morning
    goto: inspection
    if: mara.in_circle
  - day: 5
    goto: inspection
scenes:
  tram:
    text:
      - one_of: ["The tram is late.", "The tram is early, which is worse."]
        if: period == "morning"
        else: "It is {day_name}, turn {turn}."
      - "Circle of {circle_size}; Mara at {mara.standing}, trusted {mara.trust}."
    choices:
      - text: Smoke
        goto: square
        tags: [smoking]
        effects:
          - add: {standing: -40, infractions: 1}
            reason: smoking on a train
          - "%+": {mara.relationship: 20, standing: "infractions * 2"}
          - "%-": {mara.trust: 10}
          - add: {mara.standing: -10, jon.relationship: 5}
            reason: rude
          - befriend: mara
          - unfriend: jon
          - block: jon
          - advance: period
          - advance: day
      - text: Wait
        goto: square
  square:
    text: The square.
    storylets: 2
    choices:
      - {text: Sleep, goto: end}
  walk:
    text: You walk the dog.
    storylet:
      hub: square
      text: "Walk the dog"
      requires: standing > 10
      salience: "3 + infractions"
      sticky: true
    choices:
      - {text: Back, goto: return, sticky: true}
  summons:
    text: You are summoned.
    choices:
      - {text: Back, goto: return}
  inspection:
    text: Inspection.
    choices:
      - {text: Back, goto: return}
  end:
    text: Bye.
    ending: The End
"""

# Declared in a chapter, read after story.yaml: the effects on jon above wait for it.
CHAPTER = """\
characters:
  jon:
    name: Jon
rules:
  daily:
    every: day
    days: [2, 4]
    effects:
      - "%-": {standing: 5}
    directive: "Today, praise the tram."
  low_drag:
    while: standing < 300 and jon.relationship < 0
    effects:
      - subtract: {mara.relationship: 1}
schedule:
  - day: 6
    goto: inspection
scenes:
  bench:
    text: A bench.
    storylet: {hub: square, text: Sit down}
    choices:
      - {text: Back, goto: return}
"""


def make_story(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "runtime"
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def locate(folder: Path, needle: str, file: str = "story.yaml", nth: int = 0) -> SourceLocation:
    """Where the `nth` occurrence of `needle` starts in a story file, as diagnostics count."""
    text = (folder / file).read_text(encoding="utf-8")
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return SourceLocation(str(folder / file), line, column)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    return make_story(tmp_path, {"story.yaml": STORY, "chapters/more.yaml": CHAPTER})


@pytest.fixture
def story(folder: Path) -> Story:
    result = load_story(folder)
    assert [d.format() for d in result.diagnostics] == []
    assert result.story is not None
    return result.story


def parts(template: Template | None) -> tuple[str, ...]:
    """A template's parts, expressions shown as {source}."""
    assert template is not None
    return tuple(p if isinstance(p, str) else "{" + p.source + "}" for p in template.parts)


def source(value: Expression | Template | None) -> str:
    assert isinstance(value, Expression)
    return value.source


# ------------------------------------------------------------------------- manifest level


def test_previews_renamed_and_time(folder: Path, story: Story) -> None:
    assert story.manifest.previews is True
    assert dict(story.renamed) == {"old_tram": "tram", "grace": "trust"}
    assert story.clock == Clock(
        periods=("morning", "evening"),
        day_names=("Monday", "Tuesday"),
        start_day=2,
        start_period="evening",
        location=locate(folder, "periods: [morning"),
    )


def test_a_story_without_the_new_keys_gets_the_defaults(tmp_path: Path) -> None:
    folder = make_story(
        tmp_path,
        {
            "story.yaml": "id: x\ntitle: X\nversion: '1'\nstart: a\nscenes:\n  a: {text: Hi., ending: E}\n"
        },
    )
    story = load_story(folder).story
    assert story is not None
    assert story.manifest.previews is False
    assert story.clock == Clock()
    assert story.clock.periods == DEFAULT_PERIODS and story.clock.start_period == "morning"
    assert (dict(story.characters), story.rules, story.schedule) == ({}, (), ())
    assert (dict(story.renamed), dict(story.hubs)) == ({}, {})
    assert story.scenes["a"].storylet is None and story.scenes["a"].storylet_limit is None


def test_time_defaults_to_the_first_period(tmp_path: Path) -> None:
    text = STORY.replace("  start_period: evening\n", "").replace("  start_day: 2\n", "")
    folder = make_story(tmp_path, {"story.yaml": text, "chapters/more.yaml": CHAPTER})
    story = load_story(folder).story
    assert story is not None
    assert (story.clock.start_day, story.clock.start_period) == (1, "morning")


# ------------------------------------------------------------------------- meters


def test_association_and_multipliers(folder: Path, story: Story) -> None:
    standing = story.meters["standing"]
    assert standing.association == 0.1
    assert standing.multipliers == (
        Multiplier(
            id="after_infraction",
            condition=Expression(
                "infractions > 0",
                ("bin", 12, ">", ("name", 0, "infractions"), ("lit", 14, 0)),
                locate(folder, "infractions > 0"),
            ),
            location=locate(folder, "id: after_infraction"),
            gain=1.0,
            loss=2.0,
        ),
        Multiplier(
            id="multiplier2",  # by position
            condition=Expression(
                "day > 3",
                ("bin", 4, ">", ("name", 0, "day"), ("lit", 6, 3)),
                locate(folder, "day > 3"),
            ),
            location=locate(folder, "if: day > 3"),
            gain=0.5,
            loss=1.0,
        ),
    )
    assert story.meters["trust"].multipliers == () and story.meters["trust"].association is None


def test_tier_events(folder: Path, story: Story) -> None:
    low, high = story.meters["standing"].tiers
    assert (low.id, high.id) == ("low", "high")
    event = low.on_enter
    assert event is not None
    assert event.location == locate(folder, "effects:\n            - add: {trust")
    assert event.goto == "summons"
    assert parts(event.notify) == ("Booking declined: standing below ", "{600}")
    (effect,) = event.effects
    assert (effect.op, effect.target, source(effect.value)) == ("add", "trust", "1")
    assert parts(effect.reason) == ("fell to ", "{standing}")
    leave = low.on_leave
    assert leave is not None
    assert (leave.effects, leave.goto, parts(leave.notify)) == ((), None, ("Welcome back",))
    assert leave.location == locate(folder, "{notify: Welcome back}")
    assert high.on_enter is None and high.on_leave is None


# ------------------------------------------------------------------------- characters


def test_characters(folder: Path, story: Story) -> None:
    assert list(story.characters) == ["mara", "jon"]
    assert story.characters["mara"] == Character(
        id="mara",
        name="Mara Voss",
        location=locate(folder, "mara:\n"),
        meters={"standing": 720},
        relationship=40,
        in_circle=True,
        description="A neighbour.",
    )
    jon = story.characters["jon"]
    assert jon == Character("jon", "Jon", locate(folder, "jon:", "chapters/more.yaml"))
    assert (dict(jon.meters), jon.relationship, jon.in_circle, jon.description) == (
        {},
        0,
        False,
        "",
    )
    with pytest.raises(TypeError):
        story.characters["mara"].meters["standing"] = 1  # type: ignore[index]


# ------------------------------------------------------------------------- rules


def test_rules_keep_every_field_in_declaration_order(folder: Path, story: Story) -> None:
    assert [rule.id for rule in story.rules] == ["smoking_fine", "daily", "low_drag"]
    smoking, daily, drag = story.rules
    assert smoking.location == locate(folder, "smoking_fine:")
    assert (smoking.on_tag, smoking.every, smoking.while_) == ("smoking", None, None)
    assert source(smoking.condition) == "standing > 100"
    assert smoking.days == ()
    assert parts(smoking.reason) == ("smoking on a train",)
    assert parts(smoking.notify) == ("Fined on turn ", "{turn}")
    assert smoking.directive is None
    (fine,) = smoking.effects
    assert (fine.op, fine.target, source(fine.value)) == ("add", "standing", "-40")
    assert fine.reason is None  # the rule's reason is the rule's, not the effect's

    assert (daily.on_tag, daily.every, daily.while_, daily.condition) == (None, "day", None, None)
    assert daily.days == (2, 4)
    assert parts(daily.directive) == ("Today, praise the tram.",)
    assert daily.reason is None and daily.notify is None
    ((op, target, value),) = [(e.op, e.target, source(e.value)) for e in daily.effects]
    assert (op, target, value) == ("%-", "standing", "5")

    assert source(drag.while_) == "standing < 300 and jon.relationship < 0"
    assert (drag.on_tag, drag.every, drag.condition) == (None, None, None)
    assert [(e.op, e.target) for e in drag.effects] == [("subtract", "mara.relationship")]


# ------------------------------------------------------------------------- schedule


def test_schedule(folder: Path, story: Story) -> None:
    inspection, second, third = story.schedule
    assert (inspection.id, inspection.day, inspection.period, inspection.goto) == (
        "inspection",
        4,
        "morning",
        "inspection",
    )
    assert source(inspection.condition) == "mara.in_circle"
    assert inspection.location == locate(folder, "id: inspection")
    # Default ids count every event of the story, across files.
    assert (second.id, second.day, second.period, second.condition) == ("event2", 5, None, None)
    assert (third.id, third.day, third.goto) == ("event3", 6, "inspection")
    assert third.location == locate(folder, "day: 6", "chapters/more.yaml")


# ------------------------------------------------------------------------- scenes


def test_one_of_passage(folder: Path, story: Story) -> None:
    passage, plain = story.scenes["tram"].passages
    assert passage.one_of == (
        Template(("The tram is late.",), locate(folder, '"The tram is late."')),
        Template(("The tram is early, which is worse.",), locate(folder, '"The tram is early')),
    )
    assert passage.text is passage.one_of[0]
    assert source(passage.condition) == 'period == "morning"'
    assert parts(passage.otherwise) == ("It is ", "{day_name}", ", turn ", "{turn}", ".")
    assert plain.one_of == ()
    assert parts(plain.text) == (
        "Circle of ",
        "{circle_size}",
        "; Mara at ",
        "{mara.standing}",
        ", trusted ",
        "{mara.trust}",
        ".",
    )


def test_storylets_and_hubs(folder: Path, story: Story) -> None:
    walk = story.scenes["walk"].storylet
    assert walk is not None
    assert walk.hub == "square"
    assert parts(walk.text) == ("Walk the dog",)
    assert walk.location == locate(folder, "hub: square")
    assert source(walk.requires) == "standing > 10"
    assert source(walk.salience) == "3 + infractions"
    assert walk.sticky is True
    bench = story.scenes["bench"].storylet
    assert bench is not None
    assert (bench.hub, bench.requires, bench.salience, bench.sticky) == (
        "square",
        None,
        None,
        False,
    )
    assert story.scenes["square"].storylet_limit == 2
    assert story.scenes["square"].storylet is None
    assert dict(story.hubs) == {"square": ("walk", "bench")}


def test_a_literal_salience_is_an_expression(tmp_path: Path) -> None:
    text = STORY.replace('salience: "3 + infractions"', "salience: 3")
    folder = make_story(tmp_path, {"story.yaml": text, "chapters/more.yaml": CHAPTER})
    story = load_story(folder).story
    assert story is not None
    salience = story.scenes["walk"].storylet.salience  # type: ignore[union-attr]
    assert salience is not None and salience.code == ("lit", 0, 3)


def test_choices_may_go_to_return(story: Story) -> None:
    assert story.scenes["walk"].choices[0].goto == "return"
    assert "return" not in story.scenes


# ------------------------------------------------------------------------- effects


def test_effects_of_every_kind(folder: Path, story: Story) -> None:
    effects = story.scenes["tram"].choices[0].effects
    shown = [
        (e.op, e.target, e.value.source if isinstance(e.value, Expression) else e.value)
        for e in effects
    ]
    assert shown == [
        ("add", "standing", "-40"),
        ("add", "infractions", "1"),
        ("%+", "mara.relationship", "20"),
        ("%+", "standing", "infractions * 2"),
        ("%-", "mara.trust", "10"),
        ("add", "mara.standing", "-10"),
        ("add", "jon.relationship", "5"),
        ("befriend", "mara", None),
        ("unfriend", "jon", None),
        ("block", "jon", None),
        ("advance", "period", None),
        ("advance", "day", None),
    ]
    # One reason covers every target of its item.
    reason = Template(("smoking on a train",), locate(folder, "smoking on a train\n"))
    assert [e.reason for e in effects[:2]] == [reason, reason]
    assert all(e.reason is None for e in effects[2:5])
    rude = Template(("rude",), locate(folder, "rude"))
    assert [e.reason for e in effects[5:7]] == [rude, rude]
    assert all(e.reason is None for e in effects[7:])
    # Circle operations and advance are located at their value.
    assert effects[7].location == locate(folder, "mara\n          - unfriend")
    assert effects[10].location == locate(folder, "period\n")
    assert effects[11].location == locate(folder, "day\n      - text: Wait")
    # Value effects are located at their target, as before.
    assert effects[2].location == locate(folder, "mara.relationship: 20")


def test_effects_wait_for_a_character_a_later_file_declares(story: Story) -> None:
    # jon is declared in the chapter; the effect on jon.relationship is built all the same.
    effect = story.scenes["tram"].choices[0].effects[6]
    assert isinstance(effect, Effect) and effect.target == "jon.relationship"
    assert isinstance(effect.value, Expression) and effect.value.code == ("lit", 0, 5)


# ------------------------------------------------------------------------- names


def check(tmp_path: Path, replacements: dict[str, str]) -> list[tuple[str, int]]:
    text = STORY
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    folder = make_story(tmp_path, {"story.yaml": text, "chapters/more.yaml": CHAPTER})
    return [(d.code, d.location.line) for d in load_story(folder).diagnostics]


def test_day_starts_at_start_day_and_the_circle_is_as_large_as_the_cast(tmp_path: Path) -> None:
    codes = check(
        tmp_path,
        {
            "requires: standing > 10": "requires: day < 2",
            "if: mara.in_circle": "if: circle_size > 2",
        },
    )
    assert [code for code, _ in codes] == ["GS036", "GS036"]


def test_character_values_have_their_types(tmp_path: Path) -> None:
    codes = check(tmp_path, {"if: mara.in_circle": "if: mara.relationship"})
    assert [code for code, _ in codes] == ["GS034"]
    codes = check(tmp_path, {"if: mara.in_circle": "if: mara.relationship > 100"})
    assert [code for code, _ in codes] == ["GS036"]
    codes = check(tmp_path, {"if: mara.in_circle": "if: mara.blocked or mara.standing > 999"})
    assert codes == []


def test_a_hidden_meter_read_only_as_a_characters_counts_as_read(tmp_path: Path) -> None:
    # The story reads the hidden meter trust only as `mara.trust`, and is clean (see `story`).
    unread = {", trusted {mara.trust}": ""}
    assert check(tmp_path, unread) == [("GS054", 38)]  # read by nothing: reported as before
    assert check(tmp_path, {**unread, "if: day > 3": "if: trust > 3"}) == []  # a multiplier


def test_a_character_is_never_reported_unused(tmp_path: Path) -> None:
    assert check(tmp_path, {"characters:\n": "characters:\n  ghost: {name: Ghost}\n"}) == []


def test_the_tutorial_still_passes_strict(tmp_path: Path) -> None:
    result = load_story(Path(__file__).resolve().parents[1] / "story" / "tutorial")
    assert result.diagnostics == []


# ------------------------------------------------------------------------- round trips


def test_json_round_trip_of_every_construct(story: Story) -> None:
    rebuilt = story_from_json(json.loads(json.dumps(story_to_json(story))))
    assert rebuilt == story
    assert rebuilt.clock == story.clock and rebuilt.hubs == story.hubs


def test_cache_round_trip_of_every_construct(folder: Path, story: Story, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = load_story_cached(folder, cache)
    hit = load_story_cached(folder, cache)
    assert first.story == story
    assert hit.story == story
    assert hit.story is not None
    assert hit.story.rules == story.rules
    assert hit.story.meters["standing"].tiers == story.meters["standing"].tiers
    for scene_id, scene in story.scenes.items():
        assert hit.story.scenes[scene_id] == scene
