"""The sweep's choice of ids, its verdicts and its bare floor server."""

from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
from bench.server import bare_server, running
from bench.sweep import (
    NOT_SWEPT,
    SweepTarget,
    create_missing_objects,
    resolve,
    sweep_targets,
    verdicts,
)
from fastapi.testclient import TestClient

from bench import report
from timeledger import PRODUCT_NAME, __version__
from timeledger.access.credentials import PasswordHashing
from timeledger.benchdata import generate_dataset
from timeledger.config import Settings
from timeledger.kit.db import Database

LISTS: dict[str, Any] = {
    "/api/customers": {"items": [{"id": 7}, {"id": 9}], "next_cursor": None},
    "/api/projects": {"items": [{"id": 3}]},
    "/api/projects/3/tasks": {"items": []},
    "/api/employees/13/timesheet/entries": {"items": [{"id": 41}]},
    "/api/settings/holiday-calendars": [{"id": 2}],
}


def _get(path: str) -> Any:
    return LISTS[path]


def test_ids_come_from_the_preferred_values_then_from_the_list_one_level_up() -> None:
    preferred = {"employee_id": 13}
    assert resolve("/api/customers/{entity_id}", preferred, _get) == "/api/customers/7"
    assert (
        resolve("/api/employees/{employee_id}/timesheet/entries/{entry_id}", preferred, _get)
        == "/api/employees/13/timesheet/entries/41"
    )
    assert (
        resolve("/api/settings/holiday-calendars/{calendar_id}/days", preferred, _get)
        == "/api/settings/holiday-calendars/2/days"
    )
    assert resolve("/api/projects/{project_id}/tasks/{task_id}", preferred, _get) is None
    assert resolve("/api/customers", preferred, _get) == "/api/customers"


def test_every_get_operation_is_swept_or_skipped_with_its_reason() -> None:
    document: dict[str, Any] = {
        "paths": {
            "/api/customers": {"get": {}, "post": {}},
            "/api/customers/{entity_id}": {"get": {}, "patch": {}},
            "/api/projects/{project_id}/tasks/{task_id}": {"get": {}},
            "/api/sse": {"get": {}},
            "/api/roles": {"post": {}},
            "/api/descriptor/plugins/{registry}/{plugin_id}/schema": {"get": {}},
        }
    }
    targets, skipped = sweep_targets(document, {}, _get)
    assert targets == [
        SweepTarget("/api/customers", "/api/customers"),
        SweepTarget("/api/customers/{entity_id}", "/api/customers/7"),
        SweepTarget(
            "/api/descriptor/plugins/{registry}/{plugin_id}/schema",
            "/api/descriptor/plugins/worktime-steps/statutory_breaks/schema",
        ),
    ]
    assert set(skipped) == {"/api/projects/{project_id}/tasks/{task_id}", "/api/sse"}


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """As the benchmark's server runs: the sweep subscribes a webhook on 127.0.0.1."""
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "var",
        secret_key="test-key",
        webhook_allow_private_destinations=True,
    )


@pytest.mark.slow
def test_every_get_operation_finds_its_ids_in_the_generated_dataset(
    db: Database, hashing: PasswordHashing, client: TestClient
) -> None:
    dataset = generate_dataset(
        db, employees=3, years=1, seed=2, until=date(2025, 12, 31), hashing=hashing
    )
    headers = {"Authorization": f"Bearer {dataset.owner_api_key}"}

    def get(path: str) -> Any:
        response = client.get(path, headers=headers)
        assert response.status_code == 200, f"{path}: {response.text}"
        return response.json()

    def post(path: str, body: dict[str, Any]) -> Any:
        response = client.post(path, json=body, headers=headers)
        assert response.status_code in (201, 202), f"{path}: {response.text}"
        return response.json()

    create_missing_objects(
        get,
        post,
        dataset.sample_employee_id,
        dataset.first_day.isoformat(),
        dataset.last_day.isoformat(),
    )
    document = client.get("/api/openapi.json").json()
    targets, skipped = sweep_targets(document, {"employee_id": dataset.sample_employee_id}, get)
    assert set(skipped) == set(NOT_SWEPT)
    swept = {target.template for target in targets}
    for kind in (
        "worktime-policies",
        "allowance-policies",
        "settlement-policies",
        "timeoff-policies",
    ):
        assert f"/api/settings/{kind}/{{entity_id}}/versions" in swept
    assert {
        "/api/timeoffs",
        "/api/employees/{employee_id}/timeoffs",
        "/api/employees/{employee_id}/timeoffs/balances",
        "/api/employees/{employee_id}/timeoffs/{timeoff_id}",
    } <= swept
    for target in targets:
        get(target.path)


def _load(throughput: float) -> dict[str, Any]:
    return {"throughput": throughput}


