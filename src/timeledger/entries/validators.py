"""One function per rule a time entry must satisfy besides the time rules of
`timesheet.spans`. Each raises the problem that names what is wrong; the service runs
them on the complete values an entry would have."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from timeledger.entries.schemas import ApprovalStatus
from timeledger.kit.errors import Conflict, Forbidden, Locked, Unprocessable
from timeledger.models import Employee, Employment, TimeEntry
from timeledger.projects.service import PROJECTS, TASKS
from timeledger.settings.service import ACTIVITIES, DIMENSIONS
from timeledger.settings.store import ConfigKind, require_effective

SETTLED_STATUSES = frozenset({ApprovalStatus.APPROVED, ApprovalStatus.EXPORTED})


@dataclass(frozen=True)
class References:
    """The versions in force on the entry's date of what the entry refers to."""

    activity: Any
    project: Any | None
    task: Any | None


def date_within_employment(employee: Employee, periods: Sequence[Employment], day: date) -> None:
    """An employee with employment periods (`periods`: all of theirs) records time only
    inside one of them; one without any (for example created for a user by the
    compatibility faces) is unbounded."""
    if not periods:
        return
    if any(p.starts_on <= day and (p.ends_on is None or day <= p.ends_on) for p in periods):
        return
    raise Unprocessable.at(
        "body.date",
        f"Employee {employee.id} is not employed on {day}; their employment periods are "
        + ", ".join(f"{p.starts_on}..{p.ends_on or ''}" for p in periods)
        + ".",
        "outside the employment",
    )


VersionOf = Callable[[ConfigKind[Any, Any], int], Any | None]
"""The version in force on the entry's day of a live entity of a kind, as read before (a
batch reads its references at once), or None when unknown: the rule then asks the
database, which also says why an entity is not in force."""


def _unknown(_kind: ConfigKind[Any, Any], _entity_id: int) -> None:
    return None


def _live_version(session: Session, kind: ConfigKind[Any, Any], entity_id: int, day: date,
                  location: str, version_of: VersionOf) -> Any:  # fmt: skip
    version = version_of(kind, entity_id)
    if version is None:
        require_effective(session, kind, [entity_id], day, location=location)
        version = kind.history.as_of(session, entity_id, day)
        assert version is not None
    if version.archived:
        raise Unprocessable.at(
            location,
            f"{kind.label.capitalize()} {entity_id} is archived; time cannot be booked on it.",
            "archived",
        )
    return version


def references_effective(
    session: Session,
    day: date,
    activity_id: int,
    project_id: int | None,
    task_id: int | None,
    version_of: VersionOf = _unknown,
) -> References:
    activity = _live_version(session, ACTIVITIES, activity_id, day, "body.activity_id", version_of)
    project = (
        _live_version(session, PROJECTS, project_id, day, "body.project_id", version_of)
        if project_id is not None
        else None
    )
    task = None
    if task_id is not None:
        if project_id is None:
            raise Unprocessable.at(
                "body.task_id", "A task needs its project_id.", "needs a project"
            )
        task = _live_version(session, TASKS, task_id, day, "body.task_id", version_of)
        task_entity = TASKS.get(session, task_id)
        if task_entity.project_id != project_id:
            raise Unprocessable.at(
                "body.task_id",
                f"Task {task_id} belongs to project {task_entity.project_id}, not {project_id}.",
                "task of another project",
            )
    return References(activity=activity, project=project, task=task)


def project_when_required(references: References, activity_id: int) -> None:
    if references.activity.requires_project and references.project is None:
        raise Unprocessable.at(
            "body.project_id",
            f"Activity {activity_id} ({references.activity.name}) requires a project.",
            "required by the activity",
        )


def dimension_values_allowed(
    session: Session, day: date, activity_version: Any, values: dict[str, str]
) -> None:
    required = [str(dimension_id) for dimension_id in activity_version.required_dimension_ids or []]
    missing = [dimension_id for dimension_id in required if dimension_id not in values]
    if missing:
        raise Unprocessable.at(
            "body.dimension_values",
            f"The activity requires dimension(s) {', '.join(missing)}.",
            "required dimension missing",
        )
    ids = [int(key) for key in values]
    require_effective(session, DIMENSIONS, ids, day, location="body.dimension_values")
    for key, value in values.items():
        dimension = DIMENSIONS.history.as_of(session, int(key), day)
        assert dimension is not None
        allowed = dimension.allowed_values or []
        if allowed and value not in allowed:
            raise Unprocessable.at(
                f"body.dimension_values.{key}",
                f"{value!r} is not an allowed value of dimension {key} ({dimension.name}); "
                f"allowed: {', '.join(allowed)}.",
                "value not allowed",
            )


def not_locked(entry: TimeEntry, *, force: bool, may_force: bool) -> None:
    if not entry.locked:
        return
    if not force:
        raise Locked(
            f"Time entry {entry.id} is locked; an administrator can change it with force=true.",
            extra={"entry_id": entry.id},
        )
    if not may_force:
        raise Forbidden("Changing a locked entry with force needs timesheet:force:*.")


def force_allowed(*, force: bool, may_force: bool) -> None:
    if force and not may_force:
        raise Forbidden("force=true needs timesheet:force:*.")


def settled_entry_unchanged_by_owner(entry: TimeEntry, *, acting_as_owner: bool) -> None:
    if acting_as_owner and entry.approval_status in SETTLED_STATUSES:
        raise Conflict(
            f"Time entry {entry.id} is {entry.approval_status}; its owner can no longer "
            "change it. Ask an approver.",
            extra={"entry_id": entry.id, "approval_status": entry.approval_status},
        )
