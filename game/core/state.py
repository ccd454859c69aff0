"""The mutable side of play: everything a save holds, as plain data (see save_json.py).

The Story is immutable and shared; a State is one playthrough of it. The Runner is the only
thing that changes a State, so every change goes through the story's rules and the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from game.core.expressions import Value
from game.core.story import Story


class LedgerEntry(NamedTuple):
    """One change to a meter: when, where, why, by how much, and the value it left."""

    turn: int
    day: int
    scene: str
    choice: str | None  # the choice whose step made the change (None: the opening, an event)
    rule: str | None  # the rule that made it (a rule id, "association", "meter.tier.on_enter")
    meter: str  # a meter id, or a character's "mara.standing" / "mara.relationship"
    delta: int | float
    value: Value  # the value after the change
    reason: str


class TierEntry(NamedTuple):
    """The player's value of a meter moved from one tier to another."""

    turn: int
    meter: str
    old: str | None
    new: str | None


class Interruption(NamedTuple):
    """A scene waiting to interrupt play, and what sent it: "schedule:<event id>", or
    "tier:<meter>.<tier>.on_enter" (or on_leave)."""

    scene: str
    cause: str


class HistoryEntry(NamedTuple):
    """A choice the player made: the backlog and the report card read these."""

    turn: int
    scene: str
    choice: str
    text: str


@dataclass(slots=True)
class State:
    scene: str
    # Every meter, flag and variable, each character's values ("mara.standing") and the
    # engine's own names (turn, day, period, day_name, circle_size), by name: one dict lookup
    # per name an expression reads.
    values: dict[str, Value]
    seed: int
    turn: int = 0
    day: int = 1
    period: int = 0  # index into the story's clock periods
    visits: dict[str, int] = field(default_factory=dict)
    taken: set[str] = field(default_factory=set)  # "scene/choice" of non-sticky choices taken
    draws: int = 0  # random numbers drawn so far
    # Draws made before the current page was built: a loaded save rebuilds the page from here,
    # so that chance() in its text and choices comes out as it did before saving.
    page_draws: int = 0
    returns: list[str] = field(default_factory=list)  # where `goto: return` resumes
    interrupts: list[Interruption] = field(default_factory=list)  # waiting to interrupt play
    fired: set[str] = field(default_factory=set)  # scheduled events already due
    ledger: list[LedgerEntry] = field(default_factory=list)
    tiers: list[TierEntry] = field(default_factory=list)
    history: list[HistoryEntry] = field(default_factory=list)

    def checkpoint(self) -> Checkpoint:
        """Enough to put this State back as it is now: a step that fails half-way is undone."""
        return Checkpoint(
            self.scene,
            dict(self.values),
            self.turn,
            self.day,
            self.period,
            dict(self.visits),
            set(self.taken),
            self.draws,
            self.page_draws,
            list(self.returns),
            list(self.interrupts),
            set(self.fired),
            len(self.ledger),
            len(self.tiers),
            len(self.history),
        )

    def roll_back(self, checkpoint: Checkpoint) -> None:
        """Return to `checkpoint`, in place: whoever holds this State (or its values) sees it."""
        point = checkpoint
        self.scene = point.scene
        self.values.clear()
        self.values.update(point.values)
        self.turn, self.day, self.period = point.turn, point.day, point.period
        self.visits.clear()
        self.visits.update(point.visits)
        self.taken.clear()
        self.taken.update(point.taken)
        self.draws, self.page_draws = point.draws, point.page_draws
        self.returns[:] = point.returns
        self.interrupts[:] = point.interrupts
        self.fired.clear()
        self.fired.update(point.fired)
        # The logs only grow during a step: cutting them back to their length undoes it.
        del self.ledger[point.ledger :]
        del self.tiers[point.tiers :]
        del self.history[point.history :]


class Checkpoint(NamedTuple):
    scene: str
    values: dict[str, Value]
    turn: int
    day: int
    period: int
    visits: dict[str, int]
    taken: set[str]
    draws: int
    page_draws: int
    returns: list[str]
    interrupts: list[Interruption]
    fired: set[str]
    ledger: int
    tiers: int
    history: int


def default_values(story: Story) -> dict[str, Value]:
    """Every value a new playthrough starts with, but for the engine's own (turn, day...):
    meters, flags, variables, and each character's meters, relationship and circle."""
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


# Names the engine keeps in `values` for expressions to read, with what each means (check's
# messages quote it). Rebuilt from the State, never loaded from a save; no story may declare them.
ENGINE_NAMES = {
    "turn": "the number of turns played",
    "day": "the day of the story",
    "period": "the period of the day",
    "day_name": "the name of the day",
    "circle_size": "how many characters are in the player's circle",
}


def sync_engine_values(story: Story, state: State) -> None:
    """Set the engine's own names in `state.values` from the turn, clock and circle."""
    values = state.values
    clock = story.clock
    values["turn"] = state.turn
    values["day"] = state.day
    values["period"] = clock.periods[state.period]
    values["day_name"] = clock.day_name(state.day)
    values["circle_size"] = sum(1 for c in story.characters if values[f"{c}.in_circle"])
