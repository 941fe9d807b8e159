"""The kiosk page: a shared terminal where people identify by badge number and PIN, then
clock in, clock out or take a break, through the kiosks service (its lock of a badge
after wrong PINs, its one answer for every badge it does not accept).

Nobody signs in here. The browser keeps the kiosk's device token in a cookie of its own,
which only this page reads (and the session cookie never opens this page). Once a person
is identified, the page carries who it identified as a signed, short-lived "visit" value
instead of the PIN, and the punch form sends it back."""

import hashlib
import hmac
import math
from dataclasses import dataclass
from datetime import timedelta

from fastapi import Request, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from timeledger.access.caller import client_address
from timeledger.config import Settings
from timeledger.kiosks import service
from timeledger.kiosks.schemas import Identify, KioskOfDevice, PresenceState, PunchAction
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import NotFound, Problem, TooManyRequests, Unauthorized
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.uow import DatabaseDep, UnitOfWork, database
from timeledger.organization.today import workspace_basics
from timeledger.web.formatting import Formats
from timeledger.web.forms import PostedForm, attempt
from timeledger.web.rendering import render
from timeledger.web.routing import see_other, web_router
from timeledger.web.security import is_https
from timeledger.web.strings import CATALOGUES, Strings, strings_for

kiosk_router = web_router()

KIOSK_PATH = "/kiosk"
KIOSK_COOKIE = "tl_kiosk"
KIOSK_COOKIE_MAX_AGE = 400 * 24 * 60 * 60
"""The longest browsers keep a cookie."""
VISIT_LIFETIME = timedelta(seconds=60)
VISIT_KEY_LABEL = b"timeledger/web/kiosk-visit/v1"
DONE_SHOWN_SECONDS = 6
DEFAULT_LANGUAGE = "en"
PUNCH_ACTIONS = frozenset(action.value for action in PunchAction)
ACTIONS_FROM = {
    PresenceState.OUT: (PunchAction.CLOCK_IN,),
    PresenceState.IN: (PunchAction.CLOCK_OUT, PunchAction.BREAK_START),
    PresenceState.ON_BREAK: (PunchAction.BREAK_END,),
}
"""What a person may do from each state, the usual first: as the clock of "today"."""


@dataclass(frozen=True)
class KioskScreen:
    """The kiosk of the browser's cookie, and how its pages are written: in the browser's
    language and the workspace's time zone."""

    device: service.KioskDevice
    kiosk: KioskOfDevice
    strings: Strings
    formats: Formats


@dataclass(frozen=True)
class Visit:
    """Who the kiosk identified moments ago."""

    employee_id: int
    badge: str


def kiosk_language(request: Request) -> str:
    """The browser's most preferred language (Accept-Language) that the app has texts
    for, else English: a kiosk has no person whose profile would say."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, *parameters = (part.strip() for part in item.split(";"))
        weight = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight > 0 and tag.split("-")[0].lower() in CATALOGUES:
            ranked.append((-weight, position, tag))
    return min(ranked)[2] if ranked else DEFAULT_LANGUAGE


# The visit: who was identified, signed as the form tokens are (security.py), under a key
# of its own.


def _visit_key(settings: Settings) -> bytes:
    return hmac.new(
        settings.resolved_secret_key().encode(), VISIT_KEY_LABEL, hashlib.sha256
    ).digest()


def _visit_signature(request: Request, payload: str) -> str:
    settings: Settings = request.app.state.settings
    return hmac.new(_visit_key(settings), payload.encode(), hashlib.sha256).hexdigest()


def visit_value(request: Request, device: service.KioskDevice, visitor: service.Visitor) -> str:
    """The visit as the punch form carries it: at this kiosk, for a minute."""
    expires = math.floor((utcnow() + VISIT_LIFETIME).timestamp())
    payload = f"{device.kiosk_id}:{visitor.employee_id}:{expires}:{visitor.badge}"
    return f"{payload}.{_visit_signature(request, payload)}"


def visit_of(request: Request, device: service.KioskDevice, value: str) -> Visit | None:
    """The visit `value` names, if this server signed it for this kiosk and it has not
    expired."""
    payload, _, signature = value.rpartition(".")
    expected = _visit_signature(request, payload)
    if not payload or not hmac.compare_digest(signature.encode(), expected.encode()):
        return None
    kiosk_id, employee_id, expires, badge = payload.split(":", 3)
    if int(kiosk_id) != device.kiosk_id or int(expires) < utcnow().timestamp():
        return None
    return Visit(int(employee_id), badge)


# The kiosk cookie


def _remember_kiosk(request: Request, response: Response, token: str) -> None:
    response.set_cookie(
        KIOSK_COOKIE,
        token,
        max_age=KIOSK_COOKIE_MAX_AGE,
        path=KIOSK_PATH,
        secure=is_https(request),
        httponly=True,
        samesite="strict",
    )


def _forget_kiosk(request: Request, response: Response) -> None:
    response.delete_cookie(
        KIOSK_COOKIE, path=KIOSK_PATH, secure=is_https(request), httponly=True, samesite="strict"
    )


def _setup_page(
    request: Request, *, problem: str = "", lost: bool = False, status: int = 200
) -> Response:
    language = kiosk_language(request)
    response = render(
        request,
        "kiosk_setup.html",
        strings=strings_for(language),
        formats=Formats.of(language, "UTC"),
        status=status,
        problem=problem,
        lost=lost,
    )
    if lost:
        _forget_kiosk(request, response)
    return response


def _kiosk_device(request: Request, session: Session) -> service.KioskDevice | Response:
    """The kiosk of the browser's cookie; else the setup form, saying so when the cookie's
    token no longer opens the kiosk. The request's session is not used yet."""
    token = request.cookies.get(KIOSK_COOKIE)
    if not token:
        return _setup_page(request)
    try:
        device = service.device_of_token(database(request), token, client_address(request))
    except Unauthorized:
        return _setup_page(request, lost=True, status=401)
    scope_session_to_workspace(session, device.workspace_id)
    return device


