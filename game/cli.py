"""The command line: `python -m game check|play ...` (also installed as `good-standing`)."""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from game.cli_args import (
    default_story,
    story_folder,
    story_folders,
    whole_number,
)
from game.content.files import StoryStats
from game.core.diagnostics import Diagnostic, Severity
from game.playtest_cli import add_playtest_command

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _summary(folder: Path, diagnostics: list[Diagnostic], stats: StoryStats | None) -> str:
    warnings = sum(1 for d in diagnostics if d.severity is Severity.WARNING)
    errors = len(diagnostics) - warnings
    if stats is None or errors:
        return f"{folder}: {_count(errors, 'error')}, {_count(warnings, 'warning')}"
    note = f", {_count(warnings, 'warning')}" if warnings else ""
    return (
        f"{folder}: ok: {_count(stats.scenes, 'scene')}, {_count(stats.choices, 'choice')},"
        f" {_count(stats.endings, 'ending')}, {_count(stats.words, 'word')}{note}"
    )


def command_check(args: argparse.Namespace) -> int:
    from game.content.cache import _fresh_load, load_story_cached

    missing = [raw for raw in args.paths if not Path(raw).exists()]
    if missing:
        print(f"check: no such file or folder: {', '.join(missing)}", file=sys.stderr)
        return EXIT_USAGE
    folders = story_folders(args.paths)
    if not folders:
        print("check: no stories found (a story is a folder with a story.yaml)", file=sys.stderr)
        return EXIT_USAGE
    everything: list[Diagnostic] = []
    failed = False
    summaries = []
    for folder in folders:
        result = _fresh_load(folder) if args.no_cache else load_story_cached(folder)
        diagnostics = result.diagnostics
        if args.strict:
            diagnostics = [
                Diagnostic(d.code, Severity.ERROR, d.message, d.location) for d in diagnostics
            ]
        if any(d.severity is Severity.ERROR for d in diagnostics):
            failed = True
        everything.extend(diagnostics)
        if not args.json:
            for diagnostic in diagnostics:
                print(diagnostic.format())
            summaries.append(_summary(folder, diagnostics, result.stats))
    if args.json:
        print(json.dumps([d.as_json() for d in everything], indent=2, ensure_ascii=False))
    else:
        for line in summaries:
            print(line)
    return EXIT_ERRORS if failed else EXIT_OK


def command_play(args: argparse.Namespace) -> int:
    if not args.text:
        print(
            "The game window is not built yet (issue #4): starting the text player instead.",
            file=sys.stderr,
        )
    folder = story_folder(args.story) if args.story else default_story()
    if not (folder / "story.yaml").is_file():
        print(
            f"play: no story at {folder} (a story is a folder with a story.yaml)", file=sys.stderr
        )
        return EXIT_USAGE
    from game.content.cache import load_story_cached
    from game.text.player import is_terminal, play_story, terminal_width
    from game.text.wording import glyphs_for

    result = load_story_cached(folder)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    if result.story is None or errors:
        for diagnostic in result.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        print(_summary(folder, result.diagnostics, result.stats), file=sys.stderr)
        return EXIT_ERRORS
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        # Text a terminal cannot show (or input that is not valid in its encoding) is replaced,
        # never a crash.
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    try:
        return play_story(
            result.story,
            sys.stdin,
            sys.stdout,
            seed=args.seed,
            error_stream=sys.stderr,
            width=args.width if args.width is not None else terminal_width(sys.stdout),
            echo=not is_terminal(sys.stdin),
            glyphs=glyphs_for(getattr(sys.stdout, "encoding", None)),
        )
    except KeyboardInterrupt:
        print(file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader went away (`| head`): stop quietly, and keep Python from complaining
        # about the unflushed stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_ERRORS


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="good-standing",
        description="Good Standing: interactive fiction about public scores.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    check = commands.add_parser(
        "check",
        help="validate stories and report every problem with its file:line:col",
        description="Validate stories. Exit 0 when there are no errors, 1 when there are.",
    )
    check.add_argument("paths", nargs="*", metavar="PATH", help="story folders (default: story/*)")
    check.add_argument("--json", action="store_true", help="print diagnostics as a JSON list")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors")
    check.add_argument(
        "--no-cache",
        action="store_true",
        help="load from the YAML even when a compiled copy exists",
    )
    check.set_defaults(handler=command_check)
    play = commands.add_parser(
        "play",
        help="play a story in the terminal",
        description=(
            "Play a story. With --text, in the terminal: plain lines, numbered choices, no"
            " colour or cursor tricks, so it works with a screen reader and in a pipe. The game"
            " window is not built yet, so without --text the text player starts too. Type help"
            " while playing for the commands (save, load, meters, history, quit). At an ending,"
            " again plays the story from the start: with the same seed if --seed was given (so"
            " that a class comparing choices meets the same chances), else with a new one."
        ),
    )
    play.add_argument(
        "story",
        nargs="?",
        metavar="STORY",
        help="a story folder (default: story/good-standing if it exists, else story/tutorial)",
    )
    play.add_argument(
        "--text", action="store_true", help="play in the terminal (for now, also the default)"
    )
    play.add_argument(
        "--seed",
        type=whole_number(),
        metavar="N",
        help="seed of the story's chance events, to replay a game exactly (default: random)",
    )
    play.add_argument(
        "--width",
        type=whole_number(20, "too narrow: use 20 columns or more"),
        metavar="N",
        help="wrap text at N columns (default: the terminal's width up to 100; 72 in a pipe)",
    )
    play.set_defaults(handler=command_play)
    add_playtest_command(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    result: int = args.handler(args)
    return result
