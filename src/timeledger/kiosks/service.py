"""Rules of kiosks: registering them and their device tokens, badges and PINs, and the
punches people make at them (through the presence services, under their rules).

A kiosk acts for the person whose badge and PIN it was given, on that person's timesheet
only, and only for people of the org units it serves. An unknown badge, a badge of a
unit the kiosk does not serve, a badge without a PIN and a wrong PIN get the same 404,
after the same hash verification, and count alike towards the badge's lock: the answers
tell nobody which badges exist.
"""

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeledger.access.audit import AuditRecord, record_audit
from timeledger.access.caller import SERVICE, Caller
from timeledger.access.credential_cache import CREDENTIALS, VerifiedCredential
from timeledger.access.credentials import (
    PasswordHashing,
    TokenKind,
    issue_token,
    token_kind,
    token_matches,
    token_prefix,
)
from timeledger.jobs.registry import upkeep_task
from timeledger.kiosks.pins import PIN_HASHING
from timeledger.kiosks.repository import (
    BadgeHolder,
    BadgeRepository,
    KioskRepository,
    PinFailureRepository,
)
from timeledger.kiosks.schemas import (
    BadgeRead,
    BadgeSet,
    Identified,
    Identify,
    KioskCreate,
    KioskOfDevice,
    KioskRead,
    KioskUpdate,
    OwnPinSet,
    PresenceState,
    Punch,
    PunchAction,
    Punched,
    ServedUnit,
)
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import (
    Conflict,
    Forbidden,
    NotFound,
    TooManyRequests,
    Unauthorized,
    Unprocessable,
)
from timeledger.kit.etag import etag_for
from timeledger.kit.pagination import PageRequest, fetch_page
from timeledger.kit.views import view_of
from timeledger.models import Kiosk, KioskBadge
from timeledger.organization.reach import own_employee_id
from timeledger.organization.repository import EmployeeRepository, OrgUnitRepository
from timeledger.organization.today import workspace_today
from timeledger.presence import service as presence
from timeledger.presence.repository import IntervalRecord, PresenceRepository
from timeledger.presence.schemas import BreakAt, ClockIn, ClockOut, ClockSource
from timeledger.users.repository import UserRepository

ENTITY = "kiosk"
MAX_WRONG_PINS = 5
LOCK_DURATION = timedelta(minutes=5)
FAILURE_WINDOW = timedelta(minutes=15)
"""Wrong PINs older than this no longer count towards a lock."""
MAX_LATENESS = timedelta(hours=72)
KIOSK_ROLE = "kiosk"
PUNCH_PERMISSIONS = frozenset({"timesheet:read:*", "timesheet:write:*"})
"""What a kiosk's caller holds: any timesheet, narrowed to the served people before any
presence service is called."""
NO_SUCH_BADGE = "No badge with this PIN is known at this kiosk."
IfMatch = Callable[[str], None]

STATE_AFTER = {
    PunchAction.CLOCK_IN: PresenceState.IN,
    PunchAction.CLOCK_OUT: PresenceState.OUT,
    PunchAction.BREAK_START: PresenceState.ON_BREAK,
    PunchAction.BREAK_END: PresenceState.IN,
}


@dataclass(frozen=True)
class KioskDevice:
    """A kiosk authenticated by its device token."""

    workspace_id: int
    kiosk_id: int
    created_by_user_id: int
    token_prefix: str
    client_address: str | None


@dataclass(frozen=True)
class Visitor:
    """A person a kiosk identified by badge and PIN, and their presence now."""

    employee_id: int
    badge: str
    first_name: str
    state: PresenceState


# Administering kiosks


def kiosk_etag(kiosk: Kiosk) -> str:
    return etag_for(ENTITY, kiosk.id, kiosk.row_version)


def kiosk_views(session: Session, kiosks: list[Kiosk]) -> list[KioskRead]:
    units = KioskRepository(session).org_unit_ids(kiosk.id for kiosk in kiosks)
    return [view_of(KioskRead, kiosk, org_unit_ids=units[kiosk.id]) for kiosk in kiosks]


def kiosk_view(session: Session, kiosk: Kiosk) -> KioskRead:
    (view,) = kiosk_views(session, [kiosk])
    return view


