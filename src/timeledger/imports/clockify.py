"""Clockify: the CSV of a detailed report (Reports → Detailed → Export → Save as CSV).

Columns: Project, Client, Description, Task, User, Group, Email, Tags, Billable, Start Date,
Start Time, End Date, End Time, Duration (h), Duration (decimal), Billable Rate (<currency>),
Billable Amount (<currency>). Dates and times follow the exporting person's settings
(`MM/DD/YYYY` by default, or `DD/MM/YYYY`, `DD.MM.YYYY`, `YYYY-MM-DD`; `02:30 PM` or
`14:30:00`), in their zone.
"""

from timeledger.imports.assembly import RowDraft
from timeledger.imports.csvfile import Column, CsvFormat, RowCells
from timeledger.imports.rows import WallClockTime

COLUMNS = (
    Column("project", ("Project",)),
    Column("client", ("Client",)),
    Column("description", ("Description",)),
    Column("task", ("Task",)),
    Column("user", ("User",), required=True),
    Column("email", ("Email",)),
    Column("tags", ("Tags",)),
    Column("billable", ("Billable",)),
    Column("start_date", ("Start Date",), required=True),
    Column("start_time", ("Start Time",)),
    Column("end_date", ("End Date",)),
    Column("end_time", ("End Time",)),
    Column("duration", ("Duration (h)",)),
    Column("duration_decimal", ("Duration (decimal)",)),
    Column("rate", ("Billable Rate",), currency_in_header=True),
    Column("amount", ("Billable Amount",), currency_in_header=True),
)


def build(cells: RowCells) -> RowDraft | None:
    day = cells.required("start_date", cells.date)
    duration_key = "duration" if cells.text("duration") else "duration_decimal"
    seconds = cells.required(duration_key, cells.duration)
    start_time, end_time = cells.time("start_time"), cells.time("end_time")
    end_day = cells.date("end_date") or day
    billable, rate, amount = cells.flag("billable"), cells.amount("rate"), cells.amount("amount")
    if day is None or seconds is None:
        return None
    return RowDraft(
        day=day,
        duration_seconds=seconds,
        person_name=cells.text("user"),
        person_email=cells.text("email"),
        customer=cells.text("client"),
        project=cells.text("project"),
        task=cells.text("task"),
        start=WallClockTime(day, start_time) if start_time is not None else None,
        end=WallClockTime(end_day, end_time) if end_time is not None and end_day else None,
        note=cells.text("description") or "",
        billable=billable,
        tags=cells.tags("tags"),
        hourly_rate=rate,
        amount=amount,
        currency=cells.header_currency("amount") or cells.header_currency("rate"),
    )


CLOCKIFY_CSV = CsvFormat(
    "clockify-csv",
    "Clockify",
    COLUMNS,
    build,
    required_any=(("duration", "duration_decimal"),),
)
