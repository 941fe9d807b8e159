"""Wall-clock times become instants in the zone the importer chooses."""

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from timeledger.imports.rows import WallClockTime

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_wall_clock_time_is_an_instant_in_the_given_zone() -> None:
    instant = WallClockTime(date(2026, 3, 2), time(9, 0)).in_zone(BERLIN)

    assert instant.astimezone(UTC) == datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def test_the_hour_the_clocks_go_back_is_read_as_its_first_occurrence() -> None:
    instant = WallClockTime(date(2026, 10, 25), time(2, 30)).in_zone(BERLIN)

    assert instant.astimezone(UTC) == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_a_skipped_time_is_read_with_the_offset_before_the_change() -> None:
    instant = WallClockTime(date(2026, 3, 29), time(2, 30)).in_zone(BERLIN)

    assert instant.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
