"""Rules for org units, employees and employments.

Org units and employees are effective-dated (kit.versioning): a change adds a version from
an effective date, retroactive allowed, never before the entity's creation. References
(parent unit, org unit, employment terms) must exist and be effective on the version's date.
"""

from collections.abc import Callable, Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.changelog.service import record_change
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, Forbidden, NotFound, Unprocessable
from timeledger.kit.etag import etag_for
from timeledger.kit.pagination import PageRequest, fetch_page
from timeledger.kit.versioning import in_force_of
from timeledger.kit.views import view_of
from timeledger.models import (
    Employee,
    EmployeeVersion,
    Employment,
    OrgUnit,
    OrgUnitManager,
    OrgUnitVersion,
    Role,
    User,
)
from timeledger.organization.repository import (
    EMPLOYEE_VERSIONS,
    MAX_TREE_DEPTH,
    UNIT_VERSIONS,
    EmployeeRepository,
    EmploymentRepository,
    OrgUnitRepository,
)
from timeledger.organization.schemas import (
    DEFAULT_PATTERN,
    EmployeeCreate,
    EmployeeRead,
    EmployeeUpdate,
    EmployeeVersionCreate,
    EmployeeVersionFields,
    EmployeeVersionRead,
    EmploymentCreate,
    EmploymentRead,
    EmploymentUpdate,
    ManagersPut,
    OrgUnitCreate,
    OrgUnitRead,
    OrgUnitUpdate,
    OrgUnitVersionRead,
)
from timeledger.organization.today import workspace_today

IfMatch = Callable[[str], None]
# Every person records time except those whose built-in role only configures the API.
NON_RECORDING_BUILTIN_ROLES = frozenset({"developer"})
EMPLOYEE_VERSION_FIELDS = tuple(EmployeeVersionFields.model_fields)


def role_records_time(role: Role) -> bool:
    """The one rule deciding whether a person with `role` records time (and so is an
    employee)."""
    return not (role.builtin and role.name in NON_RECORDING_BUILTIN_ROLES)


def versions_on_days(
    session: Session, wanted: Iterable[tuple[int, date]]
) -> dict[tuple[int, date], EmployeeVersion | None]:
    """For each (employee, day), the employee's version in force that day (their name,
    org unit, time zone then); None before their first version. One query."""
    pairs = set(wanted)
    histories = EmployeeRepository(session).histories(employee_id for employee_id, _ in pairs)
    found: dict[tuple[int, date], EmployeeVersion | None] = {}
    for employee_id, day in pairs:
        found[(employee_id, day)] = in_force_of(histories.get(employee_id, []), day)
    return found


def require_placed_in(
    session: Session,
    employee_id: int,
    day: date,
    *,
    unit_id: int | None = None,
    unit_name: str | None = None,
) -> None:
    """Time belongs to the org unit its employee is placed in on its day: naming another
    unit (by id, else by its name that day) is refused with 422. Naming none passes."""
    if unit_id is None and unit_name is None:
        return
    placed = versions_on_days(session, [(employee_id, day)])[(employee_id, day)]
    placed_id = placed.org_unit_id if placed is not None else None
    names = OrgUnitRepository(session).versions_on([placed_id], day) if placed_id else {}
    placed_name = names[placed_id].name if placed_id in names else None
    if (unit_id is not None and unit_id != placed_id) or (
        unit_id is None and unit_name != placed_name
    ):
        raise Unprocessable.at(
            "organization",
            "A time belongs to the organization of its user on its day"
            + (f" ({placed_name}, id {placed_id})." if placed_id else "; the user has none."),
            "not the user's organization",
        )


def today(session: Session, caller: Caller) -> date:
    return workspace_today(session, caller.workspace_id)


def _log(
    session: Session, caller: Caller | None, workspace_id: int, entity: str, entity_id: int,
    op: str, data: dict[str, Any],
) -> None:  # fmt: skip
    record_change(
        session,
        workspace_id=workspace_id,
        actor_user_id=caller.user_id if caller is not None else None,
        entity=entity,
        entity_id=entity_id,
        op=op,
        data=data,
    )


def _touch(row: OrgUnit | Employee) -> None:
    row.updated_at = utcnow()
    row.row_version += 1


def _before_creation(day: date, what: str) -> Unprocessable:
    return Unprocessable(
        f"effective_from {day} is before {what} exists; a version cannot take effect before "
        "the entity's creation.",
        errors=[{"location": "body.effective_from", "message": "before creation"}],
    )


