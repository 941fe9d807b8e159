"""The import service on both engines: the dry run writes nothing, applying creates what
the dry run said, and a run stopped part-way resumes without creating a row twice."""

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, event, func, select
from sqlalchemy.exc import IntegrityError

from tests.access.support import new_person
from tests.conftest import WorkspaceFixture
from timeledger.access.caller import Caller, caller_acting_as
from timeledger.imports.planning import ImportPlan
from timeledger.imports.service import Applied, apply_plan, external_source, plan_file
from timeledger.kit.db import Database
from timeledger.models import (
    Activity,
    Customer,
    Employee,
    Employment,
    ExternalId,
    Project,
    Task,
    TimeEntry,
    User,
)

SAMPLES = Path(__file__).parent / "samples"
MAX_BYTES = 1_000_000
COUNTED = {"entries": TimeEntry, "customers": Customer, "projects": Project, "tasks": Task,
           "activities": Activity, "external_ids": ExternalId}  # fmt: skip


class Stopped(Exception):
    pass


def _owner_of(db: Database, workspace: WorkspaceFixture) -> Caller:
    with db.transaction(workspace_id=workspace.id) as session:
        user = session.get(User, workspace.owner_id)
        assert user is not None
        return caller_acting_as(user, "test")


@pytest.fixture
def owner(db: Database, workspace: WorkspaceFixture) -> Caller:
    return _owner_of(db, workspace)


@pytest.fixture
def people(db: Database, workspace: WorkspaceFixture) -> dict[str, int]:
    """The people of the Toggl sample, as users with employees (Ben by name only)."""
    anna = new_person(db, workspace.id, "employee", email="anna@example.com", name="Anna Berg")
    ben = new_person(db, workspace.id, "employee", email="benk@example.org", name="Ben Kraus")
    return {"anna": anna.user_id, "ben": ben.user_id}


def _counts(db: Database, workspace_id: int) -> dict[str, int]:
    with db.transaction(workspace_id=workspace_id) as session:
        return {
            name: session.scalar(select(func.count()).select_from(model)) or 0
            for name, model in COUNTED.items()
        }


def _plan(db: Database, workspace_id: int, sample: str, source: str) -> ImportPlan:
    with db.transaction(workspace_id=workspace_id) as session:
        return plan_file(session, workspace_id, source, (SAMPLES / sample).read_bytes(),
                         max_bytes=MAX_BYTES)  # fmt: skip


def _toggl(db: Database, workspace_id: int) -> ImportPlan:
    return _plan(db, workspace_id, "toggl_detailed.csv", "toggl-csv")


def test_the_dry_run_changes_nothing_and_says_what_applying_creates(
    db: Database, workspace: WorkspaceFixture, owner: Caller, people: dict[str, int]
) -> None:
    before = _counts(db, workspace.id)
    plan = _toggl(db, workspace.id)
    assert _counts(db, workspace.id) == before
    summary = plan.summary()
    assert (summary["rows"], summary["entries_to_create"], summary["refused_rows"]) == (5, 5, 0)
    assert summary["customers"]["created"] == {"count": 1, "names": ["Nordwind GmbH"]}
    assert summary["projects"]["created"] == {"count": 2, "names": ["Relaunch", "Internal"]}
    assert summary["tasks"]["created"] == {"count": 1, "names": ["Design"]}
    assert summary["people"] == {"matched": 2, "created": {"count": 0, "names": []}}
    assert summary["activities"]["matched"] == 1

    applied = apply_plan(db, owner, "toggl-csv", plan)
    assert (applied.created_entries, applied.refused) == (5, [])
    after = _counts(db, workspace.id)
    assert {name: after[name] - before[name] for name in after} == {
        "entries": 5, "customers": 1, "projects": 2, "tasks": 1, "activities": 0,
        "external_ids": 5,
    }  # fmt: skip
    with db.transaction(workspace_id=workspace.id) as session:
        entries = session.scalars(select(TimeEntry).order_by(TimeEntry.id)).all()
        assert [(e.day, e.minutes, e.billable, e.note) for e in entries] == [
            (date(2026, 3, 2), 90, True, "Homepage, first draft"),
            (date(2026, 3, 2), 15, False, "Standup"),
            (date(2026, 3, 2), 16, False, "Standup"),
            (date(2026, 3, 2), 76, False, "Night deploy"),
            (date(2026, 3, 3), 1, False, "Review"),
        ]
        assert sum(e.minutes for e in entries) == summary["minutes_to_create"]
        assert entries[0].task_id is not None and entries[0].customer_id is not None
        assert entries[3].customer_id is None and entries[3].project_id is not None
        sources = set(session.scalars(select(ExternalId.source)))
        assert sources == {"toggl-csv"}


