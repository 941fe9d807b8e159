"""Issue #19's benchmark (scenario 11, `bench/timeoff.py`): the dataset's vacation policy,
the yearly accrual and the expiry run twice by the real worker (the second run posts
nothing), the balance requests served, and the report's section."""

from datetime import date
from typing import Any

from bench.timeoff import BALANCES, BASELINE, balances_factory
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from bench import report, scenarios
from timeledger.access.credentials import PasswordHashing
from timeledger.benchdata import GeneratedDataset, generate_dataset
from timeledger.kit.db import Database
from timeledger.models import JobSchedule, TimebankMovement
from timeledger.settings.service import EMPLOYMENT_TERMS, TIMEBANK_ACCOUNTS, TIMEOFF_POLICIES
from timeledger.timeoff.jobs import ACCRUE, EXPIRE

UNTIL = date(2025, 12, 31)


def _dataset(db: Database, hashing: PasswordHashing) -> GeneratedDataset:
    return generate_dataset(
        db, employees=3, years=1, seed=2, until=UNTIL, changes=50, hashing=hashing
    )


def _as_dataset(db: Database, database_url: str, generated: GeneratedDataset) -> Any:
    engine = "sqlite" if db.is_sqlite else "postgresql"
    return scenarios.Dataset(engine, database_url, generated.as_json(), None, False)


def test_every_set_of_terms_names_the_vacation_policy(
    db: Database, hashing: PasswordHashing
) -> None:
    generated = _dataset(db, hashing)
    with db.transaction(workspace_id=generated.workspace_id) as session:
        policy = TIMEOFF_POLICIES.by_key(session, "vacation")
        assert policy is not None
        version = TIMEOFF_POLICIES.history.as_of(session, policy.id, UNTIL)
        assert version is not None
        account = TIMEBANK_ACCOUNTS.history.as_of(session, version.account_id or 0, UNTIL)
        named = [
            terms.timeoff_policy_ids for terms in EMPLOYMENT_TERMS.in_force_from(session, UNTIL)
        ]
    assert account is not None and (account.name, account.unit) == ("Vacation", "days")
    assert (version.name, version.approval, version.allow_negative) == (
        "Vacation",
        "manager",
        False,
    )
    assert version.usage["plugin_id"] == "workdays"
    assert version.accrual == {
        "plugin_id": "annual_grant",
        "config": {"amount": 2500, "on": "01-01", "proration": "monthly"},
    }
    assert version.expiration == {
        "plugin_id": "carry_over_cap",
        "config": {"on": "12-31", "max_carry": 500, "valid_until": "03-31"},
    }
    assert len(named) == 4 and all(ids == [policy.id] for ids in named)


def test_the_year_is_accrued_and_expired_once_by_the_worker(
    db: Database, hashing: PasswordHashing, database_url: str
) -> None:
    dataset = _as_dataset(db, database_url, _dataset(db, hashing))

    measured = scenarios.timeoff_jobs(dataset)

    accrued, expired = measured["accrued"], measured["expired"]
    assert (accrued["day"], expired["day"]) == ("2025-01-01", "2026-01-01")
    assert accrued["movements"] >= 1
    assert accrued["employees"] == expired["employees"] >= 3
    assert measured["reaccrued"] == {**accrued, "movements": 0}
    assert measured["reexpired"] == {**expired, "movements": 0}
    assert measured["posted"] == {
        cause: count
        for cause, count in (("accrual", accrued["movements"]), ("expiry", expired["movements"]))
        if count
    }
    assert measured["paused_schedules"] == 2
    for figure in ("accrue_seconds", "reaccrue_seconds", "expire_seconds", "reexpire_seconds"):
        assert measured[figure] > 0
    assert measured["engine"] == dataset.engine
    assert report.timeoff_verdicts(measured) == {"accrue": True, "reaccrue": True, "reexpire": True}
    with db.transaction(workspace_id=dataset.workspace_id) as session:
        schedules = session.execute(
            select(JobSchedule.kind, JobSchedule.active).where(
                JobSchedule.kind.in_((ACCRUE, EXPIRE))
            )
        ).all()
        posted = session.scalar(
            select(func.count())
            .select_from(TimebankMovement)
            .where(TimebankMovement.timeoff_policy_id.is_not(None))
        )
    assert sorted(schedules) == [(ACCRUE, False), (EXPIRE, False)]
    assert posted == accrued["movements"] + expired["movements"]


def test_the_balance_requests_are_served_for_the_employees_employed(
    db: Database, hashing: PasswordHashing, client: TestClient, database_url: str
) -> None:
    generated = _dataset(db, hashing)
    dataset = _as_dataset(db, database_url, generated)
    employees = scenarios.employed_on(dataset, UNTIL)
    assert generated.sample_employee_id in employees

    for template in (BALANCES, BASELINE):
        factory = balances_factory(template, employees, dataset.admin, UNTIL)
        requests = [factory(0, sequence) for sequence in range(len(employees) + 1)]
        assert requests[0].path == requests[-1].path
        for request in requests[: len(employees)]:
            response = client.get(request.path, headers=dict(request.headers))
            assert response.status_code == 200, response.text
            if template == BALANCES:
                assert [item["name"] for item in response.json()] == ["Vacation"]


