"""The rule engine's evaluation, from plain facts: the issue's examples and the cases
payroll depends on (daylight saving, midnight, holidays, part time, ordered overtime)."""

from dataclasses import replace
from datetime import date, timedelta

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
from timeledger.rules.evaluation import context_range, evaluate
from timeledger.rules.facts import AllowancePolicy, AllowanceRule, Employment, TermsVersion
from timeledger.rules.figures import Evaluation, Line

MONDAY = date(2026, 3, 2)


def week_of(monday: date) -> tuple[date, date]:
    return monday, monday + timedelta(days=6)


def lines_of(evaluation: Evaluation, kind: str) -> list[Line]:
    return [line for line in evaluation.lines if line.kind == kind]


def local_clock(line: Line) -> list[tuple[str, str]]:
    from zoneinfo import ZoneInfo

    oslo = ZoneInfo("Europe/Oslo")
    return [
        (
            source.started_at.astimezone(oslo).strftime("%H:%M"),
            source.ended_at.astimezone(oslo).strftime("%H:%M"),
        )
        for source in line.sources
        if source.started_at is not None and source.ended_at is not None
    ]


def test_a_week_at_the_threshold_has_no_overtime_and_30_minutes_of_flex() -> None:
    shifts = Shifts()
    days = [("08:00", "17:00"), ("08:00", "16:00"), ("08:00", "15:30"), ("08:00", "14:00")]
    for offset, (start, end) in enumerate([*days, ("08:00", "15:30")]):
        shifts.add(MONDAY + timedelta(days=offset), start, end)

    evaluation = evaluate(shifts.facts(*week_of(MONDAY), configuration(OT)))

    assert evaluation.totals.worked_minutes == 2280
    assert evaluation.totals.overtime_minutes == 0
    assert evaluation.totals.flex_delta_minutes == 30
    assert [day.worked_minutes for day in evaluation.days] == [540, 480, 450, 360, 450, 0, 0]


def test_a_long_monday_has_90_minutes_of_daily_overtime_at_the_end_of_the_day() -> None:
    shifts = Shifts().add(MONDAY, "07:00", "18:00", breaks=(("11:30", "12:00"),))
    for offset in range(1, 5):
        shifts.add(MONDAY + timedelta(days=offset), "08:00", "15:30")

    evaluation = evaluate(shifts.facts(*week_of(MONDAY), configuration(OT)))

    (overtime,) = lines_of(evaluation, "overtime")
    assert (overtime.day, overtime.minutes, overtime.rate_percent) == (MONDAY, 90, 140)
    assert (overtime.basis, overtime.policy_id, overtime.plugin_id) == (
        "day",
        1,
        "norm_week_counter",
    )
    assert local_clock(overtime) == [("16:30", "18:00")]
    assert evaluation.totals.flex_delta_minutes == 90
    assert evaluation.days[0].flex_delta_minutes == 90


def test_a_night_shift_counts_on_the_day_it_starts_and_its_window_minutes() -> None:
    tuesday = MONDAY + timedelta(days=1)
    shifts = Shifts().add(tuesday, "22:00", "06:30", breaks=(("02:00", "02:30"),))

    evaluation = evaluate(shifts.facts(*week_of(MONDAY), configuration(OT, NIGHT)))

    assert [day.worked_minutes for day in evaluation.days][:3] == [0, 480, 0]
    (night,) = lines_of(evaluation, "allowance")
    assert (night.day, night.minutes, night.rate_percent, night.policy_id) == (
        tuesday,
        450,
        100,
        2,
    )
    assert local_clock(night) == [("22:00", "02:00"), ("02:30", "06:00")]


def test_five_long_days_make_weekly_overtime_at_the_end_of_the_week() -> None:
    shifts = Shifts()
    for offset in range(5):
        shifts.add(MONDAY + timedelta(days=offset), "08:00", "17:00")

    evaluation = evaluate(shifts.facts(*week_of(MONDAY), configuration(OT)))

    (weekly,) = lines_of(evaluation, "overtime")
    assert (weekly.day, weekly.minutes, weekly.basis) == (MONDAY + timedelta(days=4), 300, "week")
    assert local_clock(weekly) == [("12:00", "17:00")]
    assert evaluation.totals.flex_delta_minutes == 2700 - 2250 - 300


def test_weekly_overtime_spills_back_over_the_days_before() -> None:
    shifts = Shifts()
    for offset in range(5):
        shifts.add(MONDAY + timedelta(days=offset), "08:00", "16:00")
    shifts.add(MONDAY + timedelta(days=5), "08:00", "12:00")
    policy = AllowancePolicy(
        policy_id=1,
        effective_from=MONDAY,
        classify_as_overtime=True,
        counter=counter(
            daily_threshold_minutes=None, weekly_threshold_minutes=2100, rate_percent=150
        ),
    )

    evaluation = evaluate(shifts.facts(*week_of(MONDAY), configuration(policy)))

    weekly = lines_of(evaluation, "overtime")
    assert [(line.day.weekday(), line.minutes) for line in weekly] == [(4, 300), (5, 240)]


