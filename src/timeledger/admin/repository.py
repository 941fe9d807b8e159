from datetime import datetime

from sqlalchemy import Select, select

from timeledger.models import AuditEvent


def audit_events(
    *,
    action: str | None,
    outcome: str | None,
    actor_user_id: int | None,
    since: datetime | None,
    until: datetime | None,
    period: tuple[datetime, datetime] | None = None,
) -> Select[AuditEvent]:
    statement = select(AuditEvent)
    if action:
        statement = statement.where(AuditEvent.action == action)
    if outcome:
        statement = statement.where(AuditEvent.outcome == outcome)
    if actor_user_id is not None:
        statement = statement.where(AuditEvent.actor_user_id == actor_user_id)
    if since is not None:
        statement = statement.where(AuditEvent.at >= since)
    if until is not None:
        statement = statement.where(AuditEvent.at < until)
    if period is not None:
        statement = statement.where(AuditEvent.at >= period[0], AuditEvent.at < period[1])
    return statement
