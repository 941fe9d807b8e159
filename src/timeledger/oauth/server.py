"""The OAuth2 authorization server, assembled from Authlib's components: its
`AuthorizationServer`, the authorization-code and refresh-token grants of RFC 6749,
PKCE (RFC 7636) and its bearer-token generator. What is written here is what Authlib
leaves to an integration: how a request reaches it (`OAuthHttpRequest`), how clients,
codes and tokens are stored and found, and the stricter rules of RFC 9700 that it only
offers as options (S256 only, PKCE required of public clients, refresh-token rotation
with reuse detection, revoking the tokens of a code used twice).

A server is made per request around that request's session; it only flushes.
"""

import base64
import binascii
import logging
import secrets
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from authlib.oauth2 import AuthorizationServer, OAuth2Error
from authlib.oauth2.base import invalid_error_characters
from authlib.oauth2.rfc6749 import (
    AuthorizationCodeMixin,
    ClientMixin,
    InvalidClientError,
    InvalidRequestError,
    OAuth2Payload,
    OAuth2Request,
    TokenMixin,
    UnsupportedGrantTypeError,
)
from authlib.oauth2.rfc6749.grants import AuthorizationCodeGrant, RefreshTokenGrant
from authlib.oauth2.rfc6750 import BearerTokenGenerator
from authlib.oauth2.rfc7636 import CodeChallenge
from sqlalchemy.orm import Session

from timeledger.access.audit import AuditRecord, record_audit
from timeledger.access.credentials import (
    TokenKind,
    issue_token,
    token_hash,
    token_matches,
    token_prefix,
)
from timeledger.kit.clock import utcnow
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.models import OAuthAuthorizationCode, OAuthClient, OAuthToken, User
from timeledger.oauth.repository import OAuthRepository

CODE_LIFETIME = timedelta(minutes=10)
ACCESS_TOKEN_LIFETIME = timedelta(hours=1)
REFRESH_TOKEN_LIFETIME = timedelta(days=60)
AUTHORIZATION_CODE = "authorization_code"
REFRESH_TOKEN = "refresh_token"  # noqa: S105 (a grant type)
RESPONSE_TYPE = "code"
S256 = "S256"
SECRET_METHODS = ("client_secret_basic", "client_secret_post")
PUBLIC_METHOD = "none"
ACTIVE = "active"
STATE = "state"
FAMILY_ID_BYTES = 16

# Authlib logs every token it issues at DEBUG ("Issue token %r to %r"): its loggers say
# nothing below INFO, whatever level the rest of the process logs at.
logging.getLogger("authlib").setLevel(logging.INFO)


@dataclass(frozen=True)
class OAuthHttpRequest:
    """What the server reads of an HTTP request, filled in by the face that received it."""

    method: str
    url: str
    headers: Mapping[str, str]
    """Case-insensitive, as HTTP headers are."""
    parameters: Sequence[tuple[str, str]]
    """The query's parameters (authorization) or the body's (token), in order."""


@dataclass(frozen=True)
class OAuthAnswer:
    """What to answer: a JSON document, or a redirect (302 with `Location`)."""

    status: int
    body: dict[str, Any]
    headers: Sequence[tuple[str, str]]

    @property
    def location(self) -> str | None:
        return next((value for name, value in self.headers if name.lower() == "location"), None)


def _storable(text: str) -> bool:
    """Whether a text can be looked up at all: PostgreSQL text holds no NUL character."""
    return "\x00" not in text


def _acceptable(name: str, value: str) -> bool:
    """OAuth's parameters are ASCII: `state` any visible character or space (RFC 6749
    Appendix A.5), the others URIs and tokens. Authlib quotes some of them in its error
    descriptions, which it refuses to build with characters an error may not carry."""
    if name == STATE:
        return all(" " <= character <= "~" for character in value)
    return not invalid_error_characters(value)


