"""Restoring a workspace export into a new workspace (docs/import-export.md, "Restoring a
Timeledger export").

The file is checked whole first (`restore_file`), then, with `apply`, every member is
inserted in the manifest's order, in one transaction: a restore is all or nothing.
Each table's ids move by a constant, the table's largest id in the database (0 in an
empty one, so ids are kept there); foreign keys and the ids listed in `references` move
with their tables, `workspace_id` becomes the new workspace's.

Rows go in as plain tuples of the database's own values, 5,000 at a time, never as ORM
objects: on SQLite through the driver's `executemany` of one prepared INSERT (SQLAlchemy's
Core insert would run every value through its type processing, a third of the time);
on PostgreSQL through `COPY ... FROM STDIN` on the session's connection, several times
faster than INSERTs of many rows (3.5 million rows: minutes with `insertmanyvalues`).
"""

import json
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from operator import itemgetter
from pathlib import Path
from typing import IO, Any

from sqlalchemy import JSON, Connection, LargeBinary, Table, bindparam, func, select, text

from timeledger.kit.db import Database
from timeledger.kit.errors import Conflict, Unprocessable
from timeledger.kit.model import EPOCH, Base, EpochInstant
from timeledger.models import Workspace
from timeledger.transfer.export import LEFT_OUT_COLUMNS, WORKSPACE_MEMBER, WORKSPACES
from timeledger.transfer.references import (
    AUDIT_TARGETS,
    EXTERNAL_ID_ENTITIES,
    ID_KEYED_COLUMNS,
    ID_LIST_COLUMNS,
    PLAIN_ID_COLUMNS,
    PLUGIN_COLUMNS,
    Offsets,
    moved,
    moved_by_kind,
    moved_item_id,
    moved_keys,
    moved_list,
    moved_plugin_ids,
)
from timeledger.transfer.restore_file import (
    ExportedMember,
    ExportFile,
    ExportFileRefused,
    member_batches,
    open_export,
    verify_export,
)

SOURCE = "timeledger"
ONE_MICROSECOND = timedelta(microseconds=1)
CLIENT_ID_BYTES = 18
"""As `oauth.service` makes client ids."""
NEVER_MATCHES = ""
"""The placeholder of a secret left out of the export whose column is required: no token
hashes to it, and it seals nothing, so it can never authenticate."""
SQLITE_RESTORE_CACHE_KIB = 64 * 1024
RESTORED_KIOSK_PREFIX = "restored-"
"""Kiosk token prefixes of restored kiosks: issued tokens start `tl_`, so none looks it up."""

Row = list[Any]
Fix = Callable[[Row], None]
ProgressHook = Callable[[int, int], None]


def _instant(value: Any) -> Any:
    if value is None:
        return None
    return (datetime.fromisoformat(value) - EPOCH) // ONE_MICROSECOND


def _json_text(value: Any) -> str:
    # The standard library's text, as SQLAlchemy's JSON type writes it.
    if value == []:
        return "[]"
    if value == {}:
        return "{}"
    return json.dumps(value)


def _binary(value: Any) -> Any:
    return None if value is None else bytes.fromhex(value)


def _column_fix(index: int, convert: Callable[[Any], Any]) -> Fix:
    def fix(row: Row) -> None:
        row[index] = convert(row[index])

    return fix


def _pair_fix(kind: int, index: int, convert: Callable[[Any, Any], Any]) -> Fix:
    def fix(row: Row) -> None:
        row[index] = convert(row[kind], row[index])

    return fix


@dataclass(frozen=True)
class TablePlan:
    """How a member's rows become rows of its table: the columns inserted (the member's,
    then placeholders of required left-out secrets) and the fixes applied in order."""

    table: Table
    columns: tuple[str, ...]
    id_fixes: tuple[Fix, ...]
    value_fixes: tuple[Fix, ...]
    placeholders: tuple[Callable[[Row], Any], ...]

    def rows(self, batch: list[tuple[Any, ...]]) -> Iterator[tuple[Any, ...]]:
        fixes = self.id_fixes + self.value_fixes
        placeholders = self.placeholders
        for values in batch:
            row = list(values)
            for fix in fixes:
                fix(row)
            if placeholders:
                row += [make(row) for make in placeholders]
            yield tuple(row)


