"""The compiled-story cache: a hit equals a fresh load, skips YAML, and damage is survived."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from game.content import cache
from game.content.cache import cache_key, load_story_cached
from game.content.loader import load_story
from game.core.story_json import LazyScenes

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "story" / "tutorial"

SMALL_STORY = """\
id: small
title: Small
version: "1.0"
start: a
meters:
  standing: {min: 0, max: 10, start: 5}
flags:
  unread: false
scenes:
  a:
    text: Hello {standing}.
    choices:
      - text: On
        goto: b
        effects:
          - add: {standing: 1}
  b:
    text: Bye.
    ending: The End
"""


@pytest.fixture
def story(tmp_path: Path) -> Path:
    folder = tmp_path / "small"
    folder.mkdir()
    (folder / "story.yaml").write_text(SMALL_STORY, encoding="utf-8")
    return folder


@pytest.fixture
def cache_dir(tmp_path: Path) -> Path:
    return tmp_path / "cache"


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*.json")) if cache_dir.exists() else []


def test_cache_hit_equals_a_fresh_load(cache_dir: Path) -> None:
    fresh = load_story(TUTORIAL)
    first = load_story_cached(TUTORIAL, cache_dir)
    hit = load_story_cached(TUTORIAL, cache_dir)
    assert isinstance(hit.story.scenes, LazyScenes)  # type: ignore[union-attr]
    assert hit.story == fresh.story
    assert first.story == fresh.story
    assert hit.diagnostics == fresh.diagnostics
    assert hit.stats == fresh.stats
    # Scene by scene too, including every location.
    assert fresh.story is not None and hit.story is not None
    for scene_id, scene in fresh.story.scenes.items():
        assert hit.story.scenes[scene_id] == scene


def test_cache_hit_does_not_read_yaml(
    story: Path, cache_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_story_cached(story, cache_dir)

    def no_yaml(folder: Path) -> None:
        raise AssertionError("the cache hit loaded the YAML")

    monkeypatch.setattr(cache, "_fresh_load", no_yaml)
    result = load_story_cached(story, cache_dir)
    assert result.story is not None
    assert result.story.manifest.id == "small"


def test_cache_keeps_warnings(story: Path, cache_dir: Path) -> None:
    first = load_story_cached(story, cache_dir)
    hit = load_story_cached(story, cache_dir)
    assert [d.code for d in first.diagnostics] == ["GS054"]  # flag 'unread' is never read
    assert hit.diagnostics == first.diagnostics


def test_editing_a_source_file_misses_the_cache(story: Path, cache_dir: Path) -> None:
    load_story_cached(story, cache_dir)
    before = cache_key(story)
    (story / "story.yaml").write_text(SMALL_STORY.replace("Bye.", "Goodbye."), encoding="utf-8")
    assert cache_key(story) != before
    result = load_story_cached(story, cache_dir)
    assert result.story is not None
    assert result.story.scenes["b"].passages[0].text.parts == ("Goodbye.",)
    assert len(entries(cache_dir)) == 2


def test_adding_a_chapter_file_misses_the_cache(story: Path) -> None:
    before = cache_key(story)
    (story / "more.yaml").write_text("scenes: {}\n", encoding="utf-8")
    assert cache_key(story) != before


def test_stories_with_errors_are_not_cached(story: Path, cache_dir: Path) -> None:
    (story / "story.yaml").write_text(SMALL_STORY.replace("goto: b", "goto: nowhere"), "utf-8")
    result = load_story_cached(story, cache_dir)
    assert result.story is None
    assert [d.code for d in result.diagnostics if d.severity == "error"] == ["GS021"]
    assert entries(cache_dir) == []


@pytest.mark.parametrize(
    "damage",
    [
        "truncate",
        "flip_byte_in_scene",
        "garbage",
        "empty",
        "wrong_format",
        "header_only",
        "valid_json_wrong_shape",
    ],
)
def test_damaged_entry_is_ignored_and_rebuilt(story: Path, cache_dir: Path, damage: str) -> None:
    fresh = load_story(story)
    load_story_cached(story, cache_dir)
    (entry,) = entries(cache_dir)
    data = entry.read_bytes()
    header, _, body = data.partition(b"\n")
    if damage == "truncate":
        entry.write_bytes(data[: len(data) // 2])
    elif damage == "flip_byte_in_scene":
        entry.write_bytes(data[:-10] + bytes([data[-10] ^ 0x01]) + data[-9:])
    elif damage == "garbage":
        entry.write_bytes(b"\x00\xff not json at all")
    elif damage == "empty":
        entry.write_bytes(b"")
    elif damage == "wrong_format":
        fields = json.loads(header)
        fields["format"] = -1
        entry.write_bytes(json.dumps(fields).encode() + b"\n" + body)
    elif damage == "header_only":
        entry.write_bytes(header)
    else:
        entry.write_bytes(b"[1, 2, 3]\n{}")
    result = load_story_cached(story, cache_dir)
    assert result.story == fresh.story
    # Rebuilt: the next load is a clean hit again.
    again = load_story_cached(story, cache_dir)
    assert isinstance(again.story.scenes, LazyScenes)  # type: ignore[union-attr]
    assert again.story == fresh.story


def test_checksum_catches_damage_that_is_still_valid_json(story: Path, cache_dir: Path) -> None:
    load_story_cached(story, cache_dir)
    (entry,) = entries(cache_dir)
    text = entry.read_text(encoding="utf-8")
    assert '"Bye."' in text
    entry.write_text(text.replace('"Bye."', '"Bee."'), encoding="utf-8")
    result = load_story_cached(story, cache_dir)
    assert result.story is not None
    assert result.story.scenes["b"].passages[0].text.parts == ("Bye.",)


def test_unwritable_cache_folder_still_loads(story: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder should be", encoding="utf-8")
    result = load_story_cached(story, blocker / "cache")
    assert result.story is not None


def test_writing_leaves_no_temporary_files(story: Path, cache_dir: Path) -> None:
    load_story_cached(story, cache_dir)
    assert [p.name for p in cache_dir.iterdir() if not p.name.endswith(".json")] == []


def test_cache_folder_comes_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv(cache.CACHE_ENV, str(tmp_path / "elsewhere"))
    assert cache.default_cache_dir() == tmp_path / "elsewhere"


def test_default_cache_folder_is_the_users_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(cache.CACHE_ENV, raising=False)
    folder = cache.default_cache_dir()
    assert folder.name == "stories"
    assert "good-standing" in str(folder)


def test_a_folder_without_a_manifest_is_not_cached(tmp_path: Path, cache_dir: Path) -> None:
    result = load_story_cached(tmp_path, cache_dir)
    assert result.story is None
    assert [d.code for d in result.diagnostics] == ["GS008"]
    assert entries(cache_dir) == []


def test_same_story_in_two_places_keeps_its_own_file_names(story: Path, cache_dir: Path) -> None:
    copy = story.parent / "copy"
    shutil.copytree(story, copy)
    first = load_story_cached(story, cache_dir)
    second = load_story_cached(copy, cache_dir)
    assert first.story is not None and second.story is not None
    assert first.story.manifest.location.file.startswith(str(story))
    assert second.story.manifest.location.file.startswith(str(copy))


RUNTIME_STORY = """\
id: runtime
title: Runtime
version: "1.0"
start: a
time: {periods: [morning, evening], start_day: 2}
renamed: {old_a: a}
meters:
  standing:
    min: 0
    max: 10
    start: 5
    association: 0.5
    multipliers: [{if: day > 2, loss: 2}]
    tiers:
      - {id: low, label: Low, min: 0, max: 4, on_enter: {goto: b, notify: Low.}}
      - {id: high, label: High, min: 5, max: 10}
