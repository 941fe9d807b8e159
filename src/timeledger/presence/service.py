"""Rules of presence: clocking in and out, breaks, and intervals recorded after the fact.

Every write first locks the employee's row (PostgreSQL; SQLite writers are serialized), so
the checks below see every committed interval of the employee and cannot race. The
database still has the last word on "one open interval (break)": a violation of its
partial unique index answers 409 like the check would have.

The rules of spans and breaks are `timesheet.spans`; the two that read the stored
intervals are here: `require_no_open_interval` and `require_no_overlap`. Every write
touches the local days of its intervals only outside locked periods (`timesheet.locks`),
unless forced by a holder of `timesheet:force:*`.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.changelog.service import record_change
from timeledger.kit.clock import utcnow
from timeledger.kit.errors import Conflict, NotFound, Unprocessable
from timeledger.kit.etag import etag_for
from timeledger.kit.pagination import PageRequest, fetch_page
from timeledger.kit.routing import unconditional
from timeledger.kit.timeutil import DateKeyword, keyword_range, local_date
from timeledger.kit.views import view_of
from timeledger.models import PresenceBreak, PresenceInterval
from timeledger.organization.reach import Access, Area, employee_ids_reached, reached_employee_id
from timeledger.presence.repository import (
    BreakFacts,
    IntervalFacts,
    IntervalRecord,
    PresenceRepository,
)
from timeledger.presence.schemas import (
    BreakAt,
    ClockIn,
    ClockOut,
    PresenceBreakSpan,
    PresenceCreate,
    PresenceRead,
    PresenceUpdate,
)
from timeledger.settings.service import ACTIVITIES, REASONS
from timeledger.settings.store import require_effective
from timeledger.timesheet import locks, spans
from timeledger.timesheet.spans import Span

ENTITY = "presence"
INTERVAL_SORTS = {"started_at": PresenceInterval.started_at, "day": PresenceInterval.day}
IfMatch = Callable[[str], None]


# The rules that read stored intervals (the others are `timesheet.spans`)


def _naming(interval: IntervalFacts) -> dict[str, Any]:
    return {
        "interval_id": interval.id,
        "started_at": _iso(interval.started_at),
        "ended_at": _iso(interval.ended_at),
    }


def _iso(instant: datetime | None) -> str | None:
    return instant.isoformat() if instant is not None else None


def _open_conflict(interval: IntervalFacts | None) -> Conflict:
    if interval is None:  # the other writer's interval is gone again
        return Conflict("The employee is clocked in already.")
    return Conflict(
        f"The employee is clocked in already: interval {interval.id} is open since "
        f"{_iso(interval.started_at)}.",
        extra=_naming(interval),
    )


def require_no_open_interval(repository: PresenceRepository, employee_id: int) -> None:
    open_interval = repository.open_interval_row(employee_id)
    if open_interval is not None:
        raise _open_conflict(open_interval)


def require_no_overlap(
    repository: PresenceRepository,
    employee_id: int,
    started_at: datetime,
    ended_at: datetime | None,
    *,
    exclude_id: int | None = None,
) -> None:
    """Intervals of one employee never share time; an open one lasts until it is closed."""
    other = repository.overlapping(employee_id, started_at, ended_at, exclude_id=exclude_id)
    spans.require_apart(other, kind="interval")


# Reading

VIEWS_KEY = "presence_views"


def interval_etag(interval: IntervalRecord) -> str:
    return etag_for(ENTITY, interval.id, interval.row_version)


def _minutes(span: timedelta) -> int:
    return max(0, int(span.total_seconds() // 60))


def interval_view(
    interval: IntervalRecord, breaks: Sequence[BreakFacts], now: datetime
) -> PresenceRead:
    until = interval.ended_at or now
    paused = sum(
        (
            max(timedelta(0), min(pause.ended_at or now, until) - pause.started_at)
            for pause in breaks
        ),
        timedelta(0),
    )
    worked = max(timedelta(0), until - interval.started_at) - paused
    return view_of(
        PresenceRead,
        interval,
        breaks=breaks,
        break_minutes=_minutes(paused),
        minutes=_minutes(worked),
        open=interval.ended_at is None,
    )


def read_interval(session: Session, interval: IntervalRecord) -> PresenceRead:
    """The interval's view, read once per version of it in a unit of work: a write records
    the view it then answers. Every change of an interval or its breaks bumps its
    version (`_touch`)."""
    remembered: dict[tuple[int, int], PresenceRead] = session.info.setdefault(VIEWS_KEY, {})
    version = (interval.id, interval.row_version)
    if version not in remembered:
        breaks = PresenceRepository(session).breaks_of([interval.id])[interval.id]
        return _remembered_view(session, interval, breaks)
    return remembered[version]


def _remembered_view(
    session: Session, interval: IntervalRecord, breaks: Sequence[BreakFacts]
) -> PresenceRead:
    """The view of this version of the interval, with these breaks, for the rest of the
    unit of work (`read_interval`)."""
    view = interval_view(interval, breaks, utcnow())
    session.info.setdefault(VIEWS_KEY, {})[(interval.id, interval.row_version)] = view
    return view


def read_intervals(session: Session, intervals: Sequence[PresenceInterval]) -> list[PresenceRead]:
    breaks = PresenceRepository(session).breaks_of(row.id for row in intervals)
    now = utcnow()
    return [interval_view(row, breaks[row.id], now) for row in intervals]


def _reached(session: Session, caller: Caller, employee_id: int, access: Access) -> None:
    """404 when the caller cannot read the employee's timesheet, 403 when they can read
    but not `access` it (organization.reach)."""
    reached_employee_id(session, caller, Area.TIMESHEET, employee_id, access)


def _force_permitted(caller: Caller, force: bool) -> None:
    """403 for force=true without `timesheet:force:*`, whatever is locked."""
    if force:
        locks.require_force_permitted(force=True, may_force=caller.may(locks.FORCE_PERMISSION))


def _require_unlocked(
    session: Session, caller: Caller, employee_id: int, *days: date, force: bool
) -> None:
    """423 when one of the employee's `days` lies in a locked period and `force` is not
    given (see `_force_permitted` for who may give it)."""
    locks.check_days_unlocked(
        session,
        employee_id,
        days,
        force=force,
        may_force=force and caller.may(locks.FORCE_PERMISSION),
    )


def get_interval(
    session: Session, caller: Caller, employee_id: int, interval_id: int
) -> PresenceInterval:
    _reached(session, caller, employee_id, Access.READ)
    return _interval_of(session, employee_id, interval_id)


def _interval_of(session: Session, employee_id: int, interval_id: int) -> PresenceInterval:
    interval = PresenceRepository(session).get(employee_id, interval_id)
    if interval is None:
        raise NotFound(f"Employee {employee_id} has no presence interval {interval_id}.")
    return interval


@dataclass(frozen=True)
class DayFilter:
    first: date | None
    last: date | None


def intervals_of(
    session: Session,
    caller: Caller,
    employee_id: int,
    page: PageRequest,
    *,
    first: date | None,
    last: date | None,
    at: DateKeyword | date | None,
) -> tuple[list[PresenceInterval], str | None]:
    """One page of the employee's intervals on the days `day_filter` selects, with the next
    page's cursor."""
    _reached(session, caller, employee_id, Access.READ)
    days = day_filter(session, employee_id, caller.workspace_id, first=first, last=last, at=at)
    statement = PresenceRepository(session).listing(employee_id, days.first, days.last)
    return fetch_page(
        session, statement, page, sort_columns=INTERVAL_SORTS, id_column=PresenceInterval.id
    )


