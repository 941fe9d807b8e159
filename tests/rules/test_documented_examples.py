"""The worked examples of docs/rules.md, computed by the engine: every figure the document
states is asserted here, so the document cannot drift from the code. Each test names the
section of docs/rules.md it backs; change both together."""

from dataclasses import replace
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.rules.builders import (
    NIGHT,
    OT,
    Shifts,
    calculator,
    configuration,
    constraint,
    counter,
    filter_of,
    step,
    window,
    worktime,
)
from timeledger.kit.errors import Unprocessable
from timeledger.rules.evaluation import evaluate
from timeledger.rules.facts import (
    AllowancePolicy,
    AllowanceRule,
    ConstraintUse,
    DraftPolicies,
    Employment,
    EvaluationFacts,
    Interval,
    PluginUse,
    WorktimePolicy,
)
from timeledger.rules.figures import Evaluation, Line
from timeledger.rules.plugins.registry import SETTLEMENT_STEPS, parse_config

OSLO = ZoneInfo("Europe/Oslo")
MONDAY = date(2026, 3, 2)
TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = (
    MONDAY + timedelta(days=offset) for offset in range(1, 7)
)
WEEK = (MONDAY, SUNDAY)
BREAK_TIERS = [
    {"after_minutes": 360, "break_minutes": 30},
    {"after_minutes": 540, "break_minutes": 45},
]


def lines_of(evaluation: Evaluation, kind: str) -> list[Line]:
    return [line for line in evaluation.lines if line.kind == kind]


def local(line: Line) -> list[tuple[str, str, int]]:
    """A line's timed sources as local Oslo times, with their minutes."""
    return [
        (
            source.started_at.astimezone(OSLO).strftime("%a %H:%M"),
            source.ended_at.astimezone(OSLO).strftime("%H:%M"),
            source.minutes,
        )
        for source in line.sources
        if source.started_at is not None and source.ended_at is not None
    ]


def figures(line: Line) -> tuple[object, ...]:
    """What a rule line says: day, minutes, rate, units, amount."""
    return (line.day, line.minutes, line.rate_percent, line.units, line.amount_minor)


def rules_policy(
    policy_id: int, *rules: tuple[tuple[PluginUse, ...], PluginUse], overtime: bool = False
) -> AllowancePolicy:
    return AllowancePolicy(
        policy_id=policy_id,
        effective_from=MONDAY,
        classify_as_overtime=overtime,
        rules=tuple(AllowanceRule(filters, rule_calculator) for filters, rule_calculator in rules),
    )


def worked(evaluation: Evaluation) -> list[int]:
    return [day.worked_minutes for day in evaluation.days]


def with_constraints(
    shifts: Shifts, *constraints: ConstraintUse, first: date = MONDAY, last: date = SUNDAY
) -> Evaluation:
    policy = worktime(constraints=constraints)
    return evaluate(shifts.facts(first, last, configuration(OT, worktime_policy=policy)))


def issues(evaluation: Evaluation) -> list[tuple[date, str, str, str]]:
    return [(i.day, i.severity, i.code, i.message) for i in evaluation.issues]


def the_long_monday() -> Shifts:
    shifts = Shifts().add(MONDAY, "07:00", "18:00", breaks=(("11:30", "12:00"),))
    for day in (TUESDAY, WEDNESDAY, THURSDAY, FRIDAY):
        shifts.add(day, "08:00", "15:30")
    return shifts


# How a day is evaluated


def test_the_order_of_evaluation_on_the_long_monday() -> None:
    """docs/rules.md, "The order of evaluation" and "A complete example"."""
    evaluation = evaluate(the_long_monday().facts(*WEEK, configuration(OT)))

    (worked_line,) = [line for line in lines_of(evaluation, "worked") if line.day == MONDAY]
    assert local(worked_line) == [("Mon 07:00", "11:30", 270), ("Mon 12:00", "18:00", 360)]
    (overtime,) = lines_of(evaluation, "overtime")
    assert figures(overtime) == (MONDAY, 90, 140, None, None)
    assert (overtime.basis, overtime.plugin_id) == ("day", "norm_week_counter")
    assert local(overtime) == [("Mon 16:30", "18:00", 90)]
    monday = evaluation.days[0]
    assert (monday.norm_minutes, monday.worked_minutes, monday.flex_delta_minutes) == (450, 630, 90)
    assert [line.minutes for line in lines_of(evaluation, "flex")] == [90, 0, 0, 0, 0, 0, 0]
    totals = evaluation.totals
    assert (totals.norm_minutes, totals.worked_minutes) == (2250, 2430)
    assert (totals.overtime_minutes, totals.flex_delta_minutes) == (90, 90)
    assert evaluation.issues == ()


def test_a_week_at_the_daily_threshold() -> None:
    """docs/rules.md, "norm_week_counter": 540 worked is not above 540."""
    shifts = Shifts()
    ends = ("17:00", "16:00", "15:30", "14:00", "15:30")
    for offset, end in enumerate(ends):
        shifts.add(MONDAY + timedelta(days=offset), "08:00", end)

    evaluation = evaluate(shifts.facts(*WEEK, configuration(OT)))

    assert worked(evaluation) == [540, 480, 450, 360, 450, 0, 0]
    assert (evaluation.totals.worked_minutes, evaluation.totals.overtime_minutes) == (2280, 0)
    assert evaluation.totals.flex_delta_minutes == 30


def test_a_night_belongs_to_the_day_it_starts() -> None:
    """docs/rules.md, "Shift days and time" and "time_window"."""
    shifts = Shifts().add(TUESDAY, "22:00", "06:30", breaks=(("02:00", "02:30"),))

    evaluation = evaluate(shifts.facts(*WEEK, configuration(OT, NIGHT)))

    assert worked(evaluation)[:3] == [0, 480, 0]
    (night,) = lines_of(evaluation, "allowance")
    assert figures(night) == (TUESDAY, 450, 100, None, None)
    assert local(night) == [("Tue 22:00", "02:00", 240), ("Wed 02:30", "06:00", 210)]


