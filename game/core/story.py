"""The compiled story: immutable data in which every node knows the file, line and column it came from."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from game.core.diagnostics import SourceLocation
from game.core.expr_eval import Environment, Evaluator, compile_code
from game.core.expressions import Code, Value

# Blank lines separate paragraphs; single newlines inside a paragraph fold to spaces.
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Expression:
    source: str
    code: Code
    location: SourceLocation
    # Built on first use, so that loading a story from the cache stays cheap.
    _evaluator: Evaluator | None = field(default=None, init=False, compare=False, repr=False)

    def evaluate(self, env: Environment) -> Value:
        evaluator = self._evaluator
        if evaluator is None:
            evaluator = compile_code(self.code)
            object.__setattr__(self, "_evaluator", evaluator)
        return evaluator(env)


def format_value(value: Value) -> str:
    """How a value reads inside story text: 3 not 3.0, true not True."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True, slots=True)
class Template:
    """Text with `{expression}` holes; literal parts are kept as written."""

    parts: tuple[str | Expression, ...]
    location: SourceLocation

    def render(self, env: Environment) -> str:
        out = [
            part if isinstance(part, str) else format_value(part.evaluate(env))
            for part in self.parts
        ]
        return "".join(out)

    @property
    def words(self) -> int:
        return sum(len(part.split()) for part in self.parts if isinstance(part, str))


def paragraphs(text: str) -> list[str]:
    """Split rendered text into paragraphs, folding single line breaks into spaces."""
    result = []
    for block in _PARAGRAPH_BREAK.split(text.strip()):
        folded = _WHITESPACE.sub(" ", block).strip()
        if folded:
            result.append(folded)
    return result


@dataclass(frozen=True, slots=True)
class Passage:
    """A piece of a scene's text, shown when its condition holds (or always), else `otherwise`.

    A passage written with `one_of` shows one of its variants, drawn from the story's seeded
    generator; `text` is then the first variant."""

    text: Template
    condition: Expression | None = None
    otherwise: Template | None = None
    one_of: tuple[Template, ...] = ()


# Effect operations. Numeric ones take a target and a value; `advance` takes "period" or "day";
# the circle operations take a character id as their target and no value.
NUMERIC_OPERATIONS = ("set", "add", "subtract", "%+", "%-")
FAIRMATH_OPERATIONS = ("%+", "%-")
CIRCLE_OPERATIONS = ("befriend", "unfriend", "block")
ADVANCE = "advance"
# A choice that goes to RETURN resumes where an interruption (a scheduled event, a tier's scene,
# a storylet) took the player from.
RETURN = "return"


@dataclass(frozen=True, slots=True)
class Effect:
    op: str  # one of NUMERIC_OPERATIONS, CIRCLE_OPERATIONS or ADVANCE
    target: str  # a name; a character id for circle operations; "period" or "day" for advance
    value: Expression | Template | None  # a Template only when setting a text variable
    location: SourceLocation
    reason: Template | None = None  # what the ledger and the player read: "smoking on a train"


@dataclass(frozen=True, slots=True)
class Choice:
    id: str
    text: Template
    goto: str
    location: SourceLocation
    condition: Expression | None = None
    requires: Expression | None = None
    locked: Template | None = None
    effects: tuple[Effect, ...] = ()
    sticky: bool = False
    tags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Ending:
    title: str
    location: SourceLocation
    epithet: str | None = None


@dataclass(frozen=True, slots=True)
class Storylet:
    """Makes a scene an offer in a hub: shown there while `requires` holds, ranked by salience."""

    hub: str  # the scene id of the hub that offers it
    text: Template  # the choice the hub shows
    location: SourceLocation
    requires: Expression | None = None
    salience: Expression | None = None  # a number; higher comes first; 0 when absent
    sticky: bool = False  # offered again after it has been played


@dataclass(frozen=True, slots=True)
class Scene:
    id: str
    passages: tuple[Passage, ...]
    location: SourceLocation
    title: str | None = None
    on_enter: tuple[Effect, ...] = ()
    choices: tuple[Choice, ...] = ()
    tags: tuple[str, ...] = ()
    ending: Ending | None = None
    storylet: Storylet | None = None
    # For a hub: at most this many storylets are offered at once (None: all that qualify).
    storylet_limit: int | None = None

    @property
    def words(self) -> int:
        total = 0
        for passage in self.passages:
            if passage.one_of:
                total += sum(variant.words for variant in passage.one_of)
            else:
                total += passage.text.words
            if passage.otherwise is not None:
                total += passage.otherwise.words
        return total + sum(choice.text.words for choice in self.choices)


@dataclass(frozen=True, slots=True)
class TierEvent:
    """What happens when the player's value enters or leaves a tier."""

    location: SourceLocation
    effects: tuple[Effect, ...] = ()
    notify: Template | None = None
    goto: str | None = None  # a scene that interrupts play; it ends with `goto: return`


@dataclass(frozen=True, slots=True)
class Tier:
    id: str
    label: str
    min: int
    max: int
    location: SourceLocation
    privileges: tuple[str, ...] = ()
    sanctions: tuple[str, ...] = ()
    on_enter: TierEvent | None = None
    on_leave: TierEvent | None = None


