from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from timeledger.kit.model import (
    Base,
    Identifier,
    IdMixin,
    JsonDocument,
    PinnedInSession,
    TenantMixin,
)


class Role(IdMixin, TenantMixin, Base):
    """A named set of permission strings `area:action:scope`."""

    __tablename__ = "roles"
    __table_args__ = (UniqueConstraint("workspace_id", "name"),)

    name: Mapped[str] = mapped_column(String(64))
    description: Mapped[str] = mapped_column(String(500), default="")
    permissions: Mapped[list[str]] = mapped_column(JsonDocument, default=list)
    builtin: Mapped[bool] = mapped_column(default=False)
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


SERVICE_NAME_EXPRESSION = "(CASE WHEN kind = 'service' THEN name END)"


class User(IdMixin, TenantMixin, PinnedInSession, Base):
    """A sign-in identity: a person, or a service user that only owns API keys."""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("workspace_id", "email"),
        # A service user's name is unique in its workspace; a person's counts as NULL here.
        # An expression rather than a partial index (WHERE kind = 'service'): SQLite prepares
        # a statement again at every run when it binds a value to a column that a partial
        # index's WHERE compares with a value (to see whether the index applies), and
        # almost every read of users binds `kind` (the users query of reading one user took
        # four times as long in SQLite; docs/performance.md).
        Index(
            "uq_users_service_name",
            "workspace_id",
            text(SERVICE_NAME_EXPRESSION),
            unique=True,
        ),
        Index("ix_users_email", "email"),
    )

    kind: Mapped[str] = mapped_column(String(16), comment="person | service")
    email: Mapped[str | None] = mapped_column(String(320))
    name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    role_id: Mapped[int] = mapped_column(Identifier, ForeignKey("roles.id"), index=True)
    timezone: Mapped[str | None] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(16), default="en")
    status: Mapped[str] = mapped_column(String(16), default="active", comment="active|suspended")
    row_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]

    role: Mapped[Role] = relationship(lazy="joined")


class ApiKey(IdMixin, TenantMixin, Base):
    """A long-lived secret of a user; only its SHA-256 hash and visible prefix are stored."""

    __tablename__ = "api_keys"

    user_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class AuthSession(IdMixin, TenantMixin, Base):
    """An interactive sign-in; the opaque token is stored hashed."""

    __tablename__ = "auth_sessions"

    user_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    client_address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))
    created_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]


class PasswordResetToken(IdMixin, TenantMixin, Base):
    """A single-use, expiring token an admin hands to a person to set a new password."""

    __tablename__ = "password_reset_tokens"

    user_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_by_user_id: Mapped[int | None] = mapped_column(Identifier)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class SignInAttempt(IdMixin, Base):
    """A sign-in try, kept briefly to throttle guessing per account and per address.

    Not tenant data: an attempt for an unknown email belongs to no workspace.
    """

    __tablename__ = "sign_in_attempts"
    __table_args__ = (
        Index("ix_sign_in_attempts_email_at", "email", "at"),
        Index("ix_sign_in_attempts_client_address_at", "client_address", "at"),
    )

    email: Mapped[str] = mapped_column(String(320))
    client_address: Mapped[str] = mapped_column(String(64))
    succeeded: Mapped[bool]
    at: Mapped[datetime]


class AuditEvent(IdMixin, TenantMixin, Base):
    """Who did what security-relevant thing, when, from where, and how it ended."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_workspace_id_at", "workspace_id", "at"),)

    at: Mapped[datetime]
    action: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(16), comment="success | failure | denied")
    actor_user_id: Mapped[int | None] = mapped_column(Identifier)
    credential: Mapped[str | None] = mapped_column(
        String(64), comment="Kind and visible prefix of the credential used, never the secret."
    )
    client_address: Mapped[str | None] = mapped_column(String(64))
    target_type: Mapped[str | None] = mapped_column(String(64))
    target_id: Mapped[int | None] = mapped_column(Identifier)
    detail: Mapped[dict[str, Any]] = mapped_column(JsonDocument, default=dict)
