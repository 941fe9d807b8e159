"""Routes of the Projects area: parse, call a service, render."""

from functools import partial
from typing import Annotated, Any

from fastapi import Depends, Query, Request, Response, status

from timeledger.access.caller import Allowed, Caller
from timeledger.kit.errors import Unprocessable
from timeledger.kit.etag import set_etag
from timeledger.kit.filters import IdListValue, parse_id_list
from timeledger.kit.pagination import Page, PageRequest, fetch_page, page_request
from timeledger.kit.routing import MAX_ID, ResourceId, api_router, created, if_match_of
from timeledger.kit.uow import UnitOfWork, check_before_the_endpoint
from timeledger.kit.views import view_of
from timeledger.models import Employee, ProjectMember, ProjectVersion, Task, TaskVersion, User
from timeledger.organization.today import workspace_today
from timeledger.projects import schemas, service
from timeledger.projects.rates import resolve_hourly_rate
from timeledger.projects.schemas import (
    ActivityRate,
    ActivityRates,
    Member,
    Members,
    ProjectCreate,
    ProjectRead,
    ProjectUpdate,
    ProjectVersionRead,
    RateRead,
    TaskCreate,
    TaskRead,
    TaskUpdate,
    TaskVersionRead,
)
from timeledger.settings.kind_routes import AsOf, ConfigRoutes, actor_of, add_config_routes
from timeledger.settings.kind_schemas import read_of, version_read_of
from timeledger.settings.service import ACTIVITIES
from timeledger.settings.store import contains_text, require_effective

projects_router = api_router("Projects")

FilterId = Annotated[int | None, Query(ge=1, le=MAX_ID)]
Text = Annotated[
    str | None, Query(max_length=200, pattern=r"^[^\x00]*$", description="Part of the name.")
]
Ids = Annotated[list[IdListValue] | None, Query(description="Ids, repeated or comma-separated.")]


# Customers: the shared operations of every effective-dated kind.

add_config_routes(
    projects_router,
    ConfigRoutes(
        path="/customers",
        kind=service.CUSTOMERS,
        create_schema=schemas.CustomerCreate,
        update_schema=schemas.CustomerUpdate,
        read_schema=schemas.CustomerRead,
        version_schema=schemas.CustomerVersionRead,
        area="projects",
    ),
)


# Rates (before /projects/{project_id}, whose id would not match "hourly-rate")


@projects_router.get(
    "/projects/hourly-rate",
    response_model=RateRead,
    summary="Resolve the hourly rate of a registration",
)
def get_hourly_rate(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("projects:read:*")],
    activity_id: FilterId = None,
    project_id: FilterId = None,
    task_id: FilterId = None,
    user_id: FilterId = None,
    employee_id: FilterId = None,
    as_of: AsOf = None,
) -> RateRead:
    day = as_of or workspace_today(session, caller.workspace_id)
    if project_id is not None:
        require_effective(session, service.PROJECTS, [project_id], day, location="query.project_id")
    if task_id is not None:
        require_effective(session, service.TASKS, [task_id], day, location="query.task_id")
        task = session.get(Task, task_id)
        assert task is not None
        if project_id is not None and task.project_id != project_id:
            raise _unknown("query.task_id", f"task {task_id} is not a task of project {project_id}")
    if activity_id is not None:
        require_effective(session, ACTIVITIES, [activity_id], day, location="query.activity_id")
    if user_id is not None and session.get(User, user_id) is None:
        raise _unknown("query.user_id", f"no user with id {user_id}")
    if employee_id is not None:
        employee = session.get(Employee, employee_id)
        if employee is None or employee.deleted_at is not None:
            raise _unknown("query.employee_id", f"no employee with id {employee_id}")
    resolution = resolve_hourly_rate(
        session,
        day=day,
        activity_id=activity_id,
        project_id=project_id,
        task_id=task_id,
        user_id=user_id,
        employee_id=employee_id,
    )
    return view_of(RateRead, resolution, as_of=day)


def _unknown(location: str, message: str) -> Unprocessable:
    return Unprocessable(
        f"{location.removeprefix('query.')}: {message}.",
        errors=[{"location": location, "message": message}],
    )


# Projects