class _Payload(OAuth2Payload):  # type: ignore[misc]
    def __init__(self, parameters: Sequence[tuple[str, str]]) -> None:
        self._datalist: defaultdict[str, list[str]] = defaultdict(list)
        for name, value in parameters:
            if not _acceptable(name, value):
                raise InvalidRequestError("A parameter holds characters OAuth does not allow.")
            self._datalist[name].append(value)
        self._data = {name: values[0] for name, values in self._datalist.items()}

    @property
    def data(self) -> dict[str, str]:
        return self._data

    @property
    def datalist(self) -> defaultdict[str, list[str]]:
        return self._datalist


def _check_basic_credentials(headers: Mapping[str, str]) -> None:
    """Authlib decodes HTTP Basic credentials as UTF-8 without catching a failure."""
    scheme_and_token = headers.get("authorization", "").split(None, 1)
    if len(scheme_and_token) == 2 and scheme_and_token[0].lower() == "basic":
        try:
            base64.b64decode(scheme_and_token[1]).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise InvalidClientError(
                status_code=401, description="The Basic credentials are not base64 of UTF-8."
            ) from None


class _Request(OAuth2Request):  # type: ignore[misc]
    """Raises `InsecureTransportError` for a URL that is neither https nor loopback, and
    `InvalidRequestError` for parameters OAuth does not allow."""

    def __init__(self, http: OAuthHttpRequest) -> None:
        super().__init__(method=http.method, uri=http.url, headers=http.headers)
        _check_basic_credentials(http.headers)
        self.payload = _Payload(http.parameters)

    @property
    def form(self) -> dict[str, str]:
        data: dict[str, str] = self.payload.data
        return data


class Client(ClientMixin):  # type: ignore[misc]
    """A stored client as Authlib asks about it."""

    def __init__(self, row: OAuthClient) -> None:
        self.row = row

    def get_client_id(self) -> str:
        return self.row.client_id

    def get_default_redirect_uri(self) -> None:
        """None: a request must name its redirect_uri, compared exactly (RFC 9700 §2.1)."""

    def get_allowed_scope(self, scope: str | None) -> str:
        """Tyme knows no scopes: a token acts as the person who consented."""
        return ""

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.row.redirect_uris

    def check_client_secret(self, client_secret: str) -> bool:
        return self.row.secret_hash is not None and token_matches(
            client_secret, self.row.secret_hash
        )

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        if self.row.confidential:
            return method in SECRET_METHODS
        return method == PUBLIC_METHOD

    def check_response_type(self, response_type: str) -> bool:
        return response_type == RESPONSE_TYPE

    def check_grant_type(self, grant_type: str) -> bool:
        return grant_type in (AUTHORIZATION_CODE, REFRESH_TOKEN)


class _Code(AuthorizationCodeMixin):  # type: ignore[misc]
    def __init__(self, row: OAuthAuthorizationCode) -> None:
        self.row = row
        self.code_challenge = row.code_challenge
        self.code_challenge_method = row.code_challenge_method

    def get_redirect_uri(self) -> str:
        return self.row.redirect_uri

    def get_scope(self) -> str:
        return ""


class _Token(TokenMixin):  # type: ignore[misc]
    def __init__(self, row: OAuthToken) -> None:
        self.row = row

    def check_client(self, client: Client) -> bool:
        return self.row.oauth_client_id == client.row.id

    def get_scope(self) -> str:
        return ""


class S256CodeChallenge(CodeChallenge):  # type: ignore[misc]
    """PKCE with S256 only (RFC 9700 §2.1.1): `plain` protects nothing once the request is
    seen, and a challenge without a method means `plain` (RFC 7636 §4.3). A public client
    must send a challenge; a confidential client may, and must then prove it."""

    SUPPORTED_CODE_CHALLENGE_METHOD = [S256]

    def validate_code_challenge(self, grant: AuthorizationCodeGrant, redirect_uri: str) -> None:
        super().validate_code_challenge(grant, redirect_uri)
        data = grant.request.payload.data
        if data.get("code_challenge"):
            if data.get("code_challenge_method") != S256:
                raise InvalidRequestError("'code_challenge_method' must be S256.")
        elif not grant.request.client.row.confidential:
            raise InvalidRequestError("A public client must send a 'code_challenge' (S256).")


