"""Importing another product's file: load what the workspace has (a fixed number of
queries, whatever the file's size), plan every row, and apply the plan in batches, one
transaction each.

Applying creates the catalogue objects the plan names through the configuration store
(one by one: a file names few), then the entries through `entries.service.create_entries`
(the ordinary rules, reading once per batch what its entries share), recording each
created entry's source id in `external_ids` in the batch's transaction (unique per
source): a run stopped part-way is resumed by running it again, and no row is ever
created twice, even by two runs at once (the later batch fails and its retry skips).
"""

from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries.service import (
    RequestedEntry,
    SettledEntries,
    settle_entries,
    store_entries,
)
from timeledger.external_ids.repository import ExternalIdRepository
from timeledger.imports.mapped import ColumnMapping
from timeledger.imports.people import create_people, with_new_people
from timeledger.imports.planning import (
    CustomerKey,
    ImportPlan,
    PersonKey,
    PlannedEntry,
    ProjectKey,
    TaskKey,
    Workspace,
    name_key,
    plan_import,
)
from timeledger.imports.reader import ImportSource, read_import
from timeledger.imports.rows import RowProblem
from timeledger.kit.db import Database
from timeledger.kit.errors import Problem
from timeledger.models import (
    Activity,
    ActivityVersion,
    CustomerVersion,
    Employee,
    EmployeeVersion,
    ProjectVersion,
    Task,
    TaskVersion,
)
from timeledger.organization.today import workspace_today
from timeledger.projects.schemas import NEW_PROJECT_VALUES
from timeledger.projects.service import CUSTOMERS, PROJECTS, TASKS
from timeledger.settings.service import ACTIVITIES
from timeledger.settings.store import Actor

BATCH_SIZE = 5000
"""Entries created per transaction: what a batch reads once (its people's employments,
the catalogue's versions and rates) and what its commit writes (the index pages its
entries share with the batch before) serve more rows than in smaller batches; 100,000
rows applied in 18.9 s on SQLite at 5,000 against 22.2 s at 2,000 (and 53 s at 500,
before the batch service's later work); the command peaks at about 250 MiB."""

ENTRY = "entry"
WORK_ACTIVITY_KEY = "work"
IMPORTED_ACTIVITY_TYPE = "work"

Progress = Callable[[int], None]
"""Told the number of planned entries dealt with (created or refused) after each batch."""


def external_source(source: str) -> str:
    """The `external_ids` source of an import: the product, so mite's JSON and CSV (which
    carry mite's own ids) resume each other."""
    kind = ImportSource(source)
    return "mite" if kind in (ImportSource.MITE_CSV, ImportSource.MITE_JSON) else kind.value


# Planning


def _grouped(pairs: Iterable[tuple[str, int]]) -> dict[str, frozenset[int]]:
    grouped: dict[str, set[int]] = {}
    for key, employee_id in pairs:
        grouped.setdefault(key, set()).add(employee_id)
    return {key: frozenset(ids) for key, ids in grouped.items()}


