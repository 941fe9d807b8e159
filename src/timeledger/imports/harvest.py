"""Harvest: the CSV of a detailed time report (Reports → Detailed time → Export → CSV).

Columns: Date, Client, Project, Project Code, Task, Notes, Hours, Hours Rounded, Billable?,
Invoiced?, Approved?, First Name, Last Name, Roles, Employee?, Billable Rate, Billable
Amount, Cost Rate, Cost Amount, Currency, External Reference URL. Date is `YYYY-MM-DD`
(Harvest's own import also takes `M/D/YYYY`); Hours are decimal hours; no times of day.
"""

from timeledger.imports.assembly import RowDraft
from timeledger.imports.csvfile import Column, CsvFormat, RowCells

COLUMNS = (
    Column("date", ("Date",), required=True),
    Column("client", ("Client",)),
    Column("project", ("Project",)),
    Column("task", ("Task",)),
    Column("notes", ("Notes",)),
    Column("hours", ("Hours",), required=True),
    Column("billable", ("Billable?",)),
    Column("first_name", ("First Name",), required=True),
    Column("last_name", ("Last Name",), required=True),
    Column("email", ("Email",)),
    Column("rate", ("Billable Rate",)),
    Column("amount", ("Billable Amount",)),
    Column("currency", ("Currency",)),
)


def build(cells: RowCells) -> RowDraft | None:
    day = cells.required("date", cells.date)
    seconds = cells.required("hours", cells.duration)
    billable, currency = cells.flag("billable"), cells.currency("currency")
    hourly_rate, amount = cells.amount("rate"), cells.amount("amount")
    if day is None or seconds is None:
        return None
    name = " ".join(part for key in ("first_name", "last_name") if (part := cells.text(key)))
    return RowDraft(
        day=day,
        duration_seconds=seconds,
        person_name=name or None,
        person_email=cells.text("email"),
        customer=cells.text("client"),
        project=cells.text("project"),
        task=cells.text("task"),
        note=cells.text("notes") or "",
        billable=billable,
        hourly_rate=hourly_rate,
        amount=amount,
        currency=currency,
    )


HARVEST_CSV = CsvFormat("harvest-csv", "Harvest", COLUMNS, build)
