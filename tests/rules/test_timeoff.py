"""Time off, computed: what a request takes around Easter in Norway, what an accrual grants
for a period, what expires after a year end, and how the plugins' configs are checked.
Pure: no database, no clock."""

from collections.abc import Sequence
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.rules.builders import EPOCH, FULL_TIME, OSLO, configuration, use
from timeledger.kit.errors import Unprocessable
from timeledger.rules.facts import (
    Configuration,
    EmployeeVersion,
    Employment,
    PluginUse,
    TermsVersion,
)
from timeledger.rules.plugins.registry import ACCRUALS, EXPIRATIONS, USAGE_RULES, parse_config
from timeledger.rules.timeoff import (
    Accrual,
    AccrualPeriod,
    DayPlan,
    DayUsage,
    Expiry,
    ExpiryWindow,
    Movement,
    Portion,
    accrual_periods,
    accrued,
    base_key,
    day_plans,
    expiries,
    follows_employment,
    usage_of,
)

POLICY = 4
EASTER = frozenset({date(2026, 4, 2), date(2026, 4, 3), date(2026, 4, 6)})
"""Maundy Thursday, Good Friday and Easter Monday 2026 of the Norwegian calendar."""
MONDAY_BEFORE_EASTER = date(2026, 3, 30)
FRIDAY_AFTER_EASTER = date(2026, 4, 10)
PART_TIME = (270, 270, 270, 270, 270, 0, 0)
ALWAYS = (Employment(EPOCH, None),)
YEAR_2026 = (date(2026, 1, 1), date(2026, 12, 31))


def rule(plugin_id: str) -> PluginUse:
    return use(USAGE_RULES, plugin_id)


def accrual(plugin_id: str, **config: object) -> PluginUse:
    return use(ACCRUALS, plugin_id, **config)


def carry_over_cap(**config: object) -> PluginUse:
    return use(EXPIRATIONS, "carry_over_cap", **config)


def norway_plans(
    first: date = MONDAY_BEFORE_EASTER,
    last: date = FRIDAY_AFTER_EASTER,
    *,
    pattern: tuple[int, ...] = FULL_TIME,
    holidays: frozenset[date] = EASTER,
    employments: tuple[Employment, ...] = ALWAYS,
) -> tuple[DayPlan, ...]:
    config = configuration(
        pattern=pattern, holidays=holidays, employments=employments, timeoff_policies=(POLICY,)
    )
    return day_plans(config, first, last)


def plans_of_2026(
    *employments: Employment, policies: tuple[int, ...] = (POLICY,)
) -> tuple[DayPlan, ...]:
    return day_plans(configuration(employments=employments, timeoff_policies=policies), *YEAR_2026)


def the_period(accruing: PluginUse, day: date) -> AccrualPeriod:
    (period,) = accrual_periods(accruing, day, day)
    return period


# Day plans


def test_a_day_plan_reads_the_version_terms_and_employment_in_force() -> None:
    config = Configuration(
        week_start=1,
        employee_versions=(
            EmployeeVersion(date(2026, 3, 31), OSLO, FULL_TIME, 7),
            EmployeeVersion(date(2026, 4, 3), OSLO, PART_TIME, None),
        ),
        employments=(
            Employment(date(2026, 3, 30), date(2026, 3, 30), 6000),
            Employment(date(2026, 4, 1), None, 8000),
        ),
        terms={7: (TermsVersion(EPOCH, 3, None, (), (POLICY, 9)),)},
        holidays={3: EASTER},
    )
    policies = frozenset({POLICY, 9})

    assert day_plans(config, date(2026, 3, 30), date(2026, 4, 3)) == (
        # In an employment period, but before the first version: no plan, no terms.
        DayPlan(date(2026, 3, 30), 0, False, False, 0, frozenset()),
        # A version, but between employment periods.
        DayPlan(date(2026, 3, 31), 450, False, False, 0, policies),
        DayPlan(date(2026, 4, 1), 450, False, True, 8000, policies),
        DayPlan(date(2026, 4, 2), 450, True, True, 8000, policies),
        # Good Friday, but the version in force names no terms and so no calendar.
        DayPlan(date(2026, 4, 3), 270, False, True, 8000, frozenset()),
    )


