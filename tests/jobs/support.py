"""Running the worker (in this process, or as a real `timeledger worker` process) and
reading jobs in the tests."""

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.test_serve_e2e import clock_environment
from timeledger.config import Settings

TIMELEDGER = str(Path(sys.executable).parent / "timeledger")

BATCH_JOBS = "/api/admin/batch-jobs"
SCHEDULES = "/api/admin/schedules"


def start_job(
    client: TestClient, workspace: WorkspaceFixture, kind: str, **parameters: Any
) -> dict[str, Any]:
    response = client.post(
        BATCH_JOBS, json={"kind": kind, "parameters": parameters}, headers=workspace.headers
    )
    assert response.status_code == 201, response.text
    assert response.headers["location"] == f"{BATCH_JOBS}/{response.json()['id']}"
    job: dict[str, Any] = response.json()
    return job


def read_job(client: TestClient, workspace: WorkspaceFixture, job_id: int) -> dict[str, Any]:
    response = client.get(f"{BATCH_JOBS}/{job_id}", headers=workspace.headers)
    assert response.status_code == 200, response.text
    job: dict[str, Any] = response.json()
    return job


@contextmanager
def worker_process(
    settings: Settings, log: Path, **environment: str
) -> Iterator[subprocess.Popen[bytes]]:
    """A `timeledger worker` process on the test's database, polling every 50 ms, its
    output in `log`; `environment` adds or overrides TIMELEDGER_* settings. Stopped with
    SIGINT at the end unless the test killed it."""
    env = {
        **os.environ,
        "TIMELEDGER_DATABASE_URL": settings.database_url,
        "TIMELEDGER_DATA_DIR": str(settings.data_dir),
        "TIMELEDGER_SECRET_KEY": settings.secret_key,
        "TIMELEDGER_WORKER_POLL_SECONDS": "0.05",
        **clock_environment(),
        **environment,
    }
    with log.open("ab") as output:
        process = subprocess.Popen([TIMELEDGER, "worker"], env=env, stdout=output, stderr=output)
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
