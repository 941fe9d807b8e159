"""Routes of the Settings area: parse, call a service, render."""

from collections.abc import Awaitable, Callable
from functools import partial
from typing import Annotated, Any

from fastapi import Depends, Query, Response, status
from sqlalchemy import Select

from timeledger.access.caller import Allowed, Caller
from timeledger.kit.pagination import Page
from timeledger.kit.routing import ResourceId, api_router, created
from timeledger.kit.uow import UnitOfWork, check_before_the_endpoint
from timeledger.models import ActivityVersion
from timeledger.organization.today import workspace_today
from timeledger.settings import schemas, service
from timeledger.settings.kind_routes import (
    ConfigRoutes,
    Filter,
    actor_of,
    add_config_routes,
    no_filter,
)
from timeledger.settings.kind_schemas import ConfigDate
from timeledger.settings.schemas import ActivityType, CustomDayCreate, CustomDayRead, HolidayDay

settings_router = api_router("Settings", prefix="/settings")


async def activity_filters(
    type_filter: Annotated[ActivityType | None, Query(alias="type")] = None,
    parent_id: Annotated[
        int | None, Query(ge=1, le=2**63 - 1, description="Children of this activity.")
    ] = None,
    top_level: Annotated[
        bool | None, Query(description="true: only activities without a parent.")
    ] = None,
) -> Filter:
    def apply(statement: Select[Any]) -> Select[Any]:
        if type_filter is not None:
            statement = statement.where(ActivityVersion.type == type_filter)
        if parent_id is not None:
            statement = statement.where(ActivityVersion.parent_id == parent_id)
        if top_level is True:
            statement = statement.where(ActivityVersion.parent_id.is_(None))
        if top_level is False:
            statement = statement.where(ActivityVersion.parent_id.is_not(None))
        return statement

    return apply


def _routes(
    path: str, kind: Any, prefix: str, filters: Callable[..., Awaitable[Filter]] | None = None
) -> ConfigRoutes:
    return ConfigRoutes(
        path=path,
        kind=kind,
        create_schema=getattr(schemas, f"{prefix}Create"),
        update_schema=getattr(schemas, f"{prefix}Update"),
        read_schema=getattr(schemas, f"{prefix}Read"),
        version_schema=getattr(schemas, f"{prefix}VersionRead"),
        filters=filters or no_filter,
    )


for spec in (
    _routes("/activities", service.ACTIVITIES, "Activity", activity_filters),
    _routes("/reasons", service.REASONS, "Reason"),
    _routes("/dimensions", service.DIMENSIONS, "Dimension"),
    _routes("/timebank-accounts", service.TIMEBANK_ACCOUNTS, "TimebankAccount"),
    _routes("/holiday-calendars", service.HOLIDAY_CALENDARS, "HolidayCalendar"),
    _routes("/worktime-policies", service.WORKTIME_POLICIES, "WorktimePolicy"),
    _routes("/allowance-policies", service.ALLOWANCE_POLICIES, "AllowancePolicy"),
    _routes("/settlement-policies", service.SETTLEMENT_POLICIES, "SettlementPolicy"),
    _routes("/timeoff-policies", service.TIMEOFF_POLICIES, "TimeoffPolicy"),
    _routes("/employment-terms", service.EMPLOYMENT_TERMS, "EmploymentTerms"),
):
    add_config_routes(settings_router, spec)


# Holiday calendar days


@settings_router.get(
    "/holiday-calendars/{calendar_id}/days",
    response_model=list[HolidayDay],
    summary="Holidays of a year: generated from the country rules, plus custom days",
)
def list_holiday_days(
    calendar_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("settings:read:*")],
    year: Annotated[
        int | None, Query(ge=1950, le=2100, description="Default: the current year.")
    ] = None,
) -> list[HolidayDay]:
    day = workspace_today(session, caller.workspace_id)
    return service.holiday_days(session, calendar_id, year or day.year)


@settings_router.get(
    "/holiday-calendars/{calendar_id}/custom-days",
    response_model=Page[CustomDayRead],
    summary="Custom days of a holiday calendar",
)
def list_custom_days(
    calendar_id: ResourceId,
    session: UnitOfWork,
    _caller: Annotated[Caller, Allowed("settings:read:*")],
) -> Page[CustomDayRead]:
    days = service.custom_days(session, calendar_id)
    return Page(items=[CustomDayRead.model_validate(day) for day in days], next_cursor=None)


async def existing_calendar(calendar_id: ResourceId, session: UnitOfWork) -> int:
    """The calendar's id, known to exist before the endpoint runs: a 404 comes before body
    validation."""
    check_before_the_endpoint(partial(service.HOLIDAY_CALENDARS.get, session, calendar_id))
    return calendar_id


@settings_router.post(
    "/holiday-calendars/{calendar_id}/custom-days",
    status_code=status.HTTP_201_CREATED,
    response_model=CustomDayRead,
    summary="Add a custom day (or remove a generated holiday) to a holiday calendar",
)
def add_custom_day(
    caller: Annotated[Caller, Allowed("settings:update:*")],
    calendar_id: Annotated[int, Depends(existing_calendar)],
    body: CustomDayCreate,
    response: Response,
    session: UnitOfWork,
) -> CustomDayRead:
    custom = service.add_custom_day(session, actor_of(caller), calendar_id, body)
    created(
        response,
        f"/api/settings/holiday-calendars/{calendar_id}/custom-days/{custom.day.isoformat()}",
    )
    return CustomDayRead.model_validate(custom)


@settings_router.delete(
    "/holiday-calendars/{calendar_id}/custom-days/{day}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Remove a custom day from a holiday calendar",
)
def remove_custom_day(
    calendar_id: ResourceId,
    day: ConfigDate,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("settings:update:*")],
) -> None:
    service.remove_custom_day(session, actor_of(caller), calendar_id, day)