def test_an_employee_without_employment_periods_is_employed_full_time() -> None:
    (plan,) = norway_plans(MONDAY_BEFORE_EASTER, MONDAY_BEFORE_EASTER, employments=())

    assert (plan.employed, plan.percentage_hundredths) == (True, 10000)


def test_the_percentage_is_the_one_of_the_period_holding_the_day() -> None:
    employments = (
        Employment(date(2026, 1, 1), date(2026, 3, 31), 6000),
        Employment(date(2026, 4, 2), None, 4000),
    )
    plans = norway_plans(date(2026, 3, 31), date(2026, 4, 2), employments=employments)

    assert [(plan.employed, plan.percentage_hundredths) for plan in plans] == [
        (True, 6000),
        (False, 0),
        (True, 4000),
    ]


# Usage rules


def test_the_two_weeks_around_easter_take_seven_workdays() -> None:
    usages = usage_of(rule("workdays"), norway_plans(), "full")

    assert [(usage.amount, usage.credited_minutes, usage.zero_reason) for usage in usages] == [
        (100, 450, None),
        (100, 450, None),
        (100, 450, None),
        (0, 0, "holiday"),
        (0, 0, "holiday"),
        (0, 0, "weekend"),
        (0, 0, "weekend"),
        (0, 0, "holiday"),
        (100, 450, None),
        (100, 450, None),
        (100, 450, None),
        (100, 450, None),
    ]


@pytest.mark.parametrize(
    ("plugin_id", "pattern", "taken", "credited"),
    [
        ("workdays", FULL_TIME, 700, 7 * 450),
        ("workdays", PART_TIME, 700, 7 * 270),
        ("norm_minutes", PART_TIME, 1890, 7 * 270),
        ("norm_minutes", FULL_TIME, 3150, 7 * 450),
    ],
)
def test_workdays_count_days_and_norm_minutes_count_the_planned_minutes(
    plugin_id: str, pattern: tuple[int, ...], taken: int, credited: int
) -> None:
    usages = usage_of(rule(plugin_id), norway_plans(pattern=pattern), "full")

    assert sum(usage.amount for usage in usages) == taken
    assert sum(usage.credited_minutes for usage in usages) == credited
    assert sum(1 for usage in usages if usage.zero_reason is None) == 7


def test_a_range_of_holidays_and_a_weekend_takes_nothing() -> None:
    plans = norway_plans(date(2026, 4, 3), date(2026, 4, 6))

    assert usage_of(rule("workdays"), plans, "full") == (
        DayUsage(date(2026, 4, 3), 0, 0, "holiday"),
        DayUsage(date(2026, 4, 4), 0, 0, "weekend"),
        DayUsage(date(2026, 4, 5), 0, 0, "weekend"),
        DayUsage(date(2026, 4, 6), 0, 0, "holiday"),
    )


@pytest.mark.parametrize(
    ("plugin_id", "portion", "usage"),
    [
        ("workdays", "first_half", DayUsage(date(2026, 4, 1), 50, 225, None)),
        ("workdays", "second_half", DayUsage(date(2026, 4, 1), 50, 225, None)),
        ("norm_minutes", "first_half", DayUsage(date(2026, 4, 1), 225, 225, None)),
    ],
)
def test_a_half_day_next_to_a_holiday_takes_half_of_the_day(
    plugin_id: str, portion: Portion, usage: DayUsage
) -> None:
    plans = norway_plans(date(2026, 4, 1), date(2026, 4, 1))

    assert usage_of(rule(plugin_id), plans, portion) == (usage,)


def test_the_first_half_of_an_odd_day_takes_the_extra_minute() -> None:
    plans = norway_plans(date(2026, 4, 1), date(2026, 4, 1), pattern=(455,) * 5 + (0, 0))

    first = usage_of(rule("norm_minutes"), plans, "first_half")
    second = usage_of(rule("norm_minutes"), plans, "second_half")

    assert [(usage.amount, usage.credited_minutes) for usage in first + second] == [
        (228, 228),
        (227, 227),
    ]


def test_a_half_day_on_a_holiday_takes_nothing() -> None:
    plans = norway_plans(date(2026, 4, 2), date(2026, 4, 2))

    assert usage_of(rule("workdays"), plans, "first_half") == (
        DayUsage(date(2026, 4, 2), 0, 0, "holiday"),
    )


