"""Administrator pages for people: employees (effective-dated edits and their history), org
units (the tree; renames and moves from a date) and API keys (of the service users and the
administrator's own; a new key's secret is shown once, on the answer to its form).

Every page declares the administrator's permission of the API operation it mirrors, at
the workspace-wide scope (`*`): a manager, whose scope is their team, gets 403 here."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Annotated, Any

from fastapi import Query, Request, Response
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.kit.errors import Problem, Unprocessable
from timeledger.kit.pagination import Direction, PageRequest, fetch_window
from timeledger.kit.routing import ResourceId, unconditional
from timeledger.kit.uow import UnitOfWork
from timeledger.models import ApiKey, User
from timeledger.organization import service as organization
from timeledger.organization.schemas import (
    DEFAULT_PATTERN,
    EmployeeCreate,
    EmployeeUpdate,
    EmployeeVersionRead,
    OrgUnitCreate,
    OrgUnitRead,
    OrgUnitType,
    OrgUnitUpdate,
    OrgUnitVersionRead,
)
from timeledger.settings.service import EMPLOYMENT_TERMS
from timeledger.users import service as users
from timeledger.users.schemas import ApiKeyCreate, ApiKeyCreated, ServiceUserCreate
from timeledger.web.admin import (
    MAX_CHOICES,
    Choice,
    VersionSpan,
    form_answer,
    periods_of,
    submitted,
)
from timeledger.web.forms import Form, FormErrors, PostedForm, attempt, typed_minutes
from timeledger.web.routing import Signed, see_other, web_router
from timeledger.web.viewer import Viewer, page, viewer_of

admin_people_router = web_router()

EMPLOYEES_PAGE_SIZE = 50
WEEKDAYS = range(1, 8)
"""ISO weekdays, Monday first: the form's fields `pattern_1` to `pattern_7`."""

EMPLOYEE_FIELDS = {
    "employee_number": "employee_number",
    "first_name": "first_name",
    "last_name": "last_name",
    "email": "email",
    "org_unit_id": "org_unit_id",
    "employment_terms_id": "employment_terms_id",
    "user_id": "user_id",
    "weekly_pattern_minutes": "weekly_pattern",
    "effective_from": "effective_from",
}
UNIT_FIELDS = {
    "name": "name",
    "type": "type",
    "parent_id": "parent_id",
    "valid_to": "valid_to",
    "effective_from": "effective_from",
}
SERVICE_USER_FIELDS = {"name": "name", "role": "role"}
KEY_FIELDS = {"name": "name", "expires_at": "expires"}


def _shown_day(history: Sequence[EmployeeVersionRead | OrgUnitVersionRead], today: date) -> date:
    """Today, or the first day of a record that only takes effect later."""
    return max(today, history[0].effective_from)


def _filled(typed: dict[str, str]) -> dict[str, str]:
    """The fields typed in: a create leaves the others to their defaults."""
    return {name: value for name, value in typed.items() if value}


def _nullable(typed: dict[str, str]) -> dict[str, str | None]:
    """Every field, an empty one as null: an update clears it."""
    return {name: value or None for name, value in typed.items()}


# Choices of the forms