def day_filter(
    session: Session,
    employee_id: int,
    workspace_id: int,
    *,
    first: date | None,
    last: date | None,
    at: DateKeyword | date | None,
) -> DayFilter:
    """`at` (a date or a named range in the employee's zone and the workspace's week
    start) or `from`/`to`, never both."""
    if at is not None and (first is not None or last is not None):
        raise _bad_range("query.at", "give either at or from/to, not both")
    if isinstance(at, DateKeyword):
        repository = PresenceRepository(session)
        workspace = repository.workspace(workspace_id)
        today = local_date(utcnow(), workspace.timezone)
        today = local_date(utcnow(), repository.timezone_of(employee_id, workspace_id, today))
        days = keyword_range(at, today=today, week_start=workspace.week_start)
        return DayFilter(days.start, days.end)
    if at is not None:
        return DayFilter(at, at)
    if first is not None and last is not None and last < first:
        raise _bad_range("query.to", "to lies before from")
    return DayFilter(first, last)


def _bad_range(location: str, message: str) -> Unprocessable:
    return Unprocessable(f"{message}.", errors=[{"location": location, "message": message}])


# Writing


def _log(
    session: Session,
    caller: Caller,
    interval: IntervalRecord,
    op: str,
    *,
    breaks: Sequence[BreakFacts] | None = None,
) -> None:
    """Records the change with the interval's view; `breaks` when the caller holds them
    as they now are."""
    view = (
        read_interval(session, interval)
        if breaks is None
        else _remembered_view(session, interval, breaks)
    )
    record_change(
        session,
        workspace_id=caller.workspace_id,
        actor_user_id=caller.user_id,
        entity=ENTITY,
        entity_id=interval.id,
        op=op,
        data=view.model_dump(mode="json"),
    )


