"""mite's account, myself, users, customers, projects and services."""

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response

from timeledger.compat.mite import translate
from timeledger.compat.mite.auth import MiteAllowed
from timeledger.compat.mite.formats import Format, empty, fields_of, many, one
from timeledger.compat.mite.requests import Fmt, Paging, RawBody, native, resource_id
from timeledger.configuration.routes import actor_of
from timeledger.configuration.schemas import MIN_DATE
from timeledger.configuration.store import ConfigKind, Versioned, workspace_today
from timeledger.identity.access import Caller
from timeledger.kit.pagination import fetch_window
from timeledger.kit.uow import UnitOfWork
from timeledger.models import User
from timeledger.projects import service as projects
from timeledger.projects.schemas import (
    ActivityRates,
    CustomerCreate,
    CustomerUpdate,
    ProjectCreate,
    ProjectUpdate,
)
from timeledger.settings.schemas import ActivityCreate, ActivityUpdate
from timeledger.settings.service import ACTIVITIES, WORK
from timeledger.timesheet.names import reference_names
from timeledger.users import service as users
from timeledger.users.repository import UserRepository
from timeledger.workspaces.service import get_workspace

catalog = APIRouter()
GET = ["GET", "HEAD"]
UPDATE = ["PATCH", "PUT"]


def _clock(session: UnitOfWork, caller: Caller) -> translate.Clock:
    return translate.Clock(get_workspace(session, caller).timezone)


def _location(request: Request, path: str, fmt: Format) -> dict[str, str]:
    return {"Location": f"{request.base_url}compat/mite/{path}.{fmt.value}"}


def _created(response: Response, request: Request, path: str, fmt: Format) -> Response:
    response.status_code = 201
    response.headers.update(_location(request, path, fmt))
    return response


def _no_if_match(_etag: str) -> None:
    """mite has no conditional requests: a write applies to the current version."""


# mite has no effective dates: what a mite client creates is in force for every date (so
# time can be booked on it at once, in the past too); a change takes effect from today.
CREATED_EFFECTIVE_FROM = MIN_DATE


# Account and people


@catalog.api_route("/account.{fmt}", methods=GET)
def get_account(
    fmt: Fmt, session: UnitOfWork, caller: Annotated[Caller, MiteAllowed("me:read:own")]
) -> Response:
    workspace = get_workspace(session, caller)
    return one(fmt, "account", translate.account(workspace, _clock(session, caller)))


@catalog.api_route("/myself.{fmt}", methods=GET)
def get_myself(
    fmt: Fmt, session: UnitOfWork, caller: Annotated[Caller, MiteAllowed("me:read:own")]
) -> Response:
    user = users.get_me(session, caller)
    return one(fmt, "user", translate.user(user, _clock(session, caller)))


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
    clock = _clock(session, caller)
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
    return one(fmt, "user", translate.user(user, _clock(session, caller)))


# Customers, projects and services: one pattern over the effective-dated store


def _versions(
    request: Request, session: UnitOfWork, kind: ConfigKind[Any, Any], statement: Any,
    paging: Paging, *, archived: bool,
) -> list[Versioned[Any, Any]]:  # fmt: skip
    statement = kind.matching(
        statement, archived=archived, name_contains=request.query_params.get("name") or None
    )
    rows = fetch_window(
        session, statement, order_by=kind.by_name(), limit=paging.limit, offset=paging.offset
    )
    entities = kind.entities_of(session, rows)
    return [Versioned(entities[getattr(row, kind.owner_column.key)], row) for row in rows]


def _customer(session: UnitOfWork, caller: Caller, found: Versioned[Any, Any]) -> dict[str, Any]:
    return translate.customer(found.entity, found.version, _clock(session, caller))


def _list_customers(
    request: Request, fmt: Format, session: UnitOfWork, caller: Caller, paging: Paging,
    *, archived: bool,
) -> Response:  # fmt: skip
    kind = projects.CUSTOMERS
    today = workspace_today(session, caller.workspace_id)
    found = _versions(request, session, kind, kind.in_force(today), paging, archived=archived)
    return many(fmt, "customers", "customer", [_customer(session, caller, f) for f in found])


@catalog.api_route("/customers.{fmt}", methods=GET)
def list_customers(
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:read:*")],
    paging: Paging,
) -> Response:
    return _list_customers(request, fmt, session, caller, paging, archived=False)


@catalog.api_route("/customers/archived.{fmt}", methods=GET)
def list_archived_customers(
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:read:*")],
    paging: Paging,
) -> Response:
    return _list_customers(request, fmt, session, caller, paging, archived=True)


@catalog.api_route("/customers/{customer_id}.{fmt}", methods=GET)
def get_customer(
    customer_id: str,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:read:*")],
) -> Response:
    today = workspace_today(session, caller.workspace_id)
    found = projects.CUSTOMERS.as_of(session, resource_id(customer_id, "customer"), today)
    return one(fmt, "customer", _customer(session, caller, found))


