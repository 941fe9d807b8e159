"""Restoring a workspace export on both engines: export → restore → export gives the same
rows up to the documented differences (ids moved by the offsets, the workspace's id and
name); into an empty database ids are kept; refused files, a taken name, a dry run and a
failure part-way write nothing; the API's job and the command line."""

import io
import json
import shutil
import zipfile
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import orjson
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.engine import make_url

from tests.conftest import WorkspaceFixture
from tests.statements.support import run_jobs
from tests.test_cli import run_cli
from timeledger.access.credentials import PasswordHashing
from timeledger.benchdata import generate_dataset
from timeledger.config import Settings
from timeledger.imports.reader import RESTORERS, ImportSource, read_import
from timeledger.imports.rows import ImportFileRefused
from timeledger.kit.db import Database
from timeledger.kit.errors import Conflict
from timeledger.kit.model import Base
from timeledger.transfer import restore as restore_module
from timeledger.transfer.export import (
    FORMAT_VERSION,
    MANIFEST,
    export_members,
    export_to_file,
)
from timeledger.transfer.references import (
    ID_KEYED_COLUMNS,
    ID_LIST_COLUMNS,
    PLAIN_ID_COLUMNS,
    PLUGIN_COLUMNS,
)
from timeledger.transfer.restore import restore_export
from timeledger.transfer.restore_file import ExportFileRefused

