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
    """A piece of a scene's text, shown when its condition holds (or always), else `otherwise`."""

    text: Template
    condition: Expression | None = None
    otherwise: Template | None = None


@dataclass(frozen=True, slots=True)
class Effect:
    op: str  # set, add, subtract
    target: str
    value: Expression | Template  # a Template only when setting a text variable
    location: SourceLocation


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
class Scene:
    id: str
    passages: tuple[Passage, ...]
    location: SourceLocation
    title: str | None = None
    on_enter: tuple[Effect, ...] = ()
    choices: tuple[Choice, ...] = ()
    tags: tuple[str, ...] = ()
    ending: Ending | None = None

    @property
    def words(self) -> int:
        total = 0
        for passage in self.passages:
            total += passage.text.words
            if passage.otherwise is not None:
                total += passage.otherwise.words
        return total + sum(choice.text.words for choice in self.choices)


@dataclass(frozen=True, slots=True)
class Tier:
    id: str
    label: str
    min: int
    max: int
    location: SourceLocation
    privileges: tuple[str, ...] = ()
    sanctions: tuple[str, ...] = ()


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


@dataclass(frozen=True, slots=True)
class Story:
    manifest: Manifest
    meters: Mapping[str, Meter]
    flags: Mapping[str, Flag]
    variables: Mapping[str, Variable]
    scenes: Mapping[str, Scene]

    @property
    def endings(self) -> list[Scene]:
        return [scene for scene in self.scenes.values() if scene.ending is not None]

    @property
    def choice_count(self) -> int:
        return sum(len(scene.choices) for scene in self.scenes.values())

    @property
    def words(self) -> int:
        return sum(scene.words for scene in self.scenes.values())
