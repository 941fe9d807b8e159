"""The peer: TimeTagger (PyPI `timetagger`), installed into its own virtual environment
under `bench/.peers/`, served on 127.0.0.1 with its localhost login, loaded with the
benchmark's entries as records."""

from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.load import Request, Response
from bench.server import ServerProcess, free_port

TIMETAGGER_VERSION = "26.1.3"
PEERS_DIR = Path(__file__).resolve().parent / ".peers"
API = "/timetagger/api/v2"
RECORDS_PER_BATCH = 100


class PeerUnavailable(RuntimeError):
    """TimeTagger could not be installed or started; the message says why."""


def venv_python(peers_dir: Path = PEERS_DIR) -> Path:
    return peers_dir / "timetagger" / "bin" / "python"


def installed_version(python: Path) -> str | None:
    if not python.exists():
        return None
    probe = subprocess.run(  # noqa: S603 (our venv's interpreter)
        [str(python), "-c", "import timetagger; print(timetagger.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    return probe.stdout.strip() if probe.returncode == 0 else None


def ensure_installed(peers_dir: Path = PEERS_DIR, version: str = TIMETAGGER_VERSION) -> str:
    """Installs timetagger==`version` into `peers_dir/timetagger` unless it is there;
    returns the installed version."""
    python = venv_python(peers_dir)
    found = installed_version(python)
    if found == version:
        return found
    commands = [
        [sys.executable, "-m", "venv", str(python.parent.parent)],
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            f"timetagger=={version}",
        ],
    ]
    for command in commands:
        try:
            done = subprocess.run(  # noqa: S603 (our own command)
                command, capture_output=True, text=True, check=False, timeout=600
            )
        except subprocess.TimeoutExpired as error:
            raise PeerUnavailable(f"`{' '.join(command)}` took over 10 minutes") from error
        if done.returncode != 0:
            raise PeerUnavailable(
                f"`{' '.join(command)}` failed ({done.returncode}): {done.stderr[-1500:]}"
            )
    found = installed_version(python)
    if found is None:
        raise PeerUnavailable("timetagger installed but does not import")
    return found


def timetagger_server(workdir: Path, peers_dir: Path = PEERS_DIR) -> ServerProcess:
    """TimeTagger's default script (`python -m timetagger`: asgineer on uvicorn, one
    process), its data in `workdir/timetagger-data`."""
    port = free_port()
    env = {
        **os.environ,
        "TIMETAGGER_BIND": f"127.0.0.1:{port}",
        "TIMETAGGER_DATADIR": str(workdir / "timetagger-data"),
        "TIMETAGGER_LOG_LEVEL": "warning",
    }
    return ServerProcess(
        [str(venv_python(peers_dir)), "-m", "timetagger"],
        port=port,
        health_path="/timetagger/status",
        env=env,
        log_path=workdir / "timetagger.log",
        cwd=workdir,
    )


def authenticate(base_url: str) -> str:
    """The web token of TimeTagger's single localhost user."""
    body = base64.b64encode(json.dumps({"method": "localhost"}).encode())
    response = httpx.post(f"{base_url}{API}/bootstrap_authentication", content=body, timeout=30)
    response.raise_for_status()
    return str(response.json()["token"])


@dataclass(frozen=True)
class EntryRow:
    """What a record needs of an entry."""

    employee_id: int
    day: date
    minutes: int
    started_at: datetime | None
    ended_at: datetime | None
    note: str | None


def _epoch(moment: datetime) -> int:
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return int(aware.timestamp())


def record_of(entry: EntryRow, key: str, modified: int) -> dict[str, Any]:
    """An entry as a TimeTagger record: its span (an entry without one starts at 08:00 UTC
    of its day), the employee as a tag, then the note."""
    if entry.started_at is not None and entry.ended_at is not None:
        t1, t2 = _epoch(entry.started_at), _epoch(entry.ended_at)
    else:
        start = datetime.combine(entry.day, datetime.min.time(), UTC) + timedelta(hours=8)
        t1 = _epoch(start)
        t2 = t1 + entry.minutes * 60
    description = f"#employee{entry.employee_id} {entry.note or ''}".strip()[:200]
    return {"key": key, "mt": modified, "t1": t1, "t2": t2, "ds": description}


def records_of(entries: Iterable[EntryRow]) -> list[dict[str, Any]]:
    modified = int(time.time())
    return [record_of(entry, secrets.token_hex(8), modified) for entry in entries]


def put_records(base_url: str, token: str, records: Sequence[dict[str, Any]]) -> int:
    """Stores `records` in batches of 100 (one request each); the number accepted."""
    accepted = 0
    with httpx.Client(base_url=base_url, headers={"authtoken": token}, timeout=60) as client:
        for start in range(0, len(records), RECORDS_PER_BATCH):
            batch = list(records[start : start + RECORDS_PER_BATCH])
            response = client.put(f"{API}/records", json=batch)
            response.raise_for_status()
            body = response.json()
            if body["failed"]:
                raise PeerUnavailable(f"TimeTagger refused records: {body['errors'][:3]}")
            accepted += len(body["accepted"])
    return accepted


def count_records_in(records: Sequence[dict[str, Any]], window: tuple[int, int]) -> int:
    """What TimeTagger's `GET /records?timerange=` answers for `window` (closed records)."""
    low, high = window
    return sum(1 for r in records if r["t2"] >= low and r["t1"] <= high)


def windows(
    records: Sequence[dict[str, Any]], size: int = 100, count: int = 20
) -> list[tuple[int, int]]:
    """Up to `count` time ranges `(t1, t2)`, spread over the records, each the shortest
    from a record's start that TimeTagger answers with at least `size` records (those
    inside plus those running into it)."""
    ordered = sorted(records, key=lambda r: int(r["t1"]))
    starts = [int(r["t1"]) for r in ordered]
    if len(starts) <= size:
        return [(starts[0], starts[-1])] if starts else []
    last = len(starts) - size
    step = max(1, last // count)
    found: list[tuple[int, int]] = []
    for first in range(0, last + 1, step):
        low, high = first, len(starts) - 1
        while low < high:  # the smallest end index whose window holds `size` records
            middle = (low + high) // 2
            if count_records_in(ordered, (starts[first], starts[middle])) >= size:
                high = middle
            else:
                low = middle + 1
        found.append((starts[first], starts[low]))
    return found[:count]


def range_request(token: str, window: tuple[int, int]) -> Request:
    return Request(
        "GET", f"{API}/records?timerange={window[0]}-{window[1]}", headers={"authtoken": token}
    )


def batch_request(token: str, batch: list[dict[str, Any]]) -> Request:
    return Request("PUT", f"{API}/records", headers={"authtoken": token}, json=batch)


def count_records(response: Response) -> int:
    body = response.json()
    if "records" in body:
        return len(body["records"])
    return len(body.get("accepted", ()))