def test_outside_employment_comes_before_holiday_and_weekend() -> None:
    plans = norway_plans(
        date(2026, 4, 1),
        date(2026, 4, 4),
        employments=(Employment(EPOCH, date(2026, 4, 1)),),
    )

    assert [usage.zero_reason for usage in usage_of(rule("workdays"), plans, "full")] == [
        None,
        "outside_employment",
        "outside_employment",
        "outside_employment",
    ]


def test_a_holiday_on_a_weekend_is_a_holiday() -> None:
    plans = norway_plans(date(2026, 4, 4), date(2026, 4, 5), holidays=EASTER | {date(2026, 4, 5)})

    assert [usage.zero_reason for usage in usage_of(rule("workdays"), plans, "full")] == [
        "weekend",
        "holiday",
    ]


def test_an_unplanned_weekday_is_not_planned_and_a_planned_saturday_counts() -> None:
    pattern = (450, 450, 0, 450, 450, 300, 0)
    plans = norway_plans(date(2026, 3, 4), date(2026, 3, 8), pattern=pattern)

    usages = usage_of(rule("norm_minutes"), plans, "full")

    assert [(usage.amount, usage.zero_reason) for usage in usages] == [
        (0, "not_planned"),
        (450, None),
        (450, None),
        (300, None),
        (0, "weekend"),
    ]


# Accruals: annual grant


def test_the_issue_example_prorates_25_days_by_nine_months_at_80_percent() -> None:
    grant = accrual("annual_grant", amount=2500, on="01-01")
    (period,) = accrual_periods(grant, *YEAR_2026)
    plans = plans_of_2026(Employment(date(2026, 4, 1), None, 8000))

    assert period == AccrualPeriod("2026", date(2026, 1, 1), date(2026, 12, 31))
    assert accrued(grant, period, plans, POLICY, 0) == Accrual(date(2026, 4, 1), 1500)


def test_a_leaver_is_granted_the_months_until_leaving() -> None:
    grant = accrual("annual_grant", amount=2500, on="01-01")
    plans = plans_of_2026(Employment(EPOCH, date(2026, 6, 30)))

    assert accrued(grant, the_period(grant, date(2026, 1, 1)), plans, POLICY, 0) == Accrual(
        date(2026, 1, 1), 1250
    )


def test_a_month_weighs_the_average_percentage_of_its_covered_days() -> None:
    grant = accrual("annual_grant", amount=2500, on="01-01")
    plans = plans_of_2026(
        Employment(EPOCH, date(2026, 1, 15), 10000),
        Employment(date(2026, 1, 16), date(2026, 6, 30), 5000),
    )

    accrual_of_year = accrued(grant, the_period(grant, date(2026, 1, 1)), plans, POLICY, 0)

    # 25 days x (23/31 for January + 5 months at 50 %) / 12 = 6.754...
    assert accrual_of_year == Accrual(date(2026, 1, 1), 675)


@pytest.mark.parametrize(
    ("starts_on", "amount"),
    [
        # 15 of April's 30 days: half of them, the month counts.
        (date(2026, 4, 16), 1875),
        # 14 of them: under half, it does not.
        (date(2026, 4, 17), 1667),
    ],
)
def test_a_month_counts_when_covered_on_at_least_half_of_its_days(
    starts_on: date, amount: int
) -> None:
    grant = accrual("annual_grant", amount=2500, on="01-01")
    plans = plans_of_2026(Employment(starts_on, None))

    assert accrued(grant, the_period(grant, starts_on), plans, POLICY, 0) == Accrual(
        starts_on, amount
    )


def test_daily_proration_counts_each_covered_day_at_its_percentage() -> None:
    grant = accrual("annual_grant", amount=2500, on="01-01", proration="daily")
    plans = plans_of_2026(Employment(date(2026, 4, 1), None, 8000))

    # 25 days x 275 days x 80 % / 365 days = 15.068...
    assert accrued(grant, the_period(grant, date(2026, 4, 1)), plans, POLICY, 0) == Accrual(
        date(2026, 4, 1), 1507
    )


def test_without_proration_one_covered_day_earns_the_whole_grant() -> None:
    grant = accrual("annual_grant", amount=2500, on="01-01", proration="none")
    plans = plans_of_2026(Employment(date(2026, 12, 31), None, 5000))

    assert accrued(grant, the_period(grant, date(2026, 12, 31)), plans, POLICY, 0) == Accrual(
        date(2026, 12, 31), 2500
    )


