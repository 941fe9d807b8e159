"""Event types: one per (entity, operation) of the change log, named `entity.operation`
(`entry.created`, `presence.clock_in`, `employee.updated`); a type filter may also name a
whole entity as `entry.*`."""

import re
from dataclasses import dataclass

from timeledger.kit.errors import Unprocessable

MAX_TYPE_FILTERS = 50
TYPE_PATTERN = re.compile(r"^([a-z_]+)\.(\*|[a-z_]+)$")


@dataclass(frozen=True)
class Reading:
    """Who may read an entity's changes: the permission area and action whose scope
    decides, and what in the change's data names the object within that scope."""

    area: str
    action: str = "read"
    reach: str = "workspace"
    """workspace: the permission's `*` scope alone; employee: `data.employee_id` (or the
    change's own id for employees) within the scope; user: the user in scope; owner: only
    the user named by `data.user_id`, whatever the scope; project: `*`, or membership for
    `own`; concerned: the users named by `data.user_ids` (whom the change concerns),
    whatever their permissions, and holders of `area:read:*`."""


READINGS: dict[str, Reading] = {
    "workspace": Reading("workspace"),
    "role": Reading("roles"),
    "user": Reading("users", reach="user"),
    "service_user": Reading("service-users"),
    "org_unit": Reading("org-units"),
    "employee": Reading("employees", reach="employee"),
    "employment": Reading("employees", reach="employee"),
    "presence": Reading("timesheet", reach="employee"),
    "entry": Reading("timesheet", reach="employee"),
    "bookmark": Reading("timesheet", reach="owner"),
    "statement": Reading("timesheet", reach="employee"),
    "timebank-movement": Reading("timebank", reach="employee"),
    "timeoff": Reading("timeoff", reach="employee"),
    "approval": Reading("approvals", reach="concerned"),
    "activity": Reading("settings"),
    "reason": Reading("settings"),
    "dimension": Reading("settings"),
    "timebank-account": Reading("settings"),
    "holiday-calendar": Reading("settings"),
    "employment-terms": Reading("settings"),
    "worktime-policy": Reading("settings"),
    "allowance-policy": Reading("settings"),
    "settlement-policy": Reading("settings"),
    "timeoff-policy": Reading("settings"),
    "customer": Reading("projects"),
    "project": Reading("projects", reach="project"),
    "task": Reading("projects"),
}

ENTITY_OF_TYPE_PREFIX = {entity.replace("-", "_"): entity for entity in READINGS}


def event_type(entity: str, op: str) -> str:
    return f"{entity.replace('-', '_')}.{op}"


@dataclass(frozen=True)
class TypeFilter:
    """The changes a list of event types selects: whole entities and (entity, op) pairs."""

    entities: frozenset[str]
    pairs: frozenset[tuple[str, str]]

    @property
    def selects_all(self) -> bool:
        return not self.entities and not self.pairs

    def matches(self, entity: str, op: str) -> bool:
        return self.selects_all or entity in self.entities or (entity, op) in self.pairs


EVERY_TYPE = TypeFilter(frozenset(), frozenset())


def parse_types(types: list[str], location: str) -> TypeFilter:
    """`entity.op` or `entity.*` names (422 naming the first unknown one)."""
    if len(types) > MAX_TYPE_FILTERS:
        raise Unprocessable.at(
            location, f"Name at most {MAX_TYPE_FILTERS} event types.", "too many types"
        )
    entities: set[str] = set()
    pairs: set[tuple[str, str]] = set()
    for name in types:
        match = TYPE_PATTERN.match(name)
        entity = ENTITY_OF_TYPE_PREFIX.get(match.group(1)) if match else None
        if match is None or entity is None:
            known = ", ".join(sorted(ENTITY_OF_TYPE_PREFIX))
            raise Unprocessable.at(
                location,
                f"{name!r} is not an event type: write entity.operation or entity.* with "
                f"an entity among {known}.",
                "unknown event type",
            )
        if match.group(2) == "*":
            entities.add(entity)
        else:
            pairs.add((entity, match.group(2)))
    return TypeFilter(frozenset(entities), frozenset(pairs))
