"""Malformed stories: every diagnostic code at its exact place, and hostile YAML that must not bite.

Each folder under tests/stories/malformed/ is one case. Its story.yaml opens with comment lines

    # expect: error GS021 story.yaml:12:7

one per diagnostic the load must produce (file relative to the case folder, line and column from
1), followed by a `# case:` line saying what the case is about. The load must produce exactly that
multiset of diagnostics, no more and no fewer, and must never raise.

A few cases cannot sit in the repository (a 9 MiB file, a folder without story.yaml, a UTF-16
file); they are written into tmp_path at run time below.
"""

from __future__ import annotations

import io
import json
import re
from collections import Counter
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import pytest
import yaml

from game import cli
from game.content import yaml_source
from game.content.loader import LoadResult, load_story
from game.core.diagnostics import CODES, Severity

MALFORMED = Path(__file__).resolve().parent / "stories" / "malformed"
CASES = sorted(path for path in MALFORMED.iterdir() if (path / "story.yaml").is_file())
CASE_IDS = [path.name for path in CASES]

EXPECT_LINE = re.compile(r"# expect: (error|warning) (GS\d{3}) (\S+):(\d+):(\d+)\s*\Z")

# Codes produced by the run-time cases of this module rather than by a committed folder.
RUNTIME_CODES = {"GS002", "GS005", "GS008"}

# A valid story to build the run-time cases around.
VALID_STORY = """\
id: runtime
title: Runtime
version: "1.0"
start: a
scenes:
  a:
    text: Hello.
    ending: The End
"""

# The limit docs/story-format.md promises ("files are at most 8 MiB").
MAX_FILE_BYTES = 8 * 1024 * 1024

Key = tuple[str, str, str, int, int]  # severity, code, file relative to the story, line, column


def expected(folder: Path) -> list[Key]:
    """The `# expect:` lines of the case's story.yaml (the leading comment block only)."""
    # utf-8-sig: the byte-order-mark case starts with one.
    text = (folder / "story.yaml").read_bytes().decode("utf-8-sig")
    keys: list[Key] = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if not line.startswith("# expect:"):
            continue
        match = EXPECT_LINE.match(line)
        assert match, f"{folder.name}: malformed expect line {line!r}"
        severity, code, file, row, column = match.groups()
        keys.append((severity, code, file, int(row), int(column)))
    return keys


def relative(file: str, folder: Path) -> str:
    try:
        return Path(file).relative_to(folder).as_posix()
    except ValueError:
        return file


def actual(result: LoadResult, folder: Path) -> list[Key]:
    return [
        (
            d.severity.value,
            d.code,
            relative(d.location.file, folder),
            d.location.line,
            d.location.column,
        )
        for d in result.diagnostics
    ]


def load(folder: Path) -> LoadResult:
    try:
        return load_story(folder)
    except Exception as error:  # the point of the suite: nothing escapes as a traceback
        pytest.fail(f"load_story raised {type(error).__name__}: {error}")


def describe(keys: list[Key]) -> str:
    return "\n".join(f"  {s} {c} {f}:{line}:{col}" for s, c, f, line, col in sorted(keys))


def assert_exactly(folder: Path, result: LoadResult, wanted: list[Key]) -> None:
    got = actual(result, folder)
    missing = Counter(wanted) - Counter(got)
    extra = Counter(got) - Counter(wanted)
    messages = "\n".join(f"  {d.format()}" for d in result.diagnostics)
    assert not missing and not extra, (
        f"{folder.name}:\nmissing:\n{describe(list(missing.elements()))}\n"
        f"unexpected:\n{describe(list(extra.elements()))}\nthe engine said:\n{messages}"
    )


# --------------------------------------------------------------------------- committed cases


def test_there_are_enough_cases() -> None:
    assert len(CASES) >= 45


