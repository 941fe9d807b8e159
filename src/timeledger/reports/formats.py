"""What every report shares: the answer's format, and the rows as CSV or XLSX.

A report is a list of columns and rows of plain values (int, str, date or None), in the
columns' order. JSON answers a page of them as objects; CSV and XLSX hold all of them.
Text cells that a spreadsheet would read as a formula are neutralised (OWASP's advice on
CSV injection): they get a leading single quote. Numbers stay numbers.
"""

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

import xlsxwriter  # type: ignore[import-untyped]

from timeledger.kit.errors import Problem, Unprocessable


class ReportFormat(StrEnum):
    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


MEDIA_TYPES = {
    ReportFormat.JSON: "application/json",
    ReportFormat.CSV: "text/csv",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_FORMAT_OF_MEDIA_RANGE = {
    **{media_type: report_format for report_format, media_type in MEDIA_TYPES.items()},
    "*/*": ReportFormat.JSON,
    "application/*": ReportFormat.JSON,
    "text/*": ReportFormat.CSV,
}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_MAX_ROWS = 1_048_575
"""A sheet's rows below its header row."""


class NotAcceptable(Problem):
    status, slug, title = 406, "not-acceptable", "Not acceptable"


def _quality(parameters: Sequence[str]) -> float:
    for parameter in parameters:
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value.strip())
            except ValueError:
                return 0.0
    return 1.0


def chosen_format(format_parameter: ReportFormat | None, accept: str | None) -> ReportFormat:
    """`format=` when given; else the most preferred media range of `Accept` that a report
    answers in (JSON without `Accept`); 406 when it names none of them."""
    if format_parameter is not None:
        return format_parameter
    if accept is None or not accept.strip():
        return ReportFormat.JSON
    ranges = []
    for position, part in enumerate(accept.split(",")):
        media_range, *parameters = part.split(";")
        quality = _quality(parameters)
        found = _FORMAT_OF_MEDIA_RANGE.get(media_range.strip().lower())
        if found is not None and quality > 0:
            ranges.append((-quality, position, found))
    if not ranges:
        offered = ", ".join(MEDIA_TYPES.values())
        raise NotAcceptable(
            f"A report answers in {offered}; Accept names none of them (or use format=).",
            errors=[{"location": "header.accept", "message": f"not one of {offered}"}],
        )
    return min(ranges)[2]


def neutralised(text: str) -> str:
    """`text` as a spreadsheet shows it and never evaluates: prefixed with a single quote
    when it begins with a character that starts a formula (= + - @, tab, carriage return)."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


WRITTEN_AS_THEY_ARE = frozenset({int, type(None), date})
"""What the csv module writes right itself: integers as digits, None as an empty field,
dates (not date-times: their `str` has no `T`) as ISO dates."""


def csv_field(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return neutralised(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def csv_chunks(
    columns: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]]
) -> Iterator[bytes]:
    """RFC 4180, UTF-8 without a byte-order mark, CRLF line ends: the header row, then one
    chunk per batch of rows (written as they come, so memory holds one batch)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(columns)
    yield buffer.getvalue().encode("utf-8")
    for rows in batches:
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(
            [value if value.__class__ in WRITTEN_AS_THEY_ARE else csv_field(value) for value in row]
            for row in rows
        )
        yield buffer.getvalue().encode("utf-8")


@dataclass(frozen=True)
class SheetTitle:
    sheet: str
    title: str


def xlsx_bytes(
    title: SheetTitle, columns: Sequence[str], batches: Iterable[Sequence[Sequence[Any]]]
) -> bytes:
    """One sheet with a header row and the rows: numbers as numbers, dates as dates
    (yyyy-mm-dd), instants as UTC date-times (yyyy-mm-dd hh:mm:ss), texts as neutralised
    text (never a formula). Written in XlsxWriter's constant-memory mode (row by row
    through a temporary file). 422 for more rows than a sheet holds."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(
        buffer,
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    workbook.set_properties({"title": title.title})
    sheet = workbook.add_worksheet(title.sheet)
    header = workbook.add_format({"bold": True})
    styles = _Styles(
        day=workbook.add_format({"num_format": "yyyy-mm-dd"}),
        instant=workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
    )
    sheet.write_row(0, 0, columns, header)
    sheet.freeze_panes(1, 0)
    index = 0
    try:
        for rows in batches:
            for row in rows:
                index += 1
                if index > XLSX_MAX_ROWS:
                    raise Unprocessable(
                        f"The report has more than {XLSX_MAX_ROWS} rows, more than a sheet "
                        "holds: ask for CSV, or narrow the filters.",
                        errors=[{"location": "query.format", "message": "too many rows"}],
                    )
                _write_row(sheet, index, row, styles)
    finally:
        workbook.close()
    return buffer.getvalue()


@dataclass(frozen=True)
class _Styles:
    day: Any
    instant: Any


def _write_row(sheet: Any, index: int, row: Sequence[Any], styles: _Styles) -> None:
    for column, value in enumerate(row):
        if value is None:
            continue
        if isinstance(value, datetime):
            utc = value.astimezone(UTC).replace(tzinfo=None)
            sheet.write_datetime(index, column, utc, styles.instant)
        elif isinstance(value, date):
            sheet.write_datetime(index, column, value, styles.day)
        elif isinstance(value, str):
            sheet.write_string(index, column, neutralised(value))
        elif isinstance(value, bool):
            sheet.write_boolean(index, column, value)
        else:
            sheet.write_number(index, column, value)
