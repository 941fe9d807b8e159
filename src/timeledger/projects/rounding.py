"""Rounding of registered minutes to a project's step (Tyme's rounding): a pure function
the timesheet applies to each entry of a project with a rounding method."""

from typing import Literal

RoundingMethod = Literal["none", "down", "nearest", "up"]
ROUNDING_METHODS: tuple[RoundingMethod, ...] = ("none", "down", "nearest", "up")


def round_minutes(minutes: int, method: RoundingMethod, step: int) -> int:
    """`minutes` rounded to a multiple of `step`: `down` (floor), `up` (ceiling), `nearest`
    (a tie goes up) or unchanged for `none`."""
    if step < 1:
        raise ValueError("step must be at least 1 minute")
    if method == "none" or step == 1:
        return minutes
    below = (minutes // step) * step
    if below == minutes or method == "down":
        return below
    if method == "up":
        return below + step
    if method == "nearest":
        return below + step if 2 * (minutes - below) >= step else below
    raise ValueError(f"unknown rounding method {method!r}")
