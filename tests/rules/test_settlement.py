"""Settling a statement's figures: the issue's example, banked overtime at its rate,
flex limits both ways and at the year's end, reversal. Pure: no database, no clock."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeledger.rules.contexts import OvertimeMinutes, PayLine
from timeledger.rules.facts import PluginUse
from timeledger.rules.periods import period_of
from timeledger.rules.plugins.registry import SETTLEMENT_STEPS, parse_config
from timeledger.rules.settlement import Movement, SettlementFacts, reversal, settle

FLEX = 7
BANK = 8
MONDAY = date(2026, 3, 2)
SUNDAY = date(2026, 3, 8)


def step(plugin_id: str, **config: object) -> PluginUse:
    reference = {"plugin_id": plugin_id, "config": config}
    return PluginUse(plugin_id, parse_config(SETTLEMENT_STEPS, reference, "body"))


def facts(
    *steps: PluginUse,
    flex_delta: int | None = 90,
    overtime: tuple[OvertimeMinutes, ...] = (OvertimeMinutes(MONDAY, 90, 140),),
    payout: int = 60,
    balances: dict[int, int] | None = None,
    allowances: tuple[PayLine, ...] = (),
    first: date = MONDAY,
    last: date = SUNDAY,
    flex_account_id: int | None = None,
) -> SettlementFacts:
    return SettlementFacts(
        period_start=first,
        period_end=last,
        flex_delta_minutes=flex_delta,
        overtime=overtime,
        allowances=allowances,
        payout_minutes=payout,
        steps=steps,
        opening_balances=balances or {},
        flex_account_id=flex_account_id,
    )


def test_the_issue_example_banks_delta_and_unpaid_overtime_and_pays_every_supplement() -> None:
    settlement = settle(
        facts(
            step("bank_norm_delta", account_id=FLEX),
            step("overtime_choice", account_id=FLEX, supplement_always_paid=True),
            step("lock_period"),
        )
    )

    assert settlement.movements == (
        Movement("0.bank_norm_delta", FLEX, 90, "settlement"),
        Movement("1.overtime_choice", FLEX, 30, "settlement"),
    )
    assert settlement.payroll_lines == (
        PayLine("OT_BASE", 60, 100),
        PayLine("OT_SUPPLEMENT", 90, 40),
    )
    assert settlement.locks_period


def test_without_the_supplement_paid_banked_minutes_carry_their_rate() -> None:
    overtime = (OvertimeMinutes(MONDAY, 60, 150), OvertimeMinutes(date(2026, 3, 3), 61, 150))
    settlement = settle(
        facts(step("overtime_choice", account_id=BANK), overtime=overtime, payout=60)
    )

    # 61 minutes at 150 % is 91.5, rounded half up.
    assert settlement.movements == (Movement("0.overtime_choice", BANK, 92, "settlement"),)
    assert settlement.payroll_lines == (
        PayLine("OT_BASE", 60, 100),
        PayLine("OT_SUPPLEMENT", 60, 50),
    )
    assert not settlement.locks_period


def test_payout_takes_the_first_overtime_of_the_period_and_supplements_go_by_rate() -> None:
    overtime = (OvertimeMinutes(MONDAY, 30, 150), OvertimeMinutes(date(2026, 3, 7), 60, 200))
    settlement = settle(
        facts(step("overtime_choice", account_id=BANK), overtime=overtime, payout=45)
    )

    assert settlement.payroll_lines == (
        PayLine("OT_BASE", 45, 100),
        PayLine("OT_SUPPLEMENT", 30, 50),
        PayLine("OT_SUPPLEMENT", 15, 100),
    )
    assert settlement.movements == (Movement("0.overtime_choice", BANK, 90, "settlement"),)


def test_without_an_overtime_step_all_overtime_is_paid() -> None:
    settlement = settle(facts(step("bank_norm_delta", account_id=FLEX), payout=0))

    assert settlement.payroll_lines == (
        PayLine("OT_BASE", 90, 100),
        PayLine("OT_SUPPLEMENT", 90, 40),
    )
    assert settlement.movements == (Movement("0.bank_norm_delta", FLEX, 90, "settlement"),)


def test_allowances_are_summed_by_code_and_rate() -> None:
    allowances = (
        PayLine("NIGHT", 120, 100),
        PayLine("NIGHT", 30, 100),
        PayLine("MEAL", 0, None, units=2),
        PayLine("ONCALL", 60, None, amount_minor=5000),
        PayLine("ONCALL", 30, None, amount_minor=2500),
    )
    settlement = settle(facts(overtime=(), allowances=allowances))

    assert settlement.payroll_lines == (
        PayLine("MEAL", 0, None, units=2),
        PayLine("NIGHT", 150, 100),
        PayLine("ONCALL", 90, None, amount_minor=7500),
    )


def test_a_balance_over_the_maximum_expires_back_to_it() -> None:
    settlement = settle(
        facts(
            step("bank_norm_delta", account_id=FLEX),
            step("flex_limits", max_plus_minutes=600),
            flex_delta=90,
            balances={FLEX: 560},
        )
    )

    assert settlement.movements[-1] == Movement("1.flex_limits", FLEX, -50, "expiry")
    assert not any(line.code == "FLEX_DEFICIT" for line in settlement.payroll_lines)


def test_a_balance_under_the_minimum_is_brought_back_and_the_deficit_paid_for() -> None:
    settlement = settle(
        facts(
            step("bank_norm_delta", account_id=FLEX),
            step("flex_limits", max_plus_minutes=600, max_minus_minutes=300),
            flex_delta=-120,
            overtime=(),
            balances={FLEX: -240},
        )
    )

    assert settlement.movements == (
        Movement("0.bank_norm_delta", FLEX, -120, "settlement"),
        Movement("1.flex_limits", FLEX, 60, "settlement"),
    )
    assert settlement.payroll_lines == (PayLine("FLEX_DEFICIT", 60),)


def test_a_balance_within_the_limits_is_left() -> None:
    settlement = settle(
        facts(
            step("bank_norm_delta", account_id=FLEX),
            step("flex_limits", max_plus_minutes=600, max_minus_minutes=300),
            balances={FLEX: 500},
        )
    )

    assert [movement.step for movement in settlement.movements] == ["0.bank_norm_delta"]


def test_flex_limits_without_a_banking_step_judge_the_policy_flex_account() -> None:
    settlement = settle(
        facts(step("flex_limits", max_plus_minutes=100), balances={FLEX: 160}, flex_account_id=FLEX)
    )
    assert settlement.movements == (Movement("0.flex_limits", FLEX, -60, "expiry"),)
    assert settle(facts(step("flex_limits", max_plus_minutes=100))).movements == ()


@pytest.mark.parametrize(
    ("first", "last", "applies"),
    [
        (date(2026, 12, 28), date(2027, 1, 3), True),
        (date(2026, 12, 1), date(2026, 12, 31), True),
        (date(2026, 12, 21), date(2026, 12, 27), False),
        (date(2027, 1, 4), date(2027, 1, 10), False),
    ],
)
def test_year_end_limits_apply_only_to_the_period_holding_31_december(
    first: date, last: date, applies: bool
) -> None:
    settlement = settle(
        facts(
            step("flex_limits", max_plus_minutes=0, apply_on="year_end"),
            balances={FLEX: 45},
            flex_account_id=FLEX,
            overtime=(),
            first=first,
            last=last,
        )
    )
    assert settlement.movements == (
        (Movement("0.flex_limits", FLEX, -45, "expiry"),) if applies else ()
    )


def test_a_reversal_takes_back_each_account_in_one_movement() -> None:
    posted = (
        Movement("0.bank_norm_delta", FLEX, 90, "settlement"),
        Movement("1.overtime_choice", FLEX, 30, "settlement"),
        Movement("2.flex_limits", FLEX, -20, "expiry"),
        Movement("1.overtime_choice", BANK, 15, "settlement"),
    )
    assert reversal(posted) == (
        Movement("reversal", FLEX, -100, "reversal"),
        Movement("reversal", BANK, -15, "reversal"),
    )


@given(
    parts=st.lists(
        st.tuples(st.integers(1, 600), st.sampled_from([100, 125, 150, 200])), max_size=8
    ),
    payout_share=st.floats(0, 1),
    always=st.booleans(),
)
def test_no_overtime_minute_is_lost_or_counted_twice(
    parts: list[tuple[int, int]], payout_share: float, always: bool
) -> None:
    overtime = tuple(OvertimeMinutes(MONDAY, minutes, rate) for minutes, rate in parts)
    total = sum(minutes for minutes, _ in parts)
    payout = int(total * payout_share)
    settlement = settle(
        facts(
            step("overtime_choice", account_id=BANK, supplement_always_paid=always),
            overtime=overtime,
            payout=payout,
            flex_delta=0,
        )
    )
    paid = sum(line.minutes for line in settlement.payroll_lines if line.code == "OT_BASE")
    banked = sum(movement.amount for movement in settlement.movements)
    assert paid == payout
    if always:
        assert banked == total - payout
        supplements = sum(
            line.minutes for line in settlement.payroll_lines if line.code == "OT_SUPPLEMENT"
        )
        assert supplements == sum(minutes for minutes, rate in parts if rate > 100)
    else:
        assert banked >= total - payout
    assert settle(facts(step("overtime_choice", account_id=BANK), overtime=overtime)) == settle(
        facts(step("overtime_choice", account_id=BANK), overtime=overtime)
    )


@pytest.mark.parametrize(
    ("day", "kind", "week_start", "expected"),
    [
        (date(2026, 3, 4), "week", 1, (date(2026, 3, 2), date(2026, 3, 8))),
        (date(2026, 3, 2), "week", 1, (date(2026, 3, 2), date(2026, 3, 8))),
        (date(2026, 3, 4), "week", 7, (date(2026, 3, 1), date(2026, 3, 7))),
        (date(2026, 2, 14), "month", 1, (date(2026, 2, 1), date(2026, 2, 28))),
        (date(2028, 2, 29), "month", 1, (date(2028, 2, 1), date(2028, 2, 29))),
        (date(2026, 12, 31), "month", 1, (date(2026, 12, 1), date(2026, 12, 31))),
    ],
)
def test_the_period_holding_a_day(
    day: date, kind: str, week_start: int, expected: tuple[date, date]
) -> None:
    assert period_of(day, kind, week_start) == expected  # type: ignore[arg-type]


def test_overtime_left_in_the_flex_is_neither_paid_nor_banked_again_only_supplemented() -> None:
    overtime = (
        OvertimeMinutes(MONDAY, 90, 140, in_flex=True),
        OvertimeMinutes(date(2026, 3, 3), 30, 150),
    )
    chosen = settle(
        facts(
            step("bank_norm_delta", account_id=FLEX),
            step("overtime_choice", account_id=FLEX),
            overtime=overtime,
            flex_delta=180,
            payout=10,
        )
    )
    everything_paid = settle(facts(overtime=overtime, flex_delta=180, payout=0))

    assert chosen.movements == (
        Movement("0.bank_norm_delta", FLEX, 180, "settlement"),
        Movement("1.overtime_choice", FLEX, 30, "settlement"),
    )
    assert chosen.payroll_lines == (
        PayLine("OT_BASE", 10, 100),
        PayLine("OT_SUPPLEMENT", 90, 40),
        PayLine("OT_SUPPLEMENT", 10, 50),
    )
    assert everything_paid.payroll_lines == (
        PayLine("OT_BASE", 30, 100),
        PayLine("OT_SUPPLEMENT", 90, 40),
        PayLine("OT_SUPPLEMENT", 30, 50),
    )
