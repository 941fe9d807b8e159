from datetime import datetime
from typing import Annotated
from urllib.parse import parse_qsl

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from timeledger.kit.text import WITHOUT_NUL

MAX_QUERY_LENGTH = 2000

# The query parameters of the time-entry list (GET /api/time-entries and its variants).
ENTRY_LIST_PARAMETERS = frozenset(
    {
        "employee_id",
        "user_id",
        "org_unit_id",
        "customer_id",
        "project_id",
        "task_id",
        "activity_id",
        "activity_type",
        "note",
        "at",
        "from",
        "to",
        "billable",
        "locked",
        "tracking",
        "approval_status",
        "billing_state",
        "creation_type",
        "sort",
        "direction",
        "group_by",
        "limit",
    }
)


def _entry_list_query(value: str) -> str:
    """A URL query string naming only the time-entry list's parameters."""
    if value.startswith("?"):
        raise ValueError("the query must not start with '?'")
    if "\x00" in value:
        raise ValueError("the query must not contain NUL characters")
    if not value:
        return value
    try:
        pairs = parse_qsl(value, keep_blank_values=True, strict_parsing=True)
    except ValueError:
        raise ValueError("the query is not a valid URL query string (name=value&...)") from None
    unknown = sorted({name for name, _ in pairs} - ENTRY_LIST_PARAMETERS)
    if unknown:
        names = ", ".join(repr(name) for name in unknown)
        raise ValueError(f"the time-entry list has no parameter {names}")
    return value


BookmarkName = Annotated[str, Field(min_length=1, max_length=200, pattern=WITHOUT_NUL)]
EntryListQuery = Annotated[
    str,
    Field(
        max_length=MAX_QUERY_LENGTH,
        description="URL query string of the time-entry list without the leading '?', "
        "for example `project_id=3&at=this_month`.",
        examples=["project_id=3&at=this_month"],
    ),
    AfterValidator(_entry_list_query),
]


class BookmarkCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: BookmarkName
    query: EntryListQuery


class BookmarkUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: BookmarkName | None = None
    query: EntryListQuery | None = None


class BookmarkRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    query: str
    created_at: datetime
    updated_at: datetime
