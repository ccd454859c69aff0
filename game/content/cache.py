"""The compiled-story cache: validated stories as JSON in the user cache folder, keyed by their sources.

A hit skips YAML entirely. The key hashes the engine version and every source file's path and
bytes, so an edit, a new file or a new engine all miss. An entry is JSON lines: a header (key,
format, checksum of the rest, diagnostics, figures), the story without its scenes, then one line
per scene, which is parsed only when the scene is first used. A damaged entry fails its checksum
and is rebuilt; entries are written to a temp file and renamed into place,
so a crash mid-write never leaves half a file behind. Never pickle: a cache file must not be
able to run code either.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path

from game import __version__
from game.content.files import STORY_FILE_NAME, LoadResult, StoryStats, story_files
from game.content.gc_pause import gc_paused
from game.core.story_json import (
    diagnostics_from_json,
    diagnostics_to_json,
    encode_story,
    story_from_encoded_scenes,
)

CACHE_ENV = "GOOD_STANDING_CACHE_DIR"
# Bump when the compiled form changes shape, so old entries miss instead of failing.
CACHE_FORMAT = 4


def default_cache_dir() -> Path:
    override = os.environ.get(CACHE_ENV)
    if override:
        return Path(override)
    import platformdirs  # imported here: only a default lookup needs it

    return Path(platformdirs.user_cache_dir("good-standing", appauthor=False)) / "stories"


def cache_key(folder: Path) -> str:
    digest = hashlib.sha256(f"{__version__}\0{CACHE_FORMAT}\0{folder}\0".encode())
    for path in story_files(folder):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def _fresh_load(folder: Path) -> LoadResult:
    # The loader (and YAML) are imported only on a miss: a hit never needs them.
    from game.content.loader import load_story

    return load_story(folder)


def load_story_cached(folder: Path, cache_dir: Path | None = None) -> LoadResult:
    """Like load_story, but served from (and stored into) the compiled cache when possible."""
    if not (folder / STORY_FILE_NAME).is_file():
        return _fresh_load(folder)
    directory = cache_dir if cache_dir is not None else default_cache_dir()
    try:
        key = cache_key(folder)
    except OSError:
        return _fresh_load(folder)
    entry = directory / f"{key}.json"
    with gc_paused():
        cached = _read_entry(entry, key)
        if cached is not None:
            return cached
        result = _fresh_load(folder)
        if result.story is not None:
            _write_entry(directory, entry, key, result)
        return result


def _read_entry(entry: Path, key: str) -> LoadResult | None:
    try:
        data = entry.read_bytes()
    except OSError:
        return None
    try:
        newline = data.index(b"\n")
        header = json.loads(data[:newline])
        body = data[newline + 1 :]
        if header["key"] != key or header["format"] != CACHE_FORMAT:
            return None
        if hashlib.sha256(body).hexdigest() != header["checksum"]:
            return None
        meta_line, *scene_lines = body.split(b"\n")
        story = story_from_encoded_scenes(json.loads(meta_line), scene_lines)
        stats = StoryStats(*header["stats"])
        return LoadResult(story, diagnostics_from_json(header["diagnostics"]), stats)
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        # Damaged or foreign: ignore it; the fresh load overwrites it.
        return None


def _write_entry(directory: Path, entry: Path, key: str, result: LoadResult) -> None:
    assert result.story is not None and result.stats is not None
    # encode(), not dump(): only whole-value encoding uses the C encoder. Story data is acyclic
    # by construction, so the circular-reference scan is pure cost.
    meta, scenes = encode_story(result.story)
    encoder = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), check_circular=False)
    # Compact JSON never holds a raw newline (strings escape it), so lines split safely.
    body = "\n".join([encoder.encode(meta), *map(encoder.encode, scenes)]).encode("utf-8")
    stats = result.stats
    header = {
        "key": key,
        "format": CACHE_FORMAT,
        "checksum": hashlib.sha256(body).hexdigest(),
        "stats": [stats.scenes, stats.choices, stats.endings, stats.words],
        "diagnostics": diagnostics_to_json(result.diagnostics),
    }
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=directory, prefix=".entry-", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(json.dumps(header, ensure_ascii=False).encode("utf-8"))
                out.write(b"\n")
                out.write(body)
            # No fsync: unlike a save, a torn cache entry loses nothing; it fails its checksum
            # and is rebuilt. The rename still keeps readers from ever seeing half a file.
            os.replace(temp, entry)
        except BaseException:
            Path(temp).unlink(missing_ok=True)
            raise
    except OSError:
        pass  # a read-only or full cache folder only costs speed, never a result