def list_kiosks(session: Session, page: PageRequest) -> tuple[list[Kiosk], str | None]:
    return fetch_page(
        session,
        KioskRepository(session).listing(),
        page,
        sort_columns={"id": Kiosk.id, "name": Kiosk.name},
        id_column=Kiosk.id,
    )


def get_kiosk(session: Session, kiosk_id: int, *, for_update: bool = False) -> Kiosk:
    kiosk = KioskRepository(session).get(kiosk_id, for_update=for_update)
    if kiosk is None:
        raise NotFound(f"Kiosk {kiosk_id} does not exist.")
    return kiosk


def _require_org_units(repository: KioskRepository, unit_ids: list[int]) -> None:
    missing = sorted(set(unit_ids) - repository.live_org_unit_ids(unit_ids))
    if missing:
        raise Unprocessable.at(
            "body.org_unit_ids",
            f"No org unit with id {', '.join(map(str, missing))}.",
            "unknown org unit",
        )


def _audit(session: Session, caller: Caller, action: str, kiosk: Kiosk) -> None:
    record_audit(
        session,
        caller.audit_record(
            action,
            "success",
            target_type=ENTITY,
            target_id=kiosk.id,
            detail={"token_prefix": kiosk.token_prefix},
        ),
    )


def _new_token(kiosk: Kiosk, now: datetime) -> str:
    issued = issue_token(TokenKind.KIOSK_DEVICE)
    kiosk.token_prefix = issued.prefix
    kiosk.token_hash = issued.secret_hash
    kiosk.token_issued_at = now
    return issued.token


def create_kiosk(session: Session, caller: Caller, data: KioskCreate) -> tuple[Kiosk, str]:
    """The new kiosk and its device token, which is never shown again."""
    repository = KioskRepository(session)
    _require_org_units(repository, data.org_unit_ids)
    now = utcnow()
    kiosk = Kiosk(
        workspace_id=caller.workspace_id,
        name=data.name,
        created_by_user_id=caller.user_id,
        created_at=now,
        updated_at=now,
        row_version=1,
    )
    token = _new_token(kiosk, now)
    repository.add(kiosk)
    repository.replace_org_units(kiosk.id, data.org_unit_ids)
    _audit(session, caller, "kiosk.created", kiosk)
    return kiosk, token


def update_kiosk(
    session: Session, caller: Caller, kiosk_id: int, data: KioskUpdate, if_match: IfMatch
) -> Kiosk:
    repository = KioskRepository(session)
    kiosk = get_kiosk(session, kiosk_id, for_update=True)
    if_match(kiosk_etag(kiosk))
    if data.name is not None:
        kiosk.name = data.name
    if data.org_unit_ids is not None:
        _require_org_units(repository, data.org_unit_ids)
        repository.replace_org_units(kiosk.id, data.org_unit_ids)
    kiosk.row_version += 1
    kiosk.updated_at = utcnow()
    session.flush()
    _audit(session, caller, "kiosk.updated", kiosk)
    return kiosk


def rotate_token(session: Session, caller: Caller, kiosk_id: int) -> tuple[Kiosk, str]:
    """A new device token; the old one opens nothing from now on."""
    kiosk = get_kiosk(session, kiosk_id, for_update=True)
    now = utcnow()
    token = _new_token(kiosk, now)
    kiosk.row_version += 1
    kiosk.updated_at = now
    session.flush()
    _audit(session, caller, "kiosk.token_rotated", kiosk)
    return kiosk, token


def delete_kiosk(session: Session, caller: Caller, kiosk_id: int) -> None:
    """The kiosk goes, and with it its token and the wrong PINs counted at it."""
    kiosk = get_kiosk(session, kiosk_id, for_update=True)
    _audit(session, caller, "kiosk.deleted", kiosk)
    KioskRepository(session).delete(kiosk)


# Badges and PINs


def require_live_employee(session: Session, caller: Caller, employee_id: int) -> None:
    if EmployeeRepository(session).live(caller.workspace_id, employee_id) is None:
        raise NotFound(f"No employee with id {employee_id}.")


def _badge_row(session: Session, employee_id: int) -> KioskBadge:
    """The employee's row of badge and PIN, added when missing."""
    repository = BadgeRepository(session)
    row = repository.of_employee(employee_id)
    if row is None:
        row = KioskBadge(employee_id=employee_id, badge=None, pin_hash=None, updated_at=utcnow())
        repository.add(row)
    return row


