"""The compiled-story cache: validated stories as JSON in the user cache folder, keyed by their sources.

A hit skips YAML entirely. The key hashes the engine version and every source file's path and
bytes, so an edit, a new file or a new engine all miss. A damaged entry is ignored and rebuilt;
entries are written atomically so a crash mid-write never leaves a half file behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from game import __version__
from game.content.loader import LoadResult, load_story, story_files
from game.core.story_json import (
    diagnostics_from_json,
    diagnostics_to_json,
    story_from_json,
    story_to_json,
)

CACHE_ENV = "GOOD_STANDING_CACHE_DIR"
# Bump when the compiled form changes shape, so old entries miss instead of failing.
CACHE_FORMAT = 1


def default_cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    import platformdirs  # imported here: only a cache lookup needs it

    return Path(platformdirs.user_cache_dir("good-standing", appauthor=False)) / "stories"


def cache_key(folder: Path) -> str:
    digest = hashlib.sha256(f"{__version__}\0{CACHE_FORMAT}\0{folder}\0".encode())
    for path in story_files(folder):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def load_story_cached(folder: Path, cache_dir: Path | None = None) -> LoadResult:
    """Like load_story, but served from (and stored into) the compiled cache when possible."""
    if not (folder / "story.yaml").is_file():
        return load_story(folder)
    directory = cache_dir if cache_dir is not None else default_cache_dir()
    try:
        key = cache_key(folder)
    except OSError:
        return load_story(folder)
    entry = directory / f"{key}.json"
    cached = _read_entry(entry, key)
    if cached is not None:
        return cached
    result = load_story(folder)
    if result.story is not None:
        _write_entry(directory, entry, key, result)
    return result


def _read_entry(entry: Path, key: str) -> LoadResult | None:
    try:
        data = json.loads(entry.read_bytes())
        if data["key"] != key or data["format"] != CACHE_FORMAT:
            return None
        return LoadResult(story_from_json(data["story"]), diagnostics_from_json(data["diagnostics"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, IndexError, TypeError, AttributeError):
        # Damaged or foreign: ignore it; the fresh load below overwrites it.
        return None


def _write_entry(directory: Path, entry: Path, key: str, result: LoadResult) -> None:
    assert result.story is not None
    data = {
        "key": key,
        "format": CACHE_FORMAT,
        "story": story_to_json(result.story),
        "diagnostics": diagnostics_to_json(result.diagnostics),
    }
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=directory, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
            os.replace(temp, entry)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full cache folder only costs speed, never a result
