"""The guides stay true to the engine: every YAML block docs/story-format.md says it quotes is in
the story it names, every key the loader accepts is documented there, its links lead somewhere,
and the Python example in docs/runtime.md runs and prints what the page says it prints."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

import pytest

from game.content import keys

ROOT = Path(__file__).resolve().parents[1]
GUIDE_PATH = ROOT / "docs" / "story-format.md"
RUNTIME_PATH = ROOT / "docs" / "runtime.md"
GUIDE = GUIDE_PATH.read_text(encoding="utf-8")
RUNTIME = RUNTIME_PATH.read_text(encoding="utf-8")

# `<!-- quoted from path -->`, then a fenced block on the next line: (path, block body).
QUOTED = re.findall(
    r"^<!-- quoted from (\S+) -->\n```[a-z]*\n(.*?)^```", GUIDE, flags=re.DOTALL | re.MULTILINE
)


def test_the_guide_quotes_a_block_from_every_mechanic_story() -> None:
    quoted = {path for path, _ in QUOTED}
    stories = {
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "tests" / "stories" / "mechanics").glob("*/story.yaml")
    }
    assert stories, "no mechanic stories found"
    assert stories <= quoted, f"not quoted in the guide: {sorted(stories - quoted)}"
    # Every marker is followed by a block: a marker the pattern missed would go unchecked.
    assert GUIDE.count("<!-- quoted from ") == len(QUOTED)


@pytest.mark.parametrize(
    ("path", "block"),
    QUOTED,
    ids=[f"{index}:{path.split('/')[-2]}" for index, (path, _) in enumerate(QUOTED, 1)],
)
def test_a_quoted_block_is_verbatim_in_the_file_it_names(path: str, block: str) -> None:
    source = ROOT / path
    assert source.resolve().is_relative_to(ROOT), path
    assert source.is_file(), f"the guide quotes {path}, which does not exist"
    text = source.read_text(encoding="utf-8")
    quoted = block.removesuffix("\n")
    assert quoted.strip(), f"an empty block is marked as quoted from {path}"
    assert quoted in text, f"this block is not (or no longer) in {path}:\n{quoted}"


def _documented_names() -> dict[str, str]:
    """Every name keys.py lists (keys, operations, accepted values, built-in names), each with
    the table it comes from. Read from the module itself, so that a key added to the loader
    fails here until the guide documents it."""
    names: dict[str, str] = {}
    for table, value in vars(keys).items():
        if table.startswith("_") or not table.isupper():
            continue
        if isinstance(value, str):
            items: list[str] = [value]
        elif isinstance(value, dict | frozenset | tuple | set):  # a dict: its keys
            items = [item for item in value if isinstance(item, str)]
        else:
            continue  # numbers: FAIRMATH_MIN, FAIRMATH_MAX
        for item in items:
            names.setdefault(item, table)
    return names


NAMES = _documented_names()


def test_keys_py_is_read_as_expected() -> None:
    # Guards the introspection above: if these vanish, the test below would check too little.
    for name in ("id", "meters", "tiers", "on_leave", "%+", "befriend", "advance", "reason"):
        assert name in NAMES, name
    for name in ("storylets", "salience", "day_names", "circle_size", "blocked", "while"):
        assert name in NAMES, name


def _is_documented(name: str) -> bool:
    escaped = re.escape(name)
    patterns = (
        # In backticks, alone or as a key with its value: `sticky`, `every: turn`, `"%+"`.
        r'`"?' + escaped + r'"?[`:]',
        # As a YAML key in an example: `  goto: return`, `{id: x, min: 0}`, `- "%+": {...}`.
        r'(?:^|[\s{,])"?' + escaped + r'"?:(?:\s|$)',
    )
    return any(re.search(pattern, GUIDE, flags=re.MULTILINE) for pattern in patterns)


# A name that is legitimately not in the guide must be listed here with the reason; none is.
UNDOCUMENTED: dict[str, str] = {}


@pytest.mark.parametrize("name", sorted(NAMES))
def test_every_key_the_loader_accepts_is_in_the_guide(name: str) -> None:
    if name in UNDOCUMENTED:
        pytest.skip(UNDOCUMENTED[name])
    assert _is_documented(name), (
        f"'{name}' (keys.{NAMES[name]}) is not in docs/story-format.md, as `{name}` or {name}:"
    )


def _slug(heading: str) -> str:
    """The anchor GitHub gives a heading."""
    text = heading.strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


@pytest.mark.parametrize(("name", "text"), [("story-format.md", GUIDE), ("runtime.md", RUNTIME)])
def test_links_within_a_guide_lead_to_its_headings(name: str, text: str) -> None:
    headings = re.findall(r"^#{1,6} (.+)$", re.sub(r"```.*?```", "", text, flags=re.DOTALL), re.M)
    anchors = {_slug(heading) for heading in headings}
    links = set(re.findall(r"\]\(#([^)]+)\)", text))
    assert links, f"{name} links nowhere within itself"
    assert not links - anchors, f"{name} links to missing headings: {sorted(links - anchors)}"


@pytest.mark.parametrize(("name", "text"), [("story-format.md", GUIDE), ("runtime.md", RUNTIME)])
def test_relative_links_lead_to_files(name: str, text: str) -> None:
    for target in re.findall(r"\]\(((?!#|https?:)[^)#]+)(?:#[^)]*)?\)", text):
        assert (ROOT / "docs" / target).exists(), f"{name} links to {target}, which is missing"


def _example() -> tuple[str, str]:
    """The runtime guide's Python example and the output it says the example prints."""
    match = re.search(
        r"^```python\n(.*?)^```\n\nIt prints:\n\n```text\n(.*?)^```",
        RUNTIME,
        flags=re.DOTALL | re.MULTILINE,
    )
    assert match is not None, "docs/runtime.md has no ```python example followed by its output"
    return match.group(1), match.group(2)


def test_the_runtime_example_runs_and_prints_what_the_guide_says(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, expected = _example()
    monkeypatch.chdir(ROOT)  # the example names its story relative to the repository
    output = io.StringIO()
    namespace: dict[str, object] = {"__name__": "runtime_example"}
    with contextlib.redirect_stdout(output):
        # Our own documentation, not a story file: running it is the point of the test.
        exec(compile(code, str(RUNTIME_PATH), "exec"), namespace)
    assert output.getvalue() == expected
