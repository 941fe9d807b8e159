"""The fields of a time entry, declared once by `EntryRead`: which of them are columns of
`time_entries` and under what name. Rendering, the lists' selected columns and the
service's reads and writes all derive from here, so a field added to `EntryRead`
(and its column) needs no second edit."""

from timeledger.entries.schemas import EntryFields, EntryRead

NOT_COLUMNS = frozenset({"user_id", "currency", "tracking"})
"""`EntryRead` fields that no column holds: the employee's user, the workspace's currency
and the running timer (computed from `timer_started_at`)."""
COLUMN_NAMED = {"date": "day"}
"""API names that differ from their column's (`date` is a Python type's name)."""
TRACKING_COLUMNS = ("timer_started_at",)
"""Columns read to show `tracking`, which are no field of their own."""


def column_of(field: str) -> str:
    return COLUMN_NAMED.get(field, field)


STORED_FIELDS = tuple(field for field in EntryRead.model_fields if field not in NOT_COLUMNS)
"""`EntryRead` fields held by a column, in the schema's order."""
STORED_COLUMNS = tuple(column_of(field) for field in STORED_FIELDS)
READ_COLUMNS = STORED_COLUMNS + TRACKING_COLUMNS
"""Every column an entry is shown from: what the lists select."""
SETTABLE_COLUMNS = tuple(column_of(field) for field in EntryFields.model_fields)
"""Columns of the values a caller may send (`EntryCreate`, `EntryUpdate`)."""
