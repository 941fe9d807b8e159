"""Timeledger's objects in mite's shapes, and mite's request attributes in Timeledger's.

Customers are customers, projects projects, services activities, time entries time
entries (date and minutes), the tracker the entry timer. Money is in cents (minor units)
on both sides. Timestamps carry the account's (workspace's) UTC offset.
"""

import re
from datetime import date, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries.grouping import GroupKey
from timeledger.entries.reference_names import ReferenceNames
from timeledger.entries.schemas import MAX_NOTE_LENGTH
from timeledger.kit.routing import MAX_ID
from timeledger.models import User, Workspace
from timeledger.timesheet.spans import MINUTES_PER_DAY
from timeledger.workspaces.service import get_workspace

# mite's roles for Timeledger's built-in roles; custom roles count as coworkers.
MITE_ROLES = {
    "owner": "owner",
    "admin": "admin",
    "manager": "coworker",
    "developer": "coworker",
    "employee": "time_tracker",
}
COWORKER = "coworker"
GROUP_KEYS = {
    "user": GroupKey.USER,
    "customer": GroupKey.CUSTOMER,
    "project": GroupKey.PROJECT,
    "service": GroupKey.ACTIVITY,
    "day": GroupKey.DAY,
    "week": GroupKey.WEEK,
    "month": GroupKey.MONTH,
    "year": GroupKey.YEAR,
}
SORTS = {"service": "activity"}
_LOOSE_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


class Clock:
    """Renders instants with the account's UTC offset, as mite does."""

    def __init__(self, timezone: str) -> None:
        self.zone = ZoneInfo(timezone)

    def __call__(self, instant: datetime | None) -> datetime | None:
        if instant is None:
            return None
        return instant.astimezone(self.zone).replace(microsecond=0)


def clock_of(session: Session, caller: Caller) -> Clock:
    return Clock(get_workspace(session, caller).timezone)


# Reading


def account(workspace: Workspace, clock: Clock) -> dict[str, Any]:
    return {
        "id": workspace.id,
        "name": workspace.name,
        "title": workspace.name,
        "currency": workspace.currency,
        "created_at": clock(workspace.created_at),
        "updated_at": clock(workspace.updated_at),
    }


def user(row: User, clock: Clock) -> dict[str, Any]:
    return {
        "id": row.id,
        "name": row.name,
        "email": row.email,
        "note": "",
        "archived": row.status != "active",
        "language": row.language,
        "role": MITE_ROLES.get(row.role.name, COWORKER),
        "created_at": clock(row.created_at),
        "updated_at": clock(row.updated_at),
    }


def _rates(hourly_rate: int | None, per_service: list[dict[str, int]]) -> dict[str, Any]:
    if per_service:
        active = "hourly_rates_per_service"
    elif hourly_rate is not None:
        active = "hourly_rate"
    else:
        active = None
    return {
        "hourly_rate": hourly_rate,
        "active_hourly_rate": active,
        "hourly_rates_per_service": per_service,
    }


def customer(entity: Any, version: Any, clock: Clock) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": version.name,
        "note": version.note,
        "archived": version.archived,
        **_rates(version.hourly_rate_minor, []),
        "created_at": clock(entity.created_at),
        "updated_at": clock(entity.updated_at),
    }


def project(
    entity: Any,
    version: Any,
    customer_name: str | None,
    per_service: list[dict[str, int]],
    clock: Clock,
) -> dict[str, Any]:
    budget_type = "cents" if version.budget_kind == "money" else "minutes"
    return {
        "id": entity.id,
        "name": version.name,
        "note": version.note,
        "customer_id": version.customer_id,
        "customer_name": customer_name,
        "budget": version.budget_amount or 0,
        "budget_type": budget_type,
        "archived": version.archived,
        **_rates(version.hourly_rate_minor, per_service),
        "created_at": clock(entity.created_at),
        "updated_at": clock(entity.updated_at),
    }


def service(entity: Any, version: Any, clock: Clock) -> dict[str, Any]:
    return {
        "id": entity.id,
        "name": version.name,
        "note": "",
        "hourly_rate": version.hourly_rate_minor,
        "billable": version.billable,
        "archived": version.archived,
        "created_at": clock(entity.created_at),
        "updated_at": clock(entity.updated_at),
    }


def time_entry(entry: dict[str, Any], names: ReferenceNames, clock: Clock) -> dict[str, Any]:
    """A native entry (as `render_entry` shows it) in mite's fields."""
    revenue = entry["revenue_minor"]
    values: dict[str, Any] = {
        "id": entry["id"],
        "minutes": entry["minutes"],
        "date_at": entry["date"],
        "note": entry["note"],
        "billable": entry["billable"],
        "locked": entry["locked"],
        "revenue": float(revenue) if revenue is not None else None,
        "hourly_rate": entry["hourly_rate_minor"] or 0,
        "user_id": entry["user_id"],
        "user_name": names.users.get(entry["user_id"] or 0),
        "project_id": entry["project_id"],
        "project_name": names.projects.get(entry["project_id"] or 0),
        "customer_id": entry["customer_id"],
        "customer_name": names.customers.get(entry["customer_id"] or 0),
        "service_id": entry["activity_id"],
        "service_name": names.activities.get(entry["activity_id"]),
        "created_at": clock(entry["created_at"]),
        "updated_at": clock(entry["updated_at"]),
    }
    tracking = entry["tracking"]
    if tracking is not None:
        values["tracking"] = {"minutes": tracking["minutes"], "since": clock(tracking["since"])}
    return values


