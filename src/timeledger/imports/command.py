"""`timeledger import FILE --workspace W --source KIND [--apply] [--org-unit ID]`: the same
plan and apply as the API's job, run in the terminal with a progress bar, acting as the
workspace's first active owner (whom its change log then names)."""

from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import Progress
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session

from timeledger.access.caller import Caller, caller_acting_as
from timeledger.imports.jobs import run_file
from timeledger.imports.mapped import ColumnMapping
from timeledger.kit.db import Database
from timeledger.kit.errors import Conflict, NotFound, PayloadTooLarge
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.models import Role, User, Workspace

PROBLEMS_SHOWN = 50
OWNER_ROLE = "owner"


def acting_owner(session: Session, workspace_name: str) -> Caller:
    """The workspace's active owner with the lowest id, as the caller; 404 or 409 when
    there is no such workspace or owner."""
    workspace = session.scalars(select(Workspace).where(Workspace.name == workspace_name)).first()
    if workspace is None:
        raise NotFound(f"No workspace named {workspace_name!r}.")
    scope_session_to_workspace(session, workspace.id)
    owner = session.scalars(
        select(User)
        .join(Role, Role.id == User.role_id)
        .where(Role.name == OWNER_ROLE, User.status == "active")
        .order_by(User.id)
        .limit(1)
    ).first()
    if owner is None:
        raise Conflict(f"Workspace {workspace_name!r} has no active owner to import as.")
    return caller_acting_as(owner, "cli:import")


def import_file(
    db: Database,
    console: Console,
    file: Path,
    *,
    workspace: str,
    source: str,
    apply: bool,
    day_first: bool,
    max_bytes: int,
    columns: ColumnMapping | None = None,
    org_unit_id: int | None = None,
) -> dict[str, Any]:
    """Plans (and with `apply` applies) the file, printing the summary and the problems;
    the import's result as the job's."""
    if file.stat().st_size > max_bytes:
        raise PayloadTooLarge(
            f"{file} is larger than the {max_bytes} bytes an import accepts "
            "(setting TIMELEDGER_IMPORT_MAX_BYTES)."
        )
    with db.session(write=False) as session:
        caller = acting_owner(session, workspace)
    with Progress(console=console, transient=True) as bar:
        task = bar.add_task("applying" if apply else "planning (dry run)", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        result = run_file(
            db, caller, source, file, apply=apply, day_first=day_first, max_bytes=max_bytes,
            columns=columns, progress=progress, org_unit_id=org_unit_id,
        )  # fmt: skip
    print_result(console, result)
    return result


def print_result(console: Console, result: dict[str, Any]) -> None:
    refused = result["file_refused"]
    if refused is not None:
        console.print(f"[red]file refused[/red] ({refused['field']}): {refused['problem']}")
        return
    summary = result["summary"]
    table = Table(title="Import " + ("applied" if result["applied"] else "dry run"))
    table.add_column("")
    table.add_column("matched", justify="right")
    table.add_column("created" if result["applied"] else "to create", justify="right")
    table.add_row("entries", "", str(summary["entries_to_create"]))
    for kind in ("people", "customers", "projects", "tasks", "activities"):
        table.add_row(kind, str(summary[kind]["matched"]), str(summary[kind]["created"]["count"]))
    console.print(table)
    console.print(
        f"{summary['rows']} rows: {summary['entries_to_create']} to create "
        f"({summary['minutes_to_create']} minutes), {summary['already_imported']} imported "
        f"before, {summary['refused_rows']} refused"
    )
    if result["applied"]:
        console.print(
            f"created {result['created_entries']} entries; "
            f"{result['refused_while_applying']} rows refused by the entry rules"
        )
    problems = result["problems"][:PROBLEMS_SHOWN]
    if problems:
        listed = Table(title=f"Problems ({result['problems_total']})")
        for column in ("row", "field", "problem"):
            listed.add_column(column)
        for problem in problems:
            listed.add_row(str(problem["row"]), problem["field"], problem["problem"])
        console.print(listed)
        if result["problems_total"] > len(problems):
            console.print(f"... and {result['problems_total'] - len(problems)} more")
    if not result["applied"]:
        console.print("nothing was changed (a dry run); add --apply to import")
