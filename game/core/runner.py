"""The pull-style runner: what is on the page, which choices there are, and `choose` -> a Step.

Front ends only present (Yarn Spinner's rule): the pygame window, the terminal player and the
tests are three presenters of this one API. The Runner owns the rules of play:

- A step: the choice's effects in list order, then rules for the choice's tags, then rules that
  run every turn or while a condition holds, then (if the day turned) day rules and
  association drift; then tier events; then the next scene (or an interruption) is entered and
  its `on_enter` effects run before its text is built.
- Meters round halves away from zero and then clamp to their bounds.
- A non-sticky choice disappears once taken; a played storylet leaves its hub unless sticky.
- Everything random comes from the State's seeded counter, drawn in a fixed order, so the same
  seed and choices replay the same story, saved and loaded or not.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import cast

from game.core.diagnostics import SourceLocation
from game.core.expr_eval import EvaluationError, round_half_away
from game.core.expressions import Value
from game.core.rng import draw, normalise_seed
from game.core.state import (
    HistoryEntry,
    Interruption,
    LedgerEntry,
    State,
    TierEntry,
    default_values,
    sync_engine_values,
)
from game.core.story import (
    FAIRMATH_OPERATIONS,
    RELATIONSHIP_MAX,
    RELATIONSHIP_MIN,
    RETURN,
    Effect,
    Ending,
    Expression,
    Meter,
    Rule,
    Scene,
    Story,
    Template,
    Tier,
    TierEvent,
    format_value,
    paragraphs,
)

# Tier events can trigger one another (a fine that drops you a tier that fines you...); past
# this many rounds in one step the story is looping and the runner stops with an error.
MAX_TIER_ROUNDS = 16
# `goto: return` targets kept; deeper nesting than this forgets the oldest.
MAX_RETURNS = 32


class RunnerError(Exception):
    """The runner was asked for something the current state does not allow (a front-end bug)."""


class StoryRuntimeError(Exception):
    """A problem in the story that only play reveals, located in its source."""

    def __init__(self, message: str, location: SourceLocation) -> None:
        super().__init__(f"{location}: {message}")
        self.message = message
        self.location = location


@dataclass(frozen=True, slots=True)
class ChoiceView:
    id: str
    text: str
    available: bool
    locked_reason: str | None = None
    tags: tuple[str, ...] = ()
    touches: tuple[str, ...] = ()  # visible meters it changes, when the story shows previews
    storylet: bool = False  # offered by a hub; goes to the scene named by `id`


class Page:
    """What is on screen: a scene's text, as it reads now, and its choices (none at an ending)."""

    __slots__ = ("_paragraphs", "choices", "ending", "scene", "texts", "title")

    def __init__(
        self,
        scene: str,
        title: str | None,
        texts: tuple[str, ...],
        choices: tuple[ChoiceView, ...],
        ending: Ending | None,
    ) -> None:
        self.scene = scene
        self.title = title
        self.texts = texts  # the rendered passages, before they are split into paragraphs
        self.choices = choices
        self.ending = ending
        self._paragraphs: tuple[str, ...] | None = None

    @property
    def paragraphs(self) -> tuple[str, ...]:
        # Split on first use: a playtest reads thousands of pages a second and never this.
        if self._paragraphs is None:
            self._paragraphs = tuple(p for text in self.texts for p in paragraphs(text))
        return self._paragraphs

    @property
    def words(self) -> int:
        return sum(len(text.split()) for text in self.texts)

    def __repr__(self) -> str:
        return f"Page(scene={self.scene!r}, choices={[c.id for c in self.choices]})"


@dataclass(frozen=True, slots=True)
class Change:
    """A change to a meter (or a character's value) as the player should read it."""

    meter: str
    label: str
    delta: int | float
    value: Value
    reason: str
    rule: str | None
    visible: bool


