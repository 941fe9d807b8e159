"""Issue #23's benchmark (scenario 14, `bench/data.py`): the Toggl file of the dataset's
names, read back by the real reader and planned without a refusal, imported by the real
command, the export and its restore as processes measured, and the report's section."""

import csv
import io
import sys
from datetime import date
from pathlib import Path
from typing import Any

import httpx
from bench.server import running, timeledger_server
from sqlalchemy import func, select

from bench import data, report, scenarios
from timeledger.access.credentials import PasswordHashing
from timeledger.benchdata import GeneratedDataset, generate_dataset
from timeledger.imports.reader import ImportSource, read_import
from timeledger.imports.rows import ImportedRow
from timeledger.imports.service import plan_file
from timeledger.kit.db import Database
from timeledger.models import TimeEntry

UNTIL = date(2025, 12, 31)
MAX_BYTES = 50_000_000


def _dataset(db: Database, hashing: PasswordHashing) -> GeneratedDataset:
    return generate_dataset(
        db, employees=3, years=1, seed=2, until=UNTIL, changes=50, hashing=hashing
    )


def _as_dataset(db: Database, database_url: str, generated: GeneratedDataset) -> Any:
    engine = "sqlite" if db.is_sqlite else "postgresql"
    return scenarios.Dataset(engine, database_url, generated.as_json(), None, False)


def _template(email: str, day: date) -> data.Template:
    return data.Template(email.split("@")[0], email, "Client", "Project", "Task", day)


def test_the_import_window_ends_two_months_before_the_last_month() -> None:
    assert data.import_window(date(2022, 1, 1), date(2025, 12, 31)) == (
        date(2024, 10, 1),
        date(2025, 9, 30),
    )
    assert data.import_window(date(2025, 3, 1), date(2025, 12, 15)) == (
        date(2025, 3, 1),
        date(2025, 9, 30),
    )


def test_rows_spread_over_the_templates_and_leave_each_day_its_room() -> None:
    templates = [_template(f"p{n}@x.example", date(2025, 1, 1 + n)) for n in range(10)]

    spread = list(data.toggl_rows(templates, 5))
    crowded = list(data.toggl_rows(templates[:1], 100))

    assert [row[1] for row in spread] == [f"p{n}@x.example" for n in (0, 2, 4, 6, 8)]
    assert len({row[5] for row in spread}) == 5  # descriptions: no two rows alike
    minutes = [int(row[11][:2]) * 60 + int(row[11][3:5]) for row in crowded]
    assert sum(minutes) <= data.ROOM_MINUTES < sum(minutes) + data.DURATIONS[len(minutes) % 4]
    assert crowded[0][8:11] == ["18:00:00", "2025-01-01", "18:15:00"]
    assert crowded[1][8] == "18:15:00"


def test_the_toggl_file_names_the_dataset_and_plans_without_refusal(
    db: Database, hashing: PasswordHashing, database_url: str, tmp_path: Path
) -> None:
    generated = _dataset(db, hashing)
    file = tmp_path / "toggl.csv"

    held = data.toggl_file(database_url, generated.workspace_id, date(2025, 1, 1), UNTIL, 300, file)

    rows = list(read_import(ImportSource.TOGGL_CSV, file.read_bytes(), max_bytes=MAX_BYTES))
    assert held["rows"] == len(rows) == 300 and held["people"] == 3
    assert all(isinstance(row, ImportedRow) for row in rows)
    read = [row for row in rows if isinstance(row, ImportedRow)]
    assert all(date(2025, 1, 1) <= row.day <= date(2025, 9, 30) for row in read)
    assert {row.minutes for row in read} == set(data.DURATIONS)
    assert all(row.person_email and row.customer and row.task for row in read)
    with db.transaction(workspace_id=generated.workspace_id) as session:
        plan = plan_file(
            session,
            generated.workspace_id,
            ImportSource.TOGGL_CSV,
            file.read_bytes(),
            max_bytes=MAX_BYTES,
        )
    assert (plan.refused_rows, len(plan.entries)) == (0, 300)
    assert not plan.new_customers and not plan.new_projects and not plan.new_tasks


