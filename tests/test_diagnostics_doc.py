"""docs/diagnostics.md documents every code in CODES exactly once, in order, under its title."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from game.core.diagnostics import CODES

DOC = Path(__file__).resolve().parents[1] / "docs" / "diagnostics.md"
TEXT = DOC.read_text(encoding="utf-8")
LINES = TEXT.splitlines()

# `## GS021 — goto to an unknown scene`; any `## GS...` line counts, so a malformed one is caught.
CODE_HEADING = re.compile(r"## (GS\d{3})\b(.*)\Z")
TITLED = re.compile(r"## (GS\d{3}) — (\S.*\S|\S)\s*\Z")


def code_headings() -> list[tuple[str, str]]:
    """(code, whole heading line) for every `## GS...` heading outside code blocks."""
    found = []
    fenced = False
    for line in LINES:
        if line.startswith("```"):
            fenced = not fenced
            continue
        if not fenced:
            match = CODE_HEADING.match(line)
            if match:
                found.append((match.group(1), line))
    return found


def sections() -> dict[str, str]:
    """The text under each code heading, up to the next `## ` heading."""
    result: dict[str, str] = {}
    parts = re.split(r"^(## .*)$", TEXT, flags=re.MULTILINE)
    for heading, body in zip(parts[1::2], parts[2::2], strict=True):
        match = CODE_HEADING.match(heading)
        if match:
            result[match.group(1)] = body
    return result


def test_headings_are_exactly_the_codes_in_order() -> None:
    codes = [code for code, _ in code_headings()]
    duplicates = sorted({code for code in codes if codes.count(code) > 1})
    assert not duplicates, f"documented more than once: {duplicates}"
    assert set(CODES) - set(codes) == set(), "codes missing from docs/diagnostics.md"
    assert set(codes) - set(CODES) == set(), "docs/diagnostics.md documents unregistered codes"
    assert codes == list(CODES), "codes are documented out of order"


@pytest.mark.parametrize("code", list(CODES))
def test_heading_carries_the_codes_title(code: str) -> None:
    headings = [line for found, line in code_headings() if found == code]
    assert len(headings) == 1, f"{code}: {len(headings)} headings"
    match = TITLED.match(headings[0])
    assert match, f"{headings[0]!r} is not '## {code} — title'"
    assert match.group(2) == CODES[code][1], f"{code}: heading title differs from CODES"


@pytest.mark.parametrize("code", list(CODES))
def test_section_has_severity_example_and_message(code: str) -> None:
    body = sections().get(code, "")
    severity = CODES[code][0].value
    assert f"**Severity:** {severity}" in body, f"{code}: severity line missing or wrong"
    assert "**Bad" in body and "**Fixed" in body, f"{code}: bad and fixed examples"
    assert "**Message:**" in body, f"{code}: the message the engine prints"
    # The printed message has the documented shape, with this code and severity.
    assert re.search(rf"^\S+:\d+:\d+: {severity}\[{code}\]: \S", body, flags=re.MULTILINE), code


def test_intro_explains_format_and_options() -> None:
    intro = TEXT.split("\n## GS", 1)[0]
    assert "file:line:col: severity[code]: message" in intro
    assert "--strict" in intro
    assert "--json" in intro
    for key in ("file", "line", "column", "severity", "code", "message"):
        assert f'"{key}"' in intro, f"the JSON example lacks {key}"
