"""Parsing McTime's requests: the bodies of `POST /times` and `POST /clock`, and the users,
organizations and time types a request names, resolved to Timeledger's ids."""

from datetime import datetime
from typing import Any, TypeVar

import orjson
from fastapi import Request
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.compat.mctime.wire import ids
from timeledger.kit.errors import BadRequest, NotFound, Unauthorized, Unprocessable
from timeledger.organization.reach import Access, Area, reached_employee_of_user
from timeledger.organization.repository import OrgUnitRepository
from timeledger.organization.today import workspace_today
from timeledger.settings.service import ACTIVITIES
from timeledger.timesheet import spans

ModelT = TypeVar("ModelT", bound=BaseModel)
MAX_TIMES_PER_POST = 100
MAX_ACCOUNTS_PER_PAGE = 10
NOT_VISIBLE = "You may not see {what}."
NO_UNIT = 0
"""What an organization id that is not one of this server's ids names: no unit (ids
start at 1)."""


class OrganizationRef(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(default=None, max_length=40)
    name: str | None = Field(default=None, max_length=200)

    @property
    def unit_id(self) -> int | None:
        if self.id is None:
            return None
        return int(self.id) if self.id.isascii() and self.id.isdigit() else NO_UNIT


class BreakIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    from_: datetime = Field(alias="from")
    to: datetime


class TimeIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    id: str | None = Field(default=None, max_length=40)
    from_: datetime = Field(alias="from")
    to: datetime
    breaks: list[BreakIn] = Field(default_factory=list, max_length=20)
    timeType: str = Field(min_length=1, max_length=100)  # noqa: N815 (McTime's name)
    comment: str = Field(default="", max_length=10_000)
    organization: OrganizationRef | None = None


class TimesIn(BaseModel):
    model_config = ConfigDict(extra="ignore")

    userId: str | None = Field(default=None, max_length=40)  # noqa: N815 (McTime's name)
    times: list[dict[str, Any]] = Field(min_length=1, max_length=MAX_TIMES_PER_POST)


class ClockRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")

    action: str = Field(pattern="^(start|break|stop|cancel|update)$")
    dateTime: datetime | None = None  # noqa: N815 (McTime's name)
    userId: str | None = Field(default=None, max_length=40)  # noqa: N815
    timeType: str | None = Field(default=None, min_length=1, max_length=100)  # noqa: N815
    comment: str | None = Field(default=None, max_length=10_000)
    organizationId: str | None = Field(default=None, max_length=40)  # noqa: N815
    organizationName: str | None = Field(default=None, max_length=200)  # noqa: N815
    organization: OrganizationRef | None = None

    @property
    def named_organization(self) -> OrganizationRef | None:
        if self.organization is not None:
            return self.organization
        if self.organizationId or self.organizationName:
            return OrganizationRef(id=self.organizationId, name=self.organizationName)
        return None


def body_of(raw: bytes, model: type[ModelT]) -> ModelT:
    try:
        return model.model_validate(orjson.loads(raw or b"null"))
    except orjson.JSONDecodeError:
        raise BadRequest("The body is not valid JSON.") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise BadRequest(f"{where}: {first['msg']}") from None


def time_of(values: dict[str, Any], index: int) -> TimeIn:
    try:
        return TimeIn.model_validate(values)
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in (f"times.{index}", *first["loc"]))
        raise Unprocessable.at(where, f"{where}: {first['msg']}", first["msg"]) from None


def aware(value: datetime, name: str) -> datetime:
    if value.tzinfo is None:
        raise Unprocessable.at(name, f"{name} has no offset.", "needs an offset")
    return spans.require_within_range(value, location=name)


def user_of(body_user_id: str | None, caller: Caller) -> int:
    """The user a body names (`userId`), else the caller."""
    return ids([body_user_id], "userId")[0] if body_user_id else caller.user_id


def visible_employee(session: Session, caller: Caller, user_id: int, access: Access) -> int:
    """The employee record of a user whose timesheet the caller may `access`; McTime
    answers 401 for a user the caller may not see."""
    try:
        return reached_employee_of_user(session, caller, Area.TIMESHEET, user_id, access).id
    except NotFound:
        raise Unauthorized(NOT_VISIBLE.format(what=f"user {user_id}"), headers={}) from None


def visible_units(session: Session, caller: Caller, request: Request) -> list[int] | None:
    """The organizations the request names: by id, else by name; None when it names none.
    Unknown ones are 401, as McTime answers for organizations out of sight."""
    today = workspace_today(session, caller.workspace_id)
    repository = OrgUnitRepository(session)
    wanted_ids = ids(request.query_params.getlist("organizationIds"), "organizationIds")
    if wanted_ids:
        matching = repository.matching(today, unit_ids=wanted_ids)
        found = {unit.id for unit in session.scalars(matching)}
        missing = [unit_id for unit_id in wanted_ids if unit_id not in found]
        if missing:
            raise Unauthorized(NOT_VISIBLE.format(what=f"organization {missing[0]}"), headers={})
        return wanted_ids
    names = request.query_params.getlist("organizationNames")
    if not names:
        return None
    named = repository.named(names, today)
    for name, unit_ids in named.items():
        if not unit_ids:
            raise Unauthorized(NOT_VISIBLE.format(what=f"organization {name[:60]!r}"), headers={})
    return sorted({unit_id for unit_ids in named.values() for unit_id in unit_ids})


def time_type_ids(session: Session, values: list[str]) -> list[int] | None:
    """The activities McTime's time types name (by key, else by id); 400 for another."""
    if not values:
        return None
    by_key = ACTIVITIES.ids_by_key(session, values)
    found = []
    for value in values:
        if value in by_key:
            found.append(by_key[value])
        elif value.isascii() and value.isdigit():
            found.append(int(value))
        else:
            raise BadRequest(f"timeTypes: {value[:40]!r} is not a time type of this workspace.")
    return found


def time_type_names(session: Session, activity_ids: list[int]) -> dict[int, str]:
    """McTime's time type of each activity: its key, else its id."""
    keys = ACTIVITIES.keys_of(session, activity_ids)
    return {activity_id: key or str(activity_id) for activity_id, key in keys.items()}


def accounts_page_size(request: Request) -> int:
    value = request.query_params.get("pageSize") or str(MAX_ACCOUNTS_PER_PAGE)
    if not value.isascii() or not value.isdigit() or not 1 <= int(value) <= MAX_ACCOUNTS_PER_PAGE:
        raise BadRequest(f"pageSize: {value[:20]!r} is not a number from 1 to 10.")
    return int(value)
