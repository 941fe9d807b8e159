"""Rules of the Settings area: each kind of configuration described once on the shared
effective-dated store, with the checks of its references and of who refers to it."""

from datetime import date
from typing import Any

import holidays
from sqlalchemy.orm import Session

from timeledger.kit.errors import Conflict, NotFound, Unprocessable
from timeledger.models import (
    Activity,
    ActivityVersion,
    Dimension,
    DimensionVersion,
    EmploymentTerms,
    EmploymentTermsVersion,
    HolidayCalendar,
    HolidayCalendarVersion,
    HolidayCustomDay,
    Reason,
    ReasonVersion,
    TimebankAccount,
    TimebankAccountVersion,
    TimeEntry,
)
from timeledger.settings.referrers import entries_booked_on, movements_on
from timeledger.settings.repository import HolidayDayRepository, projects_rating_activity
from timeledger.settings.schemas import CustomDayCreate, HolidayDay
from timeledger.settings.store import (
    Actor,
    ConfigKind,
    NewEntity,
    names_of,
    require_effective,
)

MAX_NESTING = 32


# Activities


def _validate_activity(
    session: Session, values: dict[str, Any], day: date, activity_id: int | None
) -> None:
    parent_id = values.get("parent_id")
    if parent_id is not None:
        if parent_id == activity_id:
            raise Unprocessable.at(
                "body.parent_id", "An activity cannot be its own parent.", "self"
            )
        require_effective(session, ACTIVITIES, [parent_id], day, location="body.parent_id")
        parent = ACTIVITIES.history.as_of(session, parent_id, day)
        assert parent is not None
        if parent.type != values["type"]:
            raise Unprocessable.at(
                "body.type",
                f"A child activity shares its parent's type: parent {parent_id} is "
                f"{parent.type!r}, this activity {values['type']!r}.",
                "differs from the parent's type",
            )
        ancestor: ActivityVersion | None = parent
        for _ in range(MAX_NESTING):
            if ancestor is None or ancestor.parent_id is None:
                break
            if ancestor.parent_id == activity_id:
                raise Unprocessable.at(
                    "body.parent_id",
                    f"Activity {parent_id} lies below this activity; moving it there would "
                    "make a cycle.",
                    "cycle",
                )
            ancestor = ACTIVITIES.history.as_of(session, ancestor.parent_id, day)
    if activity_id is not None:
        children = names_of(
            session,
            ACTIVITIES,
            ACTIVITIES.in_force_from(session, day),
            lambda child: child.parent_id == activity_id and child.type != values["type"],
        )
        if children:
            raise Unprocessable.at(
                "body.type",
                f"Child activities share their parent's type; {', '.join(children)} would "
                "differ. Change them first.",
                "differs from the children's type",
            )
    require_effective(
        session,
        DIMENSIONS,
        values.get("required_dimension_ids") or [],
        day,
        location="body.required_dimension_ids",
    )


def _activity_referrers(session: Session, activity_id: int, day: date) -> list[str]:
    children = names_of(
        session,
        ACTIVITIES,
        ACTIVITIES.in_force_from(session, day),
        lambda child: child.parent_id == activity_id,
    )
    rated_projects = [
        f"the activity rate of project {project_id}"
        for project_id in projects_rating_activity(session, activity_id)
    ]
    return (
        children + rated_projects + entries_booked_on(session, TimeEntry.activity_id, activity_id)
    )


ACTIVITIES: ConfigKind[Activity, ActivityVersion] = ConfigKind(
    name="activity",
    label="activity",
    entity_model=Activity,
    version_model=ActivityVersion,
    owner_column=ActivityVersion.activity_id,
    fields=(
        "name",
        "type",
        "parent_id",
        "requires_project",
        "required_dimension_ids",
        "billable",
        "hourly_rate_minor",
        "color",
        "archived",
    ),
    nullable=frozenset({"parent_id", "hourly_rate_minor", "color"}),
    validate=_validate_activity,
    referrers=_activity_referrers,
)


# Reasons and dimensions


def _reason_referrers(session: Session, reason_id: int, day: date) -> list[str]:
    return names_of(
        session,
        EMPLOYMENT_TERMS,
        EMPLOYMENT_TERMS.in_force_from(session, day),
        lambda terms: reason_id in (terms.reason_ids or []),
    )