def _unit_tree(units: Sequence[OrgUnitRead]) -> list[tuple[OrgUnitRead, int]]:
    """The units in tree order (each below its parent, siblings by name) with their depth;
    a unit whose parent is not in force on the day is shown at the top."""
    known = {unit.id for unit in units}
    children: dict[int | None, list[OrgUnitRead]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in known else None
        children.setdefault(parent, []).append(unit)
    ordered: list[tuple[OrgUnitRead, int]] = []
    stack = [(unit, 0) for unit in reversed(children.get(None, []))]
    while stack:
        unit, depth = stack.pop()
        ordered.append((unit, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(unit.id, [])))
    return ordered


def _unit_choices(tree: list[tuple[OrgUnitRead, int]]) -> list[Choice]:
    return [Choice(unit.id, "\u2003" * depth + unit.name) for unit, depth in tree]


def _terms_choices(session: Session, day: date) -> list[Choice]:
    rows = fetch_window(
        session,
        EMPLOYMENT_TERMS.in_force(day),
        order_by=EMPLOYMENT_TERMS.by_name(),
        limit=MAX_CHOICES,
        offset=0,
    )
    return [Choice(row.employment_terms_id, row.name) for row in rows]


def _person_label(user: User) -> str:
    return f"{user.name} <{user.email}>" if user.email else user.name


def _user_choices(session: Session, caller: Caller, linked_user_id: int | None) -> list[Choice]:
    """The active people without an employee record in force today, and the one linked."""
    people = users.people_and_weeks(session, caller)
    choices = [
        Choice(person.user.id, _person_label(person.user))
        for person in people
        if person.weekly_pattern_minutes is None or person.user.id == linked_user_id
    ]
    if linked_user_id is not None and all(choice.id != linked_user_id for choice in choices):
        linked = users.get_visible_person(session, caller, linked_user_id)
        choices.insert(0, Choice(linked.id, _person_label(linked)))
    return choices


# Employees


def _employee_typed(form: Form) -> dict[str, str]:
    names = [name for name in EMPLOYEE_FIELDS.values() if name != "weekly_pattern"]
    return {name: form.get(name) for name in names} | {
        f"pattern_{day}": form.get(f"pattern_{day}") for day in WEEKDAYS
    }


def _employee_body(typed: dict[str, str], viewer: Viewer) -> dict[str, Any]:
    """The service's fields of the typed form (422 for an unreadable duration)."""
    unreadable = viewer.strings.duration_unreadable
    minutes = [
        typed_minutes(typed[f"pattern_{day}"] or "0", "body.weekly_pattern_minutes", unreadable)
        for day in WEEKDAYS
    ]
    return {
        "employee_number": typed["employee_number"],
        "first_name": typed["first_name"],
        "last_name": typed["last_name"],
        "email": typed["email"] or None,
        "org_unit_id": typed["org_unit_id"] or None,
        "employment_terms_id": typed["employment_terms_id"] or None,
        "user_id": typed["user_id"] or None,
        "weekly_pattern_minutes": minutes,
        "effective_from": typed["effective_from"] or None,
    }


def _employee_form_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    typed: dict[str, str],
    *,
    employee_id: int | None = None,
    linked_user_id: int | None = None,
    history: list[VersionSpan] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    tree = _unit_tree(organization.units_on(session, viewer.today))
    terms = _terms_choices(session, viewer.today)
    return page(
        request,
        viewer,
        "admin/employees_form.html",
        status=status,
        employee_id=employee_id,
        typed=typed,
        errors=errors or FormErrors(),
        units=_unit_choices(tree),
        terms=terms,
        people=_user_choices(session, viewer.caller, linked_user_id),
        history=history or [],
        unit_names={unit.id: unit.name for unit, _ in tree},
        terms_names={choice.id: choice.name for choice in terms},
        weekdays=WEEKDAYS,
    )


@admin_people_router.get("/admin")
def admin_home(
    request: Request, caller: Annotated[Caller, Signed("employees:create:*")]
) -> Response:
    return see_other(request, "/admin/employees")


@admin_people_router.get("/admin/employees")
def employees_list(
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("employees:read:*")],
    q: Annotated[str, Query(max_length=200)] = "",
    cursor: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    viewer = viewer_of(session, caller)
    request_page = PageRequest(
        limit=EMPLOYEES_PAGE_SIZE, sort="employee_number", direction=Direction.ASC, cursor=cursor
    )
    employees, next_cursor = organization.list_employees(
        session, caller, request_page, viewer.today, text=q.strip() or None
    )
    units = organization.units_on(session, viewer.today)
    return page(
        request,
        viewer,
        "admin/employees.html",
        employees=employees,
        next_cursor=next_cursor,
        paged=cursor is not None,
        q=q,
        unit_names={unit.id: unit.name for unit in units},
    )


@admin_people_router.get("/admin/employees/new")
def employee_new(
    request: Request, session: UnitOfWork, caller: Annotated[Caller, Signed("employees:create:*")]
) -> Response:
    viewer = viewer_of(session, caller)
    typed = {name: "" for name in EMPLOYEE_FIELDS.values()} | {
        f"pattern_{day}": viewer.formats.minutes(minutes)
        for day, minutes in zip(WEEKDAYS, DEFAULT_PATTERN, strict=True)
    }
    typed["effective_from"] = viewer.today.isoformat()
    return _employee_form_page(request, session, viewer, typed)


@admin_people_router.post("/admin/employees")
def employee_create(
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("employees:create:*")],
) -> Response:
    viewer = viewer_of(session, caller)
    typed = _employee_typed(form)
    return form_answer(
        request,
        session,
        lambda: organization.create_employee(
            session, caller, EmployeeCreate.model_validate(_employee_body(typed, viewer))
        ),
        EMPLOYEE_FIELDS,
        done=lambda created: f"/admin/employees/{created[0].id}",
        again=lambda errors, status: _employee_form_page(
            request, session, viewer, typed, errors=errors, status=status
        ),
    )