@pytest.mark.parametrize("folder", CASES, ids=CASE_IDS)
def test_malformed_story(folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    wanted = expected(folder)
    assert wanted, f"{folder.name}: no '# expect:' lines"
    for severity, code, *_ in wanted:
        assert code in CODES, f"{folder.name}: {code} is not a registered code"
        assert CODES[code][0].value == severity, (
            f"{folder.name}: {code} is a {CODES[code][0].value}"
        )
    # Run from an empty folder: a YAML tag that ran a command would leave a file behind here.
    monkeypatch.chdir(tmp_path)
    result = load(folder)
    assert_exactly(folder, result, wanted)
    any_error = any(severity == "error" for severity, *_ in wanted)
    if any_error:
        assert result.story is None, "a story with errors must not load"
    else:
        assert result.story is not None, "warnings alone must not stop a story loading"
    for diagnostic in result.diagnostics:
        assert diagnostic.severity is CODES[diagnostic.code][0]
        assert diagnostic.message.strip(), "every diagnostic needs a message"
    assert list(tmp_path.iterdir()) == [], "loading a story created files"


def test_python_tag_did_not_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`!!python/object/apply:os.system ["touch gs_malformed_PWNED"]` must stay text on disk."""
    folder = MALFORMED / "hostile_python_object_apply_tag"
    assert "os.system" in (folder / "story.yaml").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = load(folder)
    assert result.story is None
    assert [d.code for d in result.diagnostics] == ["GS003"]
    assert not (tmp_path / "gs_malformed_PWNED").exists()
    assert not (folder / "gs_malformed_PWNED").exists()


def test_messages_read_as_sentences() -> None:
    """Regression for a clipped PyYAML message: 'YAML syntax: but found another document'."""
    result = load(MALFORMED / "yaml_two_documents")
    (diagnostic,) = result.diagnostics
    detail = diagnostic.message.removeprefix("YAML syntax:").strip()
    assert not detail.startswith("but "), diagnostic.message
    assert "single document" in diagnostic.message or "one document" in diagnostic.message


# --------------------------------------------------------------------------- run-time cases


def write_story(folder: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="\n")
    return folder


def test_file_too_large(tmp_path: Path) -> None:
    padding = "# " + "x" * 97 + "\n"  # 100 bytes a line
    huge = padding * (9 * 1024 * 1024 // len(padding))
    folder = write_story(tmp_path, {"story.yaml": VALID_STORY, "chapters/huge.yaml": huge})
    assert (folder / "chapters/huge.yaml").stat().st_size > MAX_FILE_BYTES
    result = load(folder)
    assert_exactly(folder, result, [("error", "GS002", "chapters/huge.yaml", 1, 1)])
    assert result.story is None


def test_file_at_the_size_limit_is_accepted(tmp_path: Path) -> None:
    padding = "# " + "x" * 97 + "\n"
    exact = (padding * (MAX_FILE_BYTES // len(padding) + 1))[: MAX_FILE_BYTES - 1] + "\n"
    folder = write_story(tmp_path, {"story.yaml": VALID_STORY, "chapters/big.yaml": exact})
    assert (folder / "chapters/big.yaml").stat().st_size == MAX_FILE_BYTES
    result = load(folder)
    assert_exactly(folder, result, [])
    assert result.story is not None


def test_story_yaml_not_utf8(tmp_path: Path) -> None:
    data = VALID_STORY.replace("title: Runtime", "title: Caf\xe9").encode("latin-1")
    folder = write_story(tmp_path, {"story.yaml": data})
    result = load(folder)
    # line 2 is `title: Caf\xe9`: the byte stands at column 11.
    assert_exactly(folder, result, [("error", "GS005", "story.yaml", 2, 11)])
    assert result.story is None


def test_story_yaml_in_utf16(tmp_path: Path) -> None:
    folder = write_story(tmp_path, {"story.yaml": VALID_STORY.encode("utf-16")})
    result = load(folder)
    assert_exactly(folder, result, [("error", "GS005", "story.yaml", 1, 1)])
    assert result.story is None


@pytest.mark.parametrize("kind", ["empty_folder", "missing_path", "a_file"])
def test_not_a_story_folder(tmp_path: Path, kind: str) -> None:
    if kind == "empty_folder":
        path = tmp_path / "empty"
        path.mkdir()
    elif kind == "missing_path":
        path = tmp_path / "nowhere"
    else:
        path = write_story(tmp_path, {"notes.yaml": VALID_STORY}) / "notes.yaml"
    result = load(path)
    assert [
        (d.severity, d.code, d.location.line, d.location.column) for d in result.diagnostics
    ] == [(Severity.ERROR, "GS008", 1, 1)]
    assert Path(result.diagnostics[0].location.file) == path
    assert result.story is None


def test_deep_nesting_without_libyaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure-Python PyYAML (used when libyaml is missing) composes recursively: 1,100 nested
    lists must still come back as a diagnostic, not a RecursionError."""

    class PurePythonLoader(yaml.SafeLoader):
        resolve = yaml_source._StoryLoader.resolve

    monkeypatch.setattr(yaml_source, "_StoryLoader", PurePythonLoader)
    nested = "[" * 1100 + "]" * 1100
    folder = write_story(tmp_path, {"story.yaml": VALID_STORY + f"    tags: {nested}\n"})
    result = load(folder)
    assert [(d.code, relative(d.location.file, folder)) for d in result.diagnostics] == [
        ("GS001", "story.yaml")
    ]
    assert result.story is None


# --------------------------------------------------------------------------- coverage


def test_suite_covers_every_code() -> None:
    covered = {code for folder in CASES for _, code, *_ in expected(folder)} | RUNTIME_CODES
    assert set(CODES) - covered == set(), "codes without a malformed case"
    assert covered - set(CODES) == set(), "cases expect codes the engine does not register"


# --------------------------------------------------------------------------- the command line


def run_cli(args: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = cli.main(args)
    return code, out.getvalue()


def test_cli_json_for_every_case() -> None:
    """`check --no-cache --json` on each case: the documented keys, the same diagnostics, exit 1
    when there are errors and 0 for warnings alone. Failures are gathered, not stopped at."""
    failures: list[str] = []
    for folder in CASES:
        wanted = expected(folder)
        try:
            code, out = run_cli(["check", "--no-cache", "--json", str(folder)])
            items = json.loads(out)
        except Exception as error:
            failures.append(f"{folder.name}: {type(error).__name__}: {error}")
            continue
        if not isinstance(items, list):
            failures.append(f"{folder.name}: JSON is not a list")
            continue
        got: list[Key] = []
        for item in items:
            keys = set(item) if isinstance(item, dict) else set()
            if keys != {"file", "line", "column", "severity", "code", "message"}:
                failures.append(f"{folder.name}: JSON item keys {sorted(keys)}")
                continue
            if not (
                isinstance(item["line"], int)
                and isinstance(item["column"], int)
                and item["severity"] in ("error", "warning")
                and isinstance(item["message"], str)
                and item["message"]
            ):
                failures.append(f"{folder.name}: bad JSON item {item}")
            got.append(
                (
                    item["severity"],
                    item["code"],
                    relative(item["file"], folder),
                    item["line"],
                    item["column"],
                )
            )
        if Counter(got) != Counter(wanted):
            failures.append(f"{folder.name}: JSON diagnostics {sorted(got)} != {sorted(wanted)}")
        want_exit = 1 if any(severity == "error" for severity, *_ in wanted) else 0
        if code != want_exit:
            failures.append(f"{folder.name}: exit {code}, wanted {want_exit}")
    assert not failures, "\n".join(failures)


WARNING_ONLY = [
    folder for folder in CASES if all(severity == "warning" for severity, *_ in expected(folder))
]


def test_cli_strict_fails_warning_only_cases() -> None:
    assert WARNING_ONLY, "the suite should have warning-only cases"
    for folder in WARNING_ONLY:
        code, out = run_cli(["check", "--no-cache", "--strict", "--json", str(folder)])
        assert code == 1, folder.name
        assert {item["severity"] for item in json.loads(out)} == {"error"}, folder.name
        code, _ = run_cli(["check", "--no-cache", str(folder)])
        assert code == 0, folder.name


def test_cli_text_format() -> None:
    """`file:line:col: severity[code]: message`, one a line, then a summary line."""
    folder = MALFORMED / "goto_unknown_scene"
    code, out = run_cli(["check", "--no-cache", str(folder)])
    assert code == 1
    lines = out.splitlines()
    pattern = re.compile(r"(.+):(\d+):(\d+): (error|warning)\[(GS\d{3})\]: (.+)\Z")
    diagnostics = [pattern.match(line) for line in lines[:-1]]
    assert all(diagnostics), lines
    got = Counter(
        (m[4], m[5], relative(m[1], folder), int(m[2]), int(m[3])) for m in diagnostics if m
    )
    assert got == Counter(expected(folder))
    assert lines[-1].startswith(str(folder)), lines[-1]
