"""Routes of org units, employees and employments: parse, call a service, render."""

from functools import partial
from typing import Annotated

from fastapi import Depends, Query, Request, Response, status

from timeledger.access.caller import Allowed, Caller, authenticate
from timeledger.kit.etag import set_etag
from timeledger.kit.filters import parse_id_list
from timeledger.kit.pagination import Page, PageRequest, fetch_page, page_request
from timeledger.kit.routing import MAX_ID, ResourceId, api_router, created, if_match_of
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.timeutil import IsoDate
from timeledger.kit.uow import UnitOfWork, check_before_the_endpoint
from timeledger.models import Employment, OrgUnit
from timeledger.organization import service
from timeledger.organization.repository import (
    EmploymentRepository,
    OrgUnitRepository,
)
from timeledger.organization.schemas import (
    EmployeeCreate,
    EmployeeRead,
    EmployeeUpdate,
    EmployeeVersionCreate,
    EmployeeVersionRead,
    EmploymentCreate,
    EmploymentRead,
    EmploymentUpdate,
    ManagersPut,
    OrgUnitCreate,
    OrgUnitRead,
    OrgUnitType,
    OrgUnitUpdate,
    OrgUnitVersionRead,
)

organization = api_router("Organization")

AsOf = Annotated[
    IsoDate | None,
    Query(description="Read the version in force on this date (default: today)."),
]
FilterId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Text = Annotated[
    str | None, Query(max_length=200, pattern=WITHOUT_NUL, description="Part of the name.")
]
UnitPage = Annotated[PageRequest, page_request(("id", "created_at"), "id")]
EmployeePage = Annotated[PageRequest, page_request(("id", "employee_number", "created_at"), "id")]
EmploymentPage = Annotated[PageRequest, page_request(("id", "starts_on"), "starts_on")]


# Resolving the path's object in a dependency answers 404 before the body is validated:
# what the caller cannot see does not exist, whatever the body. Declared after the
# permission, so a missing permission is still the first answer.
async def _existing_unit(
    unit_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Depends(authenticate)]
) -> int:
    check_before_the_endpoint(partial(service.get_unit, session, unit_id))
    return unit_id


async def _visible_employee(
    employee_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Depends(authenticate)]
) -> int:
    check_before_the_endpoint(partial(service.get_visible_employee, session, caller, employee_id))
    return employee_id


ExistingUnit = Annotated[int, Depends(_existing_unit)]
VisibleEmployee = Annotated[int, Depends(_visible_employee)]


# Org units


@organization.get("/org-units", response_model=Page[OrgUnitRead])
def list_org_units(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("org-units:read:*")],
    page: UnitPage,
    as_of: AsOf = None,
    parent_id: FilterId = None,
    type: Annotated[OrgUnitType | None, Query()] = None,
    q: Text = None,
) -> Page[OrgUnitRead]:
    day = as_of or service.today(session, caller)
    statement = OrgUnitRepository(session).matching(
        day, parent_id=parent_id, unit_type=type.value if type else None, text=q
    )
    rows, cursor = fetch_page(
        session,
        statement,
        page,
        sort_columns={"id": OrgUnit.id, "created_at": OrgUnit.created_at},
        id_column=OrgUnit.id,
    )
    return Page(items=service.unit_views(session, rows, day), next_cursor=cursor)


@organization.post("/org-units", status_code=status.HTTP_201_CREATED, response_model=OrgUnitRead)
def create_org_unit(
    body: OrgUnitCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("org-units:create:*")],
) -> OrgUnitRead:
    unit, day = service.create_unit(session, caller, body)
    created(response, f"/api/org-units/{unit.id}", service.unit_etag(unit))
    return service.read_unit(session, unit.id, day)


@organization.get("/org-units/{unit_id}", response_model=OrgUnitRead)
def get_org_unit(
    unit_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("org-units:read:*")],
    as_of: AsOf = None,
) -> OrgUnitRead:
    view = service.read_unit(session, unit_id, as_of or service.today(session, caller))
    set_etag(response, service.unit_etag(service.get_unit(session, unit_id)))
    return view


@organization.patch("/org-units/{unit_id}", response_model=OrgUnitRead)
def update_org_unit(
    unit_id: ResourceId,
    body: OrgUnitUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("org-units:update:*")],
) -> OrgUnitRead:
    unit, day = service.update_unit(session, caller, unit_id, body, if_match_of(request))
    set_etag(response, service.unit_etag(unit))
    return service.read_unit(session, unit.id, day)


@organization.get("/org-units/{unit_id}/versions", response_model=list[OrgUnitVersionRead])
def list_org_unit_versions(
    unit_id: ResourceId,
    session: UnitOfWork,
    _caller: Annotated[Caller, Allowed("org-units:read:*")],
) -> list[OrgUnitVersionRead]:
    return service.unit_history(session, unit_id)


@organization.put("/org-units/{unit_id}/managers", response_model=OrgUnitRead)
def put_org_unit_managers(
    unit_id: ResourceId,
    body: ManagersPut,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("org-units:update:*")],
    _unit: ExistingUnit,
) -> OrgUnitRead:
    unit = service.put_managers(session, caller, unit_id, body, if_match_of(request))
    set_etag(response, service.unit_etag(unit))
    return service.unit_view_near(session, unit, service.today(session, caller))