def tracking_entry(entry: dict[str, Any], clock: Clock) -> dict[str, Any]:
    tracking = entry["tracking"]
    return {
        "id": entry["id"],
        "minutes": tracking["minutes"],
        "since": clock(tracking["since"]),
    }


def stopped_entry(entry: dict[str, Any]) -> dict[str, Any]:
    return {"id": entry["id"], "minutes": entry["minutes"]}


def group(
    item: dict[str, Any], keys: tuple[GroupKey, ...], names: ReferenceNames
) -> dict[str, Any]:
    """A native group (see entries.grouping) in mite's `time_entry_group` fields."""
    values: dict[str, Any] = {
        "minutes": item["minutes"],
        "revenue": float(item["revenue_minor"]),
    }
    for key in keys:
        match key:
            case GroupKey.USER:
                values["user_id"] = item["user_id"]
                values["user_name"] = names.users.get(item["user_id"] or 0)
            case GroupKey.CUSTOMER:
                values["customer_id"] = item["customer_id"]
                values["customer_name"] = names.customers.get(item["customer_id"] or 0)
            case GroupKey.PROJECT:
                values["project_id"] = item["project_id"]
                values["project_name"] = names.projects.get(item["project_id"] or 0)
            case GroupKey.ACTIVITY:
                values["service_id"] = item["activity_id"]
                values["service_name"] = names.activities.get(item["activity_id"])
            case GroupKey.DAY:
                values["day"] = item["day"]
            case GroupKey.WEEK:
                year, week, _ = item["week"].isocalendar()
                values["year"], values["week"] = year, week
            case GroupKey.MONTH:
                year, month = item["month"].split("-")
                values["year"], values["month"] = int(year), int(month)
            case GroupKey.YEAR:
                values["year"] = item["year"]
    values["from"] = item["first_date"]
    values["to"] = item["last_date"]
    values["time_entries_params"] = time_entries_params(item["entries_params"], item)
    return values


NATIVE_TO_MITE_PARAMS = {"activity_id": "service_id"}
NATIVE_ONLY_PARAMS = ("employee_id", "activity_type", "org_unit_id")


def time_entries_params(params: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """The native list parameters of a group as mite's `/time_entries` parameters."""
    mite: dict[str, Any] = {}
    for name, value in params.items():
        if name == "employee_id" and "employee_id" in item:
            mite["user_id"] = item["user_id"]
        elif name not in NATIVE_ONLY_PARAMS:
            mite[NATIVE_TO_MITE_PARAMS.get(name, name)] = value
    return mite


# Writing


def loose_date(value: Any) -> Any:
    """mite accepts dates without leading zeros (`2015-9-12`)."""
    if isinstance(value, str):
        match = _LOOSE_DATE.match(value.strip())
        if match:
            year, month, day = (int(part) for part in match.groups())
            try:
                return date(year, month, day)
            except ValueError:
                raise ValueError(f"{value[:20]!r} is not a date") from None
    return value


MiteDate = Annotated[date, BeforeValidator(loose_date)]
MiteId = Annotated[int, Field(ge=1, le=MAX_ID)]
Cents = Annotated[int, Field(ge=0, le=100_000_000_00)]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\x00]*$")]
Note = Annotated[str, Field(max_length=MAX_NOTE_LENGTH, pattern=r"^[^\x00]*$")]


class Attributes(BaseModel):
    """What mite clients send; attributes mite does not accept on write are ignored, as
    mite ignores them (`id`, timestamps, names)."""

    model_config = ConfigDict(extra="ignore")


class TimeEntryIn(Attributes):
    date_at: MiteDate | None = None
    minutes: Annotated[int, Field(ge=0, le=MINUTES_PER_DAY)] | None = None
    note: Note | None = None
    user_id: MiteId | None = None
    project_id: MiteId | None = None
    service_id: MiteId | None = None
    locked: bool | None = None
    force: bool | None = None


class ServicePerRate(BaseModel):
    service_id: MiteId
    hourly_rate: Cents


class CustomerIn(Attributes):
    name: Name | None = None
    note: Note | None = None
    hourly_rate: Cents | None = None
    archived: bool | None = None


class ProjectIn(CustomerIn):
    customer_id: MiteId | None = None
    budget: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None
    budget_type: Annotated[str, Field(pattern="^(minutes|cents)$")] | None = None
    hourly_rates_per_service: list[ServicePerRate] | None = Field(default=None, max_length=500)


class ServiceIn(Attributes):
    name: Name | None = None
    note: Note | None = None
    hourly_rate: Cents | None = None
    billable: bool | None = None
    archived: bool | None = None
