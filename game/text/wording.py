"""How the runner's views read as plain text: consequence lines, status lines, choices, wrapping."""

from __future__ import annotations

import codecs
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass

from game.core.ledger import Move
from game.core.runner import Change, ChoiceView, ClockView, MeterView, TierShift
from game.core.story import format_value


@dataclass(frozen=True, slots=True)
class Glyphs:
    """The few symbols the player prints beyond ASCII, and plain stand-ins for terminals
    whose encoding lacks them (a Windows console, say)."""

    minus: str
    dash: str
    arrow: str
    dot: str


UNICODE = Glyphs(minus="\u2212", dash="\u2014", arrow="\u2192", dot="\u00b7")
ASCII = Glyphs(minus="-", dash="-", arrow="->", dot="|")


def glyphs_for(encoding: str | None) -> Glyphs:
    """UNICODE when text in `encoding` can carry every glyph (or the encoding is unknown)."""
    if not encoding:
        return UNICODE
    try:
        codecs.lookup(encoding)
        "".join((UNICODE.minus, UNICODE.dash, UNICODE.arrow, UNICODE.dot)).encode(encoding)
    except (LookupError, UnicodeEncodeError):
        return ASCII
    return UNICODE


def number(value: int | float) -> str:
    """3 not 3.0; at most two decimals for the odd fractional value."""
    if isinstance(value, float) and not value.is_integer():
        return f"{round(value, 2):g}"
    return format_value(value)


def signed(delta: int | float, glyphs: Glyphs) -> str:
    """+5 for a gain, −40 (a real minus sign where the terminal has one) for a loss."""
    sign = "+" if delta > 0 else glyphs.minus if delta < 0 else ""
    return sign + number(abs(delta))


def change_line(change: Change, glyphs: Glyphs) -> str:
    """ "Standing −40 — smoking on a train"; "Mara Voss: Standing +5 — ..." for a character."""
    line = f"{change.label} {signed(change.delta, glyphs)}"
    reason = change.reason.strip()
    return f"{line} {glyphs.dash} {reason}" if reason else line


def tier_shift_line(shift: TierShift, meter_label: str, glyphs: Glyphs) -> str:
    """ "Standing: Good Citizen → Under Review (lost: train_travel; gained: throttled)"."""
    old = shift.old.label if shift.old is not None else "no tier"
    new = shift.new.label if shift.new is not None else "no tier"
    parts = []
    if shift.lost:
        parts.append("lost: " + ", ".join(shift.lost))
    if shift.gained:
        parts.append("gained: " + ", ".join(shift.gained))
    detail = f" ({'; '.join(parts)})" if parts else ""
    return f"{meter_label}: {old} {glyphs.arrow} {new}{detail}"


def clock_text(clock: ClockView, named_days: bool) -> str:
    """ "Day 2, Tuesday, evening" when the story names its days, else "Day 2, evening"."""
    if named_days:
        return f"Day {clock.day}, {clock.day_name}, {clock.period}"
    return f"Day {clock.day}, {clock.period}"


def when_text(day: int, day_name: str, period: str | None, named_days: bool) -> str:
    """ "Day 2, Tuesday, evening", "Day 2, evening" or "Day 2": a time the story gave."""
    parts = [f"Day {day}"]
    if named_days:
        parts.append(day_name)
    if period is not None:
        parts.append(period)
    return ", ".join(parts)


def day_text(clock: ClockView) -> str:
    """ "Tuesday, morning" (or "Day 2, morning"): the time a new day starts at."""
    return f"{clock.day_name}, {clock.period}"


def meter_text(view: MeterView) -> str:
    """ "Standing 620 (Trusted)"; a bar reads "Energy 7/10"."""
    value = view.value
    shown = number(value) if isinstance(value, int | float) else format_value(value)
    text = f"{view.label} {shown}"
    if view.display == "bar":
        text += f"/{view.max}"
    if view.tier is not None:
        text += f" ({view.tier.label})"
    return text


def move_line(move: Move, arrived_at: str | None, glyphs: Glyphs) -> str:
    """One of the report's biggest moves, and why it happened:
    "Turn 7, Help him find 567.9: +15" for a choice (with its rules' reasons, when they say
    more than the choice: "Turn 2, Light up: −40 (smoking on a train)");
    "Turn 3, on arriving at Card number 4471: −40 (a book twenty-three years overdue)" for
    what a scene did on arrival (`arrived_at` is its title, or None when it has none)."""
    if move.choice is None:
        what = f"on arriving at {arrived_at}" if arrived_at else "on arriving"
        said_already = {arrived_at or "", move.scene}  # the reason a scene's effects default to
    else:
        what = move.text.strip() or move.choice
        said_already = {move.text.strip()}
    reasons = [r.strip() for r in move.reasons if r.strip() and r.strip() not in said_already]
    line = f"Turn {move.turn}, {what}: {signed(move.delta, glyphs)}"
    return f"{line} ({'; '.join(reasons)})" if reasons else line


def status_line(meters: Iterable[MeterView], clock: str | None, glyphs: Glyphs) -> str | None:
    """The visible meters and the time, one line: "Standing 620 (Trusted) · Day 2, evening"."""
    parts = [meter_text(view) for view in meters if view.visible]
    if clock is not None:
        parts.append(clock)
    return f" {glyphs.dot} ".join(parts) if parts else None


def choice_text(view: ChoiceView, touched: Iterable[str], glyphs: Glyphs) -> str:
    """A choice after its number: "[locked] Book the train — Standing below 600" when locked;
    "Report her (affects Standing)" when the story previews the meters a choice touches."""
    text = view.text.strip()
    labels = list(touched)
    if labels:
        text += f" (affects {', '.join(labels)})"
    if not view.available:
        reason = (view.locked_reason or "").strip()
        text = f"[locked] {text}" + (f" {glyphs.dash} {reason}" if reason else "")
    return text


def wrap(
    text: str,
    width: int,
    first: str = "",
    rest: str | None = None,
    *,
    break_long_words: bool = True,
) -> list[str]:
    """`text` folded to `width` columns, after `first` on its first line and `rest` (as wide as
    `first` unless given) on the others. Words are never broken at their hyphens; a word wider
    than the line is broken unless `break_long_words` is false (a file path to copy)."""
    indent = " " * len(first) if rest is None else rest
    lines = textwrap.wrap(
        text,
        width=max(width, len(first) + 1),
        initial_indent=first,
        subsequent_indent=indent,
        break_on_hyphens=False,
        break_long_words=break_long_words,
    )
    return lines or [first.rstrip()]


def listing(names: Iterable[str]) -> str:
    """ "a, b, c", or "none"."""
    items = list(names)
    return ", ".join(items) if items else "none"


# C0 and C1 control characters other than the line break: a story from a stranger must not be
# able to send escape sequences (colours, cursor moves, a new window title) to the terminal.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def clean(text: str) -> str:
    """`text` without control characters (a tab becomes a space)."""
    return _CONTROL.sub(lambda match: " " if match.group() == "\t" else "", text)