PROJECT_SORTS: dict[str, Any] = {
    "id": ProjectVersion.project_id,
    "name": ProjectVersion.name,
    "effective_from": ProjectVersion.effective_from,
}
ProjectPage = Annotated[PageRequest, page_request(tuple(PROJECT_SORTS), default_sort="id")]


def _project_read(entity: Any, version: Any) -> ProjectRead:
    return read_of(ProjectRead, entity, version, service.PROJECTS.values_of(version))


@projects_router.get("/projects", response_model=Page[ProjectRead], summary="List projects")
def list_projects(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("projects:read:own")],
    page: ProjectPage,
    as_of: AsOf = None,
    customer_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Of this customer.")
    ] = None,
    user_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Having this user as a member.")
    ] = None,
    archived: Annotated[bool | None, Query()] = None,
    q: Text = None,
    ids: Ids = None,
) -> Page[ProjectRead]:
    """Callers with only `projects:read:own` see the projects they are a member of."""
    day = as_of or workspace_today(session, caller.workspace_id)
    statement = service.visible_projects(caller, day)
    if customer_id is not None:
        statement = service.of_customer(statement, customer_id)
    if user_id is not None:
        statement = statement.where(
            ProjectVersion.project_id.in_(service.member_project_ids(user_id))
        )
    statement = service.PROJECTS.matching(statement, archived=archived, name_contains=q)
    wanted = parse_id_list(ids, parameter="ids")
    if wanted:
        statement = statement.where(ProjectVersion.project_id.in_(wanted))
    rows, cursor = fetch_page(
        session, statement, page, sort_columns=PROJECT_SORTS, id_column=ProjectVersion.project_id
    )
    entities = service.PROJECTS.entities_of(session, rows)
    items = [_project_read(entities[row.project_id], row) for row in rows]
    return Page(items=items, next_cursor=cursor)


@projects_router.post(
    "/projects",
    status_code=status.HTTP_201_CREATED,
    response_model=ProjectRead,
    summary="Create a project",
)
def create_project(
    body: ProjectCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("projects:create:*")],
) -> ProjectRead:
    day = body.effective_from or workspace_today(session, caller.workspace_id)
    versioned = service.PROJECTS.create(
        session,
        actor_of(caller),
        values=body.model_dump(exclude={"key", "effective_from"}),
        effective_from=day,
        key=body.key,
    )
    created(
        response,
        f"/api/projects/{versioned.entity.id}",
        service.PROJECTS.etag(versioned.entity),
    )
    return _project_read(versioned.entity, versioned.version)


@projects_router.get("/projects/{project_id}", response_model=ProjectRead, summary="Get a project")
def get_project(
    project_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("projects:read:own")],
    as_of: AsOf = None,
) -> ProjectRead:
    day = as_of or workspace_today(session, caller.workspace_id)
    project = service.visible_project(session, caller, project_id)
    versioned = service.PROJECTS.as_of(session, project.id, day)
    set_etag(response, service.PROJECTS.etag(project))
    return _project_read(versioned.entity, versioned.version)


@projects_router.patch(
    "/projects/{project_id}",
    response_model=ProjectRead,
    summary="Change a project from a date (adds a version)",
)
def update_project(
    project_id: ResourceId,
    body: ProjectUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("projects:update:*")],
) -> ProjectRead:
    changes = body.model_dump(exclude_unset=True, exclude={"key", "effective_from"})
    day = body.effective_from or workspace_today(session, caller.workspace_id)
    versioned = service.PROJECTS.add_version(
        session,
        actor_of(caller),
        project_id,
        changes=service.project_changes(changes),
        effective_from=day,
        if_match=if_match_of(request),
        key=body.key,
    )
    set_etag(response, service.PROJECTS.etag(versioned.entity))
    return _project_read(versioned.entity, versioned.version)


@projects_router.get(
    "/projects/{project_id}/versions",
    response_model=Page[ProjectVersionRead],
    summary="History of a project",
)
def list_project_versions(
    project_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("projects:read:own")],
) -> Page[ProjectVersionRead]:
    project = service.visible_project(session, caller, project_id)
    items = [
        version_read_of(ProjectVersionRead, version, service.PROJECTS.values_of(version))
        for version in service.PROJECTS.versions(session, project.id)
    ]
    return Page(items=items, next_cursor=None)


