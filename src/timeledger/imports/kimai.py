"""Kimai: the CSV export of timesheets (Export → CSV), in English or German headers.

Columns of the default template: Date, From, To, Duration, Currency, Price, Internal price,
Hourly price, Fixed price, Name, User, E-mail, Staff number, Customer, Project, Activity,
Description, Billable, Tags, Type, Category, Account, Project number, VAT-ID, Order number
(German: Datum, Von, Bis, Dauer, Währung, Preis, ..., Preis pro Stunde, Festpreis, Name,
Benutzer, E-Mail, ..., Kunde, Projekt, Tätigkeit, Beschreibung, Abrechenbar, Schlagworte).
A template may add ID. Date is `YYYY-MM-DD`, From and To `HH:MM` in the person's zone (To
before From ends the next day); Duration is decimal hours (`1.25`) or, with the person's
"decimal duration in export" switched off, `H:MM`. Billable is `1` or empty.
"""

from datetime import timedelta

from timeledger.imports.assembly import RowDraft
from timeledger.imports.csvfile import Column, CsvFormat, RowCells
from timeledger.imports.rows import WallClockTime

COLUMNS = (
    Column("id", ("ID",)),
    Column("date", ("Date", "Datum"), required=True),
    Column("from", ("From", "Von")),
    Column("to", ("To", "Bis")),
    Column("duration", ("Duration", "Dauer"), required=True),
    Column("currency", ("Currency", "Währung")),
    Column("price", ("Price", "Preis")),
    Column("hourly_price", ("Hourly price", "Preis pro Stunde")),
    Column("name", ("Name",)),
    Column("user", ("User", "Benutzer")),
    Column("email", ("E-mail", "E-Mail")),
    Column("customer", ("Customer", "Kunde")),
    Column("project", ("Project", "Projekt")),
    Column("activity", ("Activity", "Tätigkeit")),
    Column("description", ("Description", "Beschreibung")),
    Column("billable", ("Billable", "Abrechenbar")),
    Column("tags", ("Tags", "Schlagworte")),
)


def build(cells: RowCells) -> RowDraft | None:
    day = cells.required("date", cells.date)
    seconds = cells.required("duration", cells.duration)
    started, ended = cells.time("from"), cells.time("to")
    billable, currency = cells.flag("billable"), cells.currency("currency")
    hourly_rate, amount = cells.amount("hourly_price"), cells.amount("price")
    if day is None or seconds is None:
        return None
    start = end = None
    if started is not None:
        start = WallClockTime(day, started)
    if started is not None and ended is not None:
        end = WallClockTime(day + timedelta(days=ended < started), ended)
    return RowDraft(
        day=day,
        duration_seconds=seconds,
        person_name=cells.text("name") or cells.text("user"),
        person_email=cells.text("email"),
        customer=cells.text("customer"),
        project=cells.text("project"),
        activity=cells.text("activity"),
        start=start,
        end=end,
        note=cells.text("description") or "",
        billable=billable or False,
        tags=cells.tags("tags"),
        hourly_rate=hourly_rate,
        amount=amount,
        currency=currency,
        product_id=cells.text("id"),
    )


KIMAI_CSV = CsvFormat("kimai-csv", "Kimai", COLUMNS, build, required_any=(("name", "user"),))