def _load(throughput: float, p50: float, p99: float) -> dict[str, Any]:
    return {"throughput": throughput, "p50_ms": p50, "p99_ms": p99}


def _scenario(key: str, engine: str, load: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "engine": engine, "system": "timeledger", "load": load}


def _jobs(**changed: Any) -> dict[str, Any]:
    """A `bench/timeoff.py` result of 1,000 employees meeting the targets."""
    accrued = {"day": "2025-01-01", "employees": 1000, "movements": 920}
    expired = {"day": "2026-01-01", "employees": 1000, "movements": 910}
    return {
        "paused_schedules": 2, "accrue_seconds": 4.0, "accrued": accrued,
        "reaccrue_seconds": 3.0, "reaccrued": {**accrued, "movements": 0},
        "expire_seconds": 2.0, "expired": expired,
        "reexpire_seconds": 1.5, "reexpired": {**expired, "movements": 0},
        "posted": {"accrual": 920, "expiry": 910}, "peak_rss_mib": 160.0, **changed,
    }  # fmt: skip


def test_the_time_off_targets_are_judged_per_engine_beside_the_baseline() -> None:
    run = {
        "scenarios": [
            _scenario("11-timebank-balances", "sqlite", _load(400.0, 2.0, 5.0)),
            _scenario("11-timeoff-balances", "sqlite", _load(200.0, 4.0, 10.0)),
            _scenario("11-timeoff-balances", "sqlite", _load(100.0, 6.0, 12.0)),
            _scenario("11-timeoff-balances", "postgresql", _load(50.0, 15.0, 25.0)),
        ],
        "timeoff": {
            "sqlite": _jobs(),
            "postgresql": _jobs(accrue_seconds=12.5, reaccrued={"day": "2025-01-01",
                                "employees": 1000, "movements": 3}),
        },
    }  # fmt: skip

    rows = [line for line in report.timeoff_section(run) if line.startswith("| ")][1:]

    assert rows == [
        "| One employee's balances: p99 ≤ 20 ms | sqlite | 150 req/s, p50 5.00 ms, p99 "
        "12.00 ms (0.60 of the target); timebank balances 400 req/s, p50 2.00 ms, p99 "
        "5.00 ms: time off / timebank p99 2.40x, throughput 0.38x | pass |",
        "| The yearly accrual ≤ 10 s | sqlite | 4.00 s for 1,000 employees: 920 movements "
        "(day 2025-01-01); 0.40 of the target; peak 160 MiB | pass |",
        "| The accrual again posts nothing | sqlite | 3.00 s for 1,000 employees: 0 "
        "movements (day 2025-01-01) | pass |",
        "| The expiry (no target), then again: nothing | sqlite | 2.00 s for 1,000 "
        "employees: 910 movements (day 2026-01-01); again 1.50 s for 1,000 employees: 0 "
        "movements (day 2026-01-01) | pass |",
        "| One employee's balances: p99 ≤ 20 ms | postgresql | 50 req/s, p50 15.00 ms, p99 "
        "25.00 ms (1.25 of the target) | miss |",
        "| The yearly accrual ≤ 10 s | postgresql | 12.50 s for 1,000 employees: 920 "
        "movements (day 2025-01-01); 1.25 of the target; peak 160 MiB | miss |",
        "| The accrual again posts nothing | postgresql | 3.00 s for 1,000 employees: 3 "
        "movements (day 2025-01-01) | miss |",
        "| The expiry (no target), then again: nothing | postgresql | 2.00 s for 1,000 "
        "employees: 910 movements (day 2026-01-01); again 1.50 s for 1,000 employees: 0 "
        "movements (day 2026-01-01) | pass |",
    ]


def test_an_accrual_in_time_that_posted_nothing_misses() -> None:
    nothing = {"day": "2025-01-01", "employees": 1000, "movements": 0}
    assert not report.timeoff_verdicts(_jobs(accrued=nothing))["accrue"]
    assert not report.timeoff_verdicts(_jobs(accrue_seconds=10.01))["accrue"]


def test_the_generated_page_has_the_time_off_section_and_scenario() -> None:
    results = {
        "mode": "full", "only": "timeoff",
        "sizes": {"employees": 1000, "years": 4, "seed": 1, "duration": 8.0, "warmup": 1.0,
                  "rounds": 2, "bulk_entries": 10_000},
        "started": "2026-01-01T00:00:00+00:00", "seconds": 60.0,
        "load_average_before": [1.0, 1.0, 1.0], "load_average_after": [1.0, 1.0, 1.0],
        "datasets": {}, "postgres_version": None, "skipped": [], "scenarios": [],
        "timeoff": {"sqlite": _jobs()},
    }  # fmt: skip

    text = report.render(results, "")

    assert "| 11 | Time off | " in text
    assert "| Only | scenario `timeoff` ran, alone on each engine |" in text
    assert text.index("## Statements (issue #18)") < text.index("## Time off (issue #19)")
    assert text.index("## Time off (issue #19)") < text.index("## The sweep")
    assert "| The yearly accrual ≤ 10 s | sqlite | 4.00 s" in text
    assert report.timeoff_section({"scenarios": []}) == [
        "## Time off (issue #19)\n", "Not measured in this run.\n"
    ]  # fmt: skip
