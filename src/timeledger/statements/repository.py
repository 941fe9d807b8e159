"""SQL of statements and of the settlement movements they post; tenant scoping comes from
the session."""

from collections.abc import Collection
from datetime import date
from functools import cache
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer

from timeledger.approvals.repository import WORKSPACE, AwaitingRead, AwaitingShape, awaiting
from timeledger.kit.membership import among
from timeledger.kit.prepared import PreparedQuery, rows_in_session
from timeledger.models import Employment, Statement, TimebankMovement


@cache
def _submitted(shape: AwaitingShape) -> PreparedQuery:
    return PreparedQuery(
        awaiting(
            select(
                Statement.id,
                Statement.employee_id,
                Statement.period_start,
                Statement.period_end,
                Statement.submitted_at,
                Statement.norm_minutes,
                Statement.worked_minutes,
                Statement.overtime_minutes,
            ).where(Statement.workspace_id == WORKSPACE, Statement.status == "submitted"),
            employee=Statement.employee_id,
            first=Statement.period_start,
            last=Statement.period_end,
            at=Statement.submitted_at,
            row_id=Statement.id,
            shape=shape,
        )
    )


class StatementRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, statement_id: int, *, for_update: bool = False) -> Statement | None:
        statement = select(Statement).where(Statement.id == statement_id)
        if for_update:
            statement = statement.with_for_update()
        return self.session.scalars(statement).one_or_none()

    def submitted(self, read: AwaitingRead) -> list[Any]:
        """The submitted statements `read` asks for, in the order they were submitted, with
        the columns an approver's list shows: rows of id, employee_id, period_start,
        period_end, submitted_at, norm_minutes, worked_minutes, overtime_minutes, and
        where the employee sits (`placement_of`)."""
        return rows_in_session(self.session, _submitted(read.shape), **read.values())

    def overlapping(
        self, employee_ids: Collection[int], first: date, last: date
    ) -> dict[int, list[Statement]]:
        """The employees' statements sharing a day with `first` to `last`, locked for update
        (PostgreSQL), by employee: generation holds them while it decides, so a submission
        meanwhile waits and then sees what it decided."""
        found: dict[int, list[Statement]] = {}
        if not employee_ids:
            return found
        rows = self.session.scalars(
            select(Statement)
            .where(
                Statement.employee_id.in_(sorted(employee_ids)),
                Statement.period_start <= last,
                Statement.period_end >= first,
            )
            .order_by(Statement.id)
            # Their figures are read only when they are compared or recomputed.
            .options(defer(Statement.evaluation), defer(Statement.payroll_lines))
            .with_for_update()
        )
        for row in rows:
            found.setdefault(row.employee_id, []).append(row)
        return found

    def delete(self, statement: Statement) -> None:
        self.session.delete(statement)

    def listing(
        self,
        *,
        employee_ids: Collection[int] | None,
        statuses: Collection[str] = (),
        period_start: date | None = None,
    ) -> Select[Statement]:
        """Statements narrowed to employees (None: all), statuses and a period start; page
        it with `fetch_page`."""
        statement = select(Statement)
        if employee_ids is not None:
            statement = statement.where(among(Statement.employee_id, employee_ids))
        if statuses:
            statement = statement.where(Statement.status.in_(sorted(statuses)))
        if period_start is not None:
            statement = statement.where(Statement.period_start == period_start)
        return statement

    def employment_bounds(
        self, employee_ids: Collection[int]
    ) -> dict[int, list[tuple[date, date | None]]]:
        """Each employee's employment periods (start, end or None); an employee without
        any is absent."""
        periods: dict[int, list[tuple[date, date | None]]] = {}
        if not employee_ids:
            return periods
        rows = self.session.execute(
            select(Employment.employee_id, Employment.starts_on, Employment.ends_on).where(
                Employment.employee_id.in_(sorted(employee_ids))
            )
        )
        for employee_id, starts_on, ends_on in rows:
            periods.setdefault(employee_id, []).append((starts_on, ends_on))
        return periods

    def settlement_movements(self, statement_id: int, revision: int) -> list[TimebankMovement]:
        return list(
            self.session.scalars(
                select(TimebankMovement)
                .where(
                    TimebankMovement.statement_id == statement_id,
                    TimebankMovement.statement_revision == revision,
                )
                .order_by(TimebankMovement.id)
            )
        )

    def balances_on(
        self,
        employee_id: int,
        account_ids: Collection[int],
        day: date,
        *,
        leaving_out: tuple[int, int],
    ) -> dict[int, int]:
        """The employee's balances on `day` of the accounts, without the movements of one
        settlement (statement id, revision)."""
        if not account_ids:
            return {}
        statement_id, revision = leaving_out
        own = (TimebankMovement.statement_id == statement_id) & (
            TimebankMovement.statement_revision == revision
        )
        rows = self.session.execute(
            select(TimebankMovement.account_id, func.sum(TimebankMovement.amount))
            .where(
                TimebankMovement.employee_id == employee_id,
                TimebankMovement.account_id.in_(sorted(account_ids)),
                TimebankMovement.day <= day,
                ~own | TimebankMovement.statement_id.is_(None),
            )
            .group_by(TimebankMovement.account_id)
        )
        return {account_id: int(total) for account_id, total in rows}
