"""Routes of delegations and the decision history: parse, call the service, render."""

from typing import Annotated, Literal

from fastapi import Query, Request, Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.approvals import delegations, history
from timeledger.approvals.routing import Kind
from timeledger.approvals.schemas import (
    DecisionRead,
    DelegationCreate,
    DelegationRead,
    DelegationUpdate,
    decision_view,
    delegation_view,
)
from timeledger.kit.etag import set_etag
from timeledger.kit.filters import IdListValue, parse_id_list
from timeledger.kit.pagination import Direction, Page, PageRequest, page_request
from timeledger.kit.routing import MAX_ID, ResourceId, api_router, created, if_match_of
from timeledger.kit.timeutil import IsoDate, parse_instant
from timeledger.kit.uow import UnitOfWork

approvals_router = api_router("Approvals", "/approvals")

DELEGATIONS = "/delegations"
DELEGATION = DELEGATIONS + "/{delegation_id}"
READ = "approvals:read:own"
DELEGATE = "approvals:delegate:own"

UserId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Instant = Annotated[str | None, Query(max_length=64, description="Instant with UTC offset.")]


@approvals_router.get(
    DELEGATIONS, response_model=Page[DelegationRead], summary="List approval delegations"
)
def list_delegations(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    page: Annotated[
        PageRequest, page_request(tuple(delegations.SORTABLE), "starts_on", Direction.DESC)
    ],
    scope: Annotated[
        Literal["own", "all"],
        Query(description="own: those you gave or received; all: everyone's (`approvals:read:*`)."),
    ] = "own",
    delegator_user_id: UserId = None,
    delegate_user_id: UserId = None,
    in_force_on: Annotated[IsoDate | None, Query(description="Only those in force then.")] = None,
) -> Page[DelegationRead]:
    rows, next_cursor = delegations.list_delegations(
        session,
        caller,
        scope=scope,
        delegator_user_id=delegator_user_id,
        delegate_user_id=delegate_user_id,
        in_force_on=in_force_on,
        page=page,
    )
    return Page(items=[delegation_view(row) for row in rows], next_cursor=next_cursor)


@approvals_router.post(
    DELEGATIONS,
    status_code=status.HTTP_201_CREATED,
    response_model=DelegationRead,
    summary="Delegate approvals",
)
def create_delegation(
    body: DelegationCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(DELEGATE)],
) -> DelegationRead:
    """From `starts_on` to `ends_on` the delegate also sees and decides your items (of
    `kinds`), on your behalf. 422 for a delegation to yourself, one overlapping another of
    yours with a shared kind, or to someone who cannot read the employees concerned."""
    row = delegations.create_delegation(session, caller, body)
    created(response, f"/api/approvals{DELEGATIONS}/{row.id}", delegations.delegation_etag(row))
    return delegation_view(row)


@approvals_router.get(DELEGATION, response_model=DelegationRead, summary="Get a delegation")
def get_delegation(
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    delegation_id: ResourceId,
) -> DelegationRead:
    row = delegations.get_delegation(session, caller, delegation_id)
    set_etag(response, delegations.delegation_etag(row))
    return delegation_view(row)


@approvals_router.patch(DELEGATION, response_model=DelegationRead, summary="Change a delegation")
def update_delegation(
    body: DelegationUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(DELEGATE)],
    delegation_id: ResourceId,
) -> DelegationRead:
    row = delegations.update_delegation(session, caller, delegation_id, body, if_match_of(request))
    set_etag(response, delegations.delegation_etag(row))
    return delegation_view(row)


@approvals_router.delete(
    DELEGATION, status_code=status.HTTP_204_NO_CONTENT, summary="Delete a delegation"
)
def delete_delegation(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(DELEGATE)],
    delegation_id: ResourceId,
) -> Response:
    delegations.delete_delegation(session, caller, delegation_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@approvals_router.get(
    "/decisions", response_model=Page[DecisionRead], summary="List decisions taken"
)
def list_decisions(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
    page: Annotated[
        PageRequest, page_request(tuple(history.SORTABLE), "decided_at", Direction.DESC)
    ],
    scope: Annotated[
        Literal["own", "team", "all"],
        Query(
            description="own: decisions you took, taken on your behalf, or about your own "
            "items; team: also about the teams you manage; all: every decision."
        ),
    ] = "own",
    kind: Annotated[list[Kind] | None, Query(description="Only these kinds.")] = None,
    employee_ids: Annotated[
        list[IdListValue] | None, Query(description="Only these employees (comma-separated).")
    ] = None,
    decided_by_user_id: UserId = None,
    on_behalf_of_user_id: UserId = None,
    since: Instant = None,
    until: Instant = None,
) -> Page[DecisionRead]:
    """Every approval and rejection, whichever operation took it: who decided, on whose
    behalf, when, and the note. `since` is inclusive, `until` exclusive."""
    rows, next_cursor = history.list_decisions(
        session,
        caller,
        scope=scope,
        kinds=kind or (),
        employee_ids=parse_id_list(employee_ids, parameter="employee_ids"),
        decided_by_user_id=decided_by_user_id,
        on_behalf_of_user_id=on_behalf_of_user_id,
        decided_from=parse_instant(since, parameter="since") if since else None,
        decided_before=parse_instant(until, parameter="until") if until else None,
        page=page,
    )
    return Page(items=[decision_view(row) for row in rows], next_cursor=next_cursor)