REASONS: ConfigKind[Reason, ReasonVersion] = ConfigKind(
    name="reason",
    label="reason",
    entity_model=Reason,
    version_model=ReasonVersion,
    owner_column=ReasonVersion.reason_id,
    fields=("name", "archived"),
    referrers=_reason_referrers,
)


def _dimension_referrers(session: Session, dimension_id: int, day: date) -> list[str]:
    return names_of(
        session,
        ACTIVITIES,
        ACTIVITIES.in_force_from(session, day),
        lambda activity: dimension_id in (activity.required_dimension_ids or []),
    )


DIMENSIONS: ConfigKind[Dimension, DimensionVersion] = ConfigKind(
    name="dimension",
    label="dimension",
    entity_model=Dimension,
    version_model=DimensionVersion,
    owner_column=DimensionVersion.dimension_id,
    fields=("name", "allowed_values", "archived"),
    referrers=_dimension_referrers,
)


# Timebank accounts


def _validate_account(
    session: Session, values: dict[str, Any], day: date, account_id: int | None
) -> None:
    if account_id is None or values["unit"] == "hours":
        return
    terms = names_of(
        session,
        EMPLOYMENT_TERMS,
        EMPLOYMENT_TERMS.in_force_from(session, day),
        lambda version: version.flex_account_id == account_id,
    )
    if terms:
        raise Unprocessable.at(
            "body.unit",
            f"{', '.join(terms)} use this account as flex account, which counts hours.",
            "flex accounts count hours",
        )


def _account_referrers(session: Session, account_id: int, day: date) -> list[str]:
    return names_of(
        session,
        EMPLOYMENT_TERMS,
        EMPLOYMENT_TERMS.in_force_from(session, day),
        lambda terms: terms.flex_account_id == account_id,
    ) + movements_on(session, account_id)


TIMEBANK_ACCOUNTS: ConfigKind[TimebankAccount, TimebankAccountVersion] = ConfigKind(
    name="timebank-account",
    label="timebank account",
    entity_model=TimebankAccount,
    version_model=TimebankAccountVersion,
    owner_column=TimebankAccountVersion.timebank_account_id,
    fields=("name", "unit", "archived"),
    validate=_validate_account,
    referrers=_account_referrers,
)


# Holiday calendars


def _validate_calendar(
    _session: Session, values: dict[str, Any], _day: date, _calendar_id: int | None
) -> None:
    country, subdivision = values.get("country"), values.get("subdivision")
    if country is None:
        if subdivision is not None:
            raise Unprocessable.at(
                "body.subdivision", "A subdivision needs a country.", "needs a country"
            )
        return
    supported = holidays.list_supported_countries()
    if country not in supported:
        raise Unprocessable.at(
            "body.country",
            f"No holiday rules are known for country {country!r}.",
            "unsupported country",
        )
    if subdivision is not None and subdivision not in supported[country]:
        raise Unprocessable.at(
            "body.subdivision",
            f"{subdivision!r} is not a subdivision of {country} the holiday rules know; "
            f"known: {', '.join(supported[country][:60]) or 'none'}.",
            "unknown subdivision",
        )


def _calendar_referrers(session: Session, calendar_id: int, day: date) -> list[str]:
    return names_of(
        session,
        EMPLOYMENT_TERMS,
        EMPLOYMENT_TERMS.in_force_from(session, day),
        lambda terms: terms.holiday_calendar_id == calendar_id,
    )


HOLIDAY_CALENDARS: ConfigKind[HolidayCalendar, HolidayCalendarVersion] = ConfigKind(
    name="holiday-calendar",
    label="holiday calendar",
    entity_model=HolidayCalendar,
    version_model=HolidayCalendarVersion,
    owner_column=HolidayCalendarVersion.holiday_calendar_id,
    fields=("name", "country", "subdivision", "archived"),
    nullable=frozenset({"country", "subdivision"}),
    validate=_validate_calendar,
    referrers=_calendar_referrers,
)


