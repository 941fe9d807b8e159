"""Queries on timebank movements; tenant scoping comes from the session."""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from timeledger.models import TimebankAccountVersion, TimebankMovement
from timeledger.settings.service import TIMEBANK_ACCOUNTS


@dataclass(frozen=True)
class AccountTotals:
    """One account's movements of an employee up to a date, summed in SQL."""

    account_id: int
    balance: int
    entitlement: int
    last_movement_at: datetime | None


class TimebankRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def listing(
        self,
        employee_id: int,
        *,
        account_id: int | None = None,
        first: date | None = None,
        last: date | None = None,
    ) -> Select[TimebankMovement]:
        """An employee's movements, narrowed to an account and a range of days (inclusive);
        page it with `fetch_page`."""
        statement = select(TimebankMovement).where(TimebankMovement.employee_id == employee_id)
        if account_id is not None:
            statement = statement.where(TimebankMovement.account_id == account_id)
        if first is not None:
            statement = statement.where(TimebankMovement.day >= first)
        if last is not None:
            statement = statement.where(TimebankMovement.day <= last)
        return statement

    def get(self, employee_id: int, movement_id: int) -> TimebankMovement | None:
        return self.session.scalars(
            select(TimebankMovement).where(
                TimebankMovement.employee_id == employee_id, TimebankMovement.id == movement_id
            )
        ).one_or_none()

    def add(self, movement: TimebankMovement) -> TimebankMovement:
        self.session.add(movement)
        self.session.flush()
        return movement

    def add_all(self, movements: list[TimebankMovement]) -> None:
        self.session.add_all(movements)
        self.session.flush()

    def delete(self, movement: TimebankMovement) -> None:
        self.session.delete(movement)
        self.session.flush()

    def accounts_in_force(self, day: date) -> list[TimebankAccountVersion]:
        """The version in force on `day` of every live timebank account, by name then id."""
        statement = TIMEBANK_ACCOUNTS.in_force(day).order_by(*TIMEBANK_ACCOUNTS.by_name())
        return list(self.session.scalars(statement))

    def totals(
        self, employee_ids: list[int], account_ids: list[int], as_of: date, year_start: date
    ) -> dict[tuple[int, int], AccountTotals]:
        """Per employee and account: the sum of the movements counting from `as_of` or
        earlier, the sum of the entitlement movements among them from `year_start` on, and
        when the latest of them was recorded."""
        if not employee_ids or not account_ids:
            return {}
        entitled = case(
            (
                (TimebankMovement.cause == "entitlement") & (TimebankMovement.day >= year_start),
                TimebankMovement.amount,
            ),
            else_=0,
        )
        rows = self.session.execute(
            select(
                TimebankMovement.employee_id,
                TimebankMovement.account_id,
                func.coalesce(func.sum(TimebankMovement.amount), 0),
                func.coalesce(func.sum(entitled), 0),
                func.max(TimebankMovement.created_at),
            )
            .where(
                TimebankMovement.employee_id.in_(sorted(set(employee_ids))),
                TimebankMovement.account_id.in_(account_ids),
                TimebankMovement.day <= as_of,
            )
            .group_by(TimebankMovement.employee_id, TimebankMovement.account_id)
        ).all()
        return {
            (employee_id, account_id): AccountTotals(
                account_id, int(balance), int(entitlement), last
            )
            for employee_id, account_id, balance, entitlement, last in rows
        }
