"""SQL of OAuth clients, codes and tokens. They are tenant rows, scoped by the session; the
authorization and token endpoints look a client, code or token up before they know the
workspace (the client id or the secret decides whose it is)."""

from collections.abc import Sequence
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm import Session

from timeledger.models import OAuthAuthorizationCode, OAuthClient, OAuthToken, User


class GrantRow(NamedTuple):
    client_id: str
    name: str
    first_authorized_at: datetime
    last_used_at: datetime


class OAuthRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # Clients

    def clients(self) -> Select[tuple[OAuthClient]]:
        return select(OAuthClient)

    def client(self, client_pk: int) -> OAuthClient | None:
        return self.session.scalars(
            select(OAuthClient).where(OAuthClient.id == client_pk)
        ).one_or_none()

    def client_by_client_id(self, client_id: str) -> OAuthClient | None:
        return self.session.scalars(
            select(OAuthClient).where(OAuthClient.client_id == client_id)
        ).one_or_none()

    def add(self, row: OAuthClient | OAuthAuthorizationCode | OAuthToken) -> None:
        self.session.add(row)
        self.session.flush()

    def delete_client(self, client: OAuthClient) -> None:
        """With its codes and tokens: a token of a deleted client is unknown (401)."""
        for model in (OAuthToken, OAuthAuthorizationCode):
            self.session.execute(
                delete(model)
                .where(model.oauth_client_id == client.id)
                .execution_options(synchronize_session=False)
            )
        self.session.delete(client)
        self.session.flush()

    # Codes

    def code_by_prefix(self, prefix: str) -> OAuthAuthorizationCode | None:
        return self.session.scalars(
            select(OAuthAuthorizationCode).where(OAuthAuthorizationCode.prefix == prefix)
        ).one_or_none()

    def claim_code(self, code_pk: int, now: datetime) -> bool:
        """Marks an unused code used; False when it already was. One statement, so that of
        two exchanges of one code racing each other exactly one claims it."""
        claimed = self.session.execute(
            update(OAuthAuthorizationCode)
            .where(OAuthAuthorizationCode.id == code_pk, OAuthAuthorizationCode.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]

    def expire_unused_codes(self, user_id: int, client_pk: int, now: datetime) -> None:
        self.session.execute(
            update(OAuthAuthorizationCode)
            .where(
                OAuthAuthorizationCode.user_id == user_id,
                OAuthAuthorizationCode.oauth_client_id == client_pk,
                OAuthAuthorizationCode.used_at.is_(None),
                OAuthAuthorizationCode.expires_at > now,
            )
            .values(expires_at=now)
            .execution_options(synchronize_session="fetch")
        )

    # Tokens

    def token_by_access_prefix(self, prefix: str) -> OAuthToken | None:
        return self.session.scalars(
            select(OAuthToken).where(OAuthToken.access_prefix == prefix)
        ).one_or_none()

    def token_by_refresh_prefix(self, prefix: str) -> OAuthToken | None:
        return self.session.scalars(
            select(OAuthToken).where(OAuthToken.refresh_prefix == prefix)
        ).one_or_none()

    def claim_refresh_token(self, token_pk: int, now: datetime) -> bool:
        """Marks an unused refresh token used; False when it already was (see `claim_code`)."""
        claimed = self.session.execute(
            update(OAuthToken)
            .where(OAuthToken.id == token_pk, OAuthToken.refresh_used_at.is_(None))
            .values(refresh_used_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return bool(claimed.rowcount)  # type: ignore[attr-defined]

    def revoke_family(self, family_id: str, now: datetime) -> None:
        self.session.execute(
            update(OAuthToken)
            .where(OAuthToken.family_id == family_id, OAuthToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .execution_options(synchronize_session="fetch")
        )

    def revoke_grant(self, user_id: int, client_pk: int, now: datetime) -> None:
        self.session.execute(
            update(OAuthToken)
            .where(
                OAuthToken.user_id == user_id,
                OAuthToken.oauth_client_id == client_pk,
                OAuthToken.revoked_at.is_(None),
            )
            .values(revoked_at=now)
            .execution_options(synchronize_session="fetch")
        )

    def touch(self, token_pk: int, now: datetime) -> None:
        self.session.execute(
            update(OAuthToken).where(OAuthToken.id == token_pk).values(last_used_at=now)
        )

    def user(self, user_id: int) -> User | None:
        return self.session.get(User, user_id)

    # Grants

    def grants_of(self, user_id: int, now: datetime) -> Sequence[GrantRow]:
        """The clients the person holds a live token of: one whose refresh token has not
        expired and which is not revoked (a rotated one still counts: its family lives on)."""
        statement = (
            select(
                OAuthClient.client_id,
                OAuthClient.name,
                func.min(OAuthToken.created_at),
                func.max(func.coalesce(OAuthToken.last_used_at, OAuthToken.created_at)),
            )
            .join(OAuthToken, OAuthToken.oauth_client_id == OAuthClient.id)
            .where(
                OAuthToken.user_id == user_id,
                OAuthToken.revoked_at.is_(None),
                OAuthToken.refresh_expires_at > now,
            )
            .group_by(OAuthClient.id, OAuthClient.client_id, OAuthClient.name)
            .order_by(OAuthClient.name, OAuthClient.client_id)
        )
        return [GrantRow(*row) for row in self.session.execute(statement)]

    def holds_grant(self, user_id: int, client_pk: int, now: datetime) -> bool:
        statement = (
            select(OAuthToken.id)
            .where(
                OAuthToken.user_id == user_id,
                OAuthToken.oauth_client_id == client_pk,
                OAuthToken.revoked_at.is_(None),
                OAuthToken.refresh_expires_at > now,
            )
            .limit(1)
        )
        return self.session.scalar(statement) is not None