def _id_fixes(
    table: Table, names: tuple[str, ...], offsets: Offsets, workspace_id: int
) -> list[Fix]:
    """The fixes moving the ids of a table's rows; none where every offset is 0."""
    fixes: list[Fix] = []
    index = {name: position for position, name in enumerate(names)}
    for name, position in index.items():
        key = (table.name, name)
        if name == "workspace_id" or key == ("workspaces", "id"):
            if offsets.get("workspaces"):
                fixes.append(_column_fix(position, lambda _value: workspace_id))
            continue
        if name == "id" and offsets.get(table.name):
            fixes.append(_column_fix(position, moved(offsets[table.name])))
        targets = {foreign.column.table.name for foreign in table.c[name].foreign_keys}
        if key in PLAIN_ID_COLUMNS:
            targets.add(PLAIN_ID_COLUMNS[key])
        for target in targets:
            if offsets.get(target):
                fixes.append(_column_fix(position, moved(offsets[target])))
        if key in ID_LIST_COLUMNS and offsets.get(ID_LIST_COLUMNS[key]):
            fixes.append(_column_fix(position, moved_list(offsets[ID_LIST_COLUMNS[key]])))
        if key in ID_KEYED_COLUMNS and offsets.get(ID_KEYED_COLUMNS[key]):
            fixes.append(_column_fix(position, moved_keys(offsets[ID_KEYED_COLUMNS[key]])))
        if key in PLUGIN_COLUMNS and any(offsets.values()):
            fixes.append(_column_fix(position, moved_plugin_ids(offsets)))
    kind_columns = {
        ("audit_events", "target_id"): ("target_type", moved_by_kind(AUDIT_TARGETS, offsets)),
        ("external_ids", "native_id"): ("entity", moved_by_kind(EXTERNAL_ID_ENTITIES, offsets)),
        ("approval_decisions", "item_id"): ("kind", moved_item_id(offsets)),
    }
    for (table_name, name), (kind, convert) in kind_columns.items():
        if table.name == table_name and any(offsets.values()):
            fixes.append(_pair_fix(index[kind], index[name], convert))
    return fixes


def _value_fixes(table: Table, names: tuple[str, ...]) -> list[Fix]:
    fixes: list[Fix] = []
    for position, name in enumerate(names):
        column_type = table.c[name].type
        if isinstance(column_type, EpochInstant):
            fixes.append(_column_fix(position, _instant))
        elif isinstance(column_type, JSON):
            fixes.append(_column_fix(position, _json_text))
        elif isinstance(column_type, LargeBinary):
            fixes.append(_column_fix(position, _binary))
    return fixes


def _placeholders(table: Table, names: tuple[str, ...]) -> dict[str, Callable[[Row], Any]]:
    """Values of the required columns left out of the export (secrets)."""
    required = [
        name
        for name in sorted(LEFT_OUT_COLUMNS.get(table.name, frozenset()))
        if not table.c[name].nullable
    ]
    made: dict[str, Callable[[Row], Any]] = {}
    for name in required:
        if table.name == "kiosks" and name == "token_prefix":
            made[name] = _kiosk_prefix(names.index("id"))
        else:
            made[name] = lambda _row: NEVER_MATCHES
    return made


def _kiosk_prefix(id_position: int) -> Callable[[Row], str]:
    """A unique prefix no token has (`token_prefix` is unique), from the restored id."""

    def prefix(row: Row) -> str:
        return f"{RESTORED_KIOSK_PREFIX}{row[id_position]}"

    return prefix


def _client_id_fix(position: int, taken: frozenset[str]) -> Fix:
    """A client id another workspace of the database has (a restore beside the original)
    is replaced by a new one: `client_id` is unique across workspaces."""

    def fix(row: Row) -> None:
        if row[position] in taken:
            row[position] = secrets.token_urlsafe(CLIENT_ID_BYTES)

    return fix


def table_plan(
    exported: ExportedMember,
    offsets: Offsets,
    workspace_id: int,
    workspace_name: str,
    taken_client_ids: frozenset[str] = frozenset(),
) -> TablePlan:
    member = exported.member
    names = member.column_names
    fixes = _value_fixes(member.table, names)
    if member.name == WORKSPACE_MEMBER:
        fixes.append(_column_fix(names.index("name"), lambda _value: workspace_name))
    if member.table.name == "oauth_clients" and taken_client_ids:
        fixes.append(_client_id_fix(names.index("client_id"), taken_client_ids))
    placeholders = _placeholders(member.table, names)
    return TablePlan(
        member.table,
        names + tuple(placeholders),
        tuple(_id_fixes(member.table, names, offsets, workspace_id)),
        tuple(fixes),
        tuple(placeholders.values()),
    )