MAX_BYTES = 64 * 2**20
AT = datetime(2025, 3, 3, 9, tzinfo=UTC)
SEEDED_CLIENT_ID = "restore-test-client"
NOT_SEEDED: set[str] = set()
"""Tables the seeded workspace leaves empty."""
REFERENCE_COLUMNS = (
    set(PLAIN_ID_COLUMNS) | set(ID_LIST_COLUMNS) | set(ID_KEYED_COLUMNS) | set(PLUGIN_COLUMNS)
) | {
    ("audit_events", "target_id"),
    ("external_ids", "native_id"),
    ("approval_decisions", "item_id"),
}
"""Ids the schema does not declare: each is checked by an explicit assertion below."""


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _seed(db: Database, hashing: PasswordHashing) -> int:
    """A small benchmark workspace (configuration with policies, people, presence, entries,
    day totals, timebank) and a row of each kind that holds ids the schema does not declare,
    plus kiosks, webhooks, OAuth clients, bookmarks and delegations."""
    dataset = generate_dataset(
        db, employees=2, years=1, name="Initech", hashing=hashing, until=date(2025, 3, 31)
    )
    workspace_id = dataset.workspace_id
    with db.transaction() as session:

        def first(table: str) -> int:
            found = _table(table)
            return int(
                session.scalar(
                    select(func.min(found.c.id)).where(found.c.workspace_id == workspace_id)
                )
                or 0
            )

        def add(table: str, **values: Any) -> int:
            found = _table(table)
            statement = insert(found).values({"workspace_id": workspace_id, **values})
            if "id" not in found.c:
                session.execute(statement)
                return 0
            return int(session.execute(statement.returning(found.c.id)).scalar_one())

        user, employee, entry = first("users"), first("employees"), first("time_entries")
        activity, org_unit, project = first("activities"), first("org_units"), first("projects")
        dimension = add("dimensions", key="site", created_at=AT, updated_at=AT)
        add(
            "dimension_versions",
            dimension_id=dimension,
            name="Site",
            effective_from=AT.date(),
            recorded_at=AT,
            allowed_values=["north", "south"],
        )
        session.execute(
            update(_table("activity_versions"))
            .where(_table("activity_versions").c.activity_id == activity)
            .values(required_dimension_ids=[dimension])
        )
        session.execute(
            update(_table("time_entries"))
            .where(_table("time_entries").c.id == entry)
            .values(dimension_values={str(dimension): "north"})
        )
        kiosk = add(
            "kiosks",
            name="Door",
            token_prefix="tl_ks_abcdefgh",
            token_hash="0" * 64,
            token_issued_at=AT,
            created_by_user_id=user,
            created_at=AT,
            updated_at=AT,
        )
        add("kiosk_org_units", kiosk_id=kiosk, org_unit_id=org_unit)
        add("kiosk_badges", employee_id=employee, badge="4711", pin_hash="x", updated_at=AT)
        add(
            "webhook_subscriptions",
            url="https://example.com/hook",
            secret_encrypted="sealed",
            event_types=["entry.created"],
            created_at=AT,
            updated_at=AT,
            created_by_user_id=user,
        )
        add(
            "inbound_endpoints",
            name="HR",
            service_user_id=user,
            secret_encrypted="sealed",
            created_at=AT,
            updated_at=AT,
        )
        add(
            "oauth_clients",
            client_id=SEEDED_CLIENT_ID,
            name="Tyme",
            confidential=True,
            secret_hash="h",
            redirect_uris=["https://example.com/cb"],
            created_at=AT,
            created_by_user_id=user,
        )
        add(
            "entry_bookmarks",
            user_id=user,
            name="Mine",
            query="billable=true",
            created_at=AT,
            updated_at=AT,
        )
        add(
            "approval_delegations",
            delegator_user_id=user,
            delegate_user_id=user,
            starts_on=AT.date(),
            ends_on=AT.date(),
            kinds=["timeoff"],
            created_at=AT,
            updated_at=AT,
        )
        add(
            "audit_events",
            at=AT,
            action="user.updated",
            outcome="success",
            actor_user_id=user,
            target_type="user",
            target_id=user,
            detail={},
        )
        add(
            "external_ids", source="toggl-csv", external_id="row-1", entity="entry", native_id=entry
        )
        child = add("tasks", project_id=project, created_at=AT, updated_at=AT)
        parent = add("tasks", project_id=project, created_at=AT, updated_at=AT)
        session.execute(
            update(_table("tasks"))
            .where(_table("tasks").c.id == child)
            .values(parent_task_id=parent)
        )
        calendar, policy = first("holiday_calendars"), first("timeoff_policies")
        account = first("timebank_accounts")
        add("holiday_custom_days", holiday_calendar_id=calendar, day=AT.date(), name="Party")
        add(
            "project_activity_rates",
            project_id=project,
            activity_id=activity,
            hourly_rate_minor=9000,
        )
        statement = add(
            "statements",
            employee_id=employee,
            period="2025-03",
            period_start=date(2025, 3, 1),
            period_end=date(2025, 3, 31),
            input_digest="d",
            evaluation={"days": []},
            norm_minutes=0,
            worked_minutes=0,
            overtime_minutes=0,
            error_issues=0,
            generated_at=AT,
            created_at=AT,
            updated_at=AT,
        )
        request = add(
            "timeoff_requests",
            employee_id=employee,
            timeoff_policy_id=policy,
            account_id=account,
            unit="days",
            start_day=AT.date(),
            end_day=AT.date(),
            portion="full",
            status="approved",
            amount=100,
            days=[],
            created_at=AT,
            updated_at=AT,
        )
        add(
            "period_locks",
            employee_id=employee,
            first_day=date(2025, 3, 1),
            last_day=date(2025, 3, 31),
            statement_id=statement,
            created_at=AT,
        )
        add(
            "timebank_movements",
            employee_id=employee,
            account_id=account,
            day=AT.date(),
            amount=-100,
            cause="usage",
            created_at=AT,
            statement_id=statement,
            timeoff_request_id=request,
            timeoff_policy_id=policy,
        )
        add(
            "approval_decisions",
            kind="project_entries",
            item_id=f"{employee}-{project}-2025-03-03",
            employee_id=employee,
            period_start=AT.date(),
            period_end=AT.date(),
            decision="approve",
            decided_at=AT,
            decided_by_user_id=user,
        )
    return workspace_id


def _export(db: Database, workspace_id: int, path: Path) -> Path:
    export_to_file(db, workspace_id, path, lambda _done, _total: None)
    return path


