"""Cell values: durations, dates, times, flags, amounts; rounding to whole minutes."""

from datetime import date, time
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeledger.imports.values import (
    MinuteCarry,
    ValueRefused,
    currency_code,
    duration_seconds,
    parse_amount,
    parse_date,
    parse_flag,
    parse_time,
    round_half_up_minutes,
)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("01:30:00", 5400),
        ("1:30", 5400),
        ("125:00:01", 450001),
        ("1.5", 5400),
        ("1,5", 5400),
        ("0.33", Decimal("1188")),
        (".25 h", 900),
        ("2 hours", 7200),
        ("1h 30m", 5400),
        ("1h30m", 5400),
        ("90m", 5400),
        ("45 min 06 sec", 2706),
        ("10s", 10),
    ],
)
def test_the_duration_formats_products_write(text: str, seconds: int | Decimal) -> None:
    assert duration_seconds(text) == seconds


@pytest.mark.parametrize(
    "text", ["", "h", "1:60", "1:5", "-1:00", "1.5.2", "an hour", "1h 90", "9" * 40, "1e9"]
)
def test_what_is_not_a_duration_is_refused(text: str) -> None:
    with pytest.raises(ValueRefused, match="is not a duration"):
        duration_seconds(text)


@given(st.integers(min_value=0, max_value=10_000 * 3600))
def test_a_clock_duration_round_trips(seconds: int) -> None:
    hours, rest = divmod(seconds, 3600)
    written = f"{hours}:{rest // 60:02d}:{rest % 60:02d}"

    assert duration_seconds(written) == seconds


@given(st.decimals(min_value=0, max_value=10_000, places=2))
def test_decimal_hours_are_exact(hours: Decimal) -> None:
    assert duration_seconds(f"{hours:f}") == hours * 3600


@given(st.lists(st.integers(min_value=0, max_value=86_400), max_size=60))
def test_carried_minutes_add_up_to_the_exact_total_and_no_row_strays_a_minute(
    durations: list[int],
) -> None:
    carry = MinuteCarry()

    minutes = [carry.minutes("ann", Decimal(seconds)) for seconds in durations]

    assert sum(minutes) == round_half_up_minutes(Decimal(sum(durations)))
    assert all(abs(60 * m - s) < 60 for m, s in zip(minutes, durations, strict=True))


def test_three_entries_of_twenty_minutes_twenty_seconds_give_sixty_one_minutes() -> None:
    carry = MinuteCarry()

    assert [carry.minutes("ann", Decimal(1220)) for _ in range(3)] == [20, 21, 20]


def test_the_carry_is_kept_per_person() -> None:
    carry = MinuteCarry()

    assert [carry.minutes(person, Decimal(20)) for person in ("ann", "ben", "ann", "ann")] == [
        0,
        0,
        1,
        0,
    ]


def test_half_a_minute_rounds_up() -> None:
    assert round_half_up_minutes(Decimal(29)) == 0
    assert round_half_up_minutes(Decimal(30)) == 1
    assert round_half_up_minutes(Decimal("89.99")) == 1
    assert round_half_up_minutes(Decimal(90)) == 2


@pytest.mark.parametrize(
    ("text", "day_first", "day"),
    [
        ("2026-03-04", False, date(2026, 3, 4)),
        ("4.3.2026", False, date(2026, 3, 4)),
        ("04.03.2026", True, date(2026, 3, 4)),
        ("03/04/2026", False, date(2026, 3, 4)),
        ("04/03/2026", True, date(2026, 3, 4)),
        ("03-04-2026", False, date(2026, 3, 4)),
        ("04-03-2026", True, date(2026, 3, 4)),
    ],
)
def test_the_date_formats_products_write(text: str, day_first: bool, day: date) -> None:
    assert parse_date(text, day_first=day_first) == day


@pytest.mark.parametrize("text", ["2026-13-01", "31.4.2026", "13/13/2026", "2026/03/04", "x"])
def test_what_is_not_a_date_is_refused(text: str) -> None:
    with pytest.raises(ValueRefused, match="is not a date"):
        parse_date(text, day_first=False)


@given(st.dates(min_value=date(1900, 1, 1)), st.booleans())
def test_every_date_round_trips_in_every_order(day: date, day_first: bool) -> None:
    slashed = (
        f"{day.day}/{day.month}/{day.year}" if day_first else f"{day.month}/{day.day}/{day.year}"
    )

    assert parse_date(day.isoformat(), day_first=day_first) == day
    assert parse_date(f"{day.day}.{day.month}.{day.year}", day_first=day_first) == day
    assert parse_date(slashed, day_first=day_first) == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("09:05", time(9, 5)),
        ("09:05:07", time(9, 5, 7)),
        ("12:10 AM", time(0, 10)),
        ("12:10 PM", time(12, 10)),
        ("02:30 pm", time(14, 30)),
        ("11:30:15 PM", time(23, 30, 15)),
    ],
)
def test_the_time_formats_products_write(text: str, expected: time) -> None:
    assert parse_time(text) == expected


@pytest.mark.parametrize("text", ["24:00", "13:00 PM", "9", "09:61"])
def test_what_is_not_a_time_is_refused(text: str) -> None:
    with pytest.raises(ValueRefused, match="is not a time of day"):
        parse_time(text)


def test_flags_amounts_and_currencies() -> None:
    assert [parse_flag(t) for t in ("Yes", "no", "TRUE", "0", "1", "Ja")] == [
        True,
        False,
        True,
        False,
        True,
        True,
    ]
    assert [parse_amount(t) for t in ("1234.50", "1,234.50", "1234,5", "0")] == [
        Decimal("1234.50"),
        Decimal("1234.50"),
        Decimal("1234.5"),
        Decimal(0),
    ]
    assert [currency_code(t) for t in ("eur", "Euro - EUR", "United States Dollar - USD")] == [
        "EUR",
        "EUR",
        "USD",
    ]
    for refuse, text in ((parse_flag, "maybe"), (parse_amount, "12 EUR"), (parse_amount, "NaN")):
        with pytest.raises(ValueRefused):
            refuse(text)
    with pytest.raises(ValueRefused):
        currency_code("Euro")
