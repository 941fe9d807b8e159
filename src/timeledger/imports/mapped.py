"""Any product's CSV, read through a column mapping: the person importing names which of
the file's columns holds each field (`date=Datum`), so a file whose columns no reader
knows (mite's report screen, a spreadsheet kept by hand, a product without a reader) is
read with the same cell rules, checks and limits as every other CSV.

A mapping names `date`; `duration`, or else `start` and `end` (the duration is then the
time between them, the next day's when `end` is before `start`); and `person` or
`email`. Every other field is optional.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from timeledger.imports.assembly import RowDraft
from timeledger.imports.csvfile import Column, CsvFormat, RowCells, normalized_header
from timeledger.imports.rows import ImportFileRefused, WallClockTime

COLUMN_PARAMETER = "column"
"""How the API's query parameter and the command's option are named, and the field of a
problem with the mapping."""
MAX_HEADER_LENGTH = 200
SECONDS_PER_DAY = 86_400

FIELDS: dict[str, str] = {
    "id": "the product's id of the entry (rows without one are named by their content)",
    "date": "the entry's day (required)",
    "start": "its start, a time of day",
    "end": "its end, a time of day",
    "duration": "its duration (required unless start and end are mapped)",
    "person": "the person's name (this or email required)",
    "email": "the person's e-mail",
    "customer": "the customer's name",
    "project": "the project's name",
    "task": "the task's name",
    "activity": "the activity's name",
    "note": "the entry's note",
    "billable": "yes/no",
    "tags": "tags separated by commas",
    "hourly_rate": "the hourly rate",
    "amount": "the amount billed",
    "currency": "the currency of the rate and amount (an ISO code)",
}


def _refused(problem: str) -> ImportFileRefused:
    return ImportFileRefused(COLUMN_PARAMETER, problem)


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Which of the file's columns (by header) holds each field, in the order given."""

    headers: tuple[tuple[str, str], ...]

    @classmethod
    def parse(cls, pairs: Iterable[str]) -> "ColumnMapping":
        """From `field=Header` pairs (the header is everything after the first `=`);
        `ImportFileRefused` (field `column`) naming what is wrong with the mapping."""
        headers: dict[str, str] = {}
        for pair in pairs:
            field, separator, header = pair.partition("=")
            field, header = field.strip(), header.strip()
            if not separator or not header:
                raise _refused(f"{pair!r} is not field=Header (as date=Datum).")
            if field not in FIELDS:
                raise _refused(f"{field!r} is not a field; one of {', '.join(FIELDS)}.")
            if field in headers:
                raise _refused(f"{field!r} is mapped twice.")
            if len(header) > MAX_HEADER_LENGTH:
                raise _refused(f"The header of {field!r} is longer than {MAX_HEADER_LENGTH}.")
            headers[field] = header
        mapping = cls(tuple(headers.items()))
        mapping._check_complete()
        return mapping

    def pairs(self) -> list[str]:
        """The mapping as `parse` reads it."""
        return [f"{field}={header}" for field, header in self.headers]

    def _check_complete(self) -> None:
        fields = dict(self.headers)
        missing = []
        if "date" not in fields:
            missing.append("date")
        if "duration" not in fields and not {"start", "end"} <= fields.keys():
            missing.append("duration (or start and end)")
        if not {"person", "email"} & fields.keys():
            missing.append("person or email")
        if missing:
            raise _refused(f"The column mapping does not name {'; '.join(missing)}.")
        shared = _first_shared_header(self.headers)
        if shared is not None:
            raise _refused(f"Two fields name the column {shared!r}; a column holds one field.")


def _first_shared_header(headers: tuple[tuple[str, str], ...]) -> str | None:
    seen: set[str] = set()
    for _, header in headers:
        normalized = normalized_header(header)
        if normalized in seen:
            return header
        seen.add(normalized)
    return None


def mapped_csv_format(source: str, mapping: ColumnMapping) -> CsvFormat:
    """The CSV format the mapping describes: each mapped column required in the header."""
    fields = dict(mapping.headers)
    columns = tuple(Column(field, (header,), required=True) for field, header in fields.items())
    duration_mapped = "duration" in fields

    def build(cells: RowCells) -> RowDraft | None:
        return _draft(cells, duration_mapped=duration_mapped)

    return CsvFormat(source, "", columns, build, columns_named_by="the column mapping")


def _draft(cells: RowCells, *, duration_mapped: bool) -> RowDraft | None:
    day = cells.required("date", cells.date)
    started, ended = cells.time("start"), cells.time("end")
    billable, currency = cells.flag("billable"), cells.currency("currency")
    hourly_rate, amount = cells.amount("hourly_rate"), cells.amount("amount")
    start = WallClockTime(day, started) if day is not None and started is not None else None
    end = None
    if start is not None and ended is not None:
        end = WallClockTime(start.day + timedelta(days=ended < start.time), ended)
    seconds = _seconds(cells, started, ended, duration_mapped=duration_mapped)
    if day is None or seconds is None:
        return None
    return RowDraft(
        day=day,
        duration_seconds=seconds,
        person_name=cells.text("person"),
        person_email=cells.text("email"),
        customer=cells.text("customer"),
        project=cells.text("project"),
        task=cells.text("task"),
        activity=cells.text("activity"),
        start=start,
        end=end,
        note=cells.text("note") or "",
        billable=billable,
        tags=cells.tags("tags"),
        hourly_rate=hourly_rate,
        amount=amount,
        currency=currency,
        product_id=cells.text("id"),
    )


def _seconds(
    cells: RowCells, started: time | None, ended: time | None, *, duration_mapped: bool
) -> Decimal | None:
    """The duration cell's seconds; where it is empty (or not mapped), the time from start
    to end, which is the next day's when before start."""
    if cells.text("duration") is not None:
        return cells.duration("duration")
    if started is not None and ended is not None:
        spent = datetime.combine(date.min, ended) - datetime.combine(date.min, started)
        return Decimal(int(spent.total_seconds()) % SECONDS_PER_DAY)
    if duration_mapped:
        cells.refuse("duration", "is empty, and start and end do not both say when")
    else:
        for key in ("start", "end"):
            if cells.text(key) is None:
                cells.refuse(key, "is empty")
    return None
