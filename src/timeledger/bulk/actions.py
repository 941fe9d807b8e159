"""Each bulk action on one object, through the ordinary service that a single change of
that object calls (`entries.service`, `organization.service`): the same reach checks,
validators, locks and change-log records. A refusal is the service's own problem."""

from collections.abc import Callable

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.bulk.schemas import (
    ArchiveEmployees,
    ChangeEmploymentTerms,
    ChangeOrgUnit,
    DeleteEntries,
    EmployeeAction,
    EntryAction,
    LockEntries,
    UnlockEntries,
)
from timeledger.entries import service as entries
from timeledger.entries.schemas import EntryUpdate
from timeledger.kit.errors import Conflict
from timeledger.kit.routing import unconditional
from timeledger.organization import service as organization
from timeledger.organization.reach import Access
from timeledger.organization.repository import EmploymentRepository
from timeledger.organization.schemas import EmployeeUpdate, EmploymentUpdate

ObjectAction = Callable[[Session, Caller, int], None]
"""Applies the action to the object of this id, or raises the `Problem` refusing it."""


def _entry_update(action: EntryAction) -> EntryUpdate:
    if isinstance(action, LockEntries | UnlockEntries):
        return EntryUpdate(locked=isinstance(action, LockEntries))
    return EntryUpdate(**action.model_dump(exclude_unset=True, exclude={"type"}))


def entry_action(action: EntryAction, *, force: bool) -> ObjectAction:
    """An entry's change as PATCH (or DELETE) of that entry with `force` would make it.
    Locking and unlocking act with force (they need timesheet:force:* anyway), so that
    they reach entries that are locked or lie in a locked period."""
    forced = force or isinstance(action, LockEntries | UnlockEntries)
    update = None if isinstance(action, DeleteEntries) else _entry_update(action)

    def apply(session: Session, caller: Caller, entry_id: int) -> None:
        entry = entries.locate_entry(session, caller, entry_id, Access.WRITE)
        if update is None:
            entries.delete_entry(
                session, caller, entry.employee_id, entry.id, force=forced, if_match=unconditional
            )
            return
        entries.update_entry(
            session,
            caller,
            entry.employee_id,
            entry.id,
            update,
            force=forced,
            if_match=unconditional,
        )

    return apply


def _end_employment(
    session: Session, caller: Caller, employee_id: int, action: ArchiveEmployees
) -> None:
    """Ends the employment ongoing on `ends_on` (its last day); refused when the employee
    has none then, or one starting later (delete or change that first)."""
    employee = organization.get_changeable_employee(session, caller, employee_id)
    ends_on = action.ends_on
    periods = EmploymentRepository(session).of_employees([employee.id]).get(employee.id, [])
    later = [period for period in periods if period.starts_on > ends_on]
    if later:
        raise Conflict(
            f"Employee {employee.id} has employment {later[0].id} starting {later[0].starts_on}, "
            f"after {ends_on}; change or delete it first."
        )
    ongoing = [
        period
        for period in periods
        if period.starts_on <= ends_on and (period.ends_on is None or period.ends_on >= ends_on)
    ]
    if not ongoing:
        raise Conflict(f"Employee {employee.id} has no employment ongoing on {ends_on}.")
    organization.update_employment(
        session, caller, employee.id, ongoing[0].id, EmploymentUpdate(ends_on=ends_on)
    )


def employee_action(action: EmployeeAction) -> ObjectAction:
    """An employee's change as PATCH of the employee with `effective_from` makes it, or
    (archive) as PATCH of their ongoing employment with `ends_on`."""
    if isinstance(action, ArchiveEmployees):
        return lambda session, caller, employee_id: _end_employment(
            session, caller, employee_id, action
        )
    assert isinstance(action, ChangeOrgUnit | ChangeEmploymentTerms)
    update = EmployeeUpdate(**action.model_dump(exclude={"type"}))

    def apply(session: Session, caller: Caller, employee_id: int) -> None:
        organization.update_employee(session, caller, employee_id, update, unconditional)

    return apply