def test_the_toggl_file_is_imported_by_the_command_dry_then_applied(
    db: Database, hashing: PasswordHashing, database_url: str, tmp_path: Path
) -> None:
    dataset = _as_dataset(db, database_url, _dataset(db, hashing))

    figures = scenarios.toggl_import(dataset, scenarios.QUICK, tmp_path)

    dry, applied, rows = figures["dry_run"], figures["apply"], figures["file"]["rows"]
    assert 1_000 < rows <= data.IMPORT_ROWS_QUICK  # three people have no room for more
    assert dry["ok"] and (dry["rows"], dry["to_create"], dry["refused"]) == (rows, rows, 0)
    assert "created" not in dry
    assert (applied["created"], applied["refused_applying"]) == (rows, 0)
    assert applied["peak_rss_mib"] > 30 and applied["rows_per_second"] > 0
    assert not (tmp_path / "toggl.csv").exists()
    with db.transaction(workspace_id=dataset.workspace_id) as session:
        imported = session.scalar(select(func.count()).where(TimeEntry.note.like("bench import %")))
    assert imported == rows


def test_the_export_is_measured_and_the_restore_runs_or_says_why_not(
    db: Database, hashing: PasswordHashing, database_url: str, tmp_path: Path
) -> None:
    dataset = _as_dataset(db, database_url, _dataset(db, hashing))

    figures = scenarios.export_and_restore(dataset, tmp_path)

    exported, restored = figures["export"], figures["restore"]
    assert exported["ok"] and exported["rows"] > 1_000 and exported["bytes"] > 0
    assert exported["peak_rss_mib"] > 30
    if data.RESTORE_SOURCE in set(ImportSource):
        assert restored["ok"], restored
        assert restored["seconds"] > 0 and restored["rows"] == exported["rows"]
    else:
        assert not restored["ok"]
        assert "not one of" in restored["not_measured"], restored
    assert not (tmp_path / "export.zip").exists()
    assert not (tmp_path / "restored.db").exists()


def test_a_years_csv_is_read_to_its_end_and_its_rows_counted(
    db: Database, hashing: PasswordHashing, database_url: str, tmp_path: Path
) -> None:
    dataset = _as_dataset(db, database_url, _dataset(db, hashing))
    server = timeledger_server(database_url, tmp_path)

    with running(server):
        measured = scenarios.Measured(server, scenarios.QUICK, dataset.engine, "timeledger")
        figures = scenarios.csv_downloads(measured, dataset)
        params = {"group_by": data.CSV_GROUP_BY, "from": "2025-01-01", "to": "2025-12-31"}
        whole = httpx.get(
            f"{server.base_url}{data.HOURS_PATH}",
            params={**params, "format": "csv"},
            headers=dataset.admin,
            timeout=60,
        )

    (download,) = figures["downloads"]
    assert (figures["from"], figures["to"]) == ("2025-01-01", "2025-12-31")
    assert download["status"] == 200 and download["bytes"] == len(whole.content)
    assert download["rows"] == len(list(csv.reader(io.StringIO(whole.text)))) - 1 > 100
    assert download["peak_rss_mib"] >= download["rss_before_mib"] > 30


def test_a_command_is_timed_with_its_peak_memory_and_killed_after_its_timeout(
    tmp_path: Path,
) -> None:
    env = {"PATH": "/usr/bin:/bin"}
    grown = data.run_command(
        [sys.executable, "-c", "b = bytearray(80 * 2**20); b[::4096] = b'x' * len(b[::4096])"],
        env,
        tmp_path,
    )
    hung = data.run_command(
        [sys.executable, "-c", "import time; time.sleep(30)"], env, tmp_path, timeout=0.5
    )
    failed = data.run_command(
        [sys.executable, "-c", "import sys; sys.exit('error: no workspace named x')"],
        env,
        tmp_path,
    )

    assert grown.returncode == 0 and grown.peak_rss_mib >= 80
    assert hung.returncode == -9 and hung.seconds < 10
    assert (failed.returncode, failed.error) == (1, "error: no workspace named x")


def test_the_commands_words_and_typers_frame_are_read() -> None:
    framed = data.CommandRun(
        [],
        2,
        0.1,
        10.0,
        "Usage: timeledger import [OPTIONS] FILE\nTry 'timeledger import --help' for help.\n"
        "╭─ Error ─────╮\n│ Invalid value for '--source': 'timeledger'   │\n"
        "│ is not one of 'mite-csv'.  │\n╰──────────╯\n",
    )
    printed = (
        "2000 rows: 1990 to create (75000 minutes), 4 imported before, 6 refused\n"
        "created 1985 entries; 5 rows refused by the entry rules\n"
    )

    assert framed.error == ("Invalid value for '--source': 'timeledger' is not one of 'mite-csv'.")
    assert data.import_counts(printed) == {
        "rows": 2000,
        "to_create": 1990,
        "minutes": 75000,
        "imported_before": 4,
        "refused": 6,
        "created": 1985,
        "refused_applying": 5,
    }
    assert data.import_counts("file refused (encoding): not UTF-8") == {}
    assert data.exported_rows("19761 rows of workspace 'w' written to /x.zip") == 19761


