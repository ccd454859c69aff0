"""Test-wide settings: headless SDL, and a private story cache per test (never the user's own)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

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