@pytest.mark.parametrize(("months", "amount"), [(6, 1), (5, 0)])
def test_the_grant_is_rounded_once_half_up(months: int, amount: int) -> None:
    grant = accrual("annual_grant", amount=1, on="01-01")
    leaves_on = date(2026, months + 1, 1) - timedelta(days=1)
    plans = plans_of_2026(Employment(EPOCH, leaves_on))

    assert accrued(grant, the_period(grant, leaves_on), plans, POLICY, 0) == Accrual(
        date(2026, 1, 1), amount
    )


def test_grant_months_run_from_the_grant_day_and_stay_on_the_last_day_of_short_months() -> None:
    grant = accrual("annual_grant", amount=2500, on="01-31")
    plans = plans_of_2026(Employment(date(2026, 3, 31), date(2026, 4, 14)))

    assert accrual_periods(grant, date(2026, 1, 1), date(2026, 2, 1)) == (
        AccrualPeriod("2025", date(2025, 1, 31), date(2026, 1, 30)),
        AccrualPeriod("2026", date(2026, 1, 31), date(2027, 1, 30)),
    )
    # The third month of the grant year is 31 March to 29 April: covered on 15 of its 30 days.
    assert accrued(grant, the_period(grant, date(2026, 3, 31)), plans, POLICY, 0) == Accrual(
        date(2026, 3, 31), 208
    )


def test_nothing_accrues_where_the_policy_covers_no_day() -> None:
    grant = accrual("annual_grant", amount=2500, on="01-01", proration="none")
    period = the_period(grant, date(2026, 1, 1))

    assert accrued(grant, period, plans_of_2026(*ALWAYS, policies=(9,)), POLICY, 0) is None
    assert accrued(grant, period, plans_of_2026(Employment(date(2027, 1, 1), None)), 4, 0) is None


# Accruals: periodic


