"""Kimai's CSV export: the default English template with decimal durations, and a German
template with semicolons, an ID column and H:MM durations."""

from datetime import date, time
from decimal import Decimal

from tests.imports.reading import problems_of, read_sample, rows_of
from timeledger.imports.rows import WallClockTime


def test_the_english_sample_is_read_field_by_field() -> None:
    results = read_sample("kimai-csv", "kimai_export.csv")

    assert problems_of(results) == []
    rows = rows_of(results)
    # 4.25 h = 15300 s; 0.33 h = 1188 s (running total 274.8 min, so 275 - 255 = 20);
    # 2.5 h = 9000 s (running total 424.8 min, so 425 - 275 = 150).
    assert [(r.duration_seconds, r.minutes) for r in rows] == [
        (Decimal(15300), 255),
        (Decimal(1188), 20),
        (Decimal(9000), 150),
    ]
    first = rows[0]
    assert (first.person_name, first.person_email) == ("Eva Lind", "eva@example.com")
    assert (first.customer, first.project, first.activity, first.task) == (
        "Stadtwerke",
        "Portal",
        "Development",
        None,
    )
    assert (first.note, first.billable, first.tags) == (
        "Login form; tests",
        True,
        ("backend", "php"),
    )
    assert (first.hourly_rate, first.amount, first.currency) == (
        Decimal("80.00"),
        Decimal("340.00"),
        "EUR",
    )
    assert first.start == WallClockTime(date(2026, 3, 2), time(8, 0))
    assert first.end == WallClockTime(date(2026, 3, 2), time(12, 15))


def test_an_empty_billable_cell_is_not_billable_and_to_before_from_ends_the_next_day() -> None:
    night = rows_of(read_sample("kimai-csv", "kimai_export.csv"))[2]

    assert night.billable is False
    assert night.start == WallClockTime(date(2026, 3, 2), time(22, 30))
    assert night.end == WallClockTime(date(2026, 3, 3), time(1, 0))


def test_the_german_sample_with_its_id_and_semicolons() -> None:
    (row,) = rows_of(read_sample("kimai-csv", "kimai_export_de.csv"))

    assert row.source_row_id == "4711"
    assert (row.minutes, row.amount, row.hourly_rate) == (105, Decimal("140.00"), Decimal("80.00"))
    assert (row.note, row.activity) == ("Fehlerbehebung, Teil 2", "Entwicklung")
