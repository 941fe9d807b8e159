"""An entry's fields are declared once, by `EntryRead`: rendering, the lists' columns and
the service's reads and writes follow it (no database needed to check that)."""

from datetime import UTC, date, datetime
from types import SimpleNamespace
from typing import Any

from timeledger.entries.fields import (
    NOT_COLUMNS,
    READ_COLUMNS,
    SETTABLE_COLUMNS,
    STORED_COLUMNS,
    column_of,
)
from timeledger.entries.listing import ENTRY_COLUMNS
from timeledger.entries.rendering import render_entry, render_entry_row
from timeledger.entries.schemas import EntryRead
from timeledger.entries.service import SETTLED_COLUMNS
from timeledger.kit.jsonio import to_jsonable
from timeledger.models import TimeEntry

NOW = datetime(2026, 3, 2, 12, tzinfo=UTC)


def _row(**values: Any) -> SimpleNamespace:
    """A row with every column an entry is shown from, as a Core row or an entry has."""
    stored: dict[str, Any] = {
        "id": 7,
        "employee_id": 3,
        "day": date(2026, 3, 2),
        "minutes": 90,
        "started_at": datetime(2026, 3, 2, 8, tzinfo=UTC),
        "ended_at": datetime(2026, 3, 2, 10, tzinfo=UTC),
        "timezone": "Europe/Berlin",
        "breaks": [{"started_at": "2026-03-02T09:00:00Z", "ended_at": "2026-03-02T09:30:00Z"}],
        "break_minutes": 30,
        "activity_id": 11,
        "project_id": 12,
        "task_id": None,
        "customer_id": 13,
        "dimension_values": {"4": "blue"},
        "note": "Review",
        "billable": True,
        "hourly_rate_minor": 6000,
        "revenue_minor": 9000,
        "rate_source": "project",
        "billing_state": "billed",
        "approval_status": "approved",
        "creation_type": "times",
        "locked": True,
        "timer_started_at": None,
        "presence_interval_id": None,
        "timeoff_request_id": 21,
        "created_at": datetime(2026, 3, 2, 10, 5, tzinfo=UTC),
        "updated_at": datetime(2026, 3, 2, 10, 6, tzinfo=UTC),
    }
    assert set(stored) == set(READ_COLUMNS)
    return SimpleNamespace(**{**stored, **values})


def test_an_entry_renders_every_field_of_the_schema_in_its_order() -> None:
    rendered = render_entry(_row(), user_id=5, currency="EUR", now=NOW)
    assert list(rendered) == list(EntryRead.model_fields)
    assert rendered["date"] == date(2026, 3, 2)
    assert (rendered["user_id"], rendered["currency"], rendered["tracking"]) == (5, "EUR", None)


def test_the_rendered_entry_is_in_json_what_the_schema_shows() -> None:
    rendered = render_entry(_row(), user_id=5, currency="EUR", now=NOW)
    as_schema = EntryRead.model_validate(rendered).model_dump(mode="json")
    assert to_jsonable(rendered) == as_schema


def test_a_running_timer_shows_as_tracking_with_its_minutes_so_far() -> None:
    row = _row(timer_started_at=datetime(2026, 3, 2, 11, 15, tzinfo=UTC))
    rendered = render_entry(row, user_id=None, currency="EUR", now=NOW)
    assert rendered["tracking"] == {"since": row.timer_started_at, "minutes": 90 + 45}


def test_every_shown_field_but_the_computed_ones_is_a_column_the_lists_select() -> None:
    table = TimeEntry.__table__.c
    selected = [column.name for column in ENTRY_COLUMNS]
    for field in EntryRead.model_fields:
        if field in NOT_COLUMNS:
            assert field not in table, f"{field} is a column; show it from the row"
        else:
            assert column_of(field) in table
            assert column_of(field) in selected
    assert "timer_started_at" in selected


def test_the_service_reads_every_settable_field_and_writes_every_shown_value() -> None:
    assert set(SETTABLE_COLUMNS) <= set(STORED_COLUMNS)
    written = set(SETTLED_COLUMNS) | {"breaks"}
    assert set(SETTABLE_COLUMNS) <= written
    assert {"timezone", "break_minutes", "customer_id", "revenue_minor"} <= written
    assert not written & {"id", "employee_id", "created_at", "updated_at"}


def test_a_listed_row_read_by_position_renders_as_the_entry_by_name() -> None:
    for timer in (None, datetime(2026, 3, 2, 11, 15, tzinfo=UTC)):
        row = _row(timer_started_at=timer)
        positional = (*(getattr(row, name) for name in READ_COLUMNS), 5)
        by_position = render_entry_row(positional, user_id=5, currency="EUR", now=NOW)
        assert by_position == render_entry(row, user_id=5, currency="EUR", now=NOW)