@pytest.mark.parametrize(
    ("night_of", "elapsed"),
    [(date(2026, 3, 28), 420), (date(2026, 10, 24), 540), (date(2026, 6, 6), 480)],
)
def test_elapsed_time_across_a_clock_change(night_of: date, elapsed: int) -> None:
    """docs/rules.md, "Shift days and time": 22:00-06:00 is 7, 9 or 8 hours."""
    shifts = Shifts().add(night_of, "22:00", "06:00")

    evaluation = evaluate(shifts.facts(night_of, night_of, configuration()))

    assert worked(evaluation) == [elapsed]


@pytest.mark.parametrize(
    ("night_of", "present", "in_window"),
    [(date(2026, 10, 24), 780, 600), (date(2026, 3, 28), 660, 480)],
)
def test_a_window_is_built_per_local_date(night_of: date, present: int, in_window: int) -> None:
    """docs/rules.md, "time_window": 21:00-06:00 is 10 hours when the clocks go back."""
    shifts = Shifts().add(night_of, "20:00", "08:00")

    evaluation = evaluate(shifts.facts(night_of, night_of, configuration(NIGHT)))

    assert worked(evaluation) == [present]
    assert [line.minutes for line in lines_of(evaluation, "allowance")] == [in_window]


def test_instants_are_truncated_to_the_minute() -> None:
    """docs/rules.md, "Shift days and time": 08:00:59-16:00:30 counts 480 minutes."""
    interval = Interval(
        1,
        datetime(2026, 3, 2, 8, 0, 59, tzinfo=OSLO),
        datetime(2026, 3, 2, 16, 0, 30, tzinfo=OSLO),
    )
    facts = EvaluationFacts(1, MONDAY, MONDAY, configuration(), intervals=(interval,))

    assert worked(evaluate(facts)) == [480]


def test_weeks_are_evaluated_whole_whatever_the_range() -> None:
    """docs/rules.md, "Whole weeks and look-back"."""
    shifts = Shifts()
    for offset in range(5):
        shifts.add(MONDAY + timedelta(days=offset), "08:00", "17:00")

    week = evaluate(shifts.facts(*WEEK, configuration(OT)))
    friday = evaluate(shifts.facts(FRIDAY, FRIDAY, configuration(OT)))
    monday = evaluate(shifts.facts(MONDAY, MONDAY, configuration(OT)))

    (weekly,) = lines_of(week, "overtime")
    assert lines_of(friday, "overtime") == [weekly]
    assert lines_of(monday, "overtime") == []
    assert monday.days == week.days[:1]


def test_an_open_interval_is_not_counted() -> None:
    """docs/rules.md, "Shift days and time" and "closed_intervals"."""
    shifts = Shifts().add(MONDAY, "08:00", None)

    evaluation = with_constraints(
        shifts, constraint("closed_intervals", "error"), first=MONDAY, last=MONDAY
    )

    assert worked(evaluation) == [0]
    assert issues(evaluation) == [
        (
            MONDAY,
            "error",
            "open_interval",
            "Presence interval 1 has no end (a forgotten clock-out?); its time is not "
            "counted until it is closed.",
        )
    ]


# Filters


def test_time_window_reaches_into_the_next_morning() -> None:
    """docs/rules.md, "time_window": a 05:00-13:00 shift has 60 night minutes."""
    shifts = Shifts().add(MONDAY, "05:00", "13:00")

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(NIGHT)))

    (night,) = lines_of(evaluation, "allowance")
    assert local(night) == [("Mon 05:00", "06:00", 60)]


def test_a_window_from_a_time_to_the_same_time_is_the_whole_day() -> None:
    """docs/rules.md, "time_window": `from` equal to `to` selects every minute."""
    whole = rules_policy(4, ((window("06:00", "06:00"),), calculator("rate", percent=100)))
    shifts = Shifts().add(MONDAY, "20:00", "08:00")

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(whole)))

    assert [line.minutes for line in lines_of(evaluation, "allowance")] == [720]


@pytest.mark.parametrize(("days", "selected"), [([7], 240), ([6, 7], 480)])
def test_weekdays_split_a_night_at_local_midnight(days: list[int], selected: int) -> None:
    """docs/rules.md, "weekdays"."""
    sunday_pay = rules_policy(
        6, ((filter_of("weekdays", days=days),), calculator("rate", percent=50))
    )
    shifts = Shifts().add(SATURDAY, "20:00", "04:00")

    evaluation = evaluate(shifts.facts(SATURDAY, SATURDAY, configuration(sunday_pay)))

    (line,) = lines_of(evaluation, "allowance")
    assert figures(line) == (SATURDAY, selected, 50, None, None)


def test_holidays_have_no_norm_and_select_the_holiday_minutes() -> None:
    """docs/rules.md, "holidays"."""
    holiday_pay = rules_policy(3, ((filter_of("holidays"),), calculator("rate", percent=125)))
    config = configuration(holiday_pay, holidays=frozenset({WEDNESDAY}))

    on_the_day = evaluate(
        Shifts().add(WEDNESDAY, "10:00", "14:00").facts(WEDNESDAY, WEDNESDAY, config)
    )
    eve = evaluate(Shifts().add(TUESDAY, "22:00", "04:00").facts(TUESDAY, TUESDAY, config))

    day = on_the_day.days[0]
    assert (day.norm_minutes, day.worked_minutes, day.flex_delta_minutes) == (0, 240, 240)
    assert [figures(line) for line in lines_of(on_the_day, "allowance")] == [
        (WEDNESDAY, 240, 125, None, None)
    ]
    (eve_line,) = lines_of(eve, "allowance")
    assert figures(eve_line) == (TUESDAY, 240, 125, None, None)
    assert local(eve_line) == [("Wed 00:00", "04:00", 240)]
    assert eve.days[0].norm_minutes == 450