@pytest.mark.parametrize(
    ("mode", "worked", "deducted", "placed"),
    [("cap", 360, 20, [("14:00", "14:20")]), ("full", 350, 30, [("13:50", "14:20")])],
)
def test_statutory_breaks_deduct_what_the_law_requires(
    mode: str, worked: int, deducted: int, placed: list[tuple[str, str]]
) -> None:
    breaks = step(
        "statutory_breaks",
        tiers=[
            {"after_minutes": 360, "break_minutes": 30},
            {"after_minutes": 540, "break_minutes": 45},
        ],
        min_segment_minutes=15,
        mode=mode,
    )
    shifts = Shifts().add(MONDAY, "08:00", "14:20")

    evaluation = evaluate(
        shifts.facts(MONDAY, MONDAY, configuration(worktime_policy=worktime(breaks)))
    )

    assert evaluation.days[0].worked_minutes == worked
    (deduction,) = lines_of(evaluation, "break_deduction")
    assert (deduction.minutes, deduction.plugin_id, deduction.rule_index) == (
        deducted,
        "statutory_breaks",
        0,
    )
    assert local_clock(deduction) == placed


def test_statutory_breaks_count_only_recorded_breaks_of_the_minimum_length() -> None:
    breaks = step(
        "statutory_breaks",
        tiers=[{"after_minutes": 360, "break_minutes": 30}],
        min_segment_minutes=15,
        mode="full",
    )
    shifts = Shifts()
    shifts.add(MONDAY, "08:00", "16:00", breaks=(("10:00", "10:10"), ("12:00", "12:20")))

    evaluation = evaluate(
        shifts.facts(MONDAY, MONDAY, configuration(worktime_policy=worktime(breaks)))
    )

    # 450 present after 30 minutes of recorded breaks; the 10 minutes do not count.
    assert evaluation.days[0].worked_minutes == 450 - 10
    assert [line.minutes for line in lines_of(evaluation, "break_deduction")] == [10]


def test_a_deduction_placed_in_the_night_is_not_paid_as_night() -> None:
    lunch = step("auto_deduction", after_minutes=240, minutes=30)
    shifts = Shifts().add(MONDAY, "18:00", "02:00")

    evaluation = evaluate(
        shifts.facts(MONDAY, MONDAY, configuration(NIGHT, worktime_policy=worktime(lunch)))
    )

    (deduction,) = lines_of(evaluation, "break_deduction")
    assert local_clock(deduction) == [("22:00", "22:30")]
    (night,) = lines_of(evaluation, "allowance")
    assert night.minutes == 5 * 60 - 30  # 21:00-02:00 less the deduction


@pytest.mark.parametrize(
    ("night_of", "elapsed"),
    [(date(2026, 3, 28), 7 * 60), (date(2026, 10, 24), 9 * 60), (date(2026, 6, 6), 8 * 60)],
)
def test_a_night_across_a_clock_change_is_its_elapsed_time(night_of: date, elapsed: int) -> None:
    shifts = Shifts().add(night_of, "22:00", "06:00")

    evaluation = evaluate(shifts.facts(night_of, night_of, configuration(NIGHT)))

    assert evaluation.days[0].worked_minutes == elapsed
    assert lines_of(evaluation, "allowance")[0].minutes == elapsed


def test_a_night_window_is_ten_hours_when_the_clocks_go_back() -> None:
    night_of = date(2026, 10, 24)
    shifts = Shifts().add(night_of, "20:00", "08:00")

    evaluation = evaluate(shifts.facts(night_of, night_of, configuration(NIGHT)))

    assert evaluation.days[0].worked_minutes == 13 * 60
    assert lines_of(evaluation, "allowance")[0].minutes == 10 * 60


def test_a_shift_across_utc_midnight_east_of_utc_stays_on_its_day() -> None:
    # odoo#245247: a shift across UTC midnight at UTC+5:30 counted as overtime.
    zone = "Asia/Kolkata"
    shifts = Shifts(zone).add(MONDAY, "02:00", "10:30")

    evaluation = evaluate(shifts.facts(*week_of(MONDAY), configuration(OT, zone=zone)))

    assert evaluation.days[0].worked_minutes == 510
    assert evaluation.totals.overtime_minutes == 0


