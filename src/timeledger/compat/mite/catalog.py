"""mite's account, myself and users; its customers, projects and services, described as
kinds of `kinds.py`."""

from datetime import date
from typing import Annotated, Any

from fastapi import Request, Response
from sqlalchemy import Select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.compat.mite import translate
from timeledger.compat.mite.auth import MiteAllowed
from timeledger.compat.mite.formats import many, one
from timeledger.compat.mite.kinds import (
    CREATED_EFFECTIVE_FROM,
    GET,
    MiteKind,
    add_kind_routes,
)
from timeledger.compat.mite.requests import Fmt, Paging, native, resource_id
from timeledger.compat.mite.routes import mite_router
from timeledger.entries.reference_names import reference_names
from timeledger.kit.pagination import fetch_window
from timeledger.kit.routing import unconditional
from timeledger.kit.uow import UnitOfWork
from timeledger.models import User
from timeledger.organization.today import workspace_today
from timeledger.projects import service as projects
from timeledger.projects.schemas import (
    ActivityRates,
    CustomerCreate,
    CustomerUpdate,
    ProjectCreate,
    ProjectUpdate,
)
from timeledger.settings.kind_routes import actor_of
from timeledger.settings.schemas import ActivityCreate, ActivityUpdate
from timeledger.settings.service import ACTIVITIES, WORK
from timeledger.settings.store import Versioned
from timeledger.users import service as users
from timeledger.users.repository import UserRepository
from timeledger.workspaces.service import get_workspace

catalog = mite_router()


# Account and people


@catalog.api_route("/account.{fmt}", methods=GET)
def get_account(
    fmt: Fmt, session: UnitOfWork, caller: Annotated[Caller, MiteAllowed("me:read:own")]
) -> Response:
    workspace = get_workspace(session, caller)
    return one(fmt, "account", translate.account(workspace, translate.clock_of(session, caller)))


@catalog.api_route("/myself.{fmt}", methods=GET)
def get_myself(
    fmt: Fmt, session: UnitOfWork, caller: Annotated[Caller, MiteAllowed("me:read:own")]
) -> Response:
    user = users.get_me(session, caller)
    return one(fmt, "user", translate.user(user, translate.clock_of(session, caller)))


def _users(
    request: Request, fmt: Fmt, session: UnitOfWork, caller: Caller, paging: Paging, status: str
) -> Response:
    statement = UserRepository(session).people_matching(
        caller,
        status=status,
        name=request.query_params.get("name") or None,
        email=request.query_params.get("email") or None,
    )
    rows: list[User] = fetch_window(
        session,
        statement,
        order_by=(User.name, User.id),
        limit=paging.limit,
        offset=paging.offset,
    )
    clock = translate.clock_of(session, caller)
    return many(fmt, "users", "user", [translate.user(row, clock) for row in rows])


@catalog.api_route("/users.{fmt}", methods=GET)
def list_users(
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("users:read:team")],
    paging: Paging,
) -> Response:
    return _users(request, fmt, session, caller, paging, "active")


@catalog.api_route("/users/archived.{fmt}", methods=GET)
def list_archived_users(
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("users:read:team")],
    paging: Paging,
) -> Response:
    return _users(request, fmt, session, caller, paging, "suspended")


@catalog.api_route("/users/{user_id}.{fmt}", methods=GET)
def get_user(
    user_id: str,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("users:read:team")],
) -> Response:
    user = users.get_visible_person(session, caller, resource_id(user_id, "user"))
    return one(fmt, "user", translate.user(user, translate.clock_of(session, caller)))


# Customers, projects and services


def _with_hourly_rate(sent: dict[str, Any]) -> dict[str, Any]:
    if "hourly_rate" in sent:
        sent["hourly_rate_minor"] = sent.pop("hourly_rate")
    return sent


def _customer_values(data: translate.CustomerIn) -> dict[str, Any]:
    return _with_hourly_rate(data.model_dump(exclude_unset=True))


def _customers(
    _session: Session, _caller: Caller, clock: translate.Clock, found: list[Versioned[Any, Any]]
) -> list[dict[str, Any]]:
    return [translate.customer(item.entity, item.version, clock) for item in found]


