from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from timeledger.kit.timeutil import IsoDate
from timeledger.settings.kind_schemas import (
    ConfigCreate,
    ConfigDate,
    ConfigRead,
    ConfigUpdate,
    ConfigVersionRead,
    Name,
    ReferenceId,
    Text,
)

ActivityType = Literal["work", "timeoff", "non-work", "allowance"]
TimebankUnit = Literal["days", "hours"]
TimesheetApproval = Literal["none", "manager", "project_manager"]
Color = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$", description="#RRGGBB")]
MinorUnits = Annotated[int, Field(ge=0, le=2**31 - 1, description="In minor units (cents).")]
MAX_REFERENCES = 100


def _unique_ids(values: list[int]) -> list[int]:
    if len(set(values)) != len(values):
        raise ValueError("ids must be unique")
    return values


def _unique_values(values: list[str]) -> list[str]:
    if any(not value.strip() for value in values):
        raise ValueError("values must not be blank")
    if len(set(values)) != len(values):
        raise ValueError("values must be unique")
    return values


IdList = Annotated[list[ReferenceId], Field(max_length=MAX_REFERENCES), AfterValidator(_unique_ids)]
AllowedValues = Annotated[
    list[Annotated[Text, Field(min_length=1, max_length=200)]],
    Field(min_length=1, max_length=1000),
    AfterValidator(_unique_values),
]


# Activities


class ActivityValues(BaseModel):
    name: str
    type: ActivityType
    parent_id: int | None = Field(description="Parent activity; a child shares its type.")
    requires_project: bool
    required_dimension_ids: list[int]
    billable: bool
    hourly_rate_minor: int | None
    color: str | None
    archived: bool


class ActivityCreate(ConfigCreate):
    name: Name
    type: ActivityType
    parent_id: ReferenceId | None = None
    requires_project: bool = False
    required_dimension_ids: IdList = Field(default_factory=list)
    billable: bool = False
    hourly_rate_minor: MinorUnits | None = None
    color: Color | None = None
    archived: bool = False


class ActivityUpdate(ConfigUpdate):
    name: Name | None = None
    type: ActivityType | None = None
    parent_id: ReferenceId | None = None
    requires_project: bool | None = None
    required_dimension_ids: IdList | None = None
    billable: bool | None = None
    hourly_rate_minor: MinorUnits | None = None
    color: Color | None = None
    archived: bool | None = None


class ActivityRead(ConfigRead, ActivityValues):
    pass


class ActivityVersionRead(ConfigVersionRead, ActivityValues):
    pass


# Reasons


class ReasonValues(BaseModel):
    name: str
    archived: bool


class ReasonCreate(ConfigCreate):
    name: Name
    archived: bool = False


class ReasonUpdate(ConfigUpdate):
    name: Name | None = None
    archived: bool | None = None


class ReasonRead(ConfigRead, ReasonValues):
    pass


class ReasonVersionRead(ConfigVersionRead, ReasonValues):
    pass


# Dimensions


class DimensionValues(BaseModel):
    name: str
    allowed_values: list[str]
    archived: bool


class DimensionCreate(ConfigCreate):
    name: Name
    allowed_values: AllowedValues
    archived: bool = False


class DimensionUpdate(ConfigUpdate):
    name: Name | None = None
    allowed_values: AllowedValues | None = None
    archived: bool | None = None


class DimensionRead(ConfigRead, DimensionValues):
    pass


class DimensionVersionRead(ConfigVersionRead, DimensionValues):
    pass


# Timebank accounts


class TimebankAccountValues(BaseModel):
    name: str
    unit: TimebankUnit
    archived: bool


class TimebankAccountCreate(ConfigCreate):
    name: Name
    unit: TimebankUnit
    archived: bool = False


class TimebankAccountUpdate(ConfigUpdate):
    name: Name | None = None
    unit: TimebankUnit | None = None
    archived: bool | None = None


class TimebankAccountRead(ConfigRead, TimebankAccountValues):
    pass


class TimebankAccountVersionRead(ConfigVersionRead, TimebankAccountValues):
    pass


