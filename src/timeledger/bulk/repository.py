"""SQL of bulk actions: the ids a filter matches, and a bulk job's row (its progress and
outcome so far are written in each batch's own transaction)."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries.listing import ENTRIES, EntryFilters
from timeledger.models import Employee, Job
from timeledger.organization.repository import EmployeeRepository


class BulkRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def entry_ids(self, filters: EntryFilters, limit: int) -> list[int]:
        """The ids of the entries the filters match, in id order, at most `limit`."""
        if filters.matches_nothing:
            return []
        statement = (
            select(ENTRIES.c.id).where(*filters.entry_conditions()).order_by(ENTRIES.c.id)
        ).limit(limit)
        return list(self.session.connection().execute(statement, filters.parameters()).scalars())

    def employee_ids(
        self,
        caller: Caller,
        today: date,
        day: date,
        *,
        org_unit_id: int | None,
        text: str | None,
        limit: int,
    ) -> list[int]:
        """The ids of the employees GET /api/employees lists for these filters."""
        matching = EmployeeRepository(self.session).matching(
            caller, today, day, org_unit_id=org_unit_id, text=text
        )
        statement = matching.with_only_columns(Employee.id).order_by(Employee.id).limit(limit)
        return list(self.session.scalars(statement))

    def job(self, workspace_id: int, kind: str, job_id: int, user_id: int) -> Job | None:
        return self.session.scalars(
            select(Job).where(
                Job.id == job_id,
                Job.workspace_id == workspace_id,
                Job.kind == kind,
                Job.created_by_user_id == user_id,
            )
        ).one_or_none()

    def job_result(self, job_id: int) -> dict[str, Any] | None:
        return self.session.scalar(select(Job.result).where(Job.id == job_id))

    def save_progress(
        self, job_id: int, done: int, result: dict[str, Any], locked_until: datetime
    ) -> None:
        """In the batch's transaction: how far the job got and what it did so far, so a
        rerun resumes after the last committed batch; renews the job's lease."""
        self.session.execute(
            update(Job)
            .where(Job.id == job_id, Job.status == "running")
            .values(progress_done=done, result=result, locked_until=locked_until)
        )
