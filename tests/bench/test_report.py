"""Issue #16's targets in the report: ratios of the same run, judged against the targets."""

from typing import Any

from bench import report


def _run(key: str, engine: str, system: str, throughput: float, items: float = 0) -> dict[str, Any]:
    load = {"throughput": throughput, "items_per_second": items}
    return {"key": key, "engine": engine, "system": system, "load": load}


def test_peer_and_engine_ratios_are_judged_against_the_targets() -> None:
    results = [
        _run("2-range", "sqlite", "timeledger", 500),
        _run("2-range", "sqlite", "timetagger", 100),
        _run("6-bulk", "sqlite", "timeledger", 1, items=1_000),
        _run("6-bulk", "sqlite", "timetagger", 1, items=1_000),
        _run("2-range", "postgresql", "timeledger", 400),
        _run("1-month", "sqlite", "timeledger", 1_000),
        _run("1-month", "postgresql", "timeledger", 500),
    ]

    rows = [line for line in report.issue16_section(results) if line.startswith("| ")][1:]

    assert rows == [
        "| 2-range ≥ 5x TimeTagger | 5.00x | pass |",
        "| 6-bulk ≥ 2x TimeTagger | 1.00x | miss |",
        "| 1-month: PostgreSQL ≥ 0.7x SQLite | 500 / 1,000 req/s = 0.50 | miss |",
        "| 2-range: PostgreSQL ≥ 0.7x SQLite | 400 / 500 req/s = 0.80 | pass |",
        "| 4-team: PostgreSQL ≥ 0.7x SQLite | not measured | - |",
        "| 5-clock: PostgreSQL ≥ 0.7x SQLite | not measured | - |",
    ]


def _timed(key: str, engine: str, throughput: float, p99: float) -> dict[str, Any]:
    load = {"throughput": throughput, "p99_ms": p99}
    return {"key": key, "engine": engine, "system": "timeledger", "load": load}


def test_the_rule_engine_targets_are_judged_per_engine() -> None:
    batch = {"seconds": 12.5, "employees": 1000, "from": "2026-10-01", "to": "2026-10-31",
             "lines": 90_000, "peak_rss_mib": 180.0}  # fmt: skip
    run = {
        "scenarios": [
            _timed("8-preview-latency", "sqlite", 100, 35.0),
            _timed("8-preview", "sqlite", 250, 60.0),
            _timed("8-preview-latency", "postgresql", 80, 45.0),
        ],
        "rule_engine": {"sqlite": {**batch, "seconds": 6.0}, "postgresql": batch},
    }

    rows = [line for line in report.rule_engine_section(run) if line.startswith("| ")][1:]

    assert rows == [
        "| Preview of a month: p99 ≤ 40 ms at 1 connection | sqlite | p99 35.0 ms | pass |",
        "| Preview of a month: ≥ 200 req/s at 4 connections | sqlite | 250 req/s | pass |",
        "| Every employee's month in one process ≤ 10 s | sqlite | 6.0 s for 1,000 employees "
        "(2026-10-01 to 2026-10-31, 90,000 lines, peak 180 MiB) | pass |",
        "| Preview of a month: p99 ≤ 40 ms at 1 connection | postgresql | p99 45.0 ms | miss |",
        "| Every employee's month in one process ≤ 10 s | postgresql | 12.5 s for 1,000 "
        "employees (2026-10-01 to 2026-10-31, 90,000 lines, peak 180 MiB) | miss |",
    ]
