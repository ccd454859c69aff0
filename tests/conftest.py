"""Test-wide settings: headless SDL, and a private story cache per test (never the user's own)."""

from __future__ import annotations

import os
import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest

from game.content.loader import load_story
from game.core.story import Story

# The game window's tests (and anything importing pygame) must run on machines without a
# display or sound card; set before any test can import pygame.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")


@pytest.fixture(autouse=True)
def private_story_cache(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    folder = tmp_path_factory.mktemp("story-cache")
    monkeypatch.setenv("GOOD_STANDING_CACHE_DIR", str(folder))
    return folder


@pytest.fixture(autouse=True)
def private_save_folder(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Saves (and anything else under the data folder) go to a fresh folder, never the user's."""
    folder = tmp_path_factory.mktemp("data")
    monkeypatch.setenv("GOOD_STANDING_DATA_DIR", str(folder))
    return folder


@pytest.fixture
def make_story(tmp_path: Path) -> Callable[..., Story]:
    """Write a one-file story (YAML text) to a fresh folder and load it; fail on any error."""
    counter = iter(range(1_000_000))

    def make(text: str) -> Story:
        folder = tmp_path / f"story{next(counter)}"
        folder.mkdir()
        (folder / "story.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
        result = load_story(folder)
        errors = [d.format() for d in result.diagnostics if d.severity == "error"]
        assert result.story is not None and not errors, "\n".join(errors)
        return result.story

    return make