def local_day_of(
    repository: PresenceRepository, workspace_id: int, employee_id: int, at: datetime
) -> tuple[str, date]:
    """The zone the employee records `at` in and the local date of `at` there."""
    workspace_day = local_date(at, repository.workspace_timezone(workspace_id))
    timezone = repository.timezone_of(employee_id, workspace_id, workspace_day)
    return timezone, local_date(at, timezone)


def zone_and_today(session: Session, workspace_id: int, employee_id: int) -> tuple[str, date]:
    """The zone the employee records time in now, and today's date there."""
    return local_day_of(PresenceRepository(session), workspace_id, employee_id, utcnow())


def _require_references(
    session: Session, reason_id: int | None, activity_id: int | None, day: date
) -> None:
    if reason_id is not None:
        require_effective(session, REASONS, [reason_id], day, location="body.reason_id")
    if activity_id is not None:
        require_effective(session, ACTIVITIES, [activity_id], day, location="body.activity_id")


def _touch(interval: PresenceInterval, now: datetime) -> None:
    interval.updated_at = now
    interval.row_version += 1


def _insert_interval(
    repository: PresenceRepository, employee_id: int, row: PresenceInterval
) -> None:
    try:
        repository.add(row)
    except IntegrityError:
        # Another writer opened an interval first (the partial unique index).
        raise _open_conflict(repository.open_interval_row(employee_id)) from None


class NotClockedIn(Conflict):
    """An operation on the open interval of an employee who has none."""


def not_clocked_in(employee_id: int) -> NotClockedIn:
    return NotClockedIn(f"Employee {employee_id} is not clocked in.")


def _require_open(repository: PresenceRepository, employee_id: int) -> PresenceInterval:
    interval = repository.open_interval(employee_id)
    if interval is None:
        raise not_clocked_in(employee_id)
    return interval


@dataclass(frozen=True)
class ClockState:
    interval: PresenceInterval
    on_break: bool


def clocked_in(session: Session, caller: Caller) -> list[ClockState]:
    """Who of the employees whose timesheet the caller reads is clocked in now."""
    repository = PresenceRepository(session)
    intervals = repository.open_intervals(
        employee_ids_reached(session, caller, Area.TIMESHEET, Access.READ)
    )
    pausing = repository.open_break_ids(interval.id for interval in intervals)
    return [ClockState(interval, interval.id in pausing) for interval in intervals]


def clock_state(session: Session, caller: Caller, employee_id: int) -> ClockState | None:
    """The employee's open interval, if any."""
    _reached(session, caller, employee_id, Access.READ)
    repository = PresenceRepository(session)
    interval = repository.open_interval(employee_id)
    if interval is None:
        return None
    return ClockState(interval, bool(repository.open_break_ids([interval.id])))


def breaks_of(session: Session, interval: IntervalRecord) -> list[Any]:
    return PresenceRepository(session).breaks_of([interval.id])[interval.id]


