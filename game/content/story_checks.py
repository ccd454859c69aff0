"""Checks that need the whole story: scene graph, characters, rule tags, renames, unused names."""

from __future__ import annotations

from game.content import keys
from game.content.story_so_far import StorySoFar
from game.core.diagnostics import did_you_mean
from game.core.story import RETURN, Scene


class StoryChecks(StorySoFar):
    """Run once every file is read; each reports what it finds to the shared diagnostics."""

    def check_graph(self, scenes: dict[str, Scene]) -> dict[str, tuple[str, ...]]:
        """Check every reference to a scene and what play can reach; return the story's hubs."""
        for goto in self.gotos:
            if goto.target not in scenes and goto.target != RETURN:
                self.diagnostics.add(
                    "GS021",
                    f"choice '{goto.choice}' of scene '{goto.scene}' goes to '{goto.target}',"
                    f" which is not a scene{did_you_mean(goto.target, scenes)}",
                    goto.source.location(goto.node),
                )
        roots: list[str] = []
        for ref in self.scene_refs:
            if ref.target in scenes:
                if ref.root:
                    roots.append(ref.target)
                continue
            if ref.target == RETURN:
                problem = (
                    f"'{RETURN}', which only a choice can go to (it resumes play where an"
                    " interruption took the player from): name a scene"
                )
            else:
                problem = f"'{ref.target}', which is not a scene{did_you_mean(ref.target, scenes)}"
            self.diagnostics.add("GS021", f"{ref.what} {problem}", ref.source.location(ref.node))
        # Hubs as the storylets name them, even a storylet broken otherwise: its mistake is
        # reported once, not again as an unreachable scene.
        hubs: dict[str, list[str]] = {}
        for scene_id, hub in self.storylet_hubs:
            if scene_id in scenes:
                hubs.setdefault(hub, []).append(scene_id)
        # A hub offers a storylet as a choice whose id is the storylet's scene id: a choice of
        # the hub with that id too would make choosing it ambiguous.
        for hub, offered in hubs.items():
            own = {choice.id for choice in scenes[hub].choices} if hub in scenes else set()
            for scene_id in offered:
                storylet = scenes[scene_id].storylet
                if scene_id in own and storylet is not None:
                    self.diagnostics.add(
                        "GS071",
                        f"scene '{scene_id}' is a storylet of hub '{hub}', which also has a choice"
                        f" with the id '{scene_id}': the hub offers storylets under their scene's"
                        " id, so give the choice another id",
                        storylet.location,
                    )
        for ident, source, key_node in self.storylet_limits:
            if ident in scenes and ident not in hubs:
                self.diagnostics.add(
                    "GS029",
                    f"scene '{ident}' sets 'storylets', but no storylet names it as its hub:"
                    f" add 'storylet: {{hub: {ident}, ...}}' to the scenes it offers, or remove"
                    " 'storylets'",
                    source.location(key_node),
                )
        start = self.manifest.start if self.manifest else None
        if self.start_node is not None and start is not None and start not in scenes:
            source, node = self.start_node
            self.diagnostics.add(
                "GS020",
                f"the story starts at '{start}', which is not a scene{did_you_mean(start, scenes)}",
                source.location(node),
            )
        for scene_id in self.dead_ends:
            if scene_id in scenes:
                self.diagnostics.add(
                    "GS022",
                    f"scene '{scene_id}' is a dead end: it is not an ending and offers no choices."
                    " Add choices, or mark it with 'ending:'",
                    scenes[scene_id].location,
                )
        if start in scenes:
            # Scheduled events and tier events can take play to their scenes at any time.
            reached = {start, *roots}
            frontier = list(reached)
            while frontier:
                scene = scenes[frontier.pop()]
                for choice in scene.choices:
                    if choice.goto in scenes and choice.goto not in reached:
                        reached.add(choice.goto)
                        frontier.append(choice.goto)
                if hubs and scene.id in hubs:
                    for offered in hubs[scene.id]:
                        if offered not in reached:
                            reached.add(offered)
                            frontier.append(offered)
            for scene in scenes.values():
                if scene.id not in reached:
                    self.diagnostics.add(
                        "GS023",
                        f"no path from the start '{start}' reaches scene '{scene.id}': add a choice"
                        " that goes to it, or remove it",
                        scene.location,
                    )
        return {hub: tuple(offered) for hub, offered in hubs.items()}

    def check_unused(self) -> None:
        # A meter read only as a character's (`mara.standing`) counts as read.
        if self.characters:
            self.names_read.update(
                [name.partition(".")[2] for name in self.names_read if "." in name]
            )
        for kind, table in (
            ("meter", self.meters),
            ("flag", self.flags),
            ("variable", self.variables),
        ):
            for ident, item in table.items():
                if ident in self.names_read:
                    continue
                if kind == "meter" and self.meters[ident].visible:
                    continue  # players read visible meters on screen
                self.diagnostics.add(
                    "GS054",
                    f"{kind} '{ident}' is never read by any condition or text: use it or remove it",
                    item.location,
                )

    def check_characters(self) -> None:
        for pending, start, start_node in self.character_meters:
            meter = self.meters.get(pending.name)
            if meter is None:
                self.diagnostics.add(
                    "GS010",
                    f"{pending.what} names '{pending.name}', which is not a meter"
                    f"{did_you_mean(pending.name, self.meters)}: a character has the story's"
                    " meters",
                    pending.source.location(pending.node),
                )
            elif not meter.min <= start <= meter.max:
                self.diagnostics.add(
                    "GS050",
                    f"{pending.what} starts '{meter.id}' at {start}, outside meter '{meter.id}''s"
                    f" bounds {meter.min}..{meter.max}",
                    pending.source.location(start_node),
                )
        for pending in self.character_refs:
            if pending.name not in self.characters:
                self.diagnostics.add(
                    "GS040",
                    f"{pending.what} names '{pending.name}', which is not a character"
                    f"{did_you_mean(pending.name, self.characters)}: declare it under characters",
                    pending.source.location(pending.node),
                )
        if self.characters:
            for part in (keys.CHARACTER_RELATIONSHIP, *keys.CHARACTER_CIRCLE):
                if part in self.meters:
                    character = next(iter(self.characters))
                    self.diagnostics.add(
                        "GS017",
                        f"a meter cannot be called '{part}' in a story with characters:"
                        f" '{character}.{part}' already means the character's {part.replace('_', ' ')};"
                        " choose another id",
                        self.meters[part].location,
                    )

    def check_rule_tags(self, scenes: dict[str, Scene]) -> None:
        tags = {tag for scene in scenes.values() for choice in scene.choices for tag in choice.tags}
        for pending in self.rule_tags:
            if pending.name not in tags:
                self.diagnostics.add(
                    "GS060",
                    f"'on_tag' of {pending.what} is '{pending.name}', but no choice carries that"
                    f" tag{did_you_mean(pending.name, tags)}, so the rule never applies",
                    pending.source.location(pending.node),
                )

    def check_renames(self, scenes: dict[str, Scene]) -> None:
        known = set(scenes).union(self.meters, self.flags, self.variables, self.characters)
        for old, new in self.renames:
            if old.name in known:
                self.diagnostics.add(
                    "GS018",
                    f"'renamed' lists '{old.name}', which is still an id in this story: list only"
                    " ids that earlier versions used and this one no longer does",
                    old.source.location(old.node),
                )
            elif new.name not in known:
                self.diagnostics.add(
                    "GS018",
                    f"'renamed' maps '{old.name}' to '{new.name}', which is not a scene, meter,"
                    f" flag, variable or character{did_you_mean(new.name, known)}: old saves that"
                    f" name '{old.name}' would have nowhere to go",
                    new.source.location(new.node),
                )
