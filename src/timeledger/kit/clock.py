"""The one clock: every reading of "now" in the application goes through `utcnow()`.

The application and the worker each hold a `Clock` (the system clock unless told
otherwise) and make it current while they handle a request or run a cycle; `utcnow()`
reads the current one. Tests freeze or shift time by handing `create_app` or the worker
another clock; `TIMELEDGER_CLOCK_START` starts a whole process at a chosen instant.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...


class SystemClock:
    """The machine's time: the one place that reads it."""

    def now(self) -> datetime:
        return datetime.now(UTC)


SYSTEM_CLOCK = SystemClock()


def _in_utc(instant: datetime) -> datetime:
    if instant.tzinfo is None:
        raise ValueError(f"a clock needs a timezone-aware instant, not {instant.isoformat()}")
    return instant.astimezone(UTC)


class FixedClock:
    """Time that stands still until a test moves it."""

    def __init__(self, instant: datetime) -> None:
        self.instant = _in_utc(instant)

    def now(self) -> datetime:
        return self.instant

    def advance(self, by: timedelta) -> None:
        self.instant += by


class ShiftedClock:
    """Starts at `start` and ticks with the system clock from then on."""

    def __init__(self, start: datetime, source: Clock = SYSTEM_CLOCK) -> None:
        self.source = source
        self.offset = _in_utc(start) - source.now()

    def now(self) -> datetime:
        return self.source.now() + self.offset


_current_clock: ContextVar[Clock] = ContextVar("current_clock", default=SYSTEM_CLOCK)


def current_clock() -> Clock:
    """The clock of this context: the system clock unless one was made current."""
    return _current_clock.get()


def clock_starting_at(start: datetime | None) -> Clock:
    """A clock that starts at `start` and ticks (a testing aid), else the current one."""
    return current_clock() if start is None else ShiftedClock(start)


def utcnow() -> datetime:
    """Now, by the clock current in this context."""
    return current_clock().now()


def make_current(clock: Clock) -> Token[Clock]:
    """Makes `clock` current in this context until `restore_clock(token)`: the request
    frame's way, which costs less than entering `clock_in_use` on every request."""
    return _current_clock.set(clock)


def restore_clock(token: Token[Clock]) -> None:
    """Makes current again the clock that was before `make_current` gave `token`."""
    _current_clock.reset(token)


@contextmanager
def clock_in_use(clock: Clock) -> Iterator[None]:
    """Make `clock` current for the code run inside (and the threads it hands work to)."""
    token = make_current(clock)
    try:
        yield
    finally:
        restore_clock(token)
