"""Rules of the Projects area: customers, projects and tasks described once on the shared
effective-dated store, who may see which project, members and per-activity rates."""

from datetime import date
from typing import Any, Literal

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.access.permissions import Scope
from timeledger.changelog.service import record_change
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Forbidden, NotFound, Unprocessable
from timeledger.models import (
    Activity,
    Customer,
    CustomerVersion,
    Project,
    ProjectActivityRate,
    ProjectMember,
    ProjectVersion,
    Task,
    TaskVersion,
    TimeEntry,
    User,
)
from timeledger.projects.schemas import ActivityRates, Members, TaskCreate, TaskUpdate
from timeledger.settings.referrers import entries_booked_on
from timeledger.settings.store import (
    Actor,
    ConfigKind,
    IfMatch,
    Versioned,
    names_of,
    require_effective,
)

MAX_NESTING = 32
LIVE_USER_STATUSES = ("active", "suspended")


# Customers


def _customer_referrers(session: Session, customer_id: int, day: date) -> list[str]:
    return names_of(
        session,
        PROJECTS,
        PROJECTS.in_force_from(session, day),
        lambda project: project.customer_id == customer_id,
    )


CUSTOMERS: ConfigKind[Customer, CustomerVersion] = ConfigKind(
    name="customer",
    label="customer",
    entity_model=Customer,
    version_model=CustomerVersion,
    owner_column=CustomerVersion.customer_id,
    fields=("name", "note", "hourly_rate_minor", "archived"),
    nullable=frozenset({"hourly_rate_minor"}),
    referrers=_customer_referrers,
)


# Projects


def _validate_project(
    session: Session, values: dict[str, Any], day: date, _project_id: int | None
) -> None:
    customer_id = values.get("customer_id")
    if customer_id is not None:
        require_effective(session, CUSTOMERS, [customer_id], day, location="body.customer_id")
    kind, amount = values["budget_kind"], values.get("budget_amount")
    if kind == "none" and amount is not None:
        raise Unprocessable.at(
            "body.budget_amount",
            "budget_amount is only allowed with a budget: set budget_kind to hours or money, "
            "or budget_amount to null.",
            "no budget",
        )
    if kind != "none" and amount is None:
        raise Unprocessable.at(
            "body.budget_amount",
            f"A budget in {kind} needs budget_amount ("
            + ("minutes" if kind == "hours" else "minor currency units")
            + ").",
            "required",
        )
    start, end = values.get("planned_start"), values.get("planned_end")
    if start is not None and end is not None and start > end:
        raise Unprocessable.at(
            "body.planned_end",
            f"planned_end {end} lies before planned_start {start}.",
            "before planned_start",
        )


def _live_task_names(session: Session, statement: Select[Any]) -> list[str]:
    """`task <id> (<name of its latest version>)` for the live tasks `statement` selects."""
    ids = list(session.scalars(statement.where(Task.deleted_at.is_(None)).order_by(Task.id)))
    names = []
    for task_id in ids:
        history = TASKS.history.history(session, task_id)
        names.append(f"task {task_id} ({history[-1].name if history else ''})")
    return names


def _project_referrers(session: Session, project_id: int, _day: date) -> list[str]:
    return _live_task_names(
        session, select(Task.id).where(Task.project_id == project_id)
    ) + entries_booked_on(session, TimeEntry.project_id, project_id)


PROJECTS: ConfigKind[Project, ProjectVersion] = ConfigKind(
    name="project",
    label="project",
    entity_model=Project,
    version_model=ProjectVersion,
    owner_column=ProjectVersion.project_id,
    fields=(
        "name",
        "note",
        "customer_id",
        "requires_manager_approval",
        "billable",
        "hourly_rate_minor",
        "budget_kind",
        "budget_amount",
        "rounding_method",
        "rounding_minutes",
        "planned_start",
        "planned_end",
        "archived",
    ),
    nullable=frozenset(
        {"customer_id", "hourly_rate_minor", "budget_amount", "planned_start", "planned_end"}
    ),
    validate=_validate_project,
    referrers=_project_referrers,
)


def project_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """Dropping a budget (`budget_kind: none`) drops its amount unless one is sent."""
    if changes.get("budget_kind") == "none" and "budget_amount" not in changes:
        return {**changes, "budget_amount": None}
    return changes


def require_may_write(caller: Caller, action: Literal["create", "update", "delete"]) -> None:
    """403 without `projects:<action>:*`: the permission the routes of customers,
    projects and tasks declare, for a face reaching several kinds through one operation."""
    permission = f"projects:{action}:*"
    if not caller.may(permission):
        raise Forbidden(
            f"This change requires the permission {permission}, which the role "
            f"{caller.role_name!r} does not hold.",
            extra={"required_permission": permission},
        )