def load_workspace(session: Session, workspace_id: int, source: str) -> Workspace:
    """What the plan needs to know of the workspace, in eight queries: every version's name
    and e-mail of its live employees (a file from years ago names people as they were
    then), the names in force today of its customers, projects, tasks and activities, and
    the source ids imported before."""
    today = workspace_today(session, workspace_id)
    people = session.execute(
        select(
            EmployeeVersion.employee_id,
            EmployeeVersion.first_name,
            EmployeeVersion.last_name,
            EmployeeVersion.email,
        )
        .join(Employee, Employee.id == EmployeeVersion.employee_id)
        .where(Employee.deleted_at.is_(None))
    ).all()
    customers = {
        name_key(name): customer_id
        for customer_id, name in session.execute(
            _names(CUSTOMERS.in_force(today), CustomerVersion.customer_id, CustomerVersion.name)
        )
    }
    customer_keys = {customer_id: key for key, customer_id in customers.items()}
    projects: dict[ProjectKey, int] = {}
    for project_id, name, customer_id in session.execute(
        _names(PROJECTS.in_force(today), ProjectVersion.project_id, ProjectVersion.name)
        .add_columns(ProjectVersion.customer_id)
    ):  # fmt: skip
        customer_key = customer_keys.get(customer_id) if customer_id is not None else None
        projects.setdefault((customer_key, name_key(name)), project_id)
    tasks: dict[tuple[int, str], int] = {}
    for task_id, name, project_id in session.execute(
        _names(TASKS.in_force(today), TaskVersion.task_id, TaskVersion.name)
        .add_columns(Task.project_id)
        .order_by(Task.parent_task_id.is_not(None), Task.id)
    ):  # fmt: skip
        tasks.setdefault((project_id, name_key(name)), task_id)
    activities: dict[str, int] = {}
    for activity_id, name in session.execute(
        _names(ACTIVITIES.in_force(today), ActivityVersion.activity_id, ActivityVersion.name)
        .order_by(ActivityVersion.activity_id)
    ):  # fmt: skip
        activities.setdefault(name_key(name), activity_id)
    work = session.scalar(
        select(Activity.id).where(Activity.key == WORK_ACTIVITY_KEY, Activity.deleted_at.is_(None))
    )
    return Workspace(
        people_by_email=_grouped(
            (name_key(row.email), row.employee_id) for row in people if row.email
        ),
        people_by_name=_grouped(
            (name_key(f"{row.first_name} {row.last_name}"), row.employee_id) for row in people
        ),
        customers=customers,
        projects=projects,
        tasks=tasks,
        activities=activities,
        work_activity_id=work,
        imported=ExternalIdRepository(session, external_source(source)).imported(),
    )


def _names(statement: Any, owner: Any, name: Any) -> Any:
    """`statement` over a kind's versions in force, reduced to (owner id, name)."""
    return statement.with_only_columns(owner, name)


def plan_file(
    session: Session,
    workspace_id: int,
    source: str,
    data: bytes | BinaryIO,
    *,
    max_bytes: int,
    day_first: bool = False,
    columns: ColumnMapping | None = None,
    org_unit_id: int | None = None,
) -> ImportPlan:
    """The plan of every row of the file; `ImportFileRefused` when the file cannot be read
    (at once, or when the fault further in is reached). New people go into `org_unit_id`,
    by default the workspace's one root unit (see `with_new_people`)."""
    rows = read_import(source, data, max_bytes=max_bytes, day_first=day_first, columns=columns)
    workspace = load_workspace(session, workspace_id, source)
    return plan_import(
        rows,
        with_new_people(session, workspace_id, workspace, external_source(source), org_unit_id),
    )


# Applying


@dataclass
class Applied:
    created_entries: int = 0
    refused: list[RowProblem] = field(default_factory=list)
    """Rows the entries' validators refused while applying (the plan could not know)."""


@dataclass
class _Catalogue:
    """The ids of the objects the plan named by key, once created."""

    customers: dict[CustomerKey, int] = field(default_factory=dict)
    projects: dict[ProjectKey, int] = field(default_factory=dict)
    tasks: dict[TaskKey, int] = field(default_factory=dict)
    activities: dict[str, int] = field(default_factory=dict)
    people: dict[PersonKey, int] = field(default_factory=dict)


def apply_plan(
    db: Database,
    caller: Caller,
    source: str,
    plan: ImportPlan,
    *,
    progress: Progress | None = None,
    batch_size: int = BATCH_SIZE,
) -> Applied:
    """Creates what the plan says, as `caller`: the catalogue in one transaction, then the
    entries about `batch_size` at a time, each batch in its own transaction with its source
    ids. Where writers do not lock the whole database (PostgreSQL), the next batch is
    checked in its own transaction while the one before is written (`_pipelined`)."""
    with db.transaction(workspace_id=caller.workspace_id) as session:
        catalogue = _create_catalogue(session, Actor(caller.workspace_id, caller.user_id), plan)
        catalogue.people = create_people(session, caller, external_source(source), plan)
    batches = _batches_by_person(sorted(plan.entries, key=_batch_order), batch_size)
    apply_batches = _one_by_one if db.writers_lock_at_begin else _pipelined
    applied = Applied()
    done = 0
    # Closed at once when `progress` stops the import (a cancel): the batch checked after
    # the last one written is rolled back then, not when the traceback is let go.
    with closing(apply_batches(db, caller, source, catalogue, batches)) as applying:
        for batch, (created, refused) in applying:
            applied.created_entries += created
            applied.refused.extend(refused)
            done += len(batch)
            if progress is not None:
                progress(done)
    return applied


