"""The report card at an ending, built from the ledger: what both front ends show last."""

from __future__ import annotations

from dataclasses import dataclass

from game.core.ledger import (
    Move,
    StatusChange,
    biggest_moves,
    main_meter,
    net_status,
    series,
    status_changes,
)
from game.core.runner import MeterView, Runner


@dataclass(frozen=True, slots=True)
class ReportCard:
    title: str
    epithet: str | None
    meter: MeterView | None  # the main meter, at the end
    series: tuple[tuple[int, int | float], ...]  # the main meter over turns
    moves: tuple[Move, ...]  # the choices that moved the main meter most
    gained: tuple[str, ...]  # privileges and sanctions held at the end and not at the start
    lost: tuple[str, ...]
    status_changes: tuple[StatusChange, ...]
    meters: tuple[MeterView, ...]  # every meter at the end, hidden ones included
    revealed: tuple[MeterView, ...]  # the hidden meters, shown now that the story is over
    turns: int


def report_card(runner: Runner, moves: int = 5) -> ReportCard:
    """The report card for a runner at an ending (or anywhere: a pause screen may show one)."""
    story = runner.story
    state = runner.state
    ending = runner.page.ending
    meter = main_meter(story)
    views = runner.meters()
    main_view = next((v for v in views if meter is not None and v.id == meter.id), None)
    gained, lost = net_status(story, state)
    return ReportCard(
        title=ending.title if ending else (runner.page.title or story.manifest.title),
        epithet=ending.epithet if ending else None,
        meter=main_view,
        series=tuple(series(state.ledger, meter.id, meter.start)) if meter else (),
        moves=tuple(biggest_moves(state.ledger, state.history, meter.id, moves)) if meter else (),
        gained=tuple(gained),
        lost=tuple(lost),
        status_changes=tuple(status_changes(story, state.tiers)),
        meters=views,
        revealed=tuple(v for v in views if not v.visible),
        turns=state.turn,
    )