def test_reasons_select_the_intervals_recorded_with_them() -> None:
    """docs/rules.md, "reasons"."""
    on_call = rules_policy(
        8, ((filter_of("reasons", reason_ids=[9]),), calculator("rate", percent=50))
    )
    shifts = Shifts().add(MONDAY, "08:00", "16:00").add(MONDAY, "16:00", "19:00", reason_id=9)

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(on_call)))

    (line,) = lines_of(evaluation, "allowance")
    assert figures(line) == (MONDAY, 180, 50, None, None)
    assert local(line) == [("Mon 16:00", "19:00", 180)]


def standby_policy() -> AllowancePolicy:
    standby = filter_of("activities", activity_ids=[42])
    return rules_policy(
        5,
        ((standby, window("21:00", "06:00")), calculator("amount", amount_minor=5000, per="hour")),
        ((standby,), calculator("count", min_minutes=60)),
    )


def test_activities_make_a_rule_read_time_entries() -> None:
    """docs/rules.md, "activities"."""
    timed = (
        Shifts().entry(MONDAY, 180, activity_id=42, start="20:00").entry(MONDAY, 60, activity_id=7)
    )
    untimed = Shifts().entry(MONDAY, 180, activity_id=42).entry(MONDAY, 60, activity_id=7)

    with_times = evaluate(timed.facts(MONDAY, MONDAY, configuration(standby_policy())))
    without = evaluate(untimed.facts(MONDAY, MONDAY, configuration(standby_policy())))

    amount, count = lines_of(with_times, "allowance")
    assert (amount.rule_index, *figures(amount)) == (0, MONDAY, 120, None, None, 10000)
    assert local(amount) == [("Mon 21:00", "23:00", 120)]
    assert amount.sources[0].entry_id == 100
    assert (count.rule_index, *figures(count)) == (1, MONDAY, 180, None, 1, None)
    (only_count,) = lines_of(without, "allowance")
    assert (only_count.rule_index, only_count.units, only_count.minutes) == (1, 1, 180)
    assert (only_count.sources[0].started_at, only_count.sources[0].ended_at) == (None, None)


# Calculators


def test_rate_without_filters_takes_every_minute() -> None:
    """docs/rules.md, "rate"."""
    all_hours = rules_policy(9, ((), calculator("rate", percent=150)))

    evaluation = evaluate(
        Shifts().add(MONDAY, "08:00", "12:00").facts(MONDAY, MONDAY, configuration(all_hours))
    )

    assert [figures(line) for line in lines_of(evaluation, "allowance")] == [
        (MONDAY, 240, 150, None, None)
    ]


def test_count_gives_one_unit_per_day_with_enough_minutes() -> None:
    """docs/rules.md, "count"."""
    evening = rules_policy(9, ((window("18:00", "23:00"),), calculator("count", min_minutes=120)))
    shifts = Shifts().add(MONDAY, "18:00", "19:30").add(TUESDAY, "18:00", "20:00")

    evaluation = evaluate(shifts.facts(MONDAY, TUESDAY, configuration(evening)))

    assert [figures(line) for line in lines_of(evaluation, "allowance")] == [
        (TUESDAY, 120, None, 1, None)
    ]


@pytest.mark.parametrize(
    ("end", "amount_minor", "per", "paid"),
    [("21:45", 2500, "hour", 1875), ("21:45", 2500, "day", 2500), ("21:01", 150, "hour", 3)],
)
def test_amount_per_hour_or_per_day(end: str, amount_minor: int, per: str, paid: int) -> None:
    """docs/rules.md, "amount": per hour rounded half up to the minor unit."""
    supplement = rules_policy(
        9, ((window("21:00", "06:00"),), calculator("amount", amount_minor=amount_minor, per=per))
    )
    shifts = Shifts().add(MONDAY, "21:00", end)

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(supplement)))

    (line,) = lines_of(evaluation, "allowance")
    assert (line.amount_minor, line.rate_percent, line.units) == (paid, None, None)


# Counters


def test_weekly_overtime_is_taken_from_the_end_of_the_week() -> None:
    """docs/rules.md, "norm_week_counter": five days of 08:00-17:00."""
    shifts = Shifts()
    for offset in range(5):
        shifts.add(MONDAY + timedelta(days=offset), "08:00", "17:00")

    evaluation = evaluate(shifts.facts(*WEEK, configuration(OT)))

    (weekly,) = lines_of(evaluation, "overtime")
    assert (*figures(weekly), weekly.basis) == (FRIDAY, 300, 140, None, None, "week")
    assert local(weekly) == [("Fri 12:00", "17:00", 300)]
    assert evaluation.totals.flex_delta_minutes == 150
    assert evaluation.days[4].flex_delta_minutes == -210


def test_weekly_overtime_spills_back_over_earlier_days() -> None:
    """docs/rules.md, "norm_week_counter": a weekly threshold alone."""
    weekly_only = AllowancePolicy(
        policy_id=1,
        effective_from=MONDAY,
        classify_as_overtime=True,
        counter=counter(
            daily_threshold_minutes=None, weekly_threshold_minutes=2100, rate_percent=150
        ),
    )
    shifts = Shifts()
    for offset in range(5):
        shifts.add(MONDAY + timedelta(days=offset), "08:00", "16:00")
    shifts.add(SATURDAY, "08:00", "12:00")

    evaluation = evaluate(shifts.facts(*WEEK, configuration(weekly_only)))

    overtime = lines_of(evaluation, "overtime")
    assert [(line.day, line.minutes, line.basis) for line in overtime] == [
        (FRIDAY, 300, "week"),
        (SATURDAY, 240, "week"),
    ]
    assert local(overtime[0]) == [("Fri 11:00", "16:00", 300)]
    assert local(overtime[1]) == [("Sat 08:00", "12:00", 240)]


