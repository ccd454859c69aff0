"""Benchmark of the runtime: playtest throughput, its peak memory, and a save plus a load.

    .venv/bin/python bench/bench_runtime.py            # print the figures
    .venv/bin/python bench/bench_runtime.py --record   # ... and write them into docs/performance.md

On the 5,000-scene synthetic story of the check benchmark (bench/gen_story.py), each repetition
runs, as whole processes and in an order that rotates:

- *playtest*: `python -m game playtest STORY --runs N --seed S --json` with a filled story
  cache; its throughput is the choices it made over the play time it reports (`elapsed_s`), its
  peak memory the child's ru_maxrss (read with os.wait4, as bench_check.py does);
- *plain*: for reference, a random player written as plainly as a front end would write it
  (the list of available choices, `random.choice`, the collector left on, nothing counted);
  the ratio of the two throughputs says what the playtest's bookkeeping costs, or saves;
- *save/load*: a process that plays one long run to its middle, then times `write_save` (the
  state as JSON, checksummed, written atomically with fsync) and `read_save` (read, checksum,
  checked field by field) on a temporary folder, many times, and reports medians;
- *cold*: the playtest again with an empty story cache, for reference (loading is then the
  check's loader, whose memory bench_check.py measures).

Machines are shared and noisy: figures are medians of interleaved repetitions and are compared
only within one run. Exits non-zero only when a command fails (or --record cannot write); a
missed target prints MISS.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_check import (
    CommandFailed,
    median,
    prepare,
    record,
    run,
    story_size,
    verdict,
)

REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "bench" / "out" / "synthetic"
DOC = REPO / "docs" / "performance.md"
BEGIN = "<!-- bench_runtime:begin -->"
END = "<!-- bench_runtime:end -->"
CACHE_ENV = "GOOD_STANDING_CACHE_DIR"

THROUGHPUT_TARGET = 30_000  # choices a second
PEAK_TARGET_MIB = 80.0
SAVE_LOAD_TARGET_MS = 5.0
# The state saved is the one after this many choices: the middle of a run as long as the
# playtest's default step cap (1,000) lets a run be. Its ledger, history and visits grow with it.
SAVE_AT = 500
SAVE_REPS = 50  # save/load round trips per process; the process reports their medians

KINDS = ("playtest", "plain", "saveload", "cold")

# The plain driver: a Runner and a random choice among the available ones, nothing counted.
PLAIN = """\
import json, random, sys, time
from pathlib import Path
from game.content.cache import load_story_cached
from game.core.runner import Runner
from game.playtest import run_seeds
story = load_story_cached(Path(sys.argv[1])).story
runs, seed, cap = int(sys.argv[2]), int(sys.argv[3]), 1000
choices = 0
start = time.perf_counter()
for number in range(1, runs + 1):
    story_seed, picker_seed = run_seeds(seed, number)
    runner = Runner(story, seed=story_seed)
    pick = random.Random(picker_seed).choice
    steps = 0
    while not runner.ended and steps < cap:
        runner.choose(pick([c.id for c in runner.page.choices if c.available]))
        steps += 1
    choices += steps
elapsed = time.perf_counter() - start
print(json.dumps({"choices": choices, "elapsed_s": elapsed}))
"""

# Save and load: one long run that avoids endings (the chain, choice 3, is always there), then
# round trips through the save file functions the game uses.
SAVE_LOAD = """\
import json, random, statistics, sys, tempfile, time
from pathlib import Path
from game.content.cache import load_story_cached
from game.core.runner import Runner
from game.savefiles import read_save, write_save
story = load_story_cached(Path(sys.argv[1])).story
at, reps, folder = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
scenes = story.scenes
runner = Runner(story, seed=1)
pick = random.Random(1).choice
for _ in range(at):
    gotos = {c.id: c.goto for c in scenes[runner.state.scene].choices}
    runner.choose(pick([
        v.id for v in runner.page.choices
        if v.available and scenes[gotos[v.id]].ending is None
    ]))
state = runner.state
saves, loads, both = [], [], []
with tempfile.TemporaryDirectory(dir=folder) as scratch:
    path = Path(scratch) / "slot.json"
    for _ in range(reps):
        start = time.perf_counter()
        write_save(path, story, state)
        middle = time.perf_counter()
        loaded = read_save(path, story)
        end = time.perf_counter()
        saves.append(middle - start)
        loads.append(end - middle)
        both.append(end - start)
    size = path.stat().st_size