# Holiday calendars

Country = Annotated[
    str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 (the `holidays` package).")
]
Subdivision = Annotated[
    str, Field(min_length=1, max_length=10, description="Subdivision code, e.g. BY for Bavaria.")
]


class HolidayCalendarValues(BaseModel):
    name: str
    country: str | None
    subdivision: str | None
    archived: bool


class HolidayCalendarCreate(ConfigCreate):
    name: Name
    country: Country | None = Field(
        default=None, description="Without a country the calendar has only custom days."
    )
    subdivision: Subdivision | None = None
    archived: bool = False


class HolidayCalendarUpdate(ConfigUpdate):
    name: Name | None = None
    country: Country | None = None
    subdivision: Subdivision | None = None
    archived: bool | None = None


class HolidayCalendarRead(ConfigRead, HolidayCalendarValues):
    pass


class HolidayCalendarVersionRead(ConfigVersionRead, HolidayCalendarValues):
    pass


class CustomDayCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    day: ConfigDate
    name: Name
    removed: bool = Field(
        default=False,
        description="True removes a generated holiday on that day instead of adding one.",
    )


class CustomDayRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    day: IsoDate
    name: str
    removed: bool


class HolidayDay(BaseModel):
    day: IsoDate
    name: str
    source: Literal["generated", "custom"]


# The rule engine's policies

MAX_WORKTIME_STEPS = 20
MAX_CONSTRAINTS = 50
MAX_ALLOWANCE_RULES = 20
MAX_RULE_FILTERS = 10
MAX_SETTLEMENT_STEPS = 20
PLUGIN_SCHEMA_URL = "/api/descriptor/plugins/{registry}/{plugin_id}/schema"

Severity = Literal["warning", "error"]
SettlementPeriod = Literal["week", "month"]


class PluginReference(BaseModel):
    """A plugin of a registry with its configuration. `config` must match the plugin's JSON
    Schema, published at `GET /api/descriptor/plugins/{registry}/{plugin_id}/schema` (the
    registries and their plugins: `GET /api/descriptor/plugins/`); it is stored with every
    default filled in."""

    model_config = ConfigDict(extra="forbid")

    plugin_id: str = Field(
        min_length=1, max_length=64, description="A plugin of the field's registry."
    )
    config: dict[str, Any] = Field(
        default_factory=dict, description="The plugin's configuration (its JSON Schema)."
    )


class ConstraintReference(PluginReference):
    """A plugin of registry `constraints` with its configuration and the severity of the
    issues it reports; `config` must match the plugin's JSON Schema, published at
    `GET /api/descriptor/plugins/constraints/{plugin_id}/schema`."""

    severity: Severity


class AllowanceRule(BaseModel):
    """The minutes every filter selects, put through the calculator."""

    model_config = ConfigDict(extra="forbid")

    filters: list[PluginReference] = Field(
        default_factory=list,
        max_length=MAX_RULE_FILTERS,
        description="Plugins of registry `filters`; none selects every minute.",
    )
    calculator: PluginReference = Field(description="A plugin of registry `calculators`.")


WorktimeSteps = Annotated[
    list[PluginReference],
    Field(
        max_length=MAX_WORKTIME_STEPS,
        description="Plugins of registry `worktime-steps`, applied in order.",
    ),
]
Constraints = Annotated[
    list[ConstraintReference],
    Field(max_length=MAX_CONSTRAINTS, description="Plugins of registry `constraints`."),
]
AllowanceRules = Annotated[
    list[AllowanceRule],
    Field(
        min_length=1,
        max_length=MAX_ALLOWANCE_RULES,
        description="Rules (instead of a counter): each adds its own figures.",
    ),
]
SettlementSteps = Annotated[
    list[PluginReference],
    Field(
        max_length=MAX_SETTLEMENT_STEPS,
        description="Plugins of registry `settlement-steps`, applied in order.",
    ),
]
COUNTER_DESCRIPTION = "A plugin of registry `counters` (instead of rules)."


