"""The terminal player: shows a Runner's pages as plain lines and reads choices and commands.

No cursor tricks and no colour, so it reads the same in a terminal, through a screen reader
and in a pipe. Everything it needs is passed in (the runner, the streams, the width, where
saves go, the time, where new seeds come from): there is no global state, and tests drive it
with scripted input.

Play goes on until the player quits or input ends, not until an ending: at an ending (after
the report) and on a page with no choice to take (a dead end, which is a bug in the story),
the player may `load` a save, play `again` from the start, or `quit`. `again` replays the seed
given with --seed, so that everyone in a class comparing choices meets the same chances; with
no --seed, every game gets a new one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from game.core.report import report_card
from game.core.runner import CharacterView, MeterView, Runner, Step, StoryRuntimeError
from game.core.save_json import SaveError
from game.core.story import RETURN, Story
from game.savefiles import list_slots, read_meta, read_save, slot_path, write_save
from game.text.commands import Choose, Command, Run, Unknown, parse
from game.text.wording import (
    UNICODE,
    Glyphs,
    change_line,
    choice_text,
    clean,
    clock_text,
    day_text,
    listing,
    meter_text,
    move_line,
    signed,
    status_line,
    tier_shift_line,
    when_text,
    wrap,
)

EXIT_OK = 0
EXIT_ERROR = 1

DEFAULT_WIDTH = 72  # when the output is not a terminal, so that transcripts stay the same
MAX_WIDTH = 100  # lines longer than this are hard to read, however wide the terminal
MIN_WIDTH = 20
DEFAULT_SLOT = "quicksave"
PROMPT = "> "
MOVES_SHOWN = 5
# What a player can do when the story is over, or stuck on a page with no choice to take.
AT_AN_ENDING = "type again to play from the start, load to go back to a save, or quit."
WHEN_STUCK = "type load to go back to a save, again to play from the start, or quit."

HELP_INTRO = "Type the number of a choice to make it, or one of these commands:"
HELP = (
    ("save [slot]", "save your place (in quicksave, or in the slot you name)"),
    ("load [slot]", "go back to a saved place"),
    ("saves", "list your saves"),
    ("meters", "your meters, privileges, sanctions, the time and people"),
    ("history", "the choices you have made so far"),
    ("look", "show the page again"),
    ("again", "play the story again from the start, once it is over"),
    ("help", "this list"),
    ("quit", "stop playing (so does the end of input, Ctrl-D)"),
)


def is_terminal(stream: TextIO) -> bool:
    """Whether `stream` is a terminal (not a pipe, a file, a closed stream or a test's buffer)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def terminal_width(stream: TextIO) -> int:
    """The width to wrap at: the terminal's, at most MAX_WIDTH, when `stream` is a terminal;
    DEFAULT_WIDTH otherwise (a pipe, a file, a test)."""
    if not is_terminal(stream):
        return DEFAULT_WIDTH
    columns = shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return max(MIN_WIDTH, min(columns, MAX_WIDTH))


def new_seed() -> int:
    """A seed from the operating system's randomness, for a new game nobody asked to replay."""
    return int.from_bytes(os.urandom(8), "big")


class TextPlayer:
    """Plays a runner until the player quits or input ends; `run` returns the exit code.

    `seed` is the seed `again` starts a new game with; None: a new one from `seeds` each time
    (by default, new_seed).
    """

    def __init__(
        self,
        runner: Runner,
        input_stream: TextIO,
        output_stream: TextIO,
        *,
        error_stream: TextIO | None = None,
        width: int = DEFAULT_WIDTH,
        echo: bool = False,
        glyphs: Glyphs = UNICODE,
        saves: Path | None = None,
        now: Callable[[], datetime] = datetime.now,
        seed: int | None = None,
        seeds: Callable[[], int] | None = None,
    ) -> None:
        self.runner = runner
        self._in = input_stream
        self._out = output_stream
        self._err = error_stream if error_stream is not None else output_stream
        self.width = max(width, MIN_WIDTH)
        self._echo = echo  # write each line read after the prompt (input that is not typed)
        self._glyphs = glyphs
        self._saves = saves  # the saves folder; None: savefiles' default (GOOD_STANDING_DATA_DIR)
        self._now = now
        self._seed = seed
        self._seeds = seeds if seeds is not None else new_seed
        self._written = False
        self._unsaved = False  # choices made since the last save or load
        # The `rule` of a change made by a tier's on_enter or on_leave ("standing.listed.on_enter").
        self._tier_event_rules = frozenset(
            f"{meter.id}.{tier.id}.{event}"
            for meter in runner.story.meters.values()
            for tier in meter.tiers
            for event in ("on_enter", "on_leave")
        )

    @property
    def story(self) -> Story:
        return self.runner.story

    # ----------------------------------------------------------------- loop

    def run(self) -> int:
        try:
            return self._play()
        except StoryRuntimeError as error:
            self._out.flush()
            self._err.write(clean(f"error: {error}") + "\n")
            self._err.flush()
            return EXIT_ERROR
        finally:
            self._out.flush()

    def _play(self) -> int:
        self._banner()
        self._show_opening()
        while True:
            line = self._read()
            if line is None:
                break
            parsed = parse(line)
            if parsed is None:
                continue
            if isinstance(parsed, Choose):
                self._choose(parsed.number)
            elif isinstance(parsed, Unknown):
                self._block(
                    self._wrap(
                        f"I don't know the word '{parsed.word}'. Type the number of a choice,"
                        " or help for the commands."
                    )
                )
            elif self._command(parsed):
                break
        self._goodbye()
        return EXIT_OK

    def _show_opening(self) -> None:
        opening = self.runner.opening
        marker = None
        if opening is not None:
            self._show_step(opening)
            if opening.interrupted:
                marker = self._interrupting(opening)
        self._show_page(marker)

    @property
    def _stuck(self) -> bool:
        """Whether the page is not an ending and yet offers no choice the player can take."""
        page = self.runner.page
        return page.ending is None and not any(view.available for view in page.choices)

    @property
    def _over(self) -> bool:
        return self.runner.ended or self._stuck

    def _read(self) -> str | None:
        """The next line typed (without its line break), or None at the end of input."""
        self._out.write("\n" + PROMPT)
        self._out.flush()
        try:
            raw = self._in.readline()
        except OSError:
            raw = ""  # input that cannot be read any more ends like input that has ended
        if not raw:
            self._out.write("\n")
            return None
        line = raw.rstrip("\r\n")
        if self._echo:
            self._out.write(clean(line) + "\n")
        return line

    def _choose(self, number: int) -> None:
        page = self.runner.page
        choices = page.choices
        if page.ending is not None:
            self._block(self._wrap(f"The story is over: {AT_AN_ENDING}"))
            return
        if not choices:
            self._block(self._wrap(f"There is no choice to take here: {WHEN_STUCK}"))
            return
        if not 1 <= number <= len(choices):
            span = "1 is the only choice" if len(choices) == 1 else f"choose 1 to {len(choices)}"
            self._block(self._wrap(f"There is no choice {number}: {span}."))
            return
        view = choices[number - 1]
        if not view.available:
            reason = (view.locked_reason or "").strip()
            self._block(
                self._wrap(f"That choice is locked: {reason}" if reason else "That is locked.")
            )
            return
        returning = False
        if not view.storylet:
            scene = self.story.scenes[page.scene]
            choice = next((c for c in scene.choices if c.id == view.id), None)
            returning = choice is not None and choice.goto == RETURN
        step = self.runner.choose(view.id)
        self._unsaved = True
        self._show_step(step)
        marker = None
        if step.interrupted:
            marker = self._interrupting(step)
        elif returning:
            title = self.runner.page.title
            marker = f"Returning to {title}." if title else "Returning to where you were."
        self._show_page(marker)

    def _interrupting(self, step: Step) -> str:
        """Why the page is not where the choice led: "Interrupting: your Standing is now
        Listed." for a tier's scene, "Interrupting: scheduled for Day 2, evening." for an
        event, from the cause the runner gives ("tier:standing.listed.on_enter",
        "schedule:inspection")."""
        kind, _, what = (step.interruption or "").partition(":")
        if kind == "tier":
            meter_id, tier_id, event = what.split(".")
            meter = self.story.meters[meter_id]
            tier = next(t for t in meter.tiers if t.id == tier_id)
            if event == "on_enter":
                return f"Interrupting: your {meter.label} is now {tier.label}."
            return f"Interrupting: your {meter.label} is no longer {tier.label}."
        if kind == "schedule":
            clock = self.story.clock
            for event in self.story.schedule:
                if event.id == what:
                    day_name = clock.day_name(event.day)
                    when = when_text(event.day, day_name, event.period, bool(clock.day_names))
                    return f"Interrupting: scheduled for {when}."
        return "Interrupting: something that could not wait."

    def _command(self, run: Run) -> bool:
        """Carry out a command; True when it is quit."""
        command = run.command
        if command is Command.QUIT:
            return True
        if command is Command.HELP:
            self._block(self._help_lines())
        elif command is Command.LOOK:
            self._show_page()
        elif command is Command.METERS:
            self._block(self._meters_lines())
        elif command is Command.HISTORY:
            self._block(self._history_lines())
        elif command is Command.SAVES:
            self._block(self._saves_lines())
        elif command is Command.SAVE:
            self._save(run.argument or DEFAULT_SLOT)
        elif command is Command.LOAD:
            self._load(run.argument or DEFAULT_SLOT)
        elif command is Command.AGAIN:
            self._again()
        return False

    def _again(self) -> None:
        if not self._over:
            self._block(
                self._wrap(
                    "The story is not over yet: again starts a new game at an ending. To"
                    " stop this one, type quit."
                )
            )
            return
        if self._seed is not None:
            seed = self._seed
            text = (
                f"A new game, from the start, with the same seed ({seed}): what is left to"
                " chance falls as it did before."
            )
        else:
            seed = self._seeds()
            text = "A new game, from the start, with a new seed."
        # A story error in the new opening is a story error like any other: it ends play.
        self.runner = Runner(self.story, seed=seed)
        self._unsaved = False
        self._block(self._wrap(text))
        self._show_opening()

    def _goodbye(self) -> None:
        text = "Goodbye."
        if self._unsaved and not self._over:
            text = "Goodbye. The choices you made since you last saved are not kept."
        self._block(self._wrap(text))

    # --------------------------------------------------------------- output

    def _block(self, lines: Iterable[str]) -> None:
        """Write lines as one block, with a blank line before it unless it comes first."""
        text = [clean(line) for line in lines]
        if not text:
            return
        if self._written:
            self._out.write("\n")
        self._out.write("\n".join(text) + "\n")
        self._written = True

    def _wrap(self, text: str, first: str = "", rest: str | None = None) -> list[str]:
        return wrap(clean(text), self.width, first, rest)

    def _banner(self) -> None:
        manifest = self.story.manifest
        lines = self._wrap(manifest.title)
        if manifest.authors:
            lines += self._wrap("by " + _joined(manifest.authors))
        if manifest.content_notes:
            lines += self._wrap("Content notes: " + "; ".join(manifest.content_notes) + ".")
        lines += self._wrap("Type the number of a choice to make it, or help for the commands.")
        self._block(lines)

    def _show_step(self, step: Step) -> None:
        """The consequences of a choice (or of the opening): the changes it and the rules made,
        then the changes of tier with what the tiers' events changed, then the notifications
        (directives among them), then the new day."""
        glyphs = self._glyphs
        visible = [change for change in step.changes if change.visible]
        lines: list[str] = []
        for change in visible:
            if change.rule not in self._tier_event_rules:
                lines += self._wrap(change_line(change, glyphs), rest="  ")
        meters = self.story.meters
        for shift in step.tier_shifts:
            label = meters[shift.meter].label if shift.meter in meters else shift.meter
            lines += self._wrap(tier_shift_line(shift, label, glyphs), rest="  ")
        for change in visible:
            if change.rule in self._tier_event_rules:
                lines += self._wrap(change_line(change, glyphs), rest="  ")
        for note in step.notifications:
            lines += self._wrap(note, rest="  ")
        if step.day_changed:
            lines += self._wrap(f"A new day: {day_text(self.runner.clock())}.")
        self._block(lines)

    def _status(self) -> str | None:
        clock = None
        if self.story.clock.location is not None:
            clock = clock_text(self.runner.clock(), bool(self.story.clock.day_names))
        return status_line(self.runner.meters(), clock, self._glyphs)

    def _show_page(self, marker: str | None = None) -> None:
        """The page: its title, the status line, the text, the choices. `marker` says why the
        player is here when it is not where their choice led ("Interrupting: ...")."""
        page = self.runner.page
        lines: list[str] = []
        if marker is not None:
            lines += self._wrap(f"{self._glyphs.dash} {marker}", rest="  ")
        if page.title:
            lines += self._wrap(page.title)
        status = None if page.ending is not None else self._status()
        if status is not None:
            lines += self._wrap(status, rest="  ")
        for paragraph in page.paragraphs:
            if lines:
                lines.append("")
            lines += self._wrap(paragraph)
        if page.ending is not None:
            self._block(lines)
            self._show_ending()
            return
        if lines:
            lines.append("")
        previews = self.story.manifest.previews
        meters = self.story.meters
        for number, view in enumerate(page.choices, 1):
            touched = [meters[m].label for m in view.touches if m in meters] if previews else []
            text = choice_text(view, touched, self._glyphs)
            lines += self._wrap(text, first=f"{number}. ")
        if self._stuck:
            if page.choices:
                lines.append("")
            where = self.story.scenes[page.scene].location
            lines += wrap(
                clean(
                    f"This page offers no choice you can take {self._glyphs.dash} the story"
                    f" has a dead end here ({where})."
                ),
                self.width,
                break_long_words=False,
            )
            lines += self._wrap(_sentence(WHEN_STUCK))
        self._block(lines)

    def _show_ending(self) -> None:
        ending = self.runner.page.ending
        assert ending is not None
        title = f"The end: {ending.title}"
        if ending.epithet:
            title += f" {self._glyphs.dash} {ending.epithet}"
        self._block(self._wrap(title))
        self._block(self._report_lines())
        self._block(self._wrap(f"The story is over. {_sentence(AT_AN_ENDING)}"))

    # ------------------------------------------------------------- commands

    def _help_lines(self) -> list[str]:
        lines = self._wrap(HELP_INTRO)
        column = max(len(name) for name, _ in HELP) + 4
        for name, description in HELP:
            lines += self._wrap(description, first=f"  {name}".ljust(column))
        return lines

    def _meters_lines(self) -> list[str]:
        runner = self.runner
        story = self.story
        lines: list[str] = []
        for view in runner.meters():
            if view.visible:
                lines += self._wrap(meter_text(view), rest="  ")
        if any(meter.tiers for meter in story.meters.values()):
            lines += self._wrap("Privileges: " + listing(runner.privileges()), rest="  ")
            lines += self._wrap("Sanctions: " + listing(runner.sanctions()), rest="  ")
        if story.clock.location is not None:
            lines += self._wrap("Time: " + clock_text(runner.clock(), bool(story.clock.day_names)))
        for directive in runner.directives():
            lines += self._wrap(f"Today's directive: {directive}", rest="  ")
        lines += self._people_lines()
        if not lines:
            lines = ["This story keeps its meters hidden."]
        return lines

    def _people_lines(self) -> list[str]:
        """The story's characters: who is in the circle, who is blocked, everyone else; each
        with their relationship to the player and their own visible meters."""
        people = self.runner.characters()
        if not people:
            return []
        groups = (
            ("Your circle", [p for p in people if p.in_circle]),
            ("Blocked", [p for p in people if p.blocked]),
            ("Not in your circle", [p for p in people if not p.in_circle and not p.blocked]),
        )
        lines: list[str] = []
        for heading, group in groups:
            if not group:
                if heading == "Your circle":
                    lines.append("Your circle: nobody.")
                continue
            lines.append(f"{heading}:")
            for person in group:
                lines += self._wrap(self._person_text(person), first="  ", rest="    ")
                if person.description.strip():
                    lines += self._wrap(person.description, first="    ")
        return lines

    def _person_text(self, person: CharacterView) -> str:
        """ "Mara Voss: relationship +60, Standing 400 (Citizen)"."""
        parts = [f"relationship {signed(person.relationship, self._glyphs)}"]
        for meter in self.story.meters.values():
            if not meter.visible:
                continue
            value = self.runner.value(f"{person.id}.{meter.id}")
            tier = meter.tier_at(int(value)) if meter.tiers and isinstance(value, int) else None
            view = MeterView(
                meter.id, meter.label, value, meter.min, meter.max, True, meter.display, tier
            )
            parts.append(meter_text(view))
        return f"{person.name}: {', '.join(parts)}"

    def _history_lines(self) -> list[str]:
        history = self.runner.state.history
        if not history:
            return ["You have not made any choices yet."]
        lines = ["Your choices so far:"]
        scenes = self.story.scenes
        for entry in history:
            scene = scenes.get(entry.scene)
            where = f", {scene.title}" if scene is not None and scene.title else ""
            lines += self._wrap(entry.text, first=f"Turn {entry.turn}{where}: ", rest="  ")
        return lines

    def _report_lines(self) -> list[str]:
        card = report_card(self.runner, MOVES_SHOWN)
        lines = ["Your report"]
        for view in card.meters:
            if view.visible:
                lines += self._wrap(meter_text(view), rest="  ")
        for view in card.revealed:
            lines += self._wrap("Hidden until now: " + meter_text(view), rest="  ")
        if card.gained:
            lines += self._wrap("Gained since the start: " + listing(card.gained), rest="  ")
        if card.lost:
            lines += self._wrap("Lost since the start: " + listing(card.lost), rest="  ")
        if card.meter is None:
            return lines
        label = card.meter.label
        lines.append("")
        if not card.moves:
            lines += self._wrap(f"Nothing changed your {label}.")
            return lines
        lines += self._wrap(f"What moved your {label} most:")
        scenes = self.story.scenes
        for number, move in enumerate(card.moves, 1):
            scene = scenes.get(move.scene)
            text = move_line(move, scene.title if scene is not None else None, self._glyphs)
            lines += self._wrap(text, first=f"{number}. ")
        return lines

    # ---------------------------------------------------------------- saves

    def _slot(self, slot: str) -> Path:
        return slot_path(self.story.manifest.id, slot, self._saves)

    def _save(self, slot: str) -> None:
        runner = self.runner
        page = runner.page
        meta: dict[str, Any] = {
            "slot": slot,
            "title": page.title or self.story.manifest.title,
            "scene": page.scene,
            "turn": runner.state.turn,
            "saved": self._now().isoformat(timespec="seconds"),
        }
        try:
            write_save(self._slot(slot), self.story, runner.state, meta)
        except SaveError as error:
            self._block(self._wrap(f"Cannot save: {error}."))
            return
        except OSError as error:
            reason = error.strerror or str(error)
            self._block(self._wrap(f"Cannot save in '{slot}': {reason}."))
            return
        self._unsaved = False
        self._block([f"Saved in '{slot}'."])

    def _load(self, slot: str) -> None:
        try:
            state = read_save(self._slot(slot), self.story)
        except SaveError as error:
            self._block(self._wrap(f"Cannot load: {error}."))
            return
        # A story error on the loaded page is a story error like any other: it ends play.
        self.runner = Runner(self.story, state)
        self._unsaved = False
        self._block([f"Loaded '{slot}'."])
        self._show_page()

    def _saves_lines(self) -> list[str]:
        slots = list_slots(self.story.manifest.id, self._saves)
        if not slots:
            return ["You have no saves yet: type save, or save and a name."]
        lines = ["Your saves:"]
        for path in slots:
            try:
                meta = read_meta(path)
            except SaveError as error:
                lines += self._wrap(f"{path.stem}: {error}", rest="  ")
                continue
            lines += self._wrap(f"{path.stem}: {_describe_save(meta)}", rest="  ")
        return lines


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _describe_save(meta: dict[str, Any]) -> str:
    """ "The stacks, turn 5, saved 2024-05-01 14:03", from whatever of it the meta holds."""
    parts = []
    title = meta.get("title")
    if isinstance(title, str) and title:
        parts.append(title)
    turn = meta.get("turn")
    if isinstance(turn, int) and not isinstance(turn, bool):
        parts.append(f"turn {turn}")
    saved = meta.get("saved")
    if isinstance(saved, str):
        with contextlib.suppress(ValueError):
            parts.append("saved " + datetime.fromisoformat(saved).strftime("%Y-%m-%d %H:%M"))
    return ", ".join(parts) or "a save"


def _joined(names: Iterable[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    items = list(names)
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def play_story(
    story: Story,
    input_stream: TextIO,
    output_stream: TextIO,
    *,
    seed: int | None,
    error_stream: TextIO | None = None,
    width: int = DEFAULT_WIDTH,
    echo: bool = False,
    glyphs: Glyphs = UNICODE,
    saves: Path | None = None,
    now: Callable[[], datetime] = datetime.now,
    seeds: Callable[[], int] | None = None,
) -> int:
    """Start `story` and play it in the terminal; the exit code (0, or 1 when the story fails
    in play). With a `seed`, every game (`again` too) plays with it; with None, each game
    takes a new one from `seeds`."""
    errors = error_stream if error_stream is not None else output_stream
    try:
        first = seed if seed is not None else (seeds or new_seed)()
        runner = Runner(story, seed=first)
    except StoryRuntimeError as error:
        errors.write(clean(f"error: {error}") + "\n")
        errors.flush()
        return EXIT_ERROR
    player = TextPlayer(
        runner,
        input_stream,
        output_stream,
        error_stream=error_stream,
        width=width,
        echo=echo,
        glyphs=glyphs,
        saves=saves,
        now=now,
        seed=seed,
        seeds=seeds,
    )
    return player.run()