@dataclass(frozen=True, slots=True)
class TierShift:
    meter: str
    old: Tier | None
    new: Tier | None
    gained: tuple[str, ...]  # privileges and sanctions the player now has and did not before
    lost: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Step:
    """The consequences of one choice (or of the opening), in the order they happened."""

    choice: str | None
    scene: str  # the scene now on the page
    changes: tuple[Change, ...]
    tier_shifts: tuple[TierShift, ...]
    notifications: tuple[str, ...]
    day_changed: bool
    interrupted: bool  # the page is a scheduled event or a tier's scene, not the choice's goto
    # What interrupted: "schedule:<event id>" or "tier:<meter>.<tier>.on_enter" (or on_leave).
    interruption: str | None = None


@dataclass(frozen=True, slots=True)
class MeterView:
    id: str
    label: str
    value: Value
    min: int
    max: int
    visible: bool
    display: str
    tier: Tier | None


@dataclass(frozen=True, slots=True)
class CharacterView:
    id: str
    name: str
    relationship: int
    in_circle: bool
    blocked: bool
    description: str = ""


@dataclass(frozen=True, slots=True)
class ClockView:
    turn: int
    day: int
    day_name: str
    period: str


class _StepLog:
    """Collects what a step did, and where it is happening, while the runner does it."""

    __slots__ = (
        "changes",
        "choice",
        "day_changed",
        "notifications",
        "scene",
        "tier_shifts",
    )

    def __init__(self, scene: str, choice: str | None) -> None:
        self.scene = scene
        self.choice = choice
        self.changes: list[Change] = []
        self.tier_shifts: list[TierShift] = []
        self.notifications: list[str] = []
        self.day_changed = False


