"""The `timeledger` command: serve | worker | migrate | init | demo | apikey | export | bench."""

import json
import os
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
import uvicorn
from rich.console import Console
from rich.progress import Progress

import timeledger.job_kinds  # noqa: F401  (registers every job kind, cycle and upkeep task)
from timeledger.access.credentials import PasswordHashing, generate_password
from timeledger.benchdata import DEFAULT_ENTRIES_PER_DAY, DEFAULT_UNTIL, generate_dataset
from timeledger.config import get_settings
from timeledger.demo import DEMO_WORKSPACE, create_demo
from timeledger.imports.command import import_file
from timeledger.imports.mapped import FIELDS, ColumnMapping
from timeledger.imports.reader import ImportSource
from timeledger.imports.rows import ImportFileRefused
from timeledger.jobs.worker import Worker
from timeledger.kit.clock import clock_starting_at
from timeledger.kit.db import SQLITE_COMMAND_PAGE_CACHE_KIB, Database
from timeledger.kit.errors import Problem
from timeledger.kit.observability import configure_logging
from timeledger.kit.tenancy import scope_session_to_workspace
from timeledger.migrations import upgrade_to_head
from timeledger.transfer.export import export_to_file
from timeledger.transfer.restore_command import restore_command
from timeledger.users.repository import UserRepository
from timeledger.users.schemas import ApiKeyCreate
from timeledger.users.service import add_service_user, issue_api_key, resolve_role
from timeledger.workspaces.repository import WorkspaceRepository
from timeledger.workspaces.service import create_workspace, sync_builtin_roles_of_all_workspaces

app = typer.Typer(
    help="Timeledger time tracking server.", no_args_is_help=True, pretty_exceptions_enable=False
)
apikey = typer.Typer(help="API keys of service users.", no_args_is_help=True)
app.add_typer(apikey, name="apikey")
bench = typer.Typer(help="Benchmark datasets.", no_args_is_help=True)
app.add_typer(bench, name="bench")
console = Console(stderr=True, soft_wrap=True)


def _database(*, sqlite_page_cache_kib: int | None = None) -> Database:
    settings = get_settings()
    configure_logging(settings.log_level, json=settings.log_json)
    upgrade_to_head(settings.database_url)
    db = Database(settings.database_url, sqlite_page_cache_kib=sqlite_page_cache_kib)
    # A release may grow the built-in roles; existing workspaces get the new permissions.
    with db.transaction() as session:
        sync_builtin_roles_of_all_workspaces(session)
    db.refresh_planner_statistics()
    return db


def _fail(message: str) -> typer.Exit:
    console.print(f"[red]error:[/red] {message}")
    return typer.Exit(code=1)


@app.command()
def migrate() -> None:
    """Apply pending database migrations (Alembic upgrade to head) and bring the built-in
    roles of every workspace to this release's permissions."""
    _database().dispose()
    console.print("database is at the newest schema")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, help="API processes (>1 needs PostgreSQL).")] = 1,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="No in-process worker.")] = False,
) -> None:
    """Apply pending migrations, then serve the API (and the background worker)."""
    db = _database()
    is_sqlite = db.is_sqlite
    db.dispose()
    if workers > 1 and is_sqlite:
        raise _fail("more than one worker process needs PostgreSQL (TIMELEDGER_DATABASE_URL)")
    os.environ["TIMELEDGER_INPROCESS_WORKER"] = "false" if no_worker else "true"
    settings = get_settings()
    settings.resolved_secret_key()
    uvicorn.run(
        "timeledger.app:app_from_environment",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        server_header=False,
        # The parser whose limit docs/api-conventions.md names: a request target of up to
        # 65,535 bytes reaches the application (which refuses above MAX_URL_BYTES).
        http="httptools",
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
    )


@app.command()
def worker() -> None:
    """Run the background worker alone, until interrupted."""
    db = _database()
    settings = get_settings()
    try:
        Worker(db, settings, clock_starting_at(settings.clock_start)).run_forever()
    except KeyboardInterrupt:
        pass
    finally:
        db.dispose()