def project_ids_of_customer(session: Session, customer_id: int, day: date) -> list[int]:
    """The live projects whose version in force on `day`, or a later one, names the
    customer (those that keep it from being deleted), by id."""
    return sorted(
        {
            version.project_id
            for version in PROJECTS.in_force_from(session, day)
            if version.customer_id == customer_id
        }
    )


def sees_every_project(caller: Caller) -> bool:
    return caller.scope_for("projects", "read") == Scope.ALL


def member_project_ids(user_id: int) -> Select[Any]:
    return select(ProjectMember.project_id).where(ProjectMember.user_id == user_id)


def visible_projects(caller: Caller, day: date) -> Select[Any]:
    """Versions in force on `day` of the projects the caller may see: with
    `projects:read:own` only those they are a member of."""
    statement = PROJECTS.in_force(day)
    if not sees_every_project(caller):
        statement = statement.where(
            ProjectVersion.project_id.in_(member_project_ids(caller.user_id))
        )
    return statement


def of_customer(statement: Select[Any], customer_id: int) -> Select[Any]:
    """Project versions narrowed to those of a customer."""
    return statement.where(ProjectVersion.customer_id == customer_id)


def of_member(statement: Select[Any], user_id: int) -> Select[Any]:
    """Project versions narrowed to the projects `user_id` is a member of."""
    return statement.where(ProjectVersion.project_id.in_(member_project_ids(user_id)))


def visible_project(session: Session, caller: Caller, project_id: int) -> Project:
    """The live project if the caller may see it: with `projects:read:own` only the
    projects they are a member of; any other is 404, as if it did not exist."""
    project = PROJECTS.get(session, project_id)
    if not sees_every_project(caller):
        member = session.scalar(
            select(ProjectMember.id).where(
                ProjectMember.project_id == project.id, ProjectMember.user_id == caller.user_id
            )
        )
        if member is None:
            raise NotFound(f"No {PROJECTS.label} with id {project_id}.")
    return project


def _touch_project(session: Session, actor: Actor, project: Project, op: str, data: Any) -> None:
    project.row_version += 1
    project.updated_at = utcnow()
    session.flush()
    record_change(
        session,
        workspace_id=actor.workspace_id,
        actor_user_id=actor.user_id,
        entity=PROJECTS.name,
        entity_id=project.id,
        op=op,
        data={"id": project.id, **data},
    )


# Members


def members_of(session: Session, project_id: int) -> list[ProjectMember]:
    return list(
        session.scalars(
            select(ProjectMember)
            .where(ProjectMember.project_id == project_id)
            .order_by(ProjectMember.user_id)
        )
    )


def put_members(
    session: Session, actor: Actor, project_id: int, data: Members, if_match: IfMatch
) -> tuple[Project, list[ProjectMember]]:
    """Replaces the members: users not listed leave, listed ones join or change."""
    project = PROJECTS.get(session, project_id)
    if_match(PROJECTS.etag(project))
    wanted = [member.user_id for member in data.items]
    people = (
        set(
            session.scalars(
                select(User.id).where(
                    User.id.in_(wanted),
                    User.kind == "person",
                    User.status.in_(LIVE_USER_STATUSES),
                )
            )
        )
        if wanted
        else set()
    )
    for index, user_id in enumerate(wanted):
        if user_id not in people:
            raise Unprocessable.at(
                f"body.items.{index}.user_id",
                f"items[{index}].user_id refers to user {user_id}, which is not a person of "
                "this workspace.",
                "unknown person",
            )
    current = {row.user_id: row for row in members_of(session, project.id)}
    for user_id, leaving in current.items():
        if user_id not in people:
            session.delete(leaving)
    for member in data.items:
        row = current.get(member.user_id)
        if row is None:
            row = ProjectMember(
                workspace_id=actor.workspace_id, project_id=project.id, user_id=member.user_id
            )
            session.add(row)
        row.is_manager = member.is_manager
        row.hourly_rate_minor = member.hourly_rate_minor
    session.flush()
    _touch_project(
        session,
        actor,
        project,
        "members-set",
        {"members": [member.model_dump() for member in data.items]},
    )
    return project, members_of(session, project.id)


# Per-activity rates


def activity_rates_of(session: Session, project_id: int) -> list[ProjectActivityRate]:
    return list(
        session.scalars(
            select(ProjectActivityRate)
            .where(ProjectActivityRate.project_id == project_id)
            .order_by(ProjectActivityRate.activity_id)
        )
    )


