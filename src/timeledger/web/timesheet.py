"""The employee's time: the clock (in, out, breaks), the timer, "my week" and the entries
of it. Each page reads and each form writes through the presence, entries, evaluation
and timebank services."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from fastapi import Query, Request, Response
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller
from timeledger.entries import service as entries
from timeledger.entries.day_totals import week_start_of
from timeledger.entries.listing import EntryQuery, EntrySort, list_entries, page_of, resolve_filters
from timeledger.entries.reference_names import reference_names
from timeledger.entries.schemas import EntryCreate, EntryUpdate
from timeledger.evaluation.service import evaluate_employee
from timeledger.kit.errors import Problem, Unprocessable
from timeledger.kit.pagination import MAX_LIMIT, Direction, PageRequest, fetch_window
from timeledger.kit.routing import ResourceId, unconditional
from timeledger.kit.uow import UnitOfWork
from timeledger.organization.today import workspace_basics
from timeledger.presence import service as presence
from timeledger.presence.schemas import BreakAt, ClockIn, ClockOut
from timeledger.projects.service import PROJECTS, visible_projects
from timeledger.settings.service import ACTIVITIES, default_work_activity_id
from timeledger.timebank import service as timebank
from timeledger.web.forms import Form, FormErrors, PostedForm, attempt, duration_minutes
from timeledger.web.rendering import is_htmx
from timeledger.web.routing import Signed, see_other, web_router
from timeledger.web.viewer import Viewer, page, viewer_of

timesheet_router = web_router()

READ = "timesheet:read:own"
WRITE = "timesheet:write:own"
MAX_CHOICES = 500
TIMEOFF = "timeoff"
ENTRY_FIELDS = {
    "date": "date",
    "minutes": "duration",
    "activity_id": "activity_id",
    "project_id": "project_id",
    "note": "note",
}
TIMER_FIELDS = {"activity_id": "activity_id", "note": "note"}
ReadCaller = Annotated[Caller, Signed(READ)]
WriteCaller = Annotated[Caller, Signed(WRITE)]


@dataclass(frozen=True)
class Choice:
    id: int
    name: str


def activity_choices(session: Session, day: date) -> list[Choice]:
    """The activities time can be recorded on here: time off is requested on its own page."""
    statement = ACTIVITIES.matching(ACTIVITIES.in_force(day), archived=False)
    rows = fetch_window(
        session, statement, order_by=ACTIVITIES.by_name(), limit=MAX_CHOICES, offset=0
    )
    return [Choice(row.activity_id, row.name) for row in rows if row.type != TIMEOFF]


def default_activity(session: Session) -> str:
    found = default_work_activity_id(session)
    return str(found) if found is not None else ""


def project_choices(session: Session, caller: Caller, day: date) -> list[Choice]:
    statement = PROJECTS.matching(visible_projects(caller, day), archived=False)
    rows = fetch_window(
        session, statement, order_by=PROJECTS.by_name(), limit=MAX_CHOICES, offset=0
    )
    return [Choice(row.project_id, row.name) for row in rows]


# The clock and the timer


def _clock_context(session: Session, viewer: Viewer) -> dict[str, Any]:
    employee_id = viewer.employee()
    state = presence.clock_state(session, viewer.caller, employee_id)
    break_since = None
    if state is not None and state.on_break:
        open_breaks = [b for b in presence.breaks_of(session, state.interval) if b.ended_at is None]
        break_since = open_breaks[-1].started_at if open_breaks else None
    return {"clock": state, "break_since": break_since}


def _timer_context(session: Session, viewer: Viewer) -> dict[str, Any]:
    running = entries.running_timer(session, viewer.caller, viewer.employee())
    names = reference_names(
        session, viewer.today, activity_ids=[running.activity_id] if running else []
    )
    return {
        "timer": running,
        "timer_activity": names.activities.get(running.activity_id, "") if running else "",
        "activities": activity_choices(session, viewer.today),
    }


def _home(
    request: Request,
    session: Session,
    viewer: Viewer,
    *,
    status: int = 200,
    clock_problem: str = "",
    timer_form: Form | None = None,
    timer_errors: FormErrors | None = None,
) -> Response:
    if viewer.employee_id is None:
        return page(request, viewer, "home.html", status=status, clock=None, timer=None)
    return page(
        request,
        viewer,
        "home.html",
        status=status,
        clock_problem=clock_problem,
        typed={"activity_id": default_activity(session), "note": ""}
        | dict(timer_form.values if timer_form else {}),
        timer_errors=timer_errors or FormErrors(),
        **_clock_context(session, viewer),
        **_timer_context(session, viewer),
    )


@timesheet_router.get("/")
def home(request: Request, session: UnitOfWork, caller: ReadCaller) -> Response:
    return _home(request, session, viewer_of(session, caller))


def _clocked(
    request: Request, session: Session, viewer: Viewer, action: Callable[[], object]
) -> Response:
    """The clock after `action`: its panel for htmx (the service's problem in it), else
    the page."""
    done = attempt(session, action)
    refused = done if isinstance(done, Problem) else None
    if is_htmx(request):
        return page(
            request,
            viewer,
            "_clock.html",
            clock_problem=refused.detail if refused else "",
            **_clock_context(session, viewer),
        )
    if refused is not None:
        return _home(request, session, viewer, status=refused.status, clock_problem=refused.detail)
    return see_other(request, "/")


ClockAction = Literal["in", "out", "break-start", "break-end"]
CLOCK_ACTIONS: dict[str, Callable[[Session, Caller, int], object]] = {
    "in": lambda session, caller, employee_id: presence.clock_in(
        session, caller, employee_id, ClockIn()
    ),
    "out": lambda session, caller, employee_id: presence.clock_out(
        session, caller, employee_id, ClockOut()
    ),
    "break-start": lambda session, caller, employee_id: presence.start_break(
        session, caller, employee_id, BreakAt()
    ),
    "break-end": lambda session, caller, employee_id: presence.end_break(
        session, caller, employee_id, BreakAt()
    ),
}


@timesheet_router.post("/clock/{action}")
def clock(
    action: ClockAction,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: WriteCaller,
) -> Response:
    """Clock in or out, or start or end a break, now."""
    viewer = viewer_of(session, caller)
    return _clocked(
        request,
        session,
        viewer,
        lambda: CLOCK_ACTIONS[action](session, caller, viewer.employee()),
    )


@timesheet_router.post("/timer/start")
def start_timer(
    request: Request, form: PostedForm, session: UnitOfWork, caller: WriteCaller
) -> Response:
    viewer = viewer_of(session, caller)
    started = attempt(
        session,
        lambda: entries.start_timer_on_new_entry(
            session,
            caller,
            viewer.employee(),
            EntryCreate.model_validate(
                {"activity_id": form.get("activity_id") or None, "note": form.get("note")}
            ),
        ),
    )
    if isinstance(started, Problem):
        errors = FormErrors.of_problem(started, TIMER_FIELDS)
        return _home(
            request, session, viewer, status=started.status, timer_form=form, timer_errors=errors
        )
    return see_other(request, "/")


@timesheet_router.post("/timer/stop")
def stop_timer(
    request: Request, form: PostedForm, session: UnitOfWork, caller: WriteCaller
) -> Response:
    viewer = viewer_of(session, caller)
    stopped = attempt(session, lambda: entries.stop_timer(session, caller, viewer.employee()))
    if isinstance(stopped, Problem):
        errors = FormErrors.of_problem(stopped, TIMER_FIELDS)
        return _home(request, session, viewer, status=stopped.status, timer_errors=errors)
    return see_other(request, "/")


# My week


def _week_of(session: Session, viewer: Viewer, of: date | None) -> tuple[date, date]:
    basics = workspace_basics(session, viewer.caller.workspace_id)
    first = week_start_of(of or viewer.today, basics.week_start if basics else 1)
    return first, first + timedelta(days=6)


@timesheet_router.get("/week")
def my_week(
    request: Request,
    session: UnitOfWork,
    caller: ReadCaller,
    of: Annotated[date | None, Query()] = None,
) -> Response:
    viewer = viewer_of(session, caller)
    employee_id = viewer.employee()
    first, last = _week_of(session, viewer, of)
    intervals, _ = presence.intervals_of(
        session,
        caller,
        employee_id,
        PageRequest(limit=MAX_LIMIT, sort="started_at", direction=Direction.ASC, cursor=None),
        first=first,
        last=last,
        at=None,
    )
    filters = resolve_filters(
        session,
        caller,
        EntryQuery(date_from=first.isoformat(), date_to=last.isoformat()),
        employee_id=employee_id,
    )
    week_entries, _ = list_entries(
        session,
        filters,
        page_of(limit=MAX_LIMIT, cursor=None, sort=EntrySort.DATE, direction=Direction.ASC),
    )
    names = reference_names(
        session,
        first,
        activity_ids=[entry["activity_id"] for entry in week_entries],
        project_ids=[entry["project_id"] for entry in week_entries],
    )
    evaluation = evaluate_employee(session, caller.workspace_id, employee_id, first, last)
    balances = timebank.balances(session, caller, employee_id, min(viewer.today, last))
    return page(
        request,
        viewer,
        "week.html",
        first=first,
        last=last,
        previous=first - timedelta(days=7),
        next=first + timedelta(days=7),
        intervals=presence.read_intervals(session, intervals),
        entries=week_entries,
        names=names,
        days=evaluation.days,
        totals=evaluation.totals,
        balances=balances,
    )


# Entries


def _entry_values(form: Form, viewer: Viewer) -> dict[str, Any]:
    """The form's fields as the entries service's schema takes them; 422 naming the
    duration when it is unreadable."""
    minutes = duration_minutes(form.get("duration"))
    if minutes is None:
        raise Unprocessable.at(
            "body.minutes", viewer.strings.duration_unreadable, viewer.strings.duration_unreadable
        )
    return {
        "date": form.get("date") or None,
        "minutes": minutes,
        "activity_id": form.get("activity_id") or None,
        "project_id": form.get("project_id") or None,
        "note": form.get("note"),
    }


def _entry_form(
    request: Request,
    session: Session,
    viewer: Viewer,
    *,
    entry_id: int | None,
    typed: dict[str, str],
    errors: FormErrors | None = None,
    status: int = 200,
    locked: str = "",
) -> Response:
    return page(
        request,
        viewer,
        "entry_form.html",
        status=status,
        entry_id=entry_id,
        typed=typed,
        errors=errors or FormErrors(),
        locked=locked,
        activities=activity_choices(session, viewer.today),
        projects=project_choices(session, viewer.caller, viewer.today),
    )


def _typed_of(form: Form) -> dict[str, str]:
    return {
        name: form.get(name) for name in ("date", "duration", "activity_id", "project_id", "note")
    }


def _week_location(day: str) -> str:
    return f"/week?of={day}" if day else "/week"


@timesheet_router.get("/entries/new")
def new_entry(
    request: Request,
    session: UnitOfWork,
    caller: WriteCaller,
    day: Annotated[date | None, Query(alias="date")] = None,
) -> Response:
    viewer = viewer_of(session, caller)
    viewer.employee()
    typed = {
        "date": (day or viewer.today).isoformat(),
        "duration": "",
        "activity_id": default_activity(session),
    }
    return _entry_form(
        request, session, viewer, entry_id=None, typed=typed | {"project_id": "", "note": ""}
    )


@timesheet_router.post("/entries")
def create_entry(
    request: Request, form: PostedForm, session: UnitOfWork, caller: WriteCaller
) -> Response:
    viewer = viewer_of(session, caller)
    employee_id = viewer.employee()
    created = attempt(
        session,
        lambda: entries.create_entry(
            session, caller, employee_id, EntryCreate.model_validate(_entry_values(form, viewer))
        ),
    )
    if isinstance(created, Problem):
        errors = FormErrors.of_problem(created, ENTRY_FIELDS)
        return _entry_form(
            request,
            session,
            viewer,
            entry_id=None,
            typed=_typed_of(form),
            errors=errors,
            status=created.status,
        )
    return see_other(request, _week_location(created.day.isoformat()))


def _entry_lock(viewer: Viewer, entry: Any) -> str:
    if entry.timeoff_request_id is not None:
        return viewer.strings.entry_booked_by_timeoff
    if entry.locked:
        return viewer.strings.entry_locked_notice
    return ""


@timesheet_router.get("/entries/{entry_id}")
def edit_entry(
    entry_id: ResourceId, request: Request, session: UnitOfWork, caller: ReadCaller
) -> Response:
    viewer = viewer_of(session, caller)
    entry = entries.get_entry(session, caller, viewer.employee(), entry_id)
    typed = {
        "date": entry.day.isoformat(),
        "duration": viewer.formats.minutes(entry.minutes),
        "activity_id": str(entry.activity_id),
        "project_id": str(entry.project_id or ""),
        "note": entry.note,
    }
    return _entry_form(
        request, session, viewer, entry_id=entry.id, typed=typed, locked=_entry_lock(viewer, entry)
    )


@timesheet_router.post("/entries/{entry_id}")
def update_entry(
    entry_id: ResourceId,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: WriteCaller,
) -> Response:
    viewer = viewer_of(session, caller)
    employee_id = viewer.employee()
    updated = attempt(
        session,
        lambda: entries.update_entry(
            session,
            caller,
            employee_id,
            entry_id,
            EntryUpdate.model_validate(_entry_values(form, viewer)),
            force=False,
            if_match=unconditional,
        ),
    )
    if isinstance(updated, Problem):
        errors = FormErrors.of_problem(updated, ENTRY_FIELDS)
        return _entry_form(
            request,
            session,
            viewer,
            entry_id=entry_id,
            typed=_typed_of(form),
            errors=errors,
            status=updated.status,
        )
    return see_other(request, _week_location(updated.day.isoformat()))


@timesheet_router.post("/entries/{entry_id}/delete")
def delete_entry(
    entry_id: ResourceId,
    request: Request,
    form: PostedForm,
    session: UnitOfWork,
    caller: WriteCaller,
) -> Response:
    viewer = viewer_of(session, caller)
    entries.delete_entry(
        session, caller, viewer.employee(), entry_id, force=False, if_match=unconditional
    )
    return see_other(request, _week_location(form.get("week")))