def _customer_values(data: translate.CustomerIn) -> dict[str, Any]:
    sent = data.model_dump(exclude_unset=True)
    if "hourly_rate" in sent:
        sent["hourly_rate_minor"] = sent.pop("hourly_rate")
    return sent


@catalog.post("/customers.{fmt}")
def create_customer(
    request: Request,
    fmt: Fmt,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:create:*")],
) -> Response:
    data = fields_of(body, fmt, "customer", translate.CustomerIn)
    values = native(CustomerCreate, _customer_values(data)).model_dump(
        exclude={"key", "effective_from"}
    )
    found = projects.CUSTOMERS.create(
        session, actor_of(caller), values=values, effective_from=CREATED_EFFECTIVE_FROM
    )
    response = one(fmt, "customer", _customer(session, caller, found))
    return _created(response, request, f"customers/{found.entity.id}", fmt)


@catalog.api_route("/customers/{customer_id}.{fmt}", methods=UPDATE)
def update_customer(
    customer_id: str,
    fmt: Fmt,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:update:*")],
) -> Response:
    data = fields_of(body, fmt, "customer", translate.CustomerIn)
    changes = native(CustomerUpdate, _customer_values(data)).model_dump(
        exclude_unset=True, exclude={"key", "effective_from"}
    )
    projects.CUSTOMERS.add_version(
        session,
        actor_of(caller),
        resource_id(customer_id, "customer"),
        changes=changes,
        effective_from=workspace_today(session, caller.workspace_id),
        if_match=_no_if_match,
    )
    return empty(fmt)


@catalog.delete("/customers/{customer_id}.{fmt}")
def delete_customer(
    customer_id: str,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:delete:*")],
) -> Response:
    projects.CUSTOMERS.delete(
        session,
        actor_of(caller),
        resource_id(customer_id, "customer"),
        today=workspace_today(session, caller.workspace_id),
        if_match=_no_if_match,
    )
    return empty(fmt)


# Projects


def _projects(
    session: UnitOfWork, caller: Caller, found: list[Versioned[Any, Any]]
) -> list[dict[str, Any]]:
    today = workspace_today(session, caller.workspace_id)
    names = reference_names(
        session, today, customer_ids=[item.version.customer_id for item in found]
    )
    clock = _clock(session, caller)
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


def _list_projects(
    request: Request, fmt: Format, session: UnitOfWork, caller: Caller, paging: Paging,
    *, archived: bool,
) -> Response:  # fmt: skip
    today = workspace_today(session, caller.workspace_id)
    statement = projects.visible_projects(caller, today)
    customer_id = request.query_params.get("customer_id")
    if customer_id:
        statement = projects.of_customer(statement, resource_id(customer_id, "customer"))
    found = _versions(request, session, projects.PROJECTS, statement, paging, archived=archived)
    return many(fmt, "projects", "project", _projects(session, caller, found))


@catalog.api_route("/projects.{fmt}", methods=GET)
def list_projects(
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:read:own")],
    paging: Paging,
) -> Response:
    return _list_projects(request, fmt, session, caller, paging, archived=False)


@catalog.api_route("/projects/archived.{fmt}", methods=GET)
def list_archived_projects(
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:read:own")],
    paging: Paging,
) -> Response:
    return _list_projects(request, fmt, session, caller, paging, archived=True)


@catalog.api_route("/projects/{project_id}.{fmt}", methods=GET)
def get_project(
    project_id: str,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:read:own")],
) -> Response:
    project = projects.visible_project(session, caller, resource_id(project_id, "project"))
    today = workspace_today(session, caller.workspace_id)
    found = projects.PROJECTS.as_of(session, project.id, today)
    return one(fmt, "project", _projects(session, caller, [found])[0])


def _project_values(data: translate.ProjectIn) -> dict[str, Any]:
    sent = data.model_dump(exclude_unset=True, exclude={"hourly_rates_per_service"})
    if "hourly_rate" in sent:
        sent["hourly_rate_minor"] = sent.pop("hourly_rate")
    budget_type = sent.pop("budget_type", None)
    if "budget" in sent:
        budget = sent.pop("budget")
        kind = "money" if budget_type == "cents" else "hours"
        sent.update(budget_kind=kind if budget else "none", budget_amount=budget or None)
    return sent


def _project_start(session: UnitOfWork, values: dict[str, Any]) -> date:
    """From when a project created through mite is in force: always, or, for a customer's
    project, since the customer is."""
    customer_id = values.get("customer_id")
    customer_start = (
        projects.CUSTOMERS.created_on(session, customer_id) if customer_id is not None else None
    )
    return max(CREATED_EFFECTIVE_FROM, customer_start or CREATED_EFFECTIVE_FROM)


