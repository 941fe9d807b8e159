"""The workspace export file: one ZIP member of JSON Lines per tenant table, plus a manifest.

The members are found from the models: every table of a `TenantMixin` model is written
(in foreign-key order, so a restore can insert them in the order given) unless it is named
in `LEFT_OUT_TABLES`, with every column but those in `LEFT_OUT_COLUMNS`. Each row is one
JSON object of its stored column values (instants ISO 8601 in UTC, dates ISO, JSON columns
as they are), ordered by primary key, so ids, foreign keys and versions survive.

Tables are read with Core selects of plain tuples, in batches from a server-side cursor,
and each batch is written to its member as it comes: memory stays bounded whatever the size.
All tables are read in one transaction (a repeatable-read snapshot on PostgreSQL), so the
file is one consistent moment of the workspace.
"""

import hashlib
import os
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson
from sqlalchemy import Column, Connection, Table, func, select

import timeledger
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.model import Base, TenantMixin
from timeledger.models import Workspace, WorkspaceRevision

FORMAT = "timeledger-workspace-export"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
WORKSPACE_MEMBER = "workspace.jsonl"
BATCH_ROWS = 1_000
"""Rows read, written or restored at a time. A batch of 5,000 entries held about 45 MB
at once (rows, their dicts and lines); 1,000 keep an export's peak 80 MB lower and were
no slower (benchmark workspace in process: 195 → 113 MB, 78 → 59 s)."""
COMPRESS_LEVEL = 1
"""Deflate's fastest level: JSON Lines still shrink about eightfold, at a fraction of the
default level's time."""

LEFT_OUT_TABLES: dict[str, str] = {
    "api_keys": "credentials; a restored workspace's service users get new keys",
    "auth_sessions": "sign-in sessions (credentials)",
    "password_reset_tokens": "one-time credentials",
    "oauth_authorization_codes": "one-time credentials",
    "oauth_tokens": "OAuth access and refresh tokens (credentials)",
    "stream_tickets": "short-lived event-stream credentials",
    "kiosk_pin_failures": "lock-out counters of kiosk PIN attempts, of no use elsewhere",
    "changes": "the change log, a feed for synchronising clients; its head (the workspace's "
    "last revision) is in `workspace_revisions.jsonl` and the manifest",
    "report_runs": "generated report files, kept a few days",
    "payroll_exports": "generated payroll files; the statements keep their exported state",
    "webhook_deliveries": "delivery attempts of webhooks already sent or given up",
    "inbound_events": "received webhook payloads; what they changed is in the other members",
}
"""Tenant tables the export does not write, and why (docs/import-export.md)."""

LEFT_OUT_COLUMNS: dict[str, frozenset[str]] = {
    "users": frozenset({"password_hash"}),
    "oauth_clients": frozenset({"secret_hash"}),
    "kiosks": frozenset({"token_hash", "token_prefix"}),
    "kiosk_badges": frozenset({"pin_hash"}),
    "inbound_endpoints": frozenset({"secret_encrypted"}),
    "webhook_subscriptions": frozenset({"secret_encrypted"}),
}
"""Secrets in written tables: left out, so a file in the wrong hands gives no way in."""

WORKSPACES: Table = Workspace.__table__  # type: ignore[assignment]
REVISIONS: Table = WorkspaceRevision.__table__  # type: ignore[assignment]
_LINE = orjson.OPT_UTC_Z | orjson.OPT_NAIVE_UTC | orjson.OPT_APPEND_NEWLINE


@dataclass(frozen=True)
class Member:
    name: str
    table: Table
    columns: tuple[Column[Any], ...]

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)


def tenant_tables() -> dict[str, Table]:
    """Every table of a `TenantMixin` model, by name."""
    tables: dict[str, Table] = {}
    for mapper in Base.registry.mappers:
        if issubclass(mapper.class_, TenantMixin) and isinstance(mapper.local_table, Table):
            tables[mapper.local_table.name] = mapper.local_table
    return tables


def _member(name: str, table: Table) -> Member:
    left_out = LEFT_OUT_COLUMNS.get(table.name, frozenset())
    return Member(name, table, tuple(column for column in table.c if column.name not in left_out))


def export_members() -> tuple[Member, ...]:
    """The workspace's own row first, then the tenant tables in foreign-key order."""
    tenant = tenant_tables()
    members = [_member(WORKSPACE_MEMBER, WORKSPACES)]
    members += [
        _member(f"{table.name}.jsonl", table)
        for table in Base.metadata.sorted_tables
        if table.name in tenant and table.name not in LEFT_OUT_TABLES
    ]
    return tuple(members)


