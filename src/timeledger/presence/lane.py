"""The fast lane (see `kit.fastlane`) of clocking in and out, what time clocks and kiosks
send all day: `POST /api/employees/{id}/timesheet/clock-in` and `/clock-out`, answered
without FastAPI's routing, dependency solving and ORM, by prepared statements in one
writing transaction.

It serves the bodies `ClockIn` (without a reason or an activity) and `ClockOut` validate,
for a caller `organization.reach` lets clock this employee without asking the org tree
(everyone's timesheets, or their own record), and declines everything else to the full
operations in `presence.endpoints`: another's timesheet reached through a team, a
credential not verified moments ago, an `Idempotency-Key`, a body the models refuse. The
rules are those of `timesheet.spans` and the service (`presence.service`), asked of the
rows these statements read, in the service's order; when one refuses, the lane rolls its
transaction back and answers the rule's problem as the full operation renders it (a
clock-in while clocked in is a 409 a busy kiosk sees often). tests/presence/test_lane.py
compares both answers and both stored results.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVar

import orjson
from pydantic import BaseModel, ValidationError
from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Dialect

from timeledger.access.caller import recently_verified
from timeledger.access.credential_cache import VerifiedCredential
from timeledger.access.permissions import grants
from timeledger.changelog.service import ChangeOf, announce_committed, record_change_on
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import PROBLEM_MEDIA_TYPE, Problem, native_problem_document
from timeledger.kit.fastlane import LaneReply, LaneRequest, LaneRoute
from timeledger.kit.idempotency import HEADER as IDEMPOTENCY_HEADER
from timeledger.kit.prepared import PreparedQuery, driver_transaction, new, new_values
from timeledger.kit.routing import MAX_ID
from timeledger.models import Employee, PresenceBreak, PresenceInterval, Workspace
from timeledger.organization.reach import Access, Area, reached_by_scopes
from timeledger.presence import service
from timeledger.presence.endpoints import WRITE, interval_location
from timeledger.presence.repository import EMPLOYEE_ZONE_ON, first_overlapping
from timeledger.presence.schemas import ClockIn, ClockOut
from timeledger.timesheet import spans

ModelT = TypeVar("ModelT", bound=BaseModel)
ClockBodyT = TypeVar("ClockBodyT", ClockIn, ClockOut)
INTERVALS = PresenceInterval.__table__
BREAKS = PresenceBreak.__table__
EMPLOYEES = Employee.__table__
WORKSPACES = Workspace.__table__
JSON_TYPES = frozenset({"application/json", "application/json; charset=utf-8"})


class Declined(Exception):
    """The full operation answers this request."""


# On PostgreSQL the employee's row lock serializes the presence writes of one employee,
# as `PresenceRepository.lock_employee` does; SQLite's compiler leaves the clause out
# (its writers are serialized by BEGIN IMMEDIATE).
EMPLOYEE_TO_CLOCK = PreparedQuery(
    select(EMPLOYEES.c.user_id, WORKSPACES.c.timezone)
    .select_from(EMPLOYEES.join(WORKSPACES, WORKSPACES.c.id == EMPLOYEES.c.workspace_id))
    .where(
        EMPLOYEES.c.workspace_id == bindparam("workspace_id"),
        EMPLOYEES.c.id == bindparam("employee_id"),
        EMPLOYEES.c.deleted_at.is_(None),
    )
    .with_for_update(of=EMPLOYEES)
)
OPEN_INTERVAL = PreparedQuery(
    select(*INTERVALS.c).where(
        INTERVALS.c.workspace_id == bindparam("workspace_id"),
        INTERVALS.c.employee_id == bindparam("employee_id"),
        INTERVALS.c.ended_at.is_(None),
    )
)
ADD_INTERVAL = PreparedQuery(
    insert(PresenceInterval)
    .values(new_values(column for column in INTERVALS.c if column.key != "id"))
    .returning(*INTERVALS.c)
)
BREAKS_OF = PreparedQuery(
    select(*BREAKS.c)
    .where(
        BREAKS.c.workspace_id == bindparam("workspace_id"),
        BREAKS.c.interval_id == bindparam("interval_id"),
    )
    .order_by(BREAKS.c.started_at, BREAKS.c.id)
)
END_OPEN_BREAK = PreparedQuery(
    update(PresenceBreak)
    .where(
        PresenceBreak.workspace_id == bindparam("workspace_id"),
        PresenceBreak.interval_id == bindparam("interval_id"),
        PresenceBreak.ended_at.is_(None),
    )
    .values(new_values([BREAKS.c.ended_at]))
)
CLOSE_INTERVAL = PreparedQuery(
    update(PresenceInterval)
    .where(
        PresenceInterval.workspace_id == bindparam("workspace_id"),
        PresenceInterval.id == bindparam("interval_id"),
    )
    .values(
        {
            **new_values([INTERVALS.c.ended_at, INTERVALS.c.note, INTERVALS.c.updated_at]),
            "row_version": PresenceInterval.row_version + 1,
        }
    )
    .returning(*INTERVALS.c)
)


class PreparedPresence:
    """The stored intervals of one workspace as the rules ask for them (a
    `service.IntervalLookup`), and the lane's writes, on one driver connection."""

    def __init__(self, connection: Any, dialect: Dialect, workspace_id: int) -> None:
        self.connection = connection
        self.dialect = dialect
        self.workspace_id = workspace_id
        self._workspace_timezone = ""

    def _rows(self, query: PreparedQuery, **values: Any) -> list[Any]:
        return query.rows(self.connection, self.dialect, workspace_id=self.workspace_id, **values)

    def lock_employee(self, employee_id: int, clocked_by: VerifiedCredential) -> None:
        """Lock the employee's row; declined unless the caller may clock them here."""
        found = self._rows(EMPLOYEE_TO_CLOCK, employee_id=employee_id)
        if not found or not _reaches(clocked_by, found[0].user_id):
            raise Declined
        self._workspace_timezone = found[0].timezone

    def open_interval(self, employee_id: int) -> Any:
        found = self._rows(OPEN_INTERVAL, employee_id=employee_id)
        return found[0] if found else None

    def overlapping(
        self,
        employee_id: int,
        started_at: datetime,
        ended_at: datetime | None,
        *,
        exclude_id: int | None = None,
    ) -> Any:
        return first_overlapping(self._rows, employee_id, started_at, ended_at, exclude_id)

    def workspace_timezone(self, workspace_id: int) -> str:
        """Read with the employee's lock: `lock_employee` comes first."""
        assert workspace_id == self.workspace_id
        assert self._workspace_timezone
        return self._workspace_timezone

    def timezone_of(self, employee_id: int, workspace_id: int, day: date) -> str:
        found = self._rows(EMPLOYEE_ZONE_ON, employee_id=employee_id, day=day)
        if found and found[0].timezone:
            return str(found[0].timezone)
        return self.workspace_timezone(workspace_id)

    def add_interval(self, **values: Any) -> Any:
        try:
            (added,) = self._rows(ADD_INTERVAL, **new(workspace_id=self.workspace_id, **values))
        except self.dialect.loaded_dbapi.IntegrityError:
            # Another writer opened an interval first (the partial unique index).
            raise Declined from None
        return added

    def breaks_of(self, interval_id: int) -> list[Any]:
        return self._rows(BREAKS_OF, interval_id=interval_id)

    def close(self, interval_id: int, at: datetime, note: str, now: datetime) -> Any:
        self._rows(END_OPEN_BREAK, interval_id=interval_id, **new(ended_at=at))
        (closed,) = self._rows(
            CLOSE_INTERVAL, interval_id=interval_id, **new(ended_at=at, note=note, updated_at=now)
        )
        return closed


