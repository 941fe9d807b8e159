"""The reports' formats without a database: choosing one, neutralising formula cells,
and CSV and XLSX files read back with real readers."""

import csv
import io
from datetime import date

import openpyxl  # type: ignore[import-untyped]
import pytest

from timeledger.kit.errors import Unprocessable
from timeledger.reports import formats
from timeledger.reports.formats import (
    NotAcceptable,
    ReportFormat,
    SheetTitle,
    chosen_format,
    csv_chunks,
    neutralised,
    xlsx_bytes,
)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.mark.parametrize(
    ("format_parameter", "accept", "expected"),
    [
        (None, None, ReportFormat.JSON),
        (None, "", ReportFormat.JSON),
        (None, "*/*", ReportFormat.JSON),
        (None, "application/json", ReportFormat.JSON),
        (None, "text/csv", ReportFormat.CSV),
        (None, "text/*", ReportFormat.CSV),
        (None, XLSX, ReportFormat.XLSX),
        (None, "text/html, text/csv;q=0.5, application/json;q=0.9", ReportFormat.JSON),
        (None, f"text/csv;q=0.2, {XLSX}", ReportFormat.XLSX),
        (None, "application/pdf, text/csv", ReportFormat.CSV),
        (None, "TEXT/CSV; charset=utf-8", ReportFormat.CSV),
        (ReportFormat.XLSX, "text/csv", ReportFormat.XLSX),
        (ReportFormat.CSV, "application/pdf", ReportFormat.CSV),
    ],
)
def test_format_parameter_wins_over_accept(
    format_parameter: ReportFormat | None, accept: str | None, expected: ReportFormat
) -> None:
    assert chosen_format(format_parameter, accept) is expected


@pytest.mark.parametrize("accept", ["application/pdf", "text/csv;q=0", "image/*", "text/csv;q=x"])
def test_an_accept_naming_no_report_format_is_not_acceptable(accept: str) -> None:
    with pytest.raises(NotAcceptable) as refused:
        chosen_format(None, accept)
    assert refused.value.status == 406
    assert refused.value.errors[0]["location"] == "header.accept"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("=SUM(A1:A2)", "'=SUM(A1:A2)"),
        ("+49 30 1234", "'+49 30 1234"),
        ("-2+3", "'-2+3"),
        ("@cmd", "'@cmd"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("Initech", "Initech"),
        ("a=b", "a=b"),
        ("", ""),
        ("'quoted", "'quoted"),
    ],
)
def test_text_that_starts_a_formula_is_neutralised(text: str, shown: str) -> None:
    assert neutralised(text) == shown


COLUMNS = ("name", "day", "minutes", "note")
ROWS = [
    ('=HYPERLINK("http://evil")', date(2026, 1, 5), 90, None),
    ('Ada, "the" first', date(2026, 1, 6), -15, "line\nbreak"),
]


def test_csv_has_a_header_then_the_rows_neutralised_with_numbers_untouched() -> None:
    body = b"".join(csv_chunks(COLUMNS, [ROWS[:1], ROWS[1:]])).decode("utf-8")
    assert body.startswith("name,day,minutes,note\r\n")
    assert not body.startswith("\ufeff")
    read = list(csv.reader(io.StringIO(body, newline="")))
    assert read == [
        list(COLUMNS),
        ['\'=HYPERLINK("http://evil")', "2026-01-05", "90", ""],
        ['Ada, "the" first', "2026-01-06", "-15", "line\nbreak"],
    ]


def test_xlsx_holds_the_rows_typed_and_never_a_formula() -> None:
    content = xlsx_bytes(SheetTitle("hours", "Hours"), COLUMNS, [ROWS[:1], ROWS[1:]])
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook["hours"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == list(COLUMNS)
    assert values[1][0] == '\'=HYPERLINK("http://evil")'
    assert sheet.cell(row=2, column=1).data_type == "s"
    assert values[1][1].date() == date(2026, 1, 5)
    assert values[1][2] == 90
    assert values[1][3] is None
    assert values[2][2] == -15
    assert values[2][3] == "line\nbreak"
    assert len(values) == 3


def test_xlsx_refuses_more_rows_than_a_sheet_holds(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "XLSX_MAX_ROWS", 2)
    rows = [("x", None, 1, None)] * 3
    with pytest.raises(Unprocessable):
        xlsx_bytes(SheetTitle("hours", "Hours"), COLUMNS, [rows])
    assert xlsx_bytes(SheetTitle("hours", "Hours"), COLUMNS, [rows[:2]])
