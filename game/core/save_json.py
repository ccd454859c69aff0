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
from game.core.state import HistoryEntry, LedgerEntry, State, TierEntry
from game.core.story import RELATIONSHIP_MAX, RELATIONSHIP_MIN, Story

SAVE_KIND = "good-standing-save"
SAVE_VERSION = 1

Json = Any
_T = TypeVar("_T")


class SaveError(Exception):
    """A save that cannot be loaded, and why, in words a player can act on."""


def _canonical(data: Json) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def checksum(body: Json) -> str:
    return "sha256:" + hashlib.sha256(_canonical(body)).hexdigest()


def state_to_json(story: Story, state: State, meta: Json | None = None) -> Json:
    """The save document for `state`. `meta` (slot name, time, scene title...) is the front
    end's, kept as given and covered by the checksum."""
    body = {
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
            "values": dict(state.values),
            "visits": dict(state.visits),
            "taken": sorted(state.taken),
            "returns": list(state.returns),
            "interrupts": list(state.interrupts),
            "fired": sorted(state.fired),
            "ledger": [list(entry) for entry in state.ledger],
            "tiers": [list(entry) for entry in state.tiers],
            "history": [list(entry) for entry in state.history],
        },
    }
    return {**body, "checksum": checksum(body)}


def save_meta(data: Json) -> Json:
    """The front end's `meta` of a save document, without loading its state."""
    if not isinstance(data, dict) or not isinstance(data.get("meta"), dict):
        raise SaveError("this is not a Good Standing save")
    return data["meta"]


def state_from_json(story: Story, data: Json) -> State:
    """The State a save document holds, carried over to `story`; SaveError if it cannot be."""
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
    body = {key: value for key, value in data.items() if key != "checksum"}
    if data.get("checksum") != checksum(body):
        raise SaveError("the save is damaged: its contents do not match its checksum")
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
        state.values["turn"] = turn
        state.values["day"] = day
        state.values["period"] = period_name
        state.values["day_name"] = clock.day_name(day)
        state.values["circle_size"] = sum(
            1 for c in story.characters if state.values[f"{c}.in_circle"]
        )
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
            self.scene(s, "waiting event") for s in self.items("interrupts", _is_text, "text")
        ]
        state.fired = set(self.items("fired", _is_text, "text"))
        state.ledger = [
            LedgerEntry(
                turn,
                day_,
                self.rename(scene_),
                choice,
                rule,
                self.rename_target(meter),
                delta,
                value,
                reason,
            )
            for turn, day_, scene_, choice, rule, meter, delta, value, reason in self.items(
                "ledger", _ledger_shape, "a ledger entry"
            )
        ]
        state.tiers = [
            TierEntry(turn_, self.rename(meter), old, new)
            for turn_, meter, old, new in self.items("tiers", _tier_shape, "a tier change")
        ]
        state.history = [
            HistoryEntry(turn_, self.rename(scene_), choice, text)
            for turn_, scene_, choice, text in self.items(
                "history", _history_shape, "a history entry"
            )
        ]
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
            if name in _ENGINE_NAMES:
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
        for name, default in _defaults(self.story).items():
            values.setdefault(name, default)
        return values


# Kept by the engine and rebuilt from the clock and circle on load, never trusted from a file.
_ENGINE_NAMES = frozenset({"turn", "day", "period", "day_name", "circle_size"})


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


def _defaults(story: Story) -> dict[str, Value]:
    values: dict[str, Value] = {}
    for meter in story.meters.values():
        values[meter.id] = meter.start
    for flag in story.flags.values():
        values[flag.id] = flag.default
    for variable in story.variables.values():
        values[variable.id] = variable.default
    for character in story.characters.values():
        for meter in story.meters.values():
            values[f"{character.id}.{meter.id}"] = character.meters.get(meter.id, meter.start)
        values[f"{character.id}.relationship"] = character.relationship
        values[f"{character.id}.in_circle"] = character.in_circle
        values[f"{character.id}.blocked"] = False
    return values


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


def _is_int(item: Json) -> bool:
    return isinstance(item, int) and not isinstance(item, bool)


def _is_optional_text(item: Json) -> bool:
    return item is None or isinstance(item, str)


def _ledger_shape(item: Json) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 9
        and _is_int(item[0])
        and _is_int(item[1])
        and _is_text(item[2])
        and _is_optional_text(item[3])
        and _is_optional_text(item[4])
        and _is_text(item[5])
        and isinstance(item[6], int | float)
        and not isinstance(item[6], bool)
        and isinstance(item[7], int | float | str | bool)
        and _is_text(item[8])
    )


def _tier_shape(item: Json) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 4
        and _is_int(item[0])
        and _is_text(item[1])
        and _is_optional_text(item[2])
        and _is_optional_text(item[3])
    )


def _history_shape(item: Json) -> bool:
    return (
        isinstance(item, list)
        and len(item) == 4
        and _is_int(item[0])
        and all(_is_text(part) for part in item[1:])
    )


def _describe(value: Json) -> str:
    text = json.dumps(value, ensure_ascii=False) if value is not None else "nothing"
    return text if len(text) <= 40 else text[:37] + "..."
