"""A compiled Story to and from plain JSON data (lists and dicts), for the compiled cache.

Objects become positional lists rather than dicts: the cache is read on every warm start, and
lists are smaller and quicker to decode. Locations name their file by index into one table.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from game.core.diagnostics import Diagnostic, Severity, SourceLocation
from game.core.expressions import from_json as code_from_json
from game.core.story import (
    NUMERIC_OPERATIONS,
    Character,
    Choice,
    Clock,
    Effect,
    Ending,
    Expression,
    Flag,
    Manifest,
    Meter,
    Multiplier,
    Passage,
    Rule,
    Scene,
    ScheduledEvent,
    Story,
    Storylet,
    Template,
    Tier,
    TierEvent,
    Variable,
)

Json = Any


class _Encoder:
    def __init__(self) -> None:
        self.files: dict[str, int] = {}

    def loc(self, location: SourceLocation) -> Json:
        index = self.files.setdefault(location.file, len(self.files))
        return [index, location.line, location.column]

    def expr(self, expression: Expression | None) -> Json:
        if expression is None:
            return None
        return [expression.source, expression.code, self.loc(expression.location)]

    def template(self, template: Template | None) -> Json:
        if template is None:
            return None
        parts = [part if isinstance(part, str) else self.expr(part) for part in template.parts]
        return [parts, self.loc(template.location)]

    def effect(self, effect: Effect) -> Json:
        value = effect.value
        encoded: Json
        if isinstance(value, Expression):
            encoded = ["e", self.expr(value)]
        elif value is None:  # circle operations and advance
            encoded = None
        else:
            encoded = ["t", self.template(value)]
        if effect.reason is None:  # most effects have none: the slot is left out
            return [effect.op, effect.target, encoded, self.loc(effect.location)]
        reason = self.template(effect.reason)
        return [effect.op, effect.target, encoded, self.loc(effect.location), reason]

    def effects(self, effects: tuple[Effect, ...]) -> Json:
        return [self.effect(e) for e in effects]

    def choice(self, c: Choice) -> Json:
        return [
            c.id,
            self.template(c.text),
            c.goto,
            self.loc(c.location),
            self.expr(c.condition),
            self.expr(c.requires),
            self.template(c.locked),
            [self.effect(e) for e in c.effects],
            c.sticky,
            list(c.tags),
        ]

    def variants(self, p: Passage) -> Json:
        return [self.template(variant) for variant in p.one_of]

    def scene(self, s: Scene) -> Json:
        ending = None
        if s.ending is not None:
            ending = [s.ending.title, self.loc(s.ending.location), s.ending.epithet]
        passages = [
            # Variants, which few passages have, take a fourth slot only when present.
            [self.template(p.text), self.expr(p.condition), self.template(p.otherwise)]
            if not p.one_of
            else [
                self.template(p.text),
                self.expr(p.condition),
                self.template(p.otherwise),
                self.variants(p),
            ]
            for p in s.passages
        ]
        data = [
            s.id,
            passages,
            self.loc(s.location),
            s.title,
            [self.effect(e) for e in s.on_enter],
            [self.choice(c) for c in s.choices],
            list(s.tags),
            ending,
        ]
        if s.storylet is not None or s.storylet_limit is not None:
            data.append(self.storylet(s.storylet))
            data.append(s.storylet_limit)
        return data

    def storylet(self, s: Storylet | None) -> Json:
        if s is None:
            return None
        return [
            s.hub,
            self.template(s.text),
            self.loc(s.location),
            self.expr(s.requires),
            self.expr(s.salience),
            s.sticky,
        ]

    def tier_event(self, e: TierEvent | None) -> Json:
        if e is None:
            return None
        return [self.loc(e.location), self.effects(e.effects), self.template(e.notify), e.goto]

    def meter(self, m: Meter) -> Json:
        tiers = [
            [
                t.id,
                t.label,
                t.min,
                t.max,
                self.loc(t.location),
                list(t.privileges),
                list(t.sanctions),
                self.tier_event(t.on_enter),
                self.tier_event(t.on_leave),
            ]
            for t in m.tiers
        ]
        multipliers = [
            [x.id, self.expr(x.condition), self.loc(x.location), x.gain, x.loss]
            for x in m.multipliers
        ]
        return [
            m.id,
            m.label,
            m.min,
            m.max,
            m.start,
            self.loc(m.location),
            m.visible,
            m.display,
            tiers,
            multipliers,
            m.association,
        ]

    def character(self, c: Character) -> Json:
        return [
            c.id,
            c.name,
            self.loc(c.location),
            dict(c.meters),
            c.relationship,
            c.in_circle,
            c.description,
        ]

    def rule(self, r: Rule) -> Json:
        return [
            r.id,
            self.loc(r.location),
            self.effects(r.effects),
            r.on_tag,
            r.every,
            self.expr(r.while_),
            self.expr(r.condition),
            list(r.days),
            self.template(r.reason),
            self.template(r.notify),
            self.template(r.directive),
        ]

    def clock(self, c: Clock) -> Json:
        location = None if c.location is None else self.loc(c.location)
        return [list(c.periods), list(c.day_names), c.start_day, c.start_period, location]

    def scheduled(self, e: ScheduledEvent) -> Json:
        return [e.id, e.day, e.goto, self.loc(e.location), e.period, self.expr(e.condition)]


def encode_story(story: Story) -> tuple[Json, list[Json]]:
    """The story as (everything but the scenes, one JSON value per scene)."""
    enc = _Encoder()
    scenes = [enc.scene(scene) for scene in story.scenes.values()]
    m = story.manifest
    manifest = [
        m.id,
        m.title,
        m.version,
        m.start,
        enc.loc(m.location),
        list(m.authors),
        m.language,
        m.description,
        m.estimated_minutes,
        list(m.content_notes),
        m.age_guidance,
        m.previews,
    ]
    meta = {
        "manifest": manifest,
        "meters": [enc.meter(meter) for meter in story.meters.values()],
        "flags": [[f.id, f.default, enc.loc(f.location)] for f in story.flags.values()],
        "variables": [[v.id, v.default, enc.loc(v.location)] for v in story.variables.values()],
        "characters": [enc.character(c) for c in story.characters.values()],
        "rules": [enc.rule(r) for r in story.rules],
        "clock": enc.clock(story.clock),
        "schedule": [enc.scheduled(e) for e in story.schedule],
        "renamed": dict(story.renamed),
        "hubs": {hub: list(offered) for hub, offered in story.hubs.items()},
        "scene_ids": list(story.scenes),
        "files": list(enc.files),  # last: the scenes and the rest above have filled it
    }
    return meta, scenes


def story_to_json(story: Story) -> Json:
    meta, scenes = encode_story(story)
    return {**meta, "scenes": scenes}


class _Decoder:
    def __init__(self, files: list[str]) -> None:
        self.files = files
        # One SourceLocation per distinct place: cheap to build, and shared like the strings.
        self.locations: dict[tuple[int, int, int], SourceLocation] = {}

    def loc(self, data: Json) -> SourceLocation:
        key = (data[0], data[1], data[2])
        location = self.locations.get(key)
        if location is None:
            location = SourceLocation(self.files[data[0]], data[1], data[2])
            self.locations[key] = location
        return location

    def expr(self, data: Json) -> Expression | None:
        if data is None:
            return None
        return Expression(data[0], code_from_json(data[1]), self.loc(data[2]))

    def template(self, data: Json) -> Template | None:
        if data is None:
            return None
        parts = tuple(part if isinstance(part, str) else self.expr(part) for part in data[0])
        return Template(parts, self.loc(data[1]))  # type: ignore[arg-type]

    def required_template(self, data: Json) -> Template:
        template = self.template(data)
        if template is None:
            raise ValueError("a required text is missing")
        return template

    def effect(self, data: Json) -> Effect:
        decoded: Expression | Template | None = None
        if data[2] is not None:
            kind, value = data[2]
            decoded = self.template(value) if kind == "t" else self.expr(value)
            if decoded is None:
                raise ValueError("an effect has no value")
        elif data[0] in NUMERIC_OPERATIONS:
            raise ValueError(f"a '{data[0]}' effect has no value")
        reason = self.template(data[4]) if len(data) > 4 else None
        return Effect(data[0], data[1], decoded, self.loc(data[3]), reason)

    def effects(self, data: Json) -> tuple[Effect, ...]:
        return tuple(self.effect(e) for e in data)

    def choice(self, d: Json) -> Choice:
        return Choice(
            id=d[0],
            text=self.required_template(d[1]),
            goto=d[2],
            location=self.loc(d[3]),
            condition=self.expr(d[4]),
            requires=self.expr(d[5]),
            locked=self.template(d[6]),
            effects=tuple(self.effect(e) for e in d[7]),
            sticky=d[8],
            tags=tuple(d[9]),
        )

    def passage(self, d: Json) -> Passage:
        one_of = tuple(self.required_template(v) for v in d[3]) if len(d) > 3 else ()
        return Passage(self.required_template(d[0]), self.expr(d[1]), self.template(d[2]), one_of)

    def scene(self, d: Json) -> Scene:
        ending = None if d[7] is None else Ending(d[7][0], self.loc(d[7][1]), d[7][2])
        storylet = limit = None
        if len(d) > 8:
            storylet, limit = self.storylet(d[8]), d[9]
        return Scene(
            id=d[0],
            passages=tuple(self.passage(p) for p in d[1]),
            location=self.loc(d[2]),
            title=d[3],
            on_enter=tuple(self.effect(e) for e in d[4]),
            choices=tuple(self.choice(c) for c in d[5]),
            tags=tuple(d[6]),
            ending=ending,
            storylet=storylet,
            storylet_limit=limit,
        )

    def storylet(self, d: Json) -> Storylet | None:
        if d is None:
            return None
        return Storylet(
            d[0],
            self.required_template(d[1]),
            self.loc(d[2]),
            self.expr(d[3]),
            self.expr(d[4]),
            d[5],
        )

    def tier_event(self, d: Json) -> TierEvent | None:
        if d is None:
            return None
        return TierEvent(self.loc(d[0]), self.effects(d[1]), self.template(d[2]), d[3])

    def meter(self, d: Json) -> Meter:
        tiers = tuple(
            Tier(
                t[0],
                t[1],
                t[2],
                t[3],
                self.loc(t[4]),
                tuple(t[5]),
                tuple(t[6]),
                self.tier_event(t[7]),
                self.tier_event(t[8]),
            )
            for t in d[8]
        )
        multipliers = tuple(
            Multiplier(x[0], self.required_expr(x[1]), self.loc(x[2]), x[3], x[4]) for x in d[9]
        )
        return Meter(
            d[0], d[1], d[2], d[3], d[4], self.loc(d[5]), d[6], d[7], tiers, multipliers, d[10]
        )

    def required_expr(self, data: Json) -> Expression:
        expression = self.expr(data)
        if expression is None:
            raise ValueError("a required expression is missing")
        return expression

    def character(self, d: Json) -> Character:
        return Character(d[0], d[1], self.loc(d[2]), MappingProxyType(dict(d[3])), d[4], d[5], d[6])

    def rule(self, d: Json) -> Rule:
        return Rule(
            id=d[0],
            location=self.loc(d[1]),
            effects=self.effects(d[2]),
            on_tag=d[3],
            every=d[4],
            while_=self.expr(d[5]),
            condition=self.expr(d[6]),
            days=tuple(d[7]),
            reason=self.template(d[8]),
            notify=self.template(d[9]),
            directive=self.template(d[10]),
        )

    def clock(self, d: Json) -> Clock:
        location = None if d[4] is None else self.loc(d[4])
        return Clock(tuple(d[0]), tuple(d[1]), d[2], d[3], location)

    def scheduled(self, d: Json) -> ScheduledEvent:
        return ScheduledEvent(d[0], d[1], d[2], self.loc(d[3]), d[4], self.expr(d[5]))


class LazyScenes(Mapping[str, Scene]):
    """Scenes decoded on first access: a runner only needs the scenes it visits, so a large
    story starts in the time it takes to index it. Equal to any mapping of the same scenes."""

    # Mapping's __eq__ compares items, so a lazy and an eager story compare equal.

    __slots__ = ("_decode", "_decoded", "_raw")

    def __init__(self, raw: dict[str, bytes], decode: Callable[[bytes], Scene]) -> None:
        self._raw = raw
        self._decode = decode
        self._decoded: dict[str, Scene] = {}

    def __getitem__(self, key: str) -> Scene:
        scene = self._decoded.get(key)
        if scene is None:
            scene = self._decode(self._raw[key])
            self._decoded[key] = scene
        return scene

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)


def _story(dec: _Decoder, meta: Json, scenes: Mapping[str, Scene]) -> Story:
    m = meta["manifest"]
    manifest = Manifest(
        id=m[0],
        title=m[1],
        version=m[2],
        start=m[3],
        location=dec.loc(m[4]),
        authors=tuple(m[5]),
        language=m[6],
        description=m[7],
        estimated_minutes=m[8],
        content_notes=tuple(m[9]),
        age_guidance=m[10],
        previews=m[11],
    )
    meters = {meter.id: meter for meter in (dec.meter(d) for d in meta["meters"])}
    flags = {d[0]: Flag(d[0], d[1], dec.loc(d[2])) for d in meta["flags"]}
    variables = {d[0]: Variable(d[0], d[1], dec.loc(d[2])) for d in meta["variables"]}
    characters = {c.id: c for c in (dec.character(d) for d in meta["characters"])}
    hubs = {hub: tuple(offered) for hub, offered in dict(meta["hubs"]).items()}
    return Story(
        manifest=manifest,
        meters=MappingProxyType(meters),
        flags=MappingProxyType(flags),
        variables=MappingProxyType(variables),
        scenes=scenes,
        characters=MappingProxyType(characters),
        rules=tuple(dec.rule(d) for d in meta["rules"]),
        clock=dec.clock(meta["clock"]),
        schedule=tuple(dec.scheduled(d) for d in meta["schedule"]),
        renamed=MappingProxyType(dict(meta["renamed"])),
        hubs=MappingProxyType(hubs),
    )


def story_from_json(data: Json) -> Story:
    """Rebuild a Story; raises KeyError, IndexError, TypeError or ValueError on damaged data."""
    dec = _Decoder(list(data["files"]))
    scenes = MappingProxyType({s.id: s for s in (dec.scene(d) for d in data["scenes"])})
    return _story(dec, data, scenes)


def story_from_encoded_scenes(meta: Json, encoded_scenes: list[bytes]) -> Story:
    """Rebuild a Story whose scenes stay JSON text (one per scene, in meta's order) until used.

    The caller must have verified the data (the cache does, with a checksum): damage in a
    scene would surface only when that scene is first looked up.
    """
    dec = _Decoder(list(meta["files"]))
    ids = meta["scene_ids"]
    if len(ids) != len(encoded_scenes):
        raise ValueError(f"{len(ids)} scene ids but {len(encoded_scenes)} scenes")

    def decode(raw: bytes) -> Scene:
        return dec.scene(json.loads(raw))

    return _story(dec, meta, LazyScenes(dict(zip(ids, encoded_scenes, strict=True)), decode))


def diagnostics_to_json(items: list[Diagnostic]) -> Json:
    return [d.as_json() for d in items]


def diagnostics_from_json(data: Json) -> list[Diagnostic]:
    return [
        Diagnostic(
            d["code"],
            Severity(d["severity"]),
            d["message"],
            SourceLocation(d["file"], d["line"], d["column"]),
        )
        for d in data
    ]