def _reaches(credential: VerifiedCredential, employee_user_id: int | None) -> bool:
    """Whether the full operation would let this caller clock this employee, decided
    without the org tree (when the teams decide, the full operation asks them)."""
    own = employee_user_id == credential.user_id
    reached = reached_by_scopes(credential.permissions, Area.TIMESHEET, Access.WRITE, own=own)
    return reached is True


def _clocking(request: LaneRequest) -> tuple[VerifiedCredential, int] | None:
    """The caller and the path's employee, when the lane may try this request."""
    if request.header(IDEMPOTENCY_HEADER.lower().encode()) is not None:
        return None
    if request.header(b"content-type") not in JSON_TYPES:
        return None
    credential = recently_verified(request.header(b"authorization"))
    if credential is None or not grants(credential.permissions, WRITE):
        return None
    employee_id = int(request.path_params["employee_id"])
    if not 1 <= employee_id <= MAX_ID:
        return None
    return credential, employee_id


def _body(model: type[ModelT], request: LaneRequest) -> ModelT | None:
    try:
        return model.model_validate_json(request.body)
    except ValidationError:
        return None


def _reply(
    view: dict[str, Any], status: int, headers: tuple[tuple[bytes, bytes], ...]
) -> LaneReply:
    return LaneReply(orjson.dumps(view), status=status, headers=headers)


def _refused(refusal: Problem, request: LaneRequest) -> LaneReply:
    return LaneReply(
        native_problem_document(refusal, request.scope["path"]),
        status=refusal.status,
        headers=tuple((name.encode(), value.encode()) for name, value in refusal.headers.items()),
        media_type=PROBLEM_MEDIA_TYPE.encode(),
    )


