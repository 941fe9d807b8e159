"""Tyme's changes applied through the services (`apply_update`, `delete_object`), on both
engines: every type created with and without an id, partial updates from today, parents,
time records in seconds, non-working records, cascading deletions and where problems
are placed."""

from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from tests.access.support import new_person
from tests.conftest import WorkspaceFixture
from timeledger.access.caller import Caller, caller_acting_as
from timeledger.compat.tyme.changes import CREATED_EFFECTIVE_FROM, Gone, apply_update, delete_object
from timeledger.compat.tyme.ids import NativeRef, TymeIds
from timeledger.compat.tyme.objects import render
from timeledger.kit.clock import Clock
from timeledger.kit.db import Database
from timeledger.kit.errors import BadRequest, Conflict, Locked, Problem, Unprocessable
from timeledger.models import (
    Activity,
    Customer,
    Employee,
    ExternalId,
    Project,
    ProjectVersion,
    Task,
    TaskVersion,
    TimeEntry,
    User,
)

TYME_TIME = "%Y-%m-%d %H:%M:%S"


@dataclass(frozen=True)
class Tyme:
    """Applying a Tyme client's changes as a team admin, one transaction each."""

    db: Database
    workspace_id: int
    caller: Caller

    def session(self) -> AbstractContextManager[Session]:
        return self.db.transaction(workspace_id=self.workspace_id)

    def put(self, item: dict[str, Any], where: str = "") -> NativeRef:
        with self.session() as session:
            return apply_update(session, self.caller, TymeIds(session), item, where)

    def delete(
        self, tyme_id: str, group: Literal["project", "time"] = "project", where: str = "x[0]"
    ) -> NativeRef | None:
        with self.session() as session:
            return delete_object(session, self.caller, TymeIds(session), tyme_id, group, where)

    def shown(self, ref: NativeRef) -> dict[str, Any]:
        with self.session() as session:
            return render(session, [ref])[ref]

    def entry(self, ref: NativeRef) -> TimeEntry:
        with self.session() as session:
            entry = session.get(TimeEntry, ref.id)
            assert entry is not None
            session.expunge(entry)
            return entry

    def count(self, model: Any, *where: Any) -> int:
        with self.session() as session:
            return int(session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


@pytest.fixture
def tyme(db: Database, workspace: WorkspaceFixture) -> Tyme:
    with db.transaction(workspace_id=workspace.id) as session:
        owner = session.get(User, workspace.owner_id)
        assert owner is not None
        caller = caller_acting_as(owner, "test")
    return Tyme(db, workspace.id, caller)


def at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime(TYME_TIME)


@pytest.fixture
def morning(clock: Clock) -> datetime:
    """09:00 UTC two days ago."""
    return (clock.now() - timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.fixture
def catalog(tyme: Tyme) -> dict[str, NativeRef]:
    """A category, a project in it, a task and a subtask, all with client ids."""
    return {
        "category": tyme.put({"type": "ProjectCategory", "id": "CAT-1", "name": "Initech"}),
        "project": tyme.put(
            {"type": "Project", "id": "PRJ-1", "name": "TPS", "category_id": "CAT-1"}
        ),
        "task": tyme.put(
            {"type": "TimedTask", "id": "TSK-1", "name": "Covers", "related_id": "PRJ-1"}
        ),
        "subtask": tyme.put(
            {"type": "TimedSubTask", "id": "SUB-1", "name": "Staples", "task_id": "TSK-1"}
        ),
    }


def record(
    tyme_id: str | None, task_id: str, start: datetime, end: datetime | None, **more: Any
) -> dict[str, Any]:
    item = {
        "type": "TimedTaskRecord",
        "task_id": task_id,
        "time_start": at(start),
        "time_end": at(end) if end is not None else None,
        "note": "cover sheets",
        **more,
    }
    return {**item, "id": tyme_id} if tyme_id is not None else item


# Creating


def test_every_catalog_type_is_created_under_the_clients_id_in_force_for_every_date(
    tyme: Tyme, catalog: dict[str, NativeRef]
) -> None:
    with tyme.session() as session:
        rows = session.execute(select(ExternalId.external_id, ExternalId.entity))
        given = {row.external_id: row.entity for row in rows}
        assert given == {"CAT-1": "customer", "PRJ-1": "project", "TSK-1": "task", "SUB-1": "task"}
        project = session.get(Project, catalog["project"].id)
        versions = session.scalars(
            select(ProjectVersion).where(ProjectVersion.project_id == catalog["project"].id)
        ).all()
        assert [version.effective_from for version in versions] == [CREATED_EFFECTIVE_FROM]
        assert versions[0].customer_id == catalog["category"].id
        task, subtask = (
            session.get(Task, catalog["task"].id),
            session.get(Task, catalog["subtask"].id),
        )
        assert project is not None and task is not None and subtask is not None
        assert (task.project_id, task.parent_task_id) == (project.id, None)
        assert (subtask.project_id, subtask.parent_task_id) == (project.id, task.id)

    shown = tyme.shown(catalog["subtask"])
    assert (shown["type"], shown["id"], shown["related_id"]) == ("TimedSubTask", "SUB-1", "TSK-1")
    assert shown["full_name"] == "Initech: TPS: Covers: Staples"


def test_an_object_without_an_id_is_shown_under_its_native_one(tyme: Tyme) -> None:
    ref = tyme.put({"type": "ProjectCategory", "name": "Globex"})
    assert tyme.shown(ref)["id"] == f"tl-customer-{ref.id}"
    assert tyme.count(ExternalId) == 0
    again = tyme.put({"type": "ProjectCategory", "id": f"tl-customer-{ref.id}", "name": "Globex 2"})
    assert again == ref
    assert tyme.shown(ref)["name"] == "Globex 2"


def test_a_projects_figures_are_translated(tyme: Tyme) -> None:
    ref = tyme.put(
        {
            "type": "Project",
            "name": "Website",
            "rounding_method": 2,
            "rounding_minutes": 15,
            "hourly_rate": 95.5,
            "planned_duration": 36000,
            "planned_budget": 0,
            "billable": 0,
            "note": None,
            "color": 10342999,
        }
    )
    with tyme.session() as session:
        version = session.scalars(
            select(ProjectVersion).where(ProjectVersion.project_id == ref.id)
        ).one()
        assert (version.rounding_method, version.rounding_minutes) == ("up", 15)
        assert version.hourly_rate_minor == 9550
        assert (version.budget_kind, version.budget_amount) == ("hours", 600)
        assert (version.billable, version.note, version.customer_id) == (False, "", None)
    shown = tyme.shown(ref)
    assert (shown["rounding_method"], shown["rounding_minutes"]) == (2, 15)
    assert (shown["hourly_rate"], shown["planned_duration"]) == (95.5, 36000)

    tyme.put(
        {
            "type": "Project",
            "id": f"tl-project-{ref.id}",
            "rounding_minutes": 1,
            "planned_budget": 1200.25,
        }
    )
    shown = tyme.shown(ref)
    assert (shown["rounding_method"], shown["rounding_minutes"]) == (1, 1)
    assert (shown["planned_budget"], shown["planned_duration"]) == (1200.25, 0)
    tyme.put(
        {
            "type": "Project",
            "id": f"tl-project-{ref.id}",
            "rounding_method": "DOWN",
            "rounding_minutes": 30,
            "planned_budget": 0,
        }
    )
    shown = tyme.shown(ref)
    assert (shown["rounding_method"], shown["rounding_minutes"]) == (0, 30)
    assert (shown["planned_budget"], shown["planned_duration"]) == (0, 0)


# Updating


def test_an_update_changes_the_fields_sent_from_today_and_nothing_when_nothing_differs(
    tyme: Tyme, catalog: dict[str, NativeRef]
) -> None:
    project = catalog["project"]
    tyme.put(
        {
            "type": "Project",
            "id": "PRJ-1",
            "hourly_rate": 80,
            "rounding_method": 0,
            "rounding_minutes": 6,
        }
    )
    tyme.put({"type": "Project", "id": "PRJ-1", "name": "TPS reports"})
    shown = tyme.shown(project)
    assert (shown["name"], shown["hourly_rate"], shown["rounding_minutes"]) == (
        "TPS reports",
        80,
        6,
    )
    assert shown["category_id"] == "CAT-1"
    versions = tyme.count(ProjectVersion, ProjectVersion.project_id == project.id)
    assert versions == 3

    tyme.put({**shown, "name": "TPS reports"})
    tyme.put({"type": "TimedTask", "id": "TSK-1", "name": "Covers", "project_id": "PRJ-1"})
    assert tyme.count(ProjectVersion, ProjectVersion.project_id == project.id) == versions
    assert tyme.count(TaskVersion, TaskVersion.task_id == catalog["task"].id) == 1

    tyme.put(
        {
            "type": "Project",
            "id": "PRJ-1",
            "category_id": None,
            "completed_date": "2026-01-02 10:00:00",
        }
    )
    shown = tyme.shown(project)
    assert shown["category_id"] is None and shown["completed_date"] is not None


def test_a_subtask_moves_between_the_tasks_of_its_project_only(
    tyme: Tyme, catalog: dict[str, NativeRef]
) -> None:
    tyme.put({"type": "TimedTask", "id": "TSK-2", "name": "Binding", "project_id": "PRJ-1"})
    tyme.put({"type": "TimedSubTask", "id": "SUB-1", "related_id": "TSK-2"})
    assert tyme.shown(catalog["subtask"])["task_id"] == "TSK-2"

    tyme.put({"type": "Project", "id": "PRJ-2", "name": "Other"})
    tyme.put({"type": "TimedTask", "id": "TSK-3", "name": "Elsewhere", "project_id": "PRJ-2"})
    with pytest.raises(BadRequest, match=r"^task_id: a subtask stays in its task's project"):
        tyme.put({"type": "TimedSubTask", "id": "SUB-1", "task_id": "TSK-3"})
    with pytest.raises(BadRequest, match=r"^project_id: a task stays in its project"):
        tyme.put({"type": "TimedTask", "id": "TSK-1", "project_id": "PRJ-2"})
    with pytest.raises(BadRequest, match=r"^task_id: 'SUB-1' names a subtask, not a task"):
        tyme.put({"type": "TimedSubTask", "name": "Deeper", "task_id": "SUB-1"})


# Time records


def test_a_time_record_keeps_its_seconds_and_its_minutes_are_whole(
    tyme: Tyme, catalog: dict[str, NativeRef], morning: datetime
) -> None:
    end = morning + timedelta(minutes=45, seconds=30)
    ref = tyme.put(record("REC-1", "SUB-1", morning, end, billing_state=1))
    entry = tyme.entry(ref)
    assert (entry.started_at, entry.ended_at, entry.minutes) == (morning, end, 45)
    assert (entry.project_id, entry.task_id) == (catalog["project"].id, catalog["subtask"].id)
    assert (entry.billing_state, entry.note, entry.timer_started_at) == (
        "billed",
        "cover sheets",
        None,
    )
    shown = tyme.shown(ref)
    assert (shown["time_start"], shown["time_end"], shown["duration"]) == (
        at(morning),
        at(end),
        2730,
    )
    assert (shown["task_id"], shown["billing_state"], shown["type"]) == (
        "SUB-1",
        1,
        "TimedTaskRecord",
    )

    tyme.put(
        {"type": "TimedTaskRecord", "id": "REC-1", "time_end": at(end + timedelta(minutes=15))}
    )
    entry = tyme.entry(ref)
    assert (entry.started_at, entry.minutes, entry.note) == (morning, 60, "cover sheets")


def test_a_record_without_an_end_is_a_running_timer_stopped_by_its_end(
    tyme: Tyme, catalog: dict[str, NativeRef], clock: Clock
) -> None:
    started = (clock.now() - timedelta(minutes=50)).replace(microsecond=0)
    ref = tyme.put(record("RUN-1", "TSK-1", started, None))
    entry = tyme.entry(ref)
    assert (entry.timer_started_at, entry.started_at, entry.minutes) == (started, None, 0)
    shown = tyme.shown(ref)
    assert (shown["time_start"], shown["time_end"]) == (at(started), None)

    earlier = started - timedelta(minutes=10)
    tyme.put(
        {"type": "TimedTaskRecord", "id": "RUN-1", "time_start": at(earlier), "time_end": None}
    )
    assert tyme.entry(ref).timer_started_at == earlier

    ended = started + timedelta(minutes=40)
    tyme.put({"type": "TimedTaskRecord", "id": "RUN-1", "time_end": at(ended)})
    entry = tyme.entry(ref)
    assert (entry.timer_started_at, entry.started_at, entry.ended_at) == (None, earlier, ended)
    assert entry.minutes == 50
    with pytest.raises(BadRequest, match=r"^time_end: a finished record does not run again"):
        tyme.put({"type": "TimedTaskRecord", "id": "RUN-1", "time_end": None})


def test_a_record_is_booked_for_the_member_named_when_the_caller_may(
    tyme: Tyme,
    db: Database,
    workspace: WorkspaceFixture,
    catalog: dict[str, NativeRef],
    morning: datetime,
) -> None:
    person = new_person(db, workspace.id, "employee")
    ref = tyme.put(
        record(None, "TSK-1", morning, morning + timedelta(hours=1), user_id=str(person.user_id))
    )
    with tyme.session() as session:
        employee = session.scalar(select(Employee.id).where(Employee.user_id == person.user_id))
    assert tyme.entry(ref).employee_id == employee
    with pytest.raises(BadRequest, match=r"^user_id: a record stays with its member"):
        tyme.put(
            {
                "type": "TimedTaskRecord",
                "id": f"tl-entry-{ref.id}",
                "user_id": str(workspace.owner_id),
            }
        )
    with pytest.raises(Problem, match=r"^user_id: 'nobody' names no member") as refused:
        tyme.put(record(None, "TSK-1", morning, None, user_id="nobody"))
    assert refused.value.status == 404


def test_records_sent_back_as_shown_change_nothing(
    tyme: Tyme, catalog: dict[str, NativeRef], morning: datetime, clock: Clock
) -> None:
    planned = morning + timedelta(days=12)
    refs = [
        tyme.put(record("REC-1", "TSK-1", morning, morning + timedelta(hours=1))),
        tyme.put(record("RUN-1", "SUB-1", clock.now() - timedelta(minutes=5), None)),
        tyme.put(
            {
                "type": "NonWorkingRecord",
                "id": "OFF-1",
                "subtype": 0,
                "time_start": at(planned),
                "time_end": at(planned + timedelta(hours=8)),
            }
        ),
    ]
    versions = [tyme.entry(ref).row_version for ref in refs]
    for ref in refs:
        tyme.put(tyme.shown(ref))
    assert [tyme.entry(ref).row_version for ref in refs] == versions


# Non-working records


@pytest.mark.parametrize(
    ("subtype", "key"),
    [
        (0, "vacation"),
        (1, "sick"),
        (2, "other_leave"),
        (3, "public_holiday_abroad"),
        (4, "flextime"),
        (5, "special_leave"),
    ],
)
def test_a_non_working_record_is_booked_on_its_subtypes_activity(
    tyme: Tyme, morning: datetime, subtype: int, key: str
) -> None:
    end = morning + timedelta(hours=8)
    ref = tyme.put(
        {
            "type": "NonWorkingRecord",
            "subtype": subtype,
            "time_start": at(morning),
            "time_end": at(end),
            "note": None,
        }
    )
    entry = tyme.entry(ref)
    with tyme.session() as session:
        activity = session.get(Activity, entry.activity_id)
        assert activity is not None and activity.key == key
    assert (entry.started_at, entry.ended_at, entry.minutes, entry.note) == (morning, end, 480, "")
    shown = tyme.shown(ref)
    assert (shown["type"], shown["subtype"]) == ("NonWorkingRecord", subtype)


def test_a_planned_absence_is_a_date_and_minutes_and_changes_its_subtype(
    tyme: Tyme, clock: Clock
) -> None:
    start = (clock.now() + timedelta(days=10)).replace(hour=7, minute=0, second=0, microsecond=0)
    ref = tyme.put(
        {
            "type": "NonWorkingRecord",
            "id": "OFF-1",
            "subtype": 0,
            "time_start": at(start),
            "time_end": at(start + timedelta(hours=7, minutes=30)),
        }
    )
    entry = tyme.entry(ref)
    assert (entry.started_at, entry.day, entry.minutes) == (None, start.date(), 450)

    tyme.put({"type": "NonWorkingRecord", "id": "OFF-1", "subtype": 1})
    assert tyme.shown(ref)["subtype"] == 1
    with pytest.raises(BadRequest, match=r"^time_end: a non-working record lasts at most 24"):
        tyme.put(
            {
                "type": "NonWorkingRecord",
                "id": "OFF-1",
                "time_start": at(start),
                "time_end": at(start + timedelta(hours=25)),
            }
        )
    with pytest.raises(BadRequest, match=r"^type: 'OFF-1' names a NonWorkingRecord"):
        tyme.put({"type": "TimedTaskRecord", "id": "OFF-1", "note": "x"})


# Problems, placed


PROJECT = {"type": "Project", "name": "x"}
RECORD = {"type": "TimedTaskRecord", "task_id": "TSK-1", "time_start": "2026-02-03 10:00:00"}
ABSENCE = {"type": "NonWorkingRecord", "subtype": 0, "time_start": "2026-02-03 10:00:00"}
BAD_ITEMS: list[tuple[dict[str, Any], type[Problem], str]] = [
    ({"name": "x"}, BadRequest, r"type: is required"),
    ({"type": "Invoice"}, BadRequest, r"type: 'Invoice' is not one of ProjectCategory"),
    ({"type": ["Project"]}, BadRequest, r"type: \['Project'\] is not one of"),
    ({**PROJECT, "name": 5}, BadRequest, r"name: must be a string"),
    ({"type": "Project"}, BadRequest, r"name: Field required"),
    ({**PROJECT, "billable": "yes"}, BadRequest, r"billable: 'yes' is"),
    ({**PROJECT, "hourly_rate": "80"}, BadRequest, r"hourly_rate: '80' is not a number"),
    ({**PROJECT, "rounding_method": 7}, BadRequest, r"rounding_method: 7 is not 0"),
    ({**PROJECT, "rounding_minutes": 90}, BadRequest, r"rounding_minutes: "),
    ({**PROJECT, "category_id": "C-404"}, BadRequest, r"category_id: 'C-404' names no category"),
    ({**PROJECT, "id": "tl-new-1"}, BadRequest, r"id: 'tl-new-1' names no object"),
    ({"type": "Project", "id": "TSK-1"}, BadRequest, r"type: 'TSK-1' names a task, not a Project"),
    ({"type": "TimedSubTask", "id": "TSK-1"}, BadRequest, r"type: 'TSK-1' names a TimedTask"),
    ({"type": "TimedTask", "name": "x"}, BadRequest, r"project_id: a task needs its project"),
    (
        {**RECORD, "time_start": "2026-02-30 10:00:00"},
        BadRequest,
        r"time_start: '2026-02-30 10:00:00' is not a time of the calendar",
    ),
    (
        {**RECORD, "time_start": "2026-02-03T10:00:00Z"},
        BadRequest,
        r"time_start: '2026-02-03T10:00:00Z' is not a time as Y-m-d H:i:s",
    ),
    (
        {**RECORD, "time_end": "2026-02-03 09:00:00"},
        Unprocessable,
        r"time_end: ended_at .* must lie after the start",
    ),
    ({**RECORD, "billing_state": 3}, BadRequest, r"billing_state: 3 is not 0"),
    ({**RECORD, "note": "x" * 10_001}, BadRequest, r"note: .* at most 10000"),
    ({**RECORD, "task_id": "PRJ-1"}, BadRequest, r"task_id: 'PRJ-1' names no task"),
    ({**ABSENCE, "subtype": 9}, BadRequest, r"subtype: 9 is not 0"),
    (ABSENCE, BadRequest, r"time_end: is required"),
]


@pytest.mark.parametrize(("item", "problem", "message"), BAD_ITEMS)
def test_a_bad_item_is_refused_at_its_place_and_changes_nothing(
    tyme: Tyme,
    catalog: dict[str, NativeRef],
    item: dict[str, Any],
    problem: type[Problem],
    message: str,
) -> None:
    before = (
        tyme.count(Customer),
        tyme.count(Project),
        tyme.count(ProjectVersion),
        tyme.count(TimeEntry),
        tyme.count(ExternalId),
    )
    with pytest.raises(problem, match=rf"^time_updates\[3\]\.{message}") as refused:
        tyme.put(item, "time_updates[3]")
    assert type(refused.value) is problem
    after = (
        tyme.count(Customer),
        tyme.count(Project),
        tyme.count(ProjectVersion),
        tyme.count(TimeEntry),
        tyme.count(ExternalId),
    )
    assert after == before


def test_a_client_id_another_request_takes_at_the_same_moment_is_a_conflict(
    tyme: Tyme, monkeypatch: pytest.MonkeyPatch
) -> None:
    tyme.put({"type": "ProjectCategory", "id": "CAT-RACE", "name": "First"})
    monkeypatch.setattr(TymeIds, "resolved", lambda _self, _tyme_id: None)
    with pytest.raises(Conflict, match=r"^project_updates\[0\]\.id: another request has just"):
        tyme.put(
            {"type": "ProjectCategory", "id": "CAT-RACE", "name": "Second"}, "project_updates[0]"
        )
    assert tyme.count(Customer) == 1


def test_an_update_of_a_deleted_object_is_gone(tyme: Tyme, catalog: dict[str, NativeRef]) -> None:
    assert tyme.delete("SUB-1") == catalog["subtask"]
    with pytest.raises(Gone, match=r"^id: 'SUB-1' names a task that no longer exists"):
        tyme.put({"type": "TimedSubTask", "id": "SUB-1", "name": "Again"})


# Deleting


@pytest.fixture
def booked(
    tyme: Tyme,
    db: Database,
    workspace: WorkspaceFixture,
    catalog: dict[str, NativeRef],
    morning: datetime,
) -> list[NativeRef]:
    """Time on the task and the subtask, by the owner and by an employee."""
    person = new_person(db, workspace.id, "employee")
    hour = timedelta(hours=1)
    return [
        tyme.put(record("REC-1", "TSK-1", morning, morning + hour)),
        tyme.put(record("REC-2", "SUB-1", morning + hour, morning + 2 * hour)),
        tyme.put(record("REC-3", "SUB-1", morning, morning + hour, user_id=str(person.user_id))),
    ]


def test_deleting_a_category_deletes_everything_under_it_once(
    tyme: Tyme, catalog: dict[str, NativeRef], booked: list[NativeRef]
) -> None:
    other = tyme.put({"type": "Project", "id": "PRJ-2", "name": "Kept"})
    assert tyme.delete("CAT-1", where="project_deletions[0]") == catalog["category"]
    for model, ref in (
        (Customer, "category"),
        (Project, "project"),
        (Task, "task"),
        (Task, "subtask"),
    ):
        assert tyme.count(model, model.id == catalog[ref].id, model.deleted_at.is_not(None)) == 1
    assert tyme.count(TimeEntry) == 0
    assert tyme.count(Project, Project.id == other.id, Project.deleted_at.is_(None)) == 1
    for tyme_id in ("CAT-1", "PRJ-1", "SUB-1", "tl-customer-999", "never-given"):
        assert tyme.delete(tyme_id) is None
    assert tyme.delete("REC-1", "time") is None


def test_deleting_a_task_deletes_its_subtasks_and_their_time(
    tyme: Tyme, catalog: dict[str, NativeRef], booked: list[NativeRef]
) -> None:
    assert tyme.delete("TSK-1") == catalog["task"]
    assert tyme.count(Task, Task.deleted_at.is_(None)) == 0
    assert tyme.count(Project, Project.deleted_at.is_(None)) == 1
    assert tyme.count(TimeEntry) == 0
    assert tyme.delete("TSK-1") is None


def test_a_locked_entry_refuses_the_whole_deletion(
    tyme: Tyme, catalog: dict[str, NativeRef], booked: list[NativeRef]
) -> None:
    with tyme.session() as session:
        session.execute(update(TimeEntry).where(TimeEntry.id == booked[2].id).values(locked=True))
    with pytest.raises(Locked, match=r"^project_deletions\[1\]: Time entry .* is locked"):
        tyme.delete("PRJ-1", where="project_deletions[1]")
    assert tyme.count(TimeEntry) == 3
    assert tyme.count(Task, Task.deleted_at.is_(None)) == 2
    with pytest.raises(Locked):
        tyme.delete("REC-3", "time")


def test_an_id_sent_in_the_other_group_is_refused(tyme: Tyme, booked: list[NativeRef]) -> None:
    with pytest.raises(
        BadRequest, match=r"^x\[0\]: 'REC-1' names a time record; send it among the time ids"
    ):
        tyme.delete("REC-1", "project")
    with pytest.raises(
        BadRequest, match=r"^x\[0\]: 'TSK-1' names a task; send it among the project"
    ):
        tyme.delete("TSK-1", "time")
    assert tyme.delete("REC-1", "time") == booked[0]