# Org units


def unit_etag(unit: OrgUnit) -> str:
    return etag_for("org-unit", unit.id, unit.row_version)


def unit_view(unit: OrgUnit, version: OrgUnitVersion, manager_ids: list[int]) -> OrgUnitRead:
    """The unit as its version shows it, with its managers."""
    return view_of(OrgUnitRead, unit, version, manager_ids=manager_ids)


def unit_views(session: Session, units: list[OrgUnit], day: date) -> list[OrgUnitRead]:
    repository = OrgUnitRepository(session)
    ids = [unit.id for unit in units]
    versions = repository.versions_on(ids, day)
    managers = repository.manager_ids(ids)
    return [unit_view(unit, versions[unit.id], managers[unit.id]) for unit in units]


def units_on(session: Session, day: date) -> list[OrgUnitRead]:
    """Every live unit in force on `day`, by name: the whole tree."""
    statement = OrgUnitRepository(session).matching(day).order_by(OrgUnitVersion.name, OrgUnit.id)
    return unit_views(session, list(session.scalars(statement)), day)


def get_unit(session: Session, unit_id: int) -> OrgUnit:
    unit = OrgUnitRepository(session).get(unit_id)
    if unit is None:
        raise NotFound(f"Org unit {unit_id} does not exist.")
    return unit


def read_unit(session: Session, unit_id: int, day: date) -> OrgUnitRead:
    unit = get_unit(session, unit_id)
    version = UNIT_VERSIONS.as_of(session, unit.id, day)
    if version is None:
        raise NotFound(f"Org unit {unit_id} does not exist on {day}.")
    return unit_view(unit, version, OrgUnitRepository(session).manager_ids([unit.id])[unit.id])


def unit_view_near(session: Session, unit: OrgUnit, day: date) -> OrgUnitRead:
    """The unit as of `day`, or as created when it only takes effect later."""
    version = (
        UNIT_VERSIONS.as_of(session, unit.id, day) or UNIT_VERSIONS.history(session, unit.id)[0]
    )
    return unit_view(unit, version, OrgUnitRepository(session).manager_ids([unit.id])[unit.id])


def _check_valid_to(valid_to: date | None, effective_from: date) -> None:
    if valid_to is not None and valid_to < effective_from:
        raise Unprocessable(
            f"valid_to {valid_to} is before effective_from {effective_from}.",
            errors=[{"location": "body.valid_to", "message": "before effective_from"}],
        )


def _check_parent(session: Session, parent_id: int | None, day: date) -> None:
    if parent_id is None:
        return
    if OrgUnitRepository(session).live_in_force(parent_id, day) is None:
        raise Unprocessable(
            f"parent_id {parent_id}: org unit {parent_id} does not exist or is not effective "
            f"on {day}.",
            errors=[{"location": "body.parent_id", "message": "not effective on that date"}],
        )


def _check_key_free(session: Session, model: type[OrgUnit] | type[Employee], key: str) -> None:
    if session.scalars(select(model.id).where(model.key == key)).first() is not None:
        raise Conflict(f"The key {key!r} is taken by another record.")


def _refuse_cycles(session: Session, unit_id: int, since: date) -> None:
    """After adding a version of `unit_id`: on no date from `since` on may the unit lie
    below itself."""
    repository = OrgUnitRepository(session)
    for day in [since, *repository.version_dates_from(since)]:
        current: int | None = unit_id
        for _ in range(MAX_TREE_DEPTH):
            version = UNIT_VERSIONS.as_of(session, current, day) if current else None
            current = version.parent_id if version is not None else None
            if current is None:
                break
            if current == unit_id:
                raise Conflict(
                    f"Org unit {unit_id} would lie below itself on {day}: the parent chosen "
                    "is the unit or one of its descendants."
                )
        else:
            raise Unprocessable(f"The org unit tree may be at most {MAX_TREE_DEPTH} levels deep.")


