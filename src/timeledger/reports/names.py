"""Names of people and configuration (and an account's unit) as they were on a date
(their effective-dated versions), looked up for many ids and dates with one query per
kind."""

from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import ColumnElement, Connection, Table, select

from timeledger.kit.membership import among
from timeledger.models import EmployeeVersion, OrgUnitVersion
from timeledger.models.projects import CustomerVersion, ProjectVersion, TaskVersion
from timeledger.models.settings import ActivityVersion, TimebankAccountVersion


@dataclass(frozen=True)
class VersionedName:
    table: Table
    owner: str
    name_columns: tuple[str, ...]


def _table(model: Any) -> Table:
    table: Table = model.__table__
    return table


class NamedKind(Enum):
    EMPLOYEE = VersionedName(_table(EmployeeVersion), "employee_id", ("first_name", "last_name"))
    ORG_UNIT = VersionedName(_table(OrgUnitVersion), "org_unit_id", ("name",))
    CUSTOMER = VersionedName(_table(CustomerVersion), "customer_id", ("name",))
    PROJECT = VersionedName(_table(ProjectVersion), "project_id", ("name",))
    TASK = VersionedName(_table(TaskVersion), "task_id", ("name",))
    ACTIVITY = VersionedName(_table(ActivityVersion), "activity_id", ("name",))
    ACCOUNT = VersionedName(_table(TimebankAccountVersion), "timebank_account_id", ("name",))
    ACCOUNT_UNIT = VersionedName(_table(TimebankAccountVersion), "timebank_account_id", ("unit",))


@dataclass(frozen=True)
class NameHistory:
    """One entity's names by the dates they took effect, in order."""

    starts: tuple[date, ...]
    names: tuple[str, ...]

    def on(self, day: date) -> str:
        """The name in force on `day`; before the entity existed, its first name."""
        if len(self.names) == 1:
            return self.names[0]
        position = bisect_right(self.starts, day) - 1
        return self.names[max(position, 0)]


def name_histories(
    connection: Connection, workspace_id: int, kind: NamedKind, ids: Iterable[int]
) -> dict[int, NameHistory]:
    """The name histories of those of `ids` that are entities of `kind` in the workspace
    (of two versions of one date, the later recorded wins, as `in_force_of` decides)."""
    wanted = sorted({value for value in ids if value})
    if not wanted:
        return {}
    spec = kind.value
    columns = spec.table.c
    owner: ColumnElement[Any] = columns[spec.owner]
    rows = connection.execute(
        select(owner, columns.effective_from, *(columns[name] for name in spec.name_columns))
        .where(columns.workspace_id == workspace_id, among(owner, wanted))
        .order_by(owner, columns.effective_from, columns.id)
    )
    starts: dict[int, list[date]] = {}
    names: dict[int, list[str]] = {}
    for row in rows:
        owner_id, effective_from, *parts = row
        name = " ".join(part for part in parts if part)
        day_list = starts.setdefault(owner_id, [])
        name_list = names.setdefault(owner_id, [])
        if day_list and day_list[-1] == effective_from:
            name_list[-1] = name
        else:
            day_list.append(effective_from)
            name_list.append(name)
    return {
        owner_id: NameHistory(tuple(starts[owner_id]), tuple(names[owner_id]))
        for owner_id in starts
    }


class NameBook:
    """The name histories a whole report needs, each read once: a report in batches
    names the same people and projects in batch after batch."""

    def __init__(self, connection: Connection, workspace_id: int) -> None:
        self.connection = connection
        self.workspace_id = workspace_id
        self._known: dict[NamedKind, dict[int, NameHistory | None]] = {}

    def histories(self, kind: NamedKind, ids: Iterable[int]) -> dict[int, NameHistory | None]:
        """The histories of `ids` (None for an id that is no entity of `kind`), and of
        every id asked for before."""
        known = self._known.setdefault(kind, {})
        missing = {value for value in ids if value and value not in known}
        if missing:
            found = name_histories(self.connection, self.workspace_id, kind, missing)
            known.update({value: found.get(value) for value in missing})
        return known
