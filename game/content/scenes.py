"""Scenes: their passages, ending, storylet and choices, built as read when every name is known."""

from __future__ import annotations

from yaml.nodes import Node, ScalarNode, SequenceNode

from game.content import keys
from game.content.drafts import ChoiceDraft, Goto, SceneDraft
from game.content.effects import EffectReader
from game.content.expression_reader import NUMBER_SETTING
from game.content.nodes import NodeReader, optional
from game.core.expr_check import Scope
from game.core.story import RETURN, Choice, Effect, Ending, Passage, Scene, Storylet, Template


class SceneReader(EffectReader):
    """Reads `scenes:`; a scene whose effects wait for a declaration stays a draft until finish()."""

    def read_scenes(self, reader: NodeReader, node: Node) -> None:
        for key_node, value_node in (reader.mapping(node, "'scenes'") or {}).values():
            ident = reader.identifier(key_node, "scene id")
            if ident is None:
                continue
            if ident in self.scenes:
                reader.error(
                    "GS015",
                    f"scene '{ident}' is already defined at {self.scenes[ident].location}: scene ids must be unique",
                    key_node,
                )
                continue
            draft = self.read_scene(reader, ident, key_node, value_node)
            if ident == RETURN:
                # Still read above, so that its own mistakes are reported too.
                reader.error(
                    "GS017",
                    f"'{RETURN}' is kept by the engine: a choice with 'goto: {RETURN}' resumes play"
                    " where an interruption took the player from. Give this scene another id",
                    key_node,
                )
            elif draft is not None:
                self.scenes[ident] = draft

    def read_scene(
        self, reader: NodeReader, ident: str, key_node: Node, node: Node
    ) -> Scene | SceneDraft | None:
        what = f"scene '{ident}'"
        fields = reader.mapping(node, what, keys.SCENE, keys.SCENE_REQUIRED)
        if fields is None:
            return None
        location = reader.source.location(key_node)
        passages: tuple[Passage, ...] = ()
        if "text" in fields:
            passages = self.read_passages(reader, fields["text"][1], what)
        title = None
        if "title" in fields:
            title = reader.text(fields["title"][1], f"'title' of {what}", allow_empty=False)
        # Inline, not optional_effects() and optional(), for the reason read_choice() gives.
        on_enter = (
            self.read_effects(reader, fields["on_enter"][1], f"'on_enter' of {what}")
            if "on_enter" in fields
            else []
        )
        tags = reader.text_list(fields["tags"][1], f"'tags' of {what}") if "tags" in fields else ()
        ending = self.read_ending(reader, fields["ending"][1], what) if "ending" in fields else None
        storylet = (
            self.read_storylet(reader, fields["storylet"][1], ident)
            if "storylet" in fields
            else None
        )
        storylet_limit = None
        if "storylets" in fields:
            storylet_limit = reader.positive_integer(
                fields["storylets"][1],
                f"'storylets' of {what}",
                " (how many storylets the hub offers at once)",
            )
            self.storylet_limits.append((ident, reader.source, fields["storylets"][0]))
        choices: list[Choice | ChoiceDraft] = []
        if "choices" in fields:
            items = reader.sequence(fields["choices"][1], f"'choices' of {what}")
            ids: dict[str, Node] = {}
            for index, item in enumerate(items or [], 1):
                choice = self.read_choice(reader, item, index, ident)
                if choice is None:
                    continue
                if choice.id in ids:
                    reader.error(
                        "GS026",
                        f"{what} has two choices with id '{choice.id}': give each its own id",
                        item,
                    )
                    continue
                ids[choice.id] = item
                choices.append(choice)
            if ending is not None and items:
                reader.error(
                    "GS025",
                    f"{what} is an ending, so it cannot offer choices: remove 'choices' or 'ending'",
                    fields["choices"][0],
                )
        if storylet is not None and storylet.sticky and ending is None and choices:
            self.check_way_out(reader, fields["storylet"][1], ident, choices)
        # A dead end is a scene that claims neither to end nor to go on. One whose ending or
        # choices are merely broken has already been reported for that.
        choices_node = fields["choices"][1] if "choices" in fields else None
        if "ending" not in fields and (
            choices_node is None
            or (isinstance(choices_node, SequenceNode) and not choices_node.value)
        ):
            self.dead_ends.append(ident)
        if all(type(c) is Choice for c in choices) and all(type(e) is Effect for e in on_enter):
            return Scene(
                id=ident,
                passages=passages,
                location=location,
                title=title,
                on_enter=tuple(on_enter),  # type: ignore[arg-type]
                choices=tuple(choices),  # type: ignore[arg-type]
                tags=tags,
                ending=ending,
                storylet=storylet,
                storylet_limit=storylet_limit,
            )
        return SceneDraft(
            ident,
            location,
            passages,
            title,
            on_enter,
            choices,
            tags,
            ending,
            storylet,
            storylet_limit,
        )

    def check_way_out(
        self, reader: NodeReader, node: Node, scene: str, choices: list[Choice | ChoiceDraft]
    ) -> None:
        """A sticky storylet is played again, but a non-sticky choice is gone once taken: with
        no sticky choice, a later visit leaves the player with none (GS070)."""
        if any(choice.sticky for choice in choices):
            return
        sticky_key = next(key for key, _ in node.value if key.value == "sticky")
        reader.error(
            "GS070",
            f"the storylet of scene '{scene}' is sticky, so it can be played again, but none of"
            " its choices is sticky: each is gone once taken, and a later visit leaves the player"
            " stuck. Make its way out sticky too (sticky: true), or the storylet not sticky",
            sticky_key,
        )

    def read_storylet(self, reader: NodeReader, node: Node, scene: str) -> Storylet | None:
        what = f"the storylet of scene '{scene}'"
        fields = reader.mapping(node, what, keys.STORYLET, keys.STORYLET_REQUIRED)
        if fields is None:
            return None
        hub = self.scene_ref(reader, fields, "hub", what, "is offered in hub", root=False)
        if hub is not None:
            self.storylet_hubs.append((scene, hub))
        text = self.optional_template(reader, fields, "text", what)
        requires = self.optional_expression(reader, fields, "requires", "condition", what)
        salience = self.optional_expression(reader, fields, "salience", NUMBER_SETTING, what)
        sticky = optional(fields, "sticky", reader.boolean, what, False)
        if hub is None or text is None:
            return None
        return Storylet(hub, text, reader.source.location(node), requires, salience, bool(sticky))

    def read_passages(self, reader: NodeReader, node: Node, what: str) -> tuple[Passage, ...]:
        if isinstance(node, ScalarNode):
            template = self.template(reader, node, f"text of {what}", required=True)
            return (Passage(template),) if template is not None else ()
        items = reader.sequence(node, f"text of {what}")
        if items is None:
            return ()
        if not items:
            reader.error("GS024", f"{what} has no text: write what the player reads", node)
            return ()
        passages = []
        for index, item in enumerate(items, 1):
            where = f"passage {index} of {what}"
            if isinstance(item, ScalarNode):
                template = self.template(reader, item, where, required=True)
                if template is not None:
                    passages.append(Passage(template))
                continue
            fields = reader.mapping(item, where, keys.PASSAGE, keys.PASSAGE_REQUIRED)
            if fields is None:
                continue
            variants: tuple[Template, ...] = ()
            if "one_of" in fields:
                if "text" in fields:
                    reader.error(
                        "GS019",
                        f"{where} has both 'text' and 'one_of': keep 'text' for one text, or"
                        " 'one_of' for variants to pick from",
                        fields["one_of"][0],
                    )
                    continue
                variants = self.read_variants(reader, fields["one_of"][1], where)
                if not variants:
                    continue
                text: Template | None = variants[0]
            elif "text" in fields:
                text = self.template(reader, fields["text"][1], f"text of {where}", required=True)
            else:
                reader.error("GS011", f"{where} needs 'text' (or 'one_of', for variants)", item)
                continue
            condition = self.optional_expression(reader, fields, "if", "condition", where)
            otherwise = self.optional_template(reader, fields, "else", where)
            if text is not None:
                passages.append(Passage(text, condition, otherwise, variants))
        return tuple(passages)

    def read_variants(self, reader: NodeReader, node: Node, where: str) -> tuple[Template, ...]:
        """The texts of a `one_of` passage; empty when any of them is broken."""
        what = f"'one_of' of {where}"
        items = reader.sequence(node, what)
        if items is None:
            return ()
        if len(items) < 2:
            reader.error(
                "GS013",
                f"{what} needs at least two variants to pick from; for one, write 'text'",
                node,
            )
        variants = [
            self.template(reader, item, f"variant {index} of {what}", required=True)
            for index, item in enumerate(items, 1)
        ]
        if len(items) < 2 or None in variants:
            return ()
        return tuple(variants)  # type: ignore[arg-type]

    def read_ending(self, reader: NodeReader, node: Node, what: str) -> Ending | None:
        location = reader.source.location(node)
        if isinstance(node, ScalarNode):
            title = reader.text(node, f"'ending' of {what}")
            if title is not None and not title.strip():
                reader.error("GS024", f"the ending of {what} needs a title", node)
                return None
            return Ending(title, location) if title is not None else None
        fields = reader.mapping(node, f"'ending' of {what}", keys.ENDING, keys.ENDING_REQUIRED)
        if fields is None or "title" not in fields:
            return None
        title = reader.text(
            fields["title"][1], f"the title of the ending of {what}", allow_empty=False
        )
        epithet = (
            reader.text(fields["epithet"][1], f"epithet of the ending of {what}")
            if "epithet" in fields
            else None
        )
        return Ending(title, location, epithet) if title is not None else None

    def read_choice(
        self, reader: NodeReader, node: Node, index: int, scene: str
    ) -> Choice | ChoiceDraft | None:
        what = f"choice {index} of scene '{scene}'"
        fields = reader.mapping(node, what, keys.CHOICE, keys.CHOICE_REQUIRED)
        if fields is None:
            return None
        ident = f"c{index}"
        if "id" in fields:
            explicit = reader.identifier(fields["id"][1], f"id of {what}")
            if explicit is None:
                return None
            ident = explicit
        # Optional keys are read inline here, not with optional_expression() and its kin as
        # elsewhere: this runs for every choice, and those calls cost 2% of reading a story.
        text = (
            self.template(reader, fields["text"][1], f"text of {what}", required=True)
            if "text" in fields
            else None
        )
        goto_node = fields["goto"][1] if "goto" in fields else None
        goto = reader.text(goto_node, f"'goto' of {what}") if goto_node is not None else None
        condition = (
            self.expression(reader, fields["if"][1], "condition", f"'if' of {what}")
            if "if" in fields
            else None
        )
        requires = (
            self.expression(reader, fields["requires"][1], "condition", f"'requires' of {what}")
            if "requires" in fields
            else None
        )
        locked = (
            self.template(reader, fields["locked"][1], f"'locked' of {what}", required=True)
            if "locked" in fields
            else None
        )
        if locked is not None and "requires" not in fields:
            reader.error(
                "GS027",
                f"{what} has a 'locked' reason but no 'requires', so it is never locked:"
                " add 'requires' or remove 'locked'",
                fields["locked"][0],
            )
        if "requires" in fields and "locked" not in fields:
            reader.error(
                "GS028",
                f"{what} can be locked but has no 'locked' reason: tell the player why in 'locked'",
                fields["requires"][0],
            )
        effects = (
            self.read_effects(reader, fields["effects"][1], f"'effects' of {what}")
            if "effects" in fields
            else []
        )
        sticky = (
            reader.boolean(fields["sticky"][1], f"'sticky' of {what}")
            if "sticky" in fields
            else False
        )
        tags = reader.text_list(fields["tags"][1], f"'tags' of {what}") if "tags" in fields else ()
        if text is None:
            return None
        if goto is not None and goto_node is not None:
            self.gotos.append(Goto(scene, ident, goto, goto_node, reader.source))
        location = reader.source.location(node)
        if all(type(effect) is Effect for effect in effects):
            return Choice(
                id=ident,
                text=text,
                goto=goto or "",
                location=location,
                condition=condition,
                requires=requires,
                locked=locked,
                effects=tuple(effects),  # type: ignore[arg-type]
                sticky=bool(sticky),
                tags=tags,
            )
        return ChoiceDraft(
            ident,
            text,
            goto,
            goto_node,
            location,
            condition,
            requires,
            locked,
            effects,
            bool(sticky),
            tags,
        )

    def finish_scene(self, draft: SceneDraft, scope: Scope) -> Scene:
        choices = tuple(
            c
            if isinstance(c, Choice)
            else Choice(
                id=c.id,
                text=c.text,
                goto=c.goto or "",
                location=c.location,
                condition=c.condition,
                requires=c.requires,
                locked=c.locked,
                effects=self.finish_effects(c.effects, scope),
                sticky=c.sticky,
                tags=c.tags,
            )
            for c in draft.choices
        )
        return Scene(
            id=draft.id,
            passages=draft.passages,
            location=draft.location,
            title=draft.title,
            on_enter=self.finish_effects(draft.on_enter, scope),
            choices=choices,
            tags=draft.tags,
            ending=draft.ending,
            storylet=draft.storylet,
            storylet_limit=draft.storylet_limit,
        )
