"""Seeded random playthroughs of a story, and what they found: endings, coverage, locks, errors.

ChoiceScript's randomtest, done better. Run `i` of a playtest with seed `S` draws its story
seed and the seed of its choice picker from (S, i) alone, so any run can be replayed by itself
(`replay`) and the same (story, S, N) always gives the same report, elapsed time aside.

Playtests are the subject of the runtime benchmark (bench/bench_runtime.py), so the loop that
plays a run does as little as it can per choice: it reads what the runner keeps anyway (visits,
history, tier shifts) once per run instead of copying it at every step.
"""

from __future__ import annotations

import hashlib
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, cast

from game.content.gc_pause import gc_paused
from game.core.expressions import Value
from game.core.runner import ChoiceView, Page, Runner, StoryRuntimeError
from game.core.state import HistoryEntry
from game.core.story import Meter, Scene, Story

DEFAULT_MAX_STEPS = 1000

# How a run ended.
ENDING = "ending"
LOOPED = "looped"  # hit the step cap: the story (or the random player) goes round in circles
ERROR = "error"  # a StoryRuntimeError
STUCK = "stuck"  # no choice could be taken, and the page is not an ending

_SCENE_AND_CHOICE = itemgetter(1, 2)  # (scene, choice) of a HistoryEntry


def run_seeds(seed: int, run: int) -> tuple[int, int]:
    """The story seed and the picker seed of run `run` of a playtest seeded `seed`.

    A hash rather than `seed + run`, so that neighbouring runs (and neighbouring playtest
    seeds) do not share streams, and so that run K needs nothing from runs 1..K-1.
    """
    digest = hashlib.blake2b(f"good-standing playtest {seed} {run}".encode(), digest_size=16)
    raw = digest.digest()
    return int.from_bytes(raw[:8], "big"), int.from_bytes(raw[8:], "big")


