"""What an import would do with a file's rows: a pure function of the rows and of what the
workspace has already (its people, catalogue and the source ids imported before).

Each row is refused (with its problems), skipped (its source id was imported already), or
planned as one entry. Customers, projects, tasks and activities are matched by name
(trimmed, without regard to case) or planned to be created; people are matched by e-mail,
then by name, or planned to be created (see `NewPerson`).
"""

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from pydantic import EmailStr, TypeAdapter, ValidationError

from timeledger.imports.rows import ImportedRow, RowProblem

MAX_ENTRY_MINUTES = 24 * 60
MAX_NOTE_LENGTH = 10_000
MAX_NAME_LENGTH = 200
NAMES_SHOWN = 100
"""How many names of created objects a summary lists per kind (their count is exact)."""

PERSON, CUSTOMER, PROJECT, TASK, ACTIVITY = "person", "customer", "project", "task", "activity"

CustomerKey = str
ProjectKey = tuple[CustomerKey | None, str]
TaskKey = tuple[CustomerKey | None, str, str]


def name_key(name: str) -> str:
    """How names are compared: trimmed, inner spaces collapsed, case folded."""
    return " ".join(name.split()).casefold()


@dataclass(frozen=True)
class Workspace:
    """What the workspace has, by name key (see `name_key`); ids are its objects' ids."""

    people_by_email: dict[str, frozenset[int]]
    people_by_name: dict[str, frozenset[int]]
    customers: dict[CustomerKey, int]
    projects: dict[ProjectKey, int]
    """Projects by (their customer's key or None, their name's key)."""
    tasks: dict[tuple[int, str], int]
    """Tasks by (project id, name key)."""
    activities: dict[str, int]
    work_activity_id: int | None
    """The activity of a row that names none (the workspace's activity keyed `work`)."""
    imported: frozenset[str]
    """The source ids imported before from this source."""
    created_people: dict[str, int] = field(default_factory=dict)
    """The employees earlier imports from this source created, by their external id
    (`person_external_id`)."""
    new_people_unit: int | None = None
    """The org unit of the people the import creates; None: it creates none."""
    no_unit_problem: str = "The import has no org unit to place new people in."
    """Why the import creates no people (when `new_people_unit` is None)."""


@dataclass
class NewObject:
    """A catalogue object the import creates: its name as the file first spells it, and
    the first day an entry needs it (it is created effective from then)."""

    name: str
    first_day: date
    within: int | str | ProjectKey | None = None
    """What a new project or task belongs to: its customer's id or key (None for none),
    its project's id or key."""


@dataclass
class NewPerson:
    """An employee the import creates for a person it does not find: named as the file
    first spells them (split at the last space: one word is a first name with an empty
    last name), with their e-mail when the file has one, employed from their first row's
    day (they are created effective from then, so their entries validate)."""

    first_name: str
    last_name: str
    email: str | None
    first_day: date
    org_unit_id: int

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


MAX_PERSON_NAME_LENGTH = 100
"""Of a first or a last name (as an employee's)."""
PersonKey = str
PERSON_ID_PREFIX = "person:"
MAX_EXTERNAL_ID_LENGTH = 100
_EMAIL = TypeAdapter(EmailStr)


def person_key(email: str | None, name: str | None) -> PersonKey:
    """Who a new person is: their e-mail lower-cased, or without one their name's key."""
    if email is not None and email.strip():
        return "email:" + email.strip().lower()
    return "name:" + name_key(name or "")


def person_external_id(key: PersonKey) -> str:
    """The `external_ids` id recording the employee created for a person key (a digest of
    a key too long for the column)."""
    external_id = PERSON_ID_PREFIX + key
    if len(external_id) <= MAX_EXTERNAL_ID_LENGTH:
        return external_id
    return PERSON_ID_PREFIX + "sha256:" + hashlib.sha256(key.encode()).hexdigest()


def split_person_name(name: str) -> tuple[str, str]:
    """(first, last): split at the last space; one word is a first name."""
    first, _, last = " ".join(name.split()).rpartition(" ")
    return (first, last) if first else (last, "")


class PlannedEntry(NamedTuple):
    """An entry the import creates: a tuple of plain values, which Python's cycle
    collector stops tracking. A plan lives through every batch of its import, and as
    instances of a class its entries were traversed by every full collection again (an
    import of 100,000 rows: 2.2 s of collections, 1.3 s with tuples)."""

    row: int
    source_row_id: str
    employee_id: int | PersonKey
    """An existing employee's id, or the key of one the import creates."""
    day: date
    minutes: int
    note: str
    billable: bool | None
    activity: str | int
    """An existing activity's id, or the key of one the import creates."""
    project: ProjectKey | int | None
    task: TaskKey | int | None


