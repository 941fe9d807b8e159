"""Requests and responses of the Projects area."""

from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from timeledger.kit.timeutil import IsoDate
from timeledger.projects.rounding import RoundingMethod
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
from timeledger.settings.schemas import MinorUnits

BudgetKind = Literal["none", "hours", "money"]
Note = Annotated[Text, Field(max_length=10_000)]
RoundingStep = Annotated[int, Field(ge=1, le=60, description="Rounding step in minutes (1 to 60).")]
BudgetAmount = Annotated[
    int,
    Field(
        ge=1,
        le=2**31 - 1,
        description="Minutes for a budget in hours, minor currency units for one in money.",
    ),
]
BudgetMinutes = Annotated[int, Field(ge=1, le=2**31 - 1, description="Budget in minutes.")]
MAX_MEMBERS = 500


# Customers


class CustomerValues(BaseModel):
    name: str
    note: str
    hourly_rate_minor: int | None
    archived: bool


class CustomerCreate(ConfigCreate):
    name: Name
    note: Note = ""
    hourly_rate_minor: MinorUnits | None = None
    archived: bool = False


class CustomerUpdate(ConfigUpdate):
    name: Name | None = None
    note: Note | None = None
    hourly_rate_minor: MinorUnits | None = None
    archived: bool | None = None


class CustomerRead(ConfigRead, CustomerValues):
    pass


class CustomerVersionRead(ConfigVersionRead, CustomerValues):
    pass


# Projects


class ProjectValues(BaseModel):
    name: str
    note: str
    customer_id: int | None
    requires_manager_approval: bool
    billable: bool
    hourly_rate_minor: int | None
    budget_kind: BudgetKind
    budget_amount: int | None = Field(
        description="Minutes for a budget in hours, minor currency units for one in money; "
        "null when budget_kind is none."
    )
    rounding_method: RoundingMethod
    rounding_minutes: int
    planned_start: IsoDate | None
    planned_end: IsoDate | None
    archived: bool


class ProjectCreate(ConfigCreate):
    name: Name
    note: Note = ""
    customer_id: ReferenceId | None = None
    requires_manager_approval: bool = False
    billable: bool = True
    hourly_rate_minor: MinorUnits | None = None
    budget_kind: BudgetKind = "none"
    budget_amount: BudgetAmount | None = None
    rounding_method: RoundingMethod = "none"
    rounding_minutes: RoundingStep = 1
    planned_start: ConfigDate | None = None
    planned_end: ConfigDate | None = None
    archived: bool = False


NEW_PROJECT_VALUES: dict[str, Any] = {
    "note": "",
    "requires_manager_approval": False,
    "billable": True,
    "hourly_rate_minor": None,
    "budget_kind": "none",
    "budget_amount": None,
    "rounding_method": "none",
    "rounding_minutes": 1,
    "planned_start": None,
    "planned_end": None,
    "archived": False,
}
"""A new project's values besides its name and customer, as `ProjectCreate` defaults them,
for code that creates projects without `ProjectCreate` (the demo, imports, the benchmark
dataset)."""


class ProjectUpdate(ConfigUpdate):
    """Null clears customer_id, hourly_rate_minor, budget_amount and the planned dates;
    for any other field it means "unchanged"."""

    name: Name | None = None
    note: Note | None = None
    customer_id: ReferenceId | None = None
    requires_manager_approval: bool | None = None
    billable: bool | None = None
    hourly_rate_minor: MinorUnits | None = None
    budget_kind: BudgetKind | None = None
    budget_amount: BudgetAmount | None = None
    rounding_method: RoundingMethod | None = None
    rounding_minutes: RoundingStep | None = None
    planned_start: ConfigDate | None = None
    planned_end: ConfigDate | None = None
    archived: bool | None = None


class ProjectRead(ConfigRead, ProjectValues):
    pass


class ProjectVersionRead(ConfigVersionRead, ProjectValues):
    pass


# Members and per-activity rates


class Member(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_id: ReferenceId
    is_manager: bool = False
    hourly_rate_minor: MinorUnits | None = Field(
        default=None, description="This person's hourly rate on this project."
    )


def _unique_users(members: list[Member]) -> list[Member]:
    ids = [member.user_id for member in members]
    if len(set(ids)) != len(ids):
        raise ValueError("each user_id may appear once")
    return members


class Members(BaseModel):
    """All members of a project: PUT replaces the list."""

    model_config = ConfigDict(extra="forbid")

    items: Annotated[list[Member], Field(max_length=MAX_MEMBERS), AfterValidator(_unique_users)]


class ActivityRate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    activity_id: ReferenceId
    hourly_rate_minor: MinorUnits


def _unique_activities(rates: list[ActivityRate]) -> list[ActivityRate]:
    ids = [rate.activity_id for rate in rates]
    if len(set(ids)) != len(ids):
        raise ValueError("each activity_id may appear once")
    return rates


class ActivityRates(BaseModel):
    """All per-activity rates of a project: PUT replaces the list."""

    model_config = ConfigDict(extra="forbid")

    items: Annotated[
        list[ActivityRate], Field(max_length=MAX_MEMBERS), AfterValidator(_unique_activities)
    ]


# Tasks


class TaskValues(BaseModel):
    name: str
    billable: bool
    hourly_rate_minor: int | None
    budget_minutes: int | None
    archived: bool


class TaskCreate(ConfigCreate):
    name: Name
    parent_task_id: ReferenceId | None = Field(
        default=None, description="Parent task of the same project: this task is a subtask."
    )
    billable: bool = True
    hourly_rate_minor: MinorUnits | None = None
    budget_minutes: BudgetMinutes | None = None
    archived: bool = False


class TaskUpdate(ConfigUpdate):
    """parent_task_id is not versioned: a move applies to every date. Null for it, for
    hourly_rate_minor or budget_minutes clears them."""

    name: Name | None = None
    parent_task_id: ReferenceId | None = None
    billable: bool | None = None
    hourly_rate_minor: MinorUnits | None = None
    budget_minutes: BudgetMinutes | None = None
    archived: bool | None = None


class TaskRead(ConfigRead, TaskValues):
    project_id: int
    parent_task_id: int | None


class TaskVersionRead(ConfigVersionRead, TaskValues):
    pass


# Rates

RateSource = Literal[
    "task", "project_activity", "project_member", "project", "customer", "activity", "employee"
]


class RateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    hourly_rate_minor: int | None = Field(description="Null when no step of the order has one.")
    currency: str = Field(description="The workspace currency (ISO 4217).")
    source: RateSource | None = Field(description="The step of the order the rate came from.")
    as_of: IsoDate = Field(description="The date the rate was resolved for.")
