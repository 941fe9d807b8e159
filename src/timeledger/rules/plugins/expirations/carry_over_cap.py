"""`carry_over_cap`: at each year end the balance above `max_carry` expires; what is carried
expires in turn when it is still unused at `valid_until` of the next calendar year (usage
after the year end takes the carried amount first)."""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Literal

from pydantic import Field

from timeledger.rules.plugins.accruals.annual_grant import MonthDay, day_in
from timeledger.rules.plugins.base import Plugin, PluginConfig
from timeledger.rules.timeoff_contexts import Expiry, ExpiryWindow, Movement, base_key


class CarryOverCapConfig(PluginConfig):
    on: MonthDay = Field(description="The leave year's last day, MM-DD.")
    max_carry: int = Field(
        ge=0,
        le=2**31 - 1,
        description="What of the balance at the year end is carried into the next year, in "
        "the account's unit; the rest expires the day after.",
    )
    valid_until: MonthDay | None = Field(
        default=None,
        description="MM-DD of the next calendar year: the last day the carried amount may be "
        "used; what of it is still unused expires the day after. Without it, what is "
        "carried stays.",
    )


def expire(
    movements: Sequence[Movement], window: ExpiryWindow, config: CarryOverCapConfig
) -> list[Expiry]:
    """Deadline after deadline (year ends, and `valid_until` days when given), each seeing
    the expiries before it: as the window says they should be where it reaches, as they
    were posted before it."""
    if not movements:
        return []
    posted: dict[str, int] = {}
    for movement in movements:
        if movement.kind == "expiry" and movement.key is not None:
            base = base_key(movement.key)
            posted[base] = posted.get(base, 0) + movement.amount
    ledger = [movement for movement in movements if movement.kind != "expiry"]
    years = range(min(movement.day for movement in movements).year, window.through.year + 1)
    deadlines: list[tuple[date, int, Literal["cap", "carried"]]] = [
        (day_in(year, config.on), year, "cap") for year in years
    ]
    if config.valid_until is not None:
        deadlines += [(day_in(year + 1, config.valid_until), year, "carried") for year in years]
    carried: dict[int, int] = {}
    found: list[Expiry] = []
    for deadline, year, kind in sorted(deadlines):
        key, day = f"{kind}:{year}", deadline + timedelta(days=1)
        if day > window.through:
            break
        balance = _balance_through(ledger, deadline)
        if kind == "cap":
            carried[year] = min(max(balance, 0), config.max_carry)
            amount = -max(0, balance - config.max_carry)
        else:
            year_end = day_in(year, config.on)
            used = -sum(
                movement.amount
                for movement in ledger
                if movement.kind == "usage" and year_end < movement.day <= deadline
            )
            amount = -min(max(0, carried.get(year, 0) - used), max(balance, 0))
        if window.reaches(day, posted=key in posted):
            found.append(Expiry(key, day, amount))
        else:
            amount = posted.get(key, 0)
        if amount:
            ledger.append(Movement(day, amount, "expiry", key))
    return found


def _balance_through(movements: Sequence[Movement], day: date) -> int:
    return sum(movement.amount for movement in movements if movement.day <= day)


PLUGIN = Plugin(
    plugin_id="carry_over_cap",
    title="Carry-over cap",
    description="At each year end the balance above a maximum expires; what is carried may "
    "expire in turn when it is still unused at a deadline in the next year.",
    config_model=CarryOverCapConfig,
    behaviour=expire,
)