def put_activity_rates(
    session: Session, actor: Actor, project_id: int, data: ActivityRates, if_match: IfMatch
) -> tuple[Project, list[ProjectActivityRate]]:
    """Replaces the per-activity rates of a project. They are not effective-dated: a
    change applies to every date (the activity's own rate is)."""
    project = PROJECTS.get(session, project_id)
    if_match(PROJECTS.etag(project))
    wanted = [rate.activity_id for rate in data.items]
    live = (
        set(
            session.scalars(
                select(Activity.id).where(Activity.id.in_(wanted), Activity.deleted_at.is_(None))
            )
        )
        if wanted
        else set()
    )
    for index, activity_id in enumerate(wanted):
        if activity_id not in live:
            raise Unprocessable.at(
                f"body.items.{index}.activity_id",
                f"items[{index}].activity_id refers to activity {activity_id}, which does "
                "not exist.",
                "unknown activity",
            )
    current = {row.activity_id: row for row in activity_rates_of(session, project.id)}
    for activity_id, row in current.items():
        if activity_id not in live:
            session.delete(row)
    for rate in data.items:
        rate_row: ProjectActivityRate | None = current.get(rate.activity_id)
        if rate_row is None:
            rate_row = ProjectActivityRate(
                workspace_id=actor.workspace_id,
                project_id=project.id,
                activity_id=rate.activity_id,
                hourly_rate_minor=rate.hourly_rate_minor,
            )
            session.add(rate_row)
        rate_row.hourly_rate_minor = rate.hourly_rate_minor
    session.flush()
    _touch_project(
        session,
        actor,
        project,
        "activity-rates-set",
        {"activity_rates": [rate.model_dump() for rate in data.items]},
    )
    return project, activity_rates_of(session, project.id)


# Tasks


def _task_referrers(session: Session, task_id: int, _day: date) -> list[str]:
    return _live_task_names(
        session, select(Task.id).where(Task.parent_task_id == task_id)
    ) + entries_booked_on(session, TimeEntry.task_id, task_id)


TASKS: ConfigKind[Task, TaskVersion] = ConfigKind(
    name="task",
    label="task",
    entity_model=Task,
    version_model=TaskVersion,
    owner_column=TaskVersion.task_id,
    fields=("name", "billable", "hourly_rate_minor", "budget_minutes", "archived"),
    nullable=frozenset({"hourly_rate_minor", "budget_minutes"}),
    referrers=_task_referrers,
)


def task_of(session: Session, project: Project, task_id: int) -> Task:
    """A live task of `project`; a task of another project is 404 here."""
    task = session.get(Task, task_id)
    if task is None or task.deleted_at is not None or task.project_id != project.id:
        raise NotFound(f"Project {project.id} has no task with id {task_id}.")
    return task


def live_task_ids_below(session: Session, project_id: int, task_id: int | None = None) -> list[int]:
    """The live tasks of a project, or those below one of its tasks (that one left out),
    each after the tasks below it: the order they can be deleted in."""
    children: dict[int | None, list[int]] = {}
    rows = session.execute(
        select(Task.id, Task.parent_task_id)
        .where(Task.project_id == project_id, Task.deleted_at.is_(None))
        .order_by(Task.id)
    )
    for child_id, parent_id in rows:
        children.setdefault(parent_id, []).append(child_id)
    ordered: list[int] = []

    def below(parent_id: int | None) -> None:
        for child_id in children.get(parent_id, []):
            below(child_id)
            ordered.append(child_id)

    below(task_id)
    return ordered


def _check_parent(
    session: Session, project: Project, parent_id: int, day: date, task_id: int | None
) -> None:
    location = "body.parent_task_id"
    if parent_id == task_id:
        raise Unprocessable.at(location, "A task cannot be its own parent.", "self")
    parent = session.get(Task, parent_id)
    if parent is None or parent.deleted_at is not None or parent.project_id != project.id:
        raise Unprocessable.at(
            location,
            f"parent_task_id refers to task {parent_id}, which is not a task of project "
            f"{project.id}.",
            "not a task of this project",
        )
    require_effective(session, TASKS, [parent_id], day, location=location)
    ancestor: Task | None = parent
    for _ in range(MAX_NESTING):
        if ancestor is None or ancestor.parent_task_id is None:
            return
        if ancestor.parent_task_id == task_id:
            raise Unprocessable.at(
                location,
                f"Task {parent_id} lies below this task; moving it there would make a cycle.",
                "cycle",
            )
        ancestor = session.get(Task, ancestor.parent_task_id)
    raise Unprocessable.at(location, f"Tasks nest at most {MAX_NESTING} levels deep.", "too deep")


