"""How overtime is paid and banked: the split both `overtime_choice` and a policy without
it (everything paid) use."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from timeledger.rules.contexts import OvertimeMinutes, PayLine

OT_BASE = "OT_BASE"
OT_SUPPLEMENT = "OT_SUPPLEMENT"
BASE_RATE = 100


@dataclass(frozen=True)
class OvertimeSplit:
    paid: tuple[OvertimeMinutes, ...]
    banked: tuple[OvertimeMinutes, ...]


def split_overtime(overtime: Sequence[OvertimeMinutes], payout_minutes: int) -> OvertimeSplit:
    """The first `payout_minutes` of the period's overtime, in the statement's order (day,
    then policy), are paid; the rest is banked."""
    paid: list[OvertimeMinutes] = []
    banked: list[OvertimeMinutes] = []
    left = payout_minutes
    for part in overtime:
        taken = min(left, part.minutes)
        left -= taken
        if taken:
            paid.append(OvertimeMinutes(part.day, taken, part.rate_percent))
        if part.minutes - taken:
            banked.append(OvertimeMinutes(part.day, part.minutes - taken, part.rate_percent))
    return OvertimeSplit(tuple(paid), tuple(banked))


def base_pay(paid: Iterable[OvertimeMinutes]) -> tuple[PayLine, ...]:
    minutes = sum(part.minutes for part in paid)
    return (PayLine(OT_BASE, minutes, BASE_RATE),) if minutes else ()


def supplement_pay(parts: Iterable[OvertimeMinutes]) -> tuple[PayLine, ...]:
    """One line per supplement rate (the overtime rate less the base 100 %)."""
    by_rate: dict[int, int] = {}
    for part in parts:
        if part.rate_percent > BASE_RATE:
            supplement = part.rate_percent - BASE_RATE
            by_rate[supplement] = by_rate.get(supplement, 0) + part.minutes
    return tuple(PayLine(OT_SUPPLEMENT, minutes, rate) for rate, minutes in sorted(by_rate.items()))


def all_paid(overtime: Sequence[OvertimeMinutes]) -> tuple[PayLine, ...]:
    """Overtime of a settlement without an `overtime_choice` step: paid in full."""
    return base_pay(overtime) + supplement_pay(overtime)
