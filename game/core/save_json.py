"""A State as JSON and back: versioned, checksummed, checked field by field, migrated by the story.

Never pickle (it runs code, and Ren'Py's pickled saves break across versions). A save names
the story and version it was made with; loading it into a newer version of the story applies
the story's `renamed` ids and gives new meters, flags and variables their defaults. Whatever
cannot be carried over is named in a SaveError, and nothing is half-loaded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from typing import Any, TypeVar

from game.core.expressions import Value
from game.core.rng import normalise_seed
from game.core.state import (
    ENGINE_NAMES,
    HistoryEntry,
    Interruption,
    LedgerEntry,
    State,
    TierEntry,
    default_values,
    sync_engine_values,
)
from game.core.story import RELATIONSHIP_MAX, RELATIONSHIP_MIN, Story

SAVE_KIND = "good-standing-save"
SAVE_VERSION = 1

Json = Any
_T = TypeVar("_T")


class SaveError(Exception):
    """A save that cannot be loaded, and why, in words a player can act on."""


# On disk a save is one JSON document whose checksum covers the exact bytes of its body:
#     {"checksum":"sha256:<64 hex digits>","save":<body>}
# so writing costs one serialisation and loading one parse, and any edit to the body (even
# re-indenting it) reads as damage rather than loading something nobody wrote.
_ENVELOPE_HEAD = b'{"checksum":"sha256:'
_ENVELOPE_MIDDLE = b'","save":'
_DIGEST_LENGTH = 64
_BODY_START = len(_ENVELOPE_HEAD) + _DIGEST_LENGTH + len(_ENVELOPE_MIDDLE)


def state_to_json(story: Story, state: State, meta: Json | None = None) -> Json:
    """The save body for `state`: format, story, the front end's `meta` (slot name, time,
    scene title...) kept as given, and the state. Shares nothing with `state`."""
    body = _body(story, state, meta)
    return json.loads(json.dumps(body))


def _body(story: Story, state: State, meta: Json | None) -> Json:
    """The save body, holding the state's own containers: serialise it at once."""
    return {
        "kind": SAVE_KIND,
        "version": SAVE_VERSION,
        "story": {"id": story.manifest.id, "version": story.manifest.version},
        "meta": meta if meta is not None else {},
        "state": {
            "scene": state.scene,
            "seed": state.seed,
            "turn": state.turn,
            "day": state.day,
            "period": story.clock.periods[state.period],
            "draws": state.page_draws,
            "values": state.values,
            "visits": state.visits,
            "taken": sorted(state.taken),
            "returns": state.returns,
            "interrupts": state.interrupts,
            "fired": sorted(state.fired),
            # NamedTuples serialise as lists: no copies needed.
            "ledger": state.ledger,
            "tiers": state.tiers,
            "history": state.history,
        },
    }


def encode_save(story: Story, state: State, meta: Json | None = None) -> bytes:
    """The bytes of a save file for `state`, checksummed."""
    return seal(_body(story, state, meta))


def seal(body: Json) -> bytes:
    """A save body as the bytes of a save file, under a checksum of exactly those bytes."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    digest = hashlib.sha256(data).hexdigest().encode("ascii")
    return b"".join((_ENVELOPE_HEAD, digest, _ENVELOPE_MIDDLE, data, b"}\n"))


def decode_body(data: bytes, name: str = "the save") -> Json:
    """The body of a save file's bytes, once its checksum is verified; SaveError otherwise.
    `name` is how messages refer to the file ("quicksave.json")."""
    data = data.strip()
    if not data.startswith(_ENVELOPE_HEAD) or not data[:_BODY_START].endswith(_ENVELOPE_MIDDLE):
        raise SaveError(_foreign(data, name))
    body = data[_BODY_START:-1]
    expected = data[len(_ENVELOPE_HEAD) : len(_ENVELOPE_HEAD) + _DIGEST_LENGTH]
    if not data.endswith(b"}") or hashlib.sha256(body).hexdigest().encode("ascii") != expected:
        if _parses(data):
            raise SaveError(f"{name} is damaged: its contents do not match its checksum")
        raise SaveError(f"{name} is damaged (cut short or overwritten): it cannot be loaded")
    try:
        return json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise SaveError(f"{name} is damaged: it cannot be read") from None


def _parses(data: bytes) -> bool:
    try:
        json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return False
    return True


def _foreign(data: bytes, name: str) -> str:
    """Why bytes that do not start like a save are refused: damage, an edit, or another file."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        return f"{name} is damaged (cut short or overwritten): it cannot be loaded"
    if isinstance(document, dict) and "checksum" in document and "save" in document:
        return f"{name} was edited (even re-indenting a save changes it) and is damaged"
    return f"{name} is not a Good Standing save"


