"""Rules of delegations: while one is in force, its delegate also sees and decides the
items routed to its delegator (of its kinds), on the delegator's behalf and with the
delegator's rights. Delegations do not pass on (a delegate's own delegation carries only
the delegate's items).

A delegation to oneself, one overlapping another of the same delegator and a shared kind,
or one to a person who cannot read the employees whose items the delegator decides: 422.
Creating, changing and deleting one is audited.
"""

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.audit import record_audit
from timeledger.access.caller import Caller, caller_acting_as
from timeledger.access.permissions import Scope
from timeledger.approvals.approvers import forget_routing
from timeledger.approvals.repository import ApprovalRepository
from timeledger.approvals.routing import AREA_OF_KIND, KINDS, Kind
from timeledger.approvals.schemas import DelegationCreate, DelegationUpdate, delegation_view
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Forbidden, NotFound, Unprocessable
from timeledger.kit.etag import etag_for
from timeledger.kit.pagination import PageRequest, fetch_page
from timeledger.models import ApprovalDelegation
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.today import workspace_today

DELEGATE_ANYONE = "approvals:delegate:*"
READ_ALL = "approvals:read:*"
SORTABLE = {"starts_on": ApprovalDelegation.starts_on, "id": ApprovalDelegation.id}
SHOWN_MISSING = 10


def delegation_etag(row: ApprovalDelegation) -> str:
    return etag_for("delegation", row.id, row.row_version)


def get_delegation(session: Session, caller: Caller, delegation_id: int) -> ApprovalDelegation:
    """A delegation the caller gave or received (any, with `approvals:read:*`); else 404."""
    row = ApprovalRepository(session).delegation(delegation_id)
    if row is None or not (
        caller.may(READ_ALL) or caller.user_id in (row.delegator_user_id, row.delegate_user_id)
    ):
        raise NotFound(f"No delegation with id {delegation_id}.")
    return row


def list_delegations(
    session: Session,
    caller: Caller,
    *,
    scope: str,
    delegator_user_id: int | None,
    delegate_user_id: int | None,
    in_force_on: date | None,
    page: PageRequest,
) -> tuple[list[ApprovalDelegation], str | None]:
    """Delegations the caller gave or received (`own`), or everyone's (`all`)."""
    if scope == "all" and not caller.may(READ_ALL):
        raise Forbidden(f"scope=all needs {READ_ALL}.")
    listing = ApprovalRepository(session).delegation_listing(
        involving_user_id=None if scope == "all" else caller.user_id,
        delegator_user_id=delegator_user_id,
        delegate_user_id=delegate_user_id,
        in_force_on=in_force_on,
    )
    return fetch_page(
        session, listing, page, sort_columns=SORTABLE, id_column=ApprovalDelegation.id
    )


def create_delegation(
    session: Session, caller: Caller, data: DelegationCreate
) -> ApprovalDelegation:
    delegator_id = data.delegator_user_id or caller.user_id
    _check_may_delegate_for(caller, delegator_id)
    now = utcnow()
    row = ApprovalDelegation(
        workspace_id=caller.workspace_id,
        delegator_user_id=delegator_id,
        delegate_user_id=data.delegate_user_id,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        kinds=_kinds(data.kinds),
        created_by_user_id=caller.user_id,
        created_at=now,
        updated_at=now,
        row_version=1,
    )
    _check(session, caller, row, besides=None, location="body.delegator_user_id")
    ApprovalRepository(session).add(row)
    _audit(session, caller, "approval-delegation.create", row)
    forget_routing(session)
    return row


def update_delegation(
    session: Session,
    caller: Caller,
    delegation_id: int,
    data: DelegationUpdate,
    if_match: Any,
) -> ApprovalDelegation:
    row = _changing(session, caller, delegation_id)
    if_match(delegation_etag(row))
    changes = data.model_dump(exclude_unset=True)
    if changes.get("kinds") is not None:
        changes["kinds"] = _kinds(changes["kinds"])
    for name, value in changes.items():
        if value is None:
            raise Unprocessable.at(f"body.{name}", f"{name} cannot be null.", "null")
        setattr(row, name, value)
    _check(session, caller, row, besides=row.id, location="body")
    row.updated_at = utcnow()
    row.row_version += 1
    session.flush()
    _audit(session, caller, "approval-delegation.update", row)
    forget_routing(session)
    return row


def delete_delegation(session: Session, caller: Caller, delegation_id: int) -> None:
    row = _changing(session, caller, delegation_id)
    _audit(session, caller, "approval-delegation.delete", row)
    ApprovalRepository(session).delete(row)
    forget_routing(session)


def _changing(session: Session, caller: Caller, delegation_id: int) -> ApprovalDelegation:
    """A delegation the caller may change: their own as delegator, or any with
    `approvals:delegate:*` (403 for the delegate)."""
    row = get_delegation(session, caller, delegation_id)
    if row.delegator_user_id != caller.user_id and not caller.may(DELEGATE_ANYONE):
        raise Forbidden(
            f"Delegation {delegation_id} is user {row.delegator_user_id}'s: only they (or a "
            f"holder of {DELEGATE_ANYONE}) may change or delete it."
        )
    locked = ApprovalRepository(session).delegation(delegation_id, for_update=True)
    assert locked is not None
    return locked


