"""The `timeledger` command, run as a real process against a real database."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from timeledger.access.credentials import token_matches, token_prefix
from timeledger.kit.db import Database
from timeledger.models import ApiKey, Employee, TimebankMovement, User, Workspace

pytestmark = pytest.mark.slow

TIMELEDGER = str(Path(sys.executable).parent / "timeledger")


def run_cli(database_url: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TIMELEDGER_DATABASE_URL": database_url,
        "TIMELEDGER_DATA_DIR": str(tmp_path / "var"),
    }
    return subprocess.run(
        [TIMELEDGER, *args], env=env, capture_output=True, text=True, timeout=120, check=False
    )


def test_init_json_prints_one_object_with_working_key(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    result = run_cli(
        database_url,
        tmp_path,
        "init",
        "--workspace",
        "Initech",
        "--owner-email",
        "Peter@Initech.test",
        "--timezone",
        "Europe/Berlin",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    created = json.loads(result.stdout)
    assert set(created) == {"workspace_id", "owner_email", "owner_password", "api_key"}
    assert created["owner_email"] == "peter@initech.test"
    assert created["api_key"].startswith("tl_ak_")
    with db.transaction() as session:
        workspace = session.get(Workspace, created["workspace_id"])
        assert workspace is not None and workspace.timezone == "Europe/Berlin"
        key = session.scalars(
            select(ApiKey).where(ApiKey.prefix == token_prefix(created["api_key"]))
        ).one()
        assert token_matches(created["api_key"], key.secret_hash)


def test_init_refuses_an_existing_name_and_changes_nothing(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    first = run_cli(
        database_url,
        tmp_path,
        "init",
        "--workspace",
        "Initech",
        "--owner-email",
        "a@initech.test",
        "--json",
    )
    assert first.returncode == 0, first.stderr
    with db.transaction() as session:
        users_before = session.scalar(select(func.count()).select_from(User))
    second = run_cli(
        database_url,
        tmp_path,
        "init",
        "--workspace",
        "Initech",
        "--owner-email",
        "b@initech.test",
        "--json",
    )
    assert second.returncode == 1
    assert "exists already" in second.stderr
    assert second.stdout == ""
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(User)) == users_before
        assert session.scalar(select(func.count()).select_from(Workspace)) == 1


@pytest.mark.parametrize("password", ["short", "password123"])
def test_init_refuses_a_weak_owner_password(
    database_url: str, tmp_path: Path, password: str
) -> None:
    result = run_cli(
        database_url,
        tmp_path,
        "init",
        "--workspace",
        "Weak",
        "--owner-email",
        "a@weak.test",
        "--owner-password",
        password,
    )
    assert result.returncode == 1
    assert "password" in result.stderr.lower()


def test_apikey_create_makes_a_service_user_once(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    assert (
        run_cli(
            database_url,
            tmp_path,
            "init",
            "--workspace",
            "Initech",
            "--owner-email",
            "a@initech.test",
        ).returncode
        == 0
    )
    outputs = [
        json.loads(
            run_cli(
                database_url,
                tmp_path,
                "apikey",
                "create",
                "--workspace",
                "Initech",
                "--service-user",
                "payroll",
                "--role",
                "developer",
                "--json",
            ).stdout
        )
        for _ in range(2)
    ]
    assert outputs[0]["service_user_id"] == outputs[1]["service_user_id"]
    assert outputs[0]["api_key"] != outputs[1]["api_key"]
    with db.transaction() as session:
        user = session.get(User, outputs[0]["service_user_id"])
        assert user is not None and user.kind == "service" and user.role.name == "developer"


def test_apikey_create_for_unknown_workspace_fails(database_url: str, tmp_path: Path) -> None:
    result = run_cli(
        database_url,
        tmp_path,
        "apikey",
        "create",
        "--workspace",
        "Nope",
        "--service-user",
        "x",
        "--json",
    )
    assert result.returncode == 1
    assert "no workspace named" in result.stderr


def test_demo_creates_once_and_prints_credentials_once(
    database_url: str, db: Database, tmp_path: Path
) -> None:
    first = run_cli(database_url, tmp_path, "demo")
    second = run_cli(database_url, tmp_path, "demo")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert "tl_ak_" in first.stderr and "password" in first.stderr
    assert "tl_ak_" not in second.stderr
    with db.transaction() as session:
        assert session.scalar(select(func.count()).select_from(Workspace)) == 1
        people = session.scalar(select(func.count()).select_from(User).where(User.kind == "person"))
        assert people is not None and people > 3
        # Everyone but the owner works on office terms with vacation granted for the year.
        granted = session.execute(
            select(Employee.user_id, TimebankMovement.amount)
            .join(TimebankMovement, TimebankMovement.employee_id == Employee.id)
            .where(TimebankMovement.cause == "accrual")
        ).all()
        assert len(granted) == people - 1
        assert {amount for _, amount in granted} == {2500}
        assert all(user_id is not None for user_id, _ in granted)


def test_serve_refuses_several_workers_on_sqlite(tmp_path: Path) -> None:
    result = run_cli(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, "serve", "--workers", "2")
    assert result.returncode == 1
    assert "PostgreSQL" in result.stderr
