"""game/savefiles.py: atomic writes that never lose the old save, and reads that fail only with
a SaveError a player can read, whatever bytes are on disk."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from game.content.cache import load_story_cached
from game.core.runner import Runner
from game.core.save_json import SaveError, decode_body, seal, state_to_json
from game.core.story import Story
from game.savefiles import (
    MAX_SAVE_BYTES,
    list_slots,
    read_document,
    read_meta,
    read_save,
    saves_root,
    slot_path,
    write_save,
)

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "story" / "tutorial"


@pytest.fixture(scope="module")
def story() -> Story:
    result = load_story_cached(TUTORIAL)
    assert result.story is not None
    return result.story


def played(story: Story, choices: list[str], seed: int = 5) -> Runner:
    runner = Runner(story, seed=seed)
    for choice in choices:
        runner.choose(choice)
    return runner


def test_a_save_reads_back_as_the_state_it_was_written_from(story: Story, tmp_path: Path) -> None:
    runner = played(story, ["go_in", "wait", "confess"])
    path = tmp_path / "slot.json"
    write_save(path, story, runner.state, {"slot": "slot"})
    state = read_save(path, story)
    assert state.scene == runner.state.scene == "confession"
    assert state.values == runner.state.values
    assert state.history == runner.state.history
    assert state.ledger == runner.state.ledger
    assert read_meta(path) == {"slot": "slot"}


def test_write_save_makes_the_folders_it_needs(story: Story, tmp_path: Path) -> None:
    path = tmp_path / "deep" / "er" / "slot.json"
    write_save(path, story, played(story, []).state)
    assert path.is_file()


# Atomic writes: a failure at any point leaves the previous save as it was, and no temp file.


@pytest.mark.parametrize("failing", ["replace", "fsync"])
def test_a_failed_write_leaves_the_old_save_intact_and_no_temp_file(
    story: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, failing: str
) -> None:
    path = tmp_path / "tutorial" / "quicksave.json"
    write_save(path, story, played(story, ["go_in"]).state)
    before = path.read_bytes()

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, failing, refuse)
    with pytest.raises(OSError, match="No space left"):
        write_save(path, story, played(story, ["go_in", "wait", "confess"]).state)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in path.parent.iterdir()] == ["quicksave.json"]
    assert read_save(path, story).scene == "front_desk"


def test_a_failed_first_write_leaves_nothing_behind(
    story: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "tutorial" / "quicksave.json"

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(OSError):
        write_save(path, story, played(story, []).state)
    assert list(path.parent.iterdir()) == []


def test_an_interrupted_write_leaves_the_old_save_intact(
    story: Story, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "quicksave.json"
    write_save(path, story, played(story, []).state)
    before = path.read_bytes()

    def interrupted(*args: Any, **kwargs: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_save(path, story, played(story, ["go_in"]).state)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["quicksave.json"]


# Damaged files: always a SaveError, always a message that says what is wrong.


def saved(story: Story, tmp_path: Path) -> Path:
    path = tmp_path / "quicksave.json"
    write_save(path, story, played(story, ["go_in", "wait"]).state)
    return path


def test_a_truncated_save_is_reported_as_damaged(story: Story, tmp_path: Path) -> None:
    path = saved(story, tmp_path)
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(SaveError, match=r"quicksave\.json is damaged \(cut short or overwritten\)"):
        read_save(path, story)


def test_an_empty_save_is_reported_as_damaged(story: Story, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    path.write_bytes(b"")
    with pytest.raises(SaveError, match=r"empty\.json is damaged"):
        read_save(path, story)


def test_a_save_of_garbage_bytes_is_reported_as_damaged(story: Story, tmp_path: Path) -> None:
    path = tmp_path / "noise.json"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(SaveError, match=r"noise\.json is damaged"):
        read_save(path, story)


@pytest.mark.parametrize("document", ["[]", "42", '"save"', "{}", '{"kind": "other"}'])
def test_json_that_is_not_a_save_says_so(story: Story, tmp_path: Path, document: str) -> None:
    path = tmp_path / "other.json"
    path.write_text(document, encoding="utf-8")
    with pytest.raises(SaveError, match="not a Good Standing save"):
        read_save(path, story)


def test_a_save_edited_by_hand_fails_its_checksum(story: Story, tmp_path: Path) -> None:
    path = saved(story, tmp_path)
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r'"reader_standing":\d+', '"reader_standing":100', text, count=1)
    assert edited != text
    path.write_text(edited, encoding="utf-8")
    with pytest.raises(SaveError, match="do not match its checksum"):
        read_save(path, story)


def test_a_save_reformatted_by_an_editor_reads_as_edited(story: Story, tmp_path: Path) -> None:
    path = saved(story, tmp_path)
    data = json.loads(path.read_text(encoding="utf-8"))
    path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    with pytest.raises(
        SaveError,
        match=r"quicksave\.json was edited \(even re-indenting a save changes it\) and is damaged",
    ):
        read_save(path, story)


def test_an_oversized_file_is_refused_without_reading_it(story: Story, tmp_path: Path) -> None:
    path = tmp_path / "huge.json"
    with path.open("wb") as out:
        out.truncate(MAX_SAVE_BYTES + 1)  # sparse: costs no disk
    with pytest.raises(
        SaveError, match=r"huge\.json is too large to be a save \(16,777,217 bytes\)"
    ):
        read_save(path, story)
    with pytest.raises(SaveError, match="too large"):
        read_meta(path)


def test_a_missing_save_is_named(story: Story, tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="there is no save called nothing_here"):
        read_save(tmp_path / "nothing_here.json", story)


def test_a_folder_where_the_save_should_be_cannot_be_read(story: Story, tmp_path: Path) -> None:
    path = tmp_path / "folder.json"
    path.mkdir()
    with pytest.raises(SaveError, match=r"folder\.json cannot be read"):
        read_save(path, story)


def test_a_save_of_another_story_is_refused(story: Story, tmp_path: Path) -> None:
    path = saved(story, tmp_path)
    data = decode_body(path.read_bytes())
    data["story"]["id"] = "one-day"
    path.write_bytes(seal(data))
    with pytest.raises(SaveError, match="belongs to the story 'one-day', not to 'tutorial'"):
        read_save(path, story)


def test_read_meta_of_a_damaged_file_is_a_save_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_bytes(b'{"kind": "good-standing-save", "meta": {"sl')
    with pytest.raises(SaveError, match=r"cut\.json is damaged"):
        read_meta(path)


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=2000))
def test_any_bytes_on_disk_read_as_a_save_or_a_save_error(
    story: Story, tmp_path: Path, data: bytes
) -> None:
    path = tmp_path / "fuzz.json"
    path.write_bytes(data)
    try:
        read_save(path, story)
    except SaveError as error:
        assert str(error)


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=12,
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=JSON)
def test_a_save_with_any_field_replaced_and_a_valid_checksum_loads_or_says_why(
    story: Story, tmp_path: Path, value: Any
) -> None:
    # The checksum only catches accidents: anyone can recompute it. A deliberately edited save
    # must still fail with a SaveError, never a crash (the state's fields are tried in turn).
    runner = played(story, ["go_in", "wait", "confess"])
    document = state_to_json(story, runner.state)
    for name in sorted(document["state"]):
        edited = json.loads(json.dumps(document))
        edited["state"][name] = value
        path = tmp_path / "edited.json"
        path.write_bytes(seal(edited))
        try:
            read_save(path, story)
        except SaveError as error:
            assert str(error)


# Slots


@pytest.mark.parametrize("slot", ["quicksave", "a", "Chapter-2_end", "x" * 40])
def test_slot_names_of_letters_digits_dashes_and_underscores_are_accepted(slot: str) -> None:
    path = slot_path("tutorial", slot, Path("/saves"))
    assert path == Path("/saves") / "tutorial" / f"{slot}.json"


@pytest.mark.parametrize(
    "slot", ["", "../escape", "a/b", "a b", "x.json", ".hidden", "x" * 41, "café", "a\nb", "nul\0"]
)
def test_other_slot_names_are_refused_with_the_rule(slot: str) -> None:
    with pytest.raises(SaveError, match="cannot name a save slot: use up to 40 letters, digits"):
        slot_path("tutorial", slot)


def test_saves_go_under_the_data_folder_from_the_environment(
    private_save_folder: Path,
) -> None:
    assert saves_root() == private_save_folder / "saves"
    assert slot_path("tutorial", "quicksave") == (
        private_save_folder / "saves" / "tutorial" / "quicksave.json"
    )


def test_list_slots_lists_saves_in_order_and_skips_temp_and_hidden_files(
    story: Story, tmp_path: Path
) -> None:
    for slot in ("quicksave", "before_the_desk", "Zed"):
        write_save(slot_path("tutorial", slot, tmp_path), story, played(story, []).state)
    folder = tmp_path / "tutorial"
    (folder / ".quicksave.json.k3j2h1.tmp").write_bytes(b"{half a sa")
    (folder / ".hidden.json").write_bytes(b"{}")
    (folder / "notes.txt").write_text("not a save", encoding="utf-8")
    assert [p.name for p in list_slots("tutorial", tmp_path)] == [
        "Zed.json",
        "before_the_desk.json",
        "quicksave.json",
    ]


def test_list_slots_of_a_story_never_saved_is_empty(tmp_path: Path) -> None:
    assert list_slots("tutorial", tmp_path) == []


def test_read_document_gives_the_json_of_a_good_save(story: Story, tmp_path: Path) -> None:
    document = read_document(saved(story, tmp_path))
    assert document["kind"] == "good-standing-save"
    assert document["story"] == {"id": "tutorial", "version": "1.0"}