def test_a_daily_threshold_on_top_of_the_norm() -> None:
    """docs/rules.md, "norm_week_counter": `daily_basis: norm` for part time."""
    above_norm = AllowancePolicy(
        policy_id=1,
        effective_from=MONDAY,
        classify_as_overtime=True,
        counter=counter(
            daily_threshold_minutes=0,
            daily_basis="norm",
            weekly_threshold_minutes=None,
            rate_percent=150,
        ),
    )
    shifts = Shifts().add(MONDAY, "09:00", "14:00").add(TUESDAY, "09:00", "13:00")
    shifts.add(SATURDAY, "10:00", "12:00")
    config = configuration(above_norm, pattern=(240, 240, 240, 0, 0, 0, 0))

    evaluation = evaluate(shifts.facts(*WEEK, config))

    overtime = lines_of(evaluation, "overtime")
    assert [(line.day, line.minutes, line.basis) for line in overtime] == [
        (MONDAY, 60, "day"),
        (SATURDAY, 120, "day"),
    ]
    assert local(overtime[0]) == [("Mon 13:00", "14:00", 60)]


def test_a_week_a_policy_applies_to_in_part_has_its_share_of_the_weekly_threshold() -> None:
    """docs/rules.md, "norm_week_counter": a new employee whose first version starts on
    Wednesday has the share of the weekly threshold that Wednesday to Sunday plan."""
    saved = configuration(OT)
    config = replace(
        saved,
        employee_versions=(replace(saved.employee_versions[0], effective_from=WEDNESDAY),),
    )
    shifts = Shifts()
    for day in (WEDNESDAY, THURSDAY, FRIDAY, SATURDAY):
        shifts.add(day, "08:00", "16:00")

    evaluation = evaluate(shifts.facts(*WEEK, config))

    assert evaluation.totals.worked_minutes == 1920
    assert 2400 * 1350 // 2250 == 1440
    (weekly,) = lines_of(evaluation, "overtime")
    assert (*figures(weekly), weekly.basis) == (SATURDAY, 480, 140, None, None, "week")
    assert local(weekly) == [("Sat 08:00", "16:00", 480)]


# Work-time steps


@pytest.mark.parametrize(
    ("start", "end", "breaks", "mode", "worked_minutes", "deducted"),
    [
        ("08:00", "14:20", (), "cap", 360, [("Mon 14:00", "14:20", 20)]),
        ("08:00", "14:20", (), "full", 350, [("Mon 13:50", "14:20", 30)]),
        ("08:00", "14:05", (), "cap", 360, [("Mon 14:00", "14:05", 5)]),
        ("08:00", "14:05", (), "full", 335, [("Mon 13:35", "14:05", 30)]),
        ("07:00", "17:00", (), "cap", 555, [("Mon 13:00", "13:45", 45)]),
        ("07:00", "17:00", (), "full", 555, [("Mon 13:00", "13:45", 45)]),
        ("07:00", "17:00", (("12:00", "12:30"),), "cap", 555, [("Mon 13:30", "13:45", 15)]),
        ("07:00", "17:00", (("12:00", "12:30"),), "full", 555, [("Mon 13:30", "13:45", 15)]),
        (
            "08:00",
            "16:00",
            (("10:00", "10:10"), ("12:00", "12:20")),
            "cap",
            440,
            [("Mon 14:30", "14:40", 10)],
        ),
        (
            "08:00",
            "16:00",
            (("10:00", "10:10"), ("12:00", "12:20")),
            "full",
            440,
            [("Mon 14:30", "14:40", 10)],
        ),
    ],
)
def test_statutory_breaks(
    start: str,
    end: str,
    breaks: tuple[tuple[str, str], ...],
    mode: str,
    worked_minutes: int,
    deducted: list[tuple[str, str, int]],
) -> None:
    """docs/rules.md, "statutory_breaks"."""
    policy = worktime(
        step("statutory_breaks", tiers=BREAK_TIERS, min_segment_minutes=15, mode=mode)
    )
    shifts = Shifts().add(MONDAY, start, end, breaks=breaks)

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(worktime_policy=policy)))

    assert worked(evaluation) == [worked_minutes]
    (deduction,) = lines_of(evaluation, "break_deduction")
    assert (deduction.plugin_id, deduction.rule_index, deduction.policy_id) == (
        "statutory_breaks",
        0,
        10,
    )
    assert local(deduction) == deducted


@pytest.mark.parametrize(
    ("min_segment", "worked_minutes", "deducted"),
    [(15, 390, []), (45, 360, [[("Mon 14:30", "15:00", 30)]])],
)
def test_clocking_out_for_lunch_is_a_break_taken(
    min_segment: int, worked_minutes: int, deducted: list[list[tuple[str, str, int]]]
) -> None:
    """docs/rules.md, "statutory_breaks": a gap between two intervals counts as a break
    taken, when it is at least `min_segment_minutes` long."""
    policy = worktime(
        step("statutory_breaks", tiers=BREAK_TIERS, min_segment_minutes=min_segment, mode="full")
    )
    shifts = Shifts().add(MONDAY, "08:00", "12:00").add(MONDAY, "12:30", "15:00")

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(worktime_policy=policy)))

    assert worked(evaluation) == [worked_minutes]
    assert [local(line) for line in lines_of(evaluation, "break_deduction")] == deducted