def test_a_second_apply_creates_nothing(
    db: Database, workspace: WorkspaceFixture, owner: Caller, people: dict[str, int]
) -> None:
    apply_plan(db, owner, "toggl-csv", _toggl(db, workspace.id))
    before = _counts(db, workspace.id)
    again = _toggl(db, workspace.id)
    summary = again.summary()
    assert (summary["entries_to_create"], summary["already_imported"]) == (0, 5)
    assert summary["projects"] == {"matched": 0, "created": {"count": 0, "names": []}}
    assert apply_plan(db, owner, "toggl-csv", again) == Applied(0, [])
    assert _counts(db, workspace.id) == before


def test_a_run_stopped_part_way_resumes_without_creating_a_row_twice(
    db: Database, workspace: WorkspaceFixture, owner: Caller, people: dict[str, int]
) -> None:
    before = _counts(db, workspace.id)
    done: list[int] = []

    def stop_after_the_first_batch(count: int) -> None:
        done.append(count)
        raise Stopped

    with pytest.raises(Stopped):
        apply_plan(db, owner, "toggl-csv", _toggl(db, workspace.id), batch_size=2,
                   progress=stop_after_the_first_batch)  # fmt: skip
    assert done == [3]  # a batch ends where its person's entries end: the first one's 3
    assert _counts(db, workspace.id)["entries"] - before["entries"] == 3
    resumed = _toggl(db, workspace.id)
    assert (len(resumed.entries), resumed.already_imported) == (2, 3)
    assert not (resumed.new_customers or resumed.new_projects or resumed.new_tasks)
    progress: list[int] = []
    applied = apply_plan(db, owner, "toggl-csv", resumed, batch_size=1, progress=progress.append)
    assert (applied.created_entries, progress) == (2, [2])
    after = _counts(db, workspace.id)
    assert (after["entries"] - before["entries"], after["projects"] - before["projects"]) == (5, 2)


def test_a_row_the_entry_rules_refuse_is_reported_and_the_rest_of_its_batch_created(
    db: Database, workspace: WorkspaceFixture, owner: Caller, people: dict[str, int]
) -> None:
    with db.transaction(workspace_id=workspace.id) as session:
        ben_employee = session.scalar(select(Employee.id).where(Employee.user_id == people["ben"]))
        assert ben_employee is not None
        # Employed from the day after his first row's.
        session.add(Employment(employee_id=ben_employee, starts_on=date(2026, 3, 3),
                               ends_on=None, percentage_hundredths=10000,
                               created_at=datetime.now(UTC)))  # fmt: skip
    plan = _toggl(db, workspace.id)
    assert plan.problems == []  # the plan does not know employments: applying finds out
    applied = apply_plan(db, owner, "toggl-csv", plan, batch_size=2)
    assert applied.created_entries == 4
    ((row, field, problem),) = [(p.row, p.field, p.problem) for p in applied.refused]
    assert (row, field, problem) == (5, "date", "outside the employment")
    again = _toggl(db, workspace.id)
    assert [entry.row for entry in again.entries] == [5]


def test_mites_json_and_csv_resume_each_other(
    db: Database, workspace: WorkspaceFixture, owner: Caller
) -> None:
    new_person(db, workspace.id, "employee", name="Noah Scott")
    new_person(db, workspace.id, "employee", name="Annie Butler")
    assert external_source("mite-csv") == external_source("mite-json") == "mite"
    from_csv = _plan(db, workspace.id, "mite_time_entries.csv", "mite-csv")
    assert apply_plan(db, owner, "mite-csv", from_csv).created_entries == len(from_csv.entries)
    from_json = _plan(db, workspace.id, "mite_time_entries.json", "mite-json")
    assert (len(from_csv.entries), from_json.entries) == (2, [])
    assert (from_json.already_imported, from_json.refused_rows) == (2, 1)


TOGGL_HEADER = ("User,Email,Client,Project,Task,Description,Billable,Start date,Start time,"
                "End date,End time,Duration,Tags,Amount (EUR)")  # fmt: skip


def _eight_people_file(rows: int) -> bytes:
    """A Toggl file of `rows` rows of eight people in turn, each row on one of eight
    projects of four customers, with a task."""
    lines = [
        f"Person {n % 8},,Client {n % 4},Project {n % 8},Task {n % 3},Row {n},Yes,"
        f"2026-03-{2 + n % 20:02d},09:00:00,,,0:{10 + n % 40}:00,,"
        for n in range(rows)
    ]
    return "\n".join([TOGGL_HEADER, *lines]).encode()


def _eight_people_plan(db: Database, workspace: WorkspaceFixture, rows: int) -> ImportPlan:
    """The plan of `_eight_people_file`, its people employees of the workspace."""
    for number in range(8):
        new_person(db, workspace.id, "employee", name=f"Person {number}")
    return _replanned(db, workspace, rows)


