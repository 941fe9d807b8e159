"""The audit trail of security-relevant events; it never holds a secret."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.models import AuditEvent


@dataclass(frozen=True)
class AuditRecord:
    workspace_id: int
    action: str
    outcome: str
    actor_user_id: int | None = None
    credential: str | None = None
    client_address: str | None = None
    target_type: str | None = None
    target_id: int | None = None
    detail: dict[str, Any] = field(default_factory=dict)


def record_audit(session: Session, record: AuditRecord) -> None:
    """Inside the caller's transaction: recorded exactly when the action commits."""
    session.add(
        AuditEvent(
            workspace_id=record.workspace_id,
            at=utcnow(),
            action=record.action,
            outcome=record.outcome,
            actor_user_id=record.actor_user_id,
            credential=record.credential,
            client_address=record.client_address,
            target_type=record.target_type,
            target_id=record.target_id,
            detail=record.detail,
        )
    )


def record_audit_apart(db: Database, record: AuditRecord) -> None:
    """In a transaction of its own: for failures, whose request transaction rolls back."""
    with db.transaction() as session:
        record_audit(session, record)
