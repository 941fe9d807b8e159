import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from pydantic import TypeAdapter, ValidationError

from tests.conftest import WorkspaceFixture
from tests.timesheet.support import Person
from timeledger.kit.clock import FixedClock, clock_in_use
from timeledger.kit.errors import BadRequest, Unprocessable
from timeledger.kit.timeutil import (
    ISO_DATE_PATTERN,
    DateKeyword,
    DateRange,
    IsoDate,
    instants_of,
    is_known_timezone,
    keyword_range,
    keyword_range_in_zone,
    local_date,
    parse_instant,
    zone,
)

MONDAY, SUNDAY = 1, 7


# parse_instant


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-01-31T08:00:00+01:00", datetime(2026, 1, 31, 7, 0, tzinfo=UTC)),
        ("2026-01-31T08:00:00Z", datetime(2026, 1, 31, 8, 0, tzinfo=UTC)),
        ("2026-01-31T23:30:00-05:00", datetime(2026, 2, 1, 4, 30, tzinfo=UTC)),
        ("2026-03-29T01:59:59.123456+00:00", datetime(2026, 3, 29, 1, 59, 59, 123456, tzinfo=UTC)),
    ],
)
def test_parse_instant_converts_to_utc(text: str, expected: datetime) -> None:
    parsed = parse_instant(text, parameter="since")
    assert parsed == expected
    assert parsed.utcoffset() == timedelta(0)
    assert parsed.tzinfo is UTC


def test_parse_instant_without_offset_is_a_bad_request_naming_the_parameter() -> None:
    with pytest.raises(BadRequest) as raised:
        parse_instant("2026-01-31T08:00:00", parameter="until")
    assert raised.value.status == 400
    assert "until" in raised.value.detail
    assert raised.value.errors[0]["location"] == "until"


@pytest.mark.parametrize("text", ["yesterday", "2026-13-01T00:00:00+00:00", "", "12:00+01:00"])
def test_parse_instant_refuses_what_is_not_a_timestamp(text: str) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_instant(text, parameter="since")
    assert raised.value.errors[0]["location"] == "since"


