"""game/text/commands.py: what a line the player typed asks for."""

from __future__ import annotations

import pytest

from game.text.commands import Choose, Command, Run, Unknown, parse


@pytest.mark.parametrize(("line", "number"), [("1", 1), (" 12 ", 12), ("3.", 3), ("007", 7)])
def test_a_number_chooses(line: str, number: int) -> None:
    assert parse(line) == Choose(number)


@pytest.mark.parametrize("line", ["", "   ", "\t"])
def test_a_blank_line_asks_for_nothing(line: str) -> None:
    assert parse(line) is None


@pytest.mark.parametrize(
    ("line", "command"),
    [
        ("save", Command.SAVE),
        ("SAVE", Command.SAVE),
        ("load", Command.LOAD),
        ("restore", Command.LOAD),
        ("saves", Command.SAVES),
        ("meters", Command.METERS),
        ("status", Command.METERS),
        ("history", Command.HISTORY),
        ("look", Command.LOOK),
        ("help", Command.HELP),
        ("?", Command.HELP),
        ("again", Command.AGAIN),
        ("restart", Command.AGAIN),
        ("quit", Command.QUIT),
        ("exit", Command.QUIT),
        ("q", Command.QUIT),
    ],
)
def test_commands_and_their_short_forms_are_recognised(line: str, command: Command) -> None:
    assert parse(line) == Run(command)


def test_save_and_load_take_a_slot_name() -> None:
    assert parse("save before_the_desk") == Run(Command.SAVE, "before_the_desk")
    assert parse("  Load   chapter-2 ") == Run(Command.LOAD, "chapter-2")


def test_a_slot_name_with_spaces_is_kept_whole_for_the_slot_check_to_refuse() -> None:
    assert parse("save my game") == Run(Command.SAVE, "my game")


def test_other_commands_ignore_what_follows_them() -> None:
    assert parse("meters please") == Run(Command.METERS)


@pytest.mark.parametrize(
    ("line", "word"), [("xyzzy", "xyzzy"), ("go north", "go"), ("1 2", "1"), ("-1", "-1")]
)
def test_anything_else_is_unknown_and_names_the_first_word(line: str, word: str) -> None:
    assert parse(line) == Unknown(word)


def test_digits_of_other_scripts_are_not_choice_numbers() -> None:
    assert parse("\u0663") == Unknown("\u0663")  # Arabic-Indic three


def test_a_huge_number_is_not_a_choice_number() -> None:
    assert parse("1" * 40) == Unknown("1" * 40)
