"""The closed presence of a day summed by the database counts every interval as
`Stretch.minutes` does in Python: breaks left out and cut at the interval's end, seconds
floored per interval; open intervals, earlier intervals and other days left out."""

import random
from datetime import UTC, date, datetime, timedelta

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.presence.support import new_employee
from timeledger.kit.db import Database
from timeledger.models import PresenceBreak, PresenceInterval
from timeledger.presence.team_repository import closed_presence_by_day
from timeledger.presence.team_today import Stretch

DAY = date(2026, 3, 4)
MIDNIGHT = datetime(2026, 3, 4, tzinfo=UTC)
NOW = MIDNIGHT + timedelta(hours=23)

Span = tuple[datetime, datetime | None]


def _random_day(seed: int) -> list[tuple[Span, list[Span]]]:
    """Intervals one after another through the day, with odd seconds and breaks, some
    of them running past the interval's end."""
    generator = random.Random(seed)
    spans: list[tuple[Span, list[Span]]] = []
    at = MIDNIGHT + timedelta(seconds=generator.randrange(3600))
    for _ in range(12):
        length = timedelta(seconds=generator.randrange(60, 4 * 3600))
        breaks: list[Span] = []
        if generator.random() < 0.6:
            started = at + timedelta(seconds=generator.randrange(int(length.total_seconds())))
            ended = started + timedelta(seconds=generator.randrange(1, 3600))
            breaks.append((started, ended))
        spans.append(((at, at + length), breaks))
        at += length + timedelta(seconds=generator.randrange(1, 600))
    return spans


def _store(
    db: Database, workspace_id: int, employee_id: int, spans: list[tuple[Span, list[Span]]]
) -> None:
    with db.transaction(workspace_id=workspace_id) as session:
        for (started, ended), breaks in spans:
            interval = PresenceInterval(
                workspace_id=workspace_id,
                employee_id=employee_id,
                started_at=started,
                ended_at=ended,
                day=started.date(),
                timezone="UTC",
                source="manual",
                created_at=started,
                updated_at=started,
            )
            session.add(interval)
            session.flush()
            for break_started, break_ended in breaks:
                session.add(
                    PresenceBreak(
                        workspace_id=workspace_id,
                        interval_id=interval.id,
                        started_at=break_started,
                        ended_at=break_ended,
                    )
                )


def test_the_database_sums_each_closed_interval_as_a_stretch_counts_it(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee_id = new_employee(client, workspace.headers, "E1")
    other_id = new_employee(client, workspace.headers, "E2")
    today = _random_day(seed=7)
    late = NOW - timedelta(minutes=30)
    left_out: list[tuple[Span, list[Span]]] = [
        ((MIDNIGHT - timedelta(hours=3), MIDNIGHT - timedelta(hours=1)), []),
        ((late, None), [(late + timedelta(minutes=5), None)]),
    ]
    _store(db, workspace.id, employee_id, today + left_out)
    _store(db, workspace.id, other_id, _random_day(seed=8))

    with db.session(write=False, workspace_id=workspace.id) as session:
        rows = closed_presence_by_day(session, [employee_id], MIDNIGHT, DAY, DAY)

    expected = sum(
        Stretch(employee_id, DAY, started, ended, tuple(breaks)).minutes(NOW)
        for (started, ended), breaks in today
    )
    assert [(row.employee_id, row.day, row.intervals, row.minutes) for row in rows] == [
        (employee_id, DAY, len(today), expected)
    ]


def test_a_break_beyond_the_interval_is_cut_at_its_end_and_minutes_never_go_below_zero(
    client: TestClient, db: Database, workspace: WorkspaceFixture
) -> None:
    employee_id = new_employee(client, workspace.headers)
    nine = MIDNIGHT + timedelta(hours=9)
    spans: list[tuple[Span, list[Span]]] = [
        (
            (nine, nine + timedelta(hours=2)),
            [(nine + timedelta(hours=1), nine + timedelta(hours=5))],
        ),
        ((nine + timedelta(hours=3), nine + timedelta(hours=3, seconds=119)), []),
        ((nine + timedelta(hours=4), nine + timedelta(hours=3)), []),
    ]
    _store(db, workspace.id, employee_id, spans)

    with db.session(write=False, workspace_id=workspace.id) as session:
        (row,) = closed_presence_by_day(session, [employee_id], MIDNIGHT, DAY, DAY)

    assert (row.intervals, row.minutes) == (3, 60 + 1 + 0)