characters:
  mara: {name: Mara, meters: {standing: 7}, in_circle: true}
rules:
  fine: {on_tag: smoking, effects: [{add: {standing: -1}, reason: smoking}]}
schedule:
  - {day: 3, goto: b}
scenes:
  a:
    text:
      - one_of: ["Hello {mara.standing}.", Hi.]
    storylets: 1
    choices:
      - {text: On, goto: b, tags: [smoking], effects: [{befriend: mara}, {"%+": {standing: 10}}]}
  b:
    text: Bye.
    storylet: {hub: a, text: Leave}
    choices:
      - {text: Back, goto: return}
"""


def test_runtime_constructs_survive_the_cache(tmp_path: Path, cache_dir: Path) -> None:
    folder = tmp_path / "runtime"
    folder.mkdir()
    (folder / "story.yaml").write_text(RUNTIME_STORY, encoding="utf-8")
    fresh = load_story(folder)
    assert fresh.diagnostics == [] and fresh.story is not None
    load_story_cached(folder, cache_dir)
    hit = load_story_cached(folder, cache_dir)
    assert isinstance(hit.story.scenes, LazyScenes)  # type: ignore[union-attr]
    assert hit.story == fresh.story
    assert hit.story is not None
    assert (hit.story.characters, hit.story.rules) == (fresh.story.characters, fresh.story.rules)
    assert (hit.story.clock, hit.story.schedule) == (fresh.story.clock, fresh.story.schedule)
    assert dict(hit.story.hubs) == {"a": ("b",)} and dict(hit.story.renamed) == {"old_a": "a"}
    assert hit.story.scenes["b"].storylet == fresh.story.scenes["b"].storylet