def _batches_by_person(
    entries: Sequence[PlannedEntry], size: int
) -> Iterator[Sequence[PlannedEntry]]:
    """`size` entries or a few more: a batch ends where a person's entries end, so no two
    batches write to one timesheet (two batches' transactions never wait for each other)."""
    start = 0
    while start < len(entries):
        end = min(start + size, len(entries))
        while end < len(entries) and entries[end].employee_id == entries[end - 1].employee_id:
            end += 1
        yield entries[start:end]
        start = end


AppliedBatches = Generator[tuple[Sequence[PlannedEntry], tuple[int, list[RowProblem]]]]
"""Each batch with the entries created of it and the rows the entry rules refused."""


def _one_by_one(
    db: Database,
    caller: Caller,
    source: str,
    catalogue: "_Catalogue",
    batches: Iterable[Sequence[PlannedEntry]],
) -> AppliedBatches:
    for batch in batches:
        with db.transaction(workspace_id=caller.workspace_id) as session:
            stored = _store_batch(
                session, caller, source, _settle_batch(session, caller, catalogue, batch)
            )
        yield batch, stored  # committed: what is told of it may write (a job's progress)


def _pipelined(
    db: Database,
    caller: Caller,
    source: str,
    catalogue: "_Catalogue",
    batches: Iterable[Sequence[PlannedEntry]],
) -> AppliedBatches:
    """Each batch checked on a thread of its own, in its transaction, while this thread
    writes and commits the batch before it: the database's work on one batch overlaps the
    rules' work on the next. Each batch's transaction is the one that checked it and holds
    its people's write locks, as in `_one_by_one`; batches split at people
    (`_batches_by_person`) never wait for each other's locks."""
    pending = iter(batches)

    def check_next() -> "_CheckedTransaction | None":
        batch = next(pending, None)
        if batch is None:
            return None
        session = db.session(write=True, workspace_id=caller.workspace_id)
        try:
            return _CheckedTransaction(
                batch, session, _settle_batch(session, caller, catalogue, batch)
            )
        except BaseException:
            session.rollback()
            session.close()
            raise

    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-check") as checker:
        upcoming = checker.submit(check_next)
        try:
            while (current := upcoming.result()) is not None:
                upcoming = checker.submit(check_next)
                with current.session:
                    try:
                        stored = _store_batch(current.session, caller, source, current.checked)
                        current.session.commit()
                    except BaseException:
                        current.session.rollback()
                        raise
                yield current.batch, stored
        finally:
            _discard_unwritten(upcoming)


def _discard_unwritten(upcoming: "Future[_CheckedTransaction | None]") -> None:
    """Rolls back the transaction of a batch checked but never written (the import
    stopped at the batch before it), once its check is over."""
    if upcoming.exception() is None and (unwritten := upcoming.result()) is not None:
        unwritten.session.rollback()
        unwritten.session.close()


@dataclass(frozen=True)
class _CheckedTransaction:
    batch: Sequence[PlannedEntry]
    session: Session
    """Open: the transaction that checked the batch, to write it."""
    checked: "_CheckedBatch"


def _batch_order(entry: PlannedEntry) -> tuple[int, str, date, int]:
    """Entries are created by person and day: a batch then spans few people and days, and
    what the entry rules read once per person, day or reference in a batch is read less
    (the people the import creates, by key, before those it found)."""
    person = entry.employee_id
    return (person, "", entry.day, entry.row) if isinstance(person, int) else (
        -1, person, entry.day, entry.row)  # fmt: skip


