"""Questions the consequence ledger answers: a meter over time, the choices that moved it most,
the privileges and sanctions gained and lost. The report card at an ending is built from these.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from game.core.state import HistoryEntry, LedgerEntry, State, TierEntry
from game.core.story import Meter, Story


@dataclass(frozen=True, slots=True)
class Move:
    """What one turn did to a meter: the choice made, the net change and the reasons given."""

    turn: int
    scene: str
    choice: str | None
    text: str  # the choice as the player read it; "" for what happened on arriving somewhere
    delta: int | float
    reasons: tuple[str, ...]


def main_meter(story: Story) -> Meter | None:
    """The meter a front end puts on the player's chest: the first badge, else the first
    visible meter, else the first meter."""
    meters = list(story.meters.values())
    for meter in meters:
        if meter.display == "badge":
            return meter
    visible = [meter for meter in meters if meter.visible]
    if visible:
        return visible[0]
    return meters[0] if meters else None


def series(
    ledger: Sequence[LedgerEntry], meter: str, start: int | float
) -> list[tuple[int, int | float]]:
    """(turn, value) at turn 0 and after every turn that changed `meter`: a chart's points."""
    points: list[tuple[int, int | float]] = [(0, start)]
    for entry in ledger:
        if entry.meter != meter:
            continue
        value = entry.value
        assert isinstance(value, int | float)
        if points[-1][0] == entry.turn:
            points[-1] = (entry.turn, value)
        else:
            points.append((entry.turn, value))
    return points


def biggest_moves(
    ledger: Sequence[LedgerEntry],
    history: Sequence[HistoryEntry],
    meter: str,
    count: int = 5,
) -> list[Move]:
    """What changed `meter` most (by size; ties to the earlier turn): each choice with the rules
    it set off, and apart from it, what happened on arriving somewhere (a scene's `on_enter`,
    an event), so that an overdue fine met at the desk is not blamed on the smile before it."""
    made = {entry.turn: entry for entry in history}
    groups: dict[tuple[int, str | None], list[LedgerEntry]] = {}
    for entry in ledger:
        if entry.meter == meter:
            groups.setdefault((entry.turn, entry.choice), []).append(entry)
    moves: list[Move] = []
    for (turn, choice), entries in groups.items():
        delta = sum(entry.delta for entry in entries)
        if delta == 0:
            continue
        by_choice = made.get(turn) if choice is not None else None
        moves.append(
            Move(
                turn=turn,
                scene=entries[0].scene,
                choice=choice,
                text=by_choice.text if by_choice else "",
                delta=delta,
                reasons=tuple(dict.fromkeys(entry.reason for entry in entries)),
            )
        )
    moves.sort(key=lambda move: (-abs(move.delta), move.turn, move.choice is None))
    return moves[:count]


@dataclass(frozen=True, slots=True)
class StatusChange:
    """A privilege or sanction that came or went when a meter changed tier."""

    turn: int
    meter: str
    name: str
    kind: str  # "privilege" or "sanction"
    gained: bool


def status_changes(story: Story, tiers: Sequence[TierEntry]) -> list[StatusChange]:
    """Every privilege and sanction gained or lost, in the order it happened."""
    changes: list[StatusChange] = []
    for entry in tiers:
        meter = story.meters.get(entry.meter)
        if meter is None:
            continue
        by_id = {tier.id: tier for tier in meter.tiers}
        old = by_id.get(entry.old) if entry.old else None
        new = by_id.get(entry.new) if entry.new else None
        for kind, had, has in (
            ("privilege", old.privileges if old else (), new.privileges if new else ()),
            ("sanction", old.sanctions if old else (), new.sanctions if new else ()),
        ):
            for name in had:
                if name not in has:
                    changes.append(StatusChange(entry.turn, meter.id, name, kind, False))
            for name in has:
                if name not in had:
                    changes.append(StatusChange(entry.turn, meter.id, name, kind, True))
    return changes


def net_status(story: Story, state: State) -> tuple[list[str], list[str]]:
    """Privileges and sanctions held at the end but not at the start (gained), and the reverse
    (lost): what a playthrough changed, however it zig-zagged on the way."""
    start: set[str] = set()
    end: set[str] = set()
    for meter in story.meters.values():
        if not meter.tiers:
            continue
        first = meter.tier_at(meter.start)
        value = state.values.get(meter.id, meter.start)
        assert isinstance(value, int | float)
        last = meter.tier_at(int(value))
        for tier, bucket in ((first, start), (last, end)):
            if tier is not None:
                bucket.update(tier.privileges)
                bucket.update(tier.sanctions)
    ordered = _declared_order(story)
    gained = [name for name in ordered if name in end and name not in start]
    lost = [name for name in ordered if name in start and name not in end]
    return gained, lost


def _declared_order(story: Story) -> list[str]:
    names: list[str] = []
    for meter in story.meters.values():
        for tier in meter.tiers:
            for name in (*tier.privileges, *tier.sanctions):
                if name not in names:
                    names.append(name)
    return names
