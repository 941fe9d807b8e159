"""The cell values of the products' files: durations, dates, times, flags, amounts; and the
rounding of exact durations to whole minutes."""

import re
from datetime import date, time
from decimal import Decimal, InvalidOperation


class ValueRefused(ValueError):
    """A cell that does not hold what its column promises; the message says what it holds."""


SECONDS_PER_HOUR = 3600
# At most 6 digits of hours and 9 decimals: a million rows' sums stay exact in Decimal's
# 28 digits.
_HOURS = r"\d{1,6}(?:[.,]\d{1,9})?"
_CLOCK = re.compile(r"(\d{1,6}):([0-5]\d)(?::([0-5]\d))?")
_DECIMAL_HOURS = re.compile(rf"({_HOURS}|[.,]\d{{1,9}})\s*(?:h|hrs?|hours?)?", re.IGNORECASE)
_UNITS = re.compile(
    rf"(?:({_HOURS})\s*(?:h|hrs?|hours?))?\s*"
    r"(?:(\d{1,8})\s*(?:m|mins?|minutes?))?\s*"
    r"(?:(\d{1,10})\s*(?:s|secs?|seconds?))?",
    re.IGNORECASE,
)


def duration_seconds(text: str) -> Decimal:
    """The exact seconds of a duration written as `H:MM:SS` or `H:MM` (hours may exceed
    24), as decimal hours (`1.5`, `1,5`, `1.5 h`), or in units (`1h 30m`, `45 min 06 sec`,
    `90m`). Decimal hours are taken at face value: `0.33` is 1188 seconds."""
    value = text.strip()
    if clock := _CLOCK.fullmatch(value):
        hours, minutes, seconds = clock.groups()
        return Decimal(int(hours) * 3600 + int(minutes) * 60 + int(seconds or 0))
    if decimal_hours := _DECIMAL_HOURS.fullmatch(value):
        return Decimal(decimal_hours.group(1).replace(",", ".")) * SECONDS_PER_HOUR
    units = _UNITS.fullmatch(value)
    if value and units and any(units.groups()):
        hours, minutes, seconds = units.groups()
        return (
            Decimal((hours or "0").replace(",", ".")) * SECONDS_PER_HOUR
            + int(minutes or 0) * 60
            + int(seconds or 0)
        )
    raise ValueRefused(
        f"{text!r} is not a duration (H:MM:SS, H:MM, decimal hours such as 1.5, or 1h 30m)"
    )


def round_half_up_minutes(seconds: Decimal) -> int:
    # Decimal's // is exact, and truncation is flooring for these non-negative sums.
    return int((seconds + 30) // 60)


class MinuteCarry:
    """Rounds exact durations to whole minutes per person, carrying what rounding left.

    A row gets the minutes by which the rounded running total of its person's seconds (in
    file order) grows: so the minutes of a person's rows add up to their exact seconds
    rounded half up, any run of their rows is within a minute of its exact sum, and no row
    strays a minute or more from its own seconds. Rounding each row alone would lose up to
    half a minute per row on a sum."""

    def __init__(self) -> None:
        self._seconds_so_far: dict[str, Decimal] = {}

    def minutes(self, person: str, seconds: Decimal) -> int:
        before = self._seconds_so_far.get(person, Decimal(0))
        after = before + seconds
        self._seconds_so_far[person] = after
        return round_half_up_minutes(after) - round_half_up_minutes(before)


_DOTTED = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")
_SLASHED_OR_DASHED = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(text: str, *, day_first: bool) -> date:
    """`YYYY-MM-DD`, `D.M.YYYY`, and `M/D/YYYY` or `M-D-YYYY` (with `day_first`:
    `D/M/YYYY`, `D-M-YYYY`). A date that does not exist in the order asked for is refused,
    never read in the other order."""
    value = text.strip()
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
        if dotted := _DOTTED.fullmatch(value):
            day, month, year = dotted.groups()
            return date(int(year), int(month), int(day))
        if mixed := _SLASHED_OR_DASHED.fullmatch(value):
            first, _, second, year = mixed.groups()
            day, month = (first, second) if day_first else (second, first)
            return date(int(year), int(month), int(day))
    except ValueError:
        order = "D/M/YYYY" if day_first else "M/D/YYYY"
        raise ValueRefused(
            f"{text!r} is not a date (read as YYYY-MM-DD, D.M.YYYY or {order})"
        ) from None
    raise ValueRefused(f"{text!r} is not a date (YYYY-MM-DD, D.M.YYYY, M/D/YYYY or D/M/YYYY)")


_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?")


def parse_time(text: str) -> time:
    """`HH:MM`, `HH:MM:SS`, and either with `AM`/`PM`."""
    found = _TIME.fullmatch(text.strip())
    if found is None:
        raise ValueRefused(f"{text!r} is not a time of day (HH:MM, HH:MM:SS, 02:30 PM)")
    hour, minute, second, half = found.groups()
    hours = int(hour)
    if half is not None:
        if not 1 <= hours <= 12:
            raise ValueRefused(f"{text!r} is not a time of day (hour {hours} with AM/PM)")
        hours = hours % 12 + (12 if half.lower() == "pm" else 0)
    try:
        return time(hours, int(minute), int(second or 0))
    except ValueError:
        raise ValueRefused(f"{text!r} is not a time of day") from None


_TRUE = frozenset({"yes", "true", "1", "y", "ja", "x"})
_FALSE = frozenset({"no", "false", "0", "n", "nein"})


def parse_flag(text: str) -> bool:
    value = text.strip().casefold()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueRefused(f"{text!r} is neither yes nor no")


_GROUPED_THOUSANDS = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")


def parse_amount(text: str) -> Decimal:
    """A decimal number: `1234.5`, `1,234.50`, or with a decimal comma `1234,5`."""
    value = text.strip()
    if _GROUPED_THOUSANDS.fullmatch(value):
        value = value.replace(",", "")
    elif value.count(",") == 1 and "." not in value:
        value = value.replace(",", ".")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise ValueRefused(f"{text!r} is not a number") from None
    if not number.is_finite():
        raise ValueRefused(f"{text!r} is not a number")
    return number


def split_tags(text: str) -> tuple[str, ...]:
    return tuple(tag for part in text.split(",") if (tag := part.strip()))


_CURRENCY_CODE = re.compile(r"(?:.*\s-\s)?([A-Za-z]{3})")


def currency_code(text: str) -> str:
    """`EUR`, or Harvest's `Euro - EUR`."""
    found = _CURRENCY_CODE.fullmatch(text.strip())
    if found is None:
        raise ValueRefused(f"{text!r} is not a currency code such as EUR")
    return found.group(1).upper()
