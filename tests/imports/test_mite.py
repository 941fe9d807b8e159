"""mite's time entries: its JSON API export and CSV with its attribute names."""

import json
from datetime import date
from decimal import Decimal

import pytest

from tests.imports.reading import LIMIT, problems_of, read_sample, rows_of
from timeledger.imports.reader import read_import
from timeledger.imports.rows import FILE_ROW, ImportedRow, ImportFileRefused, RowProblem

ENTRY = {"id": 7, "minutes": 30, "date_at": "2026-03-02", "note": "n", "user_name": "Ann"}


def read_entries(entries: object) -> list[ImportedRow | RowProblem]:
    return list(read_import("mite-json", json.dumps(entries).encode(), max_bytes=LIMIT))


@pytest.mark.parametrize(
    ("source", "name", "first_row"),
    [("mite-json", "mite_time_entries.json", 1), ("mite-csv", "mite_time_entries.csv", 2)],
)
def test_the_samples_are_read_field_by_field(source: str, name: str, first_row: int) -> None:
    rows = rows_of(read_sample(source, name))

    assert [
        (r.row, r.source_row_id, r.person_name, r.day, r.minutes, r.activity) for r in rows
    ] == [
        (first_row, "36159117", "Noah Scott", date(2015, 10, 16), 15, "Writing"),
        (first_row + 1, "36159118", "Annie Butler", date(2015, 10, 16), 95, "Development"),
    ]
    writing, development = rows
    assert (writing.customer, writing.project, writing.task) == ("King Inc.", "API Docs", None)
    assert (writing.billable, writing.hourly_rate, writing.amount) == (True, Decimal(0), None)
    # mite gives money in cents: 8500 an hour; 95 min of it is 13458.333333333 cents.
    assert development.hourly_rate == Decimal("85")
    assert development.amount == Decimal("134.58333333333")
    assert development.note == "Pairing on the OAuth flow"


def test_an_entry_whose_timer_runs_is_refused() -> None:
    results = read_sample("mite-json", "mite_time_entries.json")

    assert problems_of(results) == [
        RowProblem(3, "tracking", "a timer runs on this entry: stop it in mite and export again")
    ]


def test_an_item_that_is_not_a_wrapped_time_entry_is_refused_alone() -> None:
    results = read_entries([{"project": {"id": 1}}, {"time_entry": ENTRY}])

    assert results[0] == RowProblem(1, "time_entry", 'is not an object {"time_entry": {...}}')
    assert len(rows_of(results[1:])) == 1


def test_an_entry_without_minutes_or_with_fractional_minutes_is_refused() -> None:
    without = {key: value for key, value in ENTRY.items() if key != "minutes"}

    results = read_entries([{"time_entry": without}, {"time_entry": {**ENTRY, "minutes": 1.5}}])

    assert results == [
        RowProblem(1, "minutes", "is empty"),
        RowProblem(2, "minutes", "'1.5' is not a whole number of minutes (of up to 8 digits)"),
    ]


def test_a_formula_in_a_note_refuses_the_entry() -> None:
    results = read_entries([{"time_entry": {**ENTRY, "note": "=HYPERLINK(1)"}}])

    assert [(p.row, p.field) for p in problems_of(results)] == [(1, "note")]


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "The file is empty."),
        (b"[]", "The file holds no time entries."),
        (b'{"time_entry": {}}', 'The file is not mite\'s JSON: an array of {"time_entry": {...}}.'),
        (b"[{", "The file is not JSON"),
        (b'["\xfc"]', "The file is not UTF-8"),
    ],
)
def test_files_that_are_not_mite_json_are_refused(data: bytes, problem: str) -> None:
    with pytest.raises(ImportFileRefused) as refused:
        read_import("mite-json", data, max_bytes=LIMIT)

    assert refused.value.problem.row == FILE_ROW
    assert refused.value.problem.problem.startswith(problem)


def test_the_byte_and_row_limits() -> None:
    data = json.dumps([{"time_entry": ENTRY}] * 3).encode()

    with pytest.raises(ImportFileRefused, match="more than 2 rows"):
        read_import("mite-json", data, max_bytes=LIMIT, max_rows=2)
    with pytest.raises(ImportFileRefused, match="larger than 10 bytes"):
        read_import("mite-json", data, max_bytes=10)
