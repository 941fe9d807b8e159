"""Constraints: each adds its issue with the severity its policy gives it, on the day it
concerns, and changes no figure."""

from datetime import date, timedelta

from tests.rules.builders import OT, Shifts, configuration, constraint, worktime
from timeledger.rules.evaluation import evaluate
from timeledger.rules.facts import ConstraintUse

MONDAY = date(2026, 3, 2)
WEEK = (MONDAY, MONDAY + timedelta(days=6))


def issues_of(
    shifts: Shifts, *constraints: ConstraintUse, first: date = WEEK[0], last: date = WEEK[1]
) -> list[tuple[date, str, str]]:
    policy = worktime(constraints=constraints)
    evaluation = evaluate(shifts.facts(first, last, configuration(OT, worktime_policy=policy)))
    return [(issue.day, issue.code, issue.severity) for issue in evaluation.issues]


def test_daily_rest_is_measured_from_the_last_interval_to_the_next_day_first() -> None:
    shifts = (
        Shifts().add(MONDAY, "12:00", "23:00").add(MONDAY + timedelta(days=1), "07:00", "15:00")
    )
    shifts.add(MONDAY + timedelta(days=3), "07:00", "15:00")

    found = issues_of(shifts, constraint("daily_rest", "error", min_minutes=660))

    assert found == [(MONDAY + timedelta(days=1), "daily_rest", "error")]


def test_daily_rest_looks_at_the_day_before_the_range() -> None:
    shifts = (
        Shifts().add(MONDAY, "12:00", "23:00").add(MONDAY + timedelta(days=1), "07:00", "15:00")
    )
    tuesday = MONDAY + timedelta(days=1)

    found = issues_of(
        shifts, constraint("daily_rest", min_minutes=660), first=tuesday, last=tuesday
    )

    assert found == [(tuesday, "daily_rest", "warning")]


def test_max_daily_work() -> None:
    shifts = (
        Shifts().add(MONDAY, "06:00", "17:00").add(MONDAY + timedelta(days=1), "08:00", "16:00")
    )

    found = issues_of(shifts, constraint("max_daily_work", max_minutes=600))

    assert found == [(MONDAY, "max_daily_work", "warning")]


def test_continuous_work_is_broken_by_a_recorded_break() -> None:
    shifts = Shifts().add(MONDAY, "08:00", "15:00", breaks=(("11:00", "11:15"),))
    shifts.add(MONDAY + timedelta(days=1), "08:00", "15:00")

    found = issues_of(shifts, constraint("continuous_work", max_minutes=360))

    assert found == [(MONDAY + timedelta(days=1), "continuous_work", "warning")]


def test_overtime_limits_over_seven_days() -> None:
    shifts = Shifts()
    for offset in range(3):
        shifts.add(MONDAY + timedelta(days=offset), "06:00", "18:00")

    found = issues_of(shifts, constraint("overtime_limits", per_7_days=400))

    # 180 minutes of daily overtime a day: 360 after Tuesday, 540 after Wednesday.
    assert found == [(MONDAY + timedelta(days=2), "overtime_limit_7_days", "warning")]


def test_weekly_average_over_the_weeks_before() -> None:
    shifts = Shifts()
    for week in range(2):
        for offset in range(5):
            shifts.add(MONDAY + timedelta(weeks=week, days=offset), "07:00", "18:00")

    found = issues_of(
        shifts,
        constraint("weekly_average", max_minutes=2880, weeks=2),
        first=MONDAY + timedelta(weeks=1),
        last=MONDAY + timedelta(weeks=1, days=6),
    )

    assert found == [(MONDAY + timedelta(weeks=1, days=6), "weekly_average", "warning")]


def test_an_open_interval_is_an_error_and_not_counted() -> None:
    shifts = Shifts().add(MONDAY, "08:00", None)

    policy = worktime(constraints=(constraint("closed_intervals", "error"),))
    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(worktime_policy=policy)))

    assert evaluation.days[0].worked_minutes == 0
    assert [(issue.code, issue.severity) for issue in evaluation.issues] == [
        ("open_interval", "error")
    ]


def test_reconcile_layers_compares_work_entries_with_presence() -> None:
    shifts = Shifts().add(MONDAY, "08:00", "16:00").entry(MONDAY, 420)
    shifts.add(MONDAY + timedelta(days=1), "08:00", "16:00").entry(MONDAY + timedelta(days=1), 475)

    found = issues_of(shifts, constraint("reconcile_layers", tolerance_minutes=15))

    assert found == [(MONDAY, "layers_differ", "warning")]
