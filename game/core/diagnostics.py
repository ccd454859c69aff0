"""Located diagnostics: every problem in a story, with a code, a place and a plain-language fix."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


class SourceLocation(NamedTuple):
    """A place in a story file; line and column count from 1, as editors show them.

    A named tuple rather than a dataclass: a story has one per scene, choice, effect and
    expression, and tuples are several times cheaper to build.
    """

    file: str
    line: int
    column: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


# Every code the engine can emit, with its default severity and a short title. docs/diagnostics.md
# documents each one exactly once; a test keeps the two lists equal.
CODES: dict[str, tuple[Severity, str]] = {
    # Files and YAML
    "GS001": (Severity.ERROR, "YAML syntax error"),
    "GS002": (Severity.ERROR, "file too large"),
    "GS003": (Severity.ERROR, "YAML tag refused"),
    "GS004": (Severity.ERROR, "too many YAML nodes (alias expansion bound)"),
    "GS005": (Severity.ERROR, "file cannot be read as UTF-8 text"),
    "GS006": (Severity.ERROR, "file must be a mapping"),
    "GS007": (Severity.ERROR, "duplicate key"),
    "GS008": (Severity.ERROR, "not a story folder"),
    # Structure
    "GS010": (Severity.ERROR, "unknown key"),
    "GS011": (Severity.ERROR, "missing required key"),
    "GS012": (Severity.ERROR, "wrong type"),
    "GS013": (Severity.ERROR, "invalid value"),
    "GS014": (Severity.ERROR, "invalid id"),
    "GS015": (Severity.ERROR, "duplicate id"),
    "GS016": (Severity.ERROR, "manifest key outside story.yaml"),
    "GS017": (Severity.ERROR, "reserved id"),
    "GS018": (Severity.ERROR, "rename does not fit the story"),
    "GS019": (Severity.ERROR, "keys that exclude each other"),
    # Scenes and choices
    "GS020": (Severity.ERROR, "start scene unknown"),
    "GS021": (Severity.ERROR, "goto to an unknown scene"),
    "GS022": (Severity.ERROR, "dead end"),
    "GS023": (Severity.WARNING, "unreachable scene"),
    "GS024": (Severity.ERROR, "empty text"),
    "GS025": (Severity.ERROR, "ending scene offers choices"),
    "GS026": (Severity.ERROR, "duplicate choice id"),
    "GS027": (Severity.WARNING, "locked reason without requires"),
    "GS028": (Severity.WARNING, "requires without a locked reason"),
    "GS029": (Severity.WARNING, "storylet limit on a scene that is no hub"),
    # Expressions
    "GS030": (Severity.ERROR, "expression syntax error"),
    "GS031": (Severity.ERROR, "unknown name"),
    "GS032": (Severity.ERROR, "unknown function"),
    "GS033": (Severity.ERROR, "wrong number of arguments"),
    "GS034": (Severity.ERROR, "type mismatch"),
    "GS035": (Severity.ERROR, "expression too long or too deeply nested"),
    "GS036": (Severity.ERROR, "condition can never hold"),
    "GS037": (Severity.ERROR, "unknown tier"),
    "GS038": (Severity.ERROR, "unknown period or day name"),
    # Effects
    "GS040": (Severity.ERROR, "effect on an undeclared name"),
    "GS041": (Severity.ERROR, "malformed effect"),
    "GS042": (Severity.ERROR, "effect does not fit the target's type"),
    "GS043": (Severity.WARNING, "value outside the meter's bounds"),
    "GS044": (Severity.ERROR, "fairmath percentage outside 0..100"),
    "GS045": (Severity.ERROR, "effect on a value the engine keeps"),
    "GS046": (Severity.WARNING, "reason the ledger never shows"),
    # Meters, tiers and declarations
    "GS050": (Severity.ERROR, "meter bounds inconsistent"),
    "GS051": (Severity.ERROR, "gap between tiers"),
    "GS052": (Severity.ERROR, "tiers overlap"),
    "GS053": (Severity.ERROR, "tier outside the meter's bounds"),
    "GS054": (Severity.WARNING, "declared but never used"),
    # Rules and time
    "GS060": (Severity.WARNING, "rule reacts to a tag no choice carries"),
    "GS061": (Severity.WARNING, "directive without days"),
    # Storylets
    "GS070": (Severity.WARNING, "sticky storylet without a sticky choice"),
    "GS071": (Severity.ERROR, "storylet shares an id with a choice of its hub"),
}


@dataclass(frozen=True, slots=True)
class Diagnostic:
    code: str
    severity: Severity
    message: str
    location: SourceLocation

    def format(self) -> str:
        """`file:line:col: error[GS021]: message`, the form editors and terminals link."""
        return f"{self.location}: {self.severity.value}[{self.code}]: {self.message}"

    def as_json(self) -> dict[str, object]:
        loc = self.location
        return {
            "file": loc.file,
            "line": loc.line,
            "column": loc.column,
            "severity": self.severity.value,
            "code": self.code,
            "message": self.message,
        }


class Diagnostics:
    """Collects diagnostics: a story gets all its problems at once, not the first one."""

    def __init__(self) -> None:
        self.items: list[Diagnostic] = []

    def add(self, code: str, message: str, location: SourceLocation) -> None:
        severity = CODES[code][0]
        self.items.append(Diagnostic(code, severity, message, location))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self.items.extend(items)

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(
            self.items,
            key=lambda d: (d.location.file, d.location.line, d.location.column, d.code),
        )


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """` (did you mean 'x'?)` when a close candidate exists, else an empty string."""
    matches = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{matches[0]}'?)" if matches else ""
