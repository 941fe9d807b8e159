"""Rules of time-off requests: making one, approving, rejecting and cancelling it, and who
reads them.

Every public function asks `organization.reach` whether the caller reaches the request's
employee in the time-off area (`timeoff:read`, `timeoff:write`, `timeoff:approve`), so a
route or face calling it checks nothing itself. A request out of read reach does not
exist for the caller (404).
"""

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.access.permissions import Scope
from timeledger.approvals.log import Decision, Item, record_decided, record_requested
from timeledger.changelog.service import record_change
from timeledger.entries.repository import EntryRepository
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, Forbidden, NotFound, Unprocessable
from timeledger.kit.pagination import PageRequest, fetch_page
from timeledger.models import TimeoffPolicyVersion, TimeoffRequest
from timeledger.organization.reach import (
    Access,
    Area,
    employee_ids_of_list_scope,
    reached_employee_id,
)
from timeledger.organization.repository import EmployeeRepository
from timeledger.organization.today import workspace_today
from timeledger.rules.timeoff import DayUsage, Portion, usage_of
from timeledger.settings.service import TIMEOFF_POLICIES, USAGE_UNITS
from timeledger.settings.store import require_effective
from timeledger.timeoff.balances import available_of
from timeledger.timeoff.booking import book, check_days_open, unbook
from timeledger.timeoff.counting import plans_of, policy_use
from timeledger.timeoff.repository import TimeoffRepository
from timeledger.timeoff.schemas import MAX_REQUEST_DAYS, TimeoffCreate, timeoff_view

ENTITY = "timeoff"
UNIT_NAMES = {"days": "hundredths of a day", "hours": "minutes"}
SORTABLE = {"start_day": TimeoffRequest.start_day, "id": TimeoffRequest.id}


def timeoff_location(request: TimeoffRequest) -> str:
    return f"/api/employees/{request.employee_id}/timeoffs/{request.id}"


def _reached(session: Session, caller: Caller, employee_id: int, access: Access) -> None:
    reached_employee_id(session, caller, Area.TIME_OFF, employee_id, access)


def get_request(
    session: Session,
    caller: Caller,
    employee_id: int,
    request_id: int,
    access: Access = Access.READ,
    *,
    for_update: bool = False,
) -> TimeoffRequest:
    _reached(session, caller, employee_id, access)
    request = TimeoffRepository(session).get(request_id, for_update=for_update)
    if request is None or request.employee_id != employee_id:
        raise NotFound(f"Employee {employee_id} has no time-off request {request_id}.")
    return request


def list_of_employee(
    session: Session,
    caller: Caller,
    employee_id: int,
    *,
    first: date | None,
    last: date | None,
    statuses: Sequence[str],
    page: PageRequest,
) -> tuple[list[TimeoffRequest], str | None]:
    _reached(session, caller, employee_id, Access.READ)
    _check_range(first, last)
    listing = TimeoffRepository(session).listing(
        [employee_id], first=first, last=last, statuses=statuses
    )
    return _fetched(session, listing, page)


def list_requests(
    session: Session,
    caller: Caller,
    *,
    scope: str,
    employee_ids: list[int] | None,
    first: date | None,
    last: date | None,
    statuses: Sequence[str],
    page: PageRequest,
) -> tuple[list[TimeoffRequest], str | None]:
    """Requests of the caller's own record (`own`), of the teams they manage (`team`) or of
    everyone they may read (`all`): a calendar of who is away."""
    _check_range(first, last)
    people = employee_ids_of_list_scope(session, caller, Area.TIME_OFF, scope)
    if employee_ids is not None:
        people = set(employee_ids) if people is None else people & set(employee_ids)
    listing = TimeoffRepository(session).listing(people, first=first, last=last, statuses=statuses)
    return _fetched(session, listing, page)


def _fetched(session: Session, listing: Any, page: PageRequest) -> tuple[list[Any], str | None]:
    return fetch_page(session, listing, page, sort_columns=SORTABLE, id_column=TimeoffRequest.id)


def _check_range(first: date | None, last: date | None) -> None:
    if first is not None and last is not None and first > last:
        raise Unprocessable.at("query.from", f"from ({first}) lies after to ({last}).", "after to")


# Making a request