def _employee_edit_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    employee_id: int,
    *,
    typed: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    history = organization.employee_history(session, viewer.caller, employee_id)
    employee = organization.read_employee(
        session, viewer.caller, employee_id, _shown_day(history, viewer.today)
    )
    current = {
        "employee_number": employee.employee_number,
        "first_name": employee.first_name,
        "last_name": employee.last_name,
        "email": employee.email or "",
        "org_unit_id": str(employee.org_unit_id or ""),
        "employment_terms_id": str(employee.employment_terms_id or ""),
        "user_id": str(employee.user_id or ""),
        "effective_from": viewer.today.isoformat(),
    } | {
        f"pattern_{day}": viewer.formats.minutes(minutes)
        for day, minutes in zip(WEEKDAYS, employee.weekly_pattern_minutes, strict=True)
    }
    return _employee_form_page(
        request,
        session,
        viewer,
        typed or current,
        employee_id=employee_id,
        linked_user_id=employee.user_id,
        history=periods_of(history),
        errors=errors,
        status=status,
    )


@admin_people_router.get("/admin/employees/{employee_id}")
def employee_edit(
    employee_id: ResourceId,
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("employees:update:*")],
) -> Response:
    return _employee_edit_page(request, session, viewer_of(session, caller), employee_id)


@admin_people_router.post("/admin/employees/{employee_id}")
def employee_update(
    employee_id: ResourceId,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("employees:update:*")],
) -> Response:
    viewer = viewer_of(session, caller)
    # Another's or an unknown employee is 404 before what was typed is looked at.
    organization.get_changeable_employee(session, caller, employee_id)
    typed = _employee_typed(form)
    return form_answer(
        request,
        session,
        lambda: organization.update_employee(
            session,
            caller,
            employee_id,
            EmployeeUpdate.model_validate(_employee_body(typed, viewer)),
            unconditional,
        ),
        EMPLOYEE_FIELDS,
        done=lambda _: f"/admin/employees/{employee_id}",
        again=lambda errors, status: _employee_edit_page(
            request, session, viewer, employee_id, typed=typed, errors=errors, status=status
        ),
    )


@admin_people_router.post("/admin/employees/{employee_id}/delete")
def employee_delete(
    employee_id: ResourceId,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("employees:delete:*")],
) -> Response:
    organization.delete_employee(session, caller, employee_id)
    return see_other(request, "/admin/employees")


# Org units


def _unit_changes(typed: dict[str, str]) -> dict[str, str | None]:
    """An empty parent or end clears it; an empty name is refused, never left unchanged."""
    return _nullable(typed) | {"name": typed["name"], "type": typed["type"]}


def _org_units_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    *,
    typed: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    tree = _unit_tree(organization.units_on(session, viewer.today))
    blank = {name: "" for name in UNIT_FIELDS} | {
        "type": OrgUnitType.DEPARTMENT.value,
        "effective_from": viewer.today.isoformat(),
    }
    return page(
        request,
        viewer,
        "admin/org_units.html",
        status=status,
        tree=tree,
        units=_unit_choices(tree),
        unit_types=list(OrgUnitType),
        typed=typed or blank,
        errors=errors or FormErrors(),
    )


@admin_people_router.get("/admin/org-units")
def org_units_list(
    request: Request, session: UnitOfWork, caller: Annotated[Caller, Signed("org-units:create:*")]
) -> Response:
    return _org_units_page(request, session, viewer_of(session, caller))


