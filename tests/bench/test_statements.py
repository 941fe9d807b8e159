"""Issue #18's benchmark (`bench/statements.py`): the month's statements generated,
generated again without a write, approved and settled by the real worker, on a tiny
generated dataset."""

from datetime import date
from typing import Any

from bench.statements import Bench
from sqlalchemy import func, select, update

from bench import scenarios
from timeledger.access.credentials import PasswordHashing
from timeledger.benchdata import GeneratedDataset, generate_dataset
from timeledger.kit.db import Database
from timeledger.models import Change, PeriodLock, Statement, TimeEntry

UNTIL = date(2025, 12, 31)
NOVEMBER = (date(2025, 11, 1), date(2025, 11, 30))


def _dataset(db: Database, hashing: PasswordHashing) -> GeneratedDataset:
    return generate_dataset(
        db, employees=3, years=1, seed=2, until=UNTIL, changes=50, hashing=hashing
    )


def _november(db: Database, workspace_id: int) -> dict[str, Any]:
    """What the month's statements, locks and entries are now."""
    first, last = NOVEMBER
    with db.transaction(workspace_id=workspace_id) as session:
        statements = session.execute(
            select(Statement.id, Statement.employee_id, Statement.period, Statement.status)
            .where(Statement.period_start == first, Statement.period_end == last)
            .order_by(Statement.id)
        ).all()
        employees = [row.employee_id for row in statements]
        entries = session.execute(
            select(TimeEntry.approval_status, TimeEntry.locked, func.count())
            .where(TimeEntry.employee_id.in_(employees), TimeEntry.day.between(first, last))
            .group_by(TimeEntry.approval_status, TimeEntry.locked)
        ).all()
        return {
            "statements": [(row.period, row.status) for row in statements],
            "all_statements": session.scalar(select(func.count()).select_from(Statement)),
            "locked_employees": sorted(
                session.scalars(
                    select(PeriodLock.employee_id).where(
                        PeriodLock.first_day == first, PeriodLock.last_day == last
                    )
                )
            ),
            "employees": sorted(employees),
            "entries": {(status, locked): count for status, locked, count in entries},
            "generated_changes": session.scalar(
                select(func.count())
                .select_from(Change)
                .where(Change.entity == "statement", Change.op == "generated")
            ),
        }


def test_the_month_is_generated_once_regenerated_without_writes_and_settled(
    db: Database, hashing: PasswordHashing, database_url: str
) -> None:
    generated = _dataset(db, hashing)
    engine = "sqlite" if db.is_sqlite else "postgresql"
    dataset = scenarios.Dataset(engine, database_url, generated.as_json(), None, False)
    assert scenarios.batch_month(dataset) == NOVEMBER

    measured = scenarios.statements(dataset)

    after = _november(db, dataset.workspace_id)
    count = len(after["statements"])
    assert count >= 2  # the tiny dataset's employees employed in November
    assert after["all_statements"] == count
    assert after["statements"] == [("month", "settled")] * count
    assert after["locked_employees"] == after["employees"]
    assert after["entries"] and set(after["entries"]) == {("approved", True)}
    assert after["generated_changes"] == count  # the second run wrote none
    assert (measured["from"], measured["to"]) == ("2025-11-01", "2025-11-30")
    assert measured["statements"] == count
    assert measured["generated"] == {
        "day": "2025-11-01", "created": count, "recomputed": 0, "updated": 0, "marked_stale": 0,
        "unchanged": 0, "overlapping": 0,
    }  # fmt: skip
    assert measured["regenerated"] == {**measured["generated"], "created": 0, "unchanged": count}
    assert (measured["regenerate_writes"], measured["regenerate_row_versions"]) == (0, 0)
    assert (measured["approved"], measured["refused"]) == (count, {})
    assert (measured["settle_jobs"], measured["settled"], measured["settle_failed"]) == (
        count,
        count,
        0,
    )
    assert measured["movements"] == 0  # every day sums to the norm: no delta, no overtime
    for figure in ("generate_seconds", "regenerate_seconds", "approve_seconds", "settle_seconds"):
        assert measured[figure] > 0
    assert measured["peak_rss_mib"] > 10
    assert measured["engine"] == engine


def test_a_regeneration_that_writes_is_seen(db: Database, hashing: PasswordHashing) -> None:
    dataset = _dataset(db, hashing)
    bench = Bench(db, dataset.workspace_id, date(2025, 11, 15))
    _seconds, generated = bench.generate()
    changes, versions = bench.written()
    statements = bench.statement_ids()
    assert generated["created"] == len(statements) >= 2
    assert bench.written() == (changes, versions)

    with db.transaction(workspace_id=dataset.workspace_id) as session:
        session.execute(
            update(TimeEntry)
            .where(TimeEntry.employee_id == dataset.sample_employee_id)
            .where(TimeEntry.day.between(*NOVEMBER))
            .values(minutes=TimeEntry.minutes + 15)
        )
    _seconds, regenerated = bench.generate()

    # Entries' minutes are inputs but not figures (presence is the worked time): the
    # statement's digest is brought up to date, its figures stand.
    assert (regenerated["updated"], regenerated["unchanged"]) == (1, len(statements) - 1)
    assert regenerated["recomputed"] == 0
    assert bench.written() == (changes + 1, versions + 1)
    assert bench.statement_ids() == statements