def add_custom_day(
    session: Session, actor: Actor, calendar_id: int, data: CustomDayCreate
) -> HolidayCustomDay:
    calendar = HOLIDAY_CALENDARS.get(session, calendar_id)
    repository = HolidayDayRepository(session)
    if repository.on(calendar.id, data.day) is not None:
        raise Conflict(
            f"Holiday calendar {calendar.id} has a custom day on {data.day} already; "
            "remove it first.",
            errors=[{"location": "body.day", "message": "day taken"}],
        )
    custom = repository.add(
        HolidayCustomDay(
            workspace_id=actor.workspace_id,
            holiday_calendar_id=calendar.id,
            day=data.day,
            name=data.name,
            removed=data.removed,
        )
    )
    _touch_calendar(session, actor, calendar, "custom-day-added", custom)
    return custom


def remove_custom_day(session: Session, actor: Actor, calendar_id: int, day: date) -> None:
    calendar = HOLIDAY_CALENDARS.get(session, calendar_id)
    repository = HolidayDayRepository(session)
    custom = repository.on(calendar.id, day)
    if custom is None:
        raise NotFound(f"Holiday calendar {calendar.id} has no custom day on {day}.")
    repository.delete(custom)
    _touch_calendar(session, actor, calendar, "custom-day-removed", custom)


def _touch_calendar(
    session: Session,
    actor: Actor,
    calendar: HolidayCalendar,
    op: str,
    custom: HolidayCustomDay,
) -> None:
    from timeledger.changelog.service import record_change
    from timeledger.kit.clock import utcnow

    calendar.row_version += 1
    calendar.updated_at = utcnow()
    session.flush()
    record_change(
        session,
        workspace_id=actor.workspace_id,
        actor_user_id=actor.user_id,
        entity=HOLIDAY_CALENDARS.name,
        entity_id=calendar.id,
        op=op,
        data={"day": custom.day.isoformat(), "name": custom.name, "removed": custom.removed},
    )


def custom_days(session: Session, calendar_id: int) -> list[HolidayCustomDay]:
    calendar = HOLIDAY_CALENDARS.get(session, calendar_id)
    return HolidayDayRepository(session).of(calendar.id)


def _version_on(versions: list[HolidayCalendarVersion], day: date) -> HolidayCalendarVersion | None:
    """The version in force on `day` among a history ordered by (effective_from, id)."""
    current = None
    for version in versions:
        if version.effective_from > day:
            break
        current = version
    return current


def holiday_days(session: Session, calendar_id: int, year: int) -> list[HolidayDay]:
    """The holidays of a year: those the country rules of each version generate for the
    days that version is in force, with custom days added and removed ones taken out."""
    calendar = HOLIDAY_CALENDARS.get(session, calendar_id)
    versions = HOLIDAY_CALENDARS.history.history(session, calendar.id)
    first, last = date(year, 1, 1), date(year, 12, 31)
    days: dict[date, HolidayDay] = {}
    rules = {(v.country, v.subdivision) for v in versions if v.country is not None}
    for country, subdivision in sorted(rules, key=str):
        generated = holidays.country_holidays(country, subdiv=subdivision, years=year)
        for day, name in generated.items():
            version = _version_on(versions, day)
            if version is not None and (version.country, version.subdivision) == (
                country,
                subdivision,
            ):
                days[day] = HolidayDay(day=day, name=name, source="generated")
    created = versions[0].effective_from if versions else first
    for custom in HolidayDayRepository(session).of(calendar.id, first, last):
        if custom.removed:
            days.pop(custom.day, None)
        elif custom.day >= created:
            days[custom.day] = HolidayDay(day=custom.day, name=custom.name, source="custom")
    return [days[day] for day in sorted(days)]


# Employment terms


