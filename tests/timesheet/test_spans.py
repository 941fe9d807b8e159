"""The time rules as plain values: tables of cases and properties (no database)."""

from datetime import UTC, date, datetime, timedelta, timezone
from random import Random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from timeledger.kit.errors import Conflict, Problem, Unprocessable
from timeledger.timesheet import spans
from timeledger.timesheet.spans import MAX_SPAN, MINUTES_PER_DAY, Span

START = datetime(2026, 3, 10, 8, 0, tzinfo=UTC)
END = START + timedelta(hours=8)


def _at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def _refusal(check: object) -> tuple[str, str] | None:
    """(location, message) of the problem `check` raises, None when it passes."""
    assert callable(check)
    try:
        check()
    except Problem as problem:
        (error,) = problem.errors
        return error["location"], error["message"]
    return None


@pytest.mark.parametrize(
    ("instant", "refused"),
    [
        (datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-12))), True),
        (datetime(1, 1, 1, 0, 10, tzinfo=timezone(timedelta(hours=14))), True),
        (datetime(1899, 12, 31, 23, 59, tzinfo=UTC), True),
        (datetime(9000, 1, 1, tzinfo=UTC), True),
        (datetime(1900, 1, 1, tzinfo=UTC), False),
        (datetime(8999, 12, 31, 23, 59, tzinfo=UTC), False),
        (datetime(2026, 3, 10, 9, 0, tzinfo=timezone(timedelta(hours=1))), False),
    ],
)
def test_instants_lie_where_every_zone_can_show_them(instant: datetime, refused: bool) -> None:
    check = _refusal(lambda: spans.require_within_range(instant, location="body.started_at"))
    assert (check is not None) == refused
    if refused:
        assert check is not None and check[0] == "body.started_at"
    else:
        assert spans.require_within_range(instant, location="x") == instant.astimezone(UTC)
        assert spans.require_within_range(instant, location="x").tzinfo == UTC


@pytest.mark.parametrize(
    ("started_at", "ended_at", "refusal"),
    [
        (START, END, None),
        (START, START + MAX_SPAN, None),
        (START, START, ("body.ended_at", "must lie after the start")),
        (START, START - timedelta(seconds=1), ("body.ended_at", "must lie after the start")),
        (START, START + MAX_SPAN + timedelta(seconds=1), ("body.ended_at", "longer than 24 hours")),
    ],
)
def test_a_span_ends_after_it_starts_within_a_day(
    started_at: datetime, ended_at: datetime, refusal: tuple[str, str] | None
) -> None:
    def check() -> None:
        spans.require_end_after_start(started_at, ended_at, location="body.ended_at")
        spans.require_not_too_long(started_at, ended_at, location="body.ended_at")

    assert _refusal(check) == refusal


@pytest.mark.parametrize(
    ("started_at", "ended_at", "location"),
    [(START, None, "body.ended_at"), (None, END, "body.started_at")],
)
def test_start_and_end_go_together(
    started_at: datetime | None, ended_at: datetime | None, location: str
) -> None:
    assert _refusal(lambda: spans.require_both_or_neither(started_at, ended_at)) == (
        location,
        "both or neither",
    )
    assert _refusal(lambda: spans.require_both_or_neither(None, None)) is None


@pytest.mark.parametrize(
    ("ahead", "refused"),
    [(timedelta(0), False), (timedelta(minutes=5), False), (timedelta(minutes=5, seconds=1), True)],
)
def test_nothing_lies_more_than_5_minutes_ahead(ahead: timedelta, refused: bool) -> None:
    check = _refusal(lambda: spans.require_not_in_future(START + ahead, START, location="body.at"))
    assert check == (("body.at", "more than 5 minutes in the future") if refused else None)


