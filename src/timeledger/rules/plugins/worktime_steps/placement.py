"""Where a deduction falls in a day: it matters for the rules that look at the time of day
(a night supplement must not be paid for a deducted break)."""

from collections.abc import Sequence

from timeledger.rules.timeline import Span, last_minutes, minutes_from, moment_reaching, total


def placed_deduction(spans: Sequence[Span], minutes: int, after_minutes: int) -> list[Span]:
    """`minutes` of time-ordered `spans` from the moment work first reaches
    `after_minutes`; when less work than that is left after the moment, the last minutes
    of the day instead."""
    if minutes <= 0:
        return []
    moment = moment_reaching(spans, after_minutes)
    if moment is None or total(spans) - after_minutes < minutes:
        return last_minutes(spans, minutes)
    return minutes_from(spans, moment, minutes)