def create_unit(session: Session, caller: Caller, data: OrgUnitCreate) -> tuple[OrgUnit, date]:
    day = data.effective_from or today(session, caller)
    _check_valid_to(data.valid_to, day)
    _check_parent(session, data.parent_id, day)
    if data.key is not None:
        _check_key_free(session, OrgUnit, data.key)
    now = utcnow()
    unit = OrgUnit(
        workspace_id=caller.workspace_id, key=data.key, created_at=now, updated_at=now,
        row_version=1,
    )  # fmt: skip
    OrgUnitRepository(session).add(unit)
    version = OrgUnitVersion(
        workspace_id=caller.workspace_id,
        effective_from=day,
        name=data.name,
        type=data.type.value,
        parent_id=data.parent_id,
        valid_to=data.valid_to,
    )
    UNIT_VERSIONS.add(session, unit.id, version)
    _log(session, caller, caller.workspace_id, "org_unit", unit.id, "created",
         unit_view(unit, version, []).model_dump(mode="json"))  # fmt: skip
    return unit, day


def update_unit(
    session: Session, caller: Caller, unit_id: int, data: OrgUnitUpdate, if_match: IfMatch
) -> tuple[OrgUnit, date]:
    unit = get_unit(session, unit_id)
    if_match(unit_etag(unit))
    day = data.effective_from or today(session, caller)
    base = UNIT_VERSIONS.as_of(session, unit.id, day)
    if base is None:
        raise _before_creation(day, f"org unit {unit_id}")
    changes = data.model_dump(exclude_unset=True, exclude={"effective_from", "key"})
    if "key" in data.model_fields_set and data.key != unit.key:
        if data.key is not None:
            _check_key_free(session, OrgUnit, data.key)
        unit.key = data.key
    values: dict[str, Any] = {
        "name": base.name,
        "type": base.type,
        "parent_id": base.parent_id,
        "valid_to": base.valid_to,
    }
    for field, value in changes.items():
        if value is None and field in ("name", "type"):
            continue
        values[field] = value.value if field == "type" and value is not None else value
    if values["parent_id"] == unit.id:
        raise Conflict(f"Org unit {unit_id} cannot be its own parent.")
    _check_valid_to(values["valid_to"], day)
    if "parent_id" in changes:
        _check_parent(session, values["parent_id"], day)
    version = UNIT_VERSIONS.add(
        session,
        unit.id,
        OrgUnitVersion(workspace_id=caller.workspace_id, effective_from=day, **values),
    )
    if values["parent_id"] is not None:
        _refuse_cycles(session, unit.id, day)
    _touch(unit)
    session.flush()
    managers = OrgUnitRepository(session).manager_ids([unit.id])[unit.id]
    _log(session, caller, caller.workspace_id, "org_unit", unit.id, "updated",
         unit_view(unit, version, managers).model_dump(mode="json"))  # fmt: skip
    return unit, day


def unit_history(session: Session, unit_id: int) -> list[OrgUnitVersionRead]:
    unit = get_unit(session, unit_id)
    return [
        OrgUnitVersionRead.model_validate(version)
        for version in UNIT_VERSIONS.history(session, unit.id)
    ]


def delete_unit(session: Session, caller: Caller, unit_id: int) -> None:
    unit = get_unit(session, unit_id)
    children, employees = OrgUnitRepository(session).referencing(unit.id, today(session, caller))
    if children or employees:
        parts = []
        if children:
            parts.append(f"org units {', '.join(map(str, children))}")
        if employees:
            parts.append(f"employees {', '.join(map(str, employees))}")
        raise Conflict(
            f"Org unit {unit_id} is still referenced by {' and '.join(parts)}.",
            extra={"referenced_by": {"org_units": children, "employees": employees}},
        )
    unit.deleted_at = utcnow()
    _touch(unit)
    session.flush()
    _log(session, caller, caller.workspace_id, "org_unit", unit.id, "deleted", {"id": unit.id})


def _current_and_later(
    history: list[OrgUnitVersion] | list[EmployeeVersion], day: date
) -> list[Any]:
    """Of a history ordered by (effective_from, id): the version in force on `day` and those
    taking effect later (of several for one date, the one in force, recorded last)."""
    in_force: dict[date, Any] = {}
    for version in history:
        in_force[max(version.effective_from, day)] = version
    return list(in_force.values())


def _restore_refused(what: str, version_from: date, references: list[str]) -> Conflict:
    return Conflict(
        f"{what} cannot be restored: its version from {version_from} refers to "
        f"{' and '.join(references)}, deleted meanwhile. Restore or change that first.",
        extra={"deleted_references": references},
    )


