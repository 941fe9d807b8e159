"""Where an employee stands today, decided from plain values: the precedence of the states
and the minutes present (the closed intervals' minutes are summed by the database: see
test_team_repository.py)."""

from datetime import UTC, date, datetime, timedelta

from timeledger.presence.team_today import ClosedPresence, DayState, Standing, Stretch, day_state

TODAY = date(2026, 3, 4)
NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)
EMPLOYEE = 7


def at(hour: int, minute: int = 0, day: int = 4) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


def stretch(
    started: datetime,
    ended: datetime | None = None,
    breaks: tuple[tuple[datetime, datetime | None], ...] = (),
) -> Stretch:
    return Stretch(EMPLOYEE, started.date(), started, ended, breaks)


def test_present_minutes_leave_out_breaks_and_run_until_now_when_open() -> None:
    closed = stretch(at(7), at(11), ((at(9), at(9, 30)),))
    open_on_break = stretch(at(8), None, ((at(10), at(10, 15)), (at(11, 30), None)))
    assert closed.minutes(NOW) == 210
    assert open_on_break.minutes(NOW) == 240 - 15 - 30
    assert open_on_break.open_break_since() == at(11, 30)
    assert closed.open_break_since() is None
    assert stretch(at(12), at(11)).minutes(NOW) == 0


def test_an_open_interval_is_in_on_a_break_or_forgotten() -> None:
    clocked_in = stretch(at(9))
    assert day_state(TODAY, clocked_in, ClosedPresence(), False, NOW) == Standing(
        DayState.IN, at(9), 180
    )
    pausing = stretch(at(8), None, ((at(11, 30), None),))
    assert day_state(TODAY, pausing, ClosedPresence(1, 45), True, NOW) == Standing(
        DayState.ON_BREAK, at(11, 30), 210 + 45
    )
    since_yesterday = stretch(at(15, day=3))
    assert day_state(TODAY, since_yesterday, ClosedPresence(), False, NOW) == Standing(
        DayState.FORGOT, at(15, day=3), 0
    )


def test_without_an_open_interval_out_comes_before_off_and_off_before_not_in() -> None:
    morning = ClosedPresence(intervals=1, minutes=120)
    assert day_state(TODAY, None, morning, True, NOW) == Standing(DayState.OUT, None, 120)
    assert day_state(TODAY, None, ClosedPresence(), True, NOW) == Standing(DayState.OFF, None, 0)
    assert day_state(TODAY, None, ClosedPresence(), False, NOW) == Standing(
        DayState.NOT_IN, None, 0
    )


def test_the_open_interval_counts_only_when_it_began_today() -> None:
    since_yesterday = Stretch(EMPLOYEE, TODAY - timedelta(days=1), at(22, day=3), None)
    earlier_today = ClosedPresence(intervals=1, minutes=30)
    assert day_state(TODAY, since_yesterday, earlier_today, False, NOW) == Standing(
        DayState.FORGOT, at(22, day=3), 30
    )
