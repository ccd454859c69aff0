"""The loader: a valid folder becomes the Story it describes; any text at all yields diagnostics only."""

from __future__ import annotations

import string
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.content.loader import load_story
from game.core.diagnostics import SourceLocation
from game.core.story import Expression, Template

ROOT = Path(__file__).resolve().parents[1]

MANIFEST = """\
id: demo
title: Demo
version: "2.1"
start: hall
authors: [Ana, Bo]
language: en
description: A demo.
estimated_minutes: 5
content_notes: [none]
age_guidance: "12+"
meters:
  standing:
    label: Standing
    min: 0
    max: 1000
    start: 640
    display: badge
    tiers:
      - {id: high, label: High, min: 600, max: 1000, privileges: [green_channel]}
      - {id: low, label: Low, min: 0, max: 599, sanctions: [throttled]}
  trust: {max: 10, visible: false}
flags:
  has_card: false
variables:
  nickname: "friend"
  fines: 3
scenes:
  hall:
    title: The hall
    text: |
      Hello {nickname}, you owe {fines * 2} coins.

      Trust is {trust}.
    on_enter:
      - add: {fines: 1}
    tags: [start]
    choices:
      - text: Go on
        goto: cellar
      - id: train
        text: Take the train
        if: not has_card
        requires: standing >= 600 and tier(standing) == "high"
        locked: Booking declined
        effects:
          - subtract: {standing: 40}
          - set: {has_card: true, nickname: "Reader {fines}"}
        sticky: true
        tags: [travel]
        goto: cellar
"""

CHAPTER = """\
scenes:
  cellar:
    text:
      - It is dark.
      - if: visited(hall) > 1
        text: Again?
        else: First time.
    ending:
      title: Down Below
      epithet: the Curious
"""


def make_story(tmp_path: Path, files: dict[str, str]) -> Path:
    folder = tmp_path / "demo"
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return folder


def test_a_story_across_two_files_loads_as_written(tmp_path: Path) -> None:
    folder = make_story(tmp_path, {"story.yaml": MANIFEST, "chapters/below.yaml": CHAPTER})
    result = load_story(folder)
    assert result.diagnostics == []
    story = result.story
    assert story is not None
    m = story.manifest
    assert (m.id, m.title, m.version, m.start) == ("demo", "Demo", "2.1", "hall")
    assert (m.authors, m.estimated_minutes, m.age_guidance) == (("Ana", "Bo"), 5, "12+")
    assert list(story.scenes) == ["hall", "cellar"]
    standing = story.meters["standing"]
    assert (standing.min, standing.max, standing.start, standing.display) == (0, 1000, 640, "badge")
    assert [t.id for t in standing.tiers] == ["low", "high"]  # ordered by range
    assert standing.tier_at(640) is not None and standing.tier_at(640).id == "high"  # type: ignore[union-attr]
    assert story.meters["trust"].visible is False
    assert story.meters["trust"].label == "Trust"
    assert story.variables["nickname"].default == "friend"
    assert story.flags["has_card"].default is False


def test_choices_keep_every_field_and_default_ids(tmp_path: Path) -> None:
    folder = make_story(tmp_path, {"story.yaml": MANIFEST, "chapters/below.yaml": CHAPTER})
    story = load_story(folder).story
    assert story is not None
    first, train = story.scenes["hall"].choices
    assert first.id == "c1" and first.sticky is False and first.condition is None
    assert train.id == "train" and train.sticky is True and train.tags == ("travel",)
    assert train.condition is not None and train.condition.source == "not has_card"
    assert train.requires is not None and train.locked is not None
    ops = [(e.op, e.target) for e in train.effects]
    assert ops == [("subtract", "standing"), ("set", "has_card"), ("set", "nickname")]
    assert isinstance(train.effects[2].value, Template)  # text variables take text
    assert isinstance(train.effects[0].value, Expression)


def test_every_object_knows_its_source_line(tmp_path: Path) -> None:
    folder = make_story(tmp_path, {"story.yaml": MANIFEST, "chapters/below.yaml": CHAPTER})
    story = load_story(folder).story
    assert story is not None
    main = str(folder / "story.yaml")
    hall = story.scenes["hall"]
    assert hall.location == SourceLocation(main, 28, 3)
    train = hall.choices[1]
    assert train.location == SourceLocation(main, 40, 9)
    assert train.requires is not None
    assert train.requires.location == SourceLocation(main, 43, 19)
    cellar = story.scenes["cellar"]
    assert cellar.location == SourceLocation(str(folder / "chapters" / "below.yaml"), 2, 3)
    hole = hall.passages[0].text.parts[1]
    assert isinstance(hole, Expression)
    assert hole.location == SourceLocation(main, 31, 14)  # the `n` of {nickname}


