from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from timeledger.models import Job


class JobRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def claim_due(self, now: datetime, limit: int) -> list[Job]:
        """Due jobs not held by another worker; on PostgreSQL, rows another worker is
        claiming are skipped instead of waited for."""
        statement = (
            select(Job)
            .where(
                Job.status.in_(("pending", "running")),
                Job.run_at <= now,
                or_(Job.locked_until.is_(None), Job.locked_until <= now),
            )
            .order_by(Job.run_at, Job.id)
            .limit(limit)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        return list(self.session.scalars(statement))

    def add(self, job: Job) -> Job:
        self.session.add(job)
        self.session.flush()
        return job