@dataclass(frozen=True, slots=True)
class Multiplier:
    """While `condition` holds, gains to the meter are multiplied by `gain` and losses by `loss`:
    "after an infraction, penalties count double" is `loss: 2`."""

    id: str
    condition: Expression
    location: SourceLocation
    gain: float = 1.0
    loss: float = 1.0


@dataclass(frozen=True, slots=True)
class Meter:
    id: str
    label: str
    min: int
    max: int
    start: int
    location: SourceLocation
    visible: bool = True
    display: str = "number"  # number, bar, badge
    tiers: tuple[Tier, ...] = ()
    multipliers: tuple[Multiplier, ...] = ()
    # Each new day the player's value moves this fraction of the way toward the mean of their
    # circle's values of the same meter ("association"); None: no drift.
    association: float | None = None

    def tier_at(self, value: int) -> Tier | None:
        for tier in self.tiers:
            if tier.min <= value <= tier.max:
                return tier
        return None


@dataclass(frozen=True, slots=True)
class Flag:
    id: str
    default: bool
    location: SourceLocation


@dataclass(frozen=True, slots=True)
class Variable:
    id: str
    default: int | float | str
    location: SourceLocation


RELATIONSHIP_MIN = -100
RELATIONSHIP_MAX = 100


@dataclass(frozen=True, slots=True)
class Character:
    """Someone in the story with a standing of their own and a relationship to the player.

    In expressions and effects a character's values are dotted names: `mara.standing` (any of
    the story's meters), `mara.relationship` (-100..100), `mara.in_circle`, `mara.blocked`."""

    id: str
    name: str
    location: SourceLocation
    meters: Mapping[str, int] = field(
        default_factory=dict
    )  # start values; others: the meter's start
    relationship: int = 0
    in_circle: bool = False
    description: str = ""


@dataclass(frozen=True, slots=True)
class Rule:
    """Effects the engine applies by itself: when a choice with a tag is taken, every turn or
    day, or every turn while a condition holds. Rules with `days` are active on those days only
    (a directive: yesterday's virtue, today's offence)."""

    id: str
    location: SourceLocation
    effects: tuple[Effect, ...]
    on_tag: str | None = None
    every: str | None = None  # "turn" or "day"
    while_: Expression | None = None
    condition: Expression | None = None
    days: tuple[int, ...] = ()  # empty: every day
    reason: Template | None = None  # defaults to the rule's id
    notify: Template | None = None
    directive: Template | None = None  # announced to the player on the days the rule is active


DEFAULT_PERIODS = ("morning", "afternoon", "evening", "night")


@dataclass(frozen=True, slots=True)
class Clock:
    """How time is told: periods of a day, optional day names, where play starts."""

    periods: tuple[str, ...] = DEFAULT_PERIODS
    day_names: tuple[str, ...] = ()  # day 1 is day_names[0]; cycles when days outnumber names
    start_day: int = 1
    start_period: str = DEFAULT_PERIODS[0]
    location: SourceLocation | None = None

    def day_name(self, day: int) -> str:
        if not self.day_names:
            return f"Day {day}"
        return self.day_names[(day - 1) % len(self.day_names)]


@dataclass(frozen=True, slots=True)
class ScheduledEvent:
    """On reaching `day` (and `period`, if given) the player is taken to `goto`, once."""

    id: str
    day: int
    goto: str
    location: SourceLocation
    period: str | None = None
    condition: Expression | None = None


@dataclass(frozen=True, slots=True)
class Manifest:
    id: str
    title: str
    version: str
    start: str
    location: SourceLocation
    authors: tuple[str, ...] = ()
    language: str = "en"
    description: str = ""
    estimated_minutes: int | None = None
    content_notes: tuple[str, ...] = ()
    age_guidance: str | None = None
    # Show, on each choice, which visible meters it will touch (not by how much).
    previews: bool = False


@dataclass(frozen=True, slots=True)
class Story:
    manifest: Manifest
    meters: Mapping[str, Meter]
    flags: Mapping[str, Flag]
    variables: Mapping[str, Variable]
    scenes: Mapping[str, Scene]
    characters: Mapping[str, Character] = field(default_factory=dict)
    rules: tuple[Rule, ...] = ()
    clock: Clock = field(default_factory=Clock)
    schedule: tuple[ScheduledEvent, ...] = ()
    # Save migration: ids a story renamed since an earlier version (old -> new), for scenes,
    # meters, flags, variables and characters.
    renamed: Mapping[str, str] = field(default_factory=dict)
    # Hub scene id -> the ids of the storylets it offers, in the order the story declares them.
    hubs: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def endings(self) -> list[Scene]:
        return [scene for scene in self.scenes.values() if scene.ending is not None]

    @property
    def choice_count(self) -> int:
        return sum(len(scene.choices) for scene in self.scenes.values())

    @property
    def words(self) -> int:
        return sum(scene.words for scene in self.scenes.values())