@pytest.mark.parametrize(
    ("start", "end", "worked_minutes", "deducted"),
    [
        ("08:00", "16:00", 450, [("Mon 12:00", "12:30", 30)]),
        ("08:00", "12:10", 220, [("Mon 11:40", "12:10", 30)]),
        ("08:00", "12:00", 240, []),
    ],
)
def test_auto_deduction(
    start: str, end: str, worked_minutes: int, deducted: list[tuple[str, str, int]]
) -> None:
    """docs/rules.md, "auto_deduction": 30 minutes after more than 240."""
    policy = worktime(step("auto_deduction", after_minutes=240, minutes=30))
    shifts = Shifts().add(MONDAY, start, end)

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(worktime_policy=policy)))

    assert worked(evaluation) == [worked_minutes]
    assert [local(line) for line in lines_of(evaluation, "break_deduction")] == (
        [deducted] if deducted else []
    )


def test_a_deduction_in_the_night_is_not_paid_as_night() -> None:
    """docs/rules.md, "auto_deduction": where the deduction falls."""
    policy = worktime(step("auto_deduction", after_minutes=240, minutes=30))
    shifts = Shifts().add(MONDAY, "18:00", "02:00")

    evaluation = evaluate(
        shifts.facts(MONDAY, MONDAY, configuration(NIGHT, worktime_policy=policy))
    )

    assert worked(evaluation) == [450]
    (deduction,) = lines_of(evaluation, "break_deduction")
    assert local(deduction) == [("Mon 22:00", "22:30", 30)]
    (night,) = lines_of(evaluation, "allowance")
    assert night.minutes == 270
    assert local(night) == [("Mon 21:00", "22:00", 60), ("Mon 22:30", "02:00", 210)]


@pytest.mark.parametrize(
    ("after", "tiers", "start", "end", "worked_minutes", "deducted"),
    [
        (
            300,
            BREAK_TIERS[:1],
            "08:00",
            "16:00",
            450,
            [(0, "auto_deduction", [("Mon 13:00", "13:30", 30)])],
        ),
        (
            300,
            BREAK_TIERS,
            "07:00",
            "17:00",
            555,
            [
                (0, "auto_deduction", [("Mon 12:00", "12:30", 30)]),
                (1, "statutory_breaks", [("Mon 13:30", "13:45", 15)]),
            ],
        ),
        (
            400,
            BREAK_TIERS[:1],
            "08:00",
            "15:00",
            390,
            [(0, "auto_deduction", [("Mon 14:30", "15:00", 30)])],
        ),
    ],
)
def test_steps_apply_in_order_and_see_earlier_deductions_as_breaks(
    after: int,
    tiers: list[dict[str, int]],
    start: str,
    end: str,
    worked_minutes: int,
    deducted: list[tuple[int, str, list[tuple[str, str, int]]]],
) -> None:
    """docs/rules.md, "auto_deduction", steps in order: an earlier deduction is a break
    taken, wherever it falls."""
    policy = worktime(
        step("auto_deduction", after_minutes=after, minutes=30),
        step("statutory_breaks", tiers=tiers, mode="full"),
    )
    shifts = Shifts().add(MONDAY, start, end)

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(worktime_policy=policy)))

    assert worked(evaluation) == [worked_minutes]
    assert [
        (line.rule_index, line.plugin_id, local(line))
        for line in lines_of(evaluation, "break_deduction")
    ] == deducted


# Constraints


def test_daily_rest() -> None:
    """docs/rules.md, "daily_rest"."""
    shifts = Shifts().add(MONDAY, "12:00", "23:00").add(TUESDAY, "07:00", "15:00")
    shifts.add(THURSDAY, "07:00", "15:00")

    week = with_constraints(shifts, constraint("daily_rest", "error", min_minutes=660))
    tuesday = with_constraints(
        shifts, constraint("daily_rest", "error", min_minutes=660), first=TUESDAY, last=TUESDAY
    )

    expected = [
        (
            TUESDAY,
            "error",
            "daily_rest",
            "Only 8:00 of rest after 2026-03-02; at least 11:00 are required.",
        )
    ]
    assert issues(week) == expected
    assert issues(tuesday) == expected


def test_max_daily_work_counts_worked_minutes_after_deductions() -> None:
    """docs/rules.md, "max_daily_work"."""
    limit = constraint("max_daily_work", max_minutes=600)
    long_day = Shifts().add(MONDAY, "06:00", "17:00").add(TUESDAY, "08:00", "16:00")
    lunch = worktime(step("auto_deduction", after_minutes=360, minutes=30), constraints=(limit,))

    found = with_constraints(long_day, limit)
    deducted = evaluate(
        Shifts()
        .add(MONDAY, "06:00", "16:30")
        .facts(MONDAY, MONDAY, configuration(worktime_policy=lunch))
    )

    assert issues(found) == [
        (MONDAY, "warning", "max_daily_work", "11:00 worked; at most 10:00 are allowed.")
    ]
    assert (worked(deducted), deducted.issues) == ([600], ())


def test_continuous_work() -> None:
    """docs/rules.md, "continuous_work"."""
    limit = constraint("continuous_work", max_minutes=360)
    shifts = Shifts().add(MONDAY, "08:00", "15:00", breaks=(("11:00", "11:15"),))
    shifts.add(TUESDAY, "08:00", "15:00")
    shifts.add(WEDNESDAY, "08:00", "12:00").add(WEDNESDAY, "12:00", "15:00")

    evaluation = with_constraints(shifts, limit)

    message = "7:00 worked without a break; at most 6:00 are allowed."
    assert issues(evaluation) == [
        (TUESDAY, "warning", "continuous_work", message),
        (WEDNESDAY, "warning", "continuous_work", message),
    ]


