"""SQL of time-off requests and of the movements they and the accrual jobs post; tenant
scoping comes from the session."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from timeledger.approvals.repository import WORKSPACE, AwaitingRead, AwaitingShape, awaiting
from timeledger.kit.membership import among
from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.models import Statement, TimebankMovement, TimeoffRequest

ACTIVE = ("requested", "approved")
CLOSED_STATEMENTS = ("settled", "exported")


@cache
def _requested(shape: AwaitingShape) -> PreparedQuery:
    return PreparedQuery(
        awaiting(
            select(
                TimeoffRequest.id,
                TimeoffRequest.employee_id,
                TimeoffRequest.start_day,
                TimeoffRequest.end_day,
                TimeoffRequest.created_at,
                TimeoffRequest.amount,
                TimeoffRequest.unit,
            ).where(TimeoffRequest.workspace_id == WORKSPACE, TimeoffRequest.status == "requested"),
            employee=TimeoffRequest.employee_id,
            first=TimeoffRequest.start_day,
            last=TimeoffRequest.end_day,
            at=TimeoffRequest.created_at,
            row_id=TimeoffRequest.id,
            shape=shape,
        )
    )


@dataclass(frozen=True)
class KeyedMovement:
    day: date
    amount: int
    cause: str
    timeoff_key: str | None
    timeoff_request_id: int | None


class TimeoffRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, request: TimeoffRequest) -> TimeoffRequest:
        self.session.add(request)
        self.session.flush()
        return request

    def get(self, request_id: int, *, for_update: bool = False) -> TimeoffRequest | None:
        """The request; one the session holds answers for itself (a route's check and its
        endpoint both ask), unless a lock is asked: the locked row is read again, over
        what the session held."""
        if not for_update:
            return self.session.get(TimeoffRequest, request_id)
        return self.session.get(
            TimeoffRequest, request_id, with_for_update=True, populate_existing=True
        )

    def requested(self, read: AwaitingRead) -> list[Any]:
        """The requests awaiting a decision that `read` asks for, in the order they were
        made: rows of id, employee_id, start_day, end_day, created_at, amount, unit, and
        where the employee sits (`placement_of`)."""
        return rows_in_session(self.session, _requested(read.shape), **read.values())

    def listing(
        self,
        employee_ids: Collection[int] | None,
        *,
        first: date | None,
        last: date | None,
        statuses: Collection[str],
    ) -> Select[TimeoffRequest]:
        """Requests sharing a day with `first` to `last` (either open); page it with
        `fetch_page`. None for `employee_ids` means everyone."""
        statement = select(TimeoffRequest)
        if employee_ids is not None:
            statement = statement.where(among(TimeoffRequest.employee_id, employee_ids))
        if first is not None:
            statement = statement.where(TimeoffRequest.end_day >= first)
        if last is not None:
            statement = statement.where(TimeoffRequest.start_day <= last)
        if statuses:
            statement = statement.where(TimeoffRequest.status.in_(sorted(statuses)))
        return statement

    def overlapping_active(
        self, employee_id: int, first: date, last: date, *, besides: int | None = None
    ) -> list[TimeoffRequest]:
        statement = select(TimeoffRequest).where(
            TimeoffRequest.employee_id == employee_id,
            TimeoffRequest.status.in_(ACTIVE),
            TimeoffRequest.start_day <= last,
            TimeoffRequest.end_day >= first,
        )
        if besides is not None:
            statement = statement.where(TimeoffRequest.id != besides)
        return list(self.session.scalars(statement.order_by(TimeoffRequest.start_day)))

    def closed_statement_over(self, employee_id: int, first: date, last: date) -> Statement | None:
        """A settled or exported statement of the employee sharing a day with the range."""
        return self.session.scalars(
            select(Statement)
            .where(
                Statement.employee_id == employee_id,
                Statement.status.in_(CLOSED_STATEMENTS),
                Statement.period_start <= last,
                Statement.period_end >= first,
            )
            .order_by(Statement.period_start)
            .limit(1)
        ).one_or_none()

    def pending_by_account(
        self, employee_id: int, account_ids: Iterable[int], *, besides: int | None = None
    ) -> dict[int, int]:
        """Per account: the amounts of the employee's requests awaiting a decision."""
        statement = (
            select(TimeoffRequest.account_id, func.coalesce(func.sum(TimeoffRequest.amount), 0))
            .where(
                TimeoffRequest.employee_id == employee_id,
                TimeoffRequest.status == "requested",
                TimeoffRequest.account_id.in_(sorted(set(account_ids))),
            )
            .group_by(TimeoffRequest.account_id)
        )
        if besides is not None:
            statement = statement.where(TimeoffRequest.id != besides)
        return {
            int(account): int(total)
            for account, total in self.session.execute(statement)
            if account is not None
        }

    def movements(
        self, employee_id: int, account_ids: Iterable[int]
    ) -> dict[int, list[KeyedMovement]]:
        """Per account: every movement of the employee on it, by day."""
        found: dict[int, list[KeyedMovement]] = {}
        rows = self.session.execute(
            select(
                TimebankMovement.account_id,
                TimebankMovement.day,
                TimebankMovement.amount,
                TimebankMovement.cause,
                TimebankMovement.timeoff_key,
                TimebankMovement.timeoff_request_id,
            )
            .where(
                TimebankMovement.employee_id == employee_id,
                TimebankMovement.account_id.in_(sorted(set(account_ids))),
            )
            .order_by(TimebankMovement.day, TimebankMovement.id)
        )
        for account_id, day, amount, cause, key, request_id in rows:
            found.setdefault(account_id, []).append(
                KeyedMovement(day, amount, cause, key, request_id)
            )
        return found

    def keys_posted(
        self, employee_ids: Collection[int], policy_ids: Collection[int]
    ) -> dict[tuple[int, int], dict[str, int]]:
        """Per (employee, policy): the keys of the accruals and expiries posted, with their
        amounts."""
        found: dict[tuple[int, int], dict[str, int]] = {}
        if not employee_ids or not policy_ids:
            return found
        rows = self.session.execute(
            select(
                TimebankMovement.employee_id,
                TimebankMovement.timeoff_policy_id,
                TimebankMovement.timeoff_key,
                TimebankMovement.amount,
            ).where(
                TimebankMovement.employee_id.in_(sorted(employee_ids)),
                TimebankMovement.timeoff_policy_id.in_(sorted(policy_ids)),
                TimebankMovement.timeoff_key.is_not(None),
            )
        )
        for employee_id, policy_id, key, amount in rows:
            if policy_id is not None and key is not None:
                found.setdefault((employee_id, policy_id), {})[key] = amount
        return found

    def balances(
        self, employee_ids: Collection[int], account_ids: Collection[int], as_of: date
    ) -> dict[tuple[int, int], int]:
        """Per (employee, account): the sum of the movements counting from `as_of` or
        earlier."""
        if not employee_ids or not account_ids:
            return {}
        rows = self.session.execute(
            select(
                TimebankMovement.employee_id,
                TimebankMovement.account_id,
                func.coalesce(func.sum(TimebankMovement.amount), 0),
            )
            .where(
                TimebankMovement.employee_id.in_(sorted(employee_ids)),
                TimebankMovement.account_id.in_(sorted(account_ids)),
                TimebankMovement.day <= as_of,
            )
            .group_by(TimebankMovement.employee_id, TimebankMovement.account_id)
        )
        return {(employee, account): int(total) for employee, account, total in rows}
