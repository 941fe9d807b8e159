"""Who among the time entries still refers to a configuration entity: a soft delete of an
activity, project or task that entries are booked on is refused (409 naming them), since
those entries could then no longer be changed or re-rated."""

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from timeledger.models import TimeEntry


def entries_booked_on(
    session: Session, column: InstrumentedAttribute[int | None], entity_id: int
) -> list[str]:
    """`<n> time entries` when entries refer to the entity through `column`, else []."""
    count = session.scalar(select(func.count()).select_from(TimeEntry).where(column == entity_id))
    return [f"{count} time entries"] if count else []
