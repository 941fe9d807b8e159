"""Shapes of timebank movements and balances in the native API."""

from datetime import datetime
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from timeledger.kit.timeutil import IsoDate
from timeledger.settings.kind_schemas import ConfigDate, ReferenceId, Text

MAX_AMOUNT = 10_000_000
MAX_NOTE_LENGTH = 10_000


class Cause(StrEnum):
    """Why a balance changed."""

    ADJUSTMENT = "adjustment"
    ENTITLEMENT = "entitlement"
    USAGE = "usage"
    SETTLEMENT = "settlement"
    EXPIRY = "expiry"
    REVERSAL = "reversal"
    CARRY_OVER = "carry_over"
    ACCRUAL = "accrual"


class PostedCause(StrEnum):
    """The causes a person may post by hand (the others are written by the rules)."""

    ADJUSTMENT = "adjustment"
    ENTITLEMENT = "entitlement"


POSTED_CAUSES = frozenset(cause.value for cause in PostedCause)


def _non_zero(value: int) -> int:
    if value == 0:
        raise ValueError("a movement must change the balance: amount cannot be 0")
    return value


Amount = Annotated[
    int,
    Field(
        ge=-MAX_AMOUNT,
        le=MAX_AMOUNT,
        description="Non-zero, in the account's unit: minutes for an `hours` account, "
        "hundredths of a day for a `days` account (150 = 1.5 days). Negative takes from "
        "the balance.",
        examples=[150, -90],
    ),
    AfterValidator(_non_zero),
]


class MovementCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: ReferenceId = Field(description="A timebank account in force on `day`.")
    day: ConfigDate = Field(description="The date the movement counts from.")
    amount: Amount
    cause: PostedCause
    note: Annotated[Text, Field(max_length=MAX_NOTE_LENGTH)] = ""


class MovementRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    employee_id: int
    account_id: int
    day: IsoDate
    amount: int
    cause: Cause
    note: str
    created_by_user_id: int | None
    created_at: datetime
    statement_id: int | None = Field(description="The statement whose settlement posted it.")
    statement_revision: int | None
    settlement_step: str | None = Field(
        description="The settlement step that posted it (`0.bank_norm_delta`), or `reversal`."
    )
    timeoff_policy_id: int | None = Field(
        description="The time-off policy whose request, accrual or expiration posted it."
    )
    timeoff_request_id: int | None = Field(
        description="The time-off request it uses a day of (or gives back)."
    )
    timeoff_key: str | None = Field(
        description="The accrual's or expiry's period: `accrual:2026:1` (the grant of 2026, "
        "first posting), `cap:2025:1`, `carried:2025:2` (a revision)."
    )


class BalanceRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    account_id: int
    account_name: str
    unit: str = Field(description="`hours` (amounts in minutes) or `days` (hundredths).")
    balance: int = Field(description="Sum of the account's movements up to `as_of`.")
    entitlement: int = Field(
        description="Sum of the entitlement movements of `as_of`'s calendar year up to it."
    )
    last_movement_at: datetime | None = Field(
        description="When the latest movement counted in the balance was recorded."
    )


class Balances(BaseModel):
    as_of: IsoDate
    items: list[BalanceRead]