def _members(path: Path) -> tuple[dict[str, Any], dict[str, list[dict[str, Any]]]]:
    with zipfile.ZipFile(path) as archive:
        manifest = json.loads(archive.read(MANIFEST))
        rows = {
            member["name"]: [json.loads(line) for line in archive.read(member["name"]).splitlines()]
            for member in manifest["members"]
        }
    return manifest, rows


def _restore(db: Database, path: Path, name: str | None = "Copy", **options: Any) -> dict[str, Any]:
    with path.open("rb") as file:
        return restore_export(
            db, file, workspace_name=name, apply=options.get("apply", True), max_bytes=MAX_BYTES
        )


def _moved(
    table: Table, row: dict[str, Any], offsets: dict[str, int], workspace_id: int, name: str
) -> dict[str, Any]:
    """The row as the restore should write it, from the schema's own foreign keys."""
    expected = dict(row)
    for column_name, value in row.items():
        column = table.c[column_name]
        if value is None or (table.name, column_name) in REFERENCE_COLUMNS:
            continue
        if column_name == "workspace_id" or (table.name == "workspaces" and column_name == "id"):
            expected[column_name] = workspace_id
        elif column_name == "id":
            expected[column_name] = value + offsets[table.name]
        else:
            for key in column.foreign_keys:
                expected[column_name] = value + offsets[key.column.table.name]
    if table.name == "workspaces":
        expected["name"] = name
    return expected


def _without_references(table: str, row: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in row.items() if (table, key) not in REFERENCE_COLUMNS}


def _assert_same_up_to_offsets(
    original: dict[str, list[dict[str, Any]]],
    restored: dict[str, list[dict[str, Any]]],
    offsets: dict[str, int],
    workspace_id: int,
    name: str,
) -> None:
    assert list(restored) == list(original)
    for member in export_members():
        table = member.table
        expected = [
            _without_references(table.name, _moved(table, row, offsets, workspace_id, name))
            for row in original[member.name]
        ]
        found = [_without_references(table.name, row) for row in restored[member.name]]
        if table.name == "oauth_clients":
            for row in found:
                row.pop("client_id")
            for row in expected:
                row.pop("client_id")
        assert found == expected, member.name


def _only(rows: list[dict[str, Any]], **where: Any) -> dict[str, Any]:
    (found,) = [row for row in rows if all(row[key] == value for key, value in where.items())]
    return found


def _assert_references_moved(
    original: dict[str, list[dict[str, Any]]],
    restored: dict[str, list[dict[str, Any]]],
    offsets: dict[str, int],
) -> None:
    def new(table: str, old: int) -> int:
        return old + offsets[table]

    dimension = original["dimensions.jsonl"][0]["id"]
    entry = next(row for row in original["time_entries.jsonl"] if row["dimension_values"])
    restored_entry = _only(restored["time_entries.jsonl"], id=new("time_entries", entry["id"]))
    assert restored_entry["dimension_values"] == {str(new("dimensions", dimension)): "north"}
    assert any(
        row["required_dimension_ids"] == [new("dimensions", dimension)]
        for row in restored["activity_versions.jsonl"]
    )
    for old, now in zip(
        original["entry_day_totals.jsonl"], restored["entry_day_totals.jsonl"], strict=True
    ):
        assert now["activity_id"] == new("activities", old["activity_id"])
    (audit,) = original["audit_events.jsonl"]
    (restored_audit,) = restored["audit_events.jsonl"]
    assert restored_audit["actor_user_id"] == new("users", audit["actor_user_id"])
    assert restored_audit["target_id"] == new("users", audit["target_id"])
    (external,) = restored["external_ids.jsonl"]
    assert external["native_id"] == new(
        "time_entries", original["external_ids.jsonl"][0]["native_id"]
    )
    (decision,) = original["approval_decisions.jsonl"]
    employee, project, week = decision["item_id"].split("-", 2)
    assert restored["approval_decisions.jsonl"][0]["item_id"] == (
        f"{new('employees', int(employee))}-{new('projects', int(project))}-{week}"
    )
    for old, now in zip(
        original["employment_terms_versions.jsonl"],
        restored["employment_terms_versions.jsonl"],
        strict=True,
    ):
        assert now["reason_ids"] == [new("reasons", each) for each in old["reason_ids"]]
        assert now["timeoff_policy_ids"] == [
            new("timeoff_policies", each) for each in old["timeoff_policy_ids"]
        ]
        assert now["allowance_policy_ids"] == [
            new("allowance_policies", each) for each in old["allowance_policy_ids"]
        ]
    steps = original["settlement_policy_versions.jsonl"][0]["steps"]
    restored_steps = restored["settlement_policy_versions.jsonl"][0]["steps"]
    accounts = [step["config"]["account_id"] for step in steps if "account_id" in step["config"]]
    assert accounts, "the benchmark's settlement policy books to an account"
    assert [
        step["config"]["account_id"] for step in restored_steps if "account_id" in step["config"]
    ] == [new("timebank_accounts", account) for account in accounts]