def _check_may_delegate_for(caller: Caller, delegator_id: int) -> None:
    if delegator_id != caller.user_id and not caller.may(DELEGATE_ANYONE):
        raise Forbidden(
            f"Delegating the approvals of user {delegator_id} needs {DELEGATE_ANYONE}; leave "
            "delegator_user_id out to delegate your own."
        )


def _kinds(kinds: list[Kind]) -> list[str]:
    """Sorted and unique; every kind at once is stored as the empty list (all)."""
    unique: list[str] = sorted(set(kinds))
    return [] if len(unique) == len(KINDS) else unique


def _check(
    session: Session, caller: Caller, row: ApprovalDelegation, *, besides: int | None, location: str
) -> None:
    repository = ApprovalRepository(session)
    today = workspace_today(session, caller.workspace_id)
    if row.ends_on < row.starts_on:
        raise Unprocessable.at(
            "body.ends_on",
            f"ends_on ({row.ends_on}) lies before starts_on ({row.starts_on}).",
            "before starts_on",
        )
    if row.ends_on < today:
        raise Unprocessable.at(
            "body.ends_on",
            f"ends_on ({row.ends_on}) has passed (today is {today}): a delegation must be in "
            "force on some day from today on.",
            "in the past",
        )
    delegator = repository.person(row.delegator_user_id)
    if delegator is None:
        raise Unprocessable.at(
            location, f"No active person with id {row.delegator_user_id}.", "unknown person"
        )
    if row.delegate_user_id == row.delegator_user_id:
        raise Unprocessable.at(
            "body.delegate_user_id",
            "A delegation goes to someone else: the delegate is the delegator.",
            "delegation to oneself",
        )
    delegate = repository.person(row.delegate_user_id)
    if delegate is None:
        raise Unprocessable.at(
            "body.delegate_user_id",
            f"No active person with id {row.delegate_user_id}.",
            "unknown person",
        )
    kinds = set(row.kinds) or set(KINDS)
    repository.lock_person(row.delegator_user_id)
    for other in repository.overlapping(row.delegator_user_id, row.starts_on, row.ends_on, besides):
        shared = kinds & (set(other.kinds) or set(KINDS))
        if shared:
            raise Unprocessable.at(
                "body.starts_on",
                f"Delegation {other.id} of user {row.delegator_user_id} ({other.starts_on} to "
                f"{other.ends_on}) already delegates {', '.join(sorted(shared))} on some of "
                "these days: change or delete it first.",
                "overlapping delegation",
            )
    _check_delegate_reads(
        session,
        caller_acting_as(delegator, "delegation"),
        caller_acting_as(delegate, "delegation"),
        sorted(kinds),  # type: ignore[arg-type]
        today,
    )


def _check_delegate_reads(
    session: Session, delegator: Caller, delegate: Caller, kinds: list[Kind], today: date
) -> None:
    """422 unless the delegate may read (in each kind's area) every employee whose items
    the delegator decides: those their approve permission reaches, and for project weeks
    the members of the projects they manage."""
    employees = EmployeeRepository(session)
    repository = ApprovalRepository(session)
    for kind in kinds:
        area = AREA_OF_KIND[kind]
        approve_scope = delegator.scope_for(area, "approve")
        needed = (
            employees.ids_in_scope(delegator, approve_scope, today)
            if approve_scope is not None and approve_scope >= Scope.TEAM
            else set()
        )
        if kind == "project_entries" and needed is not None:
            managed = repository.projects_managed_by([delegator.user_id])
            needed |= repository.employees_of_users(repository.member_user_ids(managed))
        if needed is not None:
            needed -= repository.employees_of_users([delegator.user_id, delegate.user_id])
        read_scope = delegate.scope_for(area, "read")
        reached = employees.ids_in_scope(delegate, read_scope, today)
        if reached is None:
            continue
        if needed is None:
            raise Unprocessable.at(
                "body.delegate_user_id",
                f"User {delegator.user_id} decides {kind} items of every employee; user "
                f"{delegate.user_id} would need {area}:read:* to be their delegate.",
                "delegate cannot read those employees",
            )
        missing = sorted(needed - reached)
        if missing:
            shown = ", ".join(map(str, missing[:SHOWN_MISSING]))
            more = (
                f" and {len(missing) - SHOWN_MISSING} more" if len(missing) > SHOWN_MISSING else ""
            )
            raise Unprocessable.at(
                "body.delegate_user_id",
                f"User {delegate.user_id} cannot read the {area} of employee(s) {shown}{more}, "
                f"whose {kind} items user {delegator.user_id} decides: a delegate must be "
                "able to read them.",
                "delegate cannot read those employees",
            )


def _audit(session: Session, caller: Caller, action: str, row: ApprovalDelegation) -> None:
    record_audit(
        session,
        caller.audit_record(
            action,
            "success",
            target_type="approval_delegation",
            target_id=row.id,
            detail=delegation_view(row).model_dump(mode="json"),
        ),
    )
