"""Rules of OAuth clients, of a person's consent, of the tokens it leads to, and of the
grants a person can see and revoke.

An administrator registers a client; its secret (confidential clients only) is shown once
and stored as its SHA-256. A person consents on a sign-in form: their password is checked
under the sign-in limits, and the client gets a code for their browser's redirect URI.
The code buys a token pair once; each refresh token works once. An access token acts as
its person, and the Tyme API it opens is for team admins only.
"""

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from authlib.oauth2 import OAuth2Error
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant
from pydantic import ValidationError
from sqlalchemy.orm import Session

from timeledger.access.audit import AuditRecord, record_audit, record_audit_apart
from timeledger.access.caller import LAST_USED_RESOLUTION, Caller, caller_of_user
from timeledger.access.credentials import (
    PasswordHashing,
    TokenKind,
    issue_token,
    token_matches,
    token_prefix,
)
from timeledger.access.permissions import grants
from timeledger.config import Settings
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    Problem,
    TooManyRequests,
    Unauthorized,
)
from timeledger.kit.views import view_of
from timeledger.models import OAuthClient, OAuthToken, User
from timeledger.oauth import consent_form
from timeledger.oauth.consent_form import FormRefused, SealedRequest
from timeledger.oauth.repository import OAuthRepository
from timeledger.oauth.schemas import OAuthClientCreate, OAuthClientCreated, OAuthGrantRead
from timeledger.oauth.server import (
    ACTIVE,
    Client,
    OAuthAnswer,
    OAuthHttpRequest,
    TimeledgerAuthorizationServer,
)
from timeledger.signin.schemas import LoginRequest
from timeledger.signin.service import WRONG_CREDENTIALS, ClientInfo, check_password
from timeledger.workspaces.repository import WorkspaceRepository

CLIENT_ID_BYTES = 18
TEAM_ADMIN_PERMISSION = "workspace:update:*"
"""What makes a person a team admin of Tyme's: the owner and admin roles hold it."""
ALLOW = "allow"
NOT_ISSUED_HERE = (
    "This sign-in form has expired or was not opened in this browser. Go back to the "
    "application and start again."
)


# Clients


def get_client(session: Session, client_pk: int) -> OAuthClient:
    client = OAuthRepository(session).client(client_pk)
    if client is None:
        raise NotFound(f"OAuth client {client_pk} does not exist.")
    return client


def _audit_client(session: Session, caller: Caller, action: str, client: OAuthClient) -> None:
    record_audit(
        session,
        caller.audit_record(
            action,
            "success",
            target_type="oauth_client",
            target_id=client.id,
            detail={"client_id": client.client_id, "name": client.name},
        ),
    )


def create_client(session: Session, caller: Caller, data: OAuthClientCreate) -> OAuthClientCreated:
    secret = issue_token(TokenKind.OAUTH_CLIENT_SECRET) if data.confidential else None
    client = OAuthClient(
        workspace_id=caller.workspace_id,
        client_id=secrets.token_urlsafe(CLIENT_ID_BYTES),
        name=data.name,
        secret_hash=secret.secret_hash if secret is not None else None,
        confidential=data.confidential,
        redirect_uris=list(dict.fromkeys(data.redirect_uris)),
        created_by_user_id=caller.user_id,
        created_at=utcnow(),
    )
    OAuthRepository(session).add(client)
    _audit_client(session, caller, "oauth_client.created", client)
    return view_of(
        OAuthClientCreated, client, client_secret=secret.token if secret is not None else None
    )


def delete_client(session: Session, caller: Caller, client_pk: int) -> None:
    """Its codes and tokens go with it: every application using it is signed out."""
    client = get_client(session, client_pk)
    _audit_client(session, caller, "oauth_client.deleted", client)
    OAuthRepository(session).delete_client(client)


# Grants


def grants_of(session: Session, caller: Caller) -> list[OAuthGrantRead]:
    return [
        OAuthGrantRead(
            client_id=row.client_id,
            name=row.name,
            first_authorized_at=row.first_authorized_at,
            last_used_at=row.last_used_at,
        )
        for row in OAuthRepository(session).grants_of(caller.user_id, utcnow())
    ]