def test_export_restore_export_gives_the_same_rows_moved_by_the_offsets(
    db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture, tmp_path: Path
) -> None:
    workspace_id = _seed(db, hashing)
    first = _export(db, workspace_id, tmp_path / "first.zip")

    result = _restore(db, first, "Acme restored")

    assert result["applied"] and result["file_refused"] is None
    offsets = result["id_offsets"]
    assert offsets["workspaces"] > 0 and offsets["time_entries"] > 0, "beside the original"
    new_id = result["workspace"]["id"]
    assert result["workspace"] == {"id": new_id, "name": "Acme restored"}
    assert new_id == workspace_id + offsets["workspaces"]
    second = _export(db, new_id, tmp_path / "second.zip")
    first_manifest, original = _members(first)
    second_manifest, restored = _members(second)
    assert result["rows"] == {
        member["table"]: member["rows"] for member in first_manifest["members"]
    }
    empty = {member.table.name for member in export_members() if not original[member.name]}
    assert empty == NOT_SEEDED, "a row of every kind but these"
    _assert_same_up_to_offsets(original, restored, offsets, new_id, "Acme restored")
    _assert_references_moved(original, restored, offsets)
    (client,) = restored["oauth_clients.jsonl"]
    assert client["client_id"] != SEEDED_CLIENT_ID, "client ids are unique in the database"
    assert second_manifest["change_log_head"] == first_manifest["change_log_head"] > 0
    assert second_manifest["workspace"] == {"id": new_id, "name": "Acme restored"}
    with db.session(write=False) as session:
        kiosk = session.execute(
            select(_table("kiosks")).where(_table("kiosks").c.workspace_id == new_id)
        ).one()
        badge = session.execute(
            select(_table("kiosk_badges")).where(_table("kiosk_badges").c.workspace_id == new_id)
        ).one()
        users = (
            session.execute(
                select(_table("users").c.password_hash).where(
                    _table("users").c.workspace_id == new_id
                )
            )
            .scalars()
            .all()
        )
    assert (kiosk.token_prefix, kiosk.token_hash) == (f"restored-{kiosk.id}", "")
    assert badge.pin_hash is None
    assert users and set(users) == {None}


