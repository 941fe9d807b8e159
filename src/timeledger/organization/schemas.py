from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field

from timeledger.kit.routing import MAX_ID
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.timeutil import IsoDate, TimeZoneName


class OrgUnitType(StrEnum):
    PROJECT = "project"
    SUBSIDIARY = "subsidiary"
    PARTNER = "partner"
    CLIENT = "client"
    SUPPLIER = "supplier"
    BRANCH = "branch"
    DEPARTMENT = "department"
    TEAM = "team"
    OTHER = "other"


RefId = Annotated[int, Field(ge=1, le=MAX_ID)]
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=WITHOUT_NUL)]
PersonName = Annotated[str, Field(min_length=1, max_length=100, pattern=WITHOUT_NUL)]
LastName = Annotated[
    str,
    Field(
        max_length=100,
        pattern=WITHOUT_NUL,
        description="Empty for a person known by one name only.",
    ),
]
Key = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._:-]+$")]
EmployeeNumber = Annotated[str, Field(min_length=1, max_length=64, pattern=WITHOUT_NUL)]


def _seven_days(value: list[int]) -> list[int]:
    if len(value) != 7:
        raise ValueError("give 7 values, Monday first")
    return value


WeeklyPattern = Annotated[
    list[Annotated[int, Field(ge=0, le=1440)]],
    Field(min_length=7, max_length=7, description="Minutes per ISO weekday, Monday first."),
    AfterValidator(_seven_days),
]
DEFAULT_PATTERN = [480, 480, 480, 480, 480, 0, 0]
EffectiveFrom = Annotated[
    IsoDate | None,
    Field(description="First day the values apply (default: today in the workspace)."),
]

# Org units


class OrgUnitCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: Name
    type: OrgUnitType = OrgUnitType.DEPARTMENT
    parent_id: RefId | None = None
    valid_to: IsoDate | None = None
    key: Key | None = None
    effective_from: EffectiveFrom = None


class OrgUnitUpdate(BaseModel):
    """Adds a version from `effective_from`; fields left out keep the values then in force."""

    model_config = ConfigDict(extra="forbid")

    name: Name | None = None
    type: OrgUnitType | None = None
    parent_id: RefId | None = None
    valid_to: IsoDate | None = None
    key: Key | None = None
    effective_from: EffectiveFrom = None


class OrgUnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str | None
    name: str
    type: str
    parent_id: int | None
    valid_to: IsoDate | None
    effective_from: IsoDate = Field(description="Start of the version shown.")
    manager_ids: list[int]
    created_at: datetime
    updated_at: datetime


class OrgUnitVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    effective_from: IsoDate
    name: str
    type: str
    parent_id: int | None
    valid_to: IsoDate | None
    recorded_at: datetime


class ManagersPut(BaseModel):
    model_config = ConfigDict(extra="forbid")

    user_ids: list[RefId] = Field(max_length=200)


# Employees


class EmployeeVersionFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first_name: PersonName | None = None
    last_name: LastName | None = None
    email: EmailStr | None = None
    org_unit_id: RefId | None = None
    employment_terms_id: RefId | None = None
    timezone: TimeZoneName | None = None
    weekly_pattern_minutes: WeeklyPattern | None = None
    hourly_rate_minor: Annotated[int, Field(ge=0, le=2**31 - 1)] | None = None


class EmployeeCreate(EmployeeVersionFields):
    employee_number: EmployeeNumber
    user_id: RefId | None = None
    key: Key | None = None
    first_name: PersonName
    last_name: LastName
    weekly_pattern_minutes: WeeklyPattern = Field(default_factory=lambda: list(DEFAULT_PATTERN))
    effective_from: EffectiveFrom = None


class EmployeeUpdate(EmployeeVersionFields):
    """Identity fields change in place; the others add a version from `effective_from`."""

    employee_number: EmployeeNumber | None = None
    user_id: RefId | None = None
    key: Key | None = None
    effective_from: EffectiveFrom = None


class EmployeeVersionCreate(EmployeeVersionFields):
    effective_from: IsoDate


class EmployeeRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    employee_number: str
    user_id: int | None
    key: str | None
    first_name: str
    last_name: str
    email: str | None
    org_unit_id: int | None
    employment_terms_id: int | None
    timezone: str | None
    weekly_pattern_minutes: list[int]
    hourly_rate_minor: int | None
    effective_from: IsoDate = Field(description="Start of the version shown.")
    created_at: datetime
    updated_at: datetime


class EmployeeVersionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    effective_from: IsoDate
    first_name: str
    last_name: str
    email: str | None
    org_unit_id: int | None
    employment_terms_id: int | None
    timezone: str | None
    weekly_pattern_minutes: list[int]
    hourly_rate_minor: int | None
    recorded_at: datetime


# Employments

Percentage = Annotated[
    Decimal,
    Field(gt=0, le=100, max_digits=5, decimal_places=2, description="0 < p <= 100."),
]


class EmploymentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_on: IsoDate
    ends_on: IsoDate | None = None
    percentage: Percentage = Decimal(100)


class EmploymentUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    starts_on: IsoDate | None = None
    ends_on: IsoDate | None = None
    percentage: Percentage | None = None


class EmploymentRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    employee_id: int
    starts_on: IsoDate
    ends_on: IsoDate | None
    percentage: float
    created_at: datetime