class Runner:
    """Plays one Story. Implements the expression Environment over its State."""

    def __init__(self, story: Story, state: State | None = None, *, seed: int = 0) -> None:
        self.story = story
        self._tagged: dict[str, list[Rule]] = {}
        self._every_turn: list[Rule] = []
        self._every_day: list[Rule] = []
        for rule in story.rules:
            if rule.on_tag is not None:
                self._tagged.setdefault(rule.on_tag, []).append(rule)
            elif rule.every == "day":
                self._every_day.append(rule)
            else:  # every turn, or while a condition holds
                self._every_turn.append(rule)
        self._tiered = [m for m in story.meters.values() if m.tiers]
        self._associated = [m for m in story.meters.values() if m.association]
        self._touches: dict[tuple[str, str], tuple[str, ...]] = {}
        self.opening: Step | None = None
        if state is None:
            self.state = self._new_state(seed)
            self._values = self.state.values
            self.opening = self._open()
        else:
            self.state = state
            self._values = state.values
            state.draws = state.page_draws
        self._page = self._build_page()

    # ------------------------------------------------------------ public API

    @property
    def page(self) -> Page:
        return self._page

    @property
    def ended(self) -> bool:
        return self._page.ending is not None

    def choose(self, choice_id: str) -> Step:
        """Take an available choice on the page and play the step it starts."""
        page = self._page
        if page.ending is not None:
            raise RunnerError(
                f"the story has ended ('{page.ending.title}'): there is nothing to choose"
            )
        view = None
        for candidate in page.choices:
            if candidate.id == choice_id:
                view = candidate
                break
        if view is None:
            offered = ", ".join(c.id for c in page.choices) or "none"
            raise RunnerError(
                f"scene '{page.scene}' has no choice '{choice_id}'; its choices are: {offered}"
            )
        if not view.available:
            raise RunnerError(f"choice '{choice_id}' is locked: {view.locked_reason}")
        checkpoint = self.state.checkpoint()
        try:
            return self._play_step(view)
        except StoryRuntimeError:
            # A story bug found half-way through a step undoes the step: the page and the
            # State are as they were, so a front end can show the error and play on (or save).
            self.state.roll_back(checkpoint)
            raise

    def _play_step(self, view: ChoiceView) -> Step:
        choice_id = view.id
        state = self.state
        scene = self.story.scenes[state.scene]
        state.turn += 1
        values = self._values
        values["turn"] = state.turn
        log = _StepLog(scene.id, choice_id)
        before = self._tiers_now() if self._tiered else None
        state.history.append(HistoryEntry(state.turn, scene.id, choice_id, view.text))
        start_day = state.day
        if view.storylet:
            # The hub is where the storylet's `goto: return` comes back to.
            self._push_return(scene.id)
            goto = choice_id
            choice_location = scene.location
            tags: tuple[str, ...] = ()
        else:
            choice = next(c for c in scene.choices if c.id == choice_id)
            if not choice.sticky:
                state.taken.add(f"{scene.id}/{choice_id}")
            self._apply_all(choice.effects, log, None, view.text)
            goto = choice.goto
            choice_location = choice.location
            tags = choice.tags
        for tag in tags:
            for rule in self._tagged.get(tag, ()):
                self._run_rule(rule, log)
        for rule in self._every_turn:
            self._run_rule(rule, log)
        self._days_passed(start_day, log)
        if before is not None:
            self._tier_events(before, log)
        if goto == RETURN:
            if not state.returns:
                raise StoryRuntimeError(
                    "this choice goes to 'return', but nothing interrupted play, so there is"
                    " nowhere to return to: give it a scene to go to",
                    choice_location,
                )
            goto = state.returns.pop()
        goto, interruption = self._interrupted(goto)
        self._enter(goto, log)
        self._page = self._build_page()
        return self._step(log, choice_id, interruption)

    def meters(self) -> tuple[MeterView, ...]:
        """The player's meters, hidden ones included (front ends show the visible ones)."""
        values = self._values
        return tuple(
            MeterView(
                m.id,
                m.label,
                values[m.id],
                m.min,
                m.max,
                m.visible,
                m.display,
                m.tier_at(cast(int, values[m.id])) if m.tiers else None,
            )
            for m in self.story.meters.values()
        )

    def privileges(self) -> tuple[str, ...]:
        return tuple(p for tier in self._current_tiers() for p in tier.privileges)

    def sanctions(self) -> tuple[str, ...]:
        return tuple(s for tier in self._current_tiers() for s in tier.sanctions)

    def directives(self) -> tuple[str, ...]:
        """Today's directives, as the story words them."""
        day = self.state.day
        return tuple(
            self._render(rule.directive)
            for rule in self.story.rules
            if rule.directive is not None and (not rule.days or day in rule.days)
        )

    def clock(self) -> ClockView:
        state = self.state
        return ClockView(
            state.turn,
            state.day,
            self.story.clock.day_name(state.day),
            self.story.clock.periods[state.period],
        )

    def characters(self) -> tuple[CharacterView, ...]:
        values = self._values
        return tuple(
            CharacterView(
                c.id,
                c.name,
                cast(int, values[f"{c.id}.relationship"]),
                bool(values[f"{c.id}.in_circle"]),
                bool(values[f"{c.id}.blocked"]),
                c.description,
            )
            for c in self.story.characters.values()
        )

    # ------------------------------------------------- Environment protocol

    def value(self, name: str) -> Value:
        return self._values[name]

    def visits(self, scene: str) -> int:
        return self.state.visits.get(scene, 0)

    def tier(self, meter: str) -> str:
        tier = self.story.meters[meter].tier_at(cast(int, self._values[meter]))
        return tier.id if tier is not None else ""

    def chance(self, probability: float) -> bool:
        return self._draw() < probability

    def circle_mean(self, meter: str) -> float:
        """The mean of `meter` over the player's circle; the player's own value when it is empty."""
        values = self._values
        members = self._circle_members()
        if not members:
            return cast(float, values[meter])
        return sum(cast(float, values[f"{c}.{meter}"]) for c in members) / len(members)

    def _circle_members(self) -> list[str]:
        values = self._values
        return [c for c in self.story.characters if values[f"{c}.in_circle"]]

    # ------------------------------------------------------------ internals

    def _draw(self) -> float:
        state = self.state
        number = draw(state.seed, state.draws)
        state.draws += 1
        return number

    def _new_state(self, seed: int) -> State:
        story = self.story
        clock = story.clock
        values = default_values(story)
        period = (
            clock.periods.index(clock.start_period) if clock.start_period in clock.periods else 0
        )
        state = State(
            scene=story.manifest.start,
            values=values,
            seed=normalise_seed(seed),
            day=clock.start_day,
            period=period,
        )
        sync_engine_values(story, state)
        return state

    def _open(self) -> Step:
        state = self.state
        log = _StepLog(state.scene, None)
        self._check_schedule()
        goto, interruption = self._interrupted(state.scene)
        self._enter(goto, log)
        if not log.day_changed:  # else entering the start scene began a day, announced already
            self._announce_directives(log)
        return self._step(log, None, interruption)

    def _step(self, log: _StepLog, choice: str | None, interruption: str | None) -> Step:
        return Step(
            choice=choice,
            scene=self.state.scene,
            changes=tuple(log.changes),
            tier_shifts=tuple(log.tier_shifts),
            notifications=tuple(log.notifications),
            day_changed=log.day_changed,
            interrupted=interruption is not None,
            interruption=interruption,
        )

    def _interrupted(self, goto: str) -> tuple[str, str | None]:
        """Where play goes instead of `goto` when an event is waiting, and why (None: it was
        not): the event's scene, with `goto` kept for its `goto: return`."""
        waiting = self.state.interrupts
        if not waiting:
            return goto, None
        self._push_return(goto)
        scene, cause = waiting.pop(0)
        return scene, cause

    def _push_return(self, scene: str) -> None:
        returns = self.state.returns
        returns.append(scene)
        if len(returns) > MAX_RETURNS:
            del returns[0]

    def _enter(self, scene_id: str, log: _StepLog) -> None:
        state = self.state
        state.scene = scene_id
        visits = state.visits
        visits[scene_id] = visits.get(scene_id, 0) + 1
        scene = self.story.scenes[scene_id]
        if scene.on_enter:
            before = self._tiers_now() if self._tiered else None
            day = state.day
            log.scene = scene_id
            log.choice = None
            self._apply_all(scene.on_enter, log, None, scene.title or scene_id)
            # A scene may end a day ("Night falls"): its day rules run now. Events it makes
            # due interrupt at the next step, since this scene is already on the page.
            self._days_passed(day, log)
            if before is not None:
                self._tier_events(before, log)

    # -------------------------------------------------------------- effects

    def _apply_all(
        self, effects: Iterable[Effect], log: _StepLog, rule: str | None, default_reason: str
    ) -> None:
        for effect in effects:
            self._apply(effect, log, rule, default_reason)

    def _evaluate(self, expression: Expression) -> Value:
        try:
            return expression.evaluate(self)
        except EvaluationError as error:
            raise StoryRuntimeError(
                error.message, _shifted(expression.location, error.offset)
            ) from None

    def _render(self, template: Template) -> str:
        parts = template.parts
        if len(parts) == 1 and type(parts[0]) is str:
            return parts[0]  # plain text, the usual case: nothing to evaluate
        out: list[str] = []
        for part in parts:
            if isinstance(part, str):
                out.append(part)
            else:
                out.append(format_value(self._evaluate(part)))
        return "".join(out)

    def _apply(self, effect: Effect, log: _StepLog, rule: str | None, default_reason: str) -> None:
        op = effect.op
        target = effect.target
        if op == "advance":
            self._advance(target, log)
            return
        if op in ("befriend", "unfriend", "block"):
            self._circle(op, target, log)
            return
        values = self._values
        value = effect.value
        if isinstance(value, Template):
            values[target] = self._render(value)
            return
        assert value is not None
        amount = self._evaluate(value)
        old = values[target]
        meter, low, high = self._bounds(target)
        if low is None or high is None:
            # A flag or a variable: no bounds, no ledger. Types were checked at load.
            if op == "set":
                values[target] = amount
            elif op == "add":
                values[target] = cast(float, old) + cast(float, amount)
            else:
                values[target] = cast(float, old) - cast(float, amount)
            return
        current = cast(float, old)
        number = cast(float, amount)
        if op == "set":
            wanted = number
        elif op == "add":
            wanted = current + number
        elif op == "subtract":
            wanted = current - number
        else:  # fairmath: a share of the distance to the top (or bottom) of the range
            share = min(max(number, 0.0), 100.0) / 100.0
            if op == FAIRMATH_OPERATIONS[0]:
                wanted = current + (high - current) * share
            else:
                wanted = current - (current - low) * share
        if meter is not None and meter.multipliers and op != "set":
            wanted = current + self._multiplied(meter, wanted - current)
        new = min(max(round_half_away(wanted), low), high)
        if new == current:
            return
        values[target] = new
        reason = self._render(effect.reason) if effect.reason is not None else default_reason
        self._record(target, new - current, new, reason, rule, log)

    def _bounds(self, target: str) -> tuple[Meter | None, int | None, int | None]:
        """The meter a target is (None for a character's), and its bounds (None: unbounded)."""
        meter = self.story.meters.get(target)
        if meter is not None:
            return meter, meter.min, meter.max
        if "." in target:
            _, _, field = target.partition(".")
            if field == "relationship":
                return None, RELATIONSHIP_MIN, RELATIONSHIP_MAX
            theirs = self.story.meters[field]
            return None, theirs.min, theirs.max
        return None, None, None

    def _multiplied(self, meter: Meter, delta: float) -> float:
        for multiplier in meter.multipliers:
            if self._evaluate(multiplier.condition):
                delta *= multiplier.gain if delta > 0 else multiplier.loss
        return delta

    def _record(
        self,
        target: str,
        delta: int | float,
        value: Value,
        reason: str,
        rule: str | None,
        log: _StepLog,
    ) -> None:
        state = self.state
        state.ledger.append(
            LedgerEntry(
                state.turn, state.day, log.scene, log.choice, rule, target, delta, value, reason
            )
        )
        log.changes.append(
            Change(target, self._label(target), delta, value, reason, rule, self._visible(target))
        )

    def _label(self, target: str) -> str:
        meter = self.story.meters.get(target)
        if meter is not None:
            return meter.label
        who, _, field = target.partition(".")
        name = self.story.characters[who].name
        if field == "relationship":
            return f"{name}: relationship"
        return f"{name}: {self.story.meters[field].label}"

    def _visible(self, target: str) -> bool:
        meter = self.story.meters.get(target.rpartition(".")[2])
        return meter.visible if meter is not None else True

    def _circle(self, op: str, who: str, log: _StepLog) -> None:
        values = self._values
        name = self.story.characters[who].name
        was_in = bool(values[f"{who}.in_circle"])
        if op == "befriend":
            values[f"{who}.in_circle"] = True
            values[f"{who}.blocked"] = False
            if not was_in:
                log.notifications.append(f"{name} is now in your circle.")
        elif op == "unfriend":
            values[f"{who}.in_circle"] = False
            if was_in:
                log.notifications.append(f"{name} is no longer in your circle.")
        else:
            values[f"{who}.in_circle"] = False
            if not values[f"{who}.blocked"]:
                log.notifications.append(f"You blocked {name}.")
            values[f"{who}.blocked"] = True
        values["circle_size"] = len(self._circle_members())

    # ----------------------------------------------------------------- time

    def _advance(self, unit: str, log: _StepLog) -> None:
        state = self.state
        periods = self.story.clock.periods
        if unit == "day" or state.period + 1 >= len(periods):
            state.day += 1
            state.period = 0
        else:
            state.period += 1
        sync_engine_values(self.story, state)
        self._check_schedule()

    def _check_schedule(self) -> None:
        """Queue every scheduled event whose time has come (and whose condition holds then)."""
        state = self.state
        periods = self.story.clock.periods
        for event in self.story.schedule:
            if event.id in state.fired:
                continue
            if event.day > state.day:
                continue
            if (
                event.day == state.day
                and event.period is not None
                and periods.index(event.period) > state.period
            ):
                continue
            # Due now: it fires or, if its condition does not hold at its time, it lapses.
            state.fired.add(event.id)
            if event.condition is None or self._evaluate(event.condition):
                state.interrupts.append(Interruption(event.goto, f"schedule:{event.id}"))

    def _days_passed(self, since: int, log: _StepLog) -> None:
        """Day rules and association drift once for each day begun since day `since`; then
        the directives of the day it is now."""
        state = self.state
        today = state.day
        if today == since:
            return
        log.day_changed = True
        # Each day begun gets its own day rules, as that day: a `days: [2]` rule runs when
        # sleeping from day 1 straight through to day 3.
        for day in range(since + 1, today + 1):
            state.day = day
            self._values["day"] = day
            self._day_rules(log)
        state.day = today
        sync_engine_values(self.story, state)
        self._announce_directives(log)

    def _announce_directives(self, log: _StepLog) -> None:
        for text in self.directives():
            log.notifications.append(f"Today's directive: {text}")

    def _day_rules(self, log: _StepLog) -> None:
        for rule in self._every_day:
            self._run_rule(rule, log)
        values = self._values
        for meter in self._associated:
            # With nobody in the circle the mean is the player's own value: no drift.
            mean = self.circle_mean(meter.id)
            old = cast(float, values[meter.id])
            drift = (mean - old) * cast(float, meter.association)
            new = min(max(round_half_away(old + drift), meter.min), meter.max)
            if new != old:
                values[meter.id] = new
                reason = "association: your circle"
                self._record(meter.id, new - old, new, reason, "association", log)

    # ---------------------------------------------------------------- rules

    def _run_rule(self, rule: Rule, log: _StepLog) -> None:
        if rule.days and self.state.day not in rule.days:
            return
        condition = rule.while_ if rule.while_ is not None else rule.condition
        if condition is not None and not self._evaluate(condition):
            return
        reason = self._render(rule.reason) if rule.reason is not None else rule.id
        self._apply_all(rule.effects, log, rule.id, reason)
        if rule.notify is not None:
            log.notifications.append(self._render(rule.notify))

    # ---------------------------------------------------------------- tiers

    def _tiers_now(self) -> list[Tier | None]:
        values = self._values
        return [m.tier_at(cast(int, values[m.id])) for m in self._tiered]

    def _current_tiers(self) -> list[Tier]:
        return [t for t in self._tiers_now() if t is not None]

    def _tier_events(self, before: list[Tier | None], log: _StepLog) -> None:
        """Fire on_leave and on_enter events for every meter whose tier changed, until none does."""
        for _ in range(MAX_TIER_ROUNDS):
            after = self._tiers_now()
            if after == before:
                return
            for meter, old, new in zip(self._tiered, before, after, strict=True):
                if old is new:
                    continue
                self._shift(meter, old, new, log)
                if old is not None and old.on_leave is not None:
                    rule = f"{meter.id}.{old.id}.on_leave"
                    self._tier_event(old.on_leave, rule, f"left {old.label}", log)
                if new is not None and new.on_enter is not None:
                    rule = f"{meter.id}.{new.id}.on_enter"
                    self._tier_event(new.on_enter, rule, f"entered {new.label}", log)
            before = after
        raise StoryRuntimeError(
            f"tier events kept changing tiers for {MAX_TIER_ROUNDS} rounds in one step: their"
            " effects push a meter back and forth between tiers",
            self._tiered[0].location,
        )

    def _shift(self, meter: Meter, old: Tier | None, new: Tier | None, log: _StepLog) -> None:
        state = self.state
        state.tiers.append(
            TierEntry(state.turn, meter.id, old.id if old else None, new.id if new else None)
        )
        had = set(old.privileges + old.sanctions) if old else set()
        has = new.privileges + new.sanctions if new else ()
        gained = tuple(x for x in has if x not in had)
        lost = tuple(x for x in (old.privileges + old.sanctions if old else ()) if x not in has)
        log.tier_shifts.append(TierShift(meter.id, old, new, gained, lost))

    def _tier_event(self, event: TierEvent, rule: str, reason: str, log: _StepLog) -> None:
        self._apply_all(event.effects, log, rule, reason)
        if event.notify is not None:
            log.notifications.append(self._render(event.notify))
        if event.goto is not None:
            self.state.interrupts.append(Interruption(event.goto, f"tier:{rule}"))

    # ----------------------------------------------------------------- page

    def _build_page(self) -> Page:
        state = self.state
        state.page_draws = state.draws
        scene = self.story.scenes[state.scene]
        texts: list[str] = []
        for passage in scene.passages:
            if passage.condition is not None and not self._evaluate(passage.condition):
                if passage.otherwise is not None:
                    texts.append(self._render(passage.otherwise))
                continue
            if passage.one_of:
                variants = passage.one_of
                texts.append(self._render(variants[int(self._draw() * len(variants))]))
            else:
                texts.append(self._render(passage.text))
        choices = [] if scene.ending is not None else self._choice_views(scene)
        return Page(
            scene=scene.id,
            title=scene.title,
            texts=tuple(texts),
            choices=tuple(choices),
            ending=scene.ending,
        )

    def _choice_views(self, scene: Scene) -> list[ChoiceView]:
        taken = self.state.taken
        previews = self.story.manifest.previews
        views: list[ChoiceView] = []
        for choice in scene.choices:
            if not choice.sticky and f"{scene.id}/{choice.id}" in taken:
                continue
            if choice.condition is not None and not self._evaluate(choice.condition):
                continue
            available = choice.requires is None or bool(self._evaluate(choice.requires))
            reason = None
            if not available:
                reason = (
                    self._render(choice.locked) if choice.locked is not None else "Not available"
                )
            views.append(
                ChoiceView(
                    choice.id,
                    self._render(choice.text),
                    available,
                    reason,
                    choice.tags,
                    self._touched(scene, choice.id) if previews else (),
                )
            )
        hub = self.story.hubs.get(scene.id)
        if hub:
            views.extend(self._storylet_views(scene, hub))
        return views

    def _storylet_views(self, hub: Scene, storylet_ids: tuple[str, ...]) -> list[ChoiceView]:
        ranked: list[tuple[float, int, ChoiceView]] = []
        for order, scene_id in enumerate(storylet_ids):
            storylet = self.story.scenes[scene_id].storylet
            assert storylet is not None
            if not storylet.sticky and self.state.visits.get(scene_id):
                continue
            if storylet.requires is not None and not self._evaluate(storylet.requires):
                continue
            salience = 0.0
            if storylet.salience is not None:
                salience = cast(float, self._evaluate(storylet.salience))
            view = ChoiceView(scene_id, self._render(storylet.text), True, storylet=True)
            ranked.append((-salience, order, view))
        ranked.sort(key=lambda item: (item[0], item[1]))
        limit = hub.storylet_limit
        chosen = ranked if limit is None else ranked[:limit]
        return [view for _, _, view in chosen]

    def _touched(self, scene: Scene, choice_id: str) -> tuple[str, ...]:
        """Visible meters a choice changes, directly or through rules for its tags."""
        key = (scene.id, choice_id)
        found = self._touches.get(key)
        if found is None:
            choice = next(c for c in scene.choices if c.id == choice_id)
            effects = list(choice.effects)
            for tag in choice.tags:
                for rule in self._tagged.get(tag, ()):
                    effects.extend(rule.effects)
            meters = self.story.meters
            names: list[str] = []
            for effect in effects:
                meter = meters.get(effect.target)
                if meter is not None and meter.visible and effect.target not in names:
                    names.append(effect.target)
            found = tuple(names)
            self._touches[key] = found
        return found


def _shifted(location: SourceLocation, offset: int) -> SourceLocation:
    """The location `offset` characters into an expression that starts at `location`."""
    return SourceLocation(location.file, location.line, location.column + offset)
