"""round_minutes: a pure function, checked by properties."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeledger.projects.rounding import RoundingMethod, round_minutes

minutes = st.integers(min_value=0, max_value=100_000)
steps = st.integers(min_value=1, max_value=60)


@given(minutes, steps)
def test_down_is_the_greatest_multiple_not_above(value: int, step: int) -> None:
    rounded = round_minutes(value, "down", step)
    assert rounded % step == 0
    assert rounded <= value < rounded + step


@given(minutes, steps)
def test_up_is_the_least_multiple_not_below(value: int, step: int) -> None:
    rounded = round_minutes(value, "up", step)
    assert rounded % step == 0
    assert rounded - step < value <= rounded


@given(minutes, steps)
def test_nearest_is_a_closest_multiple_and_ties_go_up(value: int, step: int) -> None:
    rounded = round_minutes(value, "nearest", step)
    assert rounded % step == 0
    assert 2 * abs(rounded - value) <= step
    if 2 * abs(rounded - value) == step:
        assert rounded > value


@given(minutes, steps, st.sampled_from(["down", "nearest", "up"]))
def test_multiples_stay_and_rounding_is_idempotent(
    value: int, step: int, method: RoundingMethod
) -> None:
    assert round_minutes(value * step, method, step) == value * step
    once = round_minutes(value, method, step)
    assert round_minutes(once, method, step) == once


@given(minutes, steps)
def test_none_and_a_step_of_one_change_nothing(value: int, step: int) -> None:
    assert round_minutes(value, "none", step) == value
    for method in ("down", "nearest", "up"):
        assert round_minutes(value, method, 1) == value


def test_examples() -> None:
    assert round_minutes(7, "down", 15) == 0
    assert round_minutes(7, "nearest", 15) == 0
    assert round_minutes(8, "nearest", 15) == 15
    assert round_minutes(1, "up", 15) == 15
    assert round_minutes(15, "up", 15) == 15
    assert round_minutes(5, "nearest", 10) == 10


def test_a_step_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        round_minutes(10, "down", 0)