def create_request(
    session: Session, caller: Caller, employee_id: int, data: TimeoffCreate
) -> TimeoffRequest:
    """A request of a policy of the employee's terms: `approved` at once (and booked) when
    the policy needs no approval, else `requested`."""
    _reached(session, caller, employee_id, Access.WRITE)
    EntryRepository(session).serialize_writes_of(employee_id)
    _check_shape(data)
    require_effective(
        session,
        TIMEOFF_POLICIES,
        [data.timeoff_policy_id],
        data.start_day,
        location="body.timeoff_policy_id",
    )
    policy = TIMEOFF_POLICIES.history.as_of(session, data.timeoff_policy_id, data.start_day)
    assert policy is not None
    if policy.archived:
        raise Unprocessable.at(
            "body.timeoff_policy_id",
            f"Policy {data.timeoff_policy_id} ({policy.name}) is archived: it takes no new "
            "requests.",
            "archived",
        )
    if data.portion != "full" and not policy.half_days:
        raise Unprocessable.at(
            "body.portion",
            f"Policy {data.timeoff_policy_id} ({policy.name}) is taken by whole days only.",
            "no half days in this policy",
        )
    _check_notice(session, caller, policy, data.start_day)
    days = _counted(session, caller.workspace_id, employee_id, policy, data)
    amount = sum(day.amount for day in days)
    repository = TimeoffRepository(session)
    _check_no_overlap(repository, employee_id, data.start_day, data.end_day, data.portion, None)
    check_days_open(session, employee_id, data.start_day, data.end_day)
    if policy.account_id is not None and not policy.allow_negative:
        _check_available(session, employee_id, policy, amount, besides=None)
    now = utcnow()
    request = repository.add(
        TimeoffRequest(
            workspace_id=caller.workspace_id,
            employee_id=employee_id,
            timeoff_policy_id=data.timeoff_policy_id,
            account_id=policy.account_id,
            unit=USAGE_UNITS[policy.usage["plugin_id"]],
            start_day=data.start_day,
            end_day=data.end_day,
            portion=data.portion,
            note=data.note,
            status="requested",
            amount=amount,
            days=_stored_days(days),
            decision_note="",
            requested_by_user_id=caller.user_id,
            created_at=now,
            updated_at=now,
            row_version=1,
        )
    )
    _log(session, caller, request, "requested")
    if policy.approval == "none":
        request.status = "approved"
        request.decided_at = now
        book(session, caller, request, policy, days)
        _log(session, caller, request, "approved")
    else:
        record_requested(session, caller, approval_item(request))
    return request


def approval_item(request: TimeoffRequest) -> Item:
    return Item("timeoff", str(request.id), request.employee_id, request.start_day, request.end_day)


def _check_shape(data: TimeoffCreate) -> None:
    if data.end_day < data.start_day:
        raise Unprocessable.at(
            "body.end_day",
            f"end_day ({data.end_day}) lies before start_day ({data.start_day}).",
            "before start_day",
        )
    if (data.end_day - data.start_day).days >= MAX_REQUEST_DAYS:
        raise Unprocessable.at(
            "body.end_day",
            f"A request covers at most {MAX_REQUEST_DAYS} days; split a longer leave.",
            "too long",
        )
    if data.portion != "full" and data.end_day != data.start_day:
        raise Unprocessable.at(
            "body.portion",
            f"portion {data.portion} halves a single day; this request runs from "
            f"{data.start_day} to {data.end_day}.",
            "half of a multi-day request",
        )


def _check_notice(
    session: Session, caller: Caller, policy: TimeoffPolicyVersion, start_day: date
) -> None:
    if policy.min_notice_days == 0 or caller.scope_for("timeoff", "write") is Scope.ALL:
        return
    earliest = workspace_today(session, caller.workspace_id) + timedelta(
        days=policy.min_notice_days
    )
    if start_day < earliest:
        raise Unprocessable.at(
            "body.start_day",
            f"{policy.name} is requested {policy.min_notice_days} days ahead: the earliest "
            f"start_day is {earliest}.",
            "notice too short",
        )


