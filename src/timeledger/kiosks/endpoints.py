"""Routes of kiosks: administering them, badges and PINs, and the device API a kiosk calls
with its device token. Parse, call a service, render."""

from functools import partial
from typing import Annotated, Any

from fastapi import Depends, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from sqlalchemy.orm import Session

from timeledger.access.caller import (
    Allowed,
    Caller,
    authenticate,
    bearer_token,
    client_address,
)
from timeledger.access.hashing import Hashing
from timeledger.kiosks import service
from timeledger.kiosks.schemas import (
    BadgeRead,
    BadgeSet,
    Identified,
    Identify,
    KioskCreate,
    KioskOfDevice,
    KioskRead,
    KioskUpdate,
    KioskWithToken,
    OwnPinSet,
    PinSet,
    Punch,
    Punched,
)
from timeledger.kit.etag import set_etag
from timeledger.kit.pagination import Page, PageRequest, page_request
from timeledger.kit.routing import ResourceId, api_router, created, if_match_of
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.kit.uow import DatabaseDep, UnitOfWork, check_before_the_endpoint, database
from timeledger.models import Kiosk

kiosks_router = api_router("Kiosks")
kiosk_device_router = api_router("Kiosks", prefix="/kiosk")

READ = "kiosks:read:*"
MANAGE = "kiosks:manage:*"
KioskPage = Annotated[PageRequest, page_request(("id", "name"), "id")]


class DeviceToken:
    """The device API's authentication: a kiosk's device token, and nothing else (a
    person's key or session gets 401). Declared in the OpenAPI document as
    `x-kiosk-device`."""

    openapi_extensions: dict[str, Any] = {"x-kiosk-device": True}

    async def __call__(self, request: Request, session: UnitOfWork) -> service.KioskDevice:
        device = await run_in_threadpool(
            service.device_of_token,
            database(request),
            bearer_token(request),
            client_address(request),
        )
        scope_session_to_workspace(session, device.workspace_id)
        return device


Device = Annotated[service.KioskDevice, Depends(DeviceToken())]


# The path's object resolved in a dependency declared after the permission: 404 comes
# before a refusal of the body, and a missing permission before both.
async def _existing_kiosk(
    kiosk_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Depends(authenticate)]
) -> int:
    check_before_the_endpoint(partial(service.get_kiosk, session, kiosk_id))
    return kiosk_id


async def _live_employee(
    employee_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Depends(authenticate)]
) -> int:
    check_before_the_endpoint(partial(service.require_live_employee, session, caller, employee_id))
    return employee_id


ExistingKiosk = Annotated[int, Depends(_existing_kiosk)]
LiveEmployee = Annotated[int, Depends(_live_employee)]


def _with_token(session: Session, kiosk: Kiosk, token: str) -> KioskWithToken:
    return KioskWithToken(**service.kiosk_view(session, kiosk).model_dump(), token=token)


@kiosks_router.get("/kiosks", response_model=Page[KioskRead], summary="List kiosks")
def list_kiosks(
    session: UnitOfWork, caller: Annotated[Caller, Allowed(READ)], page: KioskPage
) -> Page[KioskRead]:
    rows, next_cursor = service.list_kiosks(session, page)
    return Page(items=service.kiosk_views(session, rows), next_cursor=next_cursor)


@kiosks_router.post(
    "/kiosks",
    status_code=status.HTTP_201_CREATED,
    response_model=KioskWithToken,
    summary="Register a kiosk",
)
def create_kiosk(
    body: KioskCreate,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> KioskWithToken:
    """The answer carries the device token, once: it cannot be read again."""
    kiosk, token = service.create_kiosk(session, caller, body)
    created(response, f"/api/kiosks/{kiosk.id}", service.kiosk_etag(kiosk))
    return _with_token(session, kiosk, token)


@kiosks_router.get("/kiosks/{kiosk_id}", response_model=KioskRead, summary="Get a kiosk")
def get_kiosk(
    kiosk_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(READ)],
) -> KioskRead:
    kiosk = service.get_kiosk(session, kiosk_id)
    set_etag(response, service.kiosk_etag(kiosk))
    return service.kiosk_view(session, kiosk)


