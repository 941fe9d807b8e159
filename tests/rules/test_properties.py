"""Properties of the evaluation over generated weeks of shifts (hypothesis)."""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.rules.builders import NIGHT, OT, Shifts, configuration, constraint, step, worktime
from timeledger.rules.evaluation import digest_of, evaluate
from timeledger.rules.facts import Configuration, EvaluationFacts
from timeledger.rules.figures import Line

FIRST = date(2026, 10, 19)  # three weeks around the autumn clock change in Oslo
DAYS = 21
POLICY = worktime(
    step(
        "statutory_breaks",
        tiers=[
            {"after_minutes": 360, "break_minutes": 30},
            {"after_minutes": 540, "break_minutes": 45},
        ],
        min_segment_minutes=15,
        mode="cap",
    ),
    constraints=(
        constraint("daily_rest", min_minutes=660),
        constraint("max_daily_work", max_minutes=600),
    ),
)
CONFIGURATION = configuration(OT, NIGHT, worktime_policy=POLICY)


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


@st.composite
def shifts(draw: st.DrawFn) -> Shifts:
    generated = Shifts()
    for offset in range(DAYS):
        if not draw(st.booleans()):
            continue
        start = draw(st.integers(0, 23 * 60))
        length = draw(st.integers(30, 14 * 60))
        end = (start + length) % 1440
        breaks: tuple[tuple[str, str], ...] = ()
        if length > 120 and draw(st.booleans()):
            pause = start + draw(st.integers(30, length - 60))
            breaks = ((_clock(pause % 1440), _clock((pause + draw(st.integers(5, 45))) % 1440)),)
        generated.add(FIRST + timedelta(days=offset), _clock(start), _clock(end), breaks=breaks)
    return generated


def facts_of(
    generated: Shifts, first: date, last: date, config: Configuration = CONFIGURATION
) -> EvaluationFacts:
    return generated.facts(first, last, config)


def by_day(lines: tuple[Line, ...]) -> dict[date, list[Line]]:
    found: dict[date, list[Line]] = {}
    for line in lines:
        found.setdefault(line.day, []).append(line)
    return found


@settings(max_examples=60, deadline=None)
@given(shifts())
def test_no_category_of_a_day_exceeds_its_worked_minutes(generated: Shifts) -> None:
    evaluation = evaluate(facts_of(generated, FIRST, FIRST + timedelta(days=DAYS - 1)))

    lines = by_day(evaluation.lines)
    for day in evaluation.days:
        of_day = lines.get(day.day, [])
        worked = day.worked_minutes
        assert sum(line.minutes for line in of_day if line.kind == "overtime") <= worked
        for policy_id in {line.policy_id for line in of_day if line.kind == "allowance"}:
            assert (
                sum(
                    line.minutes
                    for line in of_day
                    if line.kind == "allowance" and line.policy_id == policy_id
                )
                <= worked
            )
        assert all(line.minutes >= 0 for line in of_day if line.kind != "flex")


@settings(max_examples=60, deadline=None)
@given(shifts(), st.integers(1, DAYS - 2))
def test_splitting_a_range_never_changes_a_day(generated: Shifts, split_after: int) -> None:
    last = FIRST + timedelta(days=DAYS - 1)
    middle = FIRST + timedelta(days=split_after)
    whole = evaluate(facts_of(generated, FIRST, last))
    head = evaluate(facts_of(generated, FIRST, middle))
    tail = evaluate(facts_of(generated, middle + timedelta(days=1), last))

    assert head.days + tail.days == whole.days
    assert head.lines + tail.lines == whole.lines
    assert sorted(head.issues + tail.issues, key=repr) == sorted(whole.issues, key=repr)


@settings(max_examples=40, deadline=None)
@given(shifts(), st.data())
def test_the_digest_changes_when_and_only_when_an_input_does(
    generated: Shifts, data: st.DataObject
) -> None:
    last = FIRST + timedelta(days=DAYS - 1)
    facts = facts_of(generated, FIRST, last)
    rebuilt = facts_of(generated, FIRST, last)
    assert evaluate(facts).input_digest == evaluate(rebuilt).input_digest
    assert digest_of(facts) == evaluate(facts).input_digest

    if facts.intervals:
        index = data.draw(st.integers(0, len(facts.intervals) - 1))
        interval = facts.intervals[index]
        assert interval.ended_at is not None
        moved = replace(interval, ended_at=interval.ended_at + timedelta(minutes=1))
        changed = replace(
            facts, intervals=(*facts.intervals[:index], moved, *facts.intervals[index + 1 :])
        )
        assert evaluate(changed).input_digest != evaluate(facts).input_digest
    other_policy = configuration(OT, worktime_policy=POLICY)
    assert (
        evaluate(facts_of(generated, FIRST, last, other_policy)).input_digest
        != evaluate(facts).input_digest
    )