def badge_of(session: Session, caller: Caller, employee_id: int) -> BadgeRead:
    require_live_employee(session, caller, employee_id)
    row = BadgeRepository(session).of_employee(employee_id)
    return BadgeRead(
        employee_id=employee_id,
        badge=row.badge if row is not None else None,
        pin_set=row is not None and row.pin_hash is not None,
    )


def set_badge(session: Session, caller: Caller, employee_id: int, data: BadgeSet) -> BadgeRead:
    """409 when another employee of the workspace holds the badge."""
    require_live_employee(session, caller, employee_id)
    repository = BadgeRepository(session)
    if data.badge is not None:
        holder = repository.holder_of(data.badge)
        if holder is not None and holder != employee_id:
            raise _badge_taken(data.badge, holder)
    row = _badge_row(session, employee_id)
    try:
        with session.begin_nested():
            row.badge = data.badge
            row.updated_at = utcnow()
            session.flush()
    except IntegrityError:  # given to someone else since the check above
        assert data.badge is not None, "only a badge is unique"
        raise _badge_taken(data.badge, repository.holder_of(data.badge)) from None
    record_audit(
        session,
        caller.audit_record(
            "kiosk_badge.set", "success", target_type="employee", target_id=employee_id
        ),
    )
    return badge_of(session, caller, employee_id)


def _badge_taken(badge: str, holder: int | None) -> Conflict:
    return Conflict(
        f"Badge {badge} belongs to employee {holder} already; take it from them first.",
        extra={"employee_id": holder},
    )


def _check_pin(pin: str) -> None:
    digits = [int(digit) for digit in pin]
    steps = {later - earlier for earlier, later in pairwise(digits)}
    if steps in ({0}, {1}, {-1}):
        raise Unprocessable.at(
            "body.pin",
            "The PIN is too easy to guess (one digit repeated, or digits counting up or "
            "down); choose another.",
            "too easy to guess",
        )


def _store_pin(session: Session, caller: Caller, employee_id: int, pin: str) -> None:
    _check_pin(pin)
    row = _badge_row(session, employee_id)
    row.pin_hash = PIN_HASHING.hash(pin)
    row.updated_at = utcnow()
    session.flush()
    record_audit(
        session,
        caller.audit_record(
            "kiosk_pin.set", "success", target_type="employee", target_id=employee_id
        ),
    )


def set_pin(session: Session, caller: Caller, employee_id: int, pin: str) -> None:
    require_live_employee(session, caller, employee_id)
    _store_pin(session, caller, employee_id, pin)


def set_own_pin(
    session: Session, caller: Caller, data: OwnPinSet, hashing: PasswordHashing
) -> None:
    """The person's own PIN, confirmed with their password (as a password change is)."""
    user = UserRepository(session).get(caller.user_id)
    if user is None or not hashing.verify(user.password_hash, data.current_password):
        raise Forbidden("The current password is wrong.")
    employee_id = own_employee_id(session, caller)
    if employee_id is None:
        raise Unprocessable.at(
            "body.pin",
            "You have no employee record, so you cannot use kiosks; an administrator can "
            "link you to one.",
            "no employee record",
        )
    _store_pin(session, caller, employee_id, data.pin)


# The device API


def device_of_token(db: Database, token: str, client_address: str | None) -> KioskDevice:
    """The kiosk a device token belongs to; 401 for anything else. A token verified a
    moment ago is taken from the credential cache, as an API key is (a change to any
    kiosk empties it)."""
    if token_kind(token) is not TokenKind.KIOSK_DEVICE:
        raise Unauthorized("This operation takes a kiosk's device token (tl_kd_...).")
    verified = CREDENTIALS.get(token)
    if verified is None:
        verified = _verified_device(db, token)
        CREDENTIALS.put(token, verified, expires_at=None)
    return KioskDevice(
        workspace_id=verified.workspace_id,
        kiosk_id=verified.credential_id,
        created_by_user_id=verified.user_id,
        token_prefix=verified.label,
        client_address=client_address,
    )


