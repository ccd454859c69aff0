"""Deterministic generator of a large synthetic story, for benchmarking `check` and `playtest`.

    python bench/gen_story.py --scenes 5000 --seed 1 --out bench/out/synthetic

or, from Python, `generate(Path("bench/out/synthetic"), scenes=5000, seed=1)`.

The same (scenes, seed) always writes byte-identical files. The shape (see docs/performance.md):

- `story.yaml`: manifest (id `synthetic`, start `s0`), 8 meters `m0`..`m7` (0..100, start 10,
  display number) and 40 flags `f0`..`f39` (false).
- `chapters/part_NNN.yaml`: 100 scenes each, under `scenes:`.
- About 2% of scenes (never `s0`, never two in a row) are endings: `ending: {title: ...}`, no
  choices.
- Every scene has three paragraphs of 12-20 words; every other scene has three choices of 3-7
  words. Choices 1 and 2 carry `if: mK >= k` (k in 1..60) or `if: not fJ` (even odds) and go to an
  ending with probability 4.5% (so that 3% of all choices do), else to a random non-ending scene.
  Choice 3 has no condition, is `sticky: true` and goes to the next scene, skipping an ending
  (the last scene's goes back to `s0`), so every scene is reachable from `s0`, none is a dead
  end, and none runs out of choices in play: non-sticky choices disappear once taken, and a
  random playthrough (the playtest benchmark) that comes back to a scene must still find the
  chain there.
- Every choice adds 1-3 to one meter; half of them (at random) also set one flag to true.
- Every meter and flag is read by at least one condition (given at least 24 non-ending scenes),
  and every ending is the target of at least one choice.

Files are written with plain string formatting, not yaml.dump: the generator must stay fast.
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

SCENES_PER_FILE = 100
METERS = [f"m{i}" for i in range(8)]
FLAGS = [f"f{i}" for i in range(40)]
ENDING_SHARE = 0.02  # of scenes
# 3% of all choices go to an ending; only choices 1 and 2 can, so each does with 4.5%.
ENDING_GOTO_SHARE = 0.03 * 3 / 2

# Plain lowercase words: no YAML-special scalars (yes/no/on/off/true/false/null), no braces.
_WORDS = """
about above across after again against almost alone along already always among anger answer
apple archive arrive ask autumn badge bakery balance bank basket bell bench beyond bicycle bird
blanket board boat book border bottle bread bridge bright brother budget building bus cabinet
calm candle card careful carry castle ceiling chair chapter city clerk clock cloud coat coin cold
colour common corner council counter country courage crowd cup curtain daily dark daughter desk
distant door dream drift early earth east empty engine evening every window fabric fair family
far father fence field file final floor flower folder forest form fountain friend garden gate
gentle glass green grey ground guard hall harbour heavy hedge hidden hill history holiday home
honest hour house hungry island journey kettle key kitchen ladder lamp late leaf ledger letter
library light line list little lobby long lower market meadow memory message middle mirror
morning mother narrow neighbour network night north notice number office old open orchard paper
parcel park path patient pencil people photo platform pocket point polite queue quiet rain
record register river road roof room rule saucer score screen season second shadow shelf shop
signal silent silver simple sister slow small south square stair stamp station steady stone
street summer table tower town train tree tunnel umbrella under valley village visitor voice
wait wall warm water weather west wheel whisper winter wooden worker yard yellow young
"""
VOCABULARY = _WORDS.split()

_RESERVED = {"yes", "no", "on", "off", "true", "false", "null", "y", "n"}
assert not _RESERVED & set(VOCABULARY)


def _sentence(rng: random.Random, low: int, high: int) -> str:
    words = rng.choices(VOCABULARY, k=rng.randint(low, high))
    words[0] = words[0].capitalize()
    return " ".join(words)


def _pick_endings(rng: random.Random, scenes: int) -> list[int]:
    """About 2% of the scene indices, never 0 and never two adjacent."""
    if scenes < 3:
        return []
    wanted = max(1, round(scenes * ENDING_SHARE))
    candidates = list(range(1, scenes))
    rng.shuffle(candidates)
    chosen: set[int] = set()
    for index in candidates:
        if len(chosen) == wanted:
            break
        if index - 1 not in chosen and index + 1 not in chosen:
            chosen.add(index)
    return sorted(chosen)


def _condition(rng: random.Random, name: str) -> str:
    if name.startswith("m"):
        return f"{name} >= {rng.randint(1, 60)}"
    return f"not {name}"


def _plan_targets(
    rng: random.Random, scenes: int, endings: list[int], ending_set: set[int]
) -> dict[tuple[int, int], int]:
    """goto of choices 1 and 2 (slot = (scene, 0 or 1)) for every non-ending scene."""
    playable = [i for i in range(scenes) if i not in ending_set]
    slots = [(i, c) for i in playable for c in (0, 1)]
    to_ending = [slot for slot in slots if rng.random() < ENDING_GOTO_SHARE]
    # Small stories: promote slots until every ending can be the target of one.
    if endings and len(to_ending) < len(endings):
        taken = set(to_ending)
        spare = [slot for slot in slots if slot not in taken]
        rng.shuffle(spare)
        to_ending += spare[: len(endings) - len(to_ending)]
    order = endings[:]
    rng.shuffle(order)
    targets = {slot: order[n % len(order)] for n, slot in enumerate(to_ending)}
    for slot in slots:
        if slot not in targets:
            targets[slot] = rng.choice(playable)
    return targets


def _chain(index: int, scenes: int, ending_set: set[int]) -> int:
    """Where choice 3 of a non-ending scene leads: the next scene, skipping an ending."""
    nxt = index + 1
    if nxt in ending_set:
        nxt += 1
    return nxt if nxt < scenes else 0


def _render_manifest(scenes: int, seed: int) -> str:
    lines = [
        f"# Generated by bench/gen_story.py --scenes {scenes} --seed {seed}; do not edit.",
        "id: synthetic",
        "title: Synthetic benchmark story",
        'version: "1.0"',
        "start: s0",
        f"description: {scenes} generated scenes for the check benchmark",
        "meters:",
    ]
    lines += [f"  {m}: {{min: 0, max: 100, start: 10, display: number}}" for m in METERS]
    lines.append("flags:")
    lines += [f"  {f}: false" for f in FLAGS]
    return "\n".join(lines) + "\n"


def build(scenes: int, seed: int) -> dict[str, str]:
    """The story's files as {relative path: text}; deterministic in (scenes, seed)."""
    if scenes < 1:
        raise ValueError("scenes must be at least 1")
    rng = random.Random(seed)
    endings = _pick_endings(rng, scenes)
    ending_set = set(endings)
    targets = _plan_targets(rng, scenes, endings, ending_set)

    # Names every condition reads: the first 48 conditions cover all meters and flags once.
    cover = METERS + FLAGS
    rng.shuffle(cover)
    condition_count = 0

    files: dict[str, str] = {"story.yaml": _render_manifest(scenes, seed)}
    for first in range(0, scenes, SCENES_PER_FILE):
        out = [f"# Scenes s{first}..s{min(first + SCENES_PER_FILE, scenes) - 1}.", "scenes:"]
        for i in range(first, min(first + SCENES_PER_FILE, scenes)):
            out.append(f"  s{i}:")
            out.append("    text: |")
            for p in range(3):
                if p:
                    out.append("")
                out.append(f"      {_sentence(rng, 12, 20)}.")
            if i in ending_set:
                title = " ".join(w.capitalize() for w in rng.choices(VOCABULARY, k=2))
                out.append(f"    ending: {{title: The {title}}}")
                continue
            out.append("    choices:")
            for c in range(3):
                out.append(f"      - text: {_sentence(rng, 3, 7)}")
                if c < 2:
                    out.append(f"        goto: s{targets[(i, c)]}")
                    if condition_count < len(cover):
                        name = cover[condition_count]
                    else:
                        name = rng.choice(METERS) if rng.random() < 0.5 else rng.choice(FLAGS)
                    condition_count += 1
                    out.append(f"        if: {_condition(rng, name)}")
                else:
                    out.append(f"        goto: s{_chain(i, scenes, ending_set)}")
                    out.append("        sticky: true")
                out.append("        effects:")
                out.append(f"          - add: {{{rng.choice(METERS)}: {rng.randint(1, 3)}}}")
                if rng.random() < 0.5:
                    out.append(f"          - set: {{{rng.choice(FLAGS)}: true}}")
        files[f"chapters/part_{first // SCENES_PER_FILE:03d}.yaml"] = "\n".join(out) + "\n"
    return files


def generate(out_dir: Path, scenes: int, seed: int) -> None:
    """Write the story into `out_dir`, replacing a story this generator wrote there before."""
    out_dir = Path(out_dir)
    chapters = out_dir / "chapters"
    if out_dir.exists():
        stale = sorted(out_dir.rglob("*.yaml"))
        foreign = [
            p
            for p in stale
            if p != out_dir / "story.yaml"
            and not (p.parent == chapters and p.name.startswith("part_"))
        ]
        if foreign:
            raise FileExistsError(f"{out_dir} holds files this generator did not write: {foreign}")
        for path in stale:
            path.unlink()
    chapters.mkdir(parents=True, exist_ok=True)
    for rel, text in build(scenes, seed).items():
        (out_dir / rel).write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenes", type=int, default=5000, help="number of scenes (default 5000)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument(
        "--out", type=Path, default=Path("bench/out/synthetic"), help="story folder to write"
    )
    args = parser.parse_args(argv)
    if args.scenes < 1:
        parser.error("--scenes must be at least 1")
    generate(args.out, args.scenes, args.seed)
    print(f"wrote {args.scenes} scenes (seed {args.seed}) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