def revoke_grant(session: Session, caller: Caller, client_id: str) -> None:
    """Every token of the caller for the client stops working, and a code not yet
    exchanged can no longer be."""
    repository = OAuthRepository(session)
    now = utcnow()
    client = repository.client_by_client_id(client_id)
    if client is None or not repository.holds_grant(caller.user_id, client.id, now):
        raise NotFound(f"You have not authorized an OAuth client {client_id[:80]!r}.")
    repository.revoke_grant(caller.user_id, client.id, now)
    repository.expire_unused_codes(caller.user_id, client.id, now)
    _audit_client(session, caller, "oauth_grant.revoked", client)


# The Tyme API's bearer tokens


def _live_access_token(reader: Session, token: str, now: datetime) -> OAuthToken | None:
    if "\x00" in token:
        return None
    row = OAuthRepository(reader).token_by_access_prefix(token_prefix(token))
    if row is None or not token_matches(token, row.access_hash):
        return None
    if row.revoked_at is not None or row.expires_at <= now:
        return None
    return row


def caller_of_access_token(db: Database, token: str, address: str | None) -> Caller:
    """The person an access token acts as (401 when it acts for nobody), who must be a
    team admin (403 otherwise). Read in a short transaction of its own before the
    request's unit of work, as API keys are (`access.caller.caller_from_token`)."""
    now = utcnow()
    with db.session(write=False) as reader:
        row = _live_access_token(reader, token, now)
        if row is None:
            raise Unauthorized("The access token is unknown, expired or revoked.")
        user = reader.get(User, row.user_id)
        if user is None or user.status != ACTIVE:
            raise Unauthorized("The access token's user is suspended or deleted.")
        caller = caller_of_user(
            user,
            kind=TokenKind.OAUTH_ACCESS,
            credential_id=row.id,
            label=row.access_prefix,
            address=address,
        )
        needs_touch = row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION
    if needs_touch:
        with db.transaction() as writer:
            OAuthRepository(writer).touch(caller.credential_id, now)
    if not is_team_admin(caller.permissions):
        record_audit_apart(
            db,
            caller.audit_record(
                "permission.denied",
                "denied",
                detail={"permission": TEAM_ADMIN_PERMISSION, "reason": "not a team admin"},
            ),
        )
        raise Forbidden("Only team admins (owner or admin) may use the Tyme API.")
    return caller


def is_team_admin(permissions: Iterable[str]) -> bool:
    return grants(permissions, TEAM_ADMIN_PERMISSION)


# Consent