@kiosks_router.patch("/kiosks/{kiosk_id}", response_model=KioskRead, summary="Change a kiosk")
def update_kiosk(
    request: Request,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
    kiosk_id: ExistingKiosk,
    body: KioskUpdate,
) -> KioskRead:
    kiosk = service.update_kiosk(session, caller, kiosk_id, body, if_match_of(request))
    set_etag(response, service.kiosk_etag(kiosk))
    return service.kiosk_view(session, kiosk)


@kiosks_router.delete(
    "/kiosks/{kiosk_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a kiosk"
)
def delete_kiosk(
    kiosk_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(MANAGE)]
) -> None:
    """Its device token opens nothing from now on."""
    service.delete_kiosk(session, caller, kiosk_id)


@kiosks_router.post(
    "/kiosks/{kiosk_id}/token",
    response_model=KioskWithToken,
    summary="Replace a kiosk's device token",
)
def rotate_token(
    kiosk_id: ResourceId,
    response: Response,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
) -> KioskWithToken:
    """A new device token, shown once; the old one opens nothing from now on."""
    kiosk, token = service.rotate_token(session, caller, kiosk_id)
    set_etag(response, service.kiosk_etag(kiosk))
    return _with_token(session, kiosk, token)


@kiosks_router.get(
    "/employees/{employee_id}/kiosk-badge",
    response_model=BadgeRead,
    summary="Get an employee's kiosk badge",
)
def get_badge(
    employee_id: ResourceId, session: UnitOfWork, caller: Annotated[Caller, Allowed(READ)]
) -> BadgeRead:
    """The badge number and whether a PIN is set (never the PIN)."""
    return service.badge_of(session, caller, employee_id)


@kiosks_router.put(
    "/employees/{employee_id}/kiosk-badge",
    response_model=BadgeRead,
    summary="Set an employee's kiosk badge",
)
def set_badge(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
    employee_id: LiveEmployee,
    body: BadgeSet,
) -> BadgeRead:
    """A badge number is unique in the workspace (409 when another employee holds it)."""
    return service.set_badge(session, caller, employee_id, body)


@kiosks_router.put(
    "/employees/{employee_id}/kiosk-pin",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Set an employee's kiosk PIN",
)
def set_pin(
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed(MANAGE)],
    employee_id: LiveEmployee,
    body: PinSet,
) -> None:
    service.set_pin(session, caller, employee_id, body.pin)


@kiosks_router.put(
    "/me/kiosk-pin", status_code=status.HTTP_204_NO_CONTENT, summary="Set my kiosk PIN"
)
def set_own_pin(
    body: OwnPinSet,
    session: UnitOfWork,
    caller: Annotated[Caller, Allowed("me:update:own", people_only=True)],
    hashing: Hashing,
) -> None:
    """Confirmed with the current password (403 when it is wrong)."""
    service.set_own_pin(session, caller, body, hashing)


@kiosk_device_router.get("", response_model=KioskOfDevice, summary="This kiosk")
def kiosk_of_device(session: UnitOfWork, device: Device) -> KioskOfDevice:
    """The kiosk the device token belongs to: its name and the org units it serves, for
    the device to show which kiosk it is."""
    return service.kiosk_of_device(session, device)


@kiosk_device_router.post("/identify", response_model=Identified, summary="Identify a person")
def identify(body: Identify, session: UnitOfWork, db: DatabaseDep, device: Device) -> Identified:
    """The person a badge and PIN name at this kiosk, and whether they are in, out or on a
    break. 404 for a badge unknown here or a wrong PIN alike; 429 with Retry-After once
    5 wrong PINs locked the badge at this kiosk."""
    return service.identify(db, session, device, body)


@kiosk_device_router.post("/punch", response_model=Punched, summary="Punch in, out or a break")
def punch(body: Punch, session: UnitOfWork, db: DatabaseDep, device: Device) -> Punched:
    """Clock in or out, start or end a break, now or at `at` (up to 72 hours late, in
    order: 409 before the person's latest recorded presence). The same answers as
    identify for a badge or PIN it does not accept."""
    return service.punch(db, session, device, body)
