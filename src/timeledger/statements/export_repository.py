"""SQL of payroll exports and of the statements they export; tenant scoping comes from the
session."""

from collections.abc import Collection
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import Select, select, update
from sqlalchemy.orm import Session, defer

from timeledger.models import Employee, Job, PayrollExport, Statement

EXPORTABLE = ("settled", "exported")
"""The statuses whose statements a payroll export holds."""


class ExportedStatement(NamedTuple):
    """What an export reads of a statement: enough to write its lines and to check, when
    it marks it exported, that it is still the statement it read."""

    id: int
    employee_id: int
    employee_number: str
    period_start: date
    period_end: date
    status: str
    revision: int
    payroll_lines: list[dict[str, Any]]


class StatementState(NamedTuple):
    status: str
    revision: int
    row_version: int


class PayrollExportRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, export_id: int, *, with_content: bool = False) -> PayrollExport | None:
        """An export of the session's workspace; its file only when asked for."""
        statement = select(PayrollExport).where(PayrollExport.id == export_id)
        if not with_content:
            statement = statement.options(defer(PayrollExport.content))
        return self.session.scalars(statement).one_or_none()

    def listing(self) -> Select[PayrollExport]:
        """The workspace's exports without their files; page it with `fetch_page`."""
        return select(PayrollExport).options(defer(PayrollExport.content))

    def job_of(self, export: PayrollExport) -> Job | None:
        if export.job_id is None:
            return None
        return self.session.scalars(
            select(Job).where(Job.id == export.job_id, Job.workspace_id == export.workspace_id)
        ).one_or_none()

    def add(self, export: PayrollExport) -> PayrollExport:
        self.session.add(export)
        self.session.flush()
        return export

    def existing_employee_ids(self, employee_ids: Collection[int]) -> set[int]:
        """Those of `employee_ids` that are employees of the workspace, deleted ones too:
        a deleted employee's settled statements are still paid."""
        return set(self.session.scalars(select(Employee.id).where(Employee.id.in_(employee_ids))))

    def exportable_statements(
        self, period_start: date, employee_ids: Collection[int] | None
    ) -> list[ExportedStatement]:
        """The settled and exported statements of the period starting on `period_start`
        (of `employee_ids` only, when given), in one query."""
        statement = (
            select(
                Statement.id,
                Statement.employee_id,
                Employee.employee_number,
                Statement.period_start,
                Statement.period_end,
                Statement.status,
                Statement.revision,
                Statement.payroll_lines,
            )
            .join(Employee, Employee.id == Statement.employee_id)
            .where(Statement.period_start == period_start, Statement.status.in_(EXPORTABLE))
            .order_by(Employee.employee_number, Statement.employee_id)
        )
        if employee_ids is not None:
            statement = statement.where(Statement.employee_id.in_(employee_ids))
        return [ExportedStatement(*row) for row in self.session.execute(statement)]

    def lock_states(self, statement_ids: Collection[int]) -> dict[int, StatementState]:
        """The statements' states of now, their rows locked until the transaction ends
        (on SQLite the writing transaction holds the database's write lock)."""
        rows = self.session.execute(
            select(Statement.id, Statement.status, Statement.revision, Statement.row_version)
            .where(Statement.id.in_(statement_ids))
            .with_for_update()
        )
        return {row.id: StatementState(row.status, row.revision, row.row_version) for row in rows}

    def mark_exported(self, statement_ids: Collection[int], now: datetime) -> None:
        """The settled ones of the statements become exported."""
        self.session.execute(
            update(Statement)
            .where(Statement.id.in_(statement_ids), Statement.status == "settled")
            .values(
                status="exported",
                exported_at=now,
                updated_at=now,
                row_version=Statement.row_version + 1,
            )
            .execution_options(synchronize_session=False)
        )