@admin_people_router.post("/admin/org-units")
def org_unit_create(
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("org-units:create:*")],
) -> Response:
    viewer = viewer_of(session, caller)
    typed = {name: form.get(name) for name in ("name", "type", "parent_id", "effective_from")}
    return form_answer(
        request,
        session,
        lambda: organization.create_unit(
            session, caller, OrgUnitCreate.model_validate(_filled(typed))
        ),
        UNIT_FIELDS,
        done=lambda _: "/admin/org-units",
        again=lambda errors, status: _org_units_page(
            request, session, viewer, typed=typed | {"valid_to": ""}, errors=errors, status=status
        ),
    )


def _org_unit_edit_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    unit_id: int,
    *,
    typed: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    history = organization.unit_history(session, unit_id)
    unit = organization.read_unit(session, unit_id, _shown_day(history, viewer.today))
    tree = _unit_tree(organization.units_on(session, viewer.today))
    current = {
        "name": unit.name,
        "type": unit.type,
        "parent_id": str(unit.parent_id or ""),
        "valid_to": unit.valid_to.isoformat() if unit.valid_to else "",
        "effective_from": viewer.today.isoformat(),
    }
    return page(
        request,
        viewer,
        "admin/org_units_edit.html",
        status=status,
        unit_id=unit_id,
        units=[choice for choice in _unit_choices(tree) if choice.id != unit_id],
        unit_names={unit.id: unit.name for unit, _ in tree},
        unit_types=list(OrgUnitType),
        history=periods_of(history),
        typed=typed or current,
        errors=errors or FormErrors(),
    )


@admin_people_router.get("/admin/org-units/{unit_id}")
def org_unit_edit(
    unit_id: ResourceId,
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("org-units:update:*")],
) -> Response:
    return _org_unit_edit_page(request, session, viewer_of(session, caller), unit_id)


@admin_people_router.post("/admin/org-units/{unit_id}")
def org_unit_update(
    unit_id: ResourceId,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("org-units:update:*")],
) -> Response:
    viewer = viewer_of(session, caller)
    organization.get_unit(session, unit_id)
    typed = {name: form.get(name) for name in UNIT_FIELDS}
    return form_answer(
        request,
        session,
        lambda: organization.update_unit(
            session,
            caller,
            unit_id,
            OrgUnitUpdate.model_validate(_unit_changes(typed)),
            unconditional,
        ),
        UNIT_FIELDS,
        done=lambda _: f"/admin/org-units/{unit_id}",
        again=lambda errors, status: _org_unit_edit_page(
            request, session, viewer, unit_id, typed=typed, errors=errors, status=status
        ),
    )


@admin_people_router.post("/admin/org-units/{unit_id}/delete")
def org_unit_delete(
    unit_id: ResourceId,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("org-units:delete:*")],
) -> Response:
    viewer = viewer_of(session, caller)
    deleted = attempt(session, lambda: organization.delete_unit(session, caller, unit_id))
    if isinstance(deleted, Problem):
        return _org_unit_edit_page(
            request,
            session,
            viewer,
            unit_id,
            errors=FormErrors(general=[deleted.detail]),
            status=deleted.status,
        )
    return see_other(request, "/admin/org-units")


# API keys


@dataclass(frozen=True)
class KeyOwner:
    """A service user with their keys, or (user None) the administrator's own keys."""

    form: str
    """The key of its issue form: which form a problem belongs to."""
    user: User | None
    keys: list[ApiKey]


