"""game/text/player.py and `python -m game play`: the terminal player.

Golden transcripts. Each tests/transcripts/NAME.input is played through the player and the
whole output (errors included) must equal tests/transcripts/NAME.txt, byte for byte. After a
change to what the player prints, regenerate them and read the diff before committing it:

    GOOD_STANDING_REGEN_TRANSCRIPTS=1 .venv/bin/python -m pytest tests/test_text_player.py
    git diff tests/transcripts

Lines at the top of an .input file that start with "# " set up the run:

    # story: story/tutorial        the story folder, from the repository root (required)
    # seed: 3                      the seed (default 1)
    # width: 72                    the width to wrap at (default 72)
    # exit: 1                      the exit code the run must end with (default 0)
    # damaged-save: SLOT KIND      before play, put a damaged save in SLOT; KIND is
                                   truncated, garbage or tampered (may be repeated)

Every other line is typed at a prompt, in order; when they run out, input ends (as Ctrl-D
would end it). Input is echoed after the prompt, as the player does when input is not typed.
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from game.cli import main
from game.content.cache import load_story_cached
from game.core.runner import Runner
from game.core.save_json import SaveError, decode_body
from game.core.story import Story
from game.savefiles import slot_path, write_save
from game.text.player import (
    DEFAULT_WIDTH,
    MAX_WIDTH,
    MIN_WIDTH,
    play_story,
    terminal_width,
)
from game.text.wording import ASCII

ROOT = Path(__file__).resolve().parents[1]
TRANSCRIPTS = ROOT / "tests" / "transcripts"
TUTORIAL = ROOT / "story" / "tutorial"
REGENERATE = os.environ.get("GOOD_STANDING_REGEN_TRANSCRIPTS") == "1"
SAVED_AT = datetime(2025, 3, 14, 9, 26, 53)
ANSI = re.compile(r"\x1b|\x9b")


def fixed_now() -> datetime:
    return SAVED_AT


# ------------------------------------------------------------ golden transcripts


class Script:
    """An .input file: its set-up headers and the lines to type."""

    def __init__(self, path: Path) -> None:
        self.name = path.stem
        self.story = ""
        self.seed = 1
        self.width = DEFAULT_WIDTH
        self.exit = 0
        self.damaged: list[tuple[str, str]] = []
        lines = path.read_text(encoding="utf-8").splitlines()
        while lines and lines[0].startswith("# "):
            key, _, value = lines.pop(0)[2:].partition(":")
            value = value.strip()
            if key == "story":
                self.story = value
            elif key == "seed":
                self.seed = int(value)
            elif key == "width":
                self.width = int(value)
            elif key == "exit":
                self.exit = int(value)
            elif key == "damaged-save":
                slot, kind = value.split()
                self.damaged.append((slot, kind))
            else:
                raise AssertionError(f"{path.name}: unknown header '{key}'")
        assert self.story, f"{path.name}: no '# story:' header"
        self.typed = "".join(line + "\n" for line in lines)


def damage(story: Story, slot: str, kind: str) -> None:
    path = slot_path(story.manifest.id, slot)
    write_save(path, story, Runner(story, seed=1).state, {"slot": slot, "turn": 0})
    if kind == "truncated":
        path.write_bytes(path.read_bytes()[:120])
    elif kind == "garbage":
        path.write_bytes(bytes(range(256)))
    elif kind == "tampered":
        data = path.read_bytes()
        path.write_bytes(data.replace(b'"turn":0', b'"turn":99', 1))
    else:
        raise AssertionError(f"unknown kind of damage '{kind}'")


def play_script(script: Script) -> tuple[int, str]:
    result = load_story_cached(Path(script.story))
    assert result.story is not None, [d.format() for d in result.diagnostics]
    for slot, kind in script.damaged:
        damage(result.story, slot, kind)
    out = io.StringIO()
    code = play_story(
        result.story,
        io.StringIO(script.typed),
        out,
        seed=script.seed,
        width=script.width,
        echo=True,
        now=fixed_now,
    )
    return code, out.getvalue()


@pytest.mark.parametrize(
    "name", sorted(path.stem for path in TRANSCRIPTS.glob("*.input")) or ["(none)"]
)
def test_transcript_matches_the_golden_output(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    assert name != "(none)", f"no transcripts in {TRANSCRIPTS}"
    monkeypatch.chdir(ROOT)  # story paths, and so error locations, are relative to the repo
    script = Script(TRANSCRIPTS / f"{name}.input")
    code, output = play_script(script)
    expected_path = TRANSCRIPTS / f"{name}.txt"
    if REGENERATE:
        expected_path.write_text(output, encoding="utf-8", newline="\n")
    expected = expected_path.read_text(encoding="utf-8")
    assert output == expected, (
        f"{name}: the output differs from {expected_path.name}; if the change is intended,"
        " regenerate with GOOD_STANDING_REGEN_TRANSCRIPTS=1 (see the top of this file)"
    )
    assert code == script.exit


def test_the_transcripts_cover_what_the_player_must_do() -> None:
    names = {path.stem for path in TRANSCRIPTS.glob("*.input")}
    assert {
        "tutorial_to_an_ending",
        "locked_choice",
        "save_and_load",
        "commands",
        "eof_at_the_first_prompt",
        "damaged_saves",
        "runtime_error",
        # the score's mechanics, one story each, and all of them together in the city
        "city_score_mechanics",
        "city_ending_and_again",
        "tiers_interrupt_and_return",
        "time_scheduled_event",
        "rules_previews_and_day_rules",
        "directives_by_day",
        "characters_and_circle",
        "storylets_hub",
        "randomness_again_with_the_same_seed",
        "dead_end",
    } <= names
    assert names == {path.stem for path in TRANSCRIPTS.glob("*.txt")}


def test_no_transcript_line_is_wider_than_its_width(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for path in sorted(TRANSCRIPTS.glob("*.input")):
        script = Script(path)
        for line in (TRANSCRIPTS / f"{script.name}.txt").read_text(encoding="utf-8").splitlines():
            if line.startswith(("error: ", "> ")):
                continue  # a location is not wrapped; typed input is as typed
            assert len(line) <= script.width, f"{script.name}: {line!r}"


def test_the_same_seed_and_input_give_the_same_output(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    script = Script(TRANSCRIPTS / "tutorial_to_an_ending.input")
    assert play_script(script) == play_script(script)


# ------------------------------------------- a story with time, people, rules and events
#
# tests/stories/text/city: a clock with named days, directives for days 1 and 2, a tiered badge
# whose lowest tier interrupts with a summons, a hidden meter, two people with standings of
# their own, a rule for a tag with a notification, a scheduled event, a storylet hub, a scene
# whose arrival moves Standing, a locked choice and a hidden one. Its first page:
#
#   1. Light a cigarette                      -40 by rule, an evening passes
#   2. Vouch for Mara at the ticket office    Mara +100 Standing, +20 relationship, befriended
#   3. Go home and sleep                      a new day
#   4. Join the protest on the concourse      -250 (-50 more on Monday): Listed, a summons
#   5. Sit in the waiting room                a hub with storylets
#   6. Book the train                         locked below 600; the ending, +25 on arrival

CITY = ROOT / "tests" / "stories" / "text" / "city"
DEAD_END = ROOT / "tests" / "stories" / "text" / "dead_end"
GOODBYE_UNSAVED = "Goodbye. The choices you made since you last saved are not kept.\n"


def load(folder: Path) -> Story:
    result = load_story_cached(folder)
    assert result.story is not None, [d.format() for d in result.diagnostics]
    return result.story


def city() -> Story:
    return load(CITY)


def run(
    story: Story,
    typed: str,
    width: int = DEFAULT_WIDTH,
    seed: int | None = 1,
    **options: Any,
) -> tuple[int, str]:
    out = io.StringIO()
    code = play_story(
        story, io.StringIO(typed), out, seed=seed, width=width, echo=True, now=fixed_now, **options
    )
    return code, out.getvalue()


def blocks(output: str) -> list[str]:
    return output.split("\n\n")


def after(output: str, typed: str) -> str:
    """What was printed after the prompt at which `typed` was typed (the first such)."""
    return output.split(f"> {typed}\n\n", 1)[1]


def test_a_choice_prints_its_consequences_before_the_next_page() -> None:
    code, output = run(city(), "1\n", width=100)
    assert code == 0
    assert after(output, "1").startswith(
        "Standing \u221240 \u2014 smoking on a train\n"
        "Standing: Good Citizen \u2192 Under Review (lost: train_travel; gained: throttled)\n"
        "A camera on the platform blinks twice.\n"
        "Train booking is no longer open to you.\n"
        "\n"
        "Platform 4\n"
        "Standing 580 (Under Review) \u00b7 Day 1, Monday, evening\n"
    )


def test_a_characters_change_reads_with_their_name_and_the_reason() -> None:
    _, output = run(city(), "2\n")
    assert blocks(after(output, "2"))[0] == (
        "Mara Voss: Standing +100 \u2014 you vouched for her\n"
        "Mara Voss: relationship +20 \u2014 you vouched for her\n"
        "Mara Voss is now in your circle."
    )


def test_changes_made_by_rules_read_with_the_rules_reasons() -> None:
    _, output = run(city(), "4\n")  # the protest, on a Monday: a rule for the day adds to it
    assert after(output, "4").startswith(
        "Standing \u2212250 \u2014 unlawful assembly\n"
        "Standing \u221250 \u2014 breaking the silence\n"
    )


def test_changes_to_hidden_meters_are_not_shown() -> None:
    _, output = run(city(), "1\n")
    assert "Guilt" not in after(output, "1").split("Your report")[0]


def test_a_new_day_is_announced_with_the_clock_and_todays_directive() -> None:
    _, output = run(city(), "3\n")
    assert blocks(after(output, "3"))[0] == (
        "Today's directive: Report anyone who smokes.\nA new day: Tuesday, morning."
    )
    assert "Standing 620 (Good Citizen) \u00b7 Day 2, Tuesday, morning" in output


def test_the_opening_announces_the_first_days_directive_and_its_consequences(
    make_story: Callable[[str], Story],
) -> None:
    story = make_story(
        """
        id: opening
        title: Opening
        version: "1"
        start: gate
        time:
          periods: [morning, evening]
        meters:
          standing: {label: Standing, min: 0, max: 1000, start: 620}
        rules:
          quiet:
            on_tag: talk
            days: [1]
            effects:
              - subtract: {standing: 5}
            directive: Queue in silence.
        scenes:
          gate:
            on_enter:
              - add: {standing: 3}
                reason: arriving on time
            text: The gate.
            choices:
              - text: Talk
                tags: [talk]
                goto: out
          out:
            text: Out.
            ending: Out
        """
    )
    _, output = run(story, "")
    assert blocks(output)[1] == (
        "Standing +3 \u2014 arriving on time\nToday's directive: Queue in silence."
    )
    assert "Standing 623 \u00b7 Day 1, morning" in output


def test_the_status_line_has_no_clock_when_the_story_does_not_tell_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    _, output = play_script(Script(TRANSCRIPTS / "eof_at_the_first_prompt.input"))
    assert "\nReader Standing 50 (In Good Standing)\n" in output
    assert "Day 1" not in output


def test_a_locked_choice_is_shown_with_its_reason_and_a_hidden_one_not_at_all() -> None:
    _, output = run(city(), "1\n")
    assert "\n6. Book the train\n" in output  # at 620, before the cigarette
    assert "\n5. [locked] Book the train \u2014 Standing below 600\n" in output  # at 580
    assert "nobody sees" not in output


def test_choosing_a_locked_choice_gives_its_reason_and_asks_again() -> None:
    _, output = run(city(), "1\n5\n")
    assert output.endswith(
        "> 5\n\nThat choice is locked: Standing below 600\n\n> \n\n" + GOODBYE_UNSAVED
    )


def test_meters_lists_meters_status_time_directives_and_people_in_the_circle() -> None:
    _, output = run(city(), "3\n2\nmeters\n")
    assert blocks(after(output, "meters"))[0] == (
        "Standing 620 (Good Citizen)\n"
        "Privileges: train_travel\n"
        "Sanctions: none\n"
        "Time: Day 2, Tuesday, morning\n"
        "Today's directive: Report anyone who smokes.\n"
        "Your circle:\n"
        "  Mara Voss: relationship +30, Standing 400 (Under Review)\n"
        "    Your neighbour. She works nights at the depot.\n"
        "  Ines Okafor: relationship +5, Standing 900 (Good Citizen)"
    )


def test_meters_lists_who_is_blocked_and_who_is_not_in_the_circle() -> None:
    # Into the waiting room, where Ines's storylet is offered, and block Mara there.
    _, output = run(city(), "2\n4\n1\nmeters\n")
    people = blocks(after(output, "meters"))[0].split("Today's directive: Queue in silence.\n")[1]
    assert people == (
        "Your circle:\n"
        "  Ines Okafor: relationship +5, Standing 900 (Good Citizen)\n"
        "Blocked:\n"
        "  Mara Voss: relationship +30, Standing 400 (Under Review)\n"
        "    Your neighbour. She works nights at the depot."
    )


def test_meters_says_when_nobody_is_in_the_circle() -> None:
    characters = load(ROOT / "tests" / "stories" / "mechanics" / "characters")
    _, output = run(characters, "3\nmeters\n")  # block Mara, the only one in the circle
    assert blocks(after(output, "meters"))[0] == (
        "Standing 600\n"
        "Your circle: nobody.\n"
        "Blocked:\n"
        "  Mara Voss: relationship +40, Standing 300\n"
        "Not in your circle:\n"
        "  Ines Okafor: relationship 0, Standing 900"
    )


def test_meters_says_nothing_of_a_circle_in_a_story_without_people() -> None:
    _, output = run(load(DEAD_END), "meters\n")
    assert blocks(after(output, "meters"))[0] == "Standing 50"


def test_previews_name_the_meters_a_choice_affects(make_story: Callable[[str], Story]) -> None:
    story = make_story(
        """
        id: previews
        title: Previews
        version: "1"
        start: a
        previews: true
        meters:
          standing: {label: Standing, min: 0, max: 100, start: 50}
        scenes:
          a:
            text: A.
            choices:
              - text: Report her
                effects:
                  - add: {standing: 5}
                goto: b
              - text: Walk on
                goto: b
          b:
            text: B.
            ending: B
        """
    )
    _, output = run(story, "")
    assert "\n1. Report her (affects Standing)\n2. Walk on\n" in output


def test_an_interrupting_tier_scene_says_why_the_player_is_there_and_returns() -> None:
    _, output = run(city(), "4\n1\n")
    assert "\n\n\u2014 Interrupting: your Standing is now Listed.\nA summons\n" in output
    assert after(output, "1").startswith("\u2014 Returning to Platform 4.\nPlatform 4\n")


def test_a_scheduled_event_says_when_it_was_due() -> None:
    _, output = run(city(), "3\n1\n")  # Tuesday, then a cigarette takes it to the evening
    assert "\u2014 Interrupting: scheduled for Day 2, Tuesday, evening.\nThe inspector\n" in (
        after(output, "1")
    )


def test_an_event_due_at_the_start_interrupts_the_first_page_and_says_so(
    make_story: Callable[[str], Story],
) -> None:
    story = make_story(
        """
        id: early
        title: Early
        version: "1"
        start: home
        schedule:
          - id: knock
            day: 1
            goto: door
        scenes:
          home:
            title: Home
            text: Home.
            choices:
              - text: Leave
                goto: out
          door:
            title: A knock
            text: Someone at the door.
            choices:
              - text: Answer it
                goto: return
          out:
            text: Out.
            ending: Out
        """
    )
    _, output = run(story, "1\n")
    assert "\n\n\u2014 Interrupting: scheduled for Day 1.\nA knock\n" in output
    assert after(output, "1").startswith("\u2014 Returning to Home.\nHome\n")


def test_leaving_a_tier_whose_event_interrupts_says_which_tier_was_left(
    make_story: Callable[[str], Story],
) -> None:
    story = make_story(
        """
        id: leaving
        title: Leaving
        version: "1"
        start: hall
        meters:
          standing:
            label: Standing
            min: 0
            max: 100
            start: 80
            tiers:
              - {id: low, label: Ordinary, min: 0, max: 69}
              - id: high
                label: Gold
                min: 70
                max: 100
                on_leave:
                  goto: letter
        scenes:
          hall:
            title: The hall
            text: A hall.
            choices:
              - text: Shout
                sticky: true
                effects:
                  - subtract: {standing: 20}
                goto: hall
          letter:
            title: A letter
            text: Your gold card is cancelled.
            choices:
              - text: Read it twice
                goto: return
        """
    )
    _, output = run(story, "1\n")
    assert "\u2014 Interrupting: your Standing is no longer Gold.\nA letter\n" in output


def test_look_shows_the_page_without_the_interruption_marker() -> None:
    _, output = run(city(), "4\nlook\n")
    assert after(output, "look").startswith("A summons\n")


def test_a_storylet_returns_to_its_hub() -> None:
    _, output = run(city(), "5\n3\n1\n")  # the waiting room, Ines's gossip, and back
    assert "\n3. Gossip with Ines\n4. Read the paper\n" in output
    assert after(output, "1").startswith(
        "Ines Okafor: relationship +10 \u2014 a good laugh\n\n"
        "\u2014 Returning to The waiting room.\nThe waiting room\n"
    )


def test_an_ending_shows_its_title_epithet_report_and_what_can_be_done_next() -> None:
    code, output = run(city(), "6\n")
    assert code == 0
    assert output.endswith(
        "The doors close behind you.\n"
        "\n"
        "The end: Departed \u2014 the Gone\n"
        "\n"
        "Your report\n"
        "Standing 645 (Good Citizen)\n"
        "Hidden until now: Guilt 0\n"
        "\n"
        "What moved your Standing most:\n"
        "1. Turn 1, on arriving at The 8:15: +25 (boarding on time)\n"
        "\n"
        "The story is over. Type again to play from the start, load to go back to\n"
        "a save, or quit.\n"
        "\n"
        "> \n"
        "\n"
        "Goodbye.\n"
    )


def test_the_report_ranks_choices_with_their_rules_apart_from_arrivals() -> None:
    _, output = run(city(), "1\n2\n4\n5\n", width=100)  # smoke, sleep, report a smoker, train
    assert (
        "What moved your Standing most:\n"
        "1. Turn 3, Report the man smoking by the bench: +60 (doing your civic duty)\n"
        "2. Turn 1, Light a cigarette: \u221240 (smoking on a train)\n"
        "3. Turn 4, on arriving at The 8:15: +25 (boarding on time)\n"
    ) in output


def test_a_report_says_so_when_nothing_moved_the_main_meter(
    make_story: Callable[[str], Story],
) -> None:
    story = make_story(
        """
        id: still
        title: Still
        version: "1"
        start: a
        meters:
          standing: {label: Standing, min: 0, max: 100, start: 50}
        scenes:
          a:
            text: A.
            ending: A
        """
    )
    _, output = run(story, "")
    assert "\nNothing changed your Standing.\n" in output


def test_choosing_at_an_ending_says_the_story_is_over() -> None:
    _, output = run(city(), "6\n1\n")
    assert blocks(after(output, "1"))[0] == (
        "The story is over: type again to play from the start, load to go back to\na save, or quit."
    )


def test_again_at_an_ending_replays_the_seed_that_was_given() -> None:
    _, output = run(load(ROOT / "tests" / "stories" / "mechanics" / "randomness"), "2\nagain\n")
    first, second = output.split("> again\n\n")
    assert second.startswith(
        "A new game, from the start, with the same seed (1): what is left to\n"
        "chance falls as it did before.\n\n"
    )
    # The same seed draws the same text.
    assert first.split("\n\n> ")[0].split("\n\n", 1)[1] in second


def test_again_without_a_seed_takes_a_new_one_for_each_game() -> None:
    given = iter([7, 8])
    drawn: list[int] = []

    def seeds() -> int:
        drawn.append(next(given))
        return drawn[-1]

    _, output = run(city(), "6\nagain\n", seed=None, seeds=seeds)
    assert drawn == [7, 8]
    assert "\n\nA new game, from the start, with a new seed.\n\n" in output


def test_again_before_the_story_is_over_changes_nothing() -> None:
    _, output = run(city(), "1\nagain\nhistory\n")
    assert blocks(after(output, "again"))[0] == (
        "The story is not over yet: again starts a new game at an ending. To stop\n"
        "this one, type quit."
    )
    assert "Turn 1, Platform 4: Light a cigarette" in after(output, "history")


def test_load_at_an_ending_goes_back_to_the_save(tmp_path: Path) -> None:
    _, output = run(city(), "save\n6\nload\n", saves=tmp_path)
    assert after(output, "load").startswith("Loaded 'quicksave'.\n\nPlatform 4\n")


def test_the_end_of_input_at_an_ending_says_goodbye_and_exits_0() -> None:
    code, output = run(city(), "6\n")
    assert code == 0
    assert output.endswith("or quit.\n\n> \n\nGoodbye.\n")


def test_a_dead_end_explains_itself_with_the_scenes_location(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    code, output = run(load(Path("tests/stories/text/dead_end")), "1\n1\n1\n5\n")
    assert code == 0
    assert (
        "1. [locked] Unlock the iron door \u2014 You have no key\n"
        "\n"
        "This page offers no choice you can take \u2014 the story has a dead end here\n"
        "(tests/stories/text/dead_end/story.yaml:20:3).\n"
        "Type load to go back to a save, again to play from the start, or quit.\n"
    ) in output
    assert output.endswith(
        "> 1\n\nThat choice is locked: You have no key\n\n"
        "> 5\n\nThere is no choice 5: 1 is the only choice.\n\n> \n\nGoodbye.\n"
    )


def test_a_page_whose_choices_are_all_hidden_is_a_dead_end_too(
    make_story: Callable[[str], Story],
) -> None:
    story = make_story(
        """
        id: hidden
        title: Hidden
        version: "1"
        start: a
        flags:
          door: false
        scenes:
          a:
            title: A wall
            text: A wall.
            choices:
              - text: A door nobody sees
                if: door
                goto: b
          b:
            text: B.
            ending: B
        """
    )
    _, output = run(story, "1\nagain\n")
    location = story.scenes["a"].location
    where = f"({location.file}:{location.line}:{location.column})."
    page = output.split("\n\n> ")[0].split("\n\n", 1)[1]
    assert page.startswith("A wall\n\nA wall.\n\nThis page offers no choice you can take")
    assert " ".join(page.split()).endswith(
        f"dead end here {where} Type load to go back to a save, again to play from the"
        " start, or quit."
    )
    assert " ".join(blocks(after(output, "1"))[0].split()) == (
        "There is no choice to take here: type load to go back to a save, again to play from"
        " the start, or quit."
    )
    assert after(output, "again").startswith("A new game, from the start, with the same seed")


def test_text_is_wrapped_to_the_width_given() -> None:
    _, output = run(city(), "1\nmeters\nhistory\nhelp\n4\n", width=30)
    for line in output.splitlines():
        if not line.startswith("> "):
            assert len(line) <= 30, line


def test_plain_glyphs_stand_in_where_the_terminal_lacks_them() -> None:
    _, output = run(city(), "1\n2\n3\n", glyphs=ASCII)
    assert "Standing -40 - smoking on a train" in output
    assert "Good Citizen -> Under Review" in output
    assert "- Interrupting: your Standing is now Listed." in output
    assert "Standing 330 (Listed) | Day 2, Tuesday, morning" in output
    output.encode("ascii")


def test_control_characters_in_story_text_never_reach_the_terminal(
    make_story: Callable[[str], Story],
) -> None:
    story = make_story(
        r"""
        id: hostile
        title: Hostile
        version: "1"
        start: a
        scenes:
          a:
            title: "\e[31mRed\e[0m"
            text: "\e[2J\e]0;pwned\aCleared?"
            choices:
              - text: On
                goto: b
          b:
            text: Bye.
            ending: End
        """
    )
    _, output = run(story, "\x1b[A\n")
    assert not ANSI.search(output)
    assert "[31mRed[0m" in output
    assert "[2J]0;pwnedCleared?" in output


def test_saving_when_the_disk_refuses_says_so_and_play_goes_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", refuse)
    code, output = run(city(), "save\n1\n")
    assert code == 0
    assert "Cannot save in 'quicksave': No space left on device." in output
    assert "Standing \u221240 \u2014 smoking on a train" in output


def test_saves_go_where_the_player_is_told_and_load_from_there(tmp_path: Path) -> None:
    code, output = run(city(), "1\nsave\n2\nload\nhistory\n", saves=tmp_path)
    assert code == 0
    assert (tmp_path / "city" / "quicksave.json").is_file()
    assert output.endswith(
        "Your choices so far:\nTurn 1, Platform 4: Light a cigarette\n\n> \n\nGoodbye.\n"
    )


def test_a_story_error_on_the_first_page_exits_1_with_its_location(
    make_story: Callable[[str], Story],
) -> None:
    story = make_story(
        """
        id: broken
        title: Broken
        version: "1"
        start: a
        variables:
          fines: 3
        scenes:
          a:
            text: "Total: {10 / (fines - fines)}"
            choices:
              - text: On
                goto: b
          b:
            text: B.
            ending: B
        """
    )
    out, err = io.StringIO(), io.StringIO()
    code = play_story(story, io.StringIO(""), out, seed=1, error_stream=err)
    assert code == 1
    assert out.getvalue() == ""
    assert re.fullmatch(r"error: .*story\.yaml:\d+:\d+: .*zero.*\n", err.getvalue())


def test_a_runtime_error_goes_to_the_error_stream(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    result = load_story_cached(Path("tests/stories/runtime_error"))
    assert result.story is not None and not result.diagnostics
    out, err = io.StringIO(), io.StringIO()
    code = play_story(result.story, io.StringIO("1\n"), out, seed=1, error_stream=err)
    assert code == 1
    assert "error:" not in out.getvalue()
    assert err.getvalue().startswith("error: tests/stories/runtime_error/story.yaml:")


# ------------------------------------------------------------------- width


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("columns", "width"), [(80, 80), (200, MAX_WIDTH), (8, MIN_WIDTH)])
def test_a_terminal_is_wrapped_at_its_width_within_limits(
    monkeypatch: pytest.MonkeyPatch, columns: int, width: int
) -> None:
    monkeypatch.setattr(
        "shutil.get_terminal_size", lambda fallback=(80, 24): os.terminal_size((columns, 24))
    )
    assert terminal_width(FakeTerminal()) == width


def test_a_pipe_is_wrapped_at_72_columns_whatever_the_terminal() -> None:
    assert terminal_width(io.StringIO()) == DEFAULT_WIDTH == 72


# --------------------------------------------------------------------- CLI


def test_play_text_plays_the_story_named_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("1\nquit\n"))
    assert main(["play", "--text", str(TUTORIAL), "--seed", "3", "--width", "60"]) == 0
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.startswith("The Library Card\n")
    assert "> 1\n\nThe front desk\n" in captured.out
    assert captured.out.endswith(
        "Goodbye. The choices you made since you last saved are not\nkept.\n"
    )


def test_play_with_a_seed_plays_again_with_the_same_seed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("6\nagain\nquit\n"))
    assert main(["play", "--text", str(CITY), "--seed", "3", "--width", "100"]) == 0
    out = capsys.readouterr().out
    assert "\n> again\n\nA new game, from the start, with the same seed (3):" in out


def test_play_without_a_seed_plays_again_with_a_new_one(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seeds = iter([11, 12])
    monkeypatch.setattr("game.text.player.new_seed", lambda: next(seeds))
    monkeypatch.setattr(sys, "stdin", io.StringIO("6\nagain\nquit\n"))
    assert main(["play", "--text", str(CITY)]) == 0
    assert "\n> again\n\nA new game, from the start, with a new seed.\n" in (
        capsys.readouterr().out
    )
    assert next(seeds, None) is None  # one seed for each game


def test_play_accepts_the_story_yaml_as_well_as_its_folder(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["play", "--text", str(TUTORIAL / "story.yaml")]) == 0
    assert capsys.readouterr().out.startswith("The Library Card\n")


def test_play_without_text_says_the_window_is_not_built_and_starts_the_text_player(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["play", str(TUTORIAL)]) == 0
    captured = capsys.readouterr()
    assert captured.err.splitlines() == [
        "The game window is not built yet (issue #4): starting the text player instead."
    ]
    assert "1. Push the green door" in captured.out


def test_play_of_a_broken_story_prints_its_diagnostics_like_check_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "broken"
    folder.mkdir()
    (folder / "story.yaml").write_text(
        'id: broken\ntitle: Broken\nversion: "1"\nstart: a\nscenes:\n  a:\n    text: Hi.\n'
        "    choices:\n      - text: Down\n        goto: cellar\n",
        encoding="utf-8",
    )
    assert main(["play", "--text", str(folder)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "error[GS021]" in captured.err
    assert "'cellar', which is not a scene" in captured.err
    assert captured.err.rstrip().endswith(f"{folder}: 1 error, 0 warnings")


def test_play_of_a_missing_story_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["play", "--text", "no/such/story"]) == 2
    assert "play: no story at no/such/story" in capsys.readouterr().err


@pytest.mark.parametrize("option", [["--width", "10"], ["--width", "wide"], ["--seed", "x"]])
def test_bad_options_are_usage_errors(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["play", "--text", *option])
    assert exit_info.value.code == 2
    assert "error: argument" in capsys.readouterr().err


def test_play_help_documents_the_default_story_and_the_options(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        main(["play", "--help"])
    usage = " ".join(capsys.readouterr().out.split())
    for words in (
        "story/good-standing if it exists, else story/tutorial",
        "--seed N",
        "--width N",
        "--text",
    ):
        assert words in usage


def test_the_player_works_in_a_pipe_with_no_escape_sequences() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run(
        [sys.executable, "-m", "game", "play", "--text", "story/tutorial", "--seed", "3"],
        input="2\n1\nmeters\n1\nhistory\n3\nquit\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert not ANSI.search(done.stdout)
    assert "> meters\n\nReader Standing 50 (In Good Standing)\n" in done.stdout
    assert "The end: Another Evening" in done.stdout
    assert all(len(line) <= DEFAULT_WIDTH for line in done.stdout.splitlines())


def test_tampering_with_a_save_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    # Guards the damaged_saves transcript: 'tampered' must really fail its checksum.
    monkeypatch.chdir(ROOT)
    result = load_story_cached(Path("story/tutorial"))
    assert result.story is not None
    damage(result.story, "edited", "tampered")
    with pytest.raises(SaveError, match="do not match its checksum"):
        decode_body(slot_path("tutorial", "edited").read_bytes())


def test_input_that_cannot_be_read_ends_play_like_the_end_of_input(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def unreadable(*args: Any) -> str:
        raise OSError("reading from stdin while output is captured")

    stdin = io.StringIO()
    monkeypatch.setattr(stdin, "readline", unreadable)
    out = io.StringIO()
    code = play_story(city(), stdin, out, seed=1)
    assert code == 0
    assert out.getvalue().endswith("> \n\nGoodbye.\n")


def test_a_terminal_without_unicode_gets_plain_glyphs_and_no_crash() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii"}
    done = subprocess.run(
        [sys.executable, "-m", "game", "play", "--text", "story/tutorial", "--seed", "3"],
        input=b"1\n1\n1\n1\n1\n1\nquit\n",
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    output = done.stdout.decode("ascii")  # every byte is ASCII: nothing unencodable got through
    assert "Reader Standing -40 - a book twenty-three years overdue" in output
    assert "In Good Standing -> Suspended" in output
    assert "Tom?s" in output  # story text the terminal cannot show is replaced, not a crash