def _load(p99: float, server_p99: float) -> dict[str, Any]:
    return {
        "throughput": 10.0,
        "p50_ms": 5.0,
        "p99_ms": p99,
        "server_p50_ms": 4.0,
        "server_p99_ms": server_p99,
    }


def _command(seconds: float, peak: float, rows: int, **more: Any) -> dict[str, Any]:
    return {
        "ok": True,
        "returncode": 0,
        "seconds": seconds,
        "peak_rss_mib": peak,
        "rows": rows,
        "rows_per_second": rows / seconds,
        **more,
    }


def _run(engine: str) -> dict[str, Any]:
    return {
        "engine": engine,
        "csv": {
            "from": "2025-01-01",
            "to": "2025-12-31",
            "group_by": data.CSV_GROUP_BY,
            "downloads": [
                {
                    "status": 200,
                    "rows": 260_000,
                    "bytes": 1,
                    "seconds": 4.0,
                    "rows_per_second": 65_000.0,
                    "rss_before_mib": 150.0,
                    "peak_rss_mib": 190.0,
                    "growth_mib": 40.0,
                },
            ],
        },
        "export": _command(100.0, 200.0, 3_000_000, bytes=1),
        "restore": {
            "ok": False,
            "returncode": 2,
            "seconds": 1.0,
            "peak_rss_mib": 90.0,
            "not_measured": "Invalid value for '--source' | 'timeledger'",
        },
        "toggl": {
            "file": {"rows": 100_000, "people": 990, "from": "2024-10-02", "to": "2025-09-30"},
            "dry_run": _command(10.0, 150.0, 100_000, refused=3),
            "apply": _command(25.0, 180.0, 100_000, refused=3, created=99_990, refused_applying=7),
        },
    }


def _report(engines: dict[str, float]) -> dict[str, Any]:
    return {
        "scenarios": [
            {
                "key": "14-hours-report",
                "engine": engine,
                "system": "timeledger",
                "load": _load(p99 + 20, p99),
                "title": "t",
                "notes": [],
                "available": True,
            }
            for engine, p99 in engines.items()
        ],
        "data": {engine: _run(engine) for engine in engines},
    }


def test_the_data_targets_are_judged_per_engine() -> None:
    judged = report.data_verdicts(_report({"sqlite": 120.0, "postgresql": 330.0}), "postgresql")

    assert judged is not None
    assert [met for _cell, met, _ratio in judged] == [
        False,  # p99 330 ms on the server
        True,
        True,
        False,  # 4,000 rows/s applied
        True,  # 10,000 rows/s dry run, faster than applied
        True,
        True,
        None,
        None,
    ]
    assert judged[0][2] == 1.1 and judged[3][2] == 0.8
    assert "99,990 created, 10 refused" in judged[3][0]
    assert judged[7][0].startswith("not measured: Invalid value for '--source' \\| ")
    assert report.data_verdicts(_report({"sqlite": 120.0}), "postgresql") is None


def test_the_dry_run_must_be_at_least_as_fast_as_the_applied_import() -> None:
    run = _report({"sqlite": 100.0})
    run["data"]["sqlite"]["toggl"]["apply"] = _command(10.0, 180.0, 100_000, created=100_000)
    run["data"]["sqlite"]["toggl"]["dry_run"] = _command(12.0, 150.0, 100_000)

    judged = report.data_verdicts(run, "sqlite")

    assert judged is not None and (judged[3][1], judged[4][1]) == (True, False)


def test_the_data_section_has_a_row_per_target_and_says_when_nothing_ran() -> None:
    lines = report.data_section(_report({"sqlite": 120.0, "postgresql": 330.0}))
    empty = report.data_section({"scenarios": [], "data": {}})

    table = [line for line in lines if line.startswith("| ")]
    assert lines[0] == "## Reports, export and import (issue #23)\n"
    assert len(table) == 1 + len(report.DATA_TARGET_NAMES)
    assert table[1].endswith("| sqlite: pass, postgresql: miss | sqlite: 0.40, postgresql: 1.10 |")
    assert "| sqlite: not measured, postgresql: not measured | - |" in table[-1]
    assert empty == ["## Reports, export and import (issue #23)\n", "Not measured in this run.\n"]
