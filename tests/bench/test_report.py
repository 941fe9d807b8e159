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


def _statements(**changed: Any) -> dict[str, Any]:
    """A `bench/statements.py` result of 1,000 statements meeting every target."""
    generated = {"day": "2025-11-01", "created": 1000, "recomputed": 0, "marked_stale": 0,
                 "unchanged": 0}  # fmt: skip
    return {
        "from": "2025-11-01", "to": "2025-11-30", "statements": 1000, "generate_seconds": 12.0,
        "generated": generated, "regenerate_seconds": 4.0,
        "regenerated": {**generated, "created": 0, "unchanged": 1000},
        "regenerate_writes": 0, "regenerate_row_versions": 0, "approve_seconds": 30.0,
        "approved": 1000, "refused": {}, "settle_jobs": 1000, "settle_seconds": 15.0,
        "settle_failed": 0, "settled": 1000, "movements": 2000, "peak_rss_mib": 150.0,
        **changed,
    }  # fmt: skip


def test_the_statements_targets_are_judged_on_sqlite_and_shown_for_postgresql() -> None:
    run = {
        "statements": {
            "sqlite": _statements(),
            "postgresql": _statements(
                generate_seconds=21.0, regenerate_seconds=5.5, refused={"submit 409": 2},
                approved=998, settled=998, settle_jobs=998,
            ),
        }
    }  # fmt: skip

    rows = [line for line in report.statements_section(run) if line.startswith("| ")][1:]

    assert rows == [
        "| Generate every employee's statement of a month ≤ 20 s, one worker | sqlite | "
        "12.0 s for 1,000 statements (1,000 created; peak 150 MiB) | pass |",
        "| Generate them again, nothing changed: ≤ 5 s and no writes | sqlite | 4.0 s "
        "(1,000 unchanged); 0 change rows and 0 row versions added | pass |",
        "| Settle the approved statements ≤ 20 s | sqlite | 15.0 s for 1,000 settle jobs: "
        "1,000 statements settled, 2,000 movements, 0 jobs failed (submitting and approving "
        "1,000 took 30.0 s, not timed) | pass |",
        "| Generate every employee's statement of a month ≤ 20 s, one worker | postgresql | "
        "21.0 s for 1,000 statements (1,000 created; peak 150 MiB) | miss (informative) |",
        "| Generate them again, nothing changed: ≤ 5 s and no writes | postgresql | 5.5 s "
        "(1,000 unchanged); 0 change rows and 0 row versions added | miss (informative) |",
        "| Settle the approved statements ≤ 20 s | postgresql | 15.0 s for 998 settle jobs: "
        "998 statements settled, 2,000 movements, 0 jobs failed (submitting and approving "
        "998 took 30.0 s, not timed; refused submit 409: 2) | miss (informative) |",
    ]


def test_a_statements_figure_in_time_misses_when_its_step_went_wrong() -> None:
    assert report.statements_verdicts(_statements()) == {
        "generate": True, "regenerate": True, "settle": True
    }  # fmt: skip
    wrong = {
        "generate": _statements(generate_seconds=20.5),
        "regenerate": _statements(regenerate_writes=1),
        "settle": _statements(settle_failed=1),
    }
    for step, run in wrong.items():
        judged = report.statements_verdicts(run)
        assert judged == {**dict.fromkeys(judged, True), step: False}, step
    assert not report.statements_verdicts(_statements(regenerate_row_versions=3))["regenerate"]
    assert not report.statements_verdicts(_statements(settled=999))["settle"]
    nothing = _statements(statements=0, settled=0, approved=0, settle_jobs=0)
    assert report.statements_verdicts(nothing) == {
        "generate": False, "regenerate": True, "settle": True
    }  # fmt: skip
    assert not report.statements_verdicts(_statements(settle_seconds=20.5))["settle"]


def test_the_statements_section_says_what_was_not_measured_or_posted() -> None:
    assert report.statements_section({}) == [
        "## Statements (issue #18)\n", "Not measured in this run.\n"
    ]  # fmt: skip
    posted = "\n".join(report.statements_section({"statements": {"sqlite": _statements()}}))
    unposted = "\n".join(
        report.statements_section({"statements": {"sqlite": _statements(movements=0)}})
    )
    assert "2025-11-01 to 2025-11-30" in posted
    assert "No settlement posted a movement" not in posted
    assert "No settlement posted a movement" in unposted


def test_the_generated_page_has_the_statements_section_and_scenario() -> None:
    results = {
        "mode": "quick",
        "sizes": {"employees": 20, "years": 1, "seed": 1, "duration": 1.0, "warmup": 0.2,
                  "rounds": 1, "bulk_entries": 200},
        "started": "2026-01-01T00:00:00+00:00", "seconds": 60.0,
        "load_average_before": [1.0, 1.0, 1.0], "load_average_after": [1.0, 1.0, 1.0],
        "datasets": {}, "postgres_version": None, "skipped": [], "scenarios": [],
        "statements": {"sqlite": _statements()},
    }  # fmt: skip

    text = report.render(results, "")

    assert "| 10 | Statements | " in text
    section = text[text.index("## Statements (issue #18)") :]
    assert section.index("| Settle the approved statements ≤ 20 s | sqlite |") > 0
    assert text.index("## Rule engine (issue #17)") < text.index("## Statements (issue #18)")


def _page(
    key: str, engine: str, p50: float, p99: float, server: tuple[float, float] | None = None
) -> dict[str, Any]:
    load: dict[str, Any] = {"throughput": 1000 / p50, "p50_ms": p50, "p99_ms": p99}
    if server is not None:
        load["server_p50_ms"], load["server_p99_ms"] = server
    notes = ["the head of 412 employees, session cookie; `GET /team`"]
    return {"key": key, "engine": engine, "system": "timeledger", "load": load, "notes": notes}


def test_the_web_targets_are_judged_per_engine_on_the_servers_time() -> None:
    results = [
        _page("13-web-week", "sqlite", 10.0, 20.0, (8.0, 15.0)),
        _page("13-web-team", "sqlite", 25.0, 60.0, (20.0, 55.0)),
        _page("13-kiosk-punch", "sqlite", 25.0, 33.0, (20.0, 29.0)),
        _page("13-web-week", "postgresql", 12.0, 50.0),
    ]

    lines = report.web_section(
        {"scenarios": results, "datasets": {"sqlite": {"manager_employees": 412}}}
    )
    rows = [line for line in lines if line.startswith("| ")][1:]

    assert "`GET /team` (the state today of 412 employees)" in lines[1]
    assert rows == [
        '| "My week": p99 ≤ 50 ms | sqlite | p50 8.00 ms, p99 15.00 ms (0.30 of the target) '
        "| 100 req/s, p50 10.00 ms, p99 20.00 ms (0.40 of the target) | pass |",
        '| "My team today": p99 ≤ 50 ms | sqlite | p50 20.00 ms, p99 55.00 ms (1.10 of the '
        "target) | 40 req/s, p50 25.00 ms, p99 60.00 ms (1.20 of the target) | miss |",
        "| A kiosk punch: p99 ≤ 30 ms | sqlite | p50 20.00 ms, p99 29.00 ms (0.97 of the "
        "target) | 40 req/s, p50 25.00 ms, p99 33.00 ms (1.10 of the target) | pass |",
        '| "My week": p99 ≤ 50 ms | postgresql | not recorded | 83 req/s, p50 12.00 ms, '
        "p99 50.00 ms (1.00 of the target) | pass |",
    ]


def test_the_web_section_says_when_nothing_was_measured() -> None:
    assert report.web_section({"scenarios": []})[1] == "Not measured in this run.\n"
