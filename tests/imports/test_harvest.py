"""Harvest's detailed time report CSV."""

from datetime import date
from decimal import Decimal

from tests.imports.reading import problems_of, read_sample, read_text, rows_of


def test_the_sample_is_read_field_by_field() -> None:
    results = read_sample("harvest-csv", "harvest_detailed_time.csv")

    assert problems_of(results) == []
    rows = rows_of(results)
    # Hugo: 3.5 h = 12600 s, 0.17 h = 612 s (210 + 10.2 min: 220 - 210 = 10);
    # Julie: 0.08 h = 288 s = 4.8 min, 5. Hours Rounded is not read.
    assert [(r.person_name, r.day, r.duration_seconds, r.minutes) for r in rows] == [
        ("Hugo Bernard", date(2026, 3, 2), Decimal(12600), 210),
        ("Hugo Bernard", date(2026, 3, 2), Decimal(612), 10),
        ("Julie Roux", date(2026, 3, 3), Decimal(288), 5),
    ]
    first = rows[0]
    assert (first.customer, first.project, first.task, first.note) == (
        "Garage Leroy",
        "Brochure",
        "Design",
        "Cover, inside pages",
    )
    assert (first.billable, first.hourly_rate, first.amount, first.currency) == (
        True,
        Decimal("95.00"),
        Decimal("332.50"),
        "EUR",
    )
    assert (first.start, first.end, first.person_email) == (None, None, None)
    assert rows[2].billable is False


def test_harvests_import_date_format_is_read_month_first() -> None:
    results = read_text(
        "harvest-csv",
        "Date,Client,Project,Task,Notes,Hours,First Name,Last Name\n"
        "8/25/2026,C,P,T,,7.5,Ada,Lovelace\n",
    )

    (row,) = rows_of(results)
    assert (row.day, row.minutes, row.person_name) == (date(2026, 8, 25), 450, "Ada Lovelace")
