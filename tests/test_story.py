"""game/core/story.py: the compiled, immutable story model."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import pytest

import game.core.story as story_module
from game.core.diagnostics import SourceLocation
from game.core.expressions import Value, parse
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
    format_value,
    paragraphs,
)

LOC = SourceLocation("story/demo/story.yaml", 3, 7)


class FakeEnv:
    def __init__(self, values: dict[str, Value] | None = None) -> None:
        self.values = values or {}

    def value(self, name: str) -> Value:
        return self.values[name]

    def visits(self, scene: str) -> int:
        return 0

    def tier(self, meter: str) -> str:
        return "trusted"


def expr(source: str) -> Expression:
    return Expression(source, parse(source), LOC)


def template(*parts: str | Expression) -> Template:
    return Template(tuple(parts), LOC)


# Expression


def test_expression_evaluates_its_code() -> None:
    assert expr("a * 2 + 1").evaluate(FakeEnv({"a": 4})) == 9


def test_expression_compiles_only_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[object] = []
    real = story_module.compile_code

    def counting(code: object) -> object:
        calls.append(code)
        return real(code)  # type: ignore[arg-type]

    monkeypatch.setattr(story_module, "compile_code", counting)
    expression = expr("a + 1")
    assert calls == []
    assert expression.evaluate(FakeEnv({"a": 1})) == 2
    assert expression.evaluate(FakeEnv({"a": 5})) == 6
    assert expression.evaluate(FakeEnv({"a": 9})) == 10
    assert len(calls) == 1


def test_expression_caches_its_evaluator_on_the_instance() -> None:
    expression = expr("a")
    assert expression._evaluator is None
    expression.evaluate(FakeEnv({"a": 1}))
    first = expression._evaluator
    assert first is not None
    expression.evaluate(FakeEnv({"a": 2}))
    assert expression._evaluator is first


def test_expression_cache_does_not_affect_equality_or_hash() -> None:
    one, two = expr("a + 1"), expr("a + 1")
    one.evaluate(FakeEnv({"a": 1}))
    assert one == two
    assert hash(one) == hash(two)
    assert "_evaluator" not in repr(one)


def test_expression_is_frozen() -> None:
    expression = expr("1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        expression.source = "2"  # type: ignore[misc]


# format_value and Template


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (3.0, "3"),
        (-2.0, "-2"),
        (0.0, "0"),
        (2.5, "2.5"),
        (7, "7"),
        (True, "true"),
        (False, "false"),
        ("Ash", "Ash"),
        ("", ""),
    ],
)
def test_format_value(value: Value, text: str) -> None:
    assert format_value(value) == text


def test_render_formats_whole_floats_without_decimals() -> None:
    rendered = template("You owe ", expr("a / 2"), " coins.").render(FakeEnv({"a": 6}))
    assert rendered == "You owe 3 coins."


def test_render_keeps_real_decimals() -> None:
    assert template(expr("a / 4")).render(FakeEnv({"a": 6})) == "1.5"


def test_render_formats_booleans_as_true_false() -> None:
    rendered = template("card: ", expr("c"), ", late: ", expr("a > 1")).render(
        FakeEnv({"c": True, "a": 0})
    )
    assert rendered == "card: true, late: false"


def test_render_inserts_text_values_as_they_are() -> None:
    assert template("Hi ", expr("n"), "!").render(FakeEnv({"n": "{friend}"})) == "Hi {friend}!"


def test_render_of_literal_only_template() -> None:
    assert template("plain text").render(FakeEnv()) == "plain text"


def test_render_of_empty_template() -> None:
    assert template().render(FakeEnv()) == ""


def test_template_words_count_literal_text_only() -> None:
    assert template("one two ", expr("a"), " three\nfour").words == 4
    assert template().words == 0


# paragraphs


def test_paragraphs_split_on_blank_lines() -> None:
    assert paragraphs("First.\n\nSecond.") == ["First.", "Second."]


def test_paragraphs_fold_single_newlines_into_spaces() -> None:
    assert paragraphs("The library smells\nof rain and toner.") == [
        "The library smells of rain and toner."
    ]


def test_paragraphs_blank_line_with_spaces_still_separates() -> None:
    assert paragraphs("a\n  \t \nb") == ["a", "b"]


def test_paragraphs_several_blank_lines_are_one_break() -> None:
    assert paragraphs("a\n\n\n\nb") == ["a", "b"]


def test_paragraphs_collapse_runs_of_whitespace() -> None:
    assert paragraphs("  a   b\t c \n d  ") == ["a b c d"]


def test_paragraphs_strip_leading_and_trailing_blank_lines() -> None:
    assert paragraphs("\n\n  a\nb\n\n\nc\n\n") == ["a b", "c"]


def test_paragraphs_of_empty_or_blank_text() -> None:
    assert paragraphs("") == []
    assert paragraphs(" \n\n \n") == []


def test_paragraphs_mixed() -> None:
    text = "Your fines come\nto 3 coins.\n\nThe clerk\n  looks up.\n"
    assert paragraphs(text) == ["Your fines come to 3 coins.", "The clerk looks up."]


# Meter.tier_at


def make_meter(tiers: tuple[Tier, ...] = ()) -> Meter:
    return Meter("standing", "Standing", 0, 1000, 640, LOC, tiers=tiers)


TIERS = (
    Tier("exemplary", "Exemplary", 800, 1000, LOC, privileges=("green_channel",)),
    Tier("trusted", "Trusted", 600, 799, LOC),
    Tier("restricted", "Restricted", 450, 599, LOC, sanctions=("throttled",)),
    Tier("listed", "Listed", 0, 449, LOC, sanctions=("listed", "greyed")),
)


@pytest.mark.parametrize(
    ("value", "tier_id"),
    [
        (0, "listed"),
        (449, "listed"),
        (450, "restricted"),
        (599, "restricted"),
        (600, "trusted"),
        (640, "trusted"),
        (799, "trusted"),
        (800, "exemplary"),
        (1000, "exemplary"),
    ],
)
def test_tier_at_bounds_are_inclusive(value: int, tier_id: str) -> None:
    tier = make_meter(TIERS).tier_at(value)
    assert tier is not None
    assert tier.id == tier_id


def test_tier_at_outside_every_tier_is_none() -> None:
    meter = make_meter(TIERS)
    assert meter.tier_at(-1) is None
    assert meter.tier_at(1001) is None


def test_tier_at_without_tiers_is_none() -> None:
    assert make_meter().tier_at(500) is None


def test_meter_defaults() -> None:
    meter = make_meter()
    assert (meter.visible, meter.display, meter.tiers) == (True, "number", ())


# Story


def make_scene(scene_id: str, words: str, n_choices: int = 0, ending: bool = False) -> Scene:
    choices = tuple(
        Choice(f"c{i + 1}", template(f"choice {i + 1}"), "end", LOC) for i in range(n_choices)
    )
    return Scene(
        scene_id,
        (Passage(template(words)),),
        LOC,
        choices=choices,
        ending=Ending("The End", LOC) if ending else None,
    )


def make_story(scenes: list[Scene]) -> Story:
    return Story(
        manifest=Manifest("demo", "Demo", "1.0", scenes[0].id, LOC),
        meters=MappingProxyType({}),
        flags=MappingProxyType({}),
        variables=MappingProxyType({}),
        scenes=MappingProxyType({scene.id: scene for scene in scenes}),
    )


def test_story_endings_lists_ending_scenes_in_order() -> None:
    story = make_story(
        [
            make_scene("start", "a", 2),
            make_scene("end", "b", ending=True),
            make_scene("middle", "c", 1),
            make_scene("other_end", "d", ending=True),
        ]
    )
    assert [scene.id for scene in story.endings] == ["end", "other_end"]


def test_story_without_endings() -> None:
    assert make_story([make_scene("start", "a", 1)]).endings == []


def test_story_choice_count_sums_all_scenes() -> None:
    story = make_story(
        [
            make_scene("start", "a", 2),
            make_scene("middle", "b", 3),
            make_scene("end", "c", ending=True),
        ]
    )
    assert story.choice_count == 5


def test_scene_words_count_passages_otherwise_and_choices() -> None:
    scene = Scene(
        "s",
        (
            Passage(template("one two three")),
            Passage(template("four", expr("a"), "five"), expr("b"), template("six seven")),
        ),
        LOC,
        choices=(Choice("c1", template("eight nine"), "s", LOC),),
    )
    assert scene.words == 9


def test_story_words_sums_all_scenes() -> None:
    story = make_story([make_scene("start", "one two", 1), make_scene("end", "three", ending=True)])
    # "one two" + "choice 1" + "three"
    assert story.words == 5


# Frozen dataclasses


@pytest.mark.parametrize(
    ("instance", "field_name"),
    [
        (expr("1"), "code"),
        (template("x"), "parts"),
        (Passage(template("x")), "condition"),
        (Effect("add", "standing", expr("1"), LOC), "target"),
        (Choice("c1", template("x"), "s", LOC), "goto"),
        (Ending("The End", LOC), "title"),
        (make_scene("s", "x"), "title"),
        (TIERS[0], "min"),
        (make_meter(), "start"),
        (Flag("f", False, LOC), "default"),
        (Variable("v", 0, LOC), "default"),
        (Manifest("demo", "Demo", "1.0", "s", LOC), "start"),
        (make_story([make_scene("s", "x")]), "scenes"),
    ],
    ids=lambda value: type(value).__name__ if not isinstance(value, str) else value,
)
def test_dataclasses_are_frozen(instance: object, field_name: str) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(instance, field_name, None)


@pytest.mark.parametrize(
    "cls",
    [
        Expression,
        Template,
        Passage,
        Effect,
        Choice,
        Ending,
        Scene,
        Tier,
        Meter,
        Flag,
        Variable,
        Manifest,
        Story,
    ],
)
def test_dataclasses_use_slots(cls: type) -> None:
    assert dataclasses.is_dataclass(cls)
    assert "__slots__" in vars(cls)


def test_location_is_immutable() -> None:
    with pytest.raises(AttributeError):
        LOC.line = 1  # type: ignore[misc]