@pytest.mark.parametrize(
    ("breaks", "refusal"),
    [
        ([], None),
        ([(_at(60), _at(90)), (_at(90), _at(120))], None),
        ([(_at(0), _at(480))], None),
        ([(_at(-1), _at(30))], ("body.breaks.0", "break outside its span")),
        ([(_at(60), _at(90)), (_at(470), _at(481))], ("body.breaks.1", "break outside its span")),
        ([(_at(60), _at(60))], ("body.breaks.0.ended_at", "must lie after the start")),
        ([(_at(60), _at(90)), (_at(80), _at(100))], ("body.breaks.1", "breaks overlap")),
        ([(_at(80), _at(100)), (_at(60), _at(90))], ("body.breaks.0", "breaks overlap")),
        (
            [(_at(200), _at(220)), (_at(10), _at(20)), (_at(15), _at(30))],
            ("body.breaks.2", "breaks overlap"),
        ),
    ],
)
def test_breaks_lie_inside_their_span_apart(
    breaks: list[Span], refusal: tuple[str, str] | None
) -> None:
    assert _refusal(lambda: spans.require_breaks_inside(START, END, breaks)) == refusal


def test_breaks_of_an_open_span_and_an_open_break() -> None:
    open_break: list[Span] = [(_at(60), None)]
    assert _refusal(lambda: spans.require_breaks_inside(START, None, open_break)) is None
    assert _refusal(lambda: spans.require_breaks_inside(START, END, open_break)) == (
        "body.breaks.0",
        "break outside its span",
    )
    after_open: list[Span] = [(_at(60), None), (_at(90), _at(100))]
    assert _refusal(lambda: spans.require_breaks_inside(START, None, after_open)) == (
        "body.breaks.1",
        "breaks overlap",
    )


def test_breaks_need_a_span() -> None:
    breaks: list[Span] = [(_at(60), _at(90))]
    assert _refusal(lambda: spans.require_span_for_breaks(breaks, None, None)) == (
        "body.breaks",
        "needs a span",
    )
    assert _refusal(lambda: spans.require_span_for_breaks([], None, None)) is None
    assert _refusal(lambda: spans.require_span_for_breaks(breaks, START, END)) is None


@pytest.mark.parametrize(
    ("first", "second", "shared"),
    [
        ((_at(0), _at(60)), (_at(60), _at(120)), False),
        ((_at(0), _at(61)), (_at(60), _at(120)), True),
        ((_at(0), _at(60)), (_at(0), _at(60)), True),
        ((_at(0), None), (_at(600), _at(660)), True),
        ((_at(600), _at(660)), (_at(0), None), True),
        ((_at(0), _at(60)), (_at(60), None), False),
    ],
)
def test_overlap_is_sharing_time_and_touching_is_not(
    first: Span, second: Span, shared: bool
) -> None:
    assert spans.overlap(first, second) is shared
    assert spans.overlap(second, first) is shared


def test_a_stored_span_found_overlapping_is_a_409_naming_it() -> None:
    class Stored:
        id = 7
        started_at = START
        ended_at = None

    spans.require_apart(None, kind="entry")
    with pytest.raises(Conflict) as refused:
        spans.require_apart(Stored(), kind="entry")
    assert refused.value.extra == {
        "entry_id": 7,
        "started_at": START.isoformat(),
        "ended_at": None,
    }
    assert "still open" in refused.value.detail


@pytest.mark.parametrize(
    ("minutes", "recorded_already", "refused"),
    [(1440, 0, False), (440, 1000, False), (441, 1000, True), (1, 1440, True), (0, 1440, False)],
)
def test_a_day_holds_at_most_24_hours(minutes: int, recorded_already: int, refused: bool) -> None:
    check = _refusal(
        lambda: spans.require_day_total_within_a_day(date(2026, 3, 10), minutes, recorded_already)
    )
    assert check == (("body.minutes", "more than 24 hours on the day") if refused else None)


@pytest.mark.parametrize(
    ("minutes", "refused"), [(-1, True), (0, False), (1440, False), (1441, True)]
)
def test_an_entry_has_0_to_1440_minutes(minutes: int, refused: bool) -> None:
    check = _refusal(lambda: spans.require_minutes_within_a_day(minutes))
    assert (check is not None) == refused


