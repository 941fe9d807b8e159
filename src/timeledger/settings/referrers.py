"""Who among the recorded time still refers to a configuration entity: a soft delete of an
activity, project or task that entries are booked on, or of a timebank account that
movements are on, is refused (409 naming them), since those entries could then no longer
be changed or re-rated and those balances would silently drop out."""

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from timeledger.models import TimebankMovement, TimeEntry


def entries_booked_on(
    session: Session, column: InstrumentedAttribute[int | None], entity_id: int
) -> list[str]:
    """`<n> time entries` when entries refer to the entity through `column`, else []."""
    count = session.scalar(select(func.count()).select_from(TimeEntry).where(column == entity_id))
    return [f"{count} time entries"] if count else []


def movements_on(session: Session, account_id: int) -> list[str]:
    """`<n> timebank movements` when movements are on the account, else []."""
    count = session.scalar(
        select(func.count())
        .select_from(TimebankMovement)
        .where(TimebankMovement.account_id == account_id)
    )
    return [f"{count} timebank movements"] if count else []