def test_holiday_work_has_no_norm_and_earns_the_holiday_rule() -> None:
    holiday = MONDAY + timedelta(days=2)
    holiday_pay = AllowancePolicy(
        policy_id=3,
        effective_from=MONDAY,
        rules=(AllowanceRule((filter_of("holidays"),), calculator("rate", percent=125)),),
    )
    shifts = Shifts().add(holiday, "10:00", "14:00")
    config = configuration(holiday_pay, holidays=frozenset({holiday}))

    evaluation = evaluate(shifts.facts(holiday, holiday, config))

    day = evaluation.days[0]
    assert (day.norm_minutes, day.worked_minutes, day.flex_delta_minutes) == (0, 240, 240)
    (line,) = lines_of(evaluation, "allowance")
    assert (line.minutes, line.rate_percent) == (240, 125)


def test_a_holiday_rule_counts_only_the_minutes_on_the_holiday() -> None:
    eve = MONDAY + timedelta(days=1)
    holiday_pay = AllowancePolicy(
        policy_id=3,
        effective_from=MONDAY,
        rules=(AllowanceRule((filter_of("holidays"),), calculator("rate", percent=125)),),
    )
    shifts = Shifts().add(eve, "22:00", "04:00")
    config = configuration(holiday_pay, holidays=frozenset({eve + timedelta(days=1)}))

    evaluation = evaluate(shifts.facts(eve, eve, config))

    assert lines_of(evaluation, "allowance")[0].minutes == 240


def test_part_time_norm_follows_the_weekly_pattern() -> None:
    pattern = (240, 240, 240, 0, 0, 0, 0)
    shifts = Shifts()
    for offset in range(3):
        shifts.add(MONDAY + timedelta(days=offset), "09:00", "13:00")
    shifts.add(MONDAY + timedelta(days=3), "09:00", "11:00")

    evaluation = evaluate(shifts.facts(*week_of(MONDAY), configuration(OT, pattern=pattern)))

    assert [day.norm_minutes for day in evaluation.days] == list(pattern)
    assert [day.flex_delta_minutes for day in evaluation.days][:4] == [0, 0, 0, 120]
    assert evaluation.totals.overtime_minutes == 0


def test_no_norm_outside_employment() -> None:
    employed = (Employment(MONDAY + timedelta(days=2), MONDAY + timedelta(days=3)),)

    evaluation = evaluate(Shifts().facts(*week_of(MONDAY), configuration(employments=employed)))

    assert [day.norm_minutes for day in evaluation.days] == [0, 0, 450, 450, 0, 0, 0]


def test_ordered_overtime_keeps_its_minutes_from_the_ordinary_overtime() -> None:
    ordered_reason = 9
    ordered = AllowancePolicy(
        policy_id=4,
        effective_from=MONDAY,
        trigger_reason_ids=frozenset({ordered_reason}),
        classify_as_overtime=True,
        rules=(AllowanceRule((), calculator("rate", percent=200)),),
    )
    shifts = Shifts().add(MONDAY, "08:00", "16:00").add(MONDAY, "16:00", "19:00", reason_id=9)

    evaluation = evaluate(shifts.facts(*week_of(MONDAY), configuration(ordered, OT)))

    overtime = lines_of(evaluation, "overtime")
    assert [(line.policy_id, line.minutes, line.rate_percent) for line in overtime] == [
        (4, 180, 200)
    ]
    assert evaluation.days[0].worked_minutes == 660


def test_time_off_entries_credit_their_minutes_against_the_norm() -> None:
    shifts = Shifts().entry(MONDAY, 450, activity_type="timeoff")

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(OT)))

    day = evaluation.days[0]
    assert (day.credited_minutes, day.norm_minutes, day.flex_delta_minutes) == (450, 450, 0)


def test_an_entries_based_rule_reads_the_entries_of_its_activities() -> None:
    standby = AllowancePolicy(
        policy_id=5,
        effective_from=MONDAY,
        rules=(
            AllowanceRule(
                (filter_of("activities", activity_ids=[42]), window("21:00", "06:00")),
                calculator("amount", amount_minor=5000, per="hour"),
            ),
            AllowanceRule(
                (filter_of("activities", activity_ids=[42]),), calculator("count", min_minutes=60)
            ),
        ),
    )
    shifts = (
        Shifts().entry(MONDAY, 180, activity_id=42, start="20:00").entry(MONDAY, 60, activity_id=7)
    )

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(standby)))

    amount, count = lines_of(evaluation, "allowance")
    assert (amount.minutes, amount.amount_minor, amount.sources[0].entry_id) == (120, 10000, 100)
    assert (count.rule_index, count.units, count.minutes) == (1, 1, 180)


def test_weekday_rules_split_a_night_at_local_midnight() -> None:
    sunday_pay = AllowancePolicy(
        policy_id=6,
        effective_from=MONDAY,
        rules=(AllowanceRule((filter_of("weekdays", days=[7]),), calculator("rate", percent=50)),),
    )
    saturday = MONDAY + timedelta(days=5)
    shifts = Shifts().add(saturday, "20:00", "04:00")

    evaluation = evaluate(shifts.facts(saturday, saturday, configuration(sunday_pay)))

    (line,) = lines_of(evaluation, "allowance")
    assert (line.day, line.minutes) == (saturday, 240)


