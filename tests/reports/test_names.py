"""Names in force on a date, from a name history (no database)."""

from datetime import date

from timeledger.reports.names import NameHistory

HISTORY = NameHistory(
    starts=(date(2026, 1, 1), date(2026, 3, 1), date(2026, 6, 1)),
    names=("Initech", "Initrode", "Intertrode"),
)


def test_the_name_in_force_is_the_last_taking_effect_by_then() -> None:
    assert HISTORY.on(date(2026, 1, 1)) == "Initech"
    assert HISTORY.on(date(2026, 2, 28)) == "Initech"
    assert HISTORY.on(date(2026, 3, 1)) == "Initrode"
    assert HISTORY.on(date(2026, 5, 31)) == "Initrode"
    assert HISTORY.on(date(2027, 1, 1)) == "Intertrode"


def test_before_the_first_version_the_first_name_is_shown() -> None:
    assert HISTORY.on(date(2025, 12, 31)) == "Initech"