def _rows_of(member: Member, workspace_id: int) -> Any:
    key = member.table.c.id if member.name == WORKSPACE_MEMBER else member.table.c.workspace_id
    return key == workspace_id


def _binary(value: object) -> object:
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value).hex()
    raise TypeError(f"{type(value).__name__} is not exported")


ProgressHook = Callable[[int, int], None]
"""Called after each batch with the rows written so far and the rows in all."""


@dataclass(frozen=True)
class Snapshot:
    workspace_id: int
    workspace_name: str
    change_log_head: int
    counts: dict[str, int]


def _snapshot(connection: Connection, workspace_id: int, members: tuple[Member, ...]) -> Snapshot:
    found = connection.execute(
        select(WORKSPACES.c.name, func.coalesce(REVISIONS.c.revision, 0).label("revision"))
        .outerjoin(REVISIONS, REVISIONS.c.workspace_id == WORKSPACES.c.id)
        .where(WORKSPACES.c.id == workspace_id)
    ).one_or_none()
    if found is None:
        raise LookupError(f"no workspace {workspace_id}")
    counts = {
        member.name: connection.execute(
            select(func.count()).select_from(member.table).where(_rows_of(member, workspace_id))
        ).scalar_one()
        for member in members
    }
    return Snapshot(workspace_id, found.name, int(found.revision), counts)


def _write_member(
    archive: zipfile.ZipFile,
    connection: Connection,
    member: Member,
    workspace_id: int,
    written: Callable[[int], None],
) -> dict[str, Any]:
    names = member.column_names
    statement = (
        select(*member.columns)
        .where(_rows_of(member, workspace_id))
        .order_by(*member.table.primary_key.columns)
    )
    digest = hashlib.sha256()
    rows = 0
    result = connection.execution_options(yield_per=BATCH_ROWS).execute(statement)
    with archive.open(member.name, "w", force_zip64=True) as stream:
        for batch in result.partitions():
            chunk = b"".join(
                [orjson.dumps(dict(zip(names, row, strict=True)), _binary, _LINE) for row in batch]
            )
            digest.update(chunk)
            stream.write(chunk)
            rows += len(batch)
            written(len(batch))
    return {"name": member.name, "table": member.table.name, "rows": rows,
            "sha256": digest.hexdigest(), "columns": list(names)}  # fmt: skip


def write_export(
    connection: Connection, workspace_id: int, target: IO[bytes], progress: ProgressHook
) -> dict[str, Any]:
    """Writes the workspace's export to `target` and answers its manifest; `connection`
    should be in a transaction, so every member shows the same moment."""
    members = export_members()
    snapshot = _snapshot(connection, workspace_id, members)
    total = sum(snapshot.counts.values())
    done = 0

    def written(rows: int) -> None:
        nonlocal done
        done += rows
        progress(done, total)

    progress(0, total)
    with zipfile.ZipFile(
        target, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=COMPRESS_LEVEL
    ) as archive:
        written_members = [
            _write_member(archive, connection, member, workspace_id, written) for member in members
        ]
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "timeledger_version": timeledger.__version__,
            "created_at": utcnow(),
            "workspace": {"id": snapshot.workspace_id, "name": snapshot.workspace_name},
            "change_log_head": snapshot.change_log_head,
            "rows": sum(member["rows"] for member in written_members),
            "members": written_members,
            "left_out": {
                "tables": LEFT_OUT_TABLES,
                "columns": {name: sorted(columns) for name, columns in LEFT_OUT_COLUMNS.items()},
            },
        }
        archive.writestr(
            MANIFEST, orjson.dumps(manifest, option=orjson.OPT_UTC_Z | orjson.OPT_INDENT_2)
        )
    return orjson.loads(orjson.dumps(manifest, option=orjson.OPT_UTC_Z))  # type: ignore[no-any-return]


def export_to_file(
    db: Database, workspace_id: int, path: Path, progress: ProgressHook
) -> dict[str, Any]:
    """Writes the export to `path` (through a `.part` file renamed once complete, so `path`
    is never a half-written file) in one read-only snapshot of the database."""
    partial = path.with_name(path.name + ".part")
    path.parent.mkdir(parents=True, exist_ok=True)
    options: dict[str, Any] = {}
    if not db.is_sqlite:
        options = {"isolation_level": "REPEATABLE READ", "postgresql_readonly": True}
    try:
        with (
            db.engine.connect().execution_options(**options) as connection,
            connection.begin(),
            partial.open("wb") as target,
        ):
            manifest = write_export(connection, workspace_id, target, progress)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return manifest


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as source:
        while block := source.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()
