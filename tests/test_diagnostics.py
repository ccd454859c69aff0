"""game/core/diagnostics.py: located diagnostics, their formats, and did-you-mean hints."""

from __future__ import annotations

import json
import re

import pytest

from game.core.diagnostics import (
    CODES,
    Diagnostic,
    Diagnostics,
    Severity,
    SourceLocation,
    did_you_mean,
)


def loc(file: str = "story/demo/story.yaml", line: int = 1, column: int = 1) -> SourceLocation:
    return SourceLocation(file, line, column)


# SourceLocation


def test_location_str_is_file_line_column() -> None:
    assert str(SourceLocation("story/a/story.yaml", 12, 5)) == "story/a/story.yaml:12:5"


def test_locations_compare_by_value() -> None:
    assert loc("a", 1, 2) == loc("a", 1, 2)
    assert loc("a", 1, 2) != loc("a", 1, 3)
    assert hash(loc("a", 1, 2)) == hash(loc("a", 1, 2))


def test_location_is_immutable() -> None:
    location = loc()
    with pytest.raises(AttributeError):
        location.line = 5  # type: ignore[misc]


# Diagnostic.format and as_json


def test_format_is_file_line_col_severity_code_message() -> None:
    diagnostic = Diagnostic(
        "GS021",
        Severity.ERROR,
        "goto names 'halway' (did you mean 'hallway'?)",
        loc(line=7, column=15),
    )
    assert diagnostic.format() == (
        "story/demo/story.yaml:7:15: error[GS021]: goto names 'halway' (did you mean 'hallway'?)"
    )


def test_format_of_a_warning() -> None:
    diagnostic = Diagnostic("GS023", Severity.WARNING, "unreachable", loc("x.yaml", 3, 1))
    assert diagnostic.format() == "x.yaml:3:1: warning[GS023]: unreachable"


def test_format_matches_the_editor_pattern() -> None:
    pattern = re.compile(
        r"^(?P<file>.+):(?P<line>\d+):(?P<col>\d+): (?P<sev>error|warning)"
        r"\[(?P<code>GS\d{3})\]: (?P<msg>.*)$"
    )
    text = Diagnostic(
        "GS036", Severity.ERROR, "never holds: a: b", loc("C:/s/x.yaml", 2, 9)
    ).format()
    match = pattern.match(text)
    assert match is not None
    assert match.group("line", "col", "sev", "code", "msg") == (
        "2",
        "9",
        "error",
        "GS036",
        "never holds: a: b",
    )


def test_as_json_has_exactly_the_documented_keys() -> None:
    data = Diagnostic("GS021", Severity.ERROR, "m", loc("f.yaml", 4, 2)).as_json()
    assert data == {
        "file": "f.yaml",
        "line": 4,
        "column": 2,
        "severity": "error",
        "code": "GS021",
        "message": "m",
    }


def test_as_json_severity_is_plain_text() -> None:
    data = Diagnostic("GS023", Severity.WARNING, "m", loc()).as_json()
    assert type(data["severity"]) is str
    assert json.loads(json.dumps(data))["severity"] == "warning"


def test_diagnostic_is_frozen() -> None:
    diagnostic = Diagnostic("GS021", Severity.ERROR, "m", loc())
    with pytest.raises(AttributeError):
        diagnostic.message = "other"  # type: ignore[misc]


# Severity and CODES


def test_severity_values() -> None:
    assert Severity.ERROR.value == "error"
    assert Severity.WARNING.value == "warning"
    assert Severity("warning") is Severity.WARNING


def test_codes_are_well_formed() -> None:
    for code, (severity, title) in CODES.items():
        assert re.fullmatch(r"GS\d{3}", code), code
        assert isinstance(severity, Severity)
        assert title


def test_expression_codes_exist_with_error_severity() -> None:
    for code in ("GS030", "GS031", "GS032", "GS033", "GS034", "GS035", "GS036", "GS037"):
        assert CODES[code][0] is Severity.ERROR


# Diagnostics collection


def test_add_takes_the_severity_from_the_code_table() -> None:
    diagnostics = Diagnostics()
    diagnostics.add("GS021", "bad goto", loc())
    diagnostics.add("GS023", "unreachable", loc())
    assert [(d.code, d.severity) for d in diagnostics.items] == [
        ("GS021", Severity.ERROR),
        ("GS023", Severity.WARNING),
    ]