add_kind_routes(
    catalog,
    MiteKind(
        collection="customers",
        resource="customer",
        kind=projects.CUSTOMERS,
        area="projects",
        attributes=translate.CustomerIn,
        create_schema=CustomerCreate,
        update_schema=CustomerUpdate,
        values=_customer_values,
        render=_customers,
    ),
)


def _visible_projects(
    request: Request, _session: Session, caller: Caller, _kind: Any, today: date
) -> Select[Any]:
    statement = projects.visible_projects(caller, today)
    customer_id = request.query_params.get("customer_id")
    if customer_id:
        statement = projects.of_customer(statement, resource_id(customer_id, "customer"))
    return statement


def _visible_project(session: Session, caller: Caller, project_id: int) -> None:
    projects.visible_project(session, caller, project_id)


def _projects(
    session: Session, caller: Caller, clock: translate.Clock, found: list[Versioned[Any, Any]]
) -> list[dict[str, Any]]:
    names = reference_names(
        session,
        workspace_today(session, caller.workspace_id),
        customer_ids=[item.version.customer_id for item in found],
    )
    return [
        translate.project(
            item.entity,
            item.version,
            names.customers.get(item.version.customer_id or 0),
            [
                {"service_id": rate.activity_id, "hourly_rate": rate.hourly_rate_minor}
                for rate in projects.activity_rates_of(session, item.entity.id)
            ],
            clock,
        )
        for item in found
    ]


def _project_values(data: translate.ProjectIn) -> dict[str, Any]:
    sent = _with_hourly_rate(
        data.model_dump(exclude_unset=True, exclude={"hourly_rates_per_service"})
    )
    budget_type = sent.pop("budget_type", None)
    if "budget" in sent:
        budget = sent.pop("budget")
        kind = "money" if budget_type == "cents" else "hours"
        sent.update(budget_kind=kind if budget else "none", budget_amount=budget or None)
    return sent


def _project_start(session: Session, values: dict[str, Any]) -> date:
    """A project created through mite is in force always, or, for a customer's project,
    since the customer is."""
    customer_id = values.get("customer_id")
    customer_start = (
        projects.CUSTOMERS.created_on(session, customer_id) if customer_id is not None else None
    )
    return max(CREATED_EFFECTIVE_FROM, customer_start or CREATED_EFFECTIVE_FROM)


def _put_rates(
    session: Session, caller: Caller, project_id: int, data: translate.ProjectIn
) -> None:
    if data.hourly_rates_per_service is None:
        return
    rates = native(
        ActivityRates,
        {
            "items": [
                {"activity_id": rate.service_id, "hourly_rate_minor": rate.hourly_rate}
                for rate in data.hourly_rates_per_service
            ]
        },
    )
    projects.put_activity_rates(
        session, actor_of(caller), project_id, rates, if_match=unconditional
    )


add_kind_routes(
    catalog,
    MiteKind(
        collection="projects",
        resource="project",
        kind=projects.PROJECTS,
        area="projects",
        read_scope="own",
        attributes=translate.ProjectIn,
        create_schema=ProjectCreate,
        update_schema=ProjectUpdate,
        values=_project_values,
        render=_projects,
        listing=_visible_projects,
        visible=_visible_project,
        effective_from=_project_start,
        changes=projects.project_changes,
        after_write=_put_rates,
    ),
)


def _service_values(data: translate.ServiceIn) -> dict[str, Any]:
    return _with_hourly_rate(data.model_dump(exclude_unset=True, exclude={"note"}))


def _services(
    _session: Session, _caller: Caller, clock: translate.Clock, found: list[Versioned[Any, Any]]
) -> list[dict[str, Any]]:
    return [translate.service(item.entity, item.version, clock) for item in found]


add_kind_routes(
    catalog,
    MiteKind(
        collection="services",
        resource="service",
        kind=ACTIVITIES,
        area="settings",
        attributes=translate.ServiceIn,
        create_schema=ActivityCreate,
        update_schema=ActivityUpdate,
        values=_service_values,
        render=_services,
        defaults={"type": WORK, "billable": True},
    ),
)