def _replanned(db: Database, workspace: WorkspaceFixture, rows: int) -> ImportPlan:
    with db.transaction(workspace_id=workspace.id) as session:
        plan = plan_file(
            session, workspace.id, "toggl-csv", _eight_people_file(rows), max_bytes=MAX_BYTES
        )
    assert plan.problems == []
    return plan


def _statements_per_batch(
    db: Database, workspace: WorkspaceFixture, rows: int, batch_size: int
) -> list[int]:
    """Applies `_eight_people_file` of `rows` rows `batch_size` rows at a time; the
    statements of each batch's transaction after the first batch's. Counted per
    transaction, as a batch may be checked while the one before it is written."""
    plan = _eight_people_plan(db, workspace, rows)
    owner = _owner_of(db, workspace)
    statements: list[int] = []  # of each transaction, as it commits

    def begun(connection: Any) -> None:
        connection.info["statements"] = 0

    def count(connection: Any, *_args: Any) -> None:
        connection.info["statements"] = connection.info.get("statements", 0) + 1

    def committed(connection: Any) -> None:
        statements.append(connection.info.pop("statements", 0))

    listeners = (("begin", begun), ("before_cursor_execute", count), ("commit", committed))
    for name, listener in listeners:
        for engine in db.engines:
            event.listen(engine, name, listener)
    try:
        applied = apply_plan(db, owner, "toggl-csv", plan, batch_size=batch_size)
    finally:
        for name, listener in listeners:
            for engine in db.engines:
                event.remove(engine, name, listener)
    assert (applied.created_entries, applied.refused) == (rows, [])
    return statements[2:]  # after the catalogue's transaction and the first batch's


def test_a_batch_of_40_entries_asks_as_often_as_a_batch_of_10(
    db: Database, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture
) -> None:
    """A batch reads what its rows refer to and writes its entries and their source ids
    with a fixed number of statements, whatever the number of its rows, people, days,
    projects and tasks."""
    of_10 = _statements_per_batch(db, workspace, 80, batch_size=10)
    of_40 = _statements_per_batch(db, other_workspace, 80, batch_size=40)
    assert len(of_10) == 7 and len(of_40) == 1
    assert set(of_10) == set(of_40)


def test_a_batch_that_cannot_be_written_stops_the_import_and_running_it_again_finishes_it(
    db: Database, workspace: WorkspaceFixture
) -> None:
    """Batches before it stay written; it and the batch already checked after it (which
    on PostgreSQL was checked while it was written) leave nothing and hold no lock."""
    plan = _eight_people_plan(db, workspace, 16)
    owner = _owner_of(db, workspace)
    ordered = sorted(plan.entries, key=lambda entry: (entry.employee_id, entry.day))
    fourth_batch_row = ordered[6].source_row_id  # batches of one person's 2 rows
    with db.transaction(workspace_id=workspace.id) as session:
        session.add(ExternalId(workspace_id=workspace.id, source="toggl-csv", entity="entry",
                               external_id=fourth_batch_row, native_id=10**9))  # fmt: skip
    done: list[int] = []

    with pytest.raises(IntegrityError):
        apply_plan(db, owner, "toggl-csv", plan, batch_size=2, progress=done.append)

    assert done == [2, 4, 6]
    assert _counts(db, workspace.id)["entries"] == 6
    with db.transaction(workspace_id=workspace.id) as session:
        session.execute(delete(ExternalId).where(ExternalId.native_id == 10**9))
    again = _replanned(db, workspace, 16)
    assert (len(again.entries), again.already_imported) == (10, 6)
    assert apply_plan(db, owner, "toggl-csv", again, batch_size=2).created_entries == 10
    with db.transaction(workspace_id=workspace.id) as session:
        notes = session.scalars(select(TimeEntry.note)).all()
    assert sorted(notes) == sorted(f"Row {n}" for n in range(16))


def test_a_stopped_import_holds_no_lock_while_its_stop_is_handled(
    db: Database, workspace: WorkspaceFixture
) -> None:
    """On PostgreSQL the batch after the last one written was already checked in an open
    transaction holding its people's locks: stopping the import (a cancel) rolls it back
    at once, not when the stopping exception's traceback is let go."""
    plan = _eight_people_plan(db, workspace, 16)
    owner = _owner_of(db, workspace)

    def stop(_done: int) -> None:
        raise Stopped

    with pytest.raises(Stopped) as stopped:
        apply_plan(db, owner, "toggl-csv", plan, batch_size=2, progress=stop)

    assert stopped.traceback  # held: the import's frames are alive
    with db.transaction(workspace_id=workspace.id) as session:
        locked = session.scalars(select(Employee.id).with_for_update(nowait=True)).all()
    assert len(locked) >= 8
    assert _counts(db, workspace.id)["entries"] == 2
