"""The dependency rule: core imports neither pygame nor yaml; content imports yaml but not pygame."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def modules_of(package: str) -> list[str]:
    folder = ROOT / package.replace(".", "/")
    return sorted(
        f"{package}.{path.stem}" for path in folder.glob("*.py") if path.stem != "__init__"
    )


def import_with_blocked(modules: list[str], blocked: list[str]) -> subprocess.CompletedProcess[str]:
    """Import `modules` in a fresh interpreter where importing any of `blocked` fails."""
    code = "\n".join(
        [
            "import sys",
            *(f"sys.modules[{name!r}] = None" for name in blocked),
            *(f"import {module}" for module in modules),
            "print('imported', len(sys.modules))",
        ]
    )
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60
    )


def test_core_has_modules_to_check() -> None:
    assert "game.core.story" in modules_of("game.core")
    assert "game.content.loader" in modules_of("game.content")


def test_core_imports_without_pygame_or_yaml() -> None:
    done = import_with_blocked(modules_of("game.core"), ["pygame", "yaml"])
    assert done.returncode == 0, done.stderr


def test_content_imports_without_pygame() -> None:
    done = import_with_blocked(modules_of("game.content"), ["pygame"])
    assert done.returncode == 0, done.stderr


def test_the_blocking_itself_works() -> None:
    # A guard for the tests above: were blocking broken, they would pass for nothing.
    done = import_with_blocked(["yaml"], ["yaml"])
    assert done.returncode != 0
    assert "ImportError" in done.stderr or "ModuleNotFoundError" in done.stderr


def test_check_command_runs_without_pygame() -> None:
    done = import_with_blocked(["game.cli"], ["pygame"])
    assert done.returncode == 0, done.stderr
