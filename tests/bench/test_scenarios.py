"""The benchmark harness: percentile math, the load generator's bounds and HTTP reading,
the server process wrapper, the peer's record mapping, the requests of scenarios 6 and 7
against the API, and the report."""

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from bench.load import Connection, LoadResult, Request, percentile, run_load
from bench.server import process_tree, running, timeledger_server
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect

from bench import peer_timetagger as peer
from bench import report, scenarios
from timeledger.access.credentials import PasswordHashing
from timeledger.benchdata import generate_dataset
from timeledger.kit.db import Database
from timeledger.migrations import alembic_config


def test_percentile_is_nearest_rank() -> None:
    values = [float(v) for v in range(1, 101)]  # 1..100
    assert percentile(values, 50) == 50.0
    assert percentile(values, 99) == 99.0
    assert percentile(values, 100) == 100.0
    assert percentile([7.0], 99) == 7.0
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0  # unsorted input
    assert percentile([1.0, 2.0, 3.0, 4.0], 99) == 4.0
    assert percentile([], 99) == 0.0
    with pytest.raises(ValueError, match="q must"):
        percentile(values, 0)


@asynccontextmanager
async def http_server(
    delay: float, body: bytes = b"ok", chunked: bool = False, hang_up: bool = False
) -> AsyncIterator[str]:
    """A keep-alive HTTP/1.1 server on 127.0.0.1 answering every request after `delay`."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.decode().split("\r\n"):
                    if line.lower().startswith("content-length:"):
                        length = int(line.split(":")[1])
                if length:
                    await reader.readexactly(length)
                await asyncio.sleep(delay)
                if chunked:
                    half = len(body) // 2
                    parts = [body[:half], body[half:]]
                    payload = b"".join(b"%x\r\n%s\r\n" % (len(p), p) for p in parts if p)
                    writer.write(b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n")
                    writer.write(payload + b"0\r\n\r\n")
                else:
                    writer.write(b"HTTP/1.1 200 OK\r\ncontent-length: %d\r\n\r\n" % len(body))
                    writer.write(body)
                await writer.drain()
                if hang_up:  # as uvicorn does when its keep-alive timeout runs out
                    writer.close()
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        await server.wait_closed()


def test_run_load_stops_at_its_deadline_and_measures_latency() -> None:
    async def scenario() -> tuple[LoadResult, float]:
        async with http_server(delay=0.02) as base_url:
            began = time.perf_counter()
            result = await run_load(
                base_url, lambda w, s: Request("GET", "/"), label="t", connections=3, duration=0.5
            )
            return result, time.perf_counter() - began

    result, elapsed = asyncio.run(scenario())
    assert 0.5 <= result.seconds < 0.8
    assert elapsed < 1.0
    assert result.statuses == {200: result.requests}
    assert result.unexpected == 0
    # 3 connections, 20 ms each: about 150 / s; the bound is loose for a busy machine.
    assert 20 <= result.requests <= 80
    assert result.p50_ms >= 20
    assert result.p99_ms >= result.p50_ms
    assert result.throughput == pytest.approx(result.requests / result.seconds)


def test_run_load_respects_the_request_budget_and_counts_unexpected_statuses() -> None:
    async def scenario() -> LoadResult:
        async with http_server(delay=0) as base_url:
            return await run_load(
                base_url,
                lambda w, s: Request("POST", f"/{s}", json={"n": s}),
                label="t",
                connections=2,
                duration=5,
                max_requests=7,
                expected=(201,),
            )

    result = asyncio.run(scenario())
    assert result.requests == 7
    assert result.unexpected == 7
    assert result.error_samples and "-> 200" in result.error_samples[0]
    assert result.seconds < 2


def test_chunked_bodies_are_read_and_counted() -> None:
    body = json.dumps({"items": [1, 2, 3]}).encode()

    async def scenario() -> LoadResult:
        async with http_server(delay=0, body=body, chunked=True) as base_url:
            return await run_load(
                base_url,
                lambda w, s: Request("GET", "/"),
                label="t",
                connections=1,
                duration=5,
                max_requests=4,
                count_items=lambda response: len(response.json()["items"]),
            )

    result = asyncio.run(scenario())
    assert result.requests == 4
    assert result.items == 12


def test_a_refused_connection_is_a_transport_error_not_a_hang() -> None:
    async def scenario() -> LoadResult:
        async with http_server(delay=0) as base_url:
            pass  # closed again: nothing listens on that port now
        return await run_load(
            base_url, lambda w, s: Request("GET", "/"), label="t", connections=1, duration=0.2
        )

    result = asyncio.run(scenario())
    assert result.requests == 0
    assert result.transport_errors > 0
    assert result.unexpected == result.transport_errors


def test_a_connection_the_server_closed_while_idle_is_opened_again() -> None:
    async def scenario() -> list[int]:
        async with http_server(delay=0, hang_up=True) as base_url:
            host, port = base_url.removeprefix("http://").split(":")
            connection = Connection(host, int(port))
            statuses = []
            for _ in range(3):
                statuses.append((await connection.request(Request("GET", "/"))).status_code)
                await asyncio.sleep(0.05)
            await connection.close()
            return statuses

    assert asyncio.run(scenario()) == [200, 200, 200]


@pytest.mark.e2e
def test_timeledger_server_starts_reports_memory_and_stops(tmp_path: Path) -> None:
    server = timeledger_server(f"sqlite:///{tmp_path / 'bench.db'}", tmp_path)
    with running(server):
        pid = server.pid
        assert server.base_url.startswith("http://127.0.0.1:")
        assert pid in process_tree(pid)
        assert server.peak_rss_mib() > 10
        assert server.reset_peak() in (True, False)
        assert server.rss_mib() > 10
    assert server.process is not None and server.process.poll() is not None
    assert (
        not Path(f"/proc/{pid}/status").exists()
        or "zombie" in Path(f"/proc/{pid}/status").read_text()
    )


def test_records_and_windows_of_the_peer() -> None:
    span = peer.EntryRow(
        7,
        date(2025, 3, 3),
        90,
        datetime(2025, 3, 3, 8, tzinfo=UTC),
        datetime(2025, 3, 3, 9, 30, tzinfo=UTC),
        "Review",
    )
    plain = peer.EntryRow(8, date(2025, 3, 3), 30, None, None, None)
    with_span, without = peer.records_of([span, plain])
    assert with_span["t2"] - with_span["t1"] == 90 * 60
    assert with_span["ds"] == "#employee7 Review"
    assert without["t2"] - without["t1"] == 30 * 60
    assert with_span["key"] != without["key"]

    records = [{"t1": i * 100, "t2": i * 100 + 50} for i in range(1000)]
    windows = peer.windows(records, size=100, count=5)
    assert len(windows) == 5
    for window in windows:
        assert peer.count_records_in(records, window) == 100


def test_report_keeps_the_dataset_section_and_renders_a_run() -> None:
    current = (
        "# Performance\n\nintro\n\n## Dataset\n\nrows and rows\n\n"
        "## Results\n\nresults of an earlier run\n"
    )
    assert report.dataset_section(current) == "## Dataset\n\nrows and rows\n"
    load = {
        "throughput": 1200.0, "p50_ms": 2.0, "p99_ms": 9.0, "items_per_second": 0.0,
        "requests": 100, "unexpected": 0, "statuses": {"200": 100},
    }  # fmt: skip
    results = {
        "mode": "quick",
        "sizes": {"employees": 20, "years": 1, "seed": 1, "duration": 1.0, "warmup": 0.2,
                  "rounds": 1, "bulk_entries": 200},
        "started": "2026-01-01T00:00:00+00:00",
        "seconds": 60.0,
        "load_average_before": [1.0, 1.0, 1.0],
        "load_average_after": [1.0, 1.0, 1.0],
        "datasets": {},
        "postgres_version": None,
        "skipped": ["PostgreSQL: no server answers at 127.0.0.1:5432"],
        "scenarios": [
            {"key": "1-month", "title": "One employee's month", "engine": "sqlite",
             "system": "timeledger", "load": load, "peak_rss_mib": 120.0, "notes": [],
             "available": True},
            {"key": "7-events", "title": "Event feed", "engine": "sqlite",
             "system": "timeledger", "load": None, "peak_rss_mib": None,
             "notes": ["not available until #6"], "available": False},
        ],
    }  # fmt: skip
    text = report.render(results, current)
    assert "## Dataset\n\nrows and rows" in text
    assert "results of an earlier run" not in text
    assert "| sqlite | 1,200 req/s, p99 9.0 ms | pass |" in text
    assert "| PostgreSQL: no server answers" in text or "Skipped | PostgreSQL" in text
    assert "not available until #6" in text
    assert "its numbers mean nothing" in text


def test_scenarios_6_and_7_requests_are_served(
    db: Database, hashing: PasswordHashing, client: TestClient, database_url: str, tmp_path: Path
) -> None:
    generated = generate_dataset(
        db, employees=3, years=1, seed=2, until=date(2025, 12, 31), changes=50, hashing=hashing
    )
    dataset = scenarios.Dataset("sqlite", database_url, generated.as_json(), None, False)
    head = scenarios.head_revision(client, dataset.admin)
    batch = scenarios.batch_factory(dataset, scenarios.work_activity_id(dataset))(0, 1)

    created = client.post(batch.path, json=batch.json, headers=dict(batch.headers))

    assert created.status_code == 201, created.text
    notes = [item["note"] for item in created.json()["items"]]
    assert notes == [f"bench entry {n}" for n in range(100, 200)]
    assert scenarios.head_revision(client, dataset.admin) == head + 100
    small = scenarios.small_workspace(dataset, tmp_path)
    small_headers = {"Authorization": f"Bearer {small['api_key']}"}
    small_head = scenarios.head_revision(client, small_headers)
    assert 0 < small_head < 100
    for at, headers in ((head + 100, dataset.admin), (small_head, small_headers)):
        read = scenarios.events_factory(at, headers)(0, 0)
        page = client.get(read.path, headers=dict(read.headers))
        assert page.status_code == 200, page.text
        assert page.json()["items"] == [] and page.json()["head_revision"] == at


def test_report_shows_the_event_feed_ratio_per_engine() -> None:
    def run(key: str, throughput: float, p99: float) -> dict[str, Any]:
        load = {"throughput": throughput, "p50_ms": 1.0, "p99_ms": p99, "requests": 10,
                "items_per_second": 0.0, "unexpected": 0, "statuses": {"200": 10}}  # fmt: skip
        return {"key": key, "title": key, "engine": "sqlite", "system": "timeledger",
                "load": load, "peak_rss_mib": 100.0, "notes": [], "available": True}  # fmt: skip

    fast_enough = [run("7-events-small", 400.0, 10.0), run("7-events-large", 380.0, 12.0)]
    slowed = [run("7-events-small", 400.0, 10.0), run("7-events-large", 100.0, 40.0)]

    assert report.events_ratio(fast_enough, "sqlite") == (
        "400 req/s, p99 10.0 ms", "380 req/s, p99 12.0 ms", 0.95, 1.2
    )  # fmt: skip
    assert report.events_ratio(slowed, "sqlite") is not None
    assert report.events_ratio(slowed[:1], "sqlite") is None
    assert report.events_ratio(fast_enough, "postgresql") is None


def test_a_dataset_cached_before_a_migration_gains_its_tables(tmp_path: Path) -> None:
    cache_dir, workdir = tmp_path / "cache", tmp_path / "run"
    cache_dir.mkdir()
    workdir.mkdir()
    sizes = scenarios.QUICK
    key = (
        f"sqlite-{sizes.employees}x{sizes.years}-seed{sizes.seed}-"
        f"{scenarios.generator_fingerprint()}"
    )
    command.upgrade(alembic_config(f"sqlite:///{cache_dir / f'{key}.db'}"), "0015")
    (cache_dir / f"{key}.json").write_text(json.dumps({"employees": 0}))

    dataset = scenarios.sqlite_dataset(sizes, workdir, cache_dir)

    assert dataset.cached
    tables = set(inspect(create_engine(dataset.database_url)).get_table_names())
    assert {"kiosks", "kiosk_pin_failures"} <= tables
    assert "kiosks" not in set(
        inspect(create_engine(f"sqlite:///{cache_dir / f'{key}.db'}")).get_table_names()
    )