@dataclass
class ImportPlan:
    entries: list[PlannedEntry] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    refused_rows: int = 0
    already_imported: int = 0
    new_customers: dict[CustomerKey, NewObject] = field(default_factory=dict)
    new_projects: dict[ProjectKey, NewObject] = field(default_factory=dict)
    new_tasks: dict[TaskKey, NewObject] = field(default_factory=dict)
    new_activities: dict[str, NewObject] = field(default_factory=dict)
    new_people: dict[PersonKey, NewPerson] = field(default_factory=dict)
    matched_people: set[int] = field(default_factory=set)
    matched_customers: set[int] = field(default_factory=set)
    matched_projects: set[int] = field(default_factory=set)
    matched_tasks: set[int] = field(default_factory=set)
    matched_activities: set[int] = field(default_factory=set)

    @property
    def rows(self) -> int:
        return len(self.entries) + self.refused_rows + self.already_imported

    def summary(self) -> dict[str, Any]:
        def created(objects: dict[Any, NewObject]) -> dict[str, Any]:
            names = [new.name for new in objects.values()][:NAMES_SHOWN]
            return {"count": len(objects), "names": names}

        return {
            "rows": self.rows,
            "entries_to_create": len(self.entries),
            "already_imported": self.already_imported,
            "refused_rows": self.refused_rows,
            "minutes_to_create": sum(entry.minutes for entry in self.entries),
            "people": {
                "matched": len(self.matched_people),
                "created": {
                    "count": len(self.new_people),
                    "names": [new.name for new in self.new_people.values()][:NAMES_SHOWN],
                },
            },
            "customers": {
                "matched": len(self.matched_customers),
                "created": created(self.new_customers),
            },
            "projects": {
                "matched": len(self.matched_projects),
                "created": created(self.new_projects),
            },
            "tasks": {"matched": len(self.matched_tasks), "created": created(self.new_tasks)},
            "activities": {
                "matched": len(self.matched_activities),
                "created": created(self.new_activities),
            },
        }


def _blank(text: str | None) -> bool:
    return text is None or not text.strip()


class _Refused(Exception):
    def __init__(self, field_name: str, problem: str) -> None:
        super().__init__(problem)
        self.field_name = field_name
        self.problem = problem


def plan_import(rows: Iterable[ImportedRow | RowProblem], workspace: Workspace) -> ImportPlan:
    """The plan of every row, in file order; see the module's docstring and
    docs/import-export.md ("Importing") for the rules."""
    planner = _Planner(workspace)
    refused_row = None
    for item in rows:
        if isinstance(item, RowProblem):
            planner.plan.problems.append(item)
            if item.row != refused_row:
                planner.plan.refused_rows += 1
                refused_row = item.row
            continue
        planner.add(item)
    return planner.plan


