"""Routes of interactive sign-in (tag Auth)."""

from datetime import timedelta
from typing import Annotated

from fastapi import Request, status

from timeledger.access.caller import Allowed, Caller, client_address
from timeledger.access.credentials import TokenKind
from timeledger.access.hashing import Hashing
from timeledger.kit.clock import utcnow
from timeledger.kit.pagination import Page, PageRequest, fetch_page, page_request
from timeledger.kit.routing import ResourceId, api_router
from timeledger.kit.uow import DatabaseDep, UnitOfWork
from timeledger.kit.views import view_of
from timeledger.models import AuthSession
from timeledger.signin import service
from timeledger.signin.schemas import LoginRequest, LoginResult, PasswordResetRedeem, SessionRead
from timeledger.users.repository import CredentialRepository

auth = api_router("Auth", prefix="/auth")
SessionPage = Annotated[PageRequest, page_request(("id", "created_at"), "id")]


def _client(request: Request) -> service.ClientInfo:
    return service.ClientInfo(
        address=client_address(request) or "unknown",
        user_agent=request.headers.get("user-agent"),
    )


@auth.post("/login", response_model=LoginResult, openapi_extra={"x-public": True})
def login(
    body: LoginRequest,
    request: Request,
    session: UnitOfWork,
    db: DatabaseDep,
    hashing: Hashing,
) -> LoginResult:
    started = service.sign_in(
        db,
        session,
        body,
        _client(request),
        hashing,
        timedelta(hours=request.app.state.settings.session_ttl_hours),
    )
    return LoginResult(
        token=started.token,
        expires_at=started.row.expires_at,
        session_id=started.row.id,
        user_id=started.row.user_id,
        workspace_id=started.row.workspace_id,
    )


@auth.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(session: UnitOfWork, caller: Annotated[Caller, Allowed("sessions:delete:own")]) -> None:
    service.log_out(session, caller)


@auth.get("/sessions", response_model=Page[SessionRead])
def list_sessions(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("sessions:read:own")],
    page: SessionPage,
) -> Page[SessionRead]:
    rows, cursor = fetch_page(
        session,
        CredentialRepository(session).sessions_of(caller.user_id, utcnow()),
        page,
        sort_columns={"id": AuthSession.id, "created_at": AuthSession.created_at},
        id_column=AuthSession.id,
    )
    current = caller.credential_id if caller.credential_kind is TokenKind.SESSION else None
    return Page(
        items=[view_of(SessionRead, row, current=row.id == current) for row in rows],
        next_cursor=cursor,
    )


@auth.delete("/sessions/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_session(
    session_id: ResourceId,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("sessions:delete:own")],
) -> None:
    service.end_session(session, caller, session_id)


@auth.post(
    "/password-reset", status_code=status.HTTP_204_NO_CONTENT, openapi_extra={"x-public": True}
)
def redeem_password_reset(
    body: PasswordResetRedeem,
    request: Request,
    session: UnitOfWork,
    hashing: Hashing,
) -> None:
    service.redeem_password_reset(session, body.token, body.new_password, _client(request), hashing)