def _validate_terms(
    session: Session, values: dict[str, Any], day: date, _terms_id: int | None
) -> None:
    calendar_id = values.get("holiday_calendar_id")
    if calendar_id is not None:
        require_effective(
            session, HOLIDAY_CALENDARS, [calendar_id], day, location="body.holiday_calendar_id"
        )
    account_id = values.get("flex_account_id")
    if account_id is not None:
        require_effective(
            session, TIMEBANK_ACCOUNTS, [account_id], day, location="body.flex_account_id"
        )
        account = TIMEBANK_ACCOUNTS.history.as_of(session, account_id, day)
        if account is not None and account.unit != "hours":
            raise Unprocessable.at(
                "body.flex_account_id",
                f"flex_account_id refers to timebank account {account_id}, which counts "
                f"{account.unit}; a flex account counts hours.",
                "not an hours account",
            )
    require_effective(
        session, REASONS, values.get("reason_ids") or [], day, location="body.reason_ids"
    )
    for policy_field in (
        "timeoff_policy_ids",
        "allowance_policy_ids",
        "worktime_policy_id",
        "settlement_policy_id",
    ):
        value = values.get(policy_field)
        if value:
            first = value[0] if isinstance(value, list) else value
            raise Unprocessable.at(
                f"body.{policy_field}",
                f"{policy_field} refers to policy {first}, which does not exist (policies "
                "come with the rule engine; leave this empty for now).",
                f"policy {first} does not exist",
            )


EMPLOYMENT_TERMS: ConfigKind[EmploymentTerms, EmploymentTermsVersion] = ConfigKind(
    name="employment-terms",
    label="employment terms",
    entity_model=EmploymentTerms,
    version_model=EmploymentTermsVersion,
    owner_column=EmploymentTermsVersion.employment_terms_id,
    fields=(
        "name",
        "norm_minutes",
        "holiday_calendar_id",
        "flex_account_id",
        "reason_ids",
        "timeoff_policy_ids",
        "allowance_policy_ids",
        "worktime_policy_id",
        "settlement_policy_id",
        "timesheet_approval",
    ),
    nullable=frozenset(
        {"holiday_calendar_id", "flex_account_id", "worktime_policy_id", "settlement_policy_id"}
    ),
    validate=_validate_terms,
)


# Defaults of a new workspace

WORK = "work"
TIMEOFF = "timeoff"
NON_WORK = "non-work"

MCTIME_TIME_TYPES: dict[str, str] = {
    # Time worked, wherever and however recorded.
    "work": WORK,
    "clocking": WORK,
    "home_office": WORK,
    "out_office": WORK,
    "travel": WORK,
    "worked_rest_period": WORK,
    # Absences: leave, paid or unpaid, planned or not.
    "vacation": TIMEOFF,
    "vacation_abroad": TIMEOFF,
    "company_vacation": TIMEOFF,
    "unpaid_vacation": TIMEOFF,
    "paid_time_off": TIMEOFF,
    "unpaid_time_off": TIMEOFF,
    "free_time": TIMEOFF,
    "flextime": TIMEOFF,
    "special_leave": TIMEOFF,
    "statutory_leave": TIMEOFF,
    "other_leave": TIMEOFF,
    "parental_leave": TIMEOFF,
    "care_leave": TIMEOFF,
    "study_leave": TIMEOFF,
    "jubilee_day": TIMEOFF,
    "move": TIMEOFF,
    "public_holiday_abroad": TIMEOFF,
    "sick": TIMEOFF,
    "medical_leave": TIMEOFF,
    "work_accident_sickness": TIMEOFF,
    "military_service": TIMEOFF,
    "military_exercize": TIMEOFF,
    # Paid time in which no work could be done.
    "bad_weather": NON_WORK,
}


def default_work_activity_id(session: Session) -> int | None:
    """The activity time lands on when a client names none (the mite face allows that):
    the workspace's default `work` activity, while it exists."""
    activity = ACTIVITIES.by_key(session, "work")
    return activity.id if activity is not None else None


def default_activity_name(key: str) -> str:
    return key.replace("_", " ").capitalize()


def create_default_activities(session: Session, actor: Actor, day: date) -> None:
    """The activities every workspace starts with: one per McTime time type, keyed by its
    McTime name, effective from `day`."""
    ACTIVITIES.create_many(
        session,
        actor,
        [
            NewEntity(
                values={
                    "name": default_activity_name(key),
                    "type": activity_type,
                    "parent_id": None,
                    "requires_project": False,
                    "required_dimension_ids": [],
                    "billable": False,
                    "hourly_rate_minor": None,
                    "color": None,
                    "archived": False,
                },
                key=key,
            )
            for key, activity_type in MCTIME_TIME_TYPES.items()
        ],
        effective_from=day,
    )