@pytest.mark.parametrize(
    ("min_break", "expected"),
    [(0, []), (15, ["7:00 worked without a break; at most 6:00 are allowed."])],
)
def test_continuous_work_ignores_breaks_shorter_than_min_break_minutes(
    min_break: int, expected: list[str]
) -> None:
    """docs/rules.md, "continuous_work": `min_break_minutes`."""
    limit = constraint("continuous_work", max_minutes=360, min_break_minutes=min_break)
    shifts = Shifts().add(MONDAY, "08:00", "15:00", breaks=(("11:00", "11:05"),))

    evaluation = with_constraints(shifts, limit, first=MONDAY, last=MONDAY)

    assert [message for _day, _severity, _code, message in issues(evaluation)] == expected


def test_overtime_limits() -> None:
    """docs/rules.md, "overtime_limits"."""
    shifts = Shifts()
    for day in (MONDAY, TUESDAY, WEDNESDAY):
        shifts.add(day, "06:00", "18:00")

    evaluation = with_constraints(shifts, constraint("overtime_limits", per_7_days=400))

    assert [line.minutes for line in lines_of(evaluation, "overtime")] == [180, 180, 180]
    assert issues(evaluation) == [
        (
            WEDNESDAY,
            "warning",
            "overtime_limit_7_days",
            "9:00 of overtime in the 7 days ending on this day; at most 6:40 are allowed.",
        )
    ]


def test_weekly_average_is_judged_on_the_last_day_of_a_week() -> None:
    """docs/rules.md, "weekly_average"."""
    average = constraint("weekly_average", max_minutes=2880, weeks=2)
    shifts = Shifts()
    for week in range(2):
        for offset in range(5):
            shifts.add(MONDAY + timedelta(weeks=week, days=offset), "07:00", "18:00")
    second_monday = MONDAY + timedelta(weeks=1)

    whole = with_constraints(shifts, average, first=second_monday, last=SUNDAY + timedelta(weeks=1))
    to_friday = with_constraints(
        shifts, average, first=second_monday, last=FRIDAY + timedelta(weeks=1)
    )

    assert issues(whole) == [
        (
            date(2026, 3, 15),
            "warning",
            "weekly_average",
            "55:00 a week on average over 2 weeks; at most 48:00 are allowed.",
        )
    ]
    assert to_friday.issues == ()


def test_reconcile_layers() -> None:
    """docs/rules.md, "reconcile_layers"."""
    shifts = Shifts().add(MONDAY, "08:00", "16:00").entry(MONDAY, 420)
    shifts.add(TUESDAY, "08:00", "16:00").entry(TUESDAY, 475)
    shifts.entry(WEDNESDAY, 60)

    evaluation = with_constraints(shifts, constraint("reconcile_layers", tolerance_minutes=15))

    assert issues(evaluation) == [
        (
            MONDAY,
            "warning",
            "layers_differ",
            "Work entries add up to 7:00, presence to 8:00; at most 0:15 of difference is allowed.",
        ),
        (
            WEDNESDAY,
            "warning",
            "layers_differ",
            "Work entries add up to 1:00, presence to 0:00; at most 0:15 of difference is allowed.",
        ),
    ]


# Settlement steps


def test_settlement_steps_are_validated_and_stored_with_defaults() -> None:
    """docs/rules.md, "Settlement steps"."""
    choice = parse_config(
        SETTLEMENT_STEPS, {"plugin_id": "overtime_choice", "config": {"account_id": 4}}, "body"
    )
    limits = parse_config(
        SETTLEMENT_STEPS,
        {"plugin_id": "flex_limits", "config": {"max_plus_minutes": 3000}},
        "body.steps.0",
    )

    assert choice.model_dump() == {"account_id": 4, "supplement_always_paid": False}
    assert limits.model_dump() == {
        "max_plus_minutes": 3000,
        "max_minus_minutes": None,
        "apply_on": "period",
    }
    with pytest.raises(Unprocessable) as refused:
        parse_config(SETTLEMENT_STEPS, {"plugin_id": "flex_limits", "config": {}}, "body.steps.0")
    assert [error["location"] for error in refused.value.errors] == ["body.steps.0.config"]


# Decisions


def test_a_counter_skips_minutes_an_earlier_policy_made_overtime() -> None:
    """docs/rules.md, "Decisions where the issue is silent": ordered overtime before the counter."""
    ordered = AllowancePolicy(
        policy_id=4,
        effective_from=MONDAY,
        trigger_reason_ids=frozenset({9}),
        classify_as_overtime=True,
        rules=(AllowanceRule((), calculator("rate", percent=200)),),
    )
    shifts = Shifts().add(MONDAY, "07:00", "17:00").add(MONDAY, "17:00", "19:00", reason_id=9)

    evaluation = evaluate(shifts.facts(*WEEK, configuration(ordered, OT)))

    overtime = lines_of(evaluation, "overtime")
    assert [
        (line.policy_id, line.minutes, line.rate_percent, local(line)) for line in overtime
    ] == [
        (4, 120, 200, [("Mon 17:00", "19:00", 120)]),
        (1, 60, 140, [("Mon 16:00", "17:00", 60)]),
    ]
    assert (evaluation.days[0].worked_minutes, evaluation.days[0].flex_delta_minutes) == (720, 210)


def test_rules_of_one_overtime_policy_claim_in_order() -> None:
    """docs/rules.md, "Decisions where the issue is silent":
    the rules of an overtime policy never overlap."""
    rules = (
        ((window("17:00", "19:00"),), calculator("rate", percent=150)),
        ((window("16:00", "20:00"),), calculator("rate", percent=100)),
    )
    shifts = Shifts().add(MONDAY, "08:00", "20:00")

    as_overtime = evaluate(
        shifts.facts(MONDAY, MONDAY, configuration(rules_policy(4, *rules, overtime=True)))
    )
    as_allowance = evaluate(shifts.facts(MONDAY, MONDAY, configuration(rules_policy(4, *rules))))

    assert [line.minutes for line in lines_of(as_overtime, "overtime")] == [120, 120]
    assert [line.minutes for line in lines_of(as_allowance, "allowance")] == [120, 240]