def _put_rates(
    session: UnitOfWork, caller: Caller, project_id: int, data: translate.ProjectIn
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
    projects.put_activity_rates(session, actor_of(caller), project_id, rates, _no_if_match)


@catalog.post("/projects.{fmt}")
def create_project(
    request: Request,
    fmt: Fmt,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:create:*")],
) -> Response:
    data = fields_of(body, fmt, "project", translate.ProjectIn)
    values = native(ProjectCreate, _project_values(data)).model_dump(
        exclude={"key", "effective_from"}
    )
    found = projects.PROJECTS.create(
        session, actor_of(caller), values=values, effective_from=_project_start(session, values)
    )
    _put_rates(session, caller, found.entity.id, data)
    response = one(fmt, "project", _projects(session, caller, [found])[0])
    return _created(response, request, f"projects/{found.entity.id}", fmt)


@catalog.api_route("/projects/{project_id}.{fmt}", methods=UPDATE)
def update_project(
    project_id: str,
    fmt: Fmt,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:update:*")],
) -> Response:
    data = fields_of(body, fmt, "project", translate.ProjectIn)
    changes = native(ProjectUpdate, _project_values(data)).model_dump(
        exclude_unset=True, exclude={"key", "effective_from"}
    )
    project_key = resource_id(project_id, "project")
    projects.PROJECTS.add_version(
        session,
        actor_of(caller),
        project_key,
        changes=projects.project_changes(changes),
        effective_from=workspace_today(session, caller.workspace_id),
        if_match=_no_if_match,
    )
    _put_rates(session, caller, project_key, data)
    return empty(fmt)


@catalog.delete("/projects/{project_id}.{fmt}")
def delete_project(
    project_id: str,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("projects:delete:*")],
) -> Response:
    projects.PROJECTS.delete(
        session,
        actor_of(caller),
        resource_id(project_id, "project"),
        today=workspace_today(session, caller.workspace_id),
        if_match=_no_if_match,
    )
    return empty(fmt)


# Services (activities)


def _service(session: UnitOfWork, caller: Caller, found: Versioned[Any, Any]) -> dict[str, Any]:
    return translate.service(found.entity, found.version, _clock(session, caller))


def _list_services(
    request: Request, fmt: Format, session: UnitOfWork, caller: Caller, paging: Paging,
    *, archived: bool,
) -> Response:  # fmt: skip
    today = workspace_today(session, caller.workspace_id)
    found = _versions(
        request, session, ACTIVITIES, ACTIVITIES.in_force(today), paging, archived=archived
    )
    return many(fmt, "services", "service", [_service(session, caller, f) for f in found])


@catalog.api_route("/services.{fmt}", methods=GET)
def list_services(
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("settings:read:*")],
    paging: Paging,
) -> Response:
    return _list_services(request, fmt, session, caller, paging, archived=False)


@catalog.api_route("/services/archived.{fmt}", methods=GET)
def list_archived_services(
    request: Request,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("settings:read:*")],
    paging: Paging,
) -> Response:
    return _list_services(request, fmt, session, caller, paging, archived=True)


@catalog.api_route("/services/{service_id}.{fmt}", methods=GET)
def get_service(
    service_id: str,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("settings:read:*")],
) -> Response:
    today = workspace_today(session, caller.workspace_id)
    found = ACTIVITIES.as_of(session, resource_id(service_id, "service"), today)
    return one(fmt, "service", _service(session, caller, found))


def _service_values(data: translate.ServiceIn) -> dict[str, Any]:
    sent = data.model_dump(exclude_unset=True, exclude={"note"})
    if "hourly_rate" in sent:
        sent["hourly_rate_minor"] = sent.pop("hourly_rate")
    return sent


@catalog.post("/services.{fmt}")
def create_service(
    request: Request,
    fmt: Fmt,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("settings:create:*")],
) -> Response:
    data = fields_of(body, fmt, "service", translate.ServiceIn)
    values = native(
        ActivityCreate, {"type": WORK, "billable": True, **_service_values(data)}
    ).model_dump(exclude={"key", "effective_from"})
    found = ACTIVITIES.create(
        session, actor_of(caller), values=values, effective_from=CREATED_EFFECTIVE_FROM
    )
    response = one(fmt, "service", _service(session, caller, found))
    return _created(response, request, f"services/{found.entity.id}", fmt)


@catalog.api_route("/services/{service_id}.{fmt}", methods=UPDATE)
def update_service(
    service_id: str,
    fmt: Fmt,
    body: RawBody,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("settings:update:*")],
) -> Response:
    data = fields_of(body, fmt, "service", translate.ServiceIn)
    changes = native(ActivityUpdate, _service_values(data)).model_dump(
        exclude_unset=True, exclude={"key", "effective_from"}
    )
    ACTIVITIES.add_version(
        session,
        actor_of(caller),
        resource_id(service_id, "service"),
        changes=changes,
        effective_from=workspace_today(session, caller.workspace_id),
        if_match=_no_if_match,
    )
    return empty(fmt)


@catalog.delete("/services/{service_id}.{fmt}")
def delete_service(
    service_id: str,
    fmt: Fmt,
    session: UnitOfWork,
    caller: Annotated[Caller, MiteAllowed("settings:delete:*")],
) -> Response:
    ACTIVITIES.delete(
        session,
        actor_of(caller),
        resource_id(service_id, "service"),
        today=workspace_today(session, caller.workspace_id),
        if_match=_no_if_match,
    )
    return empty(fmt)