def _active_user(session: Session, user_id: int) -> User | None:
    user = OAuthRepository(session).user(user_id)
    return user if user is not None and user.status == ACTIVE else None


def _audit_reuse(session: Session, row: OAuthAuthorizationCode | OAuthToken, action: str) -> None:
    """Whoever presents a spent code or refresh token is unknown: the person it was issued
    to is named in the detail, not as the actor."""
    record_audit(
        session,
        AuditRecord(
            workspace_id=row.workspace_id,
            action=action,
            outcome="failure",
            target_type="oauth_client",
            target_id=row.oauth_client_id,
            detail={"user_id": row.user_id, "family_id": row.family_id},
        ),
    )


class _CodeGrant(AuthorizationCodeGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = [*SECRET_METHODS, PUBLIC_METHOD]
    server: "TimeledgerAuthorizationServer"

    def generate_authorization_code(self) -> str:
        return str(issue_token(TokenKind.OAUTH_CODE).token)

    def save_authorization_code(self, code: str, request: OAuth2Request) -> None:
        now = utcnow()
        client: Client = request.client
        data = request.payload.data
        self.server.repository.add(
            OAuthAuthorizationCode(
                workspace_id=client.row.workspace_id,
                oauth_client_id=client.row.id,
                user_id=request.user.id,
                prefix=token_prefix(code),
                secret_hash=token_hash(code),
                redirect_uri=data["redirect_uri"],
                code_challenge=data.get("code_challenge") or None,
                code_challenge_method=data.get("code_challenge_method") or None,
                family_id=secrets.token_hex(FAMILY_ID_BYTES),
                created_at=now,
                expires_at=now + CODE_LIFETIME,
            )
        )

    def query_authorization_code(self, code: str, client: Client) -> _Code | None:
        """The unexpired code issued to this client, claimed for this exchange. A code
        used before is refused, and the tokens exchanged for it are revoked (RFC 6749
        §4.1.2): whoever holds it now may have stolen it."""
        repository = self.server.repository
        row = repository.code_by_prefix(token_prefix(code))
        if row is None or not token_matches(code, row.secret_hash):
            return None
        if row.oauth_client_id != client.row.id:
            return None
        now = utcnow()
        if not repository.claim_code(row.id, now):
            repository.revoke_family(row.family_id, now)
            _audit_reuse(self.server.session, row, "oauth.code_reused")
            return None
        return _Code(row) if row.expires_at > now else None

    def delete_authorization_code(self, authorization_code: _Code) -> None:
        """Nothing left to do: the code was claimed when it was found, and stays stored so
        that a second use is recognised."""

    def authenticate_user(self, authorization_code: _Code) -> User | None:
        return _active_user(self.server.session, authorization_code.row.user_id)


class _RefreshGrant(RefreshTokenGrant):  # type: ignore[misc]
    TOKEN_ENDPOINT_AUTH_METHODS = [*SECRET_METHODS, PUBLIC_METHOD]
    INCLUDE_NEW_REFRESH_TOKEN = True
    server: "TimeledgerAuthorizationServer"

    def authenticate_refresh_token(self, refresh_token: str) -> _Token | None:
        """The live token pair of this refresh token, claimed for this refresh: a refresh
        token works once (rotation, RFC 9700 §4.14.2). One presented again revokes its
        whole family, the tokens issued for it included."""
        repository = self.server.repository
        row = repository.token_by_refresh_prefix(token_prefix(refresh_token))
        if row is None or not token_matches(refresh_token, row.refresh_hash):
            return None
        if row.oauth_client_id != self.request.client.row.id:
            return None
        now = utcnow()
        if row.revoked_at is not None or row.refresh_expires_at <= now:
            return None
        if not repository.claim_refresh_token(row.id, now):
            repository.revoke_family(row.family_id, now)
            _audit_reuse(self.server.session, row, "oauth.refresh_token_reused")
            return None
        return _Token(row)

    def authenticate_user(self, refresh_token: _Token) -> User | None:
        return _active_user(self.server.session, refresh_token.row.user_id)

    def revoke_old_credential(self, refresh_token: _Token) -> None:
        """Nothing left to do: the refresh token was claimed when it was found; its access
        token lives out its hour."""


def _new_access_token(**_context: Any) -> str:
    return str(issue_token(TokenKind.OAUTH_ACCESS).token)


def _new_refresh_token(**_context: Any) -> str:
    return str(issue_token(TokenKind.OAUTH_REFRESH).token)


class TimeledgerAuthorizationServer(AuthorizationServer):  # type: ignore[misc]
    """Authlib's server for one request. It serves the authorization and token endpoints
    only, so the JSON requests of other endpoints (`create_json_request`) never arise."""

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        self.repository = OAuthRepository(session)
        self.register_token_generator(
            "default",
            BearerTokenGenerator(
                _new_access_token,
                _new_refresh_token,
                int(ACCESS_TOKEN_LIFETIME.total_seconds()),
            ),
        )
        self.register_grant(_CodeGrant, [S256CodeChallenge(required=True)])
        self.register_grant(_RefreshGrant)

    def query_client(self, client_id: str) -> Client | None:
        """The client, and with it the workspace every later read of the request is
        scoped to."""
        if not _storable(client_id):
            return None
        row = self.repository.client_by_client_id(client_id)
        if row is None:
            return None
        scope_session_to_workspace(self.session, row.workspace_id)
        return Client(row)

    def save_token(self, token: dict[str, Any], request: OAuth2Request) -> None:
        """A new pair of the family of the code exchanged, or of the refresh token used."""
        now = utcnow()
        client: Client = request.client
        origin = request.authorization_code or request.refresh_token
        self.repository.add(
            OAuthToken(
                workspace_id=client.row.workspace_id,
                oauth_client_id=client.row.id,
                user_id=request.user.id,
                family_id=origin.row.family_id,
                access_prefix=token_prefix(token["access_token"]),
                access_hash=token_hash(token["access_token"]),
                refresh_prefix=token_prefix(token["refresh_token"]),
                refresh_hash=token_hash(token["refresh_token"]),
                created_at=now,
                expires_at=now + timedelta(seconds=token["expires_in"]),
                refresh_expires_at=now + REFRESH_TOKEN_LIFETIME,
            )
        )

    def send_signal(self, name: str, *args: Any, **kwargs: Any) -> None:
        """No signals: what matters is recorded in the audit trail where it happens."""

    def create_oauth2_request(self, request: OAuthHttpRequest | _Request) -> _Request:
        return request if isinstance(request, _Request) else _Request(request)

    def handle_response(
        self, status: int, body: dict[str, Any] | str, headers: Sequence[tuple[str, str]]
    ) -> OAuthAnswer:
        return OAuthAnswer(status, body if isinstance(body, dict) else {}, list(headers))

    def error_answer(self, error: OAuth2Error) -> OAuthAnswer:
        answer: OAuthAnswer = self.handle_response(*error())
        return answer

    def token_answer(self, http: OAuthHttpRequest, grant_type: str) -> OAuthAnswer:
        """The token endpoint of one grant type (Tyme gives each its own URL)."""
        try:
            request = _Request(http)
        except OAuth2Error as error:
            return self.error_answer(error)
        if request.payload.grant_type != grant_type:
            return self.error_answer(UnsupportedGrantTypeError(request.payload.grant_type))
        answer: OAuthAnswer = self.create_token_response(request)
        return answer