def _verified_device(db: Database, token: str) -> VerifiedCredential:
    with db.session(write=False) as reader:
        kiosk = KioskRepository(reader).by_token_prefix(token_prefix(token))
        if kiosk is None or not token_matches(token, kiosk.token_hash):
            raise Unauthorized("The device token is unknown or was replaced.")
        return VerifiedCredential(
            workspace_id=kiosk.workspace_id,
            user_id=kiosk.created_by_user_id,
            user_kind=SERVICE,
            role_name=KIOSK_ROLE,
            permissions=PUNCH_PERMISSIONS,
            kind=TokenKind.KIOSK_DEVICE,
            credential_id=kiosk.id,
            label=kiosk.token_prefix,
        )


def kiosk_of_device(session: Session, device: KioskDevice) -> KioskOfDevice:
    kiosk = get_kiosk(session, device.kiosk_id)
    served = KioskRepository(session).org_unit_ids([kiosk.id])[kiosk.id]
    versions = OrgUnitRepository(session).versions_on(
        served, workspace_today(session, device.workspace_id)
    )
    return KioskOfDevice(
        id=kiosk.id,
        name=kiosk.name,
        org_units=[
            ServedUnit(id=unit_id, name=versions[unit_id].name)
            for unit_id in served
            if unit_id in versions
        ],
    )


def _locked(until: datetime, now: datetime) -> TooManyRequests:
    seconds = max(1, math.ceil((until - now).total_seconds()))
    return TooManyRequests(
        f"Too many wrong PINs for this badge at this kiosk; try again in {seconds} seconds.",
        headers={"Retry-After": str(seconds)},
    )


def _badge_facts(
    session: Session, device: KioskDevice, badge: str
) -> tuple[bool, datetime | None, BadgeHolder | None]:
    """Whether wrong PINs are counted for the badge at the kiosk, until when it is locked,
    and who holds it among the people the kiosk serves today."""
    counted, locked_until = PinFailureRepository(session).locked_until(device.kiosk_id, badge)
    day = workspace_today(session, device.workspace_id)
    return (
        counted,
        locked_until,
        BadgeRepository(session).holder_served(device.kiosk_id, badge, day),
    )


def _verified_holder(
    db: Database, session: Session, device: KioskDevice, badge: str, pin: str
) -> BadgeHolder:
    """The person the badge and PIN name at this kiosk. Where a writer holds the database's
    write lock from its start (SQLite), the badge is read in a read-only transaction of
    its own, so the hash does not hold that lock; elsewhere in the request's. A wrong PIN
    is counted apart, since the request rolls back."""
    now = utcnow()
    if db.writers_lock_at_begin:
        with db.session(write=False, workspace_id=device.workspace_id) as reader:
            counted, locked_until, holder = _badge_facts(reader, device, badge)
    else:
        counted, locked_until, holder = _badge_facts(session, device, badge)
    if locked_until is not None and locked_until > now:
        raise _locked(locked_until, now)
    verified = PIN_HASHING.verify(holder.pin_hash if holder is not None else None, pin)
    if holder is None or not verified:
        _count_wrong_pin(db, device, badge, now)
        raise NotFound(NO_SUCH_BADGE)
    if counted:
        with db.transaction(workspace_id=device.workspace_id) as forgetting:
            PinFailureRepository(forgetting).forget(device.kiosk_id, badge)
    return holder


def _count_wrong_pin(db: Database, device: KioskDevice, badge: str, now: datetime) -> None:
    """Counts the failure; the one that reaches the limit locks the badge (429)."""
    with db.transaction(workspace_id=device.workspace_id) as session:
        count = PinFailureRepository(session).counting(device.workspace_id, device.kiosk_id, badge)
        if count.first_failed_at is None or count.first_failed_at <= now - FAILURE_WINDOW:
            count.failures, count.first_failed_at = 0, now
        count.failures += 1
        locks = count.failures >= MAX_WRONG_PINS
        if locks:
            count.failures, count.first_failed_at = 0, None
            count.locked_until = now + LOCK_DURATION
            record_audit(
                session,
                AuditRecord(
                    workspace_id=device.workspace_id,
                    action="kiosk.badge_locked",
                    outcome="failure",
                    credential=device.token_prefix,
                    client_address=device.client_address,
                    target_type=ENTITY,
                    target_id=device.kiosk_id,
                    detail={"badge": badge},
                ),
            )
    if locks:
        raise _locked(now + LOCK_DURATION, now)


