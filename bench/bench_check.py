"""Benchmark of `python -m game check` on a 5,000-scene synthetic story. A benchmark, not a test.

    .venv/bin/python bench/bench_check.py            # print the figures
    .venv/bin/python bench/bench_check.py --record   # ... and write them into docs/performance.md

Machines are shared and noisy, so nothing here is compared with figures from another run. In one
run, R repetitions of each command are interleaved (the order rotates each repetition) and the
figures are medians; the check's time is judged as a ratio against a bare libyaml load of the same
files measured in the same run. Each command is a whole process (interpreter start-up included),
timed from spawn to exit; its peak memory is the child's ru_maxrss, read with os.wait4.

Exits non-zero only when a command fails (or --record cannot write); a missed target prints MISS.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gen_story import generate

REPO = Path(__file__).resolve().parent.parent
STORY = REPO / "bench" / "out" / "synthetic"
DOC = REPO / "docs" / "performance.md"
BEGIN = "<!-- bench_check:begin -->"
END = "<!-- bench_check:end -->"
CACHE_ENV = "GOOD_STANDING_CACHE_DIR"

# The baseline: what reading the story costs with nothing but PyYAML's C loader.
BASELINE = """\
import sys, yaml
from pathlib import Path
for path in sorted(Path(sys.argv[1]).rglob("*.yaml")):
    with open(path, "rb") as f:
        yaml.load(f, Loader=yaml.CSafeLoader)
"""

KINDS = ("startup", "baseline", "cold", "warm")
LABELS = {
    "startup": "interpreter start-up (`python -c pass`), for reference",
    "baseline": "baseline: bare libyaml load of every file",
    "cold": "cold check (empty cache)",
    "warm": "warm check (filled cache)",
}
RATIO_TARGET = 1.3
WARM_TARGET_S = 0.25
PEAK_TARGET_MIB = 150.0


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mib: float


@dataclass(frozen=True)
class Result:
    sample: Sample
    returncode: int
    stdout: str
    stderr: str


class CommandFailed(Exception):
    pass


def run(cmd: list[str], env: dict[str, str]) -> Result:
    """Run one whole process; wall time from spawn to exit, peak RSS from the kernel."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=REPO
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)  # reaped: keep Popen from waiting
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    # ru_maxrss is in KiB on Linux and in bytes on macOS.
    peak = usage.ru_maxrss / (1024 * 1024) if sys.platform == "darwin" else usage.ru_maxrss / 1024
    return Result(Sample(seconds, peak), proc.returncode, stdout, stderr)


def diagnostics_in(text: str) -> list[str]:
    return [line for line in text.splitlines() if "error[" in line or "warning[" in line]


class Bench:
    def __init__(self, python: str, story: Path, scratch: Path) -> None:
        self.python = python
        self.story = story
        self.story_arg = os.path.relpath(story, REPO)  # commands run in REPO: short paths
        self.scratch = scratch
        # Children run as an installed game does: with compiled bytecode. A machine that sets
        # PYTHONDONTWRITEBYTECODE would otherwise recompile every module of the game on every
        # run (about 50 ms here), while the baseline's yaml comes precompiled from pip.
        self.env = {
            k: v for k, v in os.environ.items() if k not in (CACHE_ENV, "PYTHONDONTWRITEBYTECODE")
        }
        self.warm_cache = scratch / "warm-cache"
        self.fresh = 0
        self.diagnostics: list[str] = []
        self.notes: list[str] = []

    def command(self, kind: str) -> tuple[list[str], dict[str, str], Path | None]:
        if kind == "startup":
            return [self.python, "-c", "pass"], self.env, None
        if kind == "baseline":
            return [self.python, "-c", BASELINE, self.story_arg], self.env, None
        if kind == "cold":
            self.fresh += 1
            cache = self.scratch / f"cold-cache-{self.fresh}"
            cache.mkdir()
        else:
            cache = self.warm_cache
        cmd = [self.python, "-m", "game", "check", self.story_arg]
        return cmd, {**self.env, CACHE_ENV: str(cache)}, cache

    def measure(self, kind: str) -> Sample:
        cmd, env, cache = self.command(kind)
        result = run(cmd, env)
        if result.returncode != 0:
            shown = " ".join([*cmd[:2], "..."] if kind == "baseline" else cmd)
            raise CommandFailed(
                f"{kind}: `{shown}` exited {result.returncode}\n"
                f"--- stdout\n{result.stdout[-4000:]}--- stderr\n{result.stderr[-4000:]}"
            )
        if kind in ("cold", "warm"):
            found = diagnostics_in(result.stdout + "\n" + result.stderr)
            if found and not self.diagnostics:
                self.diagnostics = found
        if kind == "cold" and cache is not None:
            if not any(cache.iterdir()):
                note = f"the check wrote nothing into {CACHE_ENV}: the warm run cannot be warm"
                if note not in self.notes:
                    self.notes.append(note)
            shutil.rmtree(cache)
        return result.sample

    def warm_up(self) -> None:
        """Untimed: compile bytecode, fill the OS file cache, fill the warm story cache."""
        self.warm_cache.mkdir()
        for kind in ("startup", "baseline", "cold", "warm"):
            self.measure(kind)