def test_add_unknown_code_is_key_error() -> None:
    with pytest.raises(KeyError):
        Diagnostics().add("GS999", "nope", loc())


def test_empty_collection_has_no_errors() -> None:
    assert Diagnostics().has_errors is False


def test_warnings_only_have_no_errors() -> None:
    diagnostics = Diagnostics()
    diagnostics.add("GS023", "unreachable", loc())
    diagnostics.add("GS054", "unused", loc())
    assert diagnostics.has_errors is False


def test_one_error_among_warnings_has_errors() -> None:
    diagnostics = Diagnostics()
    diagnostics.add("GS023", "unreachable", loc())
    diagnostics.add("GS030", "syntax", loc())
    assert diagnostics.has_errors is True


def test_extend_appends_in_order() -> None:
    diagnostics = Diagnostics()
    diagnostics.add("GS023", "first", loc())
    diagnostics.extend(
        [
            Diagnostic("GS030", Severity.ERROR, "second", loc()),
            Diagnostic("GS054", Severity.WARNING, "third", loc()),
        ]
    )
    assert [d.message for d in diagnostics.items] == ["first", "second", "third"]
    assert diagnostics.has_errors is True


def test_sorted_orders_by_file_line_column_then_code() -> None:
    diagnostics = Diagnostics()
    diagnostics.add("GS030", "b 2:1", loc("b.yaml", 2, 1))
    diagnostics.add("GS031", "a 10:1", loc("a.yaml", 10, 1))
    diagnostics.add("GS030", "a 2:5", loc("a.yaml", 2, 5))
    diagnostics.add("GS031", "a 2:3 GS031", loc("a.yaml", 2, 3))
    diagnostics.add("GS021", "a 2:3 GS021", loc("a.yaml", 2, 3))
    diagnostics.add("GS023", "a 1:9", loc("a.yaml", 1, 9))
    assert [d.message for d in diagnostics.sorted()] == [
        "a 1:9",
        "a 2:3 GS021",
        "a 2:3 GS031",
        "a 2:5",
        "a 10:1",
        "b 2:1",
    ]


def test_sorted_compares_lines_as_numbers() -> None:
    diagnostics = Diagnostics()
    diagnostics.add("GS030", "line 10", loc(line=10))
    diagnostics.add("GS030", "line 9", loc(line=9))
    assert [d.message for d in diagnostics.sorted()] == ["line 9", "line 10"]


def test_sorted_keeps_insertion_order_for_identical_keys() -> None:
    diagnostics = Diagnostics()
    diagnostics.add("GS030", "first", loc())
    diagnostics.add("GS030", "second", loc())
    assert [d.message for d in diagnostics.sorted()] == ["first", "second"]


def test_sorted_does_not_change_the_collection() -> None:
    diagnostics = Diagnostics()
    diagnostics.add("GS030", "z", loc(line=5))
    diagnostics.add("GS030", "a", loc(line=1))
    diagnostics.sorted()
    assert [d.message for d in diagnostics.items] == ["z", "a"]


# did_you_mean


def test_did_you_mean_close_match() -> None:
    assert did_you_mean("halway", ["hallway", "cellar"]) == " (did you mean 'hallway'?)"


def test_did_you_mean_picks_the_closest() -> None:
    assert did_you_mean("standng", ["standing", "stand", "sending"]) == (
        " (did you mean 'standing'?)"
    )


def test_did_you_mean_nothing_close_is_empty() -> None:
    assert did_you_mean("xyz", ["hallway", "cellar"]) == ""


def test_did_you_mean_no_candidates_is_empty() -> None:
    assert did_you_mean("hall", []) == ""


def test_did_you_mean_accepts_any_iterable() -> None:
    assert did_you_mean("celar", {"cellar": 1}) == " (did you mean 'cellar'?)"
    assert did_you_mean("celar", (name for name in ["cellar"])) == " (did you mean 'cellar'?)"


def test_did_you_mean_suggests_across_a_case_difference() -> None:
    assert did_you_mean("Cellar", ["cellar"]) == " (did you mean 'cellar'?)"