def _acting_for(device: KioskDevice, holder: BadgeHolder) -> Caller:
    """The caller of a punch: the person's own user when they have one, else the
    administrator who registered the kiosk."""
    return Caller(
        workspace_id=device.workspace_id,
        user_id=holder.user_id or device.created_by_user_id,
        user_kind=SERVICE,
        role_name=KIOSK_ROLE,
        permissions=PUNCH_PERMISSIONS,
        credential_kind=TokenKind.KIOSK_DEVICE,
        credential_id=device.kiosk_id,
        credential_label=device.token_prefix,
        client_address=device.client_address,
    )


def _state(session: Session, caller: Caller, employee_id: int) -> PresenceState:
    clock = presence.clock_state(session, caller, employee_id)
    if clock is None:
        return PresenceState.OUT
    return PresenceState.ON_BREAK if clock.on_break else PresenceState.IN


def identify_visitor(
    db: Database, session: Session, device: KioskDevice, data: Identify
) -> Visitor:
    holder = _verified_holder(db, session, device, data.badge, data.pin)
    state = _state(session, _acting_for(device, holder), holder.employee_id)
    return Visitor(holder.employee_id, data.badge, holder.first_name, state)


def identify(db: Database, session: Session, device: KioskDevice, data: Identify) -> Identified:
    visitor = identify_visitor(db, session, device, data)
    return Identified(first_name=visitor.first_name, state=visitor.state)


def _require_in_order(session: Session, employee_id: int, at: datetime, now: datetime) -> None:
    if at < now - MAX_LATENESS:
        raise Unprocessable.at(
            "body.at",
            f"The punch at {at.isoformat()} is more than 72 hours old; record it as a "
            "presence interval instead.",
            "more than 72 hours late",
        )
    latest = BadgeRepository(session).latest_recorded(employee_id)
    if latest is not None and at < latest:
        raise Conflict(
            f"The punch at {at.isoformat()} lies before the latest presence recorded for "
            f"the person ({latest.isoformat()}): punches apply in order and never overlap "
            "recorded presence.",
            extra={"latest_recorded_at": latest.isoformat()},
        )


def _apply(
    session: Session, caller: Caller, employee_id: int, action: PunchAction, at: datetime
) -> IntervalRecord:
    match action:
        case PunchAction.CLOCK_IN:
            return presence.clock_in(
                session, caller, employee_id, ClockIn(at=at, source=ClockSource.KIOSK)
            )
        case PunchAction.CLOCK_OUT:
            return presence.clock_out(session, caller, employee_id, ClockOut(at=at))
        case PunchAction.BREAK_START:
            return presence.start_break(session, caller, employee_id, BreakAt(at=at))
        case PunchAction.BREAK_END:
            return presence.end_break(session, caller, employee_id, BreakAt(at=at))


def _punched(
    session: Session,
    device: KioskDevice,
    holder: BadgeHolder,
    action: PunchAction,
    at: datetime | None,
) -> Punched:
    now = utcnow()
    at = at or now
    PresenceRepository(session).lock_employee(holder.employee_id)
    _require_in_order(session, holder.employee_id, at, now)
    interval = _apply(session, _acting_for(device, holder), holder.employee_id, action, at)
    return Punched(
        first_name=holder.first_name,
        state=STATE_AFTER[action],
        action=action,
        at=at,
        interval_id=interval.id,
    )


def punch(db: Database, session: Session, device: KioskDevice, data: Punch) -> Punched:
    holder = _verified_holder(db, session, device, data.badge, data.pin)
    return _punched(session, device, holder, data.action, data.at)


def punch_for_visitor(
    session: Session, device: KioskDevice, visitor_employee_id: int, badge: str, action: PunchAction
) -> Punched:
    """A punch, now, by a person `identify_visitor` identified at this kiosk moments ago
    (the caller vouches for that, as the web app's kiosk page does with a signed value
    instead of keeping the PIN). The badge must still name that person here: else the
    same 404 as an unknown badge."""
    day = workspace_today(session, device.workspace_id)
    holder = BadgeRepository(session).holder_served(device.kiosk_id, badge, day)
    if holder is None or holder.employee_id != visitor_employee_id:
        raise NotFound(NO_SUCH_BADGE)
    return _punched(session, device, holder, action, None)


@upkeep_task
def purge_old_pin_failures(db: Database, now: datetime) -> None:
    with db.transaction() as session:
        PinFailureRepository(session).purge_before(now - FAILURE_WINDOW)
