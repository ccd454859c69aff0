"""The playtest's report for people: endings, coverage, locks, meters, loops and errors."""

from __future__ import annotations

from collections.abc import Sequence

from game.core.story import Story
from game.playtest import (
    DEFAULT_MAX_STEPS,
    ENDING,
    ERROR,
    LOOPED,
    STUCK,
    PlaytestReport,
    RunResult,
)

LIST_LIMIT = 20  # ids listed before "…and N more"


def _n(number: float) -> str:
    return f"{number:,}" if isinstance(number, int) else f"{number:,.1f}"


def _plural(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "n/a"


def _some(items: Sequence[str], limit: int = LIST_LIMIT) -> str:
    shown = ", ".join(items[:limit])
    rest = len(items) - limit
    return shown + (f" …and {rest:,} more" if rest > 0 else "")


def _replay_command(folder: str, seed: int, max_steps: int, run: int) -> str:
    steps = f" --max-steps {max_steps}" if max_steps != DEFAULT_MAX_STEPS else ""
    return f"python -m game playtest {folder} --seed {seed}{steps} --run {run}"


def format_report(report: PlaytestReport, *, folder: str, title: str, load_s: float) -> str:
    """The human-readable report."""
    lines: list[str] = []
    add = lines.append
    add(
        f"Playtest of {title} ({folder}): {_plural(report.runs, 'run')}, seed {report.seed},"
        f" at most {report.max_steps:,} choices a run"
    )
    add(
        f"{_plural(report.choices_made, 'choice')} in {report.elapsed_s:.2f} s"
        f" ({report.throughput:,.0f} choices a second); story loaded in {load_s:.2f} s"
    )
    outcomes = report.outcomes
    add(
        f"Runs: {outcomes.get(ENDING, 0):,} reached an ending, {outcomes.get(LOOPED, 0):,} hit"
        f" the step cap, {outcomes.get(ERROR, 0):,} stopped on an error,"
        f" {outcomes.get(STUCK, 0):,} got stuck"
    )

    total_endings = len(report.endings) + len(report.endings_unreached)
    add("")
    add(f"Endings: {len(report.endings):,} of {total_endings:,} reached")
    ranked = list(report.endings.items())
    width = len(f"{max(report.endings.values(), default=0):,}")
    for scene, count in ranked[:LIST_LIMIT]:
        add(
            f"  {count:>{width},}  {_percent(count, report.runs):>6}  {scene}"
            f"  ({report.ending_titles.get(scene, scene)})"
        )
    if len(ranked) > LIST_LIMIT:
        add(f"  …and {len(ranked) - LIST_LIMIT:,} more")
    if report.endings_unreached:
        add(
            f"  never reached ({len(report.endings_unreached):,}):"
            f" {_some(report.endings_unreached)}"
        )

    add("")
    add(
        f"Scenes: {report.scenes_visited:,} of {report.scenes_total:,} visited"
        f" ({_percent(report.scenes_visited, report.scenes_total)})"
    )
    if report.scenes_unvisited:
        add(f"  never visited ({len(report.scenes_unvisited):,}): {_some(report.scenes_unvisited)}")
    add(
        f"Choices: {report.choices_taken:,} of {report.choices_total:,} taken at least once"
        f" ({_percent(report.choices_taken, report.choices_total)})"
        + (
            f"; {_plural(report.storylet_offers, 'storylet offer')} counted as choices of their"
            " hubs"
            if report.storylet_offers
            else ""
        )
    )
    if report.choices_untaken:
        untaken = [f"{scene}/{choice}" for scene, choice in report.choices_untaken]
        add(f"  never taken ({len(untaken):,}): {_some(untaken)}")

    if report.locked:
        add("")
        add("Locked choices (times locked when shown):")
        for item in report.locked[:LIST_LIMIT]:
            add(
                f"  {item.scene}/{item.choice}: locked {item.locked:,} of {item.shown:,} times"
                f" ({_percent(item.locked, item.shown)})"
            )
        if len(report.locked) > LIST_LIMIT:
            add(f"  …and {len(report.locked) - LIST_LIMIT:,} more")

    if report.meters:
        add("")
        add("Meters at the end (min / mean / max):")
        width = max(len(meter) for meter in report.meters)
        for meter, spread in report.meters.items():
            add(f"  {meter:<{width}}  {_n(spread.min)} / {spread.mean:,.1f} / {_n(spread.max)}")
    for heading, tiers in (
        ("Tiers at the end (runs)", report.tiers_final),
        ("Tiers reached during a run (runs that were ever in each)", report.tiers_reached),
    ):
        if tiers:
            add(f"{heading}:")
            for meter, counts in tiers.items():
                listed = ", ".join(f"{tier} {count:,}" for tier, count in counts.items())
                add(f"  {meter}: {listed}")

    add("")
    steps = report.steps
    add(f"Choices per run: mean {steps.mean:,.1f}, median {_n(steps.median)}, max {_n(steps.max)}")
    add(f"Words per run: mean {report.words.mean:,.1f}, median {_n(report.words.median)}")

    add("")
    if report.looped:
        assert report.first_looped is not None
        run, scene = report.first_looped
        add(
            f"Loops: {_plural(report.looped, 'run')} hit the cap of {report.max_steps:,} choices"
            f" (first: run {run}, then in scene '{scene}')"
        )
        add(f"  replay it: {_replay_command(folder, report.seed, report.max_steps, run)}")
    else:
        add("Loops: no run hit the step cap")
    if not report.errors:
        add("Errors: none")
    else:
        add(f"Errors ({len(report.errors):,}):")
        for error in report.errors:
            add(f"  {error.format()}")
            add(
                f"    in {_plural(error.count, 'run')}; first: run {error.run},"
                f" in scene '{error.scene}'"
            )
        first = report.errors[0]
        add(
            "  replay the first:"
            f" {_replay_command(folder, report.seed, report.max_steps, first.run)}"
        )
    return "\n".join(lines)


def format_run(result: RunResult, story: Story, *, seed: int) -> str:
    """One replayed run: every choice it made, and how it ended."""
    lines = [f"Run {result.run} of a playtest of {story.manifest.title} with seed {seed}:"]
    width = len(str(len(result.path)))
    for number, entry in enumerate(result.path, 1):
        lines.append(f"  {number:>{width}}. {entry.scene} -> {entry.choice}: {entry.text}")
    words = _plural(result.words, "word")
    choices = _plural(result.steps, "choice")
    if result.outcome == ENDING:
        assert result.ending is not None
        ending = story.scenes[result.ending].ending
        title = f" ({ending.title})" if ending is not None else ""
        lines.append(f"Reached the ending '{result.ending}'{title} after {choices} ({words}).")
    elif result.outcome == LOOPED:
        lines.append(f"Hit the step cap after {choices}, in scene '{result.scene}' ({words}).")
    else:
        assert result.error is not None
        what = "Got stuck" if result.outcome == STUCK else "Stopped by an error"
        lines.append(f"{what} after {choices}, in scene '{result.scene}':")
        lines.append(f"  {result.error.format()}")
    if result.meters:
        lines.append(
            "Meters: " + ", ".join(f"{meter} {value}" for meter, value in result.meters.items())
        )
    return "\n".join(lines)