def test_trigger_reasons_apply_to_presence_only() -> None:
    """docs/rules.md, "Decisions where the issue is silent":
    trigger reasons and entries-based rules."""
    by_reason = replace(OT, trigger_reason_ids=frozenset({1}))
    shifts = Shifts().add(MONDAY, "07:00", "15:00", reason_id=1)
    shifts.add(MONDAY, "15:00", "18:00", reason_id=2)
    standby = replace(standby_policy(), trigger_reason_ids=frozenset({1}))
    entries = Shifts().entry(MONDAY, 180, activity_id=42, start="20:00")

    counted = evaluate(shifts.facts(*WEEK, configuration(by_reason)))
    entries_based = evaluate(entries.facts(MONDAY, MONDAY, configuration(standby)))

    assert (counted.days[0].worked_minutes, counted.totals.overtime_minutes) == (660, 0)
    assert [line.minutes for line in lines_of(entries_based, "allowance")] == [120, 180]


OT_2024 = replace(OT, effective_from=date(2024, 1, 1))
"""OT as created in docs/rules.md, "A complete example"."""
STRICTER_OT = replace(
    OT,
    effective_from=WEDNESDAY,
    counter=counter(
        daily_threshold_minutes=480,
        daily_basis="fixed",
        weekly_threshold_minutes=2400,
        rate_percent=150,
    ),
)


def overtime_figures(evaluation: Evaluation) -> list[tuple[object, ...]]:
    return [
        (
            line.day,
            line.minutes,
            line.rate_percent,
            line.basis,
            line.policy_version_effective_from,
            local(line),
        )
        for line in lines_of(evaluation, "overtime")
    ]


def test_a_version_change_in_mid_week_cuts_the_week() -> None:
    """docs/rules.md, "Decisions where the issue is silent": each run of days of one
    version is counted by that version, with its own version date."""
    config = replace(configuration(OT_2024), allowance_policies={1: (OT_2024, STRICTER_OT)})
    shifts = Shifts().add(MONDAY, "07:00", "17:00").add(WEDNESDAY, "08:00", "17:00")

    evaluation = evaluate(shifts.facts(*WEEK, config))
    monday_only = evaluate(shifts.facts(MONDAY, MONDAY, config))

    assert (2400 * 2 // 7, 2400 * 5 // 7) == (685, 1714)
    assert overtime_figures(evaluation) == [
        (MONDAY, 60, 140, "day", date(2024, 1, 1), [("Mon 16:00", "17:00", 60)]),
        (WEDNESDAY, 60, 150, "day", WEDNESDAY, [("Wed 16:00", "17:00", 60)]),
    ]
    assert overtime_figures(monday_only) == overtime_figures(evaluation)[:1]


def test_a_version_change_in_mid_week_keeps_one_weekly_threshold() -> None:
    """docs/rules.md, "Decisions where the issue is silent": five days of 08:00-17:00 with
    the version change on Wednesday."""
    config = replace(configuration(OT_2024), allowance_policies={1: (OT_2024, STRICTER_OT)})
    shifts = Shifts()
    for offset in range(5):
        shifts.add(MONDAY + timedelta(days=offset), "08:00", "17:00")

    evaluation = evaluate(shifts.facts(*WEEK, config))
    unchanged = evaluate(shifts.facts(*WEEK, configuration(OT_2024)))

    assert overtime_figures(evaluation) == [
        *(
            (day, 60, 150, "day", WEDNESDAY, [(day.strftime("%a") + " 16:00", "17:00", 60)])
            for day in (WEDNESDAY, THURSDAY, FRIDAY)
        ),
        (FRIDAY, 120, 150, "week", WEDNESDAY, [("Fri 14:00", "16:00", 120)]),
    ]
    assert [(line.day, line.minutes) for line in lines_of(unchanged, "overtime")] == [(FRIDAY, 300)]
    assert evaluation.totals.overtime_minutes == unchanged.totals.overtime_minutes == 300


def test_a_policy_changed_from_a_counter_to_rules_in_mid_week() -> None:
    """docs/rules.md, "Decisions where the issue is silent": a counter for the days
    before, rules for the days after."""
    ruled = AllowancePolicy(
        policy_id=1,
        effective_from=WEDNESDAY,
        classify_as_overtime=True,
        consumes_flex=True,
        rules=(AllowanceRule((window("17:00", "20:00"),), calculator("rate", percent=150)),),
    )
    config = replace(configuration(OT_2024), allowance_policies={1: (OT_2024, ruled)})
    shifts = Shifts().add(MONDAY, "07:00", "18:00").add(WEDNESDAY, "07:00", "18:00")

    evaluation = evaluate(shifts.facts(*WEEK, config))

    assert overtime_figures(evaluation) == [
        (MONDAY, 120, 140, "day", date(2024, 1, 1), [("Mon 16:00", "18:00", 120)]),
        (WEDNESDAY, 60, 150, None, WEDNESDAY, [("Wed 17:00", "18:00", 60)]),
    ]


def test_norm_follows_employment_holidays_and_the_weekly_pattern() -> None:
    """docs/rules.md, "Decisions where the issue is silent": the norm of a day."""
    employed = (Employment(WEDNESDAY, THURSDAY),)

    evaluation = evaluate(
        Shifts().facts(*WEEK, configuration(employments=employed, holidays=frozenset({THURSDAY})))
    )
    throughout = evaluate(Shifts().facts(*WEEK, configuration(employments=())))

    assert [day.norm_minutes for day in evaluation.days] == [0, 0, 450, 0, 0, 0, 0]
    assert [day.norm_minutes for day in throughout.days] == [450, 450, 450, 450, 450, 0, 0]
    assert throughout.totals.norm_minutes == 2250
    assert [line.kind for line in throughout.lines].count("norm") == 5


def test_paid_absence_credits_its_minutes_up_to_the_norm() -> None:
    """docs/rules.md, "Decisions where the issue is silent": time off and non-work entries
    until the time-off issue lands, at most the day's norm."""
    shifts = Shifts().add(MONDAY, "08:00", "12:00").entry(MONDAY, 210, activity_type="timeoff")
    shifts.entry(TUESDAY, 480, activity_type="non-work")
    shifts.entry(THURSDAY, 450, activity_type="timeoff")
    shifts.entry(FRIDAY, 300, activity_type="non-work")
    shifts.entry(SATURDAY, 240, activity_type="timeoff")
    config = configuration(OT, holidays=frozenset({THURSDAY}))

    evaluation = evaluate(shifts.facts(*WEEK, config))

    assert [
        (day.norm_minutes, day.worked_minutes, day.credited_minutes, day.flex_delta_minutes)
        for day in evaluation.days
    ] == [
        (450, 240, 210, 0),
        (450, 0, 450, 0),
        (450, 0, 0, -450),
        (0, 0, 0, 0),
        (450, 0, 300, -150),
        (0, 0, 0, 0),
        (0, 0, 0, 0),
    ]


def test_the_cap_on_paid_absence_looks_at_the_norm_only() -> None:
    """docs/rules.md, "Decisions where the issue is silent": worked minutes do not reduce
    what time off credits."""
    shifts = Shifts().add(MONDAY, "08:00", "16:00").entry(MONDAY, 60, activity_type="timeoff")

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(OT)))

    (monday,) = evaluation.days
    assert (monday.worked_minutes, monday.credited_minutes, monday.flex_delta_minutes) == (
        480,
        60,
        90,
    )


