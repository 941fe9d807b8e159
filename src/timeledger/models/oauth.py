from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from timeledger.kit.model import Base, Identifier, IdMixin, JsonDocument, TenantMixin


class OAuthClient(IdMixin, TenantMixin, Base):
    """An application allowed to ask a person of the workspace for an access token (the
    OAuth2 authorization server of the Tyme face). A confidential client holds a secret,
    stored as its SHA-256 only; a public one (a native or browser app) has none and must
    prove each code with PKCE."""

    __tablename__ = "oauth_clients"

    client_id: Mapped[str] = mapped_column(
        String(64), unique=True, comment="Public identifier, random; found before the workspace."
    )
    name: Mapped[str] = mapped_column(String(200))
    secret_hash: Mapped[str | None] = mapped_column(
        String(64), comment="SHA-256 of the client secret; null for a public client."
    )
    confidential: Mapped[bool]
    redirect_uris: Mapped[list[str]] = mapped_column(
        JsonDocument, comment="Absolute URIs, compared exactly with the one a request names."
    )
    created_by_user_id: Mapped[int | None] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime]


class OAuthAuthorizationCode(IdMixin, TenantMixin, Base):
    """A code a person's consent issued to a client, exchanged once for tokens. Kept after
    use, so that a second exchange is recognised and the tokens of the first revoked."""

    __tablename__ = "oauth_authorization_codes"

    oauth_client_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("oauth_clients.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    prefix: Mapped[str] = mapped_column(String(32), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    redirect_uri: Mapped[str] = mapped_column(String(2000))
    code_challenge: Mapped[str | None] = mapped_column(String(128))
    code_challenge_method: Mapped[str | None] = mapped_column(String(8), comment="S256")
    family_id: Mapped[str] = mapped_column(
        String(32), comment="The family of the tokens exchanged for this code."
    )
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class OAuthToken(IdMixin, TenantMixin, Base):
    """An access token and the refresh token issued with it, both stored as SHA-256 only.

    Every token pair descending from one code shares its `family_id`: a refresh token
    works once (`refresh_used_at`), and presenting it again revokes the whole family."""

    __tablename__ = "oauth_tokens"
    __table_args__ = (
        Index("ix_oauth_tokens_family", "workspace_id", "family_id"),
        Index("ix_oauth_tokens_grant", "workspace_id", "user_id", "oauth_client_id"),
    )

    oauth_client_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("oauth_clients.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(
        Identifier, ForeignKey("users.id", ondelete="CASCADE"), index=True
    )
    family_id: Mapped[str] = mapped_column(String(32))
    access_prefix: Mapped[str] = mapped_column(String(32), unique=True)
    access_hash: Mapped[str] = mapped_column(String(64))
    refresh_prefix: Mapped[str] = mapped_column(String(32), unique=True)
    refresh_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(comment="When the access token expires.")
    refresh_expires_at: Mapped[datetime]
    refresh_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
