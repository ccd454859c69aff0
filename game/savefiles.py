"""Save files on disk: written atomically, read with clear errors, kept per story and slot.

A save is written to a temporary file in the same folder, flushed and fsynced, then moved over
the old one with os.replace: a crash or a full disk mid-write leaves the previous save intact.
Reading never raises anything but SaveError, whatever the bytes on disk are.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import platformdirs

from game.core.save_json import SaveError, decode_body, encode_save, save_meta, state_from_json
from game.core.state import State
from game.core.story import Story

# Saves are small; anything much larger is not one of ours, and is not read into memory.
MAX_SAVE_BYTES = 16 * 1024 * 1024
_SLOT = re.compile(r"[A-Za-z0-9_-]{1,40}\Z")


def saves_root() -> Path:
    """Where saves live: GOOD_STANDING_DATA_DIR if set (tests, kiosks), else the user data dir."""
    override = os.environ.get("GOOD_STANDING_DATA_DIR")
    base = Path(override) if override else Path(platformdirs.user_data_dir("good-standing"))
    return base / "saves"


def slot_path(story_id: str, slot: str, root: Path | None = None) -> Path:
    if not _SLOT.match(slot):
        raise SaveError(
            f"'{slot}' cannot name a save slot: use up to 40 letters, digits, '-' or '_'"
        )
    return (root or saves_root()) / story_id / f"{slot}.json"


def write_save(path: Path, story: Story, state: State, meta: dict[str, Any] | None = None) -> None:
    """Write `state` to `path` atomically. Raises OSError if the disk refuses."""
    write_atomically(path, encode_save(story, state, meta))


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable where the OS allows it (POSIX; not Windows)."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def read_document(path: Path) -> Any:
    """The save body in a file, checksum verified, or SaveError saying plainly what is wrong."""
    try:
        size = path.stat().st_size
        if size > MAX_SAVE_BYTES:
            raise SaveError(f"{path.name} is too large to be a save ({size:,} bytes)")
        raw = path.read_bytes()
    except FileNotFoundError:
        raise SaveError(f"there is no save called {path.stem}") from None
    except OSError as error:
        raise SaveError(f"{path.name} cannot be read: {error.strerror or error}") from None
    return decode_body(raw, path.name)


def read_save(path: Path, story: Story) -> State:
    return state_from_json(story, read_document(path))


def read_meta(path: Path) -> dict[str, Any]:
    """The front end's description of a slot (time, scene, standing) without loading it."""
    meta = save_meta(read_document(path))
    return dict(meta)


def list_slots(story_id: str, root: Path | None = None) -> list[Path]:
    folder = (root or saves_root()) / story_id
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.json") if not p.name.startswith("."))