def test_an_employee_without_policies() -> None:
    """docs/rules.md, "An employee without policies"."""
    shifts = Shifts().add(MONDAY, "08:00", "16:00")

    evaluation = evaluate(shifts.facts(MONDAY, TUESDAY, configuration(with_terms=False)))

    assert [line.kind for line in evaluation.lines] == ["worked", "norm", "norm"]
    assert [day.flex_delta_minutes for day in evaluation.days] == [None, None]
    assert evaluation.totals.flex_delta_minutes is None
    assert [(issue.day, issue.code, issue.severity) for issue in evaluation.issues] == [
        (MONDAY, "no_policies", "warning")
    ]


def test_draft_policies_replace_the_saved_ones() -> None:
    """docs/rules.md, "The live preview": `draft_policies`."""
    full_breaks = step("statutory_breaks", tiers=BREAK_TIERS[:1], mode="full")
    draft_worktime = WorktimePolicy(None, None, None, steps=(full_breaks,))
    stricter = replace(
        OT,
        policy_id=None,
        effective_from=None,
        consumes_flex=False,
        counter=counter(
            daily_threshold_minutes=480,
            daily_basis="fixed",
            weekly_threshold_minutes=2400,
            rate_percent=140,
        ),
    )
    saved = configuration(OT)
    shifts = the_long_monday()

    with_breaks = evaluate(
        shifts.facts(
            *WEEK,
            replace(saved, drafts=DraftPolicies(replaces_worktime=True, worktime=draft_worktime)),
        )
    )
    stricter_only = evaluate(
        shifts.facts(
            *WEEK,
            replace(saved, drafts=DraftPolicies(replaces_worktime=True, allowance=(stricter,))),
        )
    )

    deductions = lines_of(with_breaks, "break_deduction")
    assert [(line.day, line.policy_id, local(line)) for line in deductions] == [
        (day, None, [(day.strftime("%a") + " 14:00", "14:30", 30)])
        for day in (TUESDAY, WEDNESDAY, THURSDAY, FRIDAY)
    ]
    assert (with_breaks.totals.worked_minutes, with_breaks.totals.overtime_minutes) == (2310, 90)
    assert with_breaks.totals.flex_delta_minutes is None
    (overtime,) = lines_of(stricter_only, "overtime")
    assert (overtime.policy_id, overtime.minutes, overtime.rate_percent) == (None, 150, 140)
    assert stricter_only.totals.flex_delta_minutes is None
    assert with_breaks.input_digest != evaluate(shifts.facts(*WEEK, saved)).input_digest


@pytest.mark.parametrize(
    ("shifts", "worked_minutes", "deducted"),
    [
        (Shifts().add(MONDAY, "08:00", "16:30", breaks=(("12:00", "12:30"),)), 480, []),
        (Shifts().add(MONDAY, "08:00", "12:00").add(MONDAY, "12:30", "16:30"), 480, []),
        (
            Shifts().add(MONDAY, "08:00", "16:10", breaks=(("12:00", "12:10"),)),
            460,
            [[("Mon 12:10", "12:30", 20)]],
        ),
    ],
    ids=["recorded lunch", "clocked out for lunch", "a 10-minute break"],
)
def test_auto_deduction_less_the_breaks_taken(
    shifts: Shifts, worked_minutes: int, deducted: list[list[tuple[str, str, int]]]
) -> None:
    """docs/rules.md, "auto_deduction": a lunch taken leaves nothing more to deduct."""
    policy = worktime(step("auto_deduction", after_minutes=240, minutes=30))

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(worktime_policy=policy)))

    assert worked(evaluation) == [worked_minutes]
    assert [local(line) for line in lines_of(evaluation, "break_deduction")] == deducted