def restore_unit(session: Session, caller: Caller, unit_id: int) -> OrgUnit:
    """Undo a soft delete; 409 when a current or later version names a parent unit that is
    deleted now. Its managers were kept while it was deleted."""
    repository = OrgUnitRepository(session)
    unit = repository.get_deleted(unit_id)
    if unit is None:
        raise NotFound(f"No deleted org unit with id {unit_id}.")
    day = today(session, caller)
    for version in _current_and_later(UNIT_VERSIONS.history(session, unit.id), day):
        if version.parent_id is not None and repository.get(version.parent_id) is None:
            raise _restore_refused(
                f"Org unit {unit_id}", version.effective_from, [f"org unit {version.parent_id}"]
            )
    unit.deleted_at = None
    _touch(unit)
    session.flush()
    _log(session, caller, caller.workspace_id, "org_unit", unit.id, "restored",
         {"id": unit.id, "key": unit.key})  # fmt: skip
    return unit


def put_managers(
    session: Session, caller: Caller, unit_id: int, data: ManagersPut, if_match: IfMatch
) -> OrgUnit:
    repository = OrgUnitRepository(session)
    unit = get_unit(session, unit_id)
    if_match(unit_etag(unit))
    wanted = list(dict.fromkeys(data.user_ids))
    missing = sorted(set(wanted) - repository.live_people(wanted))
    if missing:
        raise Unprocessable(
            f"user_ids: no person with id {', '.join(map(str, missing))} exists.",
            errors=[{"location": "body.user_ids", "message": "unknown person"}],
        )
    current = {row.user_id: row for row in repository.managers_of(unit.id)}
    for user_id, row in current.items():
        if user_id not in wanted:
            repository.delete_manager(row)
    for user_id in wanted:
        if user_id not in current:
            repository.add(
                OrgUnitManager(
                    workspace_id=caller.workspace_id, org_unit_id=unit.id, user_id=user_id
                )
            )
    _touch(unit)
    session.flush()
    _log(session, caller, caller.workspace_id, "org_unit", unit.id, "managers_set",
         {"id": unit.id, "manager_ids": sorted(wanted)})  # fmt: skip
    return unit


# Employees


def employee_etag(employee: Employee) -> str:
    return etag_for("employee", employee.id, employee.row_version)


def employee_view(employee: Employee, version: EmployeeVersion) -> EmployeeRead:
    """The employee as their version shows them."""
    return view_of(EmployeeRead, employee, version)


def employee_views(session: Session, employees: list[Employee], day: date) -> list[EmployeeRead]:
    versions = EmployeeRepository(session).versions_on([row.id for row in employees], day)
    return [employee_view(row, versions[row.id]) for row in employees]


def list_employees(
    session: Session,
    caller: Caller,
    page: PageRequest,
    day: date,
    *,
    text: str | None = None,
    org_unit_id: int | None = None,
    ids: list[int] | None = None,
) -> tuple[list[EmployeeRead], str | None]:
    """A page of the employees the caller sees, as in force on `day`; `text` is part of a
    name, the email or the number."""
    statement = EmployeeRepository(session).matching(
        caller, today(session, caller), day, org_unit_id=org_unit_id, text=text, ids=ids
    )
    rows, cursor = fetch_page(
        session,
        statement,
        page,
        sort_columns={
            "id": Employee.id,
            "employee_number": Employee.employee_number,
            "created_at": Employee.created_at,
        },
        id_column=Employee.id,
    )
    return employee_views(session, rows, day), cursor


def get_visible_employee(session: Session, caller: Caller, employee_id: int) -> Employee:
    employee = EmployeeRepository(session).get_visible(caller, today(session, caller), employee_id)
    if employee is None:
        raise NotFound(f"Employee {employee_id} does not exist.")
    return employee


def get_changeable_employee(session: Session, caller: Caller, employee_id: int) -> Employee:
    """404 when the caller cannot see the employee, 403 when they can but may not change it."""
    employee = get_visible_employee(session, caller, employee_id)
    allowed = EmployeeRepository(session).ids_in_scope(
        caller, caller.scope_for("employees", "update"), today(session, caller)
    )
    if allowed is not None and employee.id not in allowed:
        raise Forbidden(f"You may read employee {employee_id} but not change it.")
    return employee


def read_employee(session: Session, caller: Caller, employee_id: int, day: date) -> EmployeeRead:
    employee = get_visible_employee(session, caller, employee_id)
    version = EMPLOYEE_VERSIONS.as_of(session, employee.id, day)
    if version is None:
        raise NotFound(f"Employee {employee_id} does not exist on {day}.")
    return employee_view(employee, version)


