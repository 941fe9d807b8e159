"""SQLAlchemy models, one module per domain; importing this package registers them all."""

from timeledger.models.changelog import Change
from timeledger.models.idempotency import IdempotencyRecord
from timeledger.models.identity import (
    ApiKey,
    AuditEvent,
    AuthSession,
    PasswordResetToken,
    Role,
    SignInAttempt,
    User,
)
from timeledger.models.jobs import Job
from timeledger.models.workspace import Workspace

__all__ = [
    "ApiKey",
    "AuditEvent",
    "AuthSession",
    "Change",
    "IdempotencyRecord",
    "Job",
    "PasswordResetToken",
    "Role",
    "SignInAttempt",
    "User",
    "Workspace",
]