def clock_in(
    session: Session, caller: Caller, employee_id: int, body: ClockIn, *, force: bool = False
) -> IntervalRecord:
    _reached(session, caller, employee_id, Access.WRITE)
    _force_permitted(caller, force)
    repository = PresenceRepository(session)
    repository.lock_employee(employee_id)
    now = utcnow()
    at = body.at or now
    spans.require_not_in_future(at, now, location="body.at")
    require_no_open_interval(repository, employee_id)
    require_no_overlap(repository, employee_id, at, None)
    timezone, day = local_day_of(repository, caller.workspace_id, employee_id, at)
    _require_unlocked(session, caller, employee_id, day, force=force)
    _require_references(session, body.reason_id, body.activity_id, day)
    interval = repository.add_open_interval(
        employee_id=employee_id,
        started_at=at,
        ended_at=None,
        day=day,
        timezone=timezone,
        reason_id=body.reason_id,
        activity_id=body.activity_id,
        note=body.note,
        source=body.source.value,
        created_by_user_id=caller.user_id,
        created_at=now,
        updated_at=now,
        row_version=1,
    )
    if interval is None:
        raise _open_conflict(repository.open_interval_row(employee_id))
    _log(session, caller, interval, "clock_in", breaks=[])
    return interval  # type: ignore[no-any-return]


def clock_out(
    session: Session, caller: Caller, employee_id: int, body: ClockOut, *, force: bool = False
) -> IntervalRecord:
    _reached(session, caller, employee_id, Access.WRITE)
    _force_permitted(caller, force)
    repository = PresenceRepository(session)
    repository.lock_employee(employee_id)
    now = utcnow()
    at = body.at or now
    spans.require_not_in_future(at, now, location="body.at")
    interval = repository.open_interval_row(employee_id)
    if interval is None:
        raise not_clocked_in(employee_id)
    _require_unlocked(session, caller, employee_id, interval.day, force=force)
    spans.require_end_after_start(interval.started_at, at, location="body.at")
    spans.require_not_too_long(interval.started_at, at, location="body.at")
    breaks = repository.break_rows(interval.id)
    closed_breaks: list[Span] = [(pause.started_at, pause.ended_at or at) for pause in breaks]
    spans.require_breaks_inside(
        interval.started_at, at, closed_breaks, location_of=lambda _: "body.at"
    )
    require_no_overlap(repository, employee_id, interval.started_at, at, exclude_id=interval.id)
    note = interval.note if body.note is None else body.note
    closed = repository.close(interval.id, at, note, now)
    ended = [pause._replace(ended_at=pause.ended_at or at) for pause in breaks]
    _log(session, caller, closed, "clock_out", breaks=ended)
    return closed  # type: ignore[no-any-return]


def start_break(
    session: Session, caller: Caller, employee_id: int, body: BreakAt, *, force: bool = False
) -> PresenceInterval:
    _reached(session, caller, employee_id, Access.WRITE)
    _force_permitted(caller, force)
    repository = PresenceRepository(session)
    repository.lock_employee(employee_id)
    now = utcnow()
    at = body.at or now
    spans.require_not_in_future(at, now, location="body.at")
    interval = _require_open(repository, employee_id)
    _require_unlocked(session, caller, employee_id, interval.day, force=force)
    if repository.open_break(interval.id) is not None:
        raise Conflict(f"A break of interval {interval.id} is open already.")
    breaks = repository.breaks_of([interval.id])[interval.id]
    stored: list[Span] = [(pause.started_at, pause.ended_at) for pause in breaks]
    spans.require_breaks_inside(
        interval.started_at, None, [*stored, (at, None)], location_of=lambda _: "body.at"
    )
    pause = PresenceBreak(
        workspace_id=caller.workspace_id, interval_id=interval.id, started_at=at, ended_at=None
    )
    try:
        repository.add(pause)
    except IntegrityError:
        raise Conflict(f"A break of interval {interval.id} is open already.") from None
    _touch(interval, now)
    repository.flush()
    _log(session, caller, interval, "break_started")
    return interval