def _create_catalogue(session: Session, actor: Actor, plan: ImportPlan) -> _Catalogue:
    catalogue = _Catalogue()
    for key, new in plan.new_activities.items():
        created = ACTIVITIES.create(
            session,
            actor,
            values={"name": new.name, "type": IMPORTED_ACTIVITY_TYPE, "parent_id": None,
                    "requires_project": False, "required_dimension_ids": [], "billable": False,
                    "hourly_rate_minor": None, "color": None, "archived": False},
            effective_from=new.first_day,
        )  # fmt: skip
        catalogue.activities[key] = created.entity.id
    for customer_key, new in plan.new_customers.items():
        customer = CUSTOMERS.create(
            session,
            actor,
            values={"name": new.name, "note": "", "hourly_rate_minor": None, "archived": False},
            effective_from=new.first_day,
        )
        catalogue.customers[customer_key] = customer.entity.id
    for project_key, new in plan.new_projects.items():
        project = PROJECTS.create(
            session,
            actor,
            values={**NEW_PROJECT_VALUES, "name": new.name,
                    "customer_id": _resolved(catalogue.customers, new.within)},
            effective_from=new.first_day,
        )  # fmt: skip
        catalogue.projects[project_key] = project.entity.id
    for task_key, new in plan.new_tasks.items():
        project_id = _resolved(catalogue.projects, new.within)
        task = TASKS.create(
            session,
            actor,
            values={"name": new.name, "billable": True, "hourly_rate_minor": None,
                    "budget_minutes": None, "archived": False},
            effective_from=new.first_day,
            extra={"project_id": project_id, "parent_task_id": None},
        )  # fmt: skip
        catalogue.tasks[task_key] = task.entity.id
    return catalogue


def _resolved(ids: dict[Any, int], reference: Any) -> Any:
    """An existing object's id as it is, a created one's id by its key (None stays)."""
    return reference if reference is None or isinstance(reference, int) else ids[reference]


def _item(entry: PlannedEntry, catalogue: _Catalogue) -> RequestedEntry:
    """The entry's values as the batch service takes them by column (the plan checked
    what a request's model would; the service checks every rule)."""
    item: RequestedEntry = {
        "employee_id": _resolved(catalogue.people, entry.employee_id),
        "day": entry.day,
        "minutes": entry.minutes,
        "activity_id": _resolved(catalogue.activities, entry.activity),
        "note": entry.note,
    }
    if entry.project is not None:
        item["project_id"] = _resolved(catalogue.projects, entry.project)
    if entry.task is not None:
        item["task_id"] = _resolved(catalogue.tasks, entry.task)
    if entry.billable is not None:
        item["billable"] = entry.billable
    return item


def _refused_items(problem: Problem) -> dict[int, tuple[str, str]]:
    """(field, message) by item index of a refused batch (see `entries.service._refusal`)."""
    refused: dict[int, tuple[str, str]] = {}
    for error in problem.errors or []:
        parts = str(error.get("location", "")).split(".")
        if len(parts) < 3 or parts[:2] != ["body", "items"] or not parts[2].isdigit():
            continue
        field_name = ".".join(parts[3:]) or "entry"
        refused.setdefault(int(parts[2]), (field_name, str(error.get("message", ""))))
    return refused


@dataclass(frozen=True)
class _CheckedBatch:
    entries: list[PlannedEntry]
    """The batch's entries the rules let through, in order."""
    settled: SettledEntries | None
    """Their settled values (None when the rules refused every one)."""
    refused: list[RowProblem]


def _settle_batch(
    session: Session, caller: Caller, catalogue: _Catalogue, batch: Sequence[PlannedEntry]
) -> _CheckedBatch:
    """The batch's entries checked by the entry rules; those refused are left out (the rest
    is checked again) and returned as problems."""
    pending = list(batch)
    problems: list[RowProblem] = []
    while pending:
        try:
            settled = settle_entries(
                session, caller, [_item(entry, catalogue) for entry in pending]
            )
        except Problem as problem:
            refused = _refused_items(problem)
            if not refused:
                raise
            problems.extend(
                RowProblem(pending[index].row, field_name, message)
                for index, (field_name, message) in sorted(refused.items())
            )
            pending = [entry for index, entry in enumerate(pending) if index not in refused]
            continue
        return _CheckedBatch(pending, settled, problems)
    return _CheckedBatch([], None, problems)


def _store_batch(
    session: Session, caller: Caller, source: str, checked: _CheckedBatch
) -> tuple[int, list[RowProblem]]:
    """Writes the checked entries with their source ids, in the session that checked them;
    the number created and the rows refused."""
    if checked.settled is None:
        return 0, checked.refused
    created = store_entries(session, caller, checked.settled)
    ExternalIdRepository(session, external_source(source)).add_many(
        ENTRY,
        ((entry.source_row_id, created_entry["id"])
         for entry, created_entry in zip(checked.entries, created, strict=True)),
    )  # fmt: skip
    return len(created), checked.refused
