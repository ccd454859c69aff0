"""game/core/save_json.py: saves as versioned, checksummed JSON; checks; migration by the story."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from game.content.loader import load_story
from game.core.runner import Runner
from game.core.save_json import (
    SAVE_VERSION,
    SaveError,
    decode_body,
    decode_save,
    encode_save,
    seal,
    state_from_json,
    state_to_json,
)
from game.core.story import Story

MakeStory = Callable[[str], Story]

V1 = """
id: shop
title: Shop
version: "1"
start: door
meters:
  standing: {min: 0, max: 100, start: 50}
flags:
  paid: false
scenes:
  door:
    text: A door.
    choices:
      - id: in
        text: Go in
        effects:
          - add: {standing: 5}
        goto: counter
  counter:
    text: "A counter. Standing {standing}."
    choices:
      - id: pay
        text: Pay
        effects:
          - set: {paid: true}
        goto: street
  street:
    text: "{paid}"
    ending: Street
"""


def tutorial() -> Story:
    story = load_story(Path("story/tutorial")).story
    assert story is not None
    return story


def played(story: Story, choices: list[str], seed: int = 7) -> Runner:
    runner = Runner(story, seed=seed)
    for choice in choices:
        runner.choose(choice)
    return runner


def resave(data: dict[str, Any]) -> dict[str, Any]:
    """A save body edited by hand, sealed with a fresh checksum as a tinkerer might, and read
    back through the checksum check."""
    body = decode_body(seal(data))
    assert isinstance(body, dict)
    return body


def test_a_save_round_trips_through_json_to_an_equal_state(make_story: MakeStory) -> None:
    story = make_story(V1)
    runner = played(story, ["in"])
    data = json.loads(json.dumps(state_to_json(story, runner.state)))
    assert state_from_json(story, data) == runner.state


def test_a_save_names_its_format_story_and_version(make_story: MakeStory) -> None:
    story = make_story(V1)
    data = state_to_json(story, played(story, []).state, meta={"slot": "a"})
    assert data["kind"] == "good-standing-save"
    assert data["version"] == SAVE_VERSION
    assert data["story"] == {"id": "shop", "version": "1"}
    assert data["meta"] == {"slot": "a"}


def test_a_save_file_is_one_json_document_with_a_checksum_of_its_body(
    make_story: MakeStory,
) -> None:
    story = make_story(V1)
    runner = played(story, ["in"])
    data = encode_save(story, runner.state, meta={"slot": "a"})
    document = json.loads(data)
    assert list(document) == ["checksum", "save"]
    assert document["checksum"].startswith("sha256:")
    assert document["save"] == state_to_json(story, runner.state, meta={"slot": "a"})
    assert decode_save(story, data) == runner.state


def test_state_to_json_shares_nothing_with_the_state(make_story: MakeStory) -> None:
    story = make_story(V1)
    runner = played(story, ["in"])
    state_to_json(story, runner.state)["state"]["values"]["standing"] = 0
    assert runner.state.values["standing"] == 55


def test_loading_then_continuing_matches_never_saving_on_random_tutorial_runs() -> None:
    story = tutorial()
    for seed in range(30):
        picker = random.Random(seed)
        straight = Runner(story, seed=seed)
        resumed = Runner(story, seed=seed)
        while not straight.ended:
            data = json.loads(json.dumps(state_to_json(story, resumed.state)))
            resumed = Runner(story, state_from_json(story, data))
            assert resumed.page.texts == straight.page.texts
            assert resumed.page.choices == straight.page.choices
            choice = picker.choice([c.id for c in straight.page.choices if c.available])
            assert resumed.choose(choice) == straight.choose(choice)
        assert resumed.state == straight.state


def test_an_edited_save_fails_its_checksum(make_story: MakeStory) -> None:
    story = make_story(V1)
    data = encode_save(story, played(story, ["in"]).state)
    edited = data.replace(b'"standing":55', b'"standing":100')
    assert edited != data
    with pytest.raises(SaveError, match="damaged: its contents do not match its checksum"):
        decode_save(story, edited)


def test_a_save_cut_short_is_damaged(make_story: MakeStory) -> None:
    story = make_story(V1)
    data = encode_save(story, played(story, ["in"]).state)
    with pytest.raises(SaveError, match=r"damaged \(cut short or overwritten\)"):
        decode_save(story, data[: len(data) // 2])


def test_a_save_of_another_story_is_refused_by_name(make_story: MakeStory) -> None:
    story = make_story(V1)
    data = state_to_json(story, played(story, []).state)
    with pytest.raises(SaveError, match="belongs to the story 'shop', not to 'tutorial'"):
        state_from_json(tutorial(), data)


def test_a_save_from_a_newer_engine_says_to_update(make_story: MakeStory) -> None:
    story = make_story(V1)
    data = state_to_json(story, played(story, []).state)
    data["version"] = SAVE_VERSION + 1
    with pytest.raises(SaveError, match="newer Good Standing"):
        state_from_json(story, resave(data))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "not a Good Standing save"),
        ({"kind": "something"}, "not a Good Standing save"),
        ({"kind": "good-standing-save"}, "no format version"),
    ],
)
def test_documents_that_are_not_saves_are_refused(
    make_story: MakeStory, data: Any, message: str
) -> None:
    with pytest.raises(SaveError, match=message):
        state_from_json(make_story(V1), data)


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda s: s.update(turn="three"), "'turn' should be a whole number, got \"three\""),
        (lambda s: s.update(turn=True), "'turn' should be a whole number, got true"),
        (lambda s: s.update(day=0), "out of range"),
        (lambda s: s["values"].update(standing="high"), "'standing' should be a whole number"),
        (lambda s: s["values"].update(paid=1), "'paid' should be true or false"),
        (lambda s: s.update(ledger=[[1, 2]]), "an entry of 'ledger' should be a ledger entry"),
        (lambda s: s.update(visits={"door": -1}), "visits of 'door' is -1"),
        (lambda s: s.update(period="teatime"), "time of day is 'teatime'"),
        (lambda s: s.pop("values"), "'values' should be a mapping, got nothing"),
    ],
)
def test_damaged_fields_are_named_in_the_error(
    make_story: MakeStory, edit: Callable[[dict[str, Any]], None], message: str
) -> None:
    story = make_story(V1)
    data = copy.deepcopy(state_to_json(story, played(story, ["in"]).state))
    edit(data["state"])
    with pytest.raises(SaveError, match=message.replace("(", r"\(")):
        state_from_json(story, resave(data))


def test_values_outside_the_bounds_are_clamped_on_load(make_story: MakeStory) -> None:
    story = make_story(V1)
    data = state_to_json(story, played(story, []).state)
    data["state"]["values"]["standing"] = 1000
    assert state_from_json(story, resave(data)).values["standing"] == 100


def test_a_save_whose_scene_is_gone_names_it(make_story: MakeStory) -> None:
    old = make_story(V1)
    data = state_to_json(old, played(old, ["in"]).state)
    new = make_story(
        V1.replace('version: "1"', 'version: "2"')
        .replace("goto: counter", "goto: till")
        .replace("  counter:", "  till:")
    )
    with pytest.raises(SaveError, match="scene 'counter', which this version of the story"):
        state_from_json(new, data)


def test_renamed_ids_carry_a_save_over_to_a_new_version(make_story: MakeStory) -> None:
    old = make_story(V1)
    runner = played(old, ["in"])
    data = state_to_json(old, runner.state)
    new = make_story(
        V1.replace('version: "1"', 'version: "2"\nrenamed: {counter: till, standing: repute}')
        .replace("goto: counter", "goto: till")
        .replace("  counter:", "  till:")
        .replace("standing", "repute")
        .replace(
            "renamed: {counter: till, repute: repute}", "renamed: {counter: till, standing: repute}"
        )
    )
    state = state_from_json(new, data)
    assert state.scene == "till"
    assert state.values["repute"] == 55
    assert "standing" not in state.values
    assert state.visits == {"door": 1, "till": 1}
    assert [e.meter for e in state.ledger] == ["repute"]
    resumed = Runner(new, state)
    assert resumed.page.paragraphs == ("A counter. Standing 55.",)


def test_new_meters_and_flags_start_at_their_defaults_in_an_old_save(
    make_story: MakeStory,
) -> None:
    old = make_story(V1)
    data = state_to_json(old, played(old, ["in"]).state)
    new = make_story(
        V1.replace('version: "1"', 'version: "2"')
        .replace("flags:\n", "flags:\n  late: true\n")
        .replace("meters:\n", "meters:\n  trust: {min: 0, max: 10, start: 3, visible: false}\n")
        .replace('text: "{paid}"', 'text: "{paid} {late} {trust}"')
    )
    state = state_from_json(new, data)
    assert (state.values["trust"], state.values["late"]) == (3, True)


def test_values_the_story_dropped_without_a_rename_are_named(make_story: MakeStory) -> None:
    old = make_story(V1)
    data = state_to_json(old, played(old, []).state)
    new = make_story(
        V1.replace("flags:\n  paid: false\n", "")
        .replace("          - set: {paid: true}\n", "")
        .replace('text: "{paid}"', "text: Done.")
        .replace("        effects:\n        goto: street", "        goto: street")
    )
    with pytest.raises(SaveError, match=r"no longer has: paid\. The story can carry them over"):
        state_from_json(new, data)