def test_verdicts_are_the_ratios_of_the_same_run() -> None:
    judged = verdicts(
        {
            "bare": _load(5000.0),
            "floor": _load(2500.0),
            "operations": [
                {"template": "/a", "load": _load(1000.0)},
                {"template": "/b", "load": _load(600.0)},
                {"template": "/c", "load": _load(200.0)},
            ],
        }
    )
    assert judged["floor_ratio"] == pytest.approx(0.5)
    assert judged["median"] == 600.0
    assert judged["median_ratio"] == pytest.approx(0.24)
    assert judged["below_tenth"] == ["/c"]


@pytest.mark.slow
@pytest.mark.parametrize("application", ["app", "fastapi_app"])
def test_the_bare_floors_answer_the_same_text_as_timeledger(
    tmp_path: Path, application: str
) -> None:
    server = bare_server(tmp_path, application)
    with running(server):
        response = httpx.get(f"{server.base_url}/api/")
        missing = httpx.get(f"{server.base_url}/api/openapi.json")
    assert response.status_code == 200
    assert response.text == f"{PRODUCT_NAME} {__version__}"
    assert missing.status_code == 404
    assert server.process is not None and server.process.poll() is not None


def test_the_report_shows_each_engines_ratios_operations_and_skips() -> None:
    def load(throughput: float) -> dict[str, Any]:
        return {"throughput": throughput, "p99_ms": 4.0, "connections": 4, "statuses": {"200": 9}}

    lines = report.sweep_section(
        {
            "sweeps": {
                "sqlite": {
                    "seconds": 3.0,
                    "bare": load(7000.0),
                    "bare_fastapi": load(2800.0),
                    "floor": load(3500.0),
                    "operations": [
                        {"template": "/api/users", "path": "/api/users", "load": load(1200.0)},
                        {"template": "/api/events", "path": "/api/events", "load": load(200.0)},
                    ],
                    "skipped": {"/api/sse": "an endless event stream"},
                }
            }
        }
    )
    text = "\n".join(lines)
    assert "| Floor / bare Starlette | 3,500 / 7,000 req/s = 0.50 | pass |" in text
    assert (
        "| Bare FastAPI / bare Starlette (for reference) | 2,800 / 7,000 req/s = 0.40 | - |" in text
    )
    assert "| Median operation / floor | 700 req/s = 0.20 | miss |" in text
    assert "| Operations below 0.1x the floor | 1 of 2 | named below |" in text
    assert "| `/api/events` | `/api/events` | 200 | 4.0 | 0.06 | 200: 9 |" in text
    assert "| `/api/sse` | skipped: an endless event stream |" in text
    assert f"- `/api/events`: {report.HEAVIER_BECAUSE['/api/events']}" in text
    assert "- `/api/users`" not in text
    assert report.sweep_section({})[-1] == "Not measured in this run.\n"


def test_postgresql_names_its_own_reason_once_and_only_examined_operations() -> None:
    def load(throughput: float) -> dict[str, Any]:
        return {"throughput": throughput, "p99_ms": 4.0, "connections": 4, "statuses": {"200": 9}}

    operations = [
        {"template": "/api/events", "path": "/api/events", "load": load(200.0)},
        {"template": "/api/unexamined", "path": "/api/unexamined", "load": load(200.0)},
    ]
    sweep_of = {"seconds": 3.0, "bare": load(7000.0), "floor": load(3500.0), "skipped": {}}
    lines = report.sweep_section(
        {
            "sweeps": {
                "sqlite": {**sweep_of, "operations": operations},
                "postgresql": {**sweep_of, "operations": operations},
            }
        }
    )
    text = "\n".join(lines)
    assert text.count(f"All of them: {report.ON_POSTGRESQL}.") == 1
    assert text.count("- `/api/events`:") == 2
    assert text.count("- `/api/unexamined`: not examined yet") == 1


def test_a_reason_of_one_run_of_sqlite_is_shown_for_sqlite_alone() -> None:
    def load(throughput: float) -> dict[str, Any]:
        return {"throughput": throughput, "p99_ms": 4.0, "connections": 4, "statuses": {"200": 9}}

    template = "/api/me/bookmarks"
    operations = [{"template": template, "path": template, "load": load(200.0)}]
    sweep_of = {"seconds": 3.0, "bare": load(7000.0), "floor": load(3500.0), "skipped": {}}
    text = "\n".join(
        report.sweep_section(
            {
                "sweeps": {
                    "sqlite": {**sweep_of, "operations": operations},
                    "postgresql": {**sweep_of, "operations": operations},
                }
            }
        )
    )

    assert template not in report.HEAVIER_BECAUSE
    assert text.count(f"- `{template}`: {report.BELOW_THE_TENTH_ON_SQLITE[template]}") == 1
    assert text.index(f"- `{template}`:") < text.index("### PostgreSQL")
