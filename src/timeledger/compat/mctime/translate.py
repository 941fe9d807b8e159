"""Timeledger's objects in McTime's shapes. Ids are rendered as strings (McTime's are
opaque strings); time types are activity keys; organizations are org units."""

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from timeledger.entries.rendering import span_of
from timeledger.models import EmployeeVersion, User
from timeledger.users.repository import RoleNames

# McTime's roles for Timeledger's built-in roles; custom roles count as employees.
MCTIME_ROLES = {
    "owner": "main_administrator",
    "admin": "administrator",
    "manager": "manager",
    "developer": "employee",
    "employee": "employee",
}
EMPLOYEE = "employee"


def role_of(user: User) -> str:
    return MCTIME_ROLES.get(user.role.name, EMPLOYEE)


def roles_named(mctime_roles: set[str]) -> RoleNames:
    """Timeledger's roles that McTime's roles name: custom roles count as employees."""
    named = frozenset(role for role, mctime in MCTIME_ROLES.items() if mctime in mctime_roles)
    if EMPLOYEE in mctime_roles:
        return RoleNames(frozenset(MCTIME_ROLES) - named, all_but=True)
    return RoleNames(named)


def names_of(user: User, version: EmployeeVersion | None) -> tuple[str, str]:
    """First and last name: the employee record's, else the user's name split once."""
    if version is not None:
        return version.first_name, version.last_name
    first, _, last = user.name.partition(" ")
    return first, last


def person(user: User, version: EmployeeVersion | None) -> dict[str, Any]:
    first, last = names_of(user, version)
    return {
        "userId": str(user.id),
        "userName": f"{first} {last}".strip(),
        "userFirstName": first,
        "userLastName": last,
    }


def user(row: User, version: EmployeeVersion | None) -> dict[str, Any]:
    first, last = names_of(row, version)
    return {
        "id": str(row.id),
        "email": row.email,
        "firstName": first,
        "lastName": last,
        "role": role_of(row),
        "inactive": row.status != "active",
    }


def organization(unit_id: int, version: Any, today: Any) -> dict[str, Any]:
    return {
        "id": str(unit_id),
        "organizationName": version.name,
        "type": version.type,
        "parentId": str(version.parent_id) if version.parent_id is not None else None,
        "inactive": version.valid_to is not None and version.valid_to < today,
    }


def time_entry(
    entry: dict[str, Any],
    *,
    timezone: str,
    time_type: str,
    unit_id: int | None,
    unit_name: str | None,
) -> dict[str, Any]:
    zone = ZoneInfo(entry["timezone"] or timezone)
    start, end = span_of(entry, timezone)
    return {
        "id": str(entry["id"]),
        "from": start.astimezone(zone).isoformat(timespec="seconds"),
        "to": end.astimezone(zone).isoformat(timespec="seconds"),
        "breaks": [
            {
                "id": f"{entry['id']}-{index}",
                "from": _at(pause["started_at"]).astimezone(zone).isoformat(timespec="seconds"),
                "to": _at(pause["ended_at"]).astimezone(zone).isoformat(timespec="seconds"),
                "automatic": False,
            }
            for index, pause in enumerate(entry["breaks"], start=1)
        ],
        "comment": entry["note"],
        "type": time_type,
        "organizationId": str(unit_id) if unit_id is not None else None,
        "organizationName": unit_name,
        "approvalStatus": entry["approval_status"],
        "creationType": entry["creation_type"] or "null",
    }


def _at(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value))


def epoch_ms(instant: datetime) -> int:
    return int(instant.timestamp() * 1000)