def _check_version_references(session: Session, values: dict[str, Any], day: date) -> None:
    unit_id = values.get("org_unit_id")
    if unit_id is not None and OrgUnitRepository(session).live_in_force(unit_id, day) is None:
        raise Unprocessable(
            f"org_unit_id {unit_id}: org unit {unit_id} does not exist or is not effective "
            f"on {day}.",
            errors=[{"location": "body.org_unit_id", "message": "not effective on that date"}],
        )
    terms_id = values.get("employment_terms_id")
    if terms_id is not None and not EmployeeRepository(session).terms_in_force(terms_id, day):
        raise Unprocessable(
            f"employment_terms_id {terms_id}: employment terms {terms_id} do not exist or are "
            f"not effective on {day}.",
            errors=[{"location": "body.employment_terms_id", "message": "not effective"}],
        )


def _check_user_link(session: Session, user_id: int, except_employee: int | None) -> None:
    if not OrgUnitRepository(session).live_people([user_id]):
        raise Unprocessable(
            f"user_id {user_id}: no person with that id exists.",
            errors=[{"location": "body.user_id", "message": "unknown person"}],
        )
    linked = EmployeeRepository(session).by_user(user_id)
    if linked is not None and linked.id != except_employee:
        raise Conflict(f"User {user_id} is already linked to employee {linked.id}.")


def _check_number_free(session: Session, number: str) -> None:
    taken = EmployeeRepository(session).by_number(number)
    if taken is not None:
        raise Conflict(f"Employee number {number!r} is taken by employee {taken.id}.")


def add_employee(
    session: Session,
    *,
    workspace_id: int,
    employee_number: str,
    values: dict[str, Any],
    effective_from: date,
    user_id: int | None = None,
    key: str | None = None,
    actor: Caller | None = None,
) -> tuple[Employee, EmployeeVersion]:
    now = utcnow()
    employee = Employee(
        workspace_id=workspace_id,
        employee_number=employee_number,
        user_id=user_id,
        key=key,
        created_at=now,
        updated_at=now,
        row_version=1,
    )
    EmployeeRepository(session).add(employee)
    version = EMPLOYEE_VERSIONS.add(
        session,
        employee.id,
        EmployeeVersion(workspace_id=workspace_id, effective_from=effective_from, **values),
    )
    _log(session, actor, workspace_id, "employee", employee.id, "created",
         employee_view(employee, version).model_dump(mode="json"))  # fmt: skip
    return employee, version


def create_employee(
    session: Session, caller: Caller, data: EmployeeCreate
) -> tuple[Employee, EmployeeVersion]:
    day = data.effective_from or today(session, caller)
    _check_number_free(session, data.employee_number)
    if data.user_id is not None:
        _check_user_link(session, data.user_id, None)
    if data.key is not None:
        _check_key_free(session, Employee, data.key)
    values = data.model_dump(include=set(EMPLOYEE_VERSION_FIELDS))
    _check_version_references(session, values, day)
    return add_employee(
        session,
        workspace_id=caller.workspace_id,
        employee_number=data.employee_number,
        values=values,
        effective_from=day,
        user_id=data.user_id,
        key=data.key,
        actor=caller,
    )


def _add_version(
    session: Session, caller: Caller, employee: Employee, changes: dict[str, Any], day: date
) -> EmployeeVersion:
    base = EMPLOYEE_VERSIONS.as_of(session, employee.id, day)
    if base is None:
        raise _before_creation(day, f"employee {employee.id}")
    values = {field: getattr(base, field) for field in EMPLOYEE_VERSION_FIELDS}
    for field, value in changes.items():
        if value is None and field in ("first_name", "last_name", "weekly_pattern_minutes"):
            continue
        values[field] = value
    _check_version_references(session, changes, day)
    return EMPLOYEE_VERSIONS.add(
        session,
        employee.id,
        EmployeeVersion(workspace_id=caller.workspace_id, effective_from=day, **values),
    )