class WorktimePolicyValues(BaseModel):
    name: str
    flex_account_id: int | None = Field(
        description="The timebank account (hours) of the flex balance; null: no flex."
    )
    steps: list[PluginReference]
    constraints: list[ConstraintReference]
    archived: bool


class WorktimePolicyCreate(ConfigCreate):
    name: Name
    flex_account_id: ReferenceId | None = Field(
        default=None, description="A timebank account in hours; null: no flex."
    )
    steps: WorktimeSteps = Field(default_factory=list)
    constraints: Constraints = Field(default_factory=list)
    archived: bool = False


class WorktimePolicyUpdate(ConfigUpdate):
    name: Name | None = None
    flex_account_id: ReferenceId | None = None
    steps: WorktimeSteps | None = None
    constraints: Constraints | None = None
    archived: bool | None = None


class WorktimePolicyRead(ConfigRead, WorktimePolicyValues):
    pass


class WorktimePolicyVersionRead(ConfigVersionRead, WorktimePolicyValues):
    pass


class AllowancePolicyValues(BaseModel):
    name: str
    target_activity_id: int = Field(description="The activity (of type allowance) credited.")
    trigger_reason_ids: list[int] = Field(
        description="Only presence intervals with one of these reasons count; empty: all."
    )
    classify_as_overtime: bool
    consumes_flex: bool
    counter: PluginReference | None = Field(description=COUNTER_DESCRIPTION)
    rules: list[AllowanceRule] | None = Field(description="Rules (instead of a counter).")
    archived: bool


class AllowancePolicyCreate(ConfigCreate):
    """Give either `counter` or `rules` (both or neither is 422)."""

    name: Name
    target_activity_id: ReferenceId = Field(description="An activity of type allowance.")
    trigger_reason_ids: IdList = Field(
        default_factory=list,
        description="Only presence intervals with one of these reasons count; empty: all.",
    )
    classify_as_overtime: bool = False
    consumes_flex: bool = Field(
        default=False, description="Its minutes are taken out of the flex delta."
    )
    counter: PluginReference | None = Field(default=None, description=COUNTER_DESCRIPTION)
    rules: AllowanceRules | None = None
    archived: bool = False


class AllowancePolicyUpdate(ConfigUpdate):
    """`counter: null` or `rules: null` takes one away, to switch to the other; the
    values merged must still have exactly one of them (422)."""

    name: Name | None = None
    target_activity_id: ReferenceId | None = None
    trigger_reason_ids: IdList | None = None
    classify_as_overtime: bool | None = None
    consumes_flex: bool | None = None
    counter: PluginReference | None = Field(default=None, description=COUNTER_DESCRIPTION)
    rules: AllowanceRules | None = None
    archived: bool | None = None


class AllowancePolicyRead(ConfigRead, AllowancePolicyValues):
    pass


class AllowancePolicyVersionRead(ConfigVersionRead, AllowancePolicyValues):
    pass


class SettlementPolicyValues(BaseModel):
    name: str
    period: SettlementPeriod
    steps: list[PluginReference]
    archived: bool


class SettlementPolicyCreate(ConfigCreate):
    name: Name
    period: SettlementPeriod
    steps: SettlementSteps = Field(default_factory=list)
    archived: bool = False


class SettlementPolicyUpdate(ConfigUpdate):
    name: Name | None = None
    period: SettlementPeriod | None = None
    steps: SettlementSteps | None = None
    archived: bool | None = None


class SettlementPolicyRead(ConfigRead, SettlementPolicyValues):
    pass


class SettlementPolicyVersionRead(ConfigVersionRead, SettlementPolicyValues):
    pass


# Time-off policies

TimeoffApproval = Literal["none", "manager"]
MAX_NOTICE_DAYS = 366


class TimeoffPolicyValues(BaseModel):
    name: str
    activity_id: int
    account_id: int | None
    approval: TimeoffApproval
    usage: PluginReference
    accrual: PluginReference | None
    expiration: PluginReference | None
    allow_negative: bool
    min_notice_days: int
    half_days: bool
    archived: bool