class AuthorizationRequestInvalid(Exception):
    """An authorization request with nowhere safe to send the browser back to: an unknown
    client, a redirect URI it did not register, a form not issued to this browser."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


@dataclass(frozen=True)
class ConsentPage:
    """The sign-in and consent form to show, and why the last try failed."""

    client_name: str
    workspace_name: str
    form_token: str
    browser_binding: str
    problem: str | None = None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)


def _invalid(error: OAuth2Error) -> AuthorizationRequestInvalid:
    return AuthorizationRequestInvalid(error.description or error.error)


def _validated_grant(
    server: TimeledgerAuthorizationServer, http: OAuthHttpRequest
) -> AuthorizationCodeGrant | OAuthAnswer:
    """The request's grant, or the error to send back to the client's redirect URI when it
    is known and registered (RFC 6749 §4.1.2.1); else `AuthorizationRequestInvalid`."""
    try:
        grant: AuthorizationCodeGrant = server.get_consent_grant(http)
    except OAuth2Error as error:
        if error.redirect_uri:
            return server.error_answer(error)
        raise _invalid(error) from None
    return grant


def consent_page(
    session: Session, settings: Settings, http: OAuthHttpRequest
) -> ConsentPage | OAuthAnswer:
    """The form for a valid authorization request (`GET /authorize`)."""
    server = TimeledgerAuthorizationServer(session)
    grant = _validated_grant(server, http)
    if isinstance(grant, OAuthAnswer):
        return grant
    client: Client = grant.client
    workspace = WorkspaceRepository(session).get(client.row.workspace_id)
    assert workspace is not None
    sealed = SealedRequest(
        parameters=list(http.parameters),
        client_name=client.row.name,
        workspace_name=workspace.name,
    )
    binding = consent_form.new_browser_binding()
    return ConsentPage(
        client_name=sealed.client_name,
        workspace_name=sealed.workspace_name,
        form_token=consent_form.seal(settings, sealed, binding),
        browser_binding=binding,
    )


@dataclass(frozen=True)
class ConsentAnswer:
    """What the person sent on the form."""

    form_token: str
    browser_binding: str
    decision: str
    email: str
    password: str


def _signed_in(
    db: Database,
    sealed: SealedRequest,
    answer: ConsentAnswer,
    client: ClientInfo,
    hashing: PasswordHashing,
) -> User | Problem:
    """The person signing in, or why not (in the sign-in's own words). The form's fields
    are held to the sign-in operation's shapes first."""
    try:
        login = LoginRequest(
            email=answer.email, password=answer.password, workspace=sealed.workspace_name
        )
    except ValidationError:
        return Unauthorized(WRONG_CREDENTIALS)
    try:
        return check_password(db, login.email, login.password, login.workspace, client, hashing)
    except (Unauthorized, TooManyRequests, Conflict) as refusal:
        return refusal


def _page_again(sealed: SealedRequest, answer: ConsentAnswer, refusal: Problem) -> ConsentPage:
    """The form once more, saying why the sign-in failed; a throttled one says when to try
    again (429 with Retry-After)."""
    throttled = isinstance(refusal, TooManyRequests)
    return ConsentPage(
        client_name=sealed.client_name,
        workspace_name=sealed.workspace_name,
        form_token=answer.form_token,
        browser_binding=answer.browser_binding,
        problem=refusal.detail,
        status=refusal.status if throttled else 200,
        headers=refusal.headers if throttled else {},
    )


def answer_consent(
    session: Session,
    db: Database,
    settings: Settings,
    hashing: PasswordHashing,
    http: OAuthHttpRequest,
    answer: ConsentAnswer,
    client_info: ClientInfo,
) -> ConsentPage | OAuthAnswer:
    """`POST /authorize`: a person allowing, with their email and password, or denying.

    The password is checked before the request's own transaction begins (see
    `check_password`); the authorization request is the one the form sealed, validated
    again, since the client may have changed since the form was shown."""
    try:
        sealed = consent_form.opened(settings, answer.form_token, answer.browser_binding)
    except FormRefused:
        raise AuthorizationRequestInvalid(NOT_ISSUED_HERE) from None
    user: User | None = None
    if answer.decision == ALLOW:
        signed_in = _signed_in(db, sealed, answer, client_info, hashing)
        if isinstance(signed_in, Problem):
            return _page_again(sealed, answer, signed_in)
        user = signed_in
    server = TimeledgerAuthorizationServer(session)
    request = OAuthHttpRequest("GET", http.url, http.headers, sealed.parameters)
    grant = _validated_grant(server, request)
    if isinstance(grant, OAuthAnswer):
        return grant
    client: Client = grant.client
    if user is not None:
        if user.workspace_id != client.row.workspace_id:
            raise AuthorizationRequestInvalid(NOT_ISSUED_HERE)
        record_audit(
            session,
            AuditRecord(
                workspace_id=user.workspace_id,
                action="oauth.authorized",
                outcome="success",
                actor_user_id=user.id,
                client_address=client_info.address,
                target_type="oauth_client",
                target_id=client.row.id,
                detail={"client_id": client.row.client_id},
            ),
        )
    authorized: OAuthAnswer = server.create_authorization_response(
        grant.request, grant_user=user, grant=grant
    )
    return authorized


# Tokens


def token_answer(session: Session, http: OAuthHttpRequest, grant_type: str) -> OAuthAnswer:
    """The token endpoint of one grant type: a code or a refresh token for a new pair."""
    return TimeledgerAuthorizationServer(session).token_answer(http, grant_type)