def update_employee(
    session: Session, caller: Caller, employee_id: int, data: EmployeeUpdate, if_match: IfMatch
) -> tuple[Employee, date]:
    employee = get_changeable_employee(session, caller, employee_id)
    if_match(employee_etag(employee))
    day = data.effective_from or today(session, caller)
    fields = data.model_fields_set
    number = data.employee_number
    if number is not None and number != employee.employee_number:
        _check_number_free(session, number)
        employee.employee_number = number
    if "user_id" in fields and data.user_id != employee.user_id:
        if data.user_id is not None:
            _check_user_link(session, data.user_id, employee.id)
        employee.user_id = data.user_id
    if "key" in fields and data.key != employee.key:
        if data.key is not None:
            _check_key_free(session, Employee, data.key)
        employee.key = data.key
    changes = data.model_dump(exclude_unset=True, include=set(EMPLOYEE_VERSION_FIELDS))
    version = _add_version(session, caller, employee, changes, day)
    _touch(employee)
    session.flush()
    _log(session, caller, caller.workspace_id, "employee", employee.id, "updated",
         employee_view(employee, version).model_dump(mode="json"))  # fmt: skip
    return employee, day


def add_employee_version(
    session: Session, caller: Caller, employee_id: int, data: EmployeeVersionCreate
) -> EmployeeVersion:
    employee = get_changeable_employee(session, caller, employee_id)
    changes = data.model_dump(exclude_unset=True, include=set(EMPLOYEE_VERSION_FIELDS))
    version = _add_version(session, caller, employee, changes, data.effective_from)
    _touch(employee)
    session.flush()
    _log(session, caller, caller.workspace_id, "employee", employee.id, "version_added",
         employee_view(employee, version).model_dump(mode="json"))  # fmt: skip
    return version


def employee_history(
    session: Session, caller: Caller, employee_id: int
) -> list[EmployeeVersionRead]:
    employee = get_visible_employee(session, caller, employee_id)
    return [
        EmployeeVersionRead.model_validate(row)
        for row in EMPLOYEE_VERSIONS.history(session, employee.id)
    ]


def delete_employee(session: Session, caller: Caller, employee_id: int) -> None:
    """Soft delete; the user link is released so the person can be linked again."""
    employee = get_changeable_employee(session, caller, employee_id)
    employee.deleted_at = utcnow()
    employee.user_id = None
    _touch(employee)
    session.flush()
    _log(session, caller, caller.workspace_id, "employee", employee.id, "deleted",
         {"id": employee.id})  # fmt: skip


def restore_employee(session: Session, caller: Caller, employee_id: int) -> Employee:
    """Undo a soft delete; 409 when a current or later version names an org unit or
    employment terms deleted now. The user link cleared by the delete stays cleared: link
    the person again with PATCH /api/employees/{id} and `user_id`."""
    repository = EmployeeRepository(session)
    employee = repository.get_deleted(employee_id)
    if employee is None:
        raise NotFound(f"No deleted employee with id {employee_id}.")
    units = OrgUnitRepository(session)
    day = today(session, caller)
    for version in _current_and_later(EMPLOYEE_VERSIONS.history(session, employee.id), day):
        references = []
        if version.org_unit_id is not None and units.get(version.org_unit_id) is None:
            references.append(f"org unit {version.org_unit_id}")
        terms_id = version.employment_terms_id
        if terms_id is not None and not repository.terms_live(terms_id):
            references.append(f"employment terms {terms_id}")
        if references:
            raise _restore_refused(f"Employee {employee_id}", version.effective_from, references)
    employee.deleted_at = None
    _touch(employee)
    session.flush()
    _log(session, caller, caller.workspace_id, "employee", employee.id, "restored",
         {"id": employee.id, "key": employee.key})  # fmt: skip
    return employee


def _split_name(name: str) -> tuple[str, str]:
    """First word as first name, the rest as last name; a one-word name has an empty last
    name."""
    first, _, last = name.strip().partition(" ")
    return (first or name or "-")[:100], last.strip()[:100]


def _link_unlinked_employee(session: Session, user: User, actor: Caller | None, day: date) -> bool:
    """Link the one live, unlinked employee whose version in force on `day` has the user's
    email (case-insensitively). None or several such employees: link none (several are
    ambiguous; an admin links the right one by hand) and report False."""
    if not user.email:
        return False
    matches = EmployeeRepository(session).unlinked_with_email(user.email, day)
    if len(matches) != 1:
        return False
    employee = matches[0]
    employee.user_id = user.id
    _touch(employee)
    session.flush()
    version = EMPLOYEE_VERSIONS.as_of(session, employee.id, day)
    assert version is not None
    _log(session, actor, user.workspace_id, "employee", employee.id, "updated",
         employee_view(employee, version).model_dump(mode="json"))  # fmt: skip
    return True