@organization.delete("/org-units/{unit_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_org_unit(
    unit_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("org-units:delete:*")],
) -> None:
    service.delete_unit(session, caller, unit_id)


# Employees


@organization.get("/employees", response_model=Page[EmployeeRead])
def list_employees(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("employees:read:own")],
    page: EmployeePage,
    as_of: AsOf = None,
    org_unit_id: FilterId = None,
    q: Annotated[
        str | None,
        Query(max_length=200, pattern=WITHOUT_NUL, description="Part of name, email or number."),
    ] = None,
    ids: Annotated[
        list[str] | None,
        Query(max_length=4000, description="Employee ids, repeated or comma-separated."),
    ] = None,
) -> Page[EmployeeRead]:
    views, cursor = service.list_employees(
        session,
        caller,
        page,
        as_of or service.today(session, caller),
        text=q,
        org_unit_id=org_unit_id,
        ids=parse_id_list(ids, parameter="ids"),
    )
    return Page(items=views, next_cursor=cursor)


@organization.post("/employees", status_code=status.HTTP_201_CREATED, response_model=EmployeeRead)
def create_employee(
    body: EmployeeCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("employees:create:*")],
) -> EmployeeRead:
    employee, version = service.create_employee(session, caller, body)
    created(response, f"/api/employees/{employee.id}", service.employee_etag(employee))
    return service.employee_view(employee, version)


@organization.get("/employees/{employee_id}", response_model=EmployeeRead)
def get_employee(
    employee_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("employees:read:own")],
    as_of: AsOf = None,
) -> EmployeeRead:
    day = as_of or service.today(session, caller)
    view = service.read_employee(session, caller, employee_id, day)
    employee = service.get_visible_employee(session, caller, employee_id)
    set_etag(response, service.employee_etag(employee))
    return view


@organization.patch("/employees/{employee_id}", response_model=EmployeeRead)
def update_employee(
    employee_id: ResourceId,
    body: EmployeeUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("employees:update:team")],
) -> EmployeeRead:
    employee, day = service.update_employee(
        session, caller, employee_id, body, if_match_of(request)
    )
    set_etag(response, service.employee_etag(employee))
    return service.read_employee(session, caller, employee.id, day)


@organization.get("/employees/{employee_id}/versions", response_model=list[EmployeeVersionRead])
def list_employee_versions(
    employee_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("employees:read:own")],
) -> list[EmployeeVersionRead]:
    return service.employee_history(session, caller, employee_id)


@organization.post(
    "/employees/{employee_id}/versions",
    status_code=status.HTTP_201_CREATED,
    response_model=EmployeeVersionRead,
)
def add_employee_version(
    employee_id: ResourceId,
    body: EmployeeVersionCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("employees:update:team")],
    _employee: VisibleEmployee,
) -> EmployeeVersionRead:
    version = service.add_employee_version(session, caller, employee_id, body)
    created(response, f"/api/employees/{employee_id}?as_of={version.effective_from.isoformat()}")
    return EmployeeVersionRead.model_validate(version)


@organization.delete("/employees/{employee_id}", status_code=status.HTTP_204_NO_CONTENT)
def delete_employee(
    employee_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("employees:delete:*")],
) -> None:
    service.delete_employee(session, caller, employee_id)


# Employments


@organization.get("/employees/{employee_id}/employments", response_model=Page[EmploymentRead])
def list_employments(
    employee_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("employees:read:own")],
    page: EmploymentPage,
) -> Page[EmploymentRead]:
    employee = service.get_visible_employee(session, caller, employee_id)
    rows, cursor = fetch_page(
        session,
        EmploymentRepository(session).of(employee.id),
        page,
        sort_columns={"id": Employment.id, "starts_on": Employment.starts_on},
        id_column=Employment.id,
    )
    return Page(items=[service.employment_view(row) for row in rows], next_cursor=cursor)


@organization.post(
    "/employees/{employee_id}/employments",
    status_code=status.HTTP_201_CREATED,
    response_model=EmploymentRead,
)
def create_employment(
    employee_id: ResourceId,
    body: EmploymentCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("employees:update:team")],
    _employee: VisibleEmployee,
) -> EmploymentRead:
    row = service.create_employment(session, caller, employee_id, body)
    created(response, f"/api/employees/{employee_id}/employments/{row.id}")
    return service.employment_view(row)


@organization.patch(
    "/employees/{employee_id}/employments/{employment_id}", response_model=EmploymentRead
)
def update_employment(
    employee_id: ResourceId,
    employment_id: ResourceId,
    body: EmploymentUpdate,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("employees:update:team")],
) -> EmploymentRead:
    row = service.update_employment(session, caller, employee_id, employment_id, body)
    return service.employment_view(row)


@organization.delete(
    "/employees/{employee_id}/employments/{employment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
)
def delete_employment(
    employee_id: ResourceId,
    employment_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("employees:update:team")],
) -> None:
    service.delete_employment(session, caller, employee_id, employment_id)