def test_an_employee_without_policies_gets_worked_and_norm_and_an_issue() -> None:
    shifts = Shifts().add(MONDAY, "08:00", "16:00")

    evaluation = evaluate(shifts.facts(MONDAY, MONDAY, configuration(with_terms=False)))

    assert [line.kind for line in evaluation.lines] == ["worked", "norm"]
    assert evaluation.days[0].flex_delta_minutes is None
    assert [(issue.code, issue.severity) for issue in evaluation.issues] == [
        ("no_policies", "warning")
    ]


def test_the_context_covers_whole_weeks_and_what_constraints_look_back_on() -> None:
    averaged = worktime(constraints=(constraint("weekly_average", max_minutes=2880, weeks=4),))

    first, last = context_range(
        configuration(worktime_policy=averaged),
        MONDAY + timedelta(days=2),
        MONDAY + timedelta(days=3),
    )

    assert (first, last) == (MONDAY - timedelta(weeks=4), MONDAY + timedelta(days=6))
    assert context_range(configuration(week_start=7), MONDAY, MONDAY) == (
        MONDAY - timedelta(days=1),
        MONDAY + timedelta(days=5),
    )


def test_the_same_facts_give_the_same_evaluation() -> None:
    shifts = Shifts().add(MONDAY, "07:00", "18:00")
    facts = shifts.facts(*week_of(MONDAY), configuration(OT, NIGHT))

    assert evaluate(facts) == evaluate(facts)


def test_a_counter_named_on_part_of_a_week_has_that_part_of_the_weekly_threshold() -> None:
    wednesday = MONDAY + timedelta(days=2)
    config = configuration(OT)
    two_days_only = replace(
        config,
        terms={
            7: (
                *config.terms[7],
                TermsVersion(
                    wednesday, holiday_calendar_id=3, worktime_policy_id=10, allowance_policy_ids=()
                ),
            )
        },
    )
    shifts = (
        Shifts().add(MONDAY, "08:00", "15:30").add(MONDAY + timedelta(days=1), "08:00", "15:30")
    )

    evaluation = evaluate(shifts.facts(*week_of(MONDAY), two_days_only))

    # 900 minutes planned of the week's 2,250: 960 of the 2,400; 900 worked is no overtime.
    assert evaluation.totals.overtime_minutes == 0


def test_the_policies_of_a_week_run_in_the_order_of_its_last_days_terms() -> None:
    wednesday = MONDAY + timedelta(days=2)
    ordered = AllowancePolicy(
        policy_id=4,
        effective_from=MONDAY,
        trigger_reason_ids=frozenset({9}),
        classify_as_overtime=True,
        rules=(AllowanceRule((), calculator("rate", percent=200)),),
    )
    config = configuration(OT, ordered)
    reordered = replace(
        config,
        terms={
            7: (
                TermsVersion(MONDAY - timedelta(days=400), 3, 10, (1,)),
                TermsVersion(wednesday, 3, 10, (4, 1)),
            )
        },
    )
    shifts = Shifts().add(wednesday, "07:00", "17:00").add(wednesday, "17:00", "19:00", reason_id=9)

    evaluation = evaluate(shifts.facts(*week_of(MONDAY), reordered))

    overtime = [(line.policy_id, line.minutes) for line in lines_of(evaluation, "overtime")]
    assert overtime == [(4, 120), (1, 60)]


def test_a_minute_two_consuming_lines_name_is_taken_from_flex_once() -> None:
    supplement = AllowancePolicy(
        policy_id=5,
        effective_from=MONDAY,
        consumes_flex=True,
        rules=(
            AllowanceRule((window("17:00", "20:00"),), calculator("rate", percent=50)),
            AllowanceRule((filter_of("weekdays", days=[6, 7]),), calculator("rate", percent=100)),
        ),
    )
    saturday = MONDAY + timedelta(days=5)
    shifts = Shifts().add(saturday, "16:00", "20:00")

    evaluation = evaluate(shifts.facts(saturday, saturday, configuration(supplement)))

    assert [line.minutes for line in lines_of(evaluation, "allowance")] == [180, 240]
    assert evaluation.days[0].flex_delta_minutes == 0


def test_the_digest_reads_only_the_intervals_the_evaluation_counts() -> None:
    shifts = Shifts().add(MONDAY, "08:00", "16:00")
    later = Shifts().add(MONDAY, "08:00", "16:00").add(MONDAY + timedelta(days=7), "08:00", "16:00")

    week = week_of(MONDAY)

    assert (
        evaluate(shifts.facts(*week, configuration(OT))).input_digest
        == evaluate(later.facts(*week, configuration(OT))).input_digest
    )
