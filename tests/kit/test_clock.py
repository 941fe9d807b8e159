import ast
import contextvars
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from timeledger.kit.clock import (
    SYSTEM_CLOCK,
    Clock,
    FixedClock,
    ShiftedClock,
    clock_in_use,
    clock_starting_at,
    current_clock,
    utcnow,
)

SOURCE = Path(__file__).parents[2] / "src" / "timeledger"
NEW_YEAR = datetime(2026, 12, 31, 23, 59, 30, tzinfo=UTC)


class SteppingClock:
    """A source clock a test moves by hand."""

    def __init__(self, instant: datetime) -> None:
        self.instant = instant

    def now(self) -> datetime:
        return self.instant


def _system_time_readings(path: Path) -> list[str]:
    readings = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in {"now", "utcnow", "today"}
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id in {"datetime", "date"}
        ):
            readings.append(str(path.relative_to(SOURCE)))
    return readings


def test_the_system_clock_is_read_in_one_place_only() -> None:
    readings = [
        reading for path in sorted(SOURCE.rglob("*.py")) for reading in _system_time_readings(path)
    ]
    assert readings == ["kit/clock.py"]


def test_the_system_clock_tells_aware_utc() -> None:
    before = datetime.now(UTC)
    now = SYSTEM_CLOCK.now()
    assert now.tzinfo is UTC
    assert before <= now <= datetime.now(UTC)


def test_a_fixed_clock_stands_still_in_utc_until_advanced() -> None:
    clock = FixedClock(datetime(2027, 1, 1, 0, 59, 30, tzinfo=timezone(timedelta(hours=1))))
    assert clock.now() == NEW_YEAR
    assert clock.now().tzinfo is UTC
    clock.advance(timedelta(seconds=31))
    assert clock.now() == NEW_YEAR + timedelta(seconds=31)


def test_a_shifted_clock_starts_at_its_instant_and_ticks_with_its_source() -> None:
    source = SteppingClock(datetime(2026, 6, 1, 12, tzinfo=UTC))
    clock = ShiftedClock(NEW_YEAR, source)
    assert clock.now() == NEW_YEAR
    source.instant += timedelta(seconds=45)
    assert clock.now() == NEW_YEAR + timedelta(seconds=45)


@pytest.mark.parametrize("make", [FixedClock, ShiftedClock])
def test_a_clock_refuses_a_naive_instant(make: type[FixedClock] | type[ShiftedClock]) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        make(datetime(2026, 1, 1))  # noqa: DTZ001


def test_utcnow_reads_the_current_clock_and_the_threads_it_hands_work_to() -> None:
    frozen = FixedClock(NEW_YEAR)
    seen: list[datetime] = []
    with clock_in_use(frozen):
        assert utcnow() == NEW_YEAR
        context = contextvars.copy_context()
        worker = threading.Thread(target=context.run, args=(lambda: seen.append(utcnow()),))
        worker.start()
        worker.join()
    assert seen == [NEW_YEAR]
    assert current_clock() is not frozen


def test_without_a_start_the_setting_keeps_the_current_clock() -> None:
    frozen = FixedClock(NEW_YEAR)
    with clock_in_use(frozen):
        assert clock_starting_at(None) is frozen
    started: Clock = clock_starting_at(NEW_YEAR)
    assert NEW_YEAR <= started.now() < NEW_YEAR + timedelta(seconds=5)