def decode_save(story: Story, data: bytes) -> State:
    """The State in a save file's bytes, carried over to `story`; SaveError if it cannot be."""
    return state_from_json(story, decode_body(data))


def save_meta(body: Json) -> Json:
    """The front end's `meta` of a save body, without loading its state."""
    if not isinstance(body, dict) or not isinstance(body.get("meta"), dict):
        raise SaveError("this is not a Good Standing save")
    return body["meta"]


def state_from_json(story: Story, data: Json) -> State:
    """The State a save body holds, carried over to `story`; SaveError if it cannot be.
    Every field is checked: a checksum only catches accidents, and anyone can recompute one."""
    if not isinstance(data, dict) or data.get("kind") != SAVE_KIND:
        raise SaveError("this is not a Good Standing save")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SaveError("the save has no format version")
    if version > SAVE_VERSION:
        raise SaveError(
            f"the save was made by a newer Good Standing (save format {version}; this one reads"
            f" up to {SAVE_VERSION}): update the game to load it"
        )
    saved_story = data.get("story")
    if not isinstance(saved_story, dict) or saved_story.get("id") != story.manifest.id:
        found = saved_story.get("id") if isinstance(saved_story, dict) else None
        raise SaveError(f"the save belongs to the story '{found}', not to '{story.manifest.id}'")
    raw = data.get("state")
    if not isinstance(raw, dict):
        raise SaveError("the save is damaged: it has no state")
    return _Reader(story, raw).state()


class _Reader:
    """Reads a save's state, checking each field and applying the story's renames."""

    def __init__(self, story: Story, raw: dict[str, Json]) -> None:
        self.story = story
        self.raw = raw
        self.renamed = story.renamed

    def field(self, name: str, kind: type[_T], what: str) -> _T:
        value = self.raw.get(name)
        # bool is an int to Python, never to a save.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise SaveError(
                f"the save is damaged: '{name}' should be {what}, got {_describe(value)}"
            )
        return value

    def items(self, name: str, check: Callable[[Json], bool], what: str) -> list[Json]:
        values = self.field(name, list, "a list")
        for item in values:
            if not check(item):
                raise SaveError(
                    f"the save is damaged: an entry of '{name}' should be {what}, got"
                    f" {_describe(item)}"
                )
        return values

    def rename(self, ident: str) -> str:
        return self.renamed.get(ident, ident)

    def scene(self, ident: str, role: str) -> str:
        scene = self.rename(ident)
        if scene not in self.story.scenes:
            raise SaveError(
                f"the save's {role} is scene '{ident}', which this version of the story"
                f" ({self.story.manifest.version}) no longer has"
            )
        return scene

    def state(self) -> State:
        story = self.story
        clock = story.clock
        scene = self.scene(self.field("scene", str, "a scene id"), "current scene")
        period_name = self.field("period", str, "a time of day")
        if period_name not in clock.periods:
            raise SaveError(
                f"the save's time of day is '{period_name}', which this story does not have"
                f" (it has {', '.join(clock.periods)})"
            )
        day = self.field("day", int, "a whole number")
        turn = self.field("turn", int, "a whole number")
        draws = self.field("draws", int, "a whole number")
        if day < 1 or turn < 0 or draws < 0:
            raise SaveError("the save is damaged: its day, turn or draws are out of range")
        state = State(
            scene=scene,
            values=self.values(),
            seed=normalise_seed(self.field("seed", int, "a whole number")),
            turn=turn,
            day=day,
            period=clock.periods.index(period_name),
            draws=draws,
            page_draws=draws,
        )
        sync_engine_values(story, state)
        visits = self.field("visits", dict, "a mapping")
        for ident, count in visits.items():
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise SaveError(f"the save is damaged: visits of '{ident}' is {_describe(count)}")
            renamed = self.rename(ident)
            if renamed in story.scenes:  # visits of a scene that is gone matter to nothing
                state.visits[renamed] = state.visits.get(renamed, 0) + count
        for key in self.items("taken", _is_text, "text"):
            scene_id, _, choice = key.partition("/")
            state.taken.add(f"{self.rename(scene_id)}/{choice}")
        state.returns = [
            self.scene(s, "place to return to") for s in self.items("returns", _is_text, "text")
        ]
        state.interrupts = [
            Interruption(self.scene(scene, "waiting event"), cause)
            for scene, cause in self.items("interrupts", _interruption_shape, "[scene, cause]")
        ]
        state.fired = set(self.items("fired", _is_text, "text"))
        ledger = self.items("ledger", _ledger_shape, "a ledger entry")
        tiers = self.items("tiers", _tier_shape, "a tier change")
        history = self.items("history", _history_shape, "a history entry")
        if not self.renamed:  # the usual case: entries as saved
            state.ledger = [LedgerEntry(*entry) for entry in ledger]
            state.tiers = [TierEntry(*entry) for entry in tiers]
            state.history = [HistoryEntry(*entry) for entry in history]
            return state
        rename = self.rename
        state.ledger = [
            LedgerEntry(t, d, rename(sc), ch, ru, self.rename_target(me), de, va, re)
            for t, d, sc, ch, ru, me, de, va, re in ledger
        ]
        state.tiers = [TierEntry(t, rename(meter), old, new) for t, meter, old, new in tiers]
        state.history = [HistoryEntry(t, rename(sc), ch, tx) for t, sc, ch, tx in history]
        return state

    def rename_target(self, target: str) -> str:
        who, dot, field = target.partition(".")
        if not dot:
            return self.rename(target)
        return f"{self.rename(who)}.{self.rename(field)}"

    def values(self) -> dict[str, Value]:
        """The saved values under the story's current names; defaults for names it added."""
        saved = self.field("values", dict, "a mapping")
        expected = _expected_values(self.story)
        values: dict[str, Value] = {}
        missing: list[str] = []
        for name, value in saved.items():
            current = self.rename_target(name)
            if name in ENGINE_NAMES:
                continue
            if current not in expected:
                missing.append(name)
                continue
            kind, low, high = expected[current]
            if not _fits(value, kind):
                raise SaveError(
                    f"the save is damaged: '{name}' should be {kind}, got {_describe(value)}"
                )
            if low is not None and high is not None:
                value = min(max(value, low), high)
            values[current] = value
        if missing:
            raise SaveError(
                "the save holds values this version of the story no longer has: "
                + ", ".join(sorted(missing))
                + ". The story can carry them over by naming their new ids under 'renamed'"
            )
        for name, default in default_values(self.story).items():
            values.setdefault(name, default)
        return values


