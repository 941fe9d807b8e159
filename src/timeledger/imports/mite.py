"""mite: time entries as its API gives them, in JSON (`GET /time_entries.json`: an array
of `{"time_entry": {...}}`) or as CSV with the same attribute names as columns.

Attributes read: id, date_at (`YYYY-MM-DD`), minutes, note, billable, user_name,
customer_name, project_name, service_name, hourly_rate and revenue (both in cents). An
entry whose timer still runs (`tracking`) is refused: its minutes are not final.
"""

import json
import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, BinaryIO

from timeledger.imports.assembly import RowAssembly, RowDraft
from timeledger.imports.csvfile import MAX_ROWS, Column, CsvFormat, RowCells, read_row
from timeledger.imports.rows import ImportedRow, ImportFileRefused, RowProblem
from timeledger.imports.values import ValueRefused

COLUMNS = (
    Column("id", ("id",)),
    Column("date_at", ("date_at",), required=True),
    Column("minutes", ("minutes",), required=True),
    Column("note", ("note",)),
    Column("billable", ("billable",)),
    Column("user_name", ("user_name",), required=True),
    Column("customer_name", ("customer_name",)),
    Column("project_name", ("project_name",)),
    Column("service_name", ("service_name",)),
    Column("hourly_rate", ("hourly_rate",)),
    Column("revenue", ("revenue",)),
)
CENTS = Decimal(100)
_WHOLE_NUMBER = re.compile(r"\d{1,8}")


def _minutes_as_seconds(text: str) -> Decimal:
    if not _WHOLE_NUMBER.fullmatch(text):
        raise ValueRefused(f"{text!r} is not a whole number of minutes (of up to 8 digits)")
    return Decimal(int(text) * 60)


def build(cells: RowCells) -> RowDraft | None:
    day = cells.required("date_at", cells.date)
    seconds = cells.required("minutes", lambda key: cells.parsed(key, _minutes_as_seconds))
    billable = cells.flag("billable")
    hourly_rate, revenue = cells.amount("hourly_rate"), cells.amount("revenue")
    if day is None or seconds is None:
        return None
    return RowDraft(
        day=day,
        duration_seconds=seconds,
        person_name=cells.text("user_name"),
        customer=cells.text("customer_name"),
        project=cells.text("project_name"),
        activity=cells.text("service_name"),
        note=cells.text("note") or "",
        billable=billable,
        hourly_rate=hourly_rate / CENTS if hourly_rate is not None else None,
        amount=revenue / CENTS if revenue is not None else None,
        product_id=cells.text("id"),
    )


MITE_CSV = CsvFormat("mite-csv", "mite", COLUMNS, build)


def read_mite_json(
    data: bytes | BinaryIO, *, max_bytes: int, max_rows: int = MAX_ROWS
) -> Iterator[ImportedRow | RowProblem]:
    """Parses the whole file now (refusing it at once if it is not mite's JSON); the
    entries are read as the iterator is consumed."""
    raw = data if isinstance(data, bytes) else data.read(max_bytes + 1)
    if len(raw) > max_bytes:
        raise ImportFileRefused("file", f"The file is larger than {max_bytes} bytes.")
    if not raw.strip():
        raise ImportFileRefused("file", "The file is empty.")
    try:
        entries = json.loads(raw, parse_float=Decimal)
    except UnicodeDecodeError:
        raise ImportFileRefused(
            "file", "The file is not UTF-8 (or UTF-16 with a byte-order mark) JSON."
        ) from None
    except ValueError as error:
        raise ImportFileRefused("file", f"The file is not JSON: {error}.") from None
    if not isinstance(entries, list):
        raise ImportFileRefused(
            "file", 'The file is not mite\'s JSON: an array of {"time_entry": {...}}.'
        )
    if not entries:
        raise ImportFileRefused("file", "The file holds no time entries.")
    if len(entries) > max_rows:
        raise ImportFileRefused("file", f"The file has more than {max_rows} rows.")
    return _entries(entries)


def _entries(entries: list[Any]) -> Iterator[ImportedRow | RowProblem]:
    assembly = RowAssembly("mite-json")
    headers = {column.key: column.key for column in COLUMNS}
    for number, item in enumerate(entries, start=1):
        entry = item.get("time_entry") if isinstance(item, dict) else None
        if not isinstance(entry, dict):
            yield RowProblem(number, "time_entry", 'is not an object {"time_entry": {...}}')
            continue
        if entry.get("tracking"):
            yield RowProblem(
                number, "tracking", "a timer runs on this entry: stop it in mite and export again"
            )
            continue
        values = {key: _as_text(entry.get(key)) for key in headers if key in entry}
        cells = RowCells(number, values, headers, {}, day_first=False)
        yield from read_row(cells, build, assembly)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).strip()