def _largest_id(connection: Connection, table: Table) -> int:
    return int(connection.execute(select(func.max(table.c.id))).scalar() or 0)


def _sequence(connection: Connection, table: Table) -> str | None:
    found = connection.execute(
        text("SELECT pg_get_serial_sequence(:table, 'id')"), {"table": table.name}
    ).scalar()
    return str(found) if found else None


def reserve_offsets(
    connection: Connection, tables: list[Table], last_ids: dict[str, int | None]
) -> Offsets:
    """Each table's offset, its largest id. On PostgreSQL the table's sequence is moved
    past the restored ids first (`setval`, which no transaction undoes), so a concurrent
    insert takes an id above them and the restore's explicit ids never collide; the
    sequence then stands at the largest id, as the brief of a restore wants it."""
    offsets: Offsets = {}
    postgres = connection.dialect.name == "postgresql"
    for table in tables:
        if "id" not in table.c:
            continue
        offset = _largest_id(connection, table)
        sequence = _sequence(connection, table) if postgres else None
        if sequence is not None:
            issued = connection.execute(
                text("SELECT pg_sequence_last_value(CAST(:sequence AS regclass))"),
                {"sequence": sequence},
            ).scalar()
            offset = max(offset, int(issued or 0))
            last = last_ids.get(table.name)
            if last:
                connection.execute(
                    text("SELECT setval(:sequence, :value)"),
                    {"sequence": sequence, "value": offset + last},
                )
        offsets[table.name] = offset
    return offsets


def _insert_sqlite(connection: Connection, plan: TablePlan, rows: list[tuple[Any, ...]]) -> None:
    insert = plan.table.insert().values({name: bindparam(name) for name in plan.columns})
    compiled = insert.compile(dialect=connection.dialect)
    order = list(compiled.positiontup or ())
    if order != list(plan.columns):
        reorder = itemgetter(*(plan.columns.index(name) for name in order))
        rows = [reorder(row) for row in rows]
    connection.exec_driver_sql(str(compiled), rows)


def _copy_postgres(
    connection: Connection,
    plan: TablePlan,
    batches: Iterator[list[tuple[Any, ...]]],
    inserted: Callable[[int], None],
) -> None:
    quote = connection.dialect.identifier_preparer.quote
    statement = f"COPY {quote(plan.table.name)} ({', '.join(map(quote, plan.columns))}) FROM STDIN"
    driver = connection.connection.driver_connection
    assert driver is not None
    with driver.cursor() as cursor, cursor.copy(statement) as copy:
        for batch in batches:
            for row in plan.rows(batch):
                copy.write_row(row)
            inserted(len(batch))


def _insert_member(
    connection: Connection,
    export: ExportFile,
    exported: ExportedMember,
    plan: TablePlan,
    inserted: Callable[[int], None],
) -> None:
    batches = member_batches(export, exported)
    if connection.dialect.name == "postgresql":
        _copy_postgres(connection, plan, batches, inserted)
        return
    for batch in batches:
        _insert_sqlite(connection, plan, list(plan.rows(batch)))
        inserted(len(batch))


@contextmanager
def _sqlite_bulk_load(connection: Connection) -> Iterator[None]:
    """On SQLite, while the restore writes: foreign keys checked at commit rather than
    per row (a row may name a row of its own table inserted after it: a task moved under
    a newer task), and a larger page cache: the 2 MB default held too little of the
    indexes the rows go into, and the benchmark workspace's restore spent most of its
    time reading index pages back (6 minutes instead of 1.5)."""
    if connection.dialect.name != "sqlite":
        yield
        return
    driver = connection.connection.driver_connection
    assert driver is not None
    default = driver.execute("PRAGMA cache_size").fetchone()[0]
    driver.execute(f"PRAGMA cache_size = -{SQLITE_RESTORE_CACHE_KIB}")
    try:
        yield
    finally:
        driver.execute(f"PRAGMA cache_size = {int(default)}")


def _defer_foreign_keys(connection: Connection) -> None:
    """Within the transaction only: SQLite resets it at commit and rollback."""
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")


def _client_ids(connection: Connection) -> frozenset[str]:
    clients = Base.metadata.tables["oauth_clients"]
    return frozenset(connection.execute(select(clients.c.client_id)).scalars())


def _name_taken(connection: Connection, name: str) -> bool:
    found = connection.execute(select(WORKSPACES.c.id).where(WORKSPACES.c.name == name))
    return found.first() is not None


