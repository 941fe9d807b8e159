"""How overtime is paid and banked: the split both `overtime_choice` and a policy without
it (everything paid) use.

Overtime whose minutes stayed in the flex delta (`in_flex`) is settled with the flex: its
base is neither paid nor banked again, only its supplement is paid."""

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
    in_flex: tuple[OvertimeMinutes, ...]


def choosable_minutes(overtime: Iterable[OvertimeMinutes]) -> int:
    """The overtime minutes a submission may choose to pay out: those not in the flex."""
    return sum(part.minutes for part in overtime if not part.in_flex)


def split_overtime(overtime: Sequence[OvertimeMinutes], payout_minutes: int) -> OvertimeSplit:
    """The first `payout_minutes` of the period's choosable overtime, in the statement's
    order (day, then policy), are paid; the rest is banked."""
    paid: list[OvertimeMinutes] = []
    banked: list[OvertimeMinutes] = []
    left = payout_minutes
    for part in overtime:
        if part.in_flex:
            continue
        taken = min(left, part.minutes)
        left -= taken
        if taken:
            paid.append(OvertimeMinutes(part.day, taken, part.rate_percent))
        if part.minutes - taken:
            banked.append(OvertimeMinutes(part.day, part.minutes - taken, part.rate_percent))
    in_flex = tuple(part for part in overtime if part.in_flex)
    return OvertimeSplit(tuple(paid), tuple(banked), in_flex)


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
    split = split_overtime(overtime, choosable_minutes(overtime))
    return base_pay(split.paid) + supplement_pay(split.paid + split.in_flex)