@app.command()
def init(
    workspace: Annotated[str, typer.Option(help="Name of the new workspace.")],
    owner_email: Annotated[str, typer.Option(help="Email of its owner.")],
    owner_password: Annotated[
        str | None, typer.Option(help="Owner's password; generated when omitted.")
    ] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone of the workspace.")] = "UTC",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create a workspace and its owner (with a first API key)."""
    db = _database()
    password = owner_password or generate_password()
    hashing = PasswordHashing(get_settings().argon2_memory_kib)
    try:
        with db.transaction() as session:
            created = create_workspace(
                session,
                name=workspace,
                owner_email=owner_email,
                owner_password=password,
                hashing=hashing,
                timezone=timezone,
            )
            result = {
                "workspace_id": created.workspace.id,
                "owner_email": created.owner.email,
                "owner_password": password,
                "api_key": created.api_key,
            }
    except Problem as problem:
        raise _fail(problem.detail) from None
    finally:
        db.dispose()
    if as_json:
        typer.echo(json.dumps(result))
    else:
        console.print(f"workspace {workspace!r} created (id {result['workspace_id']})")
        console.print(f"owner: {result['owner_email']}  password: {password}")
        console.print(f"API key (shown once): {result['api_key']}")


@apikey.command("create")
def apikey_create(
    workspace: Annotated[str, typer.Option(help="Workspace name.")],
    service_user: Annotated[str, typer.Option(help="Service user name; created if missing.")],
    role: Annotated[str, typer.Option(help="Role of a new service user.")] = "developer",
    name: Annotated[str, typer.Option(help="Label of the key.")] = "CLI key",
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Issue an API key for a service user."""
    db = _database()
    try:
        with db.transaction() as session:
            found = WorkspaceRepository(session).by_name(workspace)
            if found is None:
                raise _fail(f"no workspace named {workspace!r}")
            scope_session_to_workspace(session, found.id)
            owner = UserRepository(session).by_service_name(service_user)
            if owner is None:
                owner = add_service_user(
                    session,
                    workspace_id=found.id,
                    name=service_user,
                    role=resolve_role(session, None, role),
                    actor=None,
                )
            key = issue_api_key(session, owner, ApiKeyCreate(name=name), actor=None)
            result = {"service_user_id": owner.id, "api_key": key.key}
    except Problem as problem:
        raise _fail(problem.detail) from None
    finally:
        db.dispose()
    if as_json:
        typer.echo(json.dumps(result))
    else:
        console.print(f"service user {service_user!r} (id {result['service_user_id']})")
        console.print(f"API key (shown once): {result['api_key']}")


@app.command("export")
def export_workspace(
    workspace: Annotated[str, typer.Option(help="Workspace name.")],
    output: Annotated[Path, typer.Option(help="The ZIP file to write.")],
) -> None:
    """Write the whole workspace to one ZIP of JSON Lines with a manifest (as
    POST /api/admin/exports does; docs/import-export.md)."""
    db = _database(sqlite_page_cache_kib=SQLITE_COMMAND_PAGE_CACHE_KIB)
    try:
        with db.session(write=False) as session:
            found = WorkspaceRepository(session).by_name(workspace)
            if found is None:
                raise _fail(f"no workspace named {workspace!r}")
            workspace_id = found.id
        with Progress(console=console) as bar:
            task = bar.add_task("exporting", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            manifest = export_to_file(db, workspace_id, output, progress)
    finally:
        db.dispose()
    console.print(f"{manifest['rows']} rows of workspace {workspace!r} written to {output}")


@app.command("import")
def import_from_product(
    file: Annotated[
        Path, typer.Argument(help="The file the product exported.", exists=True, dir_okay=False)
    ],
    workspace: Annotated[str, typer.Option(help="Workspace name.")],
    source: Annotated[ImportSource, typer.Option(help="The product and format of the file.")],
    apply: Annotated[bool, typer.Option("--apply", help="Create what the plan says.")] = False,
    day_first: Annotated[
        bool, typer.Option("--day-first", help="Read slashed dates as D/M/YYYY.")
    ] = False,
    column: Annotated[
        list[str] | None,
        typer.Option(
            "--column",
            help="--source csv: the file's column of a field, as field=Header, once per "
            f"field ({', '.join(FIELDS)}).",
        ),
    ] = None,
    org_unit: Annotated[
        int | None,
        typer.Option(
            "--org-unit",
            min=1,
            help="Org unit id of the people the import creates "
            "(default: the workspace's one root unit).",
        ),
    ] = None,
) -> None:
    """Import another product's file (mite, Toggl, Clockify, Kimai, Harvest): a dry run
    unless --apply, as POST /api/admin/imports (docs/import-export.md). With --source
    timeledger, restore a Timeledger export as the new workspace --workspace (which must
    not exist). With --source csv, read any CSV whose columns --column names."""
    try:
        columns = ColumnMapping.parse(column) if column else None
    except ImportFileRefused as refused:
        raise _fail(refused.problem.problem) from None
    if columns is not None and source is ImportSource.TIMELEDGER:
        raise _fail("a timeledger file has no column mapping")
    db = _database(sqlite_page_cache_kib=SQLITE_COMMAND_PAGE_CACHE_KIB)
    try:
        if source is ImportSource.TIMELEDGER:
            result = restore_command(
                db, console, file, workspace=workspace, apply=apply,
                max_bytes=get_settings().import_max_bytes,
            )  # fmt: skip
        else:
            result = import_file(
            db, console, file, workspace=workspace, source=source.value, apply=apply,
            day_first=day_first, max_bytes=get_settings().import_max_bytes,
            columns=columns, org_unit_id=org_unit,
            )  # fmt: skip
    except Problem as problem:
        raise _fail(problem.detail) from None
    finally:
        db.dispose()
    if result["file_refused"] is not None:
        raise typer.Exit(code=1)


@app.command()
def demo() -> None:
    """Create the demo workspace on first start; print how to sign in, once."""
    db = _database()
    try:
        created = create_demo(db, PasswordHashing(get_settings().argon2_memory_kib))
    finally:
        db.dispose()
    if created is None:
        console.print(
            f"demo workspace {DEMO_WORKSPACE!r} is ready (credentials were shown when "
            "it was created; `timeledger init` makes another workspace)"
        )
        return
    console.print(f"[bold]Demo workspace {DEMO_WORKSPACE!r} created.[/bold]")
    console.print(
        f"  sign in: POST /api/auth/login  email {created.owner_email}  "
        f"password {created.owner_password}"
    )
    console.print(f"  API key: {created.api_key}")
    console.print(
        "  try: curl -H 'Authorization: Bearer <API key>' http://127.0.0.1:8000/api/users"
    )


@bench.command("generate")
def bench_generate(
    employees: Annotated[int, typer.Option(min=1, help="Employees to create.")] = 1_000,
    years: Annotated[int, typer.Option(min=1, help="Calendar years of time to create.")] = 4,
    seed: Annotated[int, typer.Option(help="Seed of the random data.")] = 1,
    until: Annotated[
        str | None, typer.Option(help="Last day of the period (YYYY-MM-DD); default 2025-12-31.")
    ] = None,
    entries_per_day: Annotated[
        float, typer.Option(min=1.0, help="Mean entries per worked day (4.5: ~1,000 a year).")
    ] = DEFAULT_ENTRIES_PER_DAY,
    changes: Annotated[
        int | None,
        typer.Option(
            min=0,
            help="entry.created changes in the change log, one per entry from the first on; "
            "default 250 per employee and year (1,000,000 for the default size).",
        ),
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Workspace name; default bench-<seed>-<employees>.")
    ] = None,
    database_url: Annotated[
        str | None, typer.Option(help="Database URL; default TIMELEDGER_DATABASE_URL.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Create a benchmark workspace of realistic size with bulk inserts (see
    docs/performance.md); refuses a workspace name that exists."""
    if database_url is not None:
        os.environ["TIMELEDGER_DATABASE_URL"] = database_url
        get_settings.cache_clear()
    try:
        last_day = date.fromisoformat(until) if until else DEFAULT_UNTIL
    except ValueError:
        raise _fail(f"--until must be a date YYYY-MM-DD, not {until!r}") from None
    db = _database()
    try:
        dataset = generate_dataset(
            db,
            employees=employees,
            years=years,
            seed=seed,
            until=last_day,
            entries_per_day=entries_per_day,
            changes=changes,
            name=name,
            hashing=PasswordHashing(get_settings().argon2_memory_kib),
            progress=lambda message: console.print(message),
        )
    except Problem as problem:
        raise _fail(problem.detail) from None
    finally:
        db.dispose()
    if as_json:
        typer.echo(json.dumps(dataset.as_json()))
        return
    counts = dataset.counts
    console.print(
        f"workspace {dataset.workspace_name!r} (id {dataset.workspace_id}): "
        f"{dataset.employees} employees, {counts['time_entries']} entries, "
        f"{counts['presence_intervals']} presence intervals, {counts['changes']} changes, "
        f"{dataset.first_day} to "
        f"{dataset.last_day}, in {dataset.seconds:.1f} s"
    )
    console.print(f"owner: {dataset.owner_email}  password: {dataset.owner_password}")
    console.print(f"owner API key: {dataset.owner_api_key}")
    console.print(
        f"manager: user {dataset.manager_user_id} (employee {dataset.manager_employee_id}, "
        f"{dataset.manager_employee_count} employees)  API key: {dataset.manager_api_key}"
    )
    console.print(
        f"sample employee: {dataset.sample_employee_id} (user {dataset.sample_user_id})  "
        f"API key: {dataset.sample_api_key}"
    )