@projects_router.delete(
    "/projects/{project_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a project (409 while it has live tasks)",
)
def delete_project(
    project_id: ResourceId,
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("projects:delete:*")],
) -> None:
    service.PROJECTS.delete(
        session,
        actor_of(caller),
        project_id,
        today=workspace_today(session, caller.workspace_id),
        if_match=if_match_of(request),
    )


async def existing_project(project_id: ResourceId, session: UnitOfWork) -> int:
    """The project's id, known to exist before the endpoint runs: a 404 comes before body
    validation."""
    check_before_the_endpoint(partial(service.PROJECTS.get, session, project_id))
    return project_id


ExistingProject = Annotated[int, Depends(existing_project)]


# Members


def _members(rows: list[ProjectMember]) -> Members:
    return Members(
        items=[
            Member(
                user_id=row.user_id,
                is_manager=row.is_manager,
                hourly_rate_minor=row.hourly_rate_minor,
            )
            for row in rows
        ]
    )


@projects_router.get(
    "/projects/{project_id}/members", response_model=Members, summary="Members of a project"
)
def get_members(
    _caller: Annotated[Caller, Allowed("projects:read:*")],
    project_id: ExistingProject,
    response: Response,
    session: UnitOfWork,
) -> Members:
    project = service.PROJECTS.get(session, project_id)
    set_etag(response, service.PROJECTS.etag(project))
    return _members(service.members_of(session, project_id))


@projects_router.put(
    "/projects/{project_id}/members",
    response_model=Members,
    summary="Replace the members of a project",
)
def put_members(
    caller: Annotated[Caller, Allowed("projects:update:*")],
    project_id: ExistingProject,
    body: Members,
    request: Request,
    response: Response,
    session: UnitOfWork,
) -> Members:
    project, rows = service.put_members(
        session, actor_of(caller), project_id, body, if_match_of(request)
    )
    set_etag(response, service.PROJECTS.etag(project))
    return _members(rows)


# Per-activity rates


def _rates(rows: list[Any]) -> ActivityRates:
    return ActivityRates(
        items=[
            ActivityRate(activity_id=row.activity_id, hourly_rate_minor=row.hourly_rate_minor)
            for row in rows
        ]
    )


@projects_router.get(
    "/projects/{project_id}/activity-rates",
    response_model=ActivityRates,
    summary="Hourly rates of activities on a project",
)
def get_activity_rates(
    _caller: Annotated[Caller, Allowed("projects:read:*")],
    project_id: ExistingProject,
    response: Response,
    session: UnitOfWork,
) -> ActivityRates:
    project = service.PROJECTS.get(session, project_id)
    set_etag(response, service.PROJECTS.etag(project))
    return _rates(service.activity_rates_of(session, project_id))


@projects_router.put(
    "/projects/{project_id}/activity-rates",
    response_model=ActivityRates,
    summary="Replace the hourly rates of activities on a project",
)
def put_activity_rates(
    caller: Annotated[Caller, Allowed("projects:update:*")],
    project_id: ExistingProject,
    body: ActivityRates,
    request: Request,
    response: Response,
    session: UnitOfWork,
) -> ActivityRates:
    project, rows = service.put_activity_rates(
        session, actor_of(caller), project_id, body, if_match_of(request)
    )
    set_etag(response, service.PROJECTS.etag(project))
    return _rates(rows)


# Tasks

TASK_SORTS: dict[str, Any] = {
    "id": TaskVersion.task_id,
    "name": TaskVersion.name,
    "effective_from": TaskVersion.effective_from,
}
TaskPage = Annotated[PageRequest, page_request(tuple(TASK_SORTS), default_sort="id")]


def _task_read(task: Task, version: TaskVersion) -> TaskRead:
    values = {
        **service.TASKS.values_of(version),
        "project_id": task.project_id,
        "parent_task_id": task.parent_task_id,
    }
    return read_of(TaskRead, task, version, values)