def test_conditional_passages_keep_condition_and_else(tmp_path: Path) -> None:
    folder = make_story(tmp_path, {"story.yaml": MANIFEST, "chapters/below.yaml": CHAPTER})
    story = load_story(folder).story
    assert story is not None
    plain, conditional = story.scenes["cellar"].passages
    assert plain.condition is None and plain.otherwise is None
    assert conditional.condition is not None
    assert conditional.condition.source == "visited(hall) > 1"
    assert conditional.otherwise is not None and conditional.otherwise.parts == ("First time.",)
    assert story.scenes["cellar"].ending is not None
    assert story.scenes["cellar"].ending.epithet == "the Curious"


def test_names_declared_in_a_later_file_are_known_to_an_earlier_one(tmp_path: Path) -> None:
    chapter = CHAPTER.replace("- It is dark.", "- It is dark. {late}") + "variables:\n  late: 2\n"
    folder = make_story(tmp_path, {"story.yaml": MANIFEST, "chapters/below.yaml": chapter})
    result = load_story(folder)
    assert result.diagnostics == []


def test_yaml_1_1_booleans_stay_text(tmp_path: Path) -> None:
    text = MANIFEST.replace("label: Standing", "label: yes").replace(
        'nickname: "friend"', "nickname: no"
    )
    folder = make_story(tmp_path, {"story.yaml": text, "chapters/below.yaml": CHAPTER})
    story = load_story(folder).story
    assert story is not None
    assert story.meters["standing"].label == "yes"
    assert story.variables["nickname"].default == "no"


def test_hidden_folders_are_not_part_of_the_story(tmp_path: Path) -> None:
    folder = make_story(
        tmp_path,
        {"story.yaml": MANIFEST, "chapters/below.yaml": CHAPTER, ".trash/old.yaml": "{{{{"},
    )
    assert load_story(folder).diagnostics == []


def test_all_problems_are_reported_at_once(tmp_path: Path) -> None:
    broken = MANIFEST.replace("goto: cellar", "goto: celar").replace("fines * 2", "fines *")
    folder = make_story(tmp_path, {"story.yaml": broken, "chapters/below.yaml": CHAPTER})
    codes = sorted(d.code for d in load_story(folder).diagnostics)
    assert codes == ["GS021", "GS021", "GS023", "GS030"]


def test_the_tutorial_is_clean(tmp_path: Path) -> None:
    result = load_story(ROOT / "story" / "tutorial")
    assert result.diagnostics == []
    assert result.story is not None
    assert 10 <= len(result.story.scenes) <= 20


# --------------------------------------------------------------------- fuzzing

FUZZ_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ_SETTINGS
@given(text=st.text(max_size=400))
def test_any_text_as_story_yaml_gives_diagnostics_not_exceptions(tmp_path: Path, text: str) -> None:
    folder = tmp_path / "fuzz"
    folder.mkdir(exist_ok=True)
    (folder / "story.yaml").write_text(text, encoding="utf-8")
    result = load_story(folder)
    assert result.story is not None or result.diagnostics


YAML_ALPHABET = string.ascii_letters[:8] + string.digits[:4] + " :-[]{},'\"\n#&*!|>{}_."


@FUZZ_SETTINGS
@given(text=st.text(alphabet=YAML_ALPHABET, max_size=300))
def test_yaml_shaped_noise_in_a_chapter_gives_diagnostics_not_exceptions(
    tmp_path: Path, text: str
) -> None:
    folder = make_story(tmp_path, {"story.yaml": MANIFEST, "chapters/below.yaml": CHAPTER})
    (folder / "chapters" / "noise.yaml").write_text(text, encoding="utf-8")
    load_story(folder)


SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.text(max_size=20),
    st.sampled_from(
        [
            "standing >= 600",
            "not has_card",
            "{fines}",
            "hall",
            "cellar",
            "c1",
            "mara",
            "mara.standing",
            "return",
            "period",
            "day",
            "turn",
        ]
    ),
)
KEYS = st.sampled_from(
    [
        "id",
        "title",
        "version",
        "start",
        "meters",
        "flags",
        "variables",
        "scenes",
        "text",
        "choices",
        "goto",
        "if",
        "requires",
        "locked",
        "effects",
        "set",
        "add",
        "subtract",
        "ending",
        "tiers",
        "min",
        "max",
        "label",
        "hall",
        "cellar",
        "standing",
        "sticky",
        "tags",
        # the runtime constructs
        "previews",
        "renamed",
        "time",
        "periods",
        "start_day",
        "start_period",
        "characters",
        "mara",
        "name",
        "relationship",
        "in_circle",
        "rules",
        "on_tag",
        "every",
        "while",
        "days",
        "reason",
        "notify",
        "directive",
        "schedule",
        "day",
        "period",
        "one_of",
        "storylet",
        "storylets",
        "hub",
        "salience",
        "multipliers",
        "gain",
        "loss",
        "association",
        "on_enter",
        "on_leave",
        "%+",
        "%-",
        "befriend",
        "block",
        "advance",
        "mara.standing",
        "return",
    ]
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(KEYS, children, max_size=5),
    max_leaves=30,
)