def _screen_of(request: Request, session: Session, device: service.KioskDevice) -> KioskScreen:
    basics = workspace_basics(session, device.workspace_id)
    language = kiosk_language(request)
    return KioskScreen(
        device=device,
        kiosk=service.kiosk_of_device(session, device),
        strings=strings_for(language),
        formats=Formats.of(language, basics.timezone if basics is not None else "UTC"),
    )


def _kiosk_screen(request: Request, session: Session) -> KioskScreen | Response:
    device = _kiosk_device(request, session)
    if isinstance(device, Response):
        return device
    return _screen_of(request, session, device)


def _kiosk_page(
    request: Request, screen: KioskScreen, template: str, *, status: int = 200, **context: object
) -> Response:
    return render(
        request,
        template,
        strings=screen.strings,
        formats=screen.formats,
        status=status,
        kiosk=screen.kiosk,
        now=utcnow(),
        **context,
    )


def _badge_form(
    request: Request, screen: KioskScreen, *, problem: str = "", status: int = 200
) -> Response:
    return _kiosk_page(request, screen, "kiosk.html", status=status, problem=problem)


# The pages


@kiosk_router.get(KIOSK_PATH)
def kiosk_page(request: Request, session: UnitOfWork) -> Response:
    screen = _kiosk_screen(request, session)
    if isinstance(screen, Response):
        return screen
    return _badge_form(request, screen)


@kiosk_router.get(f"{KIOSK_PATH}/clock")
def kiosk_clock(request: Request, session: UnitOfWork) -> Response:
    """The time in the page's header, which htmx asks for again every half minute."""
    screen = _kiosk_screen(request, session)
    if isinstance(screen, Response):
        return Response(status_code=204)
    return _kiosk_page(request, screen, "kiosk_clock.html")


@kiosk_router.post(f"{KIOSK_PATH}/setup")
def set_up(request: Request, form: PostedForm) -> Response:
    token = form.get("token")
    try:
        service.device_of_token(database(request), token, client_address(request))
    except Unauthorized:
        refused = strings_for(kiosk_language(request)).kiosk_token_refused
        return _setup_page(request, problem=refused, status=401)
    response = see_other(request, KIOSK_PATH)
    _remember_kiosk(request, response, token)
    return response


@kiosk_router.post(f"{KIOSK_PATH}/forget")
def forget(request: Request, form: PostedForm) -> Response:
    response = see_other(request, KIOSK_PATH)
    _forget_kiosk(request, response)
    return response


@kiosk_router.post(f"{KIOSK_PATH}/identify")
def identify(request: Request, form: PostedForm, session: UnitOfWork, db: DatabaseDep) -> Response:
    device = _kiosk_device(request, session)
    if isinstance(device, Response):
        return device
    # Identified before the request's session is used, and not in a savepoint: the service
    # counts a wrong PIN in a transaction of its own, which on SQLite would wait for the
    # write lock the request's writing session holds once it began.
    try:
        data = Identify(badge=form.get("badge"), pin=form.values.get("pin", ""))
        visitor = service.identify_visitor(db, session, device, data)
    except (ValidationError, TooManyRequests, NotFound) as refused:
        return _identify_refused(request, _screen_of(request, session, device), refused)
    screen = _screen_of(request, session, device)
    return _kiosk_page(
        request,
        screen,
        "kiosk_visitor.html",
        visitor=visitor,
        actions=ACTIONS_FROM[visitor.state],
        visit=visit_value(request, screen.device, visitor),
        visit_seconds=int(VISIT_LIFETIME.total_seconds()),
    )


def _identify_refused(
    request: Request, screen: KioskScreen, refused: ValidationError | Problem
) -> Response:
    """The badge form again, saying why: one message for every badge the kiosk does not
    accept, as the service answers."""
    s = screen.strings
    if isinstance(refused, ValidationError):
        return _badge_form(request, screen, problem=s.kiosk_unreadable, status=422)
    if isinstance(refused, TooManyRequests):
        retry_after = refused.headers["Retry-After"]
        minutes = math.ceil(int(retry_after) / 60)
        response = _badge_form(
            request, screen, problem=s.kiosk_locked.format(minutes=minutes), status=429
        )
        response.headers["Retry-After"] = retry_after
        return response
    return _badge_form(request, screen, problem=s.kiosk_unknown, status=refused.status)


@kiosk_router.post(f"{KIOSK_PATH}/punch")
def punch(request: Request, form: PostedForm, session: UnitOfWork) -> Response:
    screen = _kiosk_screen(request, session)
    if isinstance(screen, Response):
        return screen
    visit = visit_of(request, screen.device, form.get("visit"))
    action = form.get("action")
    if visit is None or action not in PUNCH_ACTIONS:
        return _badge_form(request, screen, problem=screen.strings.kiosk_visit_expired, status=400)
    try:
        done = attempt(
            session,
            lambda: service.punch_for_visitor(
                session, screen.device, visit.employee_id, visit.badge, PunchAction(action)
            ),
        )
    except NotFound:
        return _badge_form(request, screen, problem=screen.strings.kiosk_unknown, status=404)
    if isinstance(done, Problem):
        return _badge_form(request, screen, problem=done.detail, status=done.status)
    return _kiosk_page(
        request, screen, "kiosk_done.html", punched=done, done_seconds=DONE_SHOWN_SECONDS
    )
