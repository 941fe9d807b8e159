"""Rules of the Settings area: each kind of configuration described once on the shared
effective-dated store, with the checks of its references and of who refers to it."""

import functools
from collections.abc import Callable
from datetime import date
from typing import Any

import holidays
from sqlalchemy.orm import Session

from timeledger.kit.errors import Conflict, NotFound, Unprocessable
from timeledger.kit.versioning import in_force_of
from timeledger.models import (
    Activity,
    ActivityVersion,
    AllowancePolicy,
    AllowancePolicyVersion,
    Dimension,
    DimensionVersion,
    EmploymentTerms,
    EmploymentTermsVersion,
    HolidayCalendar,
    HolidayCalendarVersion,
    HolidayCustomDay,
    Reason,
    ReasonVersion,
    SettlementPolicy,
    SettlementPolicyVersion,
    TimebankAccount,
    TimebankAccountVersion,
    TimeEntry,
    TimeoffPolicy,
    TimeoffPolicyVersion,
    WorktimePolicy,
    WorktimePolicyVersion,
)
from timeledger.rules.plugins.base import PluginConfig
from timeledger.rules.plugins.registry import (
    ACCRUALS,
    CALCULATORS,
    CONSTRAINTS,
    COUNTERS,
    EXPIRATIONS,
    FILTERS,
    SETTLEMENT_STEPS,
    USAGE_RULES,
    WORKTIME_STEPS,
    parse_config,
)
from timeledger.settings.plugin_references import (
    Reference,
    config_ids,
    normalized_reference,
    normalized_references,
    parsed_references,
    rule_filters,
)
from timeledger.settings.referrers import entries_booked_on, movements_on
from timeledger.settings.repository import (
    HolidayDayRepository,
    custom_day_rows,
    projects_rating_activity,
)
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
        if values["type"] != ALLOWANCE:
            targeting = names_of(
                session,
                ALLOWANCE_POLICIES,
                ALLOWANCE_POLICIES.in_force_from(session, day),
                lambda policy: policy.target_activity_id == activity_id,
            )
            if targeting:
                raise Unprocessable.at(
                    "body.type",
                    f"{', '.join(targeting)} credit this activity, which must stay of type "
                    "'allowance'. Change them first.",
                    "target of allowance policies",
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
    policies = names_of(
        session,
        ALLOWANCE_POLICIES,
        ALLOWANCE_POLICIES.in_force_from(session, day),
        lambda policy: (
            policy.target_activity_id == activity_id
            or activity_id in config_ids(rule_filters(policy.rules), "activity_ids")
        ),
    )
    timeoff_policies = names_of(
        session,
        TIMEOFF_POLICIES,
        TIMEOFF_POLICIES.in_force_from(session, day),
        lambda policy: policy.activity_id == activity_id,
    )
    rated_projects = [
        f"the activity rate of project {project_id}"
        for project_id in projects_rating_activity(session, activity_id)
    ]
    return (
        children
        + policies
        + timeoff_policies
        + rated_projects
        + entries_booked_on(session, TimeEntry.activity_id, activity_id)
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
    ) + names_of(
        session,
        ALLOWANCE_POLICIES,
        ALLOWANCE_POLICIES.in_force_from(session, day),
        lambda policy: (
            reason_id in (policy.trigger_reason_ids or [])
            or reason_id in config_ids(rule_filters(policy.rules), "reason_ids")
        ),
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
    if account_id is None:
        return
    counting_otherwise = _timeoff_policies_of_account(session, account_id, day, values["unit"])
    if counting_otherwise:
        raise Unprocessable.at(
            "body.unit",
            f"{', '.join(counting_otherwise)} take from this account by a usage rule that "
            f"does not count {values['unit']}.",
            "time-off policies count in another unit",
        )
    if values["unit"] == "hours":
        return
    users = _account_users(session, account_id, day)
    if users:
        raise Unprocessable.at(
            "body.unit",
            f"{', '.join(users)} use this account as flex or settlement account, which "
            "counts hours.",
            "flex and settlement accounts count hours",
        )


def _account_users(session: Session, account_id: int, day: date) -> list[str]:
    """The terms and policies using the account (as flex account, or as the account of a
    settlement step) in a version in force on `day` or later: it must count hours."""
    return (
        names_of(
            session,
            EMPLOYMENT_TERMS,
            EMPLOYMENT_TERMS.in_force_from(session, day),
            lambda terms: terms.flex_account_id == account_id,
        )
        + names_of(
            session,
            WORKTIME_POLICIES,
            WORKTIME_POLICIES.in_force_from(session, day),
            lambda policy: policy.flex_account_id == account_id,
        )
        + names_of(
            session,
            SETTLEMENT_POLICIES,
            SETTLEMENT_POLICIES.in_force_from(session, day),
            lambda policy: account_id in config_ids(policy.steps, "account_id"),
        )
    )


def _timeoff_policies_of_account(
    session: Session, account_id: int, day: date, unit: str | None = None
) -> list[str]:
    """The time-off policies taking from the account in a version in force on `day` or
    later (those whose usage rule does not count `unit`, when given)."""
    return names_of(
        session,
        TIMEOFF_POLICIES,
        TIMEOFF_POLICIES.in_force_from(session, day),
        lambda policy: (
            policy.account_id == account_id
            and (unit is None or USAGE_UNITS[policy.usage["plugin_id"]] != unit)
        ),
    )


def _account_referrers(session: Session, account_id: int, day: date) -> list[str]:
    return (
        _account_users(session, account_id, day)
        + _timeoff_policies_of_account(session, account_id, day)
        + movements_on(session, account_id)
    )


def _require_hours_account(
    session: Session, account_id: int | None, day: date, *, location: str
) -> None:
    """422 at `location` unless the account is live, effective on `day` and counts hours."""
    if account_id is None:
        return
    require_effective(session, TIMEBANK_ACCOUNTS, [account_id], day, location=location)
    account = TIMEBANK_ACCOUNTS.history.as_of(session, account_id, day)
    if account is not None and account.unit != "hours":
        field = location.removeprefix("body.")
        raise Unprocessable.at(
            location,
            f"{field} refers to timebank account {account_id}, which counts {account.unit}; "
            "it must count hours.",
            "not an hours account",
        )


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


@functools.lru_cache(maxsize=1024)
def _generated_holidays(
    country: str, subdivision: str | None, year: int
) -> tuple[tuple[date, str], ...]:
    """The holidays the country rules generate for a year: the same for every calendar and
    request (generating them took most of a month's evaluation)."""
    generated = holidays.country_holidays(country, subdiv=subdivision, years=year)
    return tuple(sorted(generated.items()))


def holiday_days(session: Session, calendar_id: int, year: int) -> list[HolidayDay]:
    """The holidays of a year: those the country rules of each version generate for the
    days that version is in force, with custom days added and removed ones taken out."""
    calendar = HOLIDAY_CALENDARS.get(session, calendar_id)
    versions = HOLIDAY_CALENDARS.history.history(session, calendar.id)
    first, last = date(year, 1, 1), date(year, 12, 31)
    customs = HolidayDayRepository(session).of(calendar.id, first, last)
    return _holidays_of_year(versions, customs, year)


def holiday_dates(session: Session, workspace_id: int, calendar_id: int, year: int) -> set[date]:
    """The dates of `holiday_days`, read with prepared statements (an evaluation asks for
    them for every employee)."""
    versions = HOLIDAY_CALENDARS.history.history_rows(session, workspace_id, calendar_id)
    first, last = date(year, 1, 1), date(year, 12, 31)
    customs = custom_day_rows(session, workspace_id, calendar_id, first, last)
    return {holiday.day for holiday in _holidays_of_year(versions, customs, year)}


def _holidays_of_year(versions: list[Any], customs: list[Any], year: int) -> list[HolidayDay]:
    """`versions` ordered by (effective_from, id) and the year's custom days, as objects or
    rows with their fields."""
    first = date(year, 1, 1)
    days: dict[date, HolidayDay] = {}
    rules = {(v.country, v.subdivision) for v in versions if v.country is not None}
    for country, subdivision in sorted(rules, key=str):
        for day, name in _generated_holidays(country, subdivision, year):
            version = in_force_of(versions, day)
            if version is not None and (version.country, version.subdivision) == (
                country,
                subdivision,
            ):
                days[day] = HolidayDay(day=day, name=name, source="generated")
    created = versions[0].effective_from if versions else first
    for custom in customs:
        if custom.removed:
            days.pop(custom.day, None)
        elif custom.day >= created:
            days[custom.day] = HolidayDay(day=custom.day, name=custom.name, source="custom")
    return [days[day] for day in sorted(days)]


# The rule engine's policies: plugin references are stored normalized (`normalize`) and
# checked again, with the ids their configs name, on the version's date (`validate`).

ALLOWANCE = "allowance"
CONFIG_ID_KINDS: dict[str, ConfigKind[Any, Any]] = {
    "reason_ids": REASONS,
    "activity_ids": ACTIVITIES,
    "account_id": TIMEBANK_ACCOUNTS,
}
"""The fields of plugin configs that name ids, and the kind they name (accounts must
count hours)."""


def _require_config_ids(
    session: Session, config: PluginConfig, day: date, *, location: str
) -> None:
    """The ids a plugin's config names exist and are effective on `day` (accounts count
    hours): 422 at `<location>.config.<field>` otherwise."""
    for field, kind in CONFIG_ID_KINDS.items():
        value = getattr(config, field, None)
        if value is None:
            continue
        at = f"{location}.config.{field}"
        if kind is TIMEBANK_ACCOUNTS:
            _require_hours_account(session, value, day, location=at)
        else:
            ids = value if isinstance(value, list) else [value]
            require_effective(session, kind, ids, day, location=at)


def _normalize_worktime_policy(values: dict[str, Any]) -> dict[str, Any]:
    return {
        **values,
        "steps": normalized_references(WORKTIME_STEPS, values.get("steps") or [], "body.steps"),
        "constraints": normalized_references(
            CONSTRAINTS, values.get("constraints") or [], "body.constraints", keep=("severity",)
        ),
    }


def _validate_worktime_policy(
    session: Session, values: dict[str, Any], day: date, _policy_id: int | None
) -> None:
    _require_hours_account(
        session, values.get("flex_account_id"), day, location="body.flex_account_id"
    )
    for registry, field in ((WORKTIME_STEPS, "steps"), (CONSTRAINTS, "constraints")):
        for location, config in parsed_references(
            registry, values.get(field) or [], f"body.{field}"
        ):
            _require_config_ids(session, config, day, location=location)


def _terms_referring(
    session: Session, day: date, refers: Callable[[EmploymentTermsVersion], bool]
) -> list[str]:
    """The employment terms with a version in force on `day` or later that `refers`."""
    return names_of(session, EMPLOYMENT_TERMS, EMPLOYMENT_TERMS.in_force_from(session, day), refers)


def _worktime_policy_referrers(session: Session, policy_id: int, day: date) -> list[str]:
    return _terms_referring(session, day, lambda terms: terms.worktime_policy_id == policy_id)


WORKTIME_POLICIES: ConfigKind[WorktimePolicy, WorktimePolicyVersion] = ConfigKind(
    name="worktime-policy",
    label="work-time policy",
    entity_model=WorktimePolicy,
    version_model=WorktimePolicyVersion,
    owner_column=WorktimePolicyVersion.worktime_policy_id,
    fields=("name", "flex_account_id", "steps", "constraints", "archived"),
    nullable=frozenset({"flex_account_id"}),
    normalize=_normalize_worktime_policy,
    validate=_validate_worktime_policy,
    referrers=_worktime_policy_referrers,
)


def _normalize_rule(rule: Reference, location: str) -> Reference:
    return {
        "filters": normalized_references(FILTERS, rule.get("filters") or [], f"{location}.filters"),
        "calculator": normalized_reference(
            CALCULATORS, rule.get("calculator") or {}, f"{location}.calculator"
        ),
    }


def _normalize_allowance_policy(values: dict[str, Any]) -> dict[str, Any]:
    counter, rules = values.get("counter"), values.get("rules")
    return {
        **values,
        "counter": None
        if counter is None
        else normalized_reference(COUNTERS, counter, "body.counter"),
        "rules": None
        if rules is None
        else [_normalize_rule(rule, f"body.rules.{index}") for index, rule in enumerate(rules)],
    }


def _validate_allowance_policy(
    session: Session, values: dict[str, Any], day: date, _policy_id: int | None
) -> None:
    target_id = values["target_activity_id"]
    require_effective(session, ACTIVITIES, [target_id], day, location="body.target_activity_id")
    target = ACTIVITIES.history.as_of(session, target_id, day)
    if target is not None and target.type != ALLOWANCE:
        raise Unprocessable.at(
            "body.target_activity_id",
            f"target_activity_id refers to activity {target_id}, which is of type "
            f"{target.type!r}; an allowance policy credits an activity of type 'allowance'.",
            "not an allowance activity",
        )
    require_effective(
        session,
        REASONS,
        values.get("trigger_reason_ids") or [],
        day,
        location="body.trigger_reason_ids",
    )
    counter, rules = values.get("counter"), values.get("rules")
    if (counter is None) == (not rules):
        given, message = (
            ("both", "give counter or rules, not both")
            if counter is not None
            else ("neither", "give counter or rules")
        )
        raise Unprocessable(
            f"An allowance policy has either a counter or rules; this one has {given}.",
            errors=[
                {"location": f"body.{field}", "message": message} for field in ("counter", "rules")
            ],
        )
    if counter is not None:
        parse_config(COUNTERS, counter, "body.counter")
    for index, rule in enumerate(rules or []):
        location = f"body.rules.{index}"
        for at, config in parsed_references(
            FILTERS, rule.get("filters") or [], f"{location}.filters"
        ):
            _require_config_ids(session, config, day, location=at)
        parse_config(CALCULATORS, rule.get("calculator") or {}, f"{location}.calculator")


def _allowance_policy_referrers(session: Session, policy_id: int, day: date) -> list[str]:
    return _terms_referring(
        session, day, lambda terms: policy_id in (terms.allowance_policy_ids or [])
    )


ALLOWANCE_POLICIES: ConfigKind[AllowancePolicy, AllowancePolicyVersion] = ConfigKind(
    name="allowance-policy",
    label="allowance policy",
    entity_model=AllowancePolicy,
    version_model=AllowancePolicyVersion,
    owner_column=AllowancePolicyVersion.allowance_policy_id,
    fields=(
        "name",
        "target_activity_id",
        "trigger_reason_ids",
        "classify_as_overtime",
        "consumes_flex",
        "counter",
        "rules",
        "archived",
    ),
    nullable=frozenset({"counter", "rules"}),
    normalize=_normalize_allowance_policy,
    validate=_validate_allowance_policy,
    referrers=_allowance_policy_referrers,
)


def _normalize_settlement_policy(values: dict[str, Any]) -> dict[str, Any]:
    return {
        **values,
        "steps": normalized_references(SETTLEMENT_STEPS, values.get("steps") or [], "body.steps"),
    }


ONCE_PER_SETTLEMENT = frozenset({"bank_norm_delta", "overtime_choice"})
"""Steps that settle the period's flex delta or its overtime: twice would count it twice."""


def _validate_settlement_policy(
    session: Session, values: dict[str, Any], day: date, _policy_id: int | None
) -> None:
    steps = values.get("steps") or []
    for location, config in parsed_references(SETTLEMENT_STEPS, steps, "body.steps"):
        _require_config_ids(session, config, day, location=location)
    seen: set[str] = set()
    for index, step in enumerate(steps):
        plugin_id = step.get("plugin_id")
        if plugin_id in ONCE_PER_SETTLEMENT and plugin_id in seen:
            raise Unprocessable.at(
                f"body.steps.{index}.plugin_id",
                f"{plugin_id} is already a step of this policy: the period's "
                f"{'flex delta' if plugin_id == 'bank_norm_delta' else 'overtime'} would be "
                "settled twice.",
                "step given twice",
            )
        seen.add(plugin_id)


def _settlement_policy_referrers(session: Session, policy_id: int, day: date) -> list[str]:
    return _terms_referring(session, day, lambda terms: terms.settlement_policy_id == policy_id)


SETTLEMENT_POLICIES: ConfigKind[SettlementPolicy, SettlementPolicyVersion] = ConfigKind(
    name="settlement-policy",
    label="settlement policy",
    entity_model=SettlementPolicy,
    version_model=SettlementPolicyVersion,
    owner_column=SettlementPolicyVersion.settlement_policy_id,
    fields=("name", "period", "steps", "archived"),
    normalize=_normalize_settlement_policy,
    validate=_validate_settlement_policy,
    referrers=_settlement_policy_referrers,
)


# Time-off policies

USAGE_UNITS = {"workdays": "days", "norm_minutes": "hours"}
"""The account unit each usage rule counts in."""


def _normalize_timeoff_policy(values: dict[str, Any]) -> dict[str, Any]:
    normalized = {
        **values,
        "usage": normalized_reference(USAGE_RULES, values["usage"], "body.usage"),
    }
    for field, registry in (("accrual", ACCRUALS), ("expiration", EXPIRATIONS)):
        reference = values.get(field)
        if reference is not None:
            normalized[field] = normalized_reference(registry, reference, f"body.{field}")
    return normalized


def _validate_timeoff_policy(
    session: Session, values: dict[str, Any], day: date, _policy_id: int | None
) -> None:
    activity_id = values["activity_id"]
    require_effective(session, ACTIVITIES, [activity_id], day, location="body.activity_id")
    activity = ACTIVITIES.history.as_of(session, activity_id, day)
    if activity is not None and activity.type != TIMEOFF:
        raise Unprocessable.at(
            "body.activity_id",
            f"activity_id refers to activity {activity_id}, which is of type "
            f"{activity.type!r}; a time-off policy books an activity of type 'timeoff'.",
            "not a time-off activity",
        )
    account_id = values.get("account_id")
    unit = USAGE_UNITS[values["usage"]["plugin_id"]]
    if account_id is None:
        for field in ("accrual", "expiration"):
            if values.get(field) is not None:
                raise Unprocessable.at(
                    f"body.{field}",
                    f"{field} needs a balance to work on; give account_id or leave {field} null.",
                    "needs an account",
                )
        return
    require_effective(session, TIMEBANK_ACCOUNTS, [account_id], day, location="body.account_id")
    account = TIMEBANK_ACCOUNTS.history.as_of(session, account_id, day)
    if account is not None and account.unit != unit:
        raise Unprocessable.at(
            "body.account_id",
            f"account_id refers to timebank account {account_id}, which counts {account.unit}; "
            f"usage {values['usage']['plugin_id']} counts {unit}.",
            f"not a {unit} account",
        )


def _timeoff_policy_referrers(session: Session, policy_id: int, day: date) -> list[str]:
    return _terms_referring(
        session, day, lambda terms: policy_id in (terms.timeoff_policy_ids or [])
    )


TIMEOFF_POLICIES: ConfigKind[TimeoffPolicy, TimeoffPolicyVersion] = ConfigKind(
    name="timeoff-policy",
    label="time-off policy",
    entity_model=TimeoffPolicy,
    version_model=TimeoffPolicyVersion,
    owner_column=TimeoffPolicyVersion.timeoff_policy_id,
    fields=(
        "name",
        "activity_id",
        "account_id",
        "approval",
        "usage",
        "accrual",
        "expiration",
        "allow_negative",
        "min_notice_days",
        "half_days",
        "archived",
    ),
    nullable=frozenset({"account_id", "accrual", "expiration"}),
    normalize=_normalize_timeoff_policy,
    validate=_validate_timeoff_policy,
    referrers=_timeoff_policy_referrers,
)


# Employment terms


def _validate_terms(
    session: Session, values: dict[str, Any], day: date, _terms_id: int | None
) -> None:
    calendar_id = values.get("holiday_calendar_id")
    if calendar_id is not None:
        require_effective(
            session, HOLIDAY_CALENDARS, [calendar_id], day, location="body.holiday_calendar_id"
        )
    _require_hours_account(
        session, values.get("flex_account_id"), day, location="body.flex_account_id"
    )
    require_effective(
        session, REASONS, values.get("reason_ids") or [], day, location="body.reason_ids"
    )
    require_effective(
        session,
        TIMEOFF_POLICIES,
        values.get("timeoff_policy_ids") or [],
        day,
        location="body.timeoff_policy_ids",
    )
    allowance_policy_ids = values.get("allowance_policy_ids") or []
    if len(set(allowance_policy_ids)) != len(allowance_policy_ids):
        raise Unprocessable.at(
            "body.allowance_policy_ids",
            "allowance_policy_ids names a policy twice; each applies once, in order.",
            "ids must be unique",
        )
    require_effective(
        session,
        ALLOWANCE_POLICIES,
        allowance_policy_ids,
        day,
        location="body.allowance_policy_ids",
    )
    for policy_field, kind in (
        ("worktime_policy_id", WORKTIME_POLICIES),
        ("settlement_policy_id", SETTLEMENT_POLICIES),
    ):
        policy_id = values.get(policy_field)
        if policy_id is not None:
            require_effective(session, kind, [policy_id], day, location=f"body.{policy_field}")


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
    return activity_id_of_key(session, "work")


def activity_id_of_key(session: Session, key: str) -> int | None:
    """The live activity with this key (a workspace's default activities are keyed by
    their McTime names), archived or not."""
    activity = ACTIVITIES.by_key(session, key)
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