@FUZZ_SETTINGS
@given(document=st.dictionaries(KEYS, DOCUMENTS, max_size=8))
def test_structured_nonsense_gives_diagnostics_not_exceptions(
    tmp_path: Path, document: dict[str, object]
) -> None:
    folder = tmp_path / "structured"
    folder.mkdir(exist_ok=True)
    (folder / "story.yaml").write_text(yaml.safe_dump(document), encoding="utf-8")
    result = load_story(folder)
    assert result.story is not None or result.diagnostics


def test_effects_on_names_declared_in_a_later_file_are_built(tmp_path: Path) -> None:
    # The effect in story.yaml targets variables only the chapter declares: the loader must
    # wait for the chapter (a draft) and still build the same effects as usual.
    text = MANIFEST.replace(
        '          - set: {has_card: true, nickname: "Reader {fines}"}',
        '          - set: {has_card: true, nickname: "Reader {fines}", late_note: "Hi {late}"}\n'
        "          - add: {late: 2}",
    )
    chapter = CHAPTER.replace("- It is dark.", "- It is dark. {late_note}")
    chapter += 'variables:\n  late: 0\n  late_note: ""\n'
    folder = make_story(tmp_path, {"story.yaml": text, "chapters/below.yaml": chapter})
    result = load_story(folder)
    assert [d.code for d in result.diagnostics] == []
    story = result.story
    assert story is not None
    effects = story.scenes["hall"].choices[1].effects
    assert [(e.op, e.target) for e in effects] == [
        ("subtract", "standing"),
        ("set", "has_card"),
        ("set", "nickname"),
        ("set", "late_note"),
        ("add", "late"),
    ]
    assert isinstance(effects[3].value, Template)
    assert isinstance(effects[4].value, Expression)


def test_an_effect_on_a_name_no_file_declares_is_reported_once(tmp_path: Path) -> None:
    text = MANIFEST.replace("          - subtract: {standing: 40}", "          - add: {nobody: 1}")
    folder = make_story(tmp_path, {"story.yaml": text, "chapters/below.yaml": CHAPTER})
    codes = [d.code for d in load_story(folder).diagnostics]
    assert codes == ["GS040"]


def test_periods_are_checked_against_the_default_day_when_time_names_none(tmp_path: Path) -> None:
    text = MANIFEST.replace("        if: not has_card\n", '        if: period == "nite"\n')
    folder = make_story(tmp_path, {"story.yaml": text, "chapters/below.yaml": CHAPTER})
    messages = [(d.code, d.message) for d in load_story(folder).diagnostics]
    assert messages == [
        ("GS054", "flag 'has_card' is never read by any condition or text: use it or remove it"),
        (
            "GS038",
            "'if' of choice 2 of scene 'hall': 'nite' is not one of the story's periods"
            " (did you mean 'night'?): morning, afternoon, evening, night",
        ),
    ]


def test_day_names_are_not_checked_when_time_lists_none(tmp_path: Path) -> None:
    # Without day_names a day is "Day 3": any text may be compared with it.
    text = MANIFEST.replace(
        "        if: not has_card\n", '        if: not has_card and day_name != "Day 3"\n'
    )
    folder = make_story(tmp_path, {"story.yaml": text, "chapters/below.yaml": CHAPTER})
    assert [d.code for d in load_story(folder).diagnostics] == []


def test_a_reason_the_ledger_never_shows_is_kept_but_warned_about(tmp_path: Path) -> None:
    # GS046 is a warning: the story loads and the reason stays on the effect.
    text = MANIFEST.replace(
        "          - subtract: {standing: 40}\n",
        "          - subtract: {standing: 40}\n            reason: a fare\n",
    ).replace(
        '          - set: {has_card: true, nickname: "Reader {fines}"}\n',
        '          - set: {has_card: true, nickname: "Reader {fines}"}\n            reason: a card\n',
    )
    folder = make_story(tmp_path, {"story.yaml": text, "chapters/below.yaml": CHAPTER})
    result = load_story(folder)
    line = text.splitlines().index("            reason: a card") + 1
    assert [(d.code, d.location.line) for d in result.diagnostics] == [("GS046", line)]
    assert result.story is not None
    effects = result.story.scenes["hall"].choices[1].effects
    assert [e.reason.parts if e.reason else None for e in effects] == [
        ("a fare",),
        ("a card",),
        ("a card",),
    ]