class _Planner:
    def __init__(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.plan = ImportPlan()
        self.rows_of_ids: dict[str, int] = {}

    def add(self, row: ImportedRow) -> None:
        plan = self.plan
        if row.source_row_id in self.workspace.imported:
            plan.already_imported += 1
            return
        try:
            entry = self._entry(row)
        except _Refused as refused:
            plan.problems.append(RowProblem(row.row, refused.field_name, refused.problem))
            plan.refused_rows += 1
            return
        self.rows_of_ids[row.source_row_id] = row.row
        plan.entries.append(entry)

    def _entry(self, row: ImportedRow) -> PlannedEntry:
        earlier = self.rows_of_ids.get(row.source_row_id)
        if earlier is not None:
            raise _Refused("id", f"The id {row.source_row_id} is the id of row {earlier} too.")
        if row.minutes > MAX_ENTRY_MINUTES:
            raise _Refused("duration", f"{row.minutes} minutes are more than a day.")
        if len(row.note) > MAX_NOTE_LENGTH:
            raise _Refused("note", f"The note is longer than {MAX_NOTE_LENGTH} characters.")
        for name_field, name in ((CUSTOMER, row.customer), (PROJECT, row.project),
                                 (TASK, row.task), (ACTIVITY, row.activity)):  # fmt: skip
            if name is not None and len(name.strip()) > MAX_NAME_LENGTH:
                raise _Refused(name_field, f"The name is longer than {MAX_NAME_LENGTH} characters.")
        if _blank(row.project) and not _blank(row.task):
            raise _Refused(TASK, "The row names a task but no project.")
        employee_id = self._person(row)
        activity = self._activity(row)
        project, task = self._project_and_task(row)
        if isinstance(employee_id, int):
            self.plan.matched_people.add(employee_id)
        return PlannedEntry(
            row=row.row,
            source_row_id=row.source_row_id,
            employee_id=employee_id,
            day=row.day,
            minutes=row.minutes,
            note=row.note,
            billable=row.billable,
            activity=activity,
            project=project,
            task=task,
        )

    def _person(self, row: ImportedRow) -> int | PersonKey:
        found: frozenset[int] = frozenset()
        if row.person_email and row.person_email.strip():
            found = self.workspace.people_by_email.get(name_key(row.person_email), frozenset())
        if not found and row.person_name and row.person_name.strip():
            found = self.workspace.people_by_name.get(name_key(row.person_name), frozenset())
        named = " or ".join(
            repr(text) for text in (row.person_email, row.person_name) if text and text.strip()
        )
        if not named:
            raise _Refused(PERSON, "The row names no person.")
        if not found:
            return self._new_person(row, named)
        if len(found) > 1:
            raise _Refused(PERSON, f"{len(found)} employees are {named}; the row names none alone.")
        (employee_id,) = found
        return employee_id

    def _new_person(self, row: ImportedRow, named: str) -> int | PersonKey:
        key = person_key(row.person_email, row.person_name)
        created_before = self.workspace.created_people.get(person_external_id(key))
        if created_before is not None:
            self.plan.matched_people.add(created_before)
            return created_before
        unit = self.workspace.new_people_unit
        if unit is None:
            raise _Refused(
                PERSON, f"No employee of the workspace is {named}, and the import creates "
                f"none: {self.workspace.no_unit_problem}",
            )  # fmt: skip
        new = self.plan.new_people.get(key)
        if new is not None:
            new.first_day = min(new.first_day, row.day)
            return key
        email = row.person_email.strip() if row.person_email and row.person_email.strip() else None
        if email is not None:
            try:
                _EMAIL.validate_python(email)
            except ValidationError:
                raise _Refused("email", f"{email!r} is not an e-mail address.") from None
        name = row.person_name if row.person_name and row.person_name.strip() else None
        first, last = split_person_name(name if name is not None else (email or "").split("@")[0])
        if max(len(first), len(last)) > MAX_PERSON_NAME_LENGTH:
            raise _Refused(PERSON, f"The name is longer than {MAX_PERSON_NAME_LENGTH} "
                           "characters (of a first or last name).")  # fmt: skip
        self.plan.new_people[key] = NewPerson(first, last, email, row.day, unit)
        return key

    def _activity(self, row: ImportedRow) -> str | int:
        if row.activity is None or _blank(row.activity):
            if self.workspace.work_activity_id is None:
                raise _Refused(ACTIVITY, "The row names no activity and the workspace has no "
                               "activity keyed 'work' to book it on.")  # fmt: skip
            self.plan.matched_activities.add(self.workspace.work_activity_id)
            return self.workspace.work_activity_id
        key = name_key(row.activity)
        existing = self.workspace.activities.get(key)
        if existing is not None:
            self.plan.matched_activities.add(existing)
            return existing
        self._note_new(self.plan.new_activities, key, row.activity, row.day)
        return key

    def _project_and_task(
        self, row: ImportedRow
    ) -> tuple[ProjectKey | int | None, TaskKey | int | None]:
        if row.project is None or _blank(row.project):
            return None, None
        customer_key = self._customer(row)
        project_key: ProjectKey = (customer_key, name_key(row.project))
        project: ProjectKey | int = self.workspace.projects.get(project_key, project_key)
        if isinstance(project, int):
            self.plan.matched_projects.add(project)
        else:
            customer = (
                self.workspace.customers.get(customer_key, customer_key)
                if customer_key is not None
                else None
            )
            self._note_new(self.plan.new_projects, project_key, row.project, row.day, customer)
        if row.task is None or _blank(row.task):
            return project, None
        task_name_key = name_key(row.task)
        existing_task = (
            self.workspace.tasks.get((project, task_name_key)) if isinstance(project, int) else None
        )
        if existing_task is not None:
            self.plan.matched_tasks.add(existing_task)
            return project, existing_task
        task_key: TaskKey = (*project_key, task_name_key)
        self._note_new(self.plan.new_tasks, task_key, row.task, row.day, project)
        return project, task_key

    def _customer(self, row: ImportedRow) -> CustomerKey | None:
        if row.customer is None or _blank(row.customer):
            return None
        key = name_key(row.customer)
        existing = self.workspace.customers.get(key)
        if existing is not None:
            self.plan.matched_customers.add(existing)
        else:
            self._note_new(self.plan.new_customers, key, row.customer, row.day)
        return key

    @staticmethod
    def _note_new(
        objects: dict[Any, NewObject],
        key: Any,
        name: str,
        day: date,
        within: int | str | ProjectKey | None = None,
    ) -> None:
        new = objects.get(key)
        if new is None:
            objects[key] = NewObject(" ".join(name.split()), day, within)
        elif day < new.first_day:
            new.first_day = day
