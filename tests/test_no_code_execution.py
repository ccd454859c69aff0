"""Loading a story never runs code: no eval, exec, compile, pickle or unsafe YAML in game/."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "game").rglob("*.py"))

FORBIDDEN_CALLS = {"eval", "exec", "compile", "__import__", "breakpoint"}
FORBIDDEN_MODULES = {"pickle", "marshal", "shelve", "dill", "cloudpickle"}
FORBIDDEN_YAML = {
    "load",
    "load_all",
    "unsafe_load",
    "full_load",
    "FullLoader",
    "UnsafeLoader",
    "Loader",
}


def problems_in(source: str) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id in FORBIDDEN_CALLS:
                found.append(f"line {node.lineno}: {node.func.id}()")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in FORBIDDEN_MODULES:
                    found.append(f"line {node.lineno}: import {alias.name}")
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] in FORBIDDEN_MODULES:
                found.append(f"line {node.lineno}: from {node.module} import")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "yaml"
            and node.attr in FORBIDDEN_YAML
        ):
            found.append(f"line {node.lineno}: yaml.{node.attr}")
    return found


def test_there_are_sources_to_scan() -> None:
    assert len(SOURCES) > 10


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_module_never_runs_code_from_data(path: Path) -> None:
    assert problems_in(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "eval('1')",
        "exec('x = 1')",
        "compile('1', 'f', 'eval')",
        "import pickle",
        "from pickle import loads",
        "import yaml\nyaml.load(s)",
        "import yaml\nyaml.unsafe_load(s)",
        "import yaml\nyaml.FullLoader",
    ],
)
def test_scanner_finds_each_forbidden_form(snippet: str) -> None:
    assert problems_in(snippet) != []


def test_scanner_allows_regular_expression_compile() -> None:
    assert problems_in("import re\nre.compile('x')") == []


def test_python_tags_in_a_story_are_refused_and_not_run(tmp_path: Path) -> None:
    from game.content.loader import load_story

    marker = tmp_path / "ran"
    folder = tmp_path / "story"
    folder.mkdir()
    (folder / "story.yaml").write_text(
        "id: x\n"
        f'title: !!python/object/apply:os.system ["touch {marker}"]\n'
        'version: "1"\n'
        "start: a\n",
        encoding="utf-8",
    )
    result = load_story(folder)
    assert not marker.exists()
    assert "GS003" in [d.code for d in result.diagnostics]