def _empty_database(db: Database, request: pytest.FixtureRequest) -> None:
    db.dispose()
    if db.is_sqlite:
        path = Path(str(make_url(db.url).database))
        for leftover in (path.with_name(f"{path.name}-wal"), path.with_name(f"{path.name}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    else:
        request.getfixturevalue("postgres_reset")()


def test_into_an_empty_database_ids_are_kept(
    db: Database, hashing: PasswordHashing, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    workspace_id = _seed(db, hashing)
    first = _export(db, workspace_id, tmp_path / "first.zip")
    _empty_database(db, request)

    result = _restore(db, first, name=None)

    assert set(result["id_offsets"].values()) == {0}
    assert result["workspace"] == {"id": workspace_id, "name": "Initech"}
    first_manifest, original = _members(first)
    second_manifest, restored = _members(_export(db, workspace_id, tmp_path / "second.zip"))
    assert restored == original
    assert {key: value for key, value in second_manifest.items() if key != "created_at"} == {
        key: value for key, value in first_manifest.items() if key != "created_at"
    }
    if not db.is_sqlite:
        with db.transaction() as session:
            users = _table("users")
            largest = session.scalar(select(func.max(users.c.id)))
            taken = session.scalar(select(func.nextval("users_id_seq")))
        assert taken == (largest or 0) + 1, "the sequence continues after the restored ids"


def _count_rows(db: Database) -> int:
    with db.session(write=False) as session:
        return sum(
            int(session.scalar(select(func.count()).select_from(member.table)) or 0)
            for member in export_members()
        )


def _rewritten(path: Path, target: Path, change: Callable[[dict[str, bytes]], None]) -> Path:
    with zipfile.ZipFile(path) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    change(members)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return target


def _manifest_changed(
    change: Callable[[dict[str, Any]], None],
) -> Callable[[dict[str, bytes]], None]:
    def rewrite(members: dict[str, bytes]) -> None:
        manifest = json.loads(members[MANIFEST])
        change(manifest)
        members[MANIFEST] = orjson.dumps(manifest)

    return rewrite


def _entries_changed(members: dict[str, bytes]) -> None:
    members["time_entries.jsonl"] = members["time_entries.jsonl"].replace(
        b'"minutes":', b'"minutes": ', 1
    )


def _without_manifest(members: dict[str, bytes]) -> None:
    del members[MANIFEST]


def _other_version(manifest: dict[str, Any]) -> None:
    manifest["format_version"] = FORMAT_VERSION + 1


def _other_columns(manifest: dict[str, Any]) -> None:
    manifest["members"][-1]["columns"].append("colour")


def _row_count(manifest: dict[str, Any]) -> None:
    manifest["members"][-1]["rows"] += 1


def _bomb(members: dict[str, bytes]) -> None:
    members["entry_bookmarks.jsonl"] = b"{}\n" * (MAX_BYTES // 6)


REFUSALS: dict[str, tuple[Callable[[dict[str, bytes]], None], str, str]] = {
    "bad checksum": (_entries_changed, "time_entries.jsonl", "SHA-256"),
    "missing manifest": (_without_manifest, MANIFEST, "no manifest"),
    "unknown format version": (_manifest_changed(_other_version), "format_version", "version"),
    "other columns": (_manifest_changed(_other_columns), "", "another schema version"),
    "row count": (_manifest_changed(_row_count), "", "rows where the manifest says"),
    "zip bomb": (_bomb, "", "inflates more than"),
}


@pytest.mark.parametrize("refusal", list(REFUSALS))
def test_a_refused_file_writes_nothing(
    db: Database, hashing: PasswordHashing, tmp_path: Path, refusal: str
) -> None:
    change, field, message = REFUSALS[refusal]
    original = _export(db, _seed(db, hashing), tmp_path / "first.zip")
    broken = _rewritten(original, tmp_path / "broken.zip", change)
    before = _count_rows(db)

    with pytest.raises(ExportFileRefused) as refused:
        _restore(db, broken)

    assert message in refused.value.problem
    assert refused.value.field == field or not field
    assert refused.value.status == 422
    assert _count_rows(db) == before


def test_a_taken_name_is_a_conflict_and_a_dry_run_writes_nothing(
    db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture, tmp_path: Path
) -> None:
    original = _export(db, _seed(db, hashing), tmp_path / "first.zip")
    before = _count_rows(db)
    with pytest.raises(Conflict):
        _restore(db, original, workspace.name)
    with pytest.raises(Conflict):
        _restore(db, original, name=None)

    dry = _restore(db, original, "Copy", apply=False)

    assert not dry["applied"] and dry["workspace"] == {"id": None, "name": "Copy"}
    assert dry["rows"]["time_entries"] > 0
    assert dry["rows_total"] == sum(dry["rows"].values())
    assert _count_rows(db) == before


def test_a_failure_part_way_leaves_nothing(
    db: Database, hashing: PasswordHashing, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = _export(db, _seed(db, hashing), tmp_path / "first.zip")
    before = _count_rows(db)
    real_plan = restore_module.table_plan

    def failing_plan(exported: Any, *args: Any) -> Any:
        if exported.member.table.name == "time_entries":
            raise RuntimeError("the disk is full")
        return real_plan(exported, *args)

    monkeypatch.setattr(restore_module, "table_plan", failing_plan)
    with pytest.raises(RuntimeError):
        _restore(db, original)

    assert _count_rows(db) == before
    with db.session(write=False) as session:
        assert (
            session.scalar(
                select(func.count())
                .select_from(_table("workspaces"))
                .where(_table("workspaces").c.name == "Copy")
            )
            == 0
        )


def test_the_api_restores_as_a_job(
    client: TestClient,
    db: Database,
    settings: Settings,
    hashing: PasswordHashing,
    workspace: WorkspaceFixture,
    tmp_path: Path,
) -> None:
    content = _export(db, _seed(db, hashing), tmp_path / "first.zip").read_bytes()
    url = "/api/admin/imports?source=timeledger"
    taken = client.post(url, content=content, headers=workspace.headers)
    assert taken.status_code == 409, taken.text
    refused = client.post(
        f"{url}&workspace_name=New", content=b"not a zip", headers=workspace.headers
    )
    assert refused.status_code == 422
    assert refused.headers["content-type"] == "application/problem+json"
    assert "not a ZIP" in refused.json()["detail"]
    blank = client.post(f"{url}&workspace_name=%20", content=content, headers=workspace.headers)
    assert blank.status_code == 422, blank.text
    assert not list((settings.data_dir / "imports").iterdir())

    started = client.post(
        f"{url}&workspace_name=New&apply=true",
        content=content,
        headers={**workspace.headers, "Content-Type": "application/zip"},
    )
    assert started.status_code == 202, started.text
    run_jobs(db, settings)
    job = client.get(started.headers["location"], headers=workspace.headers).json()

    assert job["status"] == "done", job.get("error")
    result = job["result"]
    assert result["applied"] and result["workspace"]["name"] == "New"
    manifest = json.loads(zipfile.ZipFile(io.BytesIO(content)).read(MANIFEST))
    assert result["rows_total"] == manifest["rows"]
    with db.session(write=False) as session:
        found = session.scalar(
            select(_table("workspaces").c.id).where(_table("workspaces").c.name == "New")
        )
    assert found == result["workspace"]["id"]


@pytest.mark.slow
def test_the_command_line_checks_then_restores(
    db: Database, hashing: PasswordHashing, database_url: str, tmp_path: Path
) -> None:
    original = _export(db, _seed(db, hashing), tmp_path / "first.zip")
    arguments = ("import", str(original), "--source", "timeledger", "--workspace")

    taken = run_cli(database_url, tmp_path, *arguments, "Initech")
    dry = run_cli(database_url, tmp_path, *arguments, "Copy")
    before = _count_rows(db)
    applied = run_cli(database_url, tmp_path, *arguments, "Copy", "--apply")

    assert taken.returncode == 1 and "exists" in taken.stderr
    assert dry.returncode == 0 and "nothing was changed" in dry.stdout + dry.stderr
    assert applied.returncode == 0, applied.stderr
    assert "restored" in applied.stdout + applied.stderr
    assert _count_rows(db) == 2 * before
    broken = _rewritten(original, tmp_path / "broken.zip", _without_manifest)
    refused = run_cli(
        database_url,
        tmp_path,
        "import",
        str(broken),
        "--source",
        "timeledger",
        "--workspace",
        "Other",
        "--apply",
    )
    assert refused.returncode == 1 and "no manifest" in refused.stdout + refused.stderr


def test_the_row_reader_refuses_a_timeledger_file() -> None:
    with pytest.raises(ImportFileRefused) as refused:
        read_import(ImportSource.TIMELEDGER.value, b"PK", max_bytes=MAX_BYTES)
    assert refused.value.problem.field == "source"
    assert RESTORERS[ImportSource.TIMELEDGER].restore is restore_module.restore_file