assert loaded == state, "the loaded state differs from the saved one"
print(json.dumps({
    "save_ms": statistics.median(saves) * 1000,
    "load_ms": statistics.median(loads) * 1000,
    "total_ms": statistics.median(both) * 1000,
    "bytes": size,
    "turn": state.turn,
    "ledger": len(state.ledger),
    "history": len(state.history),
    "visits": len(state.visits),
}))
"""


@dataclass(frozen=True)
class Sample:
    seconds: float  # the whole process, spawn to exit
    peak_mib: float
    data: dict[str, Any]  # what it printed as JSON

    def get(self, key: str) -> float:
        return float(self.data[key])


def playtest_command(python: str) -> list[str]:
    return [python, "-m", "game", "playtest"]


class Bench:
    def __init__(self, python: str, story: Path, scratch: Path, args: argparse.Namespace) -> None:
        self.python = python
        self.story_arg = os.path.relpath(story, REPO)  # commands run in REPO: short paths
        self.scratch = scratch
        self.args = args
        # Children run as an installed game does: with compiled bytecode. A machine that sets
        # PYTHONDONTWRITEBYTECODE would otherwise recompile every module of the game on every
        # run (about 50 ms here), while the baseline's yaml comes precompiled from pip.
        self.env = {
            k: v for k, v in os.environ.items() if k not in (CACHE_ENV, "PYTHONDONTWRITEBYTECODE")
        }
        self.warm_cache = scratch / "warm-cache"
        self.fresh = 0
        self.playtest = playtest_command(python)

    def command(self, kind: str) -> tuple[list[str], dict[str, str]]:
        runs, seed = str(self.args.runs), str(self.args.seed)
        if kind == "plain":
            cmd = [self.python, "-c", PLAIN, self.story_arg, runs, seed]
        elif kind == "saveload":
            saves = str(self.scratch)
            cmd = [
                self.python,
                "-c",
                SAVE_LOAD,
                self.story_arg,
                str(SAVE_AT),
                str(SAVE_REPS),
                saves,
            ]
        else:
            cmd = [*self.playtest, self.story_arg, "--runs", runs, "--seed", seed, "--json"]
        cache = self.warm_cache
        if kind == "cold":
            self.fresh += 1
            cache = self.scratch / f"cold-cache-{self.fresh}"
            cache.mkdir()
        return cmd, {**self.env, CACHE_ENV: str(cache)}

    def measure(self, kind: str) -> Sample:
        cmd, env = self.command(kind)
        result = run(cmd, env)
        shown = " ".join([*cmd[:2], "..."] if cmd[1] == "-c" else cmd)
        if result.returncode != 0:
            raise CommandFailed(
                f"{kind}: `{shown}` exited {result.returncode}\n"
                f"--- stdout\n{result.stdout[-4000:]}--- stderr\n{result.stderr[-4000:]}"
            )
        try:
            data = json.loads(result.stdout)
        except ValueError:
            raise CommandFailed(
                f"{kind}: `{shown}` printed no JSON:\n{result.stdout[-4000:]}"
            ) from None
        if kind in ("playtest", "cold"):
            # Choices made: the mean is printed to 3 decimals, exact enough to multiply back.
            data["choices"] = round(data["steps"]["mean"] * data["runs"])
        data["rate"] = data["choices"] / data["elapsed_s"] if "choices" in data else 0.0
        return Sample(result.sample.seconds, result.sample.peak_mib, data)

    def warm_up(self) -> dict[str, Sample]:
        """Untimed: compile bytecode, fill the OS file cache and the warm story cache."""
        self.warm_cache.mkdir()
        return {kind: self.measure(kind) for kind in KINDS}


def report(
    runs: list[dict[str, Sample]],
    orders: list[list[str]],
    info: dict[str, str],
    args: argparse.Namespace,
    bench: Bench,
    gen_seconds: float,
) -> str:
    def figure(kind: str, key: str) -> list[float]:
        return [r[kind].get(key) for r in runs]

    rate = figure("playtest", "rate")
    plain = figure("plain", "rate")
    ratios = [p / q for p, q in zip(rate, plain, strict=True)]
    peak = [r["playtest"].peak_mib for r in runs]
    cold_peak = [r["cold"].peak_mib for r in runs]
    wall = [r["playtest"].seconds for r in runs]
    cold_wall = [r["cold"].seconds for r in runs]
    play_s = figure("playtest", "elapsed_s")
    save = figure("saveload", "save_ms")
    load = figure("saveload", "load_ms")
    both = figure("saveload", "total_ms")
    first = runs[0]
    played = first["playtest"].data
    saved = first["saveload"].data
    files, size = story_size(STORY)

    def spread(values: list[float], digits: int = 3) -> str:
        return f"{min(values):,.{digits}f}–{max(values):,.{digits}f}"

    lines = [
        f"Recorded {info['date']} by `bench/bench_runtime.py` ({args.reps} interleaved"
        " repetitions of each command; figures are medians).",
        "",
        f"- Machine: nproc {info['nproc']}, {info['cpu']}; load average at start {info['load']}",
        f"- Python {info['python']} (`{info['executable']}`), {info['platform']}",
        f"- Story: {args.scenes} scenes (seed {args.seed}), {files} files, {size:.1f} MiB of YAML;"
        f" generated in {gen_seconds:.2f} s",
        f"- Playtest: `{' '.join(['python', *bench.playtest[1:]])} {bench.story_arg} --runs"
        f" {args.runs} --seed {args.seed} --json`: {int(played['choices']):,} choices per"
        f" repetition (mean {played['steps']['mean']:.1f} a run, longest {played['steps']['max']}),"
        f" {len(played['endings'])} of {len(played['endings']) + len(played['endings_unreached'])}"
        f" endings, {played['scenes_visited']:,} of {played['scenes_total']:,} scenes;"
        f" errors {len(played['errors'])}, looped {played['looped']}",
        f"- Save: the state after {saved['turn']} choices ({saved['ledger']} ledger entries,"
        f" {saved['history']} history entries, {saved['visits']} scenes visited),"
        f" {saved['bytes'] / 1024:.0f} KiB of JSON; medians of {SAVE_REPS} round trips a process",
        "",
        "| figure | median | runs (min–max) | target | result |",
        "|---|---|---|---|---|",
        f"| playtest throughput (choices per second of play) | {median(rate):,.0f} |"
        f" {spread(rate, 0)} | ≥ {THROUGHPUT_TARGET:,} | {verdict(median(rate) >= THROUGHPUT_TARGET)} |",
        f"| plain random driver over the Runner, for reference | {median(plain):,.0f} |"
        f" {spread(plain, 0)} | | |",
        f"| playtest / plain driver (median of per-repetition ratios) | {median(ratios):.2f} |"
        f" {spread(ratios, 2)} | | |",
        f"| playtest play time (`elapsed_s`) | {median(play_s):.3f} s | {spread(play_s)} | | |",
        f"| playtest whole process, warm cache | {median(wall):.3f} s | {spread(wall)} | | |",
        f"| peak RSS, playtest, warm cache | {median(peak):.1f} MiB | {spread(peak, 1)} |"
        f" ≤ {PEAK_TARGET_MIB:.0f} MiB | {verdict(median(peak) <= PEAK_TARGET_MIB)} |",
        f"| playtest whole process, cold cache, for reference | {median(cold_wall):.3f} s |"
        f" {spread(cold_wall)} | | |",
        f"| peak RSS, playtest, cold cache, for reference | {median(cold_peak):.1f} MiB |"
        f" {spread(cold_peak, 1)} | | |",
        f"| save (`write_save`) | {median(save):.2f} ms | {spread(save, 2)} | | |",
        f"| load (`read_save`) | {median(load):.2f} ms | {spread(load, 2)} | | |",
        f"| save + load (median of round trips) | {median(both):.2f} ms | {spread(both, 2)} |"
        f" ≤ {SAVE_LOAD_TARGET_MS:.0f} ms | {verdict(median(both) <= SAVE_LOAD_TARGET_MS)} |",
        "",
        "Per repetition (choices per second; MiB; ms):",
        "",
        "| # | order | playtest | plain | ratio | MiB warm | MiB cold | save | load | save + load |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, (r, order) in enumerate(zip(runs, orders, strict=True), 1):
        lines.append(
            f"| {n} | {', '.join(order)} | {rate[n - 1]:,.0f} | {plain[n - 1]:,.0f}"
            f" | {ratios[n - 1]:.2f} | {r['playtest'].peak_mib:.1f} | {r['cold'].peak_mib:.1f}"
            f" | {save[n - 1]:.2f} | {load[n - 1]:.2f} | {both[n - 1]:.2f} |"
        )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions of each (default 5)")
    parser.add_argument("--runs", type=int, default=1000, help="playtest runs (default 1000)")
    parser.add_argument("--seed", type=int, default=1, help="generator and playtest seed")
    parser.add_argument("--scenes", type=int, default=5000, help="story size (default 5000)")
    parser.add_argument(
        "--record", action="store_true", help=f"write the figures into {DOC.relative_to(REPO)}"
    )
    args = parser.parse_args(argv)
    if args.reps < 1 or args.runs < 1:
        parser.error("--reps and --runs must be at least 1")

    python, gen_seconds, info = prepare(args.scenes, args.seed)

    with tempfile.TemporaryDirectory(prefix="bench_runtime-") as scratch:
        bench = Bench(python, STORY, Path(scratch), args)
        try:
            bench.warm_up()
            runs: list[dict[str, Sample]] = []
            orders: list[list[str]] = []
            for rep in range(args.reps):
                shift = rep % len(KINDS)
                order = list(KINDS[shift:] + KINDS[:shift])
                samples = {kind: bench.measure(kind) for kind in order}
                runs.append(samples)
                orders.append(order)
                print(
                    f"repetition {rep + 1}/{args.reps}:"
                    f" playtest {samples['playtest'].data['rate']:,.0f}/s"
                    f" ({samples['playtest'].peak_mib:.1f} MiB),"
                    f" plain {samples['plain'].data['rate']:,.0f}/s,"
                    f" save + load {samples['saveload'].data['total_ms']:.2f} ms",
                    file=sys.stderr,
                )
        except CommandFailed as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 1

    section = report(runs, orders, info, args, bench, gen_seconds)
    print(section)
    if args.record:
        try:
            record(section, BEGIN, END)
        except (OSError, CommandFailed) as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 1
        print(f"recorded in {DOC.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
