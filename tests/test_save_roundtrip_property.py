"""Saving and loading at any step changes nothing: the property behind every save slot.

At every step of random playthroughs of every mechanic story (and the tutorial), the state is
saved to JSON, loaded into a fresh Runner, and play continues from the loaded one; the result
must be exactly the playthrough that never saved.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from game.content.loader import load_story
from game.core.runner import Runner
from game.core.save_json import state_from_json, state_to_json
from game.core.story import Story

ROOT = Path(__file__).resolve().parents[1]
STORIES = sorted(
    [p for p in (ROOT / "tests" / "stories" / "mechanics").iterdir() if p.is_dir()]
    + [ROOT / "story" / "tutorial"]
)


@cache
def story_at(path: Path) -> Story:
    story = load_story(path).story
    assert story is not None
    return story


@settings(max_examples=60, deadline=None)
@given(
    path=st.sampled_from(STORIES),
    seed=st.integers(min_value=0, max_value=2**64 - 1),
    picks=st.lists(st.integers(min_value=0, max_value=1000), min_size=1, max_size=40),
)
def test_save_load_continue_equals_never_saving(path: Path, seed: int, picks: list[int]) -> None:
    story = story_at(path)
    straight = Runner(story, seed=seed)
    resumed = Runner(story, seed=seed)
    assert resumed.opening == straight.opening
    for pick in picks:
        data = json.loads(json.dumps(state_to_json(story, resumed.state)))
        resumed = Runner(story, state_from_json(story, data))
        assert resumed.page.texts == straight.page.texts
        assert resumed.page.choices == straight.page.choices
        available = [c.id for c in straight.page.choices if c.available]
        if straight.ended or not available:
            break
        choice = available[pick % len(available)]
        assert resumed.choose(choice) == straight.choose(choice)
    assert resumed.state == straight.state
