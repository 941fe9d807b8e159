"""Accruals grant time off period by period. Each module holds an accrual's config and its
behaviour, an `Accruing`; `timeledger.rules.timeoff` runs them."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from timeledger.rules.timeoff_contexts import AccrualPeriod, DayPlan


@dataclass(frozen=True)
class Accruing:
    period_holding: Callable[[Any, date], AccrualPeriod]
    """`(config, day)`: the period `day` falls in."""
    grant: Callable[[Any, AccrualPeriod, Sequence[DayPlan], int], int | None]
    """`(config, period, covered, balance)`: what the period grants, given the days of it
    the policy covers (at least one) and the account's balance; None for nothing."""
    follows_employment: bool
    """Whether a posted grant is revised when the employment changes."""