def _counted(
    session: Session,
    workspace_id: int,
    employee_id: int,
    policy: TimeoffPolicyVersion,
    data: TimeoffCreate | TimeoffRequest,
) -> list[DayUsage]:
    """What each day takes; 422 when a day of the employment lacks the policy in its terms,
    or when the request takes nothing at all."""
    plans = plans_of(session, workspace_id, employee_id, data.start_day, data.end_day)
    outside = next(
        (
            plan.day
            for plan in plans
            if plan.employed and policy.timeoff_policy_id not in plan.timeoff_policy_ids
        ),
        None,
    )
    if outside is not None:
        raise Unprocessable.at(
            "body.timeoff_policy_id",
            f"Policy {policy.timeoff_policy_id} ({policy.name}) is not in the employee's "
            f"terms on {outside}.",
            "not in the employee's terms",
        )
    portion: Portion = data.portion  # type: ignore[assignment]
    days = list(usage_of(policy_use(policy), plans, portion))
    if not any(day.amount for day in days):
        reasons = sorted({day.zero_reason for day in days if day.zero_reason is not None})
        raise Unprocessable.at(
            "body.start_day",
            f"Nothing to take: every day from {data.start_day} to {data.end_day} is "
            f"{' or '.join(reasons)}.",
            "nothing to take",
        )
    return days


def _check_no_overlap(
    repository: TimeoffRepository,
    employee_id: int,
    first: date,
    last: date,
    portion: str,
    besides: int | None,
) -> None:
    for other in repository.overlapping_active(employee_id, first, last, besides=besides):
        other_half_of_the_day = first == last == other.start_day == other.end_day and {
            portion,
            other.portion,
        } == {"first_half", "second_half"}
        if not other_half_of_the_day:
            raise Conflict(
                f"Time-off request {other.id} ({other.status}, {other.start_day} to "
                f"{other.end_day}) already covers some of these days.",
                extra={"conflicting_timeoff_id": other.id},
            )


def _check_available(
    session: Session,
    employee_id: int,
    policy: TimeoffPolicyVersion,
    amount: int,
    *,
    besides: int | None,
) -> None:
    assert policy.account_id is not None
    available = available_of(session, employee_id, policy.account_id, besides=besides)
    if amount > available:
        unit = UNIT_NAMES[USAGE_UNITS[policy.usage["plugin_id"]]]
        raise Unprocessable.at(
            "body.end_day",
            f"This takes {amount} {unit} from {policy.name}, where {available} is available; "
            "the policy does not allow a negative balance.",
            f"only {available} available",
        )


def _stored_days(days: Sequence[DayUsage]) -> list[dict[str, Any]]:
    return [
        {
            "day": day.day.isoformat(),
            "amount": day.amount,
            "credited_minutes": day.credited_minutes,
            "zero_reason": day.zero_reason,
        }
        for day in days
    ]


# Deciding and cancelling


def approve(
    session: Session,
    caller: Caller,
    employee_id: int,
    request_id: int,
    note: str,
    *,
    on_behalf_of: Caller | None = None,
) -> TimeoffRequest:
    """A requested leave of someone else, counted again by the policy as it now stands (its
    usage rule and account too), its usage posted and its days booked. A request the
    policy no longer allows is `409`: reject it, and the employee asks again.
    `on_behalf_of`: the delegator whose rights a delegate decides with."""
    request = _deciding(session, caller, employee_id, request_id, "approve", on_behalf_of)
    # Two approvals of one employee's requests at once would each see the other's days as
    # still available: they take turns, as the employee's timesheet writes do.
    EntryRepository(session).serialize_writes_of(employee_id)
    policy = _policy_now(session, request)
    try:
        if request.portion != "full" and not policy.half_days:
            raise Unprocessable.at(
                "portion", f"{policy.name} is now taken by whole days only.", "no half days"
            )
        days = _counted(session, caller.workspace_id, employee_id, policy, request)
        amount = sum(day.amount for day in days)
        if policy.account_id is not None and not policy.allow_negative:
            _check_available(session, employee_id, policy, amount, besides=request.id)
    except Unprocessable as refused:
        raise Conflict(
            f"Time-off request {request_id} cannot be approved as the policy and the "
            f"employee's plan now stand: {refused.detail} Reject it, and the employee can "
            "ask again.",
            extra={"timeoff_status": request.status},
        ) from None
    check_days_open(session, employee_id, request.start_day, request.end_day)
    request.amount, request.days = amount, _stored_days(days)
    request.account_id = policy.account_id
    request.unit = USAGE_UNITS[policy.usage["plugin_id"]]
    request.status = "approved"
    _decided(session, caller, request, "approve", note, on_behalf_of)
    book(session, caller, request, policy, days)
    _log(session, caller, request, "approved")
    return request


