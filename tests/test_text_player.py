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
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from game.cli import main
from game.content.cache import load_story_cached
from game.core.diagnostics import SourceLocation
from game.core.expressions import parse
from game.core.runner import Runner
from game.core.save_json import SaveError, decode_body
from game.core.story import (
    Character,
    Choice,
    Clock,
    Effect,
    Ending,
    Expression,
    Manifest,
    Meter,
    Passage,
    Rule,
    Scene,
    Story,
    Template,
    Tier,
)
from game.savefiles import slot_path, write_save
from game.text.player import (
    DEFAULT_WIDTH,
    MAX_WIDTH,
    MIN_WIDTH,
    TextPlayer,
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


# ------------------------------------------------ a story with time, people and rules
#
# Built in Python rather than YAML, so these tests exercise the presenter whatever the state
# of the loader: a city with a clock and named days, a tiered badge, a hidden meter, a
# character, a rule for a tag with a notification, and a directive.

LOC = SourceLocation("tests/city.yaml", 1, 1)


def text(source: str) -> Template:
    return Template((source,), LOC)


def expr(source: str) -> Expression:
    return Expression(source, parse(source), LOC)


def effect(op: str, target: str, value: str | None = None, reason: str | None = None) -> Effect:
    return Effect(
        op,
        target,
        expr(value) if value is not None else None,
        LOC,
        text(reason) if reason is not None else None,
    )


def scene(ident: str, body: str, *choices: Choice, **fields: Any) -> Scene:
    return Scene(ident, (Passage(text(body)),), LOC, choices=choices, **fields)


def choice(ident: str, label: str, goto: str, **fields: Any) -> Choice:
    return Choice(ident, text(label), goto, LOC, **fields)


def city(previews: bool = False, on_enter: tuple[Effect, ...] = ()) -> Story:
    standing = Meter(
        "standing",
        "Standing",
        0,
        1000,
        620,
        LOC,
        display="badge",
        tiers=(
            Tier("trusted", "Good Citizen", 600, 1000, LOC, privileges=("train_travel",)),
            Tier("review", "Under Review", 0, 599, LOC, sanctions=("throttled",)),
        ),
    )
    guilt = Meter("guilt", "Guilt", 0, 10, 0, LOC, visible=False)
    platform = scene(
        "platform",
        "The 8:15 is late again.",
        choice(
            "smoke",
            "Light a cigarette",
            "platform",
            tags=("smoke",),
            effects=(
                effect("add", "guilt", "1"),
                effect("add", "mara.standing", "5", "vouching for you"),
                effect("advance", "period"),
            ),
        ),
        choice(
            "sleep",
            "Go home and sleep",
            "platform",
            sticky=True,
            effects=(effect("advance", "day"), effect("befriend", "mara")),
        ),
        choice(
            "train",
            "Book the train",
            "gone",
            requires=expr("standing >= 600"),
            locked=text("Standing below 600"),
        ),
        choice("never", "A choice nobody sees", "gone", condition=expr("false")),
        title="Platform 4",
        on_enter=on_enter,
    )
    gone = scene("gone", "The doors close behind you.", ending=Ending("Departed", LOC, "the Gone"))
    return Story(
        manifest=Manifest("city", "The City", "1", "platform", LOC, previews=previews),
        meters={"standing": standing, "guilt": guilt},
        flags={},
        variables={},
        scenes={"platform": platform, "gone": gone},
        characters={"mara": Character("mara", "Mara Voss", LOC, relationship=10)},
        rules=(
            Rule(
                "smoking",
                LOC,
                (effect("subtract", "standing", "40"),),
                on_tag="smoke",
                reason=text("smoking on a train"),
                notify=text("A camera on the platform blinks twice."),
            ),
            Rule(
                "quiet",
                LOC,
                (),
                every="day",
                days=(1,),
                directive=text("Queue in silence."),
            ),
            Rule(
                "tuesday",
                LOC,
                (),
                every="day",
                days=(2,),
                directive=text("Report anyone who smokes."),
            ),
        ),
        clock=Clock(
            periods=("morning", "evening"),
            day_names=("Monday", "Tuesday", "Wednesday"),
            location=LOC,
        ),
    )


def run(story: Story, typed: str, width: int = DEFAULT_WIDTH, **options: Any) -> tuple[int, str]:
    out = io.StringIO()
    code = play_story(
        story, io.StringIO(typed), out, seed=1, width=width, echo=True, now=fixed_now, **options
    )
    return code, out.getvalue()


def blocks(output: str) -> list[str]:
    return output.split("\n\n")


def test_a_choice_prints_its_consequences_before_the_next_page() -> None:
    code, output = run(city(), "1\n", width=100)
    assert code == 0
    after = output.split("> 1\n\n", 1)[1]
    assert after.startswith(
        "Mara Voss: Standing +5 \u2014 vouching for you\n"
        "Standing \u221240 \u2014 smoking on a train\n"
        "Standing: Good Citizen \u2192 Under Review (lost: train_travel; gained: throttled)\n"
        "A camera on the platform blinks twice.\n"
        "\n"
        "Platform 4\n"
        "Standing 580 (Under Review) \u00b7 Day 1, Monday, evening\n"
    )


def test_changes_to_hidden_meters_are_not_shown() -> None:
    _, output = run(city(), "1\n")
    assert "Guilt" not in output.split("> 1\n", 1)[1].split("Your report")[0]


def test_a_new_day_is_announced_with_the_clock_and_todays_directive() -> None:
    _, output = run(city(), "2\n")
    consequences = blocks(output.split("> 2\n\n", 1)[1])[0]
    assert consequences == (
        "Mara Voss is now in your circle.\n"
        "Today's directive: Report anyone who smokes.\n"
        "A new day: Tuesday, morning."
    )
    assert "Standing 620 (Good Citizen) \u00b7 Day 2, Tuesday, morning" in output


def test_the_opening_announces_the_first_days_directive_and_its_consequences() -> None:
    story = city(on_enter=(effect("add", "standing", "3", "arriving on time"),))
    _, output = run(story, "")
    opening = blocks(output)[1]
    assert opening == "Standing +3 \u2014 arriving on time\nToday's directive: Queue in silence."
    assert "Standing 623 (Good Citizen) \u00b7 Day 1, Monday, morning" in output


def test_the_status_line_has_no_clock_when_the_story_does_not_tell_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(ROOT)
    _, output = play_script(Script(TRANSCRIPTS / "eof_at_the_first_prompt.input"))
    assert "\nReader Standing 50 (In Good Standing)\n" in output
    assert "Day 1" not in output


def test_a_locked_choice_is_shown_with_its_reason_and_a_hidden_one_not_at_all() -> None:
    _, output = run(city(), "1\n")
    assert "\n3. Book the train\n" in output  # at 620, before the cigarette
    assert "\n2. [locked] Book the train \u2014 Standing below 600\n" in output  # at 580
    assert "nobody sees" not in output


def test_choosing_a_locked_choice_gives_its_reason_and_asks_again() -> None:
    _, output = run(city(), "1\n2\n")
    assert output.endswith(
        "> 2\n\nThat choice is locked: Standing below 600\n\n> \n\nGoodbye. The choices you"
        " made since you last saved are not kept.\n"
    )


def test_meters_lists_visible_meters_privileges_sanctions_time_and_people() -> None:
    _, output = run(city(), "2\nmeters\n")
    shown = blocks(output.split("> meters\n\n", 1)[1])[0]
    assert shown == (
        "Standing 620 (Good Citizen)\n"
        "Privileges: train_travel\n"
        "Sanctions: none\n"
        "Time: Day 2, Tuesday, morning\n"
        "Today's directive: Report anyone who smokes.\n"
        "Mara Voss: relationship +10, in your circle"
    )


def test_previews_name_the_meters_a_choice_affects() -> None:
    _, output = run(city(previews=True), "")
    assert "1. Light a cigarette (affects Standing)" in output


def test_an_ending_shows_its_title_epithet_and_a_report_with_hidden_meters_revealed() -> None:
    code, output = run(city(), "2\n3\n")
    assert code == 0
    assert output.endswith(
        "The doors close behind you.\n"
        "\n"
        "The end: Departed \u2014 the Gone\n"
        "\n"
        "Your report\n"
        "Standing 620 (Good Citizen)\n"
        "Hidden until now: Guilt 0\n"
        "\n"
        "None of your choices moved your Standing.\n"
    )


def test_the_report_ranks_the_choices_that_moved_the_main_meter() -> None:
    story = city()
    runner = Runner(story, seed=1)
    runner.choose("smoke")
    runner.choose("sleep")
    runner.state.values["standing"] = 650  # as if the rest of the week went well
    runner = Runner(story, runner.state)
    out = io.StringIO()
    assert [c.text for c in runner.page.choices] == ["Go home and sleep", "Book the train"]
    TextPlayer(runner, io.StringIO("2\n"), out, echo=True).run()
    assert out.getvalue().endswith(
        "The choices that moved your Standing most:\n1. Turn 1: Light a cigarette (\u221240)\n"
    )


def test_a_page_whose_choices_are_all_hidden_says_what_can_be_done() -> None:
    story = city()
    platform = story.scenes["platform"]
    only_hidden = Scene(
        "platform",
        platform.passages,
        LOC,
        title="Platform 4",
        choices=(platform.choices[3],),
    )
    stuck = Story(
        manifest=story.manifest,
        meters=story.meters,
        flags={},
        variables={},
        scenes={"platform": only_hidden, "gone": story.scenes["gone"]},
    )
    _, output = run(stuck, "1\n")
    assert "There are no choices here. Type load to go back to a save, or quit." in output
    assert "There is nothing to choose here: type load to go back to a save." in output


def test_text_is_wrapped_to_the_width_given() -> None:
    _, output = run(city(), "1\nmeters\nhistory\nhelp\n", width=30)
    for line in output.splitlines():
        if not line.startswith("> "):
            assert len(line) <= 30, line


def test_plain_glyphs_stand_in_where_the_terminal_lacks_them() -> None:
    _, output = run(city(), "1\n", glyphs=ASCII)
    assert "Standing -40 - smoking on a train" in output
    assert "Good Citizen -> Under Review" in output
    output.encode("ascii")


def test_control_characters_in_story_text_never_reach_the_terminal() -> None:
    story = city()
    platform = story.scenes["platform"]
    hostile = Scene(
        "platform",
        (Passage(text("\x1b[2J\x1b]0;pwned\x07Cleared?")),),
        LOC,
        title="\x1b[31mRed\x1b[0m",
        choices=platform.choices,
    )
    story = Story(
        manifest=story.manifest,
        meters=story.meters,
        flags={},
        variables={},
        scenes={"platform": hostile, "gone": story.scenes["gone"]},
        characters=story.characters,
        rules=story.rules,
        clock=story.clock,
    )
    _, output = run(story, "\x1b[A\n")
    assert not ANSI.search(output)
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


def test_a_story_error_on_the_first_page_exits_1_with_its_location() -> None:
    story = city()
    broken = Scene("platform", (Passage(Template(("Total: ", expr("1 / 0")), LOC)),), LOC)
    story = Story(
        manifest=story.manifest,
        meters=story.meters,
        flags={},
        variables={},
        scenes={"platform": broken},
    )
    out, err = io.StringIO(), io.StringIO()
    code = play_story(story, io.StringIO(""), out, seed=1, error_stream=err)
    assert code == 1
    assert out.getvalue() == ""
    assert re.fullmatch(r"error: tests/city\.yaml:1:\d+: .*zero.*\n", err.getvalue())


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
