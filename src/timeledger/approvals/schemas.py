"""Delegations and the decision history of the native API."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from timeledger.approvals.routing import Kind
from timeledger.kit.timeutil import IsoDate
from timeledger.models import ApprovalDecision, ApprovalDelegation
from timeledger.settings.kind_schemas import ConfigDate, ReferenceId


class DelegationFields(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delegate_user_id: ReferenceId = Field(
        description="Who also sees and decides the delegator's items: a person able to read "
        "the employees those items are about."
    )
    starts_on: ConfigDate = Field(description="The first day the delegation is in force.")
    ends_on: ConfigDate = Field(description="The last day it is in force (inclusive).")
    kinds: list[Kind] = Field(
        default_factory=list,
        max_length=3,
        description="The kinds of item delegated; empty: every kind.",
    )


class DelegationCreate(DelegationFields):
    delegator_user_id: ReferenceId | None = Field(
        default=None,
        description="Whose items are delegated: yourself when left out; naming someone else "
        "needs `approvals:delegate:*`.",
    )


class DelegationUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    delegate_user_id: ReferenceId | None = None
    starts_on: ConfigDate | None = None
    ends_on: ConfigDate | None = None
    kinds: list[Kind] | None = Field(default=None, max_length=3)


class DelegationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    delegator_user_id: int
    delegate_user_id: int
    starts_on: IsoDate
    ends_on: IsoDate
    kinds: list[Kind]
    created_by_user_id: int | None
    created_at: datetime
    updated_at: datetime


class DecisionRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: Kind
    item_id: str = Field(description="The item's id within its kind (as in the inbox).")
    employee_id: int
    period_start: IsoDate
    period_end: IsoDate
    decision: Literal["approve", "reject"]
    note: str
    decided_by_user_id: int | None = Field(description="Who took the decision.")
    on_behalf_of_user_id: int | None = Field(
        description="The delegator the decider acted for; null when they decided in their "
        "own right."
    )
    decided_at: datetime


def delegation_view(row: ApprovalDelegation) -> DelegationRead:
    return DelegationRead.model_validate(row)


def decision_view(row: ApprovalDecision) -> DecisionRead:
    return DecisionRead.model_validate(row)