def _policy_now(session: Session, request: TimeoffRequest) -> TimeoffPolicyVersion:
    """The request's policy as in force on its first day now; 409 when it was deleted or
    no longer reaches back to that day."""
    gone = Conflict(
        f"Policy {request.timeoff_policy_id} of time-off request {request.id} is deleted or "
        "not in force on its first day any more; reject the request.",
        extra={"timeoff_status": request.status},
    )
    try:
        TIMEOFF_POLICIES.get(session, request.timeoff_policy_id)
    except NotFound:
        raise gone from None
    policy = TIMEOFF_POLICIES.history.as_of(session, request.timeoff_policy_id, request.start_day)
    if policy is None:
        raise gone
    return policy


def reject(
    session: Session,
    caller: Caller,
    employee_id: int,
    request_id: int,
    note: str,
    *,
    on_behalf_of: Caller | None = None,
) -> TimeoffRequest:
    request = _deciding(session, caller, employee_id, request_id, "reject", on_behalf_of)
    request.status = "rejected"
    _decided(session, caller, request, "reject", note, on_behalf_of)
    _log(session, caller, request, "rejected")
    return request


def cancel(session: Session, caller: Caller, employee_id: int, request_id: int) -> TimeoffRequest:
    """A requested or approved leave withdrawn; an approved one has its usage reversed and
    its entries removed, unless one of its days lies in a settled statement or a locked
    period (409)."""
    request = get_request(session, caller, employee_id, request_id, Access.WRITE, for_update=True)
    if request.status not in ("requested", "approved"):
        raise Conflict(
            f"Time-off request {request_id} is {request.status}; only a requested or approved "
            "request can be cancelled.",
            extra={"timeoff_status": request.status},
        )
    if request.status == "approved":
        check_days_open(session, employee_id, request.start_day, request.end_day)
        unbook(session, caller, request)
    now = utcnow()
    request.status = "cancelled"
    request.cancelled_at, request.cancelled_by_user_id = now, caller.user_id
    request.updated_at = now
    request.row_version += 1
    _log(session, caller, request, "cancelled")
    return request


def _deciding(
    session: Session,
    caller: Caller,
    employee_id: int,
    request_id: int,
    action: str,
    on_behalf_of: Caller | None,
) -> TimeoffRequest:
    """The request, locked, when `caller` (or the delegator they act for) may approve it
    and it is not theirs (403); 404 when they cannot read it; 409 unless it is requested."""
    authority = on_behalf_of or caller
    request = get_request(
        session, authority, employee_id, request_id, Access.APPROVE, for_update=True
    )
    owner = EmployeeRepository(session).live(caller.workspace_id, employee_id)
    if owner is not None and owner.user_id == caller.user_id:
        raise Forbidden(
            f"Time-off request {request_id} is your own: someone else must {action} it."
        )
    if owner is not None and owner.user_id == authority.user_id:
        raise Forbidden(
            f"Time-off request {request_id} is that of user {authority.user_id}, on whose "
            f"behalf you act: someone else must {action} it."
        )
    if request.status != "requested":
        raise Conflict(
            f"Time-off request {request_id} is {request.status}, not awaiting a decision.",
            extra={"timeoff_status": request.status},
        )
    return request


def _decided(
    session: Session,
    caller: Caller,
    request: TimeoffRequest,
    decision: Decision,
    note: str,
    on_behalf_of: Caller | None,
) -> None:
    now = utcnow()
    request.decision_note = note
    request.decided_at, request.decided_by_user_id = now, caller.user_id
    request.updated_at = now
    request.row_version += 1
    record_decided(session, caller, approval_item(request), decision, note, on_behalf_of)


def _log(session: Session, caller: Caller, request: TimeoffRequest, op: str) -> None:
    record_change(
        session,
        workspace_id=caller.workspace_id,
        actor_user_id=caller.user_id,
        entity=ENTITY,
        entity_id=request.id,
        op=op,
        data=timeoff_view(request).model_dump(mode="json"),
    )
