"""What every CSV reader shares: encodings, limits, the header, formula cells, bad cells."""

import io

import pytest

from tests.imports.reading import LIMIT, problems_of, read_text, rows_of
from timeledger.imports.reader import read_import
from timeledger.imports.rows import FILE_ROW, ImportFileRefused, RowProblem

HEADER = "User,Email,Project,Description,Start date,Start time,Duration\n"
ROW = "Jörg Müller,j@x.test,Straße,Übergabe,2026-03-02,09:00:00,01:00:00\n"


def refusal(data: bytes, *, max_rows: int = 10) -> RowProblem:
    with pytest.raises(ImportFileRefused) as refused:
        list(read_import("toggl-csv", data, max_bytes=LIMIT, max_rows=max_rows))
    return refused.value.problem


def test_utf8_with_and_without_its_byte_order_mark_and_utf16_with_one_are_read() -> None:
    text = HEADER + ROW
    for data in (text.encode(), b"\xef\xbb\xbf" + text.encode(), text.encode("utf-16")):
        (row,) = rows_of(list(read_import("toggl-csv", data, max_bytes=LIMIT)))
        assert (row.person_name, row.project, row.note) == ("Jörg Müller", "Straße", "Übergabe")


def test_another_encoding_is_refused_saying_so() -> None:
    problem = refusal((HEADER + ROW).encode("cp1252"))

    assert problem.row == FILE_ROW
    assert problem.field == "file"
    assert problem.problem.startswith("The file is not UTF-8 (it holds the bytes b'\\xf6'")


def test_an_encoding_error_far_into_a_file_refuses_it_when_reached() -> None:
    data = (HEADER + ROW * 5000).encode() + "Müller".encode("cp1252") + b"\n"

    rows = read_import("toggl-csv", io.BytesIO(data), max_bytes=LIMIT)

    with pytest.raises(ImportFileRefused, match="not UTF-8"):
        list(rows)


def test_utf16_without_a_byte_order_mark_is_refused() -> None:
    problem = refusal((HEADER + ROW).encode("utf-16-le"))

    assert "NUL characters" in problem.problem


def test_missing_required_columns_are_one_problem_naming_them() -> None:
    problem = refusal(b"User,Email,Project\nAnn,a@x.test,P\n")

    assert problem == RowProblem(
        FILE_ROW,
        "Start date, Duration",
        "The file lacks the columns Start date, Duration of Toggl Track's export: is it one?",
    )


def test_an_empty_file_and_a_file_of_only_a_header_are_refused() -> None:
    assert refusal(b"").problem == "The file is empty."
    assert refusal(b"\xef\xbb\xbf\r\n").problem == "The file is empty."
    assert refusal(HEADER.encode()).problem == "The file has a header but no rows."


def test_more_rows_than_the_limit_refuse_the_file_when_the_limit_is_passed() -> None:
    data = (HEADER + ROW * 3).encode()

    assert len(rows_of(list(read_import("toggl-csv", data, max_bytes=LIMIT, max_rows=3)))) == 3
    assert refusal(data, max_rows=2).problem == "The file has more than 2 rows."


def test_more_bytes_than_the_limit_refuse_the_file_given_whole_or_as_a_stream() -> None:
    data = (HEADER + ROW * 100).encode()

    with pytest.raises(ImportFileRefused, match=f"larger than {len(data) - 1} bytes"):
        read_import("toggl-csv", data, max_bytes=len(data) - 1)
    with pytest.raises(ImportFileRefused, match="larger than"):
        list(read_import("toggl-csv", io.BytesIO(data), max_bytes=len(data) - 1))
    assert (
        len(rows_of(list(read_import("toggl-csv", io.BytesIO(data), max_bytes=len(data))))) == 100
    )


@pytest.mark.parametrize("start", ["=", "+", "-", "@", " ="])
def test_a_cell_that_begins_as_a_formula_refuses_its_row_naming_the_column(start: str) -> None:
    results = read_text(
        "toggl-csv",
        HEADER + ROW + f"Ann,a@x.test,P,\"{start}cmd|' /C calc'!A0\",2026-03-02,10:00:00,0:30:00\n",
    )

    assert len(rows_of(results)) == 1
    (problem,) = problems_of(results)
    assert (problem.row, problem.field) == (3, "Description")
    assert problem.problem.startswith(f"begins with {start.strip()!r}: a spreadsheet")


def test_a_formula_in_a_column_no_reader_reads_is_not_looked_at() -> None:
    results = read_text("toggl-csv", "Notes," + HEADER + "=1+1," + ROW)

    assert problems_of(results) == []


def test_bad_dates_durations_and_flags_are_problems_of_their_row_and_column() -> None:
    results = read_text(
        "toggl-csv",
        "User,Start date,Duration,Billable\n"
        "Ann,2026-02-30,1:00:00,Yes\n"
        "Ann,2026-03-02,an hour,maybe\n"
        "Ann,,,\n"
        "Ann,2026-03-02,1:00:00,No\n",
    )

    assert problems_of(results) == [
        RowProblem(
            2, "Start date", "'2026-02-30' is not a date (read as YYYY-MM-DD, D.M.YYYY or M/D/YYYY)"
        ),
        RowProblem(
            3,
            "Duration",
            "'an hour' is not a duration (H:MM:SS, H:MM, decimal hours such as 1.5, or 1h 30m)",
        ),
        RowProblem(3, "Billable", "'maybe' is neither yes nor no"),
        RowProblem(4, "Start date", "is empty"),
        RowProblem(4, "Duration", "is empty"),
    ]
    assert [row.row for row in rows_of(results)] == [5]


def test_a_row_with_more_cells_than_the_header_is_refused_and_blank_lines_are_skipped() -> None:
    results = read_text(
        "toggl-csv", "User,Start date,Duration\n\nAnn,2026-03-02,1:00,x\n,,\nAnn,2026-03-02,0:30\n"
    )

    assert problems_of(results) == [
        RowProblem(
            3, "row", "has 4 cells, the header 3: a cell's delimiter or quote is out of place"
        )
    ]
    assert [(row.row, row.minutes) for row in rows_of(results)] == [(5, 30)]


def test_a_cell_over_lines_is_one_cell_and_rows_count_from_their_first_line() -> None:
    results = read_text(
        "toggl-csv",
        "User,Description,Start date,Duration\n"
        'Ann,"two\nlines",2026-03-02,1:00\n'
        "Ann,x,2026-03-02,1:00\n",
    )

    assert [(row.row, row.note) for row in rows_of(results)] == [(2, "two\nlines"), (4, "x")]


def test_headers_match_whatever_their_case_and_spacing() -> None:
    results = read_text("toggl-csv", " user ,START   DATE,duration\nAnn,2026-03-02,0:15:00\n")

    assert [row.minutes for row in rows_of(results)] == [15]


def test_an_unknown_source_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ImportFileRefused) as refused:
        read_import("excel", b"", max_bytes=LIMIT)

    assert refused.value.problem.field == "source"
    assert "mite-csv, mite-json, toggl-csv, clockify-csv, kimai-csv, harvest-csv" in str(
        refused.value
    )


def test_a_malformed_csv_is_refused_as_a_file() -> None:
    problem = refusal(HEADER.encode() + b'Ann,"x' + b"y" * 1_000_001 + b'",2026-03-02,,,1:00\n')

    assert problem.problem.startswith("The file cannot be read as CSV (line 2: ")