class TimeoffPolicyCreate(ConfigCreate):
    name: Name
    activity_id: ReferenceId = Field(description="The activity (type `timeoff`) it books.")
    account_id: ReferenceId | None = Field(
        default=None,
        description="The timebank account it takes from: in days with usage `workdays`, in "
        "hours with `norm_minutes`; null for leave without a balance (sick leave).",
    )
    approval: TimeoffApproval = Field(
        default="manager", description="none: a request is approved when it is made."
    )
    usage: PluginReference = Field(
        description="A plugin of registry `usage-rules`: what a day of leave takes."
    )
    accrual: PluginReference | None = Field(
        default=None, description="A plugin of registry `accruals`; needs an account."
    )
    expiration: PluginReference | None = Field(
        default=None, description="A plugin of registry `expirations`; needs an account."
    )
    allow_negative: bool = False
    min_notice_days: int = Field(
        default=0,
        ge=0,
        le=MAX_NOTICE_DAYS,
        description="Days between today and the first day of leave a request must leave "
        "(callers with `timeoff:write:*` may shorten it).",
    )
    half_days: bool = Field(default=False, description="Whether a day may be taken by halves.")
    archived: bool = False


class TimeoffPolicyUpdate(ConfigUpdate):
    name: Name | None = None
    activity_id: ReferenceId | None = None
    account_id: ReferenceId | None = None
    approval: TimeoffApproval | None = None
    usage: PluginReference | None = None
    accrual: PluginReference | None = None
    expiration: PluginReference | None = None
    allow_negative: bool | None = None
    min_notice_days: int | None = Field(default=None, ge=0, le=MAX_NOTICE_DAYS)
    half_days: bool | None = None
    archived: bool | None = None


class TimeoffPolicyRead(ConfigRead, TimeoffPolicyValues):
    pass


class TimeoffPolicyVersionRead(ConfigVersionRead, TimeoffPolicyValues):
    pass


# Employment terms

NormMinutes = Annotated[
    list[Annotated[int, Field(ge=0, le=1440)]],
    Field(min_length=7, max_length=7, description="Minutes per ISO weekday, Monday first."),
]


class EmploymentTermsValues(BaseModel):
    name: str
    norm_minutes: list[int]
    holiday_calendar_id: int | None
    flex_account_id: int | None
    reason_ids: list[int]
    timeoff_policy_ids: list[int]
    allowance_policy_ids: list[int]
    worktime_policy_id: int | None
    settlement_policy_id: int | None
    timesheet_approval: TimesheetApproval


class EmploymentTermsCreate(ConfigCreate):
    name: Name
    norm_minutes: NormMinutes
    holiday_calendar_id: ReferenceId | None = None
    flex_account_id: ReferenceId | None = Field(
        default=None, description="A timebank account in hours."
    )
    reason_ids: IdList = Field(default_factory=list)
    timeoff_policy_ids: IdList = Field(
        default_factory=list, description="Time-off policies its employees may take."
    )
    allowance_policy_ids: IdList = Field(
        default_factory=list, description="Allowance policies, evaluated in this order."
    )
    worktime_policy_id: ReferenceId | None = Field(default=None, description="A work-time policy.")
    settlement_policy_id: ReferenceId | None = Field(
        default=None, description="A settlement policy."
    )
    timesheet_approval: TimesheetApproval = "none"


class EmploymentTermsUpdate(ConfigUpdate):
    name: Name | None = None
    norm_minutes: NormMinutes | None = None
    holiday_calendar_id: ReferenceId | None = None
    flex_account_id: ReferenceId | None = None
    reason_ids: IdList | None = None
    timeoff_policy_ids: IdList | None = None
    allowance_policy_ids: IdList | None = None
    worktime_policy_id: ReferenceId | None = None
    settlement_policy_id: ReferenceId | None = None
    timesheet_approval: TimesheetApproval | None = None


class EmploymentTermsRead(ConfigRead, EmploymentTermsValues):
    pass


class EmploymentTermsVersionRead(ConfigVersionRead, EmploymentTermsValues):
    pass