def end_break(
    session: Session, caller: Caller, employee_id: int, body: BreakAt, *, force: bool = False
) -> PresenceInterval:
    _reached(session, caller, employee_id, Access.WRITE)
    _force_permitted(caller, force)
    repository = PresenceRepository(session)
    repository.lock_employee(employee_id)
    now = utcnow()
    at = body.at or now
    spans.require_not_in_future(at, now, location="body.at")
    interval = _require_open(repository, employee_id)
    _require_unlocked(session, caller, employee_id, interval.day, force=force)
    pause = repository.open_break(interval.id)
    if pause is None:
        raise Conflict(f"No break of interval {interval.id} is open.")
    spans.require_end_after_start(pause.started_at, at, location="body.at")
    pause.ended_at = at
    _touch(interval, now)
    repository.flush()
    _log(session, caller, interval, "break_ended")
    return interval


def _spans(breaks: Sequence[PresenceBreakSpan]) -> list[tuple[datetime, datetime]]:
    return [(pause.started_at, pause.ended_at) for pause in breaks]


def _require_closed_interval(
    repository: PresenceRepository,
    employee_id: int,
    started_at: datetime,
    ended_at: datetime,
    breaks: Sequence[Span],
    now: datetime,
    *,
    exclude_id: int | None = None,
    break_location: Callable[[int], str] = spans.break_location,
) -> None:
    """Every rule a closed interval obeys."""
    spans.require_end_after_start(started_at, ended_at, location="body.ended_at")
    spans.require_not_too_long(started_at, ended_at, location="body.ended_at")
    spans.require_not_in_future(ended_at, now, location="body.ended_at")
    spans.require_breaks_inside(started_at, ended_at, breaks, location_of=break_location)
    require_no_overlap(repository, employee_id, started_at, ended_at, exclude_id=exclude_id)


def create_interval(
    session: Session,
    caller: Caller,
    employee_id: int,
    body: PresenceCreate,
    *,
    force: bool = False,
) -> PresenceInterval:
    _reached(session, caller, employee_id, Access.WRITE)
    _force_permitted(caller, force)
    repository = PresenceRepository(session)
    repository.lock_employee(employee_id)
    now = utcnow()
    timezone, day = local_day_of(repository, caller.workspace_id, employee_id, body.started_at)
    _require_unlocked(session, caller, employee_id, day, force=force)
    break_spans = _spans(body.breaks)
    _require_closed_interval(
        repository, employee_id, body.started_at, body.ended_at, break_spans, now
    )
    _require_references(session, body.reason_id, body.activity_id, day)
    interval = PresenceInterval(
        workspace_id=caller.workspace_id,
        employee_id=employee_id,
        started_at=body.started_at,
        ended_at=body.ended_at,
        day=day,
        timezone=timezone,
        reason_id=body.reason_id,
        activity_id=body.activity_id,
        note=body.note,
        source=body.source.value,
        created_by_user_id=caller.user_id,
        created_at=now,
        updated_at=now,
        row_version=1,
    )
    _insert_interval(repository, employee_id, interval)
    repository.add_breaks(interval, break_spans)
    _log(session, caller, interval, "created")
    return interval


def _kept_breaks_location(_: int) -> str:
    """Where a problem with breaks the request left unchanged points: the new times."""
    return "body"


