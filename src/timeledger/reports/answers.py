"""One answer for every report: a JSON page with totals, or all rows as CSV (streamed from
a connection of its own, the request's session being closed by then) or XLSX."""

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Header, Query
from fastapi.responses import StreamingResponse
from sqlalchemy import Connection
from sqlalchemy.orm import Session
from starlette.responses import Response

from timeledger.kit.db import Database
from timeledger.kit.jsonio import FastJSONResponse
from timeledger.kit.pagination import DEFAULT_LIMIT, MAX_LIMIT
from timeledger.reports.formats import (
    MEDIA_TYPES,
    ReportFormat,
    SheetTitle,
    chosen_format,
    csv_chunks,
    xlsx_bytes,
)

BATCH_ROWS = 5000
"""Rows read from the cursor, named and written at a time in CSV and XLSX."""

Rows = list[tuple[Any, ...]]
Batches = Callable[[Connection], Iterator[Rows]]


@dataclass(frozen=True)
class PageOfRows:
    rows: Rows
    next_cursor: str | None
    totals: dict[str, Any]


@dataclass(frozen=True)
class PreparedReport:
    """A report whose filters are resolved for a caller: its columns, a JSON page of its
    rows (limit, cursor) and all of them in batches, each read on a given connection."""

    columns: tuple[str, ...]
    page: Callable[[Connection, int, str | None], PageOfRows]
    batches: Batches


async def report_format(
    format: Annotated[
        ReportFormat | None,
        Query(description="json, csv or xlsx; wins over `Accept`."),
    ] = None,
    accept: Annotated[
        str | None,
        Header(
            max_length=1000,
            description=f"{', '.join(MEDIA_TYPES.values())}; JSON when absent. 406 otherwise.",
        ),
    ] = None,
) -> ReportFormat:
    return chosen_format(format, accept)


Limit = Annotated[
    int,
    Query(
        ge=1,
        le=MAX_LIMIT,
        description=f"Rows of a JSON page (default {DEFAULT_LIMIT}, at most {MAX_LIMIT}); "
        "CSV and XLSX hold every row.",
    ),
]
Cursor = Annotated[
    str | None, Query(max_length=512, description="`next_cursor` of the previous JSON page.")
]

FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "JSON (a page of rows and the totals), or every row as CSV (RFC 4180, "
        "UTF-8, a header row, streamed) or XLSX (one sheet, a header row).",
        "content": {
            MEDIA_TYPES[ReportFormat.CSV]: {"schema": {"type": "string"}},
            MEDIA_TYPES[ReportFormat.XLSX]: {"schema": {"type": "string", "format": "binary"}},
        },
    },
    406: {"description": "`Accept` names no format a report answers in."},
}


def _streamed(db: Database, batches: Batches) -> Iterator[Rows]:
    with db.engine.connect() as connection:
        yield from batches(connection)


def report_file(
    kind: str, chosen: ReportFormat, report: PreparedReport, batches: Iterator[Rows]
) -> Iterator[bytes]:
    """The CSV (in chunks) or XLSX (in one) of `batches` of the report's rows."""
    if chosen is ReportFormat.CSV:
        return csv_chunks(report.columns, batches)
    title = SheetTitle(sheet=kind[:31], title=f"Timeledger {kind} report")
    return iter([xlsx_bytes(title, report.columns, batches)])


def answer(
    chosen: ReportFormat,
    *,
    kind: str,
    report: PreparedReport,
    page: tuple[int, str | None],
    session: Session,
    db: Database,
) -> Response:
    headers = {"Vary": "Accept"}
    columns = report.columns
    if chosen is ReportFormat.JSON:
        found = report.page(session.connection(), *page)
        items = [dict(zip(columns, row, strict=True)) for row in found.rows]
        body = {"items": items, "next_cursor": found.next_cursor, "totals": found.totals}
        return FastJSONResponse(body, headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{kind}.{chosen.value}"'
    if chosen is ReportFormat.CSV:
        return StreamingResponse(
            report_file(kind, chosen, report, _streamed(db, report.batches)),
            media_type=media_type_of(chosen),
            headers=headers,
        )
    content = b"".join(report_file(kind, chosen, report, report.batches(session.connection())))
    return Response(content, media_type=media_type_of(chosen), headers=headers)


def media_type_of(chosen: ReportFormat) -> str:
    charset = "; charset=utf-8" if chosen is ReportFormat.CSV else ""
    return MEDIA_TYPES[chosen] + charset