def _etag(interval: Any) -> tuple[bytes, bytes]:
    return (b"etag", service.interval_etag(interval).encode())


@dataclass(frozen=True)
class Clock:
    """One clock operation the lane runs: on whose rows, by whom, for whom, and when."""

    presence: PreparedPresence
    credential: VerifiedCredential
    employee_id: int
    at: datetime
    now: datetime

    def record(self, interval_id: int, op: str, view: dict[str, Any]) -> None:
        record_change_on(
            self.presence.connection,
            self.presence.dialect,
            workspace_id=self.credential.workspace_id,
            actor_user_id=self.credential.user_id,
            change=ChangeOf(service.ENTITY, interval_id, op, view),
        )


def _clocked(
    request: LaneRequest, body: ClockBodyT, step: Callable[[Clock, ClockBodyT], LaneReply]
) -> LaneReply | None:
    """`step` in a writing transaction after the checks every clock operation makes;
    committed when it answers, rolled back when a rule refuses or the lane declines."""
    clocking = _clocking(request)
    if clocking is None:
        return None
    credential, employee_id = clocking
    db: Database = request.state.db
    try:
        with driver_transaction(db.writer) as connection:
            presence = PreparedPresence(connection, db.engine.dialect, credential.workspace_id)
            presence.lock_employee(employee_id, credential)
            now = utcnow()
            at = body.at or now
            spans.require_not_in_future(at, now, location="body.at")
            reply = step(Clock(presence, credential, employee_id, at, now), body)
    except Declined:
        return None
    except Problem as refusal:
        return _refused(refusal, request)
    announce_committed(credential.workspace_id)
    return reply


def _clock_in(clock: Clock, body: ClockIn) -> LaneReply:
    presence, employee_id, at = clock.presence, clock.employee_id, clock.at
    service.require_no_open_interval(presence, employee_id)
    service.require_no_overlap(presence, employee_id, at, None)
    timezone, day = service.local_day_of(presence, presence.workspace_id, employee_id, at)
    interval = presence.add_interval(
        employee_id=employee_id,
        started_at=at,
        ended_at=None,
        day=day,
        timezone=timezone,
        reason_id=None,
        activity_id=None,
        note=body.note,
        source=body.source.value,
        created_by_user_id=clock.credential.user_id,
        created_at=clock.now,
        updated_at=clock.now,
        row_version=1,
    )
    view = service.interval_view(interval, [], clock.now).model_dump(mode="json")
    clock.record(interval.id, "clock_in", view)
    location = interval_location(employee_id, interval.id).encode()
    return _reply(view, 201, ((b"location", location), _etag(interval)))


def _clock_out(clock: Clock, body: ClockOut) -> LaneReply:
    presence, employee_id, at = clock.presence, clock.employee_id, clock.at
    interval = presence.open_interval(employee_id)
    if interval is None:
        raise service.not_clocked_in(employee_id)
    spans.require_end_after_start(interval.started_at, at, location="body.at")
    spans.require_not_too_long(interval.started_at, at, location="body.at")
    breaks = presence.breaks_of(interval.id)
    closed = [(pause.started_at, pause.ended_at or at) for pause in breaks]
    spans.require_breaks_inside(interval.started_at, at, closed, location_of=lambda _: "body.at")
    service.require_no_overlap(
        presence, employee_id, interval.started_at, at, exclude_id=interval.id
    )
    note = interval.note if body.note is None else body.note
    closed = presence.close(interval.id, at, note, clock.now)
    ended = [pause._replace(ended_at=pause.ended_at or at) for pause in breaks]
    view = service.interval_view(closed, ended, clock.now).model_dump(mode="json")
    clock.record(closed.id, "clock_out", view)
    return _reply(view, 200, (_etag(closed),))


def answer_clock_in(request: LaneRequest) -> LaneReply | None:
    body = _body(ClockIn, request)
    if body is None or body.reason_id or body.activity_id:
        return None
    return _clocked(request, body, _clock_in)


def answer_clock_out(request: LaneRequest) -> LaneReply | None:
    body = _body(ClockOut, request)
    return None if body is None else _clocked(request, body, _clock_out)


CLOCK_PATH = "/api/employees/{employee_id:int}/timesheet"
CLOCK_IN_LANE = LaneRoute(
    f"{CLOCK_PATH}/clock-in", frozenset(), answer_clock_in, "POST", writes=True
)
CLOCK_OUT_LANE = LaneRoute(
    f"{CLOCK_PATH}/clock-out", frozenset(), answer_clock_out, "POST", writes=True
)