def test_periodic_periods_are_calendar_months_or_iso_weeks() -> None:
    monthly = accrual("periodic", amount=208, every="month")
    weekly = accrual("periodic", amount=48, every="week")

    assert accrual_periods(monthly, date(2026, 1, 15), date(2026, 3, 1)) == (
        AccrualPeriod("2026-01", date(2026, 1, 1), date(2026, 1, 31)),
        AccrualPeriod("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        AccrualPeriod("2026-03", date(2026, 3, 1), date(2026, 3, 31)),
    )
    assert accrual_periods(weekly, date(2026, 12, 31), date(2027, 1, 4)) == (
        AccrualPeriod("2026-W53", date(2026, 12, 28), date(2027, 1, 3)),
        AccrualPeriod("2027-W01", date(2027, 1, 4), date(2027, 1, 10)),
    )


@pytest.mark.parametrize(
    ("starts_on", "expected"),
    [
        # 15 of April's 30 days, 14 of them, and 15 of March's 31.
        (date(2026, 4, 16), Accrual(date(2026, 4, 16), 208)),
        (date(2026, 4, 17), None),
        (date(2026, 3, 17), None),
    ],
)
def test_a_periodic_month_grants_when_covered_on_at_least_half_of_its_days(
    starts_on: date, expected: Accrual | None
) -> None:
    monthly = accrual("periodic", amount=208, every="month")
    plans = plans_of_2026(Employment(starts_on, None, 5000))

    assert accrued(monthly, the_period(monthly, starts_on), plans, POLICY, 0) == expected


@pytest.mark.parametrize(("balance", "amount"), [(0, 208), (900, 100), (1000, None), (1200, None)])
def test_a_periodic_grant_never_takes_the_balance_above_its_maximum(
    balance: int, amount: int | None
) -> None:
    monthly = accrual("periodic", amount=208, every="month", max_balance=1000)
    period = the_period(monthly, date(2026, 3, 1))

    granted = accrued(monthly, period, plans_of_2026(*ALWAYS), POLICY, balance)

    assert granted == (None if amount is None else Accrual(date(2026, 3, 1), amount))


def test_only_the_annual_grant_follows_the_employment() -> None:
    assert follows_employment(accrual("annual_grant", amount=2500, on="01-01"))
    assert not follows_employment(accrual("periodic", amount=208, every="month"))


# Expirations


def granted(day: date, amount: int = 2500) -> Movement:
    return Movement(day, amount, "other")


def taken(day: date, days: int) -> Movement:
    return Movement(day, -100 * days, "usage")


def posted(*found: Expiry) -> tuple[Movement, ...]:
    return tuple(Movement(expiry.day, expiry.amount, "expiry", expiry.key) for expiry in found)


EVER = date(1900, 1, 1)


def due(
    use: PluginUse, movements: Sequence[Movement], through: date, since: date = EVER
) -> tuple[Expiry, ...]:
    """What the service posts: each deadline's figure less what was posted for it."""
    already: dict[str, int] = {}
    for movement in movements:
        if movement.kind == "expiry" and movement.key is not None:
            key = base_key(movement.key)
            already[key] = already.get(key, 0) + movement.amount
    return tuple(
        Expiry(expiry.key, expiry.day, expiry.amount - already.get(expiry.key, 0))
        for expiry in expiries(use, movements, ExpiryWindow(through, since, EVER))
        if expiry.amount != already.get(expiry.key, 0)
    )


CAP = carry_over_cap(on="12-31", max_carry=500, valid_until="03-31")
TWO_YEARS = (
    granted(date(2025, 1, 1)),
    taken(date(2025, 6, 15), 10),
    taken(date(2025, 10, 5), 8),
    granted(date(2026, 1, 1)),
    taken(date(2026, 2, 10), 3),
)
CUT = Expiry("cap:2025", date(2026, 1, 1), -200)
UNUSED = Expiry("carried:2025", date(2026, 4, 1), -200)


@pytest.mark.parametrize(
    ("through", "found"),
    [
        (date(2025, 12, 31), ()),
        (date(2026, 3, 31), (CUT,)),
        (date(2026, 4, 1), (CUT, UNUSED)),
        (date(2026, 12, 31), (CUT, UNUSED)),
    ],
)
def test_the_balance_above_the_cap_expires_and_the_carried_days_left_unused_later(
    through: date, found: tuple[Expiry, ...]
) -> None:
    assert due(CAP, TWO_YEARS, through) == found


def test_carried_days_that_were_used_never_expire() -> None:
    movements = (*TWO_YEARS, taken(date(2026, 3, 31), 2))

    assert due(CAP, movements, date(2026, 12, 31)) == (CUT,)


def test_a_cancelled_usage_gives_its_days_back_to_what_was_carried() -> None:
    movements = (*TWO_YEARS, Movement(date(2026, 3, 2), 300, "usage"))

    assert due(CAP, movements, date(2026, 12, 31)) == (
        CUT,
        Expiry("carried:2025", date(2026, 4, 1), -500),
    )


def test_expiries_already_posted_are_not_answered_again() -> None:
    through = date(2026, 12, 31)
    found = due(CAP, TWO_YEARS, through)

    assert due(CAP, TWO_YEARS + posted(*found), through) == ()
    assert due(CAP, TWO_YEARS + posted(CUT), through) == (UNUSED,)


def test_years_are_caught_up_in_order_each_seeing_the_expiries_before_it() -> None:
    movements = (granted(date(2024, 1, 1)), granted(date(2025, 1, 1)), granted(date(2026, 1, 1)))

    assert due(CAP, movements, date(2026, 6, 30)) == (
        Expiry("cap:2024", date(2025, 1, 1), -2000),
        Expiry("carried:2024", date(2025, 4, 1), -500),
        Expiry("cap:2025", date(2026, 1, 1), -2000),
        Expiry("carried:2025", date(2026, 4, 1), -500),
    )
    assert due(carry_over_cap(on="12-31", max_carry=500), movements, date(2026, 6, 30)) == (
        Expiry("cap:2024", date(2025, 1, 1), -2000),
        Expiry("cap:2025", date(2026, 1, 1), -2500),
    )


def test_a_leavers_balance_expires_to_nothing_and_no_further() -> None:
    movements = (granted(date(2025, 1, 1), 1250), taken(date(2025, 3, 2), 5))
    found = due(CAP, movements, date(2027, 12, 31))

    assert found == (
        Expiry("cap:2025", date(2026, 1, 1), -250),
        Expiry("carried:2025", date(2026, 4, 1), -500),
    )
    assert sum(movement.amount for movement in movements + posted(*found)) == 0


def test_a_leaver_paid_out_has_nothing_to_expire() -> None:
    movements = (
        granted(date(2025, 1, 1), 1250),
        taken(date(2025, 3, 2), 5),
        Movement(date(2025, 6, 30), -750, "other"),
    )

    assert due(CAP, movements, date(2027, 12, 31)) == ()


def test_a_negative_balance_has_nothing_to_expire() -> None:
    movements = (granted(date(2025, 1, 1), 1000), taken(date(2025, 5, 4), 13))

    assert due(CAP, (*movements, granted(date(2026, 1, 1))), date(2026, 12, 31)) == ()


def test_leave_approved_after_the_cut_revises_it_so_no_used_day_expires() -> None:
    december = (granted(date(2025, 1, 1), 1000),)
    cut = due(CAP, december, date(2026, 1, 1))
    assert cut == (Expiry("cap:2025", date(2026, 1, 1), -500),)

    approved_in_january = (*december, *posted(*cut), taken(date(2025, 12, 29), 3))

    assert due(CAP, approved_in_january, date(2026, 1, 2)) == (
        Expiry("cap:2025", date(2026, 1, 1), 300),
    )


def test_deadlines_before_the_window_count_as_they_were_posted() -> None:
    history = (granted(date(2024, 1, 1), 3000), granted(date(2025, 1, 1)))
    cap = carry_over_cap(on="12-31", max_carry=500)

    assert due(cap, history, date(2026, 1, 1), since=date(2025, 12, 1)) == (
        Expiry("cap:2025", date(2026, 1, 1), -5000),
    )
    assert due(cap, history, date(2026, 1, 1)) == (
        Expiry("cap:2024", date(2025, 1, 1), -2500),
        Expiry("cap:2025", date(2026, 1, 1), -2500),
    )


def test_a_leave_year_ending_in_march_is_named_by_the_year_it_ends_in() -> None:
    cap = carry_over_cap(on="03-31", max_carry=0)

    assert due(cap, (granted(date(2025, 4, 1)),), date(2026, 12, 31)) == (
        Expiry("cap:2026", date(2026, 4, 1), -2500),
    )


# Configs


@pytest.mark.parametrize(
    ("registry", "plugin_id", "config"),
    [
        (ACCRUALS, "annual_grant", {"amount": 2500, "on": "02-29"}),
        (ACCRUALS, "annual_grant", {"amount": 2500, "on": "13-01"}),
        (ACCRUALS, "annual_grant", {"amount": 2500, "on": "1-01"}),
        (ACCRUALS, "annual_grant", {"amount": 0, "on": "01-01"}),
        (ACCRUALS, "annual_grant", {"amount": 2500, "on": "01-01", "proration": "weekly"}),
        (ACCRUALS, "periodic", {"amount": 208, "every": "day"}),
        (ACCRUALS, "periodic", {"amount": 10_000_001, "every": "month"}),
        (ACCRUALS, "periodic", {"amount": 208, "every": "month", "max_balance": -1}),
        (EXPIRATIONS, "carry_over_cap", {"on": "12-31", "max_carry": -1}),
        (EXPIRATIONS, "carry_over_cap", {"on": "12-31", "max_carry": 5, "valid_until": "02-29"}),
        (USAGE_RULES, "workdays", {"per_day": 100}),
    ],
)
def test_configs_are_refused_at_the_field(
    registry: str, plugin_id: str, config: dict[str, object]
) -> None:
    with pytest.raises(Unprocessable) as refused:
        parse_config(registry, {"plugin_id": plugin_id, "config": config}, "body")

    assert len(refused.value.errors) == 1
    assert refused.value.errors[0]["location"].startswith("body.config.")


def test_configs_take_their_defaults() -> None:
    grant = parse_config(
        ACCRUALS, {"plugin_id": "annual_grant", "config": {"amount": 2500, "on": "12-31"}}, "body"
    )
    cap = parse_config(
        EXPIRATIONS,
        {"plugin_id": "carry_over_cap", "config": {"on": "12-31", "max_carry": 0}},
        "body",
    )

    assert grant.model_dump() == {"amount": 2500, "on": "12-31", "proration": "monthly"}
    assert cap.model_dump() == {"on": "12-31", "max_carry": 0, "valid_until": None}


# Properties


@given(
    st.integers(1, 24 * 60),
    st.dates(date(2026, 1, 1), date(2026, 12, 31)),
    st.sampled_from(["workdays", "norm_minutes"]),
)
def test_the_two_halves_of_a_day_make_the_whole_day(
    planned: int, day: date, plugin_id: str
) -> None:
    plan = DayPlan(day, planned, False, True, 10000, frozenset({POLICY}))
    whole, first, second = (
        usage_of(rule(plugin_id), (plan,), portion)[0]
        for portion in ("full", "first_half", "second_half")
    )

    assert first.credited_minutes + second.credited_minutes == whole.credited_minutes == planned
    assert first.amount + second.amount == whole.amount
    assert 0 <= first.credited_minutes - second.credited_minutes <= 1


@st.composite
def employments(draw: st.DrawFn) -> tuple[Employment, ...]:
    starts_on = draw(st.dates(date(2025, 6, 1), date(2027, 6, 30)))
    ends_on = draw(st.none() | st.dates(starts_on, date(2027, 12, 31)))
    found = [Employment(starts_on, ends_on, draw(st.integers(0, 10000)))]
    if ends_on is not None and ends_on < date(2027, 12, 1) and draw(st.booleans()):
        later = ends_on + timedelta(days=draw(st.integers(1, 30)))
        found.append(Employment(later, None, draw(st.integers(0, 10000))))
    return tuple(found)


ACCRUALS_TRIED = [
    accrual("annual_grant", amount=2500, on="01-01", proration="monthly"),
    accrual("annual_grant", amount=2500, on="04-01", proration="daily"),
    accrual("annual_grant", amount=2500, on="01-31", proration="none"),
    accrual("periodic", amount=208, every="month", max_balance=1000),
    accrual("periodic", amount=48, every="week"),
]


@settings(max_examples=60, deadline=None)
@given(employments(), st.sampled_from(ACCRUALS_TRIED), st.integers(0, 2000), st.data())
def test_an_accrual_depends_on_the_periods_days_only(
    periods: tuple[Employment, ...], accruing: PluginUse, balance: int, data: st.DataObject
) -> None:
    period = data.draw(st.sampled_from(accrual_periods(accruing, *YEAR_2026)))
    wider = day_plans(
        configuration(employments=periods, timeoff_policies=(POLICY,)),
        period.first - timedelta(days=40),
        period.last + timedelta(days=40),
    )
    own = [plan for plan in wider if period.first <= plan.day <= period.last]

    found = accrued(accruing, period, own, POLICY, balance)

    assert found == accrued(accruing, period, own[::-1], POLICY, balance)
    assert found == accrued(accruing, period, wider, POLICY, balance)
    covered = [plan.day for plan in own if plan.employed]
    if found is None:
        assert not covered or accruing.plugin_id == "periodic"
    else:
        assert found.day == min(covered)
        assert 0 <= found.amount <= 2500


@st.composite
def ledgers(draw: st.DrawFn) -> tuple[Movement, ...]:
    movements = []
    for _ in range(draw(st.integers(0, 12))):
        day = draw(st.dates(date(2024, 1, 1), date(2026, 12, 31)))
        if draw(st.booleans()):
            movements.append(Movement(day, draw(st.integers(-500, 500)), "usage"))
        else:
            movements.append(Movement(day, draw(st.integers(-1000, 3000)), "other"))
    return tuple(movements)


EXPIRATIONS_TRIED = [
    carry_over_cap(on="12-31", max_carry=500, valid_until="03-31"),
    carry_over_cap(on="03-31", max_carry=0, valid_until="06-30"),
    carry_over_cap(on="06-30", max_carry=1000),
    carry_over_cap(on="12-31", max_carry=300, valid_until="12-31"),
]


@settings(max_examples=100, deadline=None)
@given(ledgers(), st.sampled_from(EXPIRATIONS_TRIED))
def test_an_expiry_never_takes_more_than_the_balance_and_runs_once(
    movements: tuple[Movement, ...], expiration: PluginUse
) -> None:
    through = date(2027, 12, 31)
    found = due(expiration, movements, through)
    ledger = movements + posted(*found)

    for expiry in found:
        before = sum(m.amount for m in ledger if m.day < expiry.day)
        assert expiry.amount < 0
        assert expiry.day <= through
        if before >= 0:
            assert before + expiry.amount >= 0
    assert len({expiry.key for expiry in found}) == len(found)
    assert due(expiration, ledger, through) == ()