def median(values: list[float]) -> float:
    return statistics.median(values)


def machine() -> dict[str, str]:
    try:
        nproc = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        nproc = os.cpu_count() or 0
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        load = "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())
    except OSError:
        load = "n/a"
    return {
        "nproc": str(nproc),
        "cpu": cpu,
        "python": f"{platform.python_version()} ({platform.python_implementation()})",
        "platform": platform.platform(),
        "load": load,
    }


def story_size(story: Path) -> tuple[int, float]:
    files = sorted(story.rglob("*.yaml"))
    return len(files), sum(p.stat().st_size for p in files) / (1024 * 1024)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def report(
    runs: list[dict[str, Sample]],
    orders: list[list[str]],
    info: dict[str, str],
    args: argparse.Namespace,
    bench: Bench,
    gen_seconds: float,
) -> str:
    secs = {k: [r[k].seconds for r in runs] for k in KINDS}
    mibs = {k: [r[k].peak_mib for r in runs] for k in KINDS}
    ratios = [r["cold"].seconds / r["baseline"].seconds for r in runs]
    med = {k: median(v) for k, v in secs.items()}
    mem = {k: median(v) for k, v in mibs.items()}
    ratio = median(ratios)
    files, size = story_size(bench.story)

    def spread(kind: str) -> str:
        return f"{min(secs[kind]):.3f}–{max(secs[kind]):.3f}"

    lines = [
        f"Recorded {info['date']} by `bench/bench_check.py` ({args.reps} interleaved repetitions"
        f" of each command; figures are medians).",
        "",
        f"- Machine: nproc {info['nproc']}, {info['cpu']}; load average at start {info['load']}",
        f"- Python {info['python']} (`{info['executable']}`), {info['platform']}",
        f"- Story: {args.scenes} scenes (seed {args.seed}), {files} files, {size:.1f} MiB of YAML;"
        f" generated in {gen_seconds:.2f} s",
        "",
        "| figure | median | runs (min–max) | target | result |",
        "|---|---|---|---|---|",
        f"| {LABELS['startup']} | {med['startup']:.3f} s | {spread('startup')} | | |",
        f"| {LABELS['baseline']} | {med['baseline']:.3f} s | {spread('baseline')} | | |",
        f"| {LABELS['cold']} | {med['cold']:.3f} s | {spread('cold')} | | |",
        f"| cold / baseline (median of per-repetition ratios) | {ratio:.2f} |"
        f" {min(ratios):.2f}–{max(ratios):.2f} | ≤ {RATIO_TARGET} |"
        f" {verdict(ratio <= RATIO_TARGET)} |",
        f"| {LABELS['warm']} | {med['warm']:.3f} s | {spread('warm')} | ≤ {WARM_TARGET_S} s |"
        f" {verdict(med['warm'] <= WARM_TARGET_S)} |",
        f"| peak RSS, baseline | {mem['baseline']:.1f} MiB | | | |",
        f"| peak RSS, cold check | {mem['cold']:.1f} MiB | {min(mibs['cold']):.1f}–"
        f"{max(mibs['cold']):.1f} | ≤ {PEAK_TARGET_MIB:.0f} MiB |"
        f" {verdict(mem['cold'] <= PEAK_TARGET_MIB)} |",
        f"| peak RSS, warm check | {mem['warm']:.1f} MiB | {min(mibs['warm']):.1f}–"
        f"{max(mibs['warm']):.1f} | ≤ {PEAK_TARGET_MIB:.0f} MiB |"
        f" {verdict(mem['warm'] <= PEAK_TARGET_MIB)} |",
        "",
        "Per repetition (seconds; peak RSS in MiB):",
        "",
        "| # | order | start-up | baseline | cold | warm | cold/baseline"
        " | MiB baseline | MiB cold | MiB warm |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, (r, order) in enumerate(zip(runs, orders, strict=True), 1):
        lines.append(
            f"| {n} | {', '.join(order)} | {r['startup'].seconds:.3f} | {r['baseline'].seconds:.3f}"
            f" | {r['cold'].seconds:.3f} | {r['warm'].seconds:.3f} | {ratios[n - 1]:.2f}"
            f" | {r['baseline'].peak_mib:.1f} | {r['cold'].peak_mib:.1f}"
            f" | {r['warm'].peak_mib:.1f} |"
        )
    if bench.diagnostics:
        lines += ["", f"The check reported {len(bench.diagnostics)} diagnostics, first:", ""]
        lines += [f"    {d}" for d in bench.diagnostics[:5]]
    for note in bench.notes:
        lines += ["", f"Note: {note}."]
    return "\n".join(lines) + "\n"


def prepare(scenes: int, seed: int) -> tuple[str, float, dict[str, str]]:
    """What both benchmarks do first: name the interpreter, generate the synthetic story, and
    describe the machine. Returns the interpreter, the generation time and the description."""
    python = sys.executable
    expected = REPO / ".venv" / "bin" / "python"
    if Path(python).absolute() != expected.absolute():
        print(f"note: running with {python}, not {expected}", file=sys.stderr)

    start = time.perf_counter()
    generate(STORY, scenes, seed)
    gen_seconds = time.perf_counter() - start
    print(f"generated {scenes} scenes into {STORY} in {gen_seconds:.2f} s", file=sys.stderr)

    info = machine()
    info["date"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    info["executable"] = os.path.relpath(python, REPO) if python.startswith(str(REPO)) else python
    return python, gen_seconds, info


def record(section: str, begin_marker: str = BEGIN, end_marker: str = END) -> None:
    """Put `section` between the markers in docs/performance.md (each benchmark has its own)."""
    text = DOC.read_text(encoding="utf-8")
    begin, end = text.find(begin_marker), text.find(end_marker)
    if begin < 0 or end < begin:
        raise CommandFailed(f"{DOC} lacks the markers {begin_marker} ... {end_marker}")
    text = text[: begin + len(begin_marker)] + "\n" + section + text[end:]
    DOC.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=5, help="repetitions of each (default 5)")
    parser.add_argument("--scenes", type=int, default=5000, help="story size (default 5000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument(
        "--record", action="store_true", help=f"write the figures into {DOC.relative_to(REPO)}"
    )
    args = parser.parse_args(argv)
    if args.reps < 1:
        parser.error("--reps must be at least 1")

    python, gen_seconds, info = prepare(args.scenes, args.seed)

    with tempfile.TemporaryDirectory(prefix="bench_check-") as scratch:
        bench = Bench(python, STORY, Path(scratch))
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
                done = ", ".join(f"{k} {samples[k].seconds:.3f}s" for k in KINDS)
                print(f"repetition {rep + 1}/{args.reps}: {done}", file=sys.stderr)
        except CommandFailed as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 1

    section = report(runs, orders, info, args, bench, gen_seconds)
    print(section)
    if bench.diagnostics:
        print("warning: the check reported diagnostics on the generated story", file=sys.stderr)
    if args.record:
        try:
            record(section)
        except (OSError, CommandFailed) as failure:
            print(f"FAILED: {failure}", file=sys.stderr)
            return 1
        print(f"recorded in {DOC.relative_to(REPO)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
