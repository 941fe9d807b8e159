"""Shapes of bulk actions in the native API (tag Admin): which objects (`ids` or a
`filter`), one action with its parameters, and what a dry run or an applying job reports."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from timeledger.entries.schemas import BillingState
from timeledger.kit.text import WITHOUT_NUL
from timeledger.kit.timeutil import IsoDate
from timeledger.organization.schemas import RefId

MAX_OBJECTS = 10_000
"""At most this many objects per bulk action, named by `ids` or matched by `filter`."""
MAX_LISTED_REFUSALS = 1_000
"""At most this many refusals are listed; `refused_count` counts them all."""


class BulkTarget(StrEnum):
    ENTRIES = "entries"
    EMPLOYEES = "employees"


class _Action(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MoveEntries(_Action):
    """Books the entries on another project, task and/or activity: the fields sent are set
    (`project_id: null` takes the project and its task away), the others kept."""

    type: Literal["move"]
    project_id: RefId | None = None
    task_id: RefId | None = None
    activity_id: RefId | None = None

    @model_validator(mode="after")
    def _names_a_destination(self) -> Self:
        if not self.model_fields_set & {"project_id", "task_id", "activity_id"}:
            raise ValueError("name at least one of project_id, task_id, activity_id")
        return self


class SetBillable(_Action):
    type: Literal["set_billable"]
    billable: bool


class SetBillingState(_Action):
    type: Literal["set_billing_state"]
    billing_state: BillingState


class LockEntries(_Action):
    type: Literal["lock"]


class UnlockEntries(_Action):
    type: Literal["unlock"]


class DeleteEntries(_Action):
    type: Literal["delete"]


EntryAction = Annotated[
    MoveEntries | SetBillable | SetBillingState | LockEntries | UnlockEntries | DeleteEntries,
    Field(discriminator="type"),
]


class ChangeOrgUnit(_Action):
    """A new version of each employee from `effective_from`, as PATCH with that date."""

    type: Literal["change_org_unit"]
    org_unit_id: RefId | None = Field(description="Null places them in no unit.")
    effective_from: IsoDate


class ChangeEmploymentTerms(_Action):
    type: Literal["change_employment_terms"]
    employment_terms_id: RefId | None = Field(description="Null: no terms of their own.")
    effective_from: IsoDate


class ArchiveEmployees(_Action):
    """Ends each employee's employment ongoing on `ends_on`, on that day (their last)."""

    type: Literal["archive"]
    ends_on: IsoDate


EmployeeAction = Annotated[
    ChangeOrgUnit | ChangeEmploymentTerms | ArchiveEmployees, Field(discriminator="type")
]

BulkIds = Annotated[list[RefId], Field(min_length=1, max_length=MAX_OBJECTS)]
FilterValue = (
    Annotated[str, Field(max_length=4000, pattern=WITHOUT_NUL)]
    | bool
    | int
    | list[Annotated[str, Field(max_length=4000, pattern=WITHOUT_NUL)] | int]
)


class _BulkRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    ids: BulkIds | None = Field(default=None, description=f"At most {MAX_OBJECTS} ids.")
    dry_run: bool = Field(
        default=True,
        description="True (the default): answer at once what would change, changing "
        "nothing. False: apply as a job (202).",
    )


class EntriesBulkRequest(_BulkRequest):
    filter: dict[str, FilterValue] | None = Field(
        default=None,
        description="The filters of GET /api/timesheet/entries by their query names "
        '(`{"project_id": "3", "from": "2026-01-01", "billable": true}`); a list for a '
        "repeated parameter.",
        max_length=30,
    )
    action: EntryAction
    force: bool = Field(
        default=False,
        description="Change locked entries and entries of locked periods (needs "
        "timesheet:force:*); unlock always needs it.",
    )


class EmployeeFilter(BaseModel):
    """The filters of GET /api/employees."""

    model_config = ConfigDict(extra="forbid")

    org_unit_id: RefId | None = None
    q: Annotated[str | None, Field(max_length=200, pattern=WITHOUT_NUL)] = Field(
        default=None, description="Part of a name, the email or the number."
    )
    as_of: IsoDate | None = Field(default=None, description="Versions in force then; today.")


class EmployeesBulkRequest(_BulkRequest):
    filter: EmployeeFilter | None = None
    action: EmployeeAction


class Refusal(BaseModel):
    id: int
    status: int = Field(description="The status a single change of this object answers.")
    problem: str


class BulkOutcome(BaseModel):
    """What a bulk action changes (or would change) and refuses, object by object."""

    target: BulkTarget
    action: str
    dry_run: bool
    matched: int = Field(description="Objects named by ids or matched by the filter.")
    changed: int
    changed_ids: list[int]
    refused_count: int
    refused: list[Refusal] = Field(description=f"The first {MAX_LISTED_REFUSALS} refusals.")
    refused_truncated: bool = Field(description="More were refused than are listed.")


class BulkJobRead(BaseModel):
    """A bulk action's job: its progress while it runs, its outcome once done."""

    id: int
    status: str
    progress_done: int
    progress_total: int | None
    outcome: BulkOutcome | None = Field(
        description="The outcome so far while it runs (or once cancelled), the whole once done."
    )
    error: str | None
    created_at: datetime
    finished_at: datetime | None