def _api_keys_page(
    request: Request,
    session: Session,
    viewer: Viewer,
    *,
    failed_form: str = "",
    typed: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Response:
    caller = viewer.caller
    service_users = [
        KeyOwner(f"key-{user.id}", user, users.live_keys_of(session, user))
        for user in users.visible_service_users(session, caller)
    ]
    mine = KeyOwner("key-mine", None, users.live_keys_of(session, users.get_me(session, caller)))
    return page(
        request,
        viewer,
        "admin/api_keys.html",
        status=status,
        service_users=service_users,
        mine=mine,
        roles=users.role_names(session),
        failed_form=failed_form,
        typed=typed or {},
        errors=errors or FormErrors(),
        no_errors=FormErrors(),
    )


@admin_people_router.get("/admin/api-keys")
def api_keys_list(
    request: Request, session: UnitOfWork, caller: Annotated[Caller, Signed("api-keys:create:*")]
) -> Response:
    return _api_keys_page(request, session, viewer_of(session, caller))


@admin_people_router.post("/admin/api-keys/service-users")
def service_user_create(
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("service-users:create:*")],
) -> Response:
    viewer = viewer_of(session, caller)
    typed = {"name": form.get("name"), "role": form.get("role")}
    return form_answer(
        request,
        session,
        lambda: users.create_service_user(
            session, caller, ServiceUserCreate.model_validate(_filled(typed))
        ),
        SERVICE_USER_FIELDS,
        done=lambda _: "/admin/api-keys",
        again=lambda errors, status: _api_keys_page(
            request,
            session,
            viewer,
            failed_form="service-user",
            typed=typed,
            errors=errors,
            status=status,
        ),
    )


def _key_body(typed: dict[str, str], viewer: Viewer) -> ApiKeyCreate:
    """The key's fields; it expires as the day chosen begins, in the viewer's zone."""
    body: dict[str, Any] = _filled({"name": typed["name"]})
    if typed["expires"]:
        try:
            expiry_day = date.fromisoformat(typed["expires"])
        except ValueError:
            raise Unprocessable.at(
                "body.expires_at", viewer.strings.admin_date_unreadable, "not a date"
            ) from None
        body["expires_at"] = datetime.combine(expiry_day, time(), tzinfo=viewer.formats.zone)
    return ApiKeyCreate.model_validate(body)


def _key_issued(
    request: Request,
    session: Session,
    viewer: Viewer,
    form: Form,
    form_key: str,
    issue: Callable[[ApiKeyCreate], ApiKeyCreated],
    owner_name: str,
) -> Response:
    """The new key's page, its secret shown this once; or the keys page with the problem."""
    typed = {"name": form.get("name"), "expires": form.get("expires")}
    issued, errors, status = submitted(session, lambda: issue(_key_body(typed, viewer)), KEY_FIELDS)
    if issued is None:
        return _api_keys_page(
            request,
            session,
            viewer,
            failed_form=form_key,
            typed=typed,
            errors=errors,
            status=status,
        )
    return page(
        request, viewer, "admin/api_keys_created.html", status=201, key=issued, owner=owner_name
    )


@admin_people_router.post("/admin/api-keys/service-users/{user_id}/keys")
def service_user_key_create(
    user_id: ResourceId,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("api-keys:create:*")],
) -> Response:
    viewer = viewer_of(session, caller)
    owner = users.get_visible_service_user(session, caller, user_id)
    return _key_issued(
        request,
        session,
        viewer,
        form,
        f"key-{user_id}",
        lambda data: users.issue_service_user_key(session, caller, user_id, data),
        owner.name,
    )


@admin_people_router.post("/admin/api-keys/service-users/{user_id}/keys/{key_id}/revoke")
def service_user_key_revoke(
    user_id: ResourceId,
    key_id: ResourceId,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("api-keys:delete:*")],
) -> Response:
    users.revoke_service_user_key(session, caller, user_id, key_id)
    return see_other(request, "/admin/api-keys")


# The administrator's own keys are managed here with the workspace's: the page is an
# administrator's, so these forms declare the workspace-wide scope too.


@admin_people_router.post("/admin/api-keys/mine")
def my_key_create(
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("api-keys:create:*")],
) -> Response:
    viewer = viewer_of(session, caller)
    me = users.get_me(session, caller)
    return _key_issued(
        request,
        session,
        viewer,
        form,
        "key-mine",
        lambda data: users.issue_api_key(session, me, data, caller),
        me.name,
    )


@admin_people_router.post("/admin/api-keys/mine/{key_id}/revoke")
def my_key_revoke(
    key_id: ResourceId,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: Annotated[Caller, Signed("api-keys:delete:*")],
) -> Response:
    users.revoke_api_key(session, caller, users.get_me(session, caller), key_id)
    return see_other(request, "/admin/api-keys")