@pytest.mark.parametrize(
    ("days_ahead", "refused"),
    [
        (-3650, False),
        (0, False),
        (spans.PLANNING_HORIZON_DAYS, False),
        (spans.PLANNING_HORIZON_DAYS + 1, True),
    ],
)
def test_entries_are_planned_at_most_the_horizon_ahead(days_ahead: int, refused: bool) -> None:
    today = date(2026, 3, 10)
    day = today + timedelta(days=days_ahead)
    check = _refusal(lambda: spans.require_within_planning_horizon(day, today))
    assert check == (("body.date", "too far in the future") if refused else None)


# Properties

MINUTE = timedelta(minutes=1)
# Hypothesis draws naive bounds and attaches the zone itself.
instants = st.datetimes(
    min_value=datetime(1900, 1, 2),  # noqa: DTZ001
    max_value=datetime(8999, 12, 30),  # noqa: DTZ001
    timezones=st.just(UTC),
)
lengths = st.integers(min_value=1, max_value=MINUTES_PER_DAY)


@st.composite
def spans_with_breaks(draw: st.DrawFn) -> tuple[datetime, datetime, list[Span]]:
    """A valid span with valid breaks: cut points inside the span, paired in order."""
    started_at = draw(instants)
    length = draw(lengths)
    cuts = sorted(draw(st.sets(st.integers(0, length), max_size=8)))
    pairs = [(cuts[i], cuts[i + 1]) for i in range(0, len(cuts) - 1, 2)]
    breaks: list[Span] = [
        (started_at + start * MINUTE, started_at + end * MINUTE) for start, end in pairs
    ]
    order = draw(st.permutations(breaks))
    return started_at, started_at + length * MINUTE, list(order)


@given(spans_with_breaks())
def test_any_valid_span_with_valid_breaks_passes(
    span: tuple[datetime, datetime, list[Span]],
) -> None:
    started_at, ended_at, breaks = span
    spans.require_end_after_start(started_at, ended_at, location="body.ended_at")
    spans.require_not_too_long(started_at, ended_at, location="body.ended_at")
    spans.require_breaks_inside(started_at, ended_at, breaks)
    spans.require_span_for_breaks(breaks, started_at, ended_at)


@given(spans_with_breaks(), st.integers(1, 600), st.booleans(), st.data())
def test_a_break_outside_the_span_is_blamed_at_its_own_index(
    span: tuple[datetime, datetime, list[Span]], minutes: int, before: bool, data: st.DataObject
) -> None:
    started_at, ended_at, breaks = span
    outside: Span = (
        (started_at - minutes * MINUTE, started_at)
        if before
        else (ended_at, ended_at + minutes * MINUTE)
    )
    index = data.draw(st.integers(0, len(breaks)))
    sent = [*breaks[:index], outside, *breaks[index:]]

    with pytest.raises(Unprocessable) as refused:
        spans.require_breaks_inside(started_at, ended_at, sent)

    assert refused.value.errors == [
        {"location": f"body.breaks.{index}", "message": "break outside its span"}
    ]


@given(
    st.lists(
        st.tuples(st.integers(-60, 540), st.integers(0, 120)).map(
            lambda pair: (_at(pair[0]), _at(pair[0] + pair[1]))
        ),
        min_size=1,
        max_size=6,
    ),
    st.randoms(use_true_random=False),
)
def test_reordering_breaks_moves_the_blame_with_the_break(
    breaks: list[Span], shuffler: Random
) -> None:
    """Whatever the order, the break blamed is the same one; its index follows it."""
    order = list(range(len(breaks)))
    shuffler.shuffle(order)
    shuffled = [breaks[position] for position in order]

    def blamed(sent: list[Span]) -> tuple[Span, str] | None:
        try:
            spans.require_breaks_inside(START, END, sent)
        except Unprocessable as problem:
            (error,) = problem.errors
            index = int(error["location"].split(".")[2])
            return sent[index], error["message"]
        return None

    assert blamed(breaks) == blamed(shuffled)