@pytest.mark.parametrize("text", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_parse_instant_outside_the_utc_calendar_is_a_bad_request(text: str) -> None:
    with pytest.raises(BadRequest) as raised:
        parse_instant(text, parameter="since")
    assert "since" in raised.value.detail


# time zones


def test_zone_knows_iana_names_and_refuses_others() -> None:
    assert zone("Europe/Copenhagen") == ZoneInfo("Europe/Copenhagen")
    with pytest.raises(Unprocessable):
        zone("Mars/Olympus_Mons")
    with pytest.raises(Unprocessable):
        zone("../../etc/passwd")
    assert is_known_timezone("America/New_York")
    assert not is_known_timezone("Mars/Olympus_Mons")


def test_local_date_is_the_date_on_the_wall_clock_of_the_zone() -> None:
    instant = datetime(2026, 1, 31, 23, 30, tzinfo=UTC)
    assert local_date(instant, "UTC") == date(2026, 1, 31)
    assert local_date(instant, "Europe/Copenhagen") == date(2026, 2, 1)
    assert local_date(instant, "America/New_York") == date(2026, 1, 31)


# keyword_range

# 2026-01-07 is a Wednesday.
WEDNESDAY = date(2026, 1, 7)


@pytest.mark.parametrize(
    ("keyword", "week_start", "start", "end"),
    [
        (DateKeyword.TODAY, MONDAY, date(2026, 1, 7), date(2026, 1, 7)),
        (DateKeyword.YESTERDAY, MONDAY, date(2026, 1, 6), date(2026, 1, 6)),
        (DateKeyword.THIS_WEEK, MONDAY, date(2026, 1, 5), date(2026, 1, 11)),
        (DateKeyword.THIS_WEEK, SUNDAY, date(2026, 1, 4), date(2026, 1, 10)),
        (DateKeyword.LAST_WEEK, MONDAY, date(2025, 12, 29), date(2026, 1, 4)),
        (DateKeyword.LAST_WEEK, SUNDAY, date(2025, 12, 28), date(2026, 1, 3)),
        (DateKeyword.THIS_MONTH, MONDAY, date(2026, 1, 1), date(2026, 1, 31)),
        (DateKeyword.LAST_MONTH, MONDAY, date(2025, 12, 1), date(2025, 12, 31)),
        (DateKeyword.THIS_YEAR, MONDAY, date(2026, 1, 1), date(2026, 12, 31)),
        (DateKeyword.LAST_YEAR, MONDAY, date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_keyword_range_on_a_wednesday(
    keyword: DateKeyword, week_start: int, start: date, end: date
) -> None:
    assert keyword_range(keyword, today=WEDNESDAY, week_start=week_start) == DateRange(start, end)


def test_every_keyword_is_covered() -> None:
    for keyword in DateKeyword:
        found = keyword_range(keyword, today=WEDNESDAY, week_start=MONDAY)
        assert found.start <= found.end


@pytest.mark.parametrize("week_start", range(1, 8))
@pytest.mark.parametrize("offset", range(14))
def test_this_week_starts_on_week_start_and_contains_today(week_start: int, offset: int) -> None:
    today = date(2026, 2, 23) + timedelta(days=offset)
    week = keyword_range(DateKeyword.THIS_WEEK, today=today, week_start=week_start)
    assert week.start.isoweekday() == week_start
    assert week.end - week.start == timedelta(days=6)
    assert today in week
    last = keyword_range(DateKeyword.LAST_WEEK, today=today, week_start=week_start)
    assert last.end + timedelta(days=1) == week.start
    assert last.end - last.start == timedelta(days=6)


@pytest.mark.parametrize(
    ("today", "week_start", "start", "end"),
    [
        # On the first day of the week the week starts today.
        (date(2026, 1, 5), MONDAY, date(2026, 1, 5), date(2026, 1, 11)),
        (date(2026, 1, 4), SUNDAY, date(2026, 1, 4), date(2026, 1, 10)),
        # On the last day of the week it started six days ago.
        (date(2026, 1, 4), MONDAY, date(2025, 12, 29), date(2026, 1, 4)),
        (date(2026, 1, 10), SUNDAY, date(2026, 1, 4), date(2026, 1, 10)),
    ],
)
def test_this_week_at_its_edges(today: date, week_start: int, start: date, end: date) -> None:
    assert keyword_range(DateKeyword.THIS_WEEK, today=today, week_start=week_start) == DateRange(
        start, end
    )


@pytest.mark.parametrize(
    ("today", "this_month", "last_month"),
    [
        (
            date(2026, 1, 1),
            DateRange(date(2026, 1, 1), date(2026, 1, 31)),
            DateRange(date(2025, 12, 1), date(2025, 12, 31)),
        ),
        (
            date(2026, 3, 31),
            DateRange(date(2026, 3, 1), date(2026, 3, 31)),
            DateRange(date(2026, 2, 1), date(2026, 2, 28)),
        ),
        (
            date(2024, 3, 1),
            DateRange(date(2024, 3, 1), date(2024, 3, 31)),
            DateRange(date(2024, 2, 1), date(2024, 2, 29)),
        ),
        (
            date(2025, 12, 31),
            DateRange(date(2025, 12, 1), date(2025, 12, 31)),
            DateRange(date(2025, 11, 1), date(2025, 11, 30)),
        ),
        (
            date(2024, 2, 29),
            DateRange(date(2024, 2, 1), date(2024, 2, 29)),
            DateRange(date(2024, 1, 1), date(2024, 1, 31)),
        ),
    ],
)
def test_months_around_month_and_year_edges(
    today: date, this_month: DateRange, last_month: DateRange
) -> None:
    assert keyword_range(DateKeyword.THIS_MONTH, today=today, week_start=MONDAY) == this_month
    assert keyword_range(DateKeyword.LAST_MONTH, today=today, week_start=MONDAY) == last_month


def test_years_and_yesterday_across_new_year() -> None:
    new_year = date(2026, 1, 1)
    assert keyword_range(DateKeyword.YESTERDAY, today=new_year, week_start=MONDAY) == DateRange(
        date(2025, 12, 31), date(2025, 12, 31)
    )
    assert keyword_range(DateKeyword.THIS_YEAR, today=new_year, week_start=MONDAY) == DateRange(
        date(2026, 1, 1), date(2026, 12, 31)
    )
    assert keyword_range(DateKeyword.LAST_YEAR, today=new_year, week_start=MONDAY) == DateRange(
        date(2025, 1, 1), date(2025, 12, 31)
    )


def test_date_range_contains_only_dates_inside() -> None:
    month = DateRange(date(2026, 2, 1), date(2026, 2, 28))
    assert date(2026, 2, 1) in month
    assert date(2026, 2, 28) in month
    assert date(2026, 3, 1) not in month
    assert date(2026, 1, 31) not in month
    assert "2026-02-10" not in month


# keyword_range_in_zone


def test_keyword_range_in_zone_uses_the_local_date_after_midnight() -> None:
    # 23:30 UTC on Sunday 2026-01-04 is already Monday 00:30 in Copenhagen.
    now = datetime(2026, 1, 4, 23, 30, tzinfo=UTC)
    assert local_date(now, "Europe/Copenhagen") != now.date()
    today = keyword_range_in_zone(
        DateKeyword.TODAY, timezone="Europe/Copenhagen", week_start=MONDAY, now=now
    )
    assert today == DateRange(date(2026, 1, 5), date(2026, 1, 5))
    week = keyword_range_in_zone(
        DateKeyword.THIS_WEEK, timezone="Europe/Copenhagen", week_start=MONDAY, now=now
    )
    assert week == DateRange(date(2026, 1, 5), date(2026, 1, 11))
    utc_week = keyword_range_in_zone(
        DateKeyword.THIS_WEEK, timezone="UTC", week_start=MONDAY, now=now
    )
    assert utc_week == DateRange(date(2025, 12, 29), date(2026, 1, 4))


def test_keyword_range_in_zone_uses_the_local_date_before_midnight_utc() -> None:
    # 03:00 UTC on 2026-01-01 is still New Year's Eve in New York.
    now = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)
    assert keyword_range_in_zone(
        DateKeyword.THIS_YEAR, timezone="America/New_York", week_start=SUNDAY, now=now
    ) == DateRange(date(2025, 1, 1), date(2025, 12, 31))
    assert keyword_range_in_zone(
        DateKeyword.THIS_YEAR, timezone="UTC", week_start=SUNDAY, now=now
    ) == DateRange(date(2026, 1, 1), date(2026, 12, 31))


def test_keyword_range_in_zone_accepts_any_offset_for_now() -> None:
    now = datetime(2026, 1, 5, 0, 30, tzinfo=timezone(timedelta(hours=1)))
    assert keyword_range_in_zone(
        DateKeyword.TODAY, timezone="UTC", week_start=MONDAY, now=now
    ) == DateRange(date(2026, 1, 4), date(2026, 1, 4))


def test_keyword_range_in_zone_defaults_to_now_by_the_current_clock() -> None:
    with clock_in_use(FixedClock(datetime(2026, 1, 4, 10, 30, tzinfo=UTC))):
        found = keyword_range_in_zone(
            DateKeyword.TODAY, timezone="Pacific/Kiritimati", week_start=MONDAY
        )
    assert found == DateRange(date(2026, 1, 5), date(2026, 1, 5))


def test_instants_of_a_local_range_follow_the_zone_and_daylight_saving() -> None:
    # Copenhagen switched to summer time on 2026-03-29: that day has 23 hours.
    start, end = instants_of(DateRange(date(2026, 3, 29), date(2026, 3, 29)), "Europe/Copenhagen")
    assert start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert end == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)
    assert end - start == timedelta(hours=23)


# IsoDate


@pytest.mark.parametrize("value", ["2026-01-31", date(2026, 1, 31)])
def test_an_iso_date_is_a_date(value: object) -> None:
    assert TypeAdapter(IsoDate).validate_python(value) == date(2026, 1, 31)
    assert TypeAdapter(IsoDate).validate_json('"2026-01-31"') == date(2026, 1, 31)


@pytest.mark.parametrize(
    "value",
    [0, 86400, 1.5, "0", "86400", "20260131", "2026-W05-6", "2026-01-31T00:00:00", " 2026-01-31"],
)
def test_only_yyyy_mm_dd_is_an_iso_date(value: object) -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(IsoDate).validate_python(value)
    with pytest.raises(ValidationError):
        TypeAdapter(IsoDate).validate_json(json.dumps(value))


def test_a_datetime_is_not_an_iso_date() -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(IsoDate).validate_python(datetime(2026, 1, 31, tzinfo=UTC))


def test_every_date_of_the_document_is_an_iso_date(client: TestClient) -> None:
    document = client.get("/api/openapi.json").json()
    dates = list(_dates_in(document))
    assert dates
    assert all(schema.get("pattern") == ISO_DATE_PATTERN for schema in dates), dates


def _dates_in(node: object) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        if node.get("format") == "date":
            yield node
        for value in node.values():
            yield from _dates_in(value)
    elif isinstance(node, list):
        for value in node:
            yield from _dates_in(value)


@pytest.mark.parametrize("as_of", ["0", "86400", "1", "20260131"])
def test_numbers_are_not_dates_of_the_api(
    client: TestClient, workspace: WorkspaceFixture, person: Person, as_of: str
) -> None:
    for path in (f"/api/employees/{person.employee_id}/timebank/balances", "/api/customers"):
        response = client.get(path, params={"as_of": as_of}, headers=workspace.headers)
        assert response.status_code == 422, (path, response.text)
        assert response.headers["content-type"] == "application/problem+json"
    refused = client.post(
        "/api/customers",
        json={"name": "Acme", "effective_from": 0},
        headers=workspace.headers,
    )
    assert refused.status_code == 422, refused.text