def update_interval(
    session: Session,
    caller: Caller,
    employee_id: int,
    interval_id: int,
    body: PresenceUpdate,
    if_match: IfMatch,
    *,
    force: bool = False,
) -> PresenceInterval:
    _reached(session, caller, employee_id, Access.WRITE)
    _force_permitted(caller, force)
    repository = PresenceRepository(session)
    repository.lock_employee(employee_id)
    interval = _interval_of(session, employee_id, interval_id)
    _require_unlocked(session, caller, employee_id, interval.day, force=force)
    if_match(interval_etag(interval))
    now = utcnow()
    given = body.model_dump(exclude_unset=True)
    for field in ("started_at", "ended_at"):
        if field in given and given[field] is None:
            raise Unprocessable.at(f"body.{field}", f"{field} may not be null.", "may not be null")
    started_at: datetime = body.started_at or interval.started_at
    timezone, day = (
        local_day_of(repository, caller.workspace_id, employee_id, started_at)
        if started_at != interval.started_at
        else (interval.timezone, interval.day)
    )
    day_changed = day != interval.day
    if day_changed:
        _require_unlocked(session, caller, employee_id, day, force=force)
    if interval.ended_at is None:
        for field in ("ended_at", "breaks"):
            if field in given:
                raise Unprocessable.at(
                    f"body.{field}",
                    f"Interval {interval.id} is open: change {field} through clock-out and "
                    "the break operations.",
                    "interval is open",
                )
        spans.require_not_in_future(started_at, now, location="body.started_at")
        current = repository.breaks_of([interval.id])[interval.id]
        spans.require_breaks_inside(
            started_at,
            None,
            [(pause.started_at, pause.ended_at) for pause in current],
            location_of=lambda _: "body.started_at",
        )
        require_no_overlap(repository, employee_id, started_at, None, exclude_id=interval.id)
        break_spans = None
    else:
        ended_at: datetime = body.ended_at or interval.ended_at
        break_location: Callable[[int], str] = spans.break_location
        if body.breaks is not None:
            break_spans = _spans(body.breaks)
            checked: list[Span] = list(break_spans)
        else:
            break_location = _kept_breaks_location
            break_spans = None
            current = repository.breaks_of([interval.id])[interval.id]
            checked = [(pause.started_at, pause.ended_at) for pause in current]
        _require_closed_interval(
            repository,
            employee_id,
            started_at,
            ended_at,
            checked,
            now,
            exclude_id=interval.id,
            break_location=break_location,
        )
        interval.ended_at = ended_at
    reason_id = given.get("reason_id", interval.reason_id)
    activity_id = given.get("activity_id", interval.activity_id)
    _require_references(
        session,
        reason_id if day_changed or "reason_id" in given else None,
        activity_id if day_changed or "activity_id" in given else None,
        day,
    )
    interval.started_at = started_at
    interval.timezone = timezone
    interval.day = day
    interval.reason_id = reason_id
    interval.activity_id = activity_id
    if body.note is not None:
        interval.note = body.note
    if break_spans is not None:
        repository.delete_breaks(interval.id)
        repository.add_breaks(interval, break_spans)
    _touch(interval, now)
    repository.flush()
    _log(session, caller, interval, "updated")
    return interval


def delete_interval(
    session: Session,
    caller: Caller,
    employee_id: int,
    interval_id: int,
    if_match: IfMatch,
    *,
    force: bool = False,
) -> None:
    _reached(session, caller, employee_id, Access.WRITE)
    _force_permitted(caller, force)
    repository = PresenceRepository(session)
    repository.lock_employee(employee_id)
    interval = _interval_of(session, employee_id, interval_id)
    _require_unlocked(session, caller, employee_id, interval.day, force=force)
    if_match(interval_etag(interval))
    data = read_interval(session, interval).model_dump(mode="json")
    repository.delete(interval)
    record_change(
        session,
        workspace_id=caller.workspace_id,
        actor_user_id=caller.user_id,
        entity=ENTITY,
        entity_id=interval_id,
        op="deleted",
        data=data,
    )


# The open interval named by its employee alone, as clocks name it (McTime's `POST /clock`)


def toggle_break(
    session: Session, caller: Caller, employee_id: int, body: BreakAt, *, force: bool = False
) -> PresenceInterval:
    """End the open break, else start one."""
    _reached(session, caller, employee_id, Access.WRITE)
    repository = PresenceRepository(session)
    repository.lock_employee(employee_id)
    interval = _require_open(repository, employee_id)
    on_break = repository.open_break(interval.id) is not None
    change = end_break if on_break else start_break
    return change(session, caller, employee_id, body, force=force)


def update_open_interval(
    session: Session,
    caller: Caller,
    employee_id: int,
    body: PresenceUpdate,
    *,
    force: bool = False,
) -> PresenceInterval:
    _reached(session, caller, employee_id, Access.WRITE)
    interval = _require_open(PresenceRepository(session), employee_id)
    return update_interval(
        session, caller, employee_id, interval.id, body, unconditional, force=force
    )


def discard_open_interval(
    session: Session, caller: Caller, employee_id: int, *, force: bool = False
) -> None:
    """Clocking in undone: the open interval and its breaks are deleted."""
    _reached(session, caller, employee_id, Access.WRITE)
    interval = _require_open(PresenceRepository(session), employee_id)
    delete_interval(session, caller, employee_id, interval.id, unconditional, force=force)
