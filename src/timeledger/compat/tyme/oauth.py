"""Tyme's OAuth2 endpoints: `/v1/authorize` (the sign-in and consent page and its form),
`/v1/access_token` and `/v1/refresh_token`. They translate HTTP to the oauth service and
its answers back; the rules (and Authlib's server) live in `timeledger.oauth`."""

from fastapi import Request, Response
from fastapi.responses import RedirectResponse

from timeledger.access.caller import client_address
from timeledger.access.hashing import Hashing
from timeledger.compat.tyme.consent_page import consent_response, refusal_response
from timeledger.compat.tyme.wire import (
    TYME_PREFIX,
    UnreadableBody,
    body_parameters,
    first_values,
    json_response,
    tyme_router,
)
from timeledger.config import Settings
from timeledger.kit.routing import RawBody
from timeledger.kit.uow import UnitOfWork, database
from timeledger.oauth import service
from timeledger.oauth.server import AUTHORIZATION_CODE, REFRESH_TOKEN, OAuthAnswer, OAuthHttpRequest
from timeledger.signin.service import ClientInfo

oauth = tyme_router()

AUTHORIZE = "/v1/authorize"
BROWSER_COOKIE = "tl_tyme_consent"
COOKIE_PATH = TYME_PREFIX + AUTHORIZE
COOKIE_SECONDS = 600
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def _http(request: Request, parameters: list[tuple[str, str]]) -> OAuthHttpRequest:
    return OAuthHttpRequest(request.method, str(request.url), request.headers, parameters)


def _rendered(answer: OAuthAnswer) -> Response:
    """A redirect to the client, or Authlib's JSON document with its own headers."""
    if answer.location is not None:
        return RedirectResponse(answer.location, status_code=302, headers=NO_STORE)
    response = json_response(answer.body, answer.status)
    for name, value in answer.headers:
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def _consent(request: Request, page: service.ConsentPage, email: str = "") -> Response:
    response = consent_response(page, COOKIE_PATH, email)
    response.set_cookie(
        BROWSER_COOKIE,
        page.browser_binding,
        max_age=COOKIE_SECONDS,
        path=COOKIE_PATH,
        secure=request.url.scheme == "https",
        httponly=True,
        samesite="strict",
    )
    return response


@oauth.get(AUTHORIZE)
def authorize(request: Request, session: UnitOfWork) -> Response:
    """The sign-in and consent page, once the client and its exact redirect URI check out;
    a request with nowhere safe to go back to gets a page saying so."""
    http = _http(request, request.query_params.multi_items())
    try:
        shown = service.consent_page(session, _settings(request), http)
    except service.AuthorizationRequestInvalid as invalid:
        return refusal_response(invalid.description)
    if isinstance(shown, OAuthAnswer):
        return _rendered(shown)
    return _consent(request, shown)


@oauth.post(AUTHORIZE)
def answer_authorize(
    request: Request, body: RawBody, session: UnitOfWork, hashing: Hashing
) -> Response:
    """The form's answer: allowed with the person's email and password, or denied."""
    try:
        fields = first_values(body_parameters(body, "application/x-www-form-urlencoded"))
    except UnreadableBody as unreadable:
        return refusal_response(str(unreadable))
    answer = service.ConsentAnswer(
        form_token=fields.get("form_token", ""),
        browser_binding=request.cookies.get(BROWSER_COOKIE, ""),
        decision=fields.get("decision", ""),
        email=fields.get("email", ""),
        password=fields.get("password", ""),
    )
    client = ClientInfo(
        address=client_address(request) or "", user_agent=request.headers.get("user-agent")
    )
    try:
        shown = service.answer_consent(
            session,
            database(request),
            _settings(request),
            hashing,
            _http(request, []),
            answer,
            client,
        )
    except service.AuthorizationRequestInvalid as invalid:
        return refusal_response(invalid.description)
    if isinstance(shown, OAuthAnswer):
        return _rendered(shown)
    return _consent(request, shown, answer.email)


def _token(request: Request, body: bytes, session: UnitOfWork, grant_type: str) -> Response:
    try:
        parameters = body_parameters(body, request.headers.get("content-type", ""))
    except UnreadableBody as unreadable:
        return json_response(
            {"error": "invalid_request", "error_description": str(unreadable)}, 400
        )
    answer = service.token_answer(session, _http(request, parameters), grant_type)
    return _rendered(answer)


@oauth.post("/v1/access_token")
def access_token(request: Request, body: RawBody, session: UnitOfWork) -> Response:
    """A code (with the client's secret or the PKCE verifier) for an access and a
    refresh token."""
    return _token(request, body, session, AUTHORIZATION_CODE)


@oauth.post("/v1/refresh_token")
def refresh_token(request: Request, body: RawBody, session: UnitOfWork) -> Response:
    """A refresh token, used once, for a new access and refresh token."""
    return _token(request, body, session, REFRESH_TOKEN)
