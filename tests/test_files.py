"""Which files make a story, in which order, and the figures `check` prints."""

from __future__ import annotations

from pathlib import Path

from game.content.files import StoryStats, story_files
from game.content.loader import load_story

ROOT = Path(__file__).resolve().parents[1]


def test_story_yaml_comes_first_then_paths_in_order(tmp_path: Path) -> None:
    for name in ["b.yaml", "a/z.yaml", "story.yaml", "a/b.yaml", ".hidden/x.yaml", "notes.txt"]:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}\n", encoding="utf-8")
    relative = [p.relative_to(tmp_path).as_posix() for p in story_files(tmp_path)]
    assert relative == ["story.yaml", "a/b.yaml", "a/z.yaml", "b.yaml"]


def test_stats_count_scenes_choices_endings_and_words() -> None:
    story = load_story(ROOT / "story" / "tutorial").story
    assert story is not None
    stats = StoryStats.of(story)
    assert stats.scenes == len(story.scenes)
    assert stats.choices == sum(len(s.choices) for s in story.scenes.values())
    assert stats.endings == sum(1 for s in story.scenes.values() if s.ending)
    assert stats.words == story.words > 0