@projects_router.get(
    "/projects/{project_id}/tasks", response_model=Page[TaskRead], summary="List tasks"
)
def list_tasks(
    project_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("projects:read:own")],
    page: TaskPage,
    as_of: AsOf = None,
    parent_task_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Subtasks of this task.")
    ] = None,
    top_level: Annotated[
        bool | None, Query(description="true: only tasks without a parent.")
    ] = None,
    archived: Annotated[bool | None, Query()] = None,
    q: Text = None,
    ids: Ids = None,
) -> Page[TaskRead]:
    project = service.visible_project(session, caller, project_id)
    day = as_of or workspace_today(session, caller.workspace_id)
    statement = service.TASKS.in_force(day).where(Task.project_id == project.id)
    if parent_task_id is not None:
        statement = statement.where(Task.parent_task_id == parent_task_id)
    if top_level is True:
        statement = statement.where(Task.parent_task_id.is_(None))
    if top_level is False:
        statement = statement.where(Task.parent_task_id.is_not(None))
    if archived is not None:
        statement = statement.where(TaskVersion.archived == archived)
    if q:
        statement = statement.where(contains_text(TaskVersion.name, q))
    wanted = parse_id_list(ids, parameter="ids")
    if wanted:
        statement = statement.where(TaskVersion.task_id.in_(wanted))
    rows, cursor = fetch_page(
        session, statement, page, sort_columns=TASK_SORTS, id_column=TaskVersion.task_id
    )
    tasks = service.TASKS.entities_of(session, rows)
    return Page(items=[_task_read(tasks[row.task_id], row) for row in rows], next_cursor=cursor)


@projects_router.post(
    "/projects/{project_id}/tasks",
    status_code=status.HTTP_201_CREATED,
    response_model=TaskRead,
    summary="Create a task (a subtask with parent_task_id)",
)
def create_task(
    caller: Annotated[Caller, Allowed("projects:create:*")],
    project_id: ExistingProject,
    body: TaskCreate,
    response: Response,
    session: UnitOfWork,
) -> TaskRead:
    day = body.effective_from or workspace_today(session, caller.workspace_id)
    versioned = service.create_task(session, actor_of(caller), project_id, body, day)
    created(
        response,
        f"/api/projects/{project_id}/tasks/{versioned.entity.id}",
        service.TASKS.etag(versioned.entity),
    )
    return _task_read(versioned.entity, versioned.version)


@projects_router.get(
    "/projects/{project_id}/tasks/{task_id}", response_model=TaskRead, summary="Get a task"
)
def get_task(
    project_id: ResourceId,
    task_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("projects:read:own")],
    as_of: AsOf = None,
) -> TaskRead:
    project = service.visible_project(session, caller, project_id)
    task = service.task_of(session, project, task_id)
    day = as_of or workspace_today(session, caller.workspace_id)
    versioned = service.TASKS.as_of(session, task.id, day)
    set_etag(response, service.TASKS.etag(task))
    return _task_read(task, versioned.version)


@projects_router.patch(
    "/projects/{project_id}/tasks/{task_id}",
    response_model=TaskRead,
    summary="Change a task from a date (adds a version)",
)
def update_task(
    caller: Annotated[Caller, Allowed("projects:update:*")],
    project_id: ExistingProject,
    task_id: ResourceId,
    body: TaskUpdate,
    request: Request,
    response: Response,
    session: UnitOfWork,
) -> TaskRead:
    day = body.effective_from or workspace_today(session, caller.workspace_id)
    versioned = service.update_task(
        session, actor_of(caller), project_id, task_id, body, day, if_match_of(request)
    )
    set_etag(response, service.TASKS.etag(versioned.entity))
    return _task_read(versioned.entity, versioned.version)


@projects_router.get(
    "/projects/{project_id}/tasks/{task_id}/versions",
    response_model=Page[TaskVersionRead],
    summary="History of a task",
)
def list_task_versions(
    project_id: ResourceId,
    task_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("projects:read:own")],
) -> Page[TaskVersionRead]:
    project = service.visible_project(session, caller, project_id)
    task = service.task_of(session, project, task_id)
    items = [
        version_read_of(TaskVersionRead, version, service.TASKS.values_of(version))
        for version in service.TASKS.versions(session, task.id)
    ]
    return Page(items=items, next_cursor=None)


@projects_router.delete(
    "/projects/{project_id}/tasks/{task_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a task (409 while it has live subtasks)",
)
def delete_task(
    project_id: ResourceId,
    task_id: ResourceId,
    request: Request,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("projects:delete:*")],
) -> None:
    service.delete_task(
        session,
        actor_of(caller),
        project_id,
        task_id,
        workspace_today(session, caller.workspace_id),
        if_match_of(request),
    )


__all__ = ["projects_router"]
