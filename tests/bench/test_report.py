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
