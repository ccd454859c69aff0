"""Reading what the player typed: a choice's number, or a command and its argument."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum


class Command(StrEnum):
    SAVE = "save"
    LOAD = "load"
    SAVES = "saves"
    METERS = "meters"
    HISTORY = "history"
    LOOK = "look"
    HELP = "help"
    AGAIN = "again"
    QUIT = "quit"


# What a player might type for each command; the command's own name is always one.
ALIASES: dict[str, Command] = {
    **{command.value: command for command in Command},
    "restore": Command.LOAD,
    "status": Command.METERS,
    "m": Command.METERS,
    "l": Command.LOOK,
    "h": Command.HELP,
    "?": Command.HELP,
    "restart": Command.AGAIN,
    "exit": Command.QUIT,
    "q": Command.QUIT,
}
# Commands that take an argument (a save slot); the others ignore anything after their name.
TAKES_ARGUMENT = frozenset({Command.SAVE, Command.LOAD})

_NUMBER = re.compile(r"[0-9]{1,9}")


@dataclass(frozen=True, slots=True)
class Choose:
    number: int  # as shown: 1 is the first choice


@dataclass(frozen=True, slots=True)
class Run:
    command: Command
    argument: str | None = None


@dataclass(frozen=True, slots=True)
class Unknown:
    word: str  # the first word typed, as typed


Parsed = Choose | Run | Unknown | None


def parse(line: str) -> Parsed:
    """What a line of input asks for; None for a blank line."""
    words = line.split()
    if not words:
        return None
    first = words[0]
    if len(words) == 1 and _NUMBER.fullmatch(first.rstrip(".")):
        return Choose(int(first.rstrip(".")))
    command = ALIASES.get(first.lower())
    if command is None:
        return Unknown(first)
    argument = " ".join(words[1:]) if command in TAKES_ARGUMENT and len(words) > 1 else None
    return Run(command, argument)