def _require_project_on(session: Session, project: Project, day: date) -> None:
    if PROJECTS.history.as_of(session, project.id, day) is None:
        created = PROJECTS.created_on(session, project.id)
        raise Unprocessable.at(
            "body.effective_from",
            f"Project {project.id} is not effective on {day} (it takes effect on {created}); "
            "a task cannot take effect before its project.",
            "project not effective",
        )


def _log_hierarchy(session: Session, actor: Actor, task: Task, op: str) -> None:
    record_change(
        session,
        workspace_id=actor.workspace_id,
        actor_user_id=actor.user_id,
        entity=TASKS.name,
        entity_id=task.id,
        op=op,
        data={"id": task.id, "project_id": task.project_id, "parent_task_id": task.parent_task_id},
    )


def create_task(
    session: Session, actor: Actor, project_id: int, data: TaskCreate, day: date
) -> Versioned[Task, TaskVersion]:
    project = PROJECTS.get(session, project_id)
    _require_project_on(session, project, day)
    if data.parent_task_id is not None:
        _check_parent(session, project, data.parent_task_id, day, None)
    versioned = TASKS.create(
        session,
        actor,
        values=data.model_dump(exclude={"key", "effective_from", "parent_task_id"}),
        effective_from=day,
        key=data.key,
        extra={"project_id": project.id, "parent_task_id": data.parent_task_id},
    )
    _log_hierarchy(session, actor, versioned.entity, "placed")
    return versioned


def update_task(
    session: Session,
    actor: Actor,
    project_id: int,
    task_id: int,
    data: TaskUpdate,
    day: date,
    if_match: IfMatch,
) -> Versioned[Task, TaskVersion]:
    """A new version from `day`; a changed parent_task_id moves the task for every date."""
    project = PROJECTS.get(session, project_id)
    task = task_of(session, project, task_id)
    if_match(TASKS.etag(task))
    changes = data.model_dump(exclude_unset=True, exclude={"key", "effective_from"})
    moved = "parent_task_id" in changes and changes["parent_task_id"] != task.parent_task_id
    if moved:
        parent_id = changes["parent_task_id"]
        if parent_id is not None:
            _check_parent(session, project, parent_id, day, task.id)
        task.parent_task_id = parent_id
    versioned = TASKS.add_version(
        session,
        actor,
        task.id,
        changes=changes,
        effective_from=day,
        if_match=lambda _etag: None,
        key=data.key,
    )
    if moved:
        _log_hierarchy(session, actor, task, "moved")
    return versioned


def delete_task(
    session: Session, actor: Actor, project_id: int, task_id: int, today: date, if_match: IfMatch
) -> None:
    project = PROJECTS.get(session, project_id)
    task = task_of(session, project, task_id)
    TASKS.delete(session, actor, task.id, today=today, if_match=if_match)


# Finding by name


def _ids_named(
    session: Session,
    kind: ConfigKind[Any, Any],
    statement: Select[Any],
    name_contains: str | None,
    limit: int,
) -> list[int]:
    found = session.scalars(
        kind.matching(statement, name_contains=name_contains).order_by(*kind.by_name()).limit(limit)
    )
    return [getattr(version, kind.owner_column.key) for version in found]


def customer_ids_named(
    session: Session, day: date, name_contains: str | None, *, limit: int
) -> list[int]:
    """The live customers in force on `day` whose name then contains the text (all of
    them for None), archived ones too, by name: at most `limit`."""
    return _ids_named(session, CUSTOMERS, CUSTOMERS.in_force(day), name_contains, limit)


def project_ids_named(
    session: Session,
    day: date,
    name_contains: str | None,
    *,
    customer_id: int | None = None,
    limit: int,
) -> list[int]:
    """As `customer_ids_named`, for projects, of a customer when one is given."""
    statement = PROJECTS.in_force(day)
    if customer_id is not None:
        statement = of_customer(statement, customer_id)
    return _ids_named(session, PROJECTS, statement, name_contains, limit)


def task_ids_named(
    session: Session,
    day: date,
    name_contains: str | None,
    *,
    subtasks: bool,
    parent_id: int | None = None,
    limit: int,
) -> list[int]:
    """As `customer_ids_named`, for tasks without a parent (of the project `parent_id`
    when given) or, with `subtasks`, for those with one (of the task `parent_id`)."""
    statement = TASKS.in_force(day)
    if subtasks:
        statement = statement.where(Task.parent_task_id.is_not(None))
        if parent_id is not None:
            statement = statement.where(Task.parent_task_id == parent_id)
    else:
        statement = statement.where(Task.parent_task_id.is_(None))
        if parent_id is not None:
            statement = statement.where(Task.project_id == parent_id)
    return _ids_named(session, TASKS, statement, name_contains, limit)
