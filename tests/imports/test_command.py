"""`timeledger import`'s work on both engines: the summary and problems printed, a dry
run by default, applying as the workspace's owner, refusals."""

from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import func, select

from tests.access.support import new_person
from tests.conftest import WorkspaceFixture
from tests.test_cli import run_cli
from timeledger.access.caller import caller_acting_as
from timeledger.imports.command import import_file
from timeledger.kit.db import Database
from timeledger.kit.errors import NotFound, PayloadTooLarge
from timeledger.models import Employee, EmployeeVersion, TimeEntry, User
from timeledger.organization.schemas import OrgUnitCreate
from timeledger.organization.service import create_unit

SAMPLES = Path(__file__).parent / "samples"
KIMAI = SAMPLES / "kimai_export.csv"


def _entries(db: Database, workspace_id: int) -> int:
    with db.transaction(workspace_id=workspace_id) as session:
        return session.scalar(select(func.count()).select_from(TimeEntry)) or 0


def _console() -> Console:
    return Console(record=True, width=120, force_terminal=False)


def test_a_dry_run_prints_the_plan_and_applying_creates_it(
    db: Database, workspace: WorkspaceFixture
) -> None:
    new_person(db, workspace.id, "employee", email="eva@example.com", name="Eva Lind")
    console = _console()
    dry = import_file(db, console, KIMAI, workspace=workspace.name, source="kimai-csv",
                      apply=False, day_first=False, max_bytes=10_000)  # fmt: skip
    printed = console.export_text()
    assert "Import dry run" in printed
    assert "nothing was changed" in printed
    assert dry["summary"]["activities"]["created"]["names"] == ["Development", "Meeting", "Support"]
    assert _entries(db, workspace.id) == 0
    console = _console()
    applied = import_file(db, console, KIMAI, workspace=workspace.name, source="kimai-csv",
                          apply=True, day_first=False, max_bytes=10_000)  # fmt: skip
    assert applied["created_entries"] == dry["summary"]["entries_to_create"] == 3
    assert f"created {applied['created_entries']} entries" in console.export_text()
    assert _entries(db, workspace.id) == 3


def test_problems_are_listed_and_refusals_raised(db: Database, workspace: WorkspaceFixture) -> None:
    console = _console()
    result = import_file(db, console, KIMAI, workspace=workspace.name, source="kimai-csv",
                         apply=False, day_first=False, max_bytes=10_000)  # fmt: skip
    assert result["problems_total"] == 3
    printed = console.export_text()
    assert "Problems (3)" in printed
    assert "No employee of the workspace is 'eva@example.com'" in printed
    with pytest.raises(NotFound):
        import_file(db, console, KIMAI, workspace="Nowhere", source="kimai-csv", apply=False,
                    day_first=False, max_bytes=10_000)  # fmt: skip
    with pytest.raises(PayloadTooLarge):
        import_file(db, console, KIMAI, workspace=workspace.name, source="kimai-csv",
                    apply=False, day_first=False, max_bytes=10)  # fmt: skip
    console = _console()
    refused = import_file(db, console, KIMAI, workspace=workspace.name, source="toggl-csv",
                          apply=False, day_first=False, max_bytes=10_000)  # fmt: skip
    assert refused["file_refused"]["row"] == 0
    assert "file refused" in console.export_text()


def test_the_org_unit_option_places_the_people_the_import_creates(
    db: Database, workspace: WorkspaceFixture
) -> None:
    with db.transaction(workspace_id=workspace.id) as session:
        owner = session.get(User, workspace.owner_id)
        assert owner is not None
        caller = caller_acting_as(owner, "test")
        units = [
            create_unit(session, caller, OrgUnitCreate(name=name, effective_from=date(2020, 1, 1)))
            for name in ("Acme", "Globex")
        ]
        globex = units[1][0].id
    console = _console()
    result = import_file(db, console, KIMAI, workspace=workspace.name, source="kimai-csv",
                         apply=True, day_first=False, max_bytes=10_000,
                         org_unit_id=globex)  # fmt: skip
    assert result["summary"]["people"]["created"] == {"count": 1, "names": ["Eva Lind"]}
    assert result["created_entries"] == 3
    assert "people" in console.export_text()
    with db.transaction(workspace_id=workspace.id) as session:
        placed = select(EmployeeVersion.org_unit_id).join(
            Employee, Employee.id == EmployeeVersion.employee_id
        )
        assert session.scalars(placed.where(Employee.employee_number == "IMP-0001")).all() == [
            globex
        ]


@pytest.mark.slow
def test_the_command_reads_any_csv_through_the_columns_named(
    db: Database, workspace: WorkspaceFixture, database_url: str, tmp_path: Path
) -> None:
    new_person(db, workspace.id, "employee", email="eva@example.com", name="Eva Lind")
    new_person(db, workspace.id, "employee", name="Jonas Ritter")
    sheet = str(SAMPLES / "timesheet_de.csv")
    mapping = [
        "--column", "date=Datum", "--column", "person=Mitarbeiter", "--column", "email=E-Mail",
        "--column", "start=Von", "--column", "end=Bis", "--column", "duration=Stunden",
    ]  # fmt: skip
    arguments = ("import", sheet, "--workspace", workspace.name, "--source", "csv", *mapping)

    applied = run_cli(database_url, tmp_path, *arguments, "--apply")
    unknown_field = run_cli(database_url, tmp_path, *arguments, "--column", "hours=Stunden")
    unmapped = run_cli(database_url, tmp_path, "import", sheet, "--workspace", workspace.name,
                       "--source", "csv")  # fmt: skip

    assert applied.returncode == 0, applied.stderr
    assert "created 3 entries" in applied.stdout + applied.stderr
    assert _entries(db, workspace.id) == 3
    assert unknown_field.returncode == 1
    assert "'hours' is not a field" in unknown_field.stdout + unknown_field.stderr
    assert unmapped.returncode == 1
    assert "read through a column mapping" in unmapped.stdout + unmapped.stderr