def _checked_name(name: str) -> str:
    limit = Workspace.__table__.c.name.type.length  # type: ignore[attr-defined]
    if not name.strip() or len(name) > limit:
        raise Unprocessable.at(
            "query.workspace_name",
            f"A workspace name has 1 to {limit} characters.",
            "invalid workspace name",
        )
    return name


def refuse_taken_name(connection: Connection, name: str) -> None:
    if _name_taken(connection, name):
        raise Conflict(
            f"A workspace named {name!r} exists; a restore creates a new workspace: "
            "name another (workspace_name, --workspace)."
        )


def exported_workspace_name(file: IO[bytes], max_bytes: int) -> str:
    """The name in the file's manifest, once its manifest and members' shapes are checked
    (`ExportFileRefused` otherwise); reads no member."""
    export = open_export(file, max_bytes=max_bytes)
    export.archive.close()
    return export.workspace_name


def _result(
    export: ExportFile, name: str, *, applied: bool, workspace_id: int | None,
    offsets: Offsets | None,
) -> dict[str, Any]:  # fmt: skip
    rows = {exported.member.table.name: exported.rows for exported in export.members}
    return {
        "source": SOURCE,
        "applied": applied,
        "file_refused": None,
        "workspace": {"id": workspace_id, "name": name},
        "exported_workspace": export.manifest["workspace"],
        "change_log_head": export.manifest.get("change_log_head"),
        "rows": rows,
        "rows_total": export.rows,
        "id_offsets": offsets,
    }


def refused_result(refused: ExportFileRefused) -> dict[str, Any]:
    return {
        "source": SOURCE,
        "applied": False,
        "file_refused": {"row": 0, "field": refused.field, "problem": refused.problem},
    }


def restore_export(
    db: Database,
    file: IO[bytes],
    *,
    workspace_name: str | None,
    apply: bool,
    max_bytes: int,
    progress: ProgressHook | None = None,
    progress_writes: bool = False,
) -> dict[str, Any]:
    """Checks the export in `file` and, with `apply`, restores it as a new workspace named
    `workspace_name` (default: the exported name) in one transaction; the result
    (docs/import-export.md). `ExportFileRefused` (422) for a refused file, `Conflict`
    (409) for a taken name, and nothing written. A `progress` that writes the database
    (`progress_writes`, the job's) is not called while the restore holds SQLite's one
    write lock: it would wait for the restore to end."""
    export = open_export(file, max_bytes=max_bytes)
    try:
        name = _checked_name(export.workspace_name if workspace_name is None else workspace_name)
        with db.engine.connect() as connection:
            refuse_taken_name(connection, name)
        total = export.rows * (2 if apply else 1)
        done = 0

        def advanced(rows: int) -> None:
            nonlocal done
            done += rows
            if progress is not None:
                progress(done, total)

        advanced(0)
        last_ids = verify_export(export, advanced)
        if not apply:
            return _result(export, name, applied=False, workspace_id=None, offsets=None)
        if progress_writes and db.writers_lock_at_begin:
            progress = None
        with db.writer.connect() as connection, _sqlite_bulk_load(connection), connection.begin():
            _defer_foreign_keys(connection)
            refuse_taken_name(connection, name)
            tables = [exported.member.table for exported in export.members]
            offsets = reserve_offsets(connection, tables, last_ids)
            exported_id = int(export.manifest["workspace"]["id"])
            workspace_id = exported_id + offsets["workspaces"]
            taken_client_ids = _client_ids(connection)
            for exported in export.members:
                plan = table_plan(exported, offsets, workspace_id, name, taken_client_ids)
                _insert_member(connection, export, exported, plan, advanced)
        return _result(export, name, applied=True, workspace_id=workspace_id, offsets=offsets)
    finally:
        export.archive.close()


def restore_file(
    db: Database,
    path: Path,
    workspace_name: str | None,
    apply: bool,
    max_bytes: int,
    progress: ProgressHook | None,
    progress_writes: bool,
) -> dict[str, Any]:
    """`restore_export` of the file at `path`, a refused file answered as a result with
    `file_refused` (as the other sources' jobs answer)."""
    try:
        with path.open("rb") as file:
            return restore_export(
                db, file, workspace_name=workspace_name, apply=apply, max_bytes=max_bytes,
                progress=progress, progress_writes=progress_writes,
            )  # fmt: skip
    except ExportFileRefused as refused:
        return refused_result(refused)
