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
    Choice,
    Effect,
    Ending,
    Expression,
    Flag,
    Manifest,
    Meter,
    Passage,
    Scene,
    Story,
    Template,
    Tier,
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
        encoded = (
            ["t", self.template(value)] if isinstance(value, Template) else ["e", self.expr(value)]
        )
        return [effect.op, effect.target, encoded, self.loc(effect.location)]

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

    def scene(self, s: Scene) -> Json:
        passages = [
            [self.template(p.text), self.expr(p.condition), self.template(p.otherwise)]
            for p in s.passages
        ]
        ending = None
        if s.ending is not None:
            ending = [s.ending.title, self.loc(s.ending.location), s.ending.epithet]
        return [
            s.id,
            passages,
            self.loc(s.location),
            s.title,
            [self.effect(e) for e in s.on_enter],
            [self.choice(c) for c in s.choices],
            list(s.tags),
            ending,
        ]

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
            ]
            for t in m.tiers
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
        ]


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
    ]
    meta = {
        "manifest": manifest,
        "meters": [enc.meter(meter) for meter in story.meters.values()],
        "flags": [[f.id, f.default, enc.loc(f.location)] for f in story.flags.values()],
        "variables": [[v.id, v.default, enc.loc(v.location)] for v in story.variables.values()],
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
        kind, value = data[2]
        decoded = self.template(value) if kind == "t" else self.expr(value)
        if decoded is None:
            raise ValueError("an effect has no value")
        return Effect(data[0], data[1], decoded, self.loc(data[3]))

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
        return Passage(self.required_template(d[0]), self.expr(d[1]), self.template(d[2]))

    def scene(self, d: Json) -> Scene:
        ending = None if d[7] is None else Ending(d[7][0], self.loc(d[7][1]), d[7][2])
        return Scene(
            id=d[0],
            passages=tuple(self.passage(p) for p in d[1]),
            location=self.loc(d[2]),
            title=d[3],
            on_enter=tuple(self.effect(e) for e in d[4]),
            choices=tuple(self.choice(c) for c in d[5]),
            tags=tuple(d[6]),
            ending=ending,
        )

    def meter(self, d: Json) -> Meter:
        tiers = tuple(
            Tier(t[0], t[1], t[2], t[3], self.loc(t[4]), tuple(t[5]), tuple(t[6])) for t in d[8]
        )
        return Meter(d[0], d[1], d[2], d[3], d[4], self.loc(d[5]), d[6], d[7], tiers)


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
    )
    meters = {meter.id: meter for meter in (dec.meter(d) for d in meta["meters"])}
    flags = {d[0]: Flag(d[0], d[1], dec.loc(d[2])) for d in meta["flags"]}
    variables = {d[0]: Variable(d[0], d[1], dec.loc(d[2])) for d in meta["variables"]}
    return Story(
        manifest=manifest,
        meters=MappingProxyType(meters),
        flags=MappingProxyType(flags),
        variables=MappingProxyType(variables),
        scenes=scenes,
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