def _expected_values(story: Story) -> dict[str, tuple[str, int | None, int | None]]:
    """Every name a state holds: its kind (as a save error words it) and bounds."""
    expected: dict[str, tuple[str, int | None, int | None]] = {}
    for meter in story.meters.values():
        expected[meter.id] = ("a whole number", meter.min, meter.max)
    for flag in story.flags:
        expected[flag] = ("true or false", None, None)
    for variable in story.variables.values():
        kind = "text" if isinstance(variable.default, str) else "a number"
        expected[variable.id] = (kind, None, None)
    for character in story.characters:
        for meter in story.meters.values():
            expected[f"{character}.{meter.id}"] = ("a whole number", meter.min, meter.max)
        expected[f"{character}.relationship"] = (
            "a whole number",
            RELATIONSHIP_MIN,
            RELATIONSHIP_MAX,
        )
        expected[f"{character}.in_circle"] = ("true or false", None, None)
        expected[f"{character}.blocked"] = ("true or false", None, None)
    return expected


def _fits(value: Json, kind: str) -> bool:
    if kind == "true or false":
        return isinstance(value, bool)
    if kind == "text":
        return isinstance(value, str)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return kind == "a number" or isinstance(value, int)


def _is_text(item: Json) -> bool:
    return isinstance(item, str)


# Shape checks run once per entry of long lists: plain `type() is` tests, no helper calls.
_NUMBER_TYPES = (int, float)
_VALUE_TYPES = (int, float, str, bool)
_OPTIONAL_TEXT = (str, type(None))


def _ledger_shape(item: Json) -> bool:
    if type(item) is not list or len(item) != 9:
        return False
    turn, day, scene, choice, rule, meter, delta, value, reason = item
    return (
        type(turn) is int
        and type(day) is int
        and type(scene) is str
        and type(choice) in _OPTIONAL_TEXT
        and type(rule) in _OPTIONAL_TEXT
        and type(meter) is str
        and type(delta) in _NUMBER_TYPES
        and type(value) in _VALUE_TYPES
        and type(reason) is str
    )


def _interruption_shape(item: Json) -> bool:
    return type(item) is list and len(item) == 2 and type(item[0]) is str and type(item[1]) is str


def _tier_shape(item: Json) -> bool:
    if type(item) is not list or len(item) != 4:
        return False
    turn, meter, old, new = item
    return (
        type(turn) is int
        and type(meter) is str
        and type(old) in _OPTIONAL_TEXT
        and type(new) in _OPTIONAL_TEXT
    )


def _history_shape(item: Json) -> bool:
    if type(item) is not list or len(item) != 4:
        return False
    turn, scene, choice, text = item
    return type(turn) is int and type(scene) is str and type(choice) is str and type(text) is str


def _describe(value: Json) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not None else "nothing"
    return text if len(text) <= 40 else text[:37] + "..."
