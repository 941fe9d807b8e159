"""Queries of sign-in: attempts for throttling, and reset tokens."""

from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from timeledger.models import PasswordResetToken, SignInAttempt, Workspace


class SignInRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def failures_since(
        self, since: datetime, *, email: str | None = None, address: str | None = None
    ) -> tuple[int, datetime | None]:
        """How many failed attempts since `since`, and when the oldest of them happened."""
        statement = select(func.count(), func.min(SignInAttempt.at)).where(
            SignInAttempt.succeeded.is_(False), SignInAttempt.at >= since
        )
        if email is not None:
            statement = statement.where(SignInAttempt.email == email)
        if address is not None:
            statement = statement.where(SignInAttempt.client_address == address)
        count, oldest = self.session.execute(statement).one()
        return int(count), oldest

    def add_attempt(self, attempt: SignInAttempt) -> None:
        self.session.add(attempt)

    def purge_attempts_before(self, before: datetime) -> None:
        self.session.execute(delete(SignInAttempt).where(SignInAttempt.at < before))

    def reset_token(self, prefix: str) -> PasswordResetToken | None:
        return self.session.scalars(
            select(PasswordResetToken).where(PasswordResetToken.prefix == prefix)
        ).one_or_none()

    def spend_reset_tokens(self, token: PasswordResetToken, now: datetime) -> bool:
        """Marks `token` used, only if it is still unused (so two concurrent redemptions
        cannot both succeed), and with it every other unused token of its person."""
        spent = self.session.execute(
            update(PasswordResetToken)
            .where(PasswordResetToken.id == token.id, PasswordResetToken.used_at.is_(None))
            .values(used_at=now)
            .execution_options(synchronize_session="fetch")
        )
        if getattr(spent, "rowcount", 0) != 1:
            return False
        self.session.execute(
            update(PasswordResetToken)
            .where(
                PasswordResetToken.user_id == token.user_id,
                PasswordResetToken.used_at.is_(None),
            )
            .values(used_at=now)
            .execution_options(synchronize_session="fetch")
        )
        return True

    def workspace_names(self, workspace_ids: list[int]) -> dict[int, str]:
        rows = self.session.execute(
            select(Workspace.id, Workspace.name).where(Workspace.id.in_(workspace_ids))
        )
        return {workspace_id: name for workspace_id, name in rows}
