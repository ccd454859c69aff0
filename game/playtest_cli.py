"""`python -m game playtest [STORY] --runs N --seed S [--json] [--run K]`: the command."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from game.cli_args import default_story, story_folder, whole_number

EXIT_OK = 0
EXIT_ERRORS = 1
EXIT_USAGE = 2
DEFAULT_RUNS = 1000
# The runtime is imported only when a playtest runs, so that `check` does not pay for it; this
# default must equal game.playtest.DEFAULT_MAX_STEPS (a test holds them together).
DEFAULT_MAX_STEPS = 1000


def add_playtest_command(subparsers: Any) -> argparse.ArgumentParser:
    """Register `playtest` on the sub-command set of the `good-standing` parser."""
    command: argparse.ArgumentParser = subparsers.add_parser(
        "playtest",
        help="play a story at random many times and report endings, coverage and errors",
        description=(
            "Play N seeded random playthroughs of a story (random among the choices that can be"
            " taken) and report the endings reached and missed, the scenes and choices never"
            " visited, how often choices were locked, meters and tiers at the end, and every"
            " runtime error with its file:line:col. The same seed gives the same report."
            " Exit 0 when no run hit an error, 1 when one did, 2 on bad usage."
        ),
    )
    command.add_argument(
        "story", nargs="?", metavar="STORY", help="story folder (default: the one `play` opens)"
    )
    command.add_argument(
        "--runs",
        type=whole_number(1),
        default=DEFAULT_RUNS,
        metavar="N",
        help=f"playthroughs to play (default {DEFAULT_RUNS})",
    )
    command.add_argument(
        "--seed", type=int, default=0, metavar="S", help="seed of the whole playtest (default 0)"
    )
    command.add_argument(
        "--max-steps",
        type=whole_number(1),
        default=DEFAULT_MAX_STEPS,
        metavar="M",
        help=f"choices after which a run counts as looping (default {DEFAULT_MAX_STEPS})",
    )
    command.add_argument(
        "--run",
        type=whole_number(1),
        metavar="K",
        help="replay run K of the playtest alone and print the choices it made",
    )
    command.add_argument("--json", action="store_true", help="print the report as JSON")
    command.set_defaults(handler=command_playtest)
    return command


def command_playtest(args: argparse.Namespace) -> int:
    from game.content.cache import load_story_cached
    from game.playtest import playtest, replay
    from game.playtest_report import format_report, format_run

    if args.story is None:
        folder = default_story()  # the story `play` opens when none is named
    elif Path(args.story).exists():
        folder = story_folder(args.story)  # a story.yaml names its folder
    else:
        print(f"playtest: no such file or folder: {args.story}", file=sys.stderr)
        return EXIT_USAGE
    if not (folder / "story.yaml").is_file():
        print(f"playtest: {folder} is not a story (it has no story.yaml)", file=sys.stderr)
        return EXIT_USAGE
    started = time.perf_counter()
    loaded = load_story_cached(folder)
    load_s = time.perf_counter() - started
    story = loaded.story
    if story is None:
        for diagnostic in loaded.diagnostics:
            print(diagnostic.format(), file=sys.stderr)
        print(
            f"playtest: {folder} has errors, so it cannot be played; fix them first"
            f" (python -m game check {folder})",
            file=sys.stderr,
        )
        return EXIT_ERRORS

    if args.run is not None:
        result = replay(story, seed=args.seed, run=args.run, max_steps=args.max_steps)
        if args.json:
            print(json.dumps(result.as_json(), indent=2, ensure_ascii=False))
        else:
            print(format_run(result, story, seed=args.seed))
        return EXIT_ERRORS if result.error is not None else EXIT_OK

    bar = _progress_bar(args.runs)
    try:
        report = playtest(
            story,
            runs=args.runs,
            seed=args.seed,
            max_steps=args.max_steps,
            progress=bar.update if bar is not None else None,
        )
    finally:
        if bar is not None:
            bar.close()
    if args.json:
        print(json.dumps(report.as_json(), indent=2, ensure_ascii=False))
    else:
        print(format_report(report, folder=str(folder), title=story.manifest.title, load_s=load_s))
    return EXIT_ERRORS if report.failed else EXIT_OK


def _progress_bar(total: int) -> Any:
    """A progress bar on stderr when a person is watching it; None when stderr is not a TTY."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm  # type: ignore[import-untyped]  # imported only when shown

    # leave=False: the bar clears itself, so the report below starts on a clean screen.
    return tqdm(total=total, file=sys.stderr, unit="run", leave=False, dynamic_ncols=True)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `playtest` on its own (`python -m game.playtest_cli STORY ...`)."""
    parser = argparse.ArgumentParser(prog="good-standing")
    add_playtest_command(parser.add_subparsers(dest="command", metavar="COMMAND"))
    args = parser.parse_args(["playtest", *(sys.argv[1:] if argv is None else argv)])
    handler: Callable[[argparse.Namespace], int] = args.handler
    return handler(args)


if __name__ == "__main__":
    sys.exit(main())