@dataclass(frozen=True, slots=True)
class PlaytestError:
    """A problem play revealed: a runtime error, or a scene where play got stuck.

    Identical problems (same location and message) are reported once, with the number of runs
    that hit them; `run` and `scene` are those of the first such run."""

    run: int
    scene: str
    location: str  # file:line:col
    message: str
    count: int = 1

    def as_json(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "scene": self.scene,
            "location": self.location,
            "message": self.message,
            "count": self.count,
        }

    def format(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass(frozen=True, slots=True)
class RunResult:
    """One playthrough: how it ended and the path it took (what `--run K` prints)."""

    run: int
    story_seed: int
    outcome: str  # ENDING, LOOPED, ERROR or STUCK
    ending: str | None  # the ending scene's id, when outcome is ENDING
    error: PlaytestError | None
    path: tuple[HistoryEntry, ...]  # every choice made, in order (replays only)
    scene: str  # the scene on the page at the end
    steps: int
    words: int
    meters: dict[str, Value]  # the player's meters at the end (empty if the opening failed)

    def as_json(self) -> dict[str, Any]:
        return {
            "run": self.run,
            "story_seed": self.story_seed,
            "outcome": self.outcome,
            "ending": self.ending,
            "error": self.error.as_json() if self.error is not None else None,
            "scene": self.scene,
            "steps": self.steps,
            "words": self.words,
            "meters": self.meters,
            "path": [
                {"turn": e.turn, "scene": e.scene, "choice": e.choice, "text": e.text}
                for e in self.path
            ],
        }


@dataclass(frozen=True, slots=True)
class Spread:
    """Summary of one figure over runs."""

    min: float
    mean: float
    median: float
    max: float

    @classmethod
    def of(cls, values: list[int]) -> Spread:
        if not values:
            return cls(0, 0.0, 0, 0)
        # By hand rather than with `statistics`, whose imports (decimal, fractions) would cost
        # the playtest process a MiB of its memory budget for two lines of arithmetic.
        ordered = sorted(values)
        middle = len(ordered) // 2
        median: float = ordered[middle]
        if len(ordered) % 2 == 0:
            median = (ordered[middle - 1] + ordered[middle]) / 2
            # The median of an even count is a mean of two: a whole number reads better as one.
            if median.is_integer():
                median = int(median)
        return cls(ordered[0], sum(ordered) / len(ordered), median, ordered[-1])


@dataclass(frozen=True, slots=True)
class LockedChoice:
    """A choice with `requires`: how often it was shown, and how often it was locked then."""

    scene: str
    choice: str
    shown: int
    locked: int


@dataclass(slots=True)
class PlaytestReport:
    runs: int
    seed: int
    max_steps: int
    story_id: str
    endings: dict[str, int]  # ending scene id -> runs that reached it; most reached first
    endings_unreached: list[str]  # in story order
    ending_titles: dict[str, str]
    scenes_total: int
    scenes_visited: int
    scenes_unvisited: list[str]  # in story order
    choices_total: int  # every choice of every scene, and every storylet's offer in its hub
    choices_taken: int
    choices_untaken: list[tuple[str, str]]  # (scene, choice), in story order
    meters: dict[str, Spread]  # final values over the runs that got past the opening
    steps: Spread
    words: Spread
    errors: list[PlaytestError]  # in order of the first run that hit each
    looped: int
    first_looped: tuple[int, str] | None  # (run, scene at the cap)
    locked: list[LockedChoice]  # choices with `requires` that were shown, in story order
    tiers_final: dict[str, dict[str, int]]  # meter -> tier -> runs that ended in it
    tiers_reached: dict[str, dict[str, int]]  # meter -> tier -> runs that were ever in it
    storylet_offers: int  # of choices_total
    choices_made: int  # over all runs
    elapsed_s: float
    outcomes: dict[str, int] = field(default_factory=dict)  # ENDING/LOOPED/ERROR/STUCK -> runs

    @property
    def throughput(self) -> float:
        """Choices made per second of play."""
        return self.choices_made / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def failed(self) -> bool:
        return bool(self.errors)

    def as_json(self) -> dict[str, Any]:
        """The report as `playtest --json` prints it: exactly these keys."""
        return {
            "runs": self.runs,
            "seed": self.seed,
            "endings": dict(self.endings),
            "endings_unreached": list(self.endings_unreached),
            "scenes_total": self.scenes_total,
            "scenes_visited": self.scenes_visited,
            "scenes_unvisited": list(self.scenes_unvisited),
            "choices_total": self.choices_total,
            "choices_taken": self.choices_taken,
            "meters": {
                meter: {"min": s.min, "mean": round(s.mean, 3), "max": s.max}
                for meter, s in self.meters.items()
            },
            "steps": {
                "mean": round(self.steps.mean, 3),
                "median": self.steps.median,
                "max": self.steps.max,
            },
            "words": {"mean": round(self.words.mean, 3), "median": self.words.median},
            "errors": [error.as_json() for error in self.errors],
            "looped": self.looped,
            "elapsed_s": round(self.elapsed_s, 3),
        }


class _Player:
    """Plays runs of one story and keeps the figures that need counting during play."""

    def __init__(self, story: Story, seed: int, max_steps: int) -> None:
        self.story = story
        self.seed = seed
        self.max_steps = max_steps
        # Scenes with a `requires` choice: only on their pages can a choice be locked, so only
        # there does the loop look at each choice (everywhere else all offered are available).
        self.lockable: dict[str, frozenset[str]] = {}
        for scene in story.scenes.values():
            ids = frozenset(c.id for c in scene.choices if c.requires is not None)
            if ids:
                self.lockable[scene.id] = ids
        self.shown: Counter[tuple[str, str]] = Counter()
        self.locked: Counter[tuple[str, str]] = Counter()
        # Words of scenes whose text never changes, counted the first time they are shown:
        # counting words splits every paragraph, the costliest thing a step would do here.
        self.static_words: dict[str, int] = {}
        self.dynamic_scenes: set[str] = set()

    def words(self, page: Page) -> int:
        words = self.static_words.get(page.scene)
        if words is not None:
            return words
        words = page.words
        scene = page.scene
        if scene not in self.dynamic_scenes:
            if _is_static(self.story.scenes[scene]):
                self.static_words[scene] = words
            else:
                self.dynamic_scenes.add(scene)
        return words

    def play(self, run: int, *, keep_path: bool = False) -> tuple[RunResult, Runner | None]:
        """Play run `run` to its end; the runner is None when the opening itself failed.

        The path (every choice made) is copied out of the state only for a replay."""
        story_seed, picker_seed = run_seeds(self.seed, run)
        pick = random.Random(picker_seed).random
        lockable = self.lockable
        shown = self.shown
        locked = self.locked
        static_words = self.static_words
        runner: Runner | None = None
        words = steps = 0
        outcome = LOOPED
        error: PlaytestError | None = None
        scene = self.story.manifest.start
        try:
            runner = Runner(self.story, seed=story_seed)
            page = runner.page
            scene = page.scene
            words = self.words(page)
            for _ in range(self.max_steps):
                if page.ending is not None:
                    outcome = ENDING
                    break
                choices = page.choices
                ids = lockable.get(scene)
                options: Sequence[ChoiceView] = choices
                if ids is not None:
                    options = []
                    for view in choices:
                        if view.id in ids and not view.storylet:
                            shown[scene, view.id] += 1
                            if not view.available:
                                locked[scene, view.id] += 1
                                continue
                        options.append(view)
                count = len(options)
                if count == 0:
                    outcome = STUCK
                    error = _stuck(self.story, run, page, runner.state.taken)
                    break
                # One draw per choice, even when there is a single option, so that the
                # picker's stream stays in step with the number of choices made.
                runner.choose(options[int(pick() * count)].id)
                steps += 1
                page = runner.page
                scene = page.scene
                got = static_words.get(scene)
                words += got if got is not None else self.words(page)
            else:
                if page.ending is not None:  # the cap's last choice reached an ending
                    outcome = ENDING
        except StoryRuntimeError as failure:
            outcome = ERROR
            if runner is not None:
                scene = runner.state.scene
            error = PlaytestError(run, scene, str(failure.location), failure.message)
        if runner is None:
            return RunResult(run, story_seed, outcome, None, error, (), scene, 0, 0, {}), None
        state = runner.state
        values = state.values
        result = RunResult(
            run=run,
            story_seed=story_seed,
            outcome=outcome,
            ending=state.scene if outcome == ENDING else None,
            error=error,
            path=tuple(state.history) if keep_path else (),
            scene=state.scene,
            steps=steps,
            words=words,
            meters={meter: values[meter] for meter in self.story.meters},
        )
        return result, runner


def _is_static(scene: Scene) -> bool:
    """Whether a scene's text reads the same every time: no conditions, variants or `{}`."""
    for passage in scene.passages:
        if passage.condition is not None or passage.one_of:
            return False
        if any(not isinstance(part, str) for part in passage.text.parts):
            return False
    return True


def _stuck(story: Story, run: int, page: Page, taken: set[str]) -> PlaytestError:
    """The error for a page that is not an ending and offers nothing that can be taken."""
    scene = story.scenes[page.scene]
    # Why each way out is closed; the message names the kinds, not how many of each, so that
    # runs stuck in the same scene for the same reasons count as one error.
    reasons: list[str] = []
    if any(not view.available for view in page.choices):
        reasons.append("locked")
    if any(not c.sticky and f"{scene.id}/{c.id}" in taken for c in scene.choices):
        reasons.append("taken already (and not sticky)")
    if any(c.condition is not None for c in scene.choices):
        reasons.append("hidden by `if`")
    why = " or ".join(reasons) if reasons else "not there"
    message = (
        f"play got stuck in scene '{scene.id}': each of its choices is {why}, and it is not"
        " an ending; make a way out sticky, or one that is always offered"
    )
    return PlaytestError(run, scene.id, str(scene.location), message)


def replay(story: Story, *, seed: int, run: int, max_steps: int = DEFAULT_MAX_STEPS) -> RunResult:
    """Play run `run` of a playtest seeded `seed` alone, exactly as the playtest played it."""
    result, _ = _Player(story, seed, max_steps).play(run, keep_path=True)
    return result


def playtest(
    story: Story,
    *,
    runs: int,
    seed: int,
    max_steps: int = DEFAULT_MAX_STEPS,
    progress: Callable[[int], object] | None = None,
) -> PlaytestReport:
    """Play runs 1..`runs` of `story` at random and report what they found.

    `progress`, if given, is called with 1 after each run (a progress bar's `update`).
    """
    if runs < 1:
        raise ValueError("a playtest needs at least one run")
    if max_steps < 1:
        raise ValueError("max_steps must be at least 1")
    story_order = list(story.scenes)
    ending_ids = [sid for sid in story_order if story.scenes[sid].ending is not None]
    player = _Player(story, seed, max_steps)
    tiered = [m for m in story.meters.values() if m.tiers]

    endings: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    visited: set[str] = set()
    taken: set[tuple[str, str]] = set()
    finals: dict[str, list[int]] = {meter: [] for meter in story.meters}
    tiers_final: dict[str, Counter[str]] = {m.id: Counter() for m in tiered}
    tiers_reached: dict[str, Counter[str]] = {m.id: Counter() for m in tiered}
    steps: list[int] = []
    words: list[int] = []
    errors: dict[tuple[str, str], PlaytestError] = {}
    looped = 0
    first_looped: tuple[int, str] | None = None

    start = time.perf_counter()
    # The cyclic collector is paused while runs are played: a run builds and drops thousands of
    # small objects that hold no reference cycles (tests/test_playtest.py checks it), so they
    # are freed by reference counting alone, and the collector's passes over the young objects
    # cost a tenth of the playtest's time for nothing.
    with gc_paused():
        for run in range(1, runs + 1):
            result, runner = player.play(run)
            outcomes[result.outcome] += 1
            steps.append(result.steps)
            words.append(result.words)
            if result.error is not None:
                key = (result.error.location, result.error.message)
                known = errors.get(key)
                errors[key] = (
                    result.error
                    if known is None
                    else PlaytestError(
                        known.run, known.scene, known.location, known.message, known.count + 1
                    )
                )
            if result.outcome == ENDING:
                assert result.ending is not None
                endings[result.ending] += 1
            elif result.outcome == LOOPED:
                looped += 1
                if first_looped is None:
                    first_looped = (run, result.scene)
            if runner is not None:
                state = runner.state
                visited.update(state.visits)
                taken.update(map(_SCENE_AND_CHOICE, state.history))
                for meter, value in result.meters.items():
                    finals[meter].append(cast(int, value))
                if tiered:
                    _count_tiers(runner, tiered, tiers_final, tiers_reached)
            if progress is not None:
                progress(1)
    elapsed = time.perf_counter() - start

    unvisited = [sid for sid in story_order if sid not in visited]
    untaken: list[tuple[str, str]] = []
    choices_total = storylet_offers = 0
    for sid in story_order:
        for choice in story.scenes[sid].choices:
            choices_total += 1
            if (sid, choice.id) not in taken:
                untaken.append((sid, choice.id))
        for storylet in story.hubs.get(sid, ()):
            choices_total += 1
            storylet_offers += 1
            if (sid, storylet) not in taken:
                untaken.append((sid, storylet))
    locked = [
        LockedChoice(sid, cid, player.shown[sid, cid], player.locked[sid, cid])
        for sid in story_order
        for cid in sorted(player.lockable.get(sid, ()))
        if player.shown[sid, cid]
    ]
    return PlaytestReport(
        runs=runs,
        seed=seed,
        max_steps=max_steps,
        story_id=story.manifest.id,
        endings=dict(sorted(endings.items(), key=lambda item: (-item[1], item[0]))),
        endings_unreached=[sid for sid in ending_ids if sid not in endings],
        ending_titles={sid: _ending_title(story.scenes[sid]) for sid in ending_ids},
        scenes_total=len(story_order),
        scenes_visited=len(story_order) - len(unvisited),
        scenes_unvisited=unvisited,
        choices_total=choices_total,
        choices_taken=choices_total - len(untaken),
        choices_untaken=untaken,
        meters={meter: Spread.of(values) for meter, values in finals.items() if values},
        steps=Spread.of(steps),
        words=Spread.of(words),
        errors=sorted(errors.values(), key=lambda e: e.run),
        looped=looped,
        first_looped=first_looped,
        locked=locked,
        tiers_final=_in_tier_order(story, tiers_final),
        tiers_reached=_in_tier_order(story, tiers_reached),
        storylet_offers=storylet_offers,
        choices_made=sum(steps),
        elapsed_s=elapsed,
        outcomes=dict(outcomes),
    )


def _ending_title(scene: Scene) -> str:
    return scene.ending.title if scene.ending is not None else scene.id


def _count_tiers(
    runner: Runner,
    tiered: Iterable[Meter],
    final: Mapping[str, Counter[str]],
    reached: Mapping[str, Counter[str]],
) -> None:
    """Count the tier each tiered meter ended in, and every tier it was in during the run."""
    values = runner.state.values
    ever: dict[str, set[str]] = {}
    for meter in tiered:
        tier = meter.tier_at(cast(int, values[meter.id]))
        ever[meter.id] = {tier.id} if tier is not None else set()
        if tier is not None:
            final[meter.id][tier.id] += 1
    # Every tier a run was in is where it ended, or one end of a shift the runner recorded.
    for entry in runner.state.tiers:
        seen = ever.get(entry.meter)
        if seen is None:
            continue
        if entry.old is not None:
            seen.add(entry.old)
        if entry.new is not None:
            seen.add(entry.new)
    for meter_id, seen in ever.items():
        for tier_id in seen:
            reached[meter_id][tier_id] += 1


def _in_tier_order(story: Story, counts: Mapping[str, Counter[str]]) -> dict[str, dict[str, int]]:
    """Counts per meter, tiers in the order the story declares them (highest first, usually)."""
    return {
        meter: {t.id: counts[meter][t.id] for t in story.meters[meter].tiers} for meter in counts
    }
