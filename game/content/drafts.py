"""What the loader keeps half-built until every file is read: drafts, and names to check later."""

from __future__ import annotations

from dataclasses import dataclass

from yaml.nodes import Node, ScalarNode

from game.content.nodes import Scalar
from game.content.yaml_source import SourceFile
from game.core.diagnostics import SourceLocation
from game.core.story import Choice, Effect, Ending, Expression, Passage, Storylet, Template


@dataclass(slots=True)
class PendingExpression:
    """An expression parsed while its file was open, checked once every name is known."""

    expression: Expression
    source: SourceFile
    node: ScalarNode
    base: int  # offset of the expression inside the scalar's value
    role: str  # condition, interpolation, or a type name for effect values
    what: str


@dataclass(slots=True)
class EffectDraft:
    """An effect as read: built at once when its target is declared already, else in finish()."""

    op: str
    target: str
    target_node: Node
    value: Scalar
    value_node: ScalarNode
    source: SourceFile
    index: int
    list_what: str
    reason: Template | None = None

    @property
    def what(self) -> str:
        # Built only when a message needs it: most effects never produce one.
        return f"effect {self.index} of {self.list_what}"


@dataclass(slots=True)
class ChoiceDraft:
    """A choice with an effect on a name no file read so far declares; built in finish()."""

    id: str
    text: Template
    goto: str | None
    goto_node: Node | None
    location: SourceLocation
    condition: Expression | None
    requires: Expression | None
    locked: Template | None
    effects: list[Effect | EffectDraft]
    sticky: bool
    tags: tuple[str, ...]


@dataclass(slots=True)
class SceneDraft:
    """A scene holding a choice or effect draft; built in finish()."""

    id: str
    location: SourceLocation
    passages: tuple[Passage, ...]
    title: str | None
    on_enter: list[Effect | EffectDraft]
    choices: list[Choice | ChoiceDraft]
    tags: tuple[str, ...]
    ending: Ending | None
    storylet: Storylet | None
    storylet_limit: int | None


@dataclass(slots=True)
class Goto:
    """Where a choice leads, kept to check once every scene is known."""

    scene: str
    choice: str
    target: str
    node: Node
    source: SourceFile


@dataclass(slots=True)
class SceneRef:
    """A scene named elsewhere than in a choice (a storylet's hub, the goto of a scheduled or a
    tier event), kept to check once every scene is known."""

    what: str  # the start of the message: "scheduled event 'inspection' goes to"
    target: str
    node: Node
    source: SourceFile
    root: bool  # play can be taken there without a choice leading to it


@dataclass(slots=True)
class Reason:
    """An effect's `reason`, kept to check once every file is read that its targets are ones
    the ledger records (GS046)."""

    targets: tuple[str, ...]
    key: Node
    source: SourceFile
    what: str


@dataclass(slots=True)
class Pending:
    """Something named in one place and declared, perhaps, in a file not read yet."""

    name: str
    node: Node
    source: SourceFile
    what: str
