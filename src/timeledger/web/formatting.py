"""Dates, times and numbers as the person reads them: in their language's conventions
(Babel's CLDR data) and in the employee's time zone."""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.numbers import format_currency, format_decimal

DEFAULT_LOCALE = "en"


@cache
def locale_of(language: str) -> Locale:
    """The locale of a BCP 47 tag (`nb-NO`, `de`), English when Babel knows none."""
    try:
        return Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        return Locale.parse(DEFAULT_LOCALE)


@dataclass(frozen=True)
class Formats:
    locale: Locale
    zone: ZoneInfo

    @classmethod
    def of(cls, language: str, timezone: str) -> "Formats":
        return cls(locale_of(language), ZoneInfo(timezone))

    def day(self, value: date) -> str:
        return format_date(value, "full", locale=self.locale)

    def short_day(self, value: date) -> str:
        return format_skeleton("MMMEd", value, locale=self.locale)

    def time(self, instant: datetime) -> str:
        return format_time(instant, "short", tzinfo=self.zone, locale=self.locale)

    def moment(self, instant: datetime) -> str:
        """A time on its day, for instants that may lie on another day than the page's."""
        local = instant.astimezone(self.zone)
        return f"{self.short_day(local.date())} {self.time(instant)}"

    def number(self, value: float) -> str:
        return format_decimal(value, format="#,##0.##", locale=self.locale)

    def money(self, amount: Decimal, currency: str) -> str:
        return format_currency(amount, currency, locale=self.locale)

    def minutes(self, value: int) -> str:
        """A duration as hours and minutes (`7:30`, `-0:45`)."""
        sign = "-" if value < 0 else ""
        hours, minutes = divmod(abs(value), 60)
        return f"{sign}{hours}:{minutes:02d}"

    def signed_minutes(self, value: int) -> str:
        return ("+" if value > 0 else "") + self.minutes(value)

    def hundredths(self, value: int) -> str:
        """An amount in hundredths (days of a `days` account)."""
        return self.number(value / 100)
