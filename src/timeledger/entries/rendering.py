"""An entry as the native API shows it, built from any row with the entry's columns (an
ORM object or a Core row), so single reads and fast lists render identically."""

from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from timeledger.kit.clock import utcnow


def tracking_of(row: Any, now: datetime) -> dict[str, Any] | None:
    since: datetime | None = row.timer_started_at
    if since is None:
        return None
    running = max(0, int((now - since).total_seconds() // 60))
    return {"since": since, "minutes": row.minutes + running}


def render_entry(
    row: Any, *, user_id: int | None, currency: str, now: datetime | None = None
) -> dict[str, Any]:
    """The `EntryRead` fields of `row` as plain values (JSON-ready with orjson)."""
    return {
        "id": row.id,
        "employee_id": row.employee_id,
        "user_id": user_id,
        "date": row.day,
        "minutes": row.minutes,
        "started_at": row.started_at,
        "ended_at": row.ended_at,
        "timezone": row.timezone,
        "breaks": row.breaks or [],
        "break_minutes": row.break_minutes,
        "activity_id": row.activity_id,
        "project_id": row.project_id,
        "task_id": row.task_id,
        "customer_id": row.customer_id,
        "dimension_values": row.dimension_values or {},
        "note": row.note,
        "billable": row.billable,
        "hourly_rate_minor": row.hourly_rate_minor,
        "revenue_minor": row.revenue_minor,
        "currency": currency,
        "rate_source": row.rate_source,
        "billing_state": row.billing_state,
        "approval_status": row.approval_status,
        "creation_type": row.creation_type,
        "locked": row.locked,
        "tracking": tracking_of(row, now or utcnow()),
        "presence_interval_id": row.presence_interval_id,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


def span_of(entry: dict[str, Any], timezone: str) -> tuple[datetime, datetime]:
    """When a rendered entry began and ended, for clients that only know spans: its own
    start and end; with a start but no end (a timer's), the start plus its minutes and
    breaks; for an entry of a date and minutes alone, its minutes from midnight of its
    date in `timezone`."""
    started: datetime | None = entry["started_at"]
    if started is not None:
        ended: datetime | None = entry["ended_at"]
        lasted = timedelta(minutes=entry["minutes"] + entry["break_minutes"])
        return started, ended or started + lasted
    start = datetime.combine(entry["date"], time(), tzinfo=ZoneInfo(timezone))
    return start, start + timedelta(minutes=entry["minutes"])
