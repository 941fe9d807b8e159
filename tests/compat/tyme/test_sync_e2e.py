"""Two Tyme apps syncing at the same moment against the real `timeledger serve` process,
on both engines: each sends its changes while the other does, and after each has synced
twice both hold what the server holds."""

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from threading import Barrier

import httpx
import pytest

from tests.compat.tyme.support import Replica, owner_token
from tests.conftest import make_workspace
from tests.entries.support import create_customer, create_project, create_task
from tests.test_serve_e2e import serving
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

ROUNDS = 2


def _at_once(first: Callable[[], None], second: Callable[[], None]) -> None:
    """Run both from the same instant, in two threads; re-raise what either raised."""
    start = Barrier(2)

    def after_start(work: Callable[[], None]) -> None:
        start.wait(timeout=20)
        work()

    with ThreadPoolExecutor(max_workers=2) as pool:
        for future in [pool.submit(after_start, first), pool.submit(after_start, second)]:
            future.result(timeout=60)


def test_two_apps_syncing_at_the_same_moment_converge(
    db: Database, database_url: str, tmp_path: Path, hashing: PasswordHashing
) -> None:
    workspace = make_workspace(db, hashing, "Fjord", timezone="Europe/Oslo")
    db.dispose()
    with (
        serving(database_url, tmp_path) as base_url,
        httpx.Client(base_url=base_url, timeout=20) as owner,
        httpx.Client(base_url=base_url, timeout=20) as other,
    ):
        customer = create_customer(owner, workspace.headers, "Initech")
        project = create_project(owner, workspace.headers, "TPS reports", customer)
        doomed = create_task(owner, workspace.headers, project, "Cover sheets")
        first = Replica(owner, owner_token(owner, workspace))
        second = Replica(other, owner_token(other, workspace))
        _at_once(first.sync, second.sync)
        assert first.view() == second.view()

        for number in range(3):
            first.put({"type": "ProjectCategory", "id": f"A-CAT-{number}", "name": f"A {number}"})
            second.put(
                {
                    "type": "TimedTask",
                    "id": f"B-TASK-{number}",
                    "name": f"B {number}",
                    "project_id": f"tl-project-{project}",
                }
            )
        first.put({**first.objects[f"tl-project-{project}"], "name": "TPS reports, final"})
        second.delete(f"tl-task-{doomed}")
        for _ in range(ROUNDS):
            _at_once(first.sync, second.sync)

        server = Replica(owner, owner_token(owner, workspace))
        server.sync()
        assert first.view() == second.view() == server.view()
        assert {"A-CAT-0", "A-CAT-2", "B-TASK-0", "B-TASK-2"} <= set(server.objects)
        assert f"tl-task-{doomed}" not in server.objects
        assert server.objects[f"tl-project-{project}"]["name"] == "TPS reports, final"
        tasks = owner.get(f"/api/projects/{project}/tasks", headers=workspace.headers)
        assert sorted(each["name"] for each in tasks.json()["items"]) == ["B 0", "B 1", "B 2"]
