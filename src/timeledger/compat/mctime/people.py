"""McTime's users (20 a page) and organizations (org units, 50 a page), paged by the
database."""

from typing import Annotated, Any

from fastapi import Request, Response
from sqlalchemy import Select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.compat.mctime import translate
from timeledger.compat.mctime.wire import (
    McTimeAllowed,
    envelope,
    flag,
    ids,
    item,
    mctime_router,
    page_count,
    page_number,
)
from timeledger.kit.errors import BadRequest
from timeledger.kit.pagination import RowT, count_rows, fetch_window
from timeledger.kit.uow import UnitOfWork
from timeledger.models import OrgUnit, User
from timeledger.organization.repository import EmployeeRepository, OrgUnitRepository
from timeledger.organization.schemas import OrgUnitType
from timeledger.organization.today import workspace_today
from timeledger.users.repository import UserRepository

USERS_PER_PAGE = 20
ORGANIZATIONS_PER_PAGE = 50
ORGANIZATION_TYPES = tuple(unit_type.value for unit_type in OrgUnitType)

people_router = mctime_router()


def _numbered_page(
    session: Session, request: Request, statement: Select[RowT], key: Any, size: int
) -> tuple[int, list[RowT], int]:
    """McTime's numbered page of `statement`: the page asked for, its rows, and how many
    pages there are."""
    page = page_number(request)
    rows: list[RowT] = fetch_window(
        session, statement, order_by=(key,), limit=size, offset=(page - 1) * size
    )
    return page, rows, page_count(count_rows(session, statement), size)


@people_router.get("/users")
def get_users(
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("users:read:own")],
) -> Response:
    today = workspace_today(session, caller.workspace_id)
    organization_id = request.query_params.get("organizationId")
    organization_name = request.query_params.get("organizationName")
    members: set[int] | None = None
    if organization_id:
        units = ids([organization_id], "organizationId")
        members = EmployeeRepository(session).user_ids_in_units(units, today)
    elif organization_name:
        named = OrgUnitRepository(session).named([organization_name], today)[organization_name]
        members = EmployeeRepository(session).user_ids_in_units(named, today)
    roles = request.query_params.getlist("roles")
    statement = UserRepository(session).people_matching(
        caller,
        status="suspended" if flag(request, "inactive") else "active",
        ids=ids(request.query_params.getlist("userIds"), "userIds") or None,
        among=members,
        roles=translate.roles_named(set(roles)) if roles else None,
    )
    page, rows, pages = _numbered_page(session, request, statement, User.id, USERS_PER_PAGE)
    versions = EmployeeRepository(session).versions_of_users([row.id for row in rows], today)
    data = {
        "users": [translate.user(row, versions.get(row.id)) for row in rows],
        "page": str(page),
        "pageSize": str(pages),
    }
    return envelope([item(data)])


@people_router.get("/organizations")
def get_organizations(
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, McTimeAllowed("org-units:read:*")],
) -> Response:
    today = workspace_today(session, caller.workspace_id)
    repository = OrgUnitRepository(session)
    types = request.query_params.getlist("types")
    for unit_type in types:
        if unit_type not in ORGANIZATION_TYPES:
            raise BadRequest(
                f"types: {unit_type[:40]!r} is not one of {', '.join(ORGANIZATION_TYPES)}."
            )
    unit_ids: set[int] | None = None
    organization_id = request.query_params.get("organizationId")
    if organization_id:
        parent = ids([organization_id], "organizationId")[0]
        unit_ids = {parent} | repository.children_on([parent], today)
    statement = repository.matching(
        today,
        text=request.query_params.get("organizationName") or None,
        unit_types=types,
        unit_ids=unit_ids,
        active=not flag(request, "inactive"),
    )
    page, units, pages = _numbered_page(
        session, request, statement, OrgUnit.id, ORGANIZATIONS_PER_PAGE
    )
    versions = repository.versions_on([unit.id for unit in units], today)
    data = {
        "organizations": [
            translate.organization(unit.id, versions[unit.id], today) for unit in units
        ],
        "page": str(page),
        "pageSize": str(pages),
    }
    return envelope([item(data)])