def ensure_employee_for_user(session: Session, user: User, actor: Caller | None) -> None:
    """A person who records time is always an employee: in the transaction creating them,
    link the live employee without user having their email, or else create one."""
    if not role_records_time(user.role):
        return
    repository = EmployeeRepository(session)
    if repository.by_user(user.id) is not None:
        return
    if _link_unlinked_employee(session, user, actor, workspace_today(session, user.workspace_id)):
        return
    number = f"U{user.id}"
    suffix = 1
    while repository.by_number(number) is not None:
        suffix += 1
        number = f"U{user.id}-{suffix}"
    first, last = _split_name(user.name)
    add_employee(
        session,
        workspace_id=user.workspace_id,
        employee_number=number,
        values={
            "first_name": first,
            "last_name": last,
            "email": user.email,
            "org_unit_id": None,
            "employment_terms_id": None,
            "timezone": user.timezone,
            "weekly_pattern_minutes": list(DEFAULT_PATTERN),
            "hourly_rate_minor": None,
        },
        effective_from=workspace_today(session, user.workspace_id),
        user_id=user.id,
        actor=actor,
    )


# Employments


def employment_view(row: Employment) -> EmploymentRead:
    """The employment with its percentage, stored in hundredths."""
    return view_of(EmploymentRead, row, percentage=row.percentage_hundredths / 100)


def _hundredths(percentage: Decimal) -> int:
    return int(percentage * 100)


def _check_period(
    session: Session, employee_id: int, starts_on: date, ends_on: date | None, except_id: int | None
) -> None:
    if ends_on is not None and ends_on < starts_on:
        raise Unprocessable(
            f"ends_on {ends_on} is before starts_on {starts_on}.",
            errors=[{"location": "body.ends_on", "message": "before starts_on"}],
        )
    other = EmploymentRepository(session).overlapping(employee_id, starts_on, ends_on, except_id)
    if other is not None:
        until = other.ends_on.isoformat() if other.ends_on else "open end"
        raise Conflict(
            f"The period overlaps employment {other.id} ({other.starts_on} to {until}) of "
            f"employee {employee_id}.",
            extra={"conflicting_employment_id": other.id},
        )


def get_employment(session: Session, employee: Employee, employment_id: int) -> Employment:
    row = EmploymentRepository(session).get(employee.id, employment_id)
    if row is None:
        raise NotFound(f"Employment {employment_id} of employee {employee.id} does not exist.")
    return row


def create_employment(
    session: Session, caller: Caller, employee_id: int, data: EmploymentCreate
) -> Employment:
    employee = get_changeable_employee(session, caller, employee_id)
    _check_period(session, employee.id, data.starts_on, data.ends_on, None)
    row = Employment(
        workspace_id=caller.workspace_id,
        employee_id=employee.id,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        percentage_hundredths=_hundredths(data.percentage),
        details={},
        created_at=utcnow(),
    )
    EmploymentRepository(session).add(row)
    _log(session, caller, caller.workspace_id, "employment", row.id, "created",
         employment_view(row).model_dump(mode="json"))  # fmt: skip
    return row


def update_employment(
    session: Session, caller: Caller, employee_id: int, employment_id: int, data: EmploymentUpdate
) -> Employment:
    employee = get_changeable_employee(session, caller, employee_id)
    row = get_employment(session, employee, employment_id)
    fields = data.model_fields_set
    starts_on = data.starts_on if data.starts_on is not None else row.starts_on
    ends_on = data.ends_on if "ends_on" in fields else row.ends_on
    _check_period(session, employee.id, starts_on, ends_on, row.id)
    row.starts_on, row.ends_on = starts_on, ends_on
    if data.percentage is not None:
        row.percentage_hundredths = _hundredths(data.percentage)
    session.flush()
    _log(session, caller, caller.workspace_id, "employment", row.id, "updated",
         employment_view(row).model_dump(mode="json"))  # fmt: skip
    return row


def delete_employment(
    session: Session, caller: Caller, employee_id: int, employment_id: int
) -> None:
    employee = get_changeable_employee(session, caller, employee_id)
    row = get_employment(session, employee, employment_id)
    EmploymentRepository(session).delete(row)
    _log(session, caller, caller.workspace_id, "employment", employment_id, "deleted",
         {"id": employment_id, "employee_id": employee.id})  # fmt: skip
