"""Issue #20's benchmark (scenario 12, `bench/approvals.py`): the department head's
approvals prepared through the services (delegations, submitted statements, requests), the
inbox's requests and bulk decisions served, the batches, and the report's section."""

from datetime import date, timedelta
from typing import Any

from bench.approvals import (
    COUNT,
    DECISIONS,
    INBOX,
    STATEMENTS_BASELINE,
    TIMEOFFS_BASELINE,
    decision_batches,
    decisions_body,
    request_days,
    single_approval,
    spread,
)
from fastapi.testclient import TestClient
from sqlalchemy import select

from bench import report, scenarios
from timeledger.access.credentials import PasswordHashing
from timeledger.benchdata import GeneratedDataset, generate_dataset
from timeledger.kit.db import Database
from timeledger.models import ApprovalDelegation, Statement, TimeoffRequest

UNTIL = date(2025, 12, 31)


def _dataset(db: Database, hashing: PasswordHashing) -> GeneratedDataset:
    return generate_dataset(
        db, employees=3, years=1, seed=2, until=UNTIL, changes=50, hashing=hashing
    )


def test_the_heads_inbox_is_prepared_through_the_services_and_decided_in_bulk(
    db: Database, hashing: PasswordHashing, client: TestClient, database_url: str
) -> None:
    generated = _dataset(db, hashing)
    engine = "sqlite" if db.is_sqlite else "postgresql"
    dataset = scenarios.Dataset(engine, database_url, generated.as_json(), None, False)
    assert scenarios.approvals_month(dataset) == (date(2025, 12, 1), UNTIL)

    prepared = scenarios.approvals_prepare(dataset)

    # The tiny dataset: the head of the department, one team manager, one employee.
    assert (prepared["team_managers"], prepared["delegations"]) == (1, 1)
    assert prepared["department_employees"] == 2
    assert prepared["generated"]["created"] == prepared["submitted"] == 2
    assert prepared["requests"] == prepared["employed"] == 2
    assert prepared["accrued"]["day"] == f"{date.fromisoformat(prepared['today']).year}-01-01"
    for refused in ("delegations_refused", "submit_refused", "request_refused"):
        assert prepared[refused] == {}, refused
    assert (prepared["from"], prepared["to"], prepared["engine"]) == (
        "2025-12-01",
        "2025-12-31",
        engine,
    )
    first, last = (date.fromisoformat(day) for day in prepared["request_days"])
    assert date.fromisoformat(prepared["today"]) + timedelta(days=21) <= first <= last
    with db.transaction(workspace_id=dataset.workspace_id) as session:
        delegations = session.execute(
            select(ApprovalDelegation.delegate_user_id, ApprovalDelegation.kinds)
        ).all()
        statuses = set(session.scalars(select(Statement.status)))
        requested = set(session.scalars(select(TimeoffRequest.status)))
    assert delegations == [(generated.manager_user_id, ["statement", "timeoff"])]
    assert (statuses, requested) == ({"submitted"}, {"requested"})

    client.headers["Authorization"] = f"Bearer {generated.manager_api_key}"
    for path in (INBOX, COUNT, STATEMENTS_BASELINE, TIMEOFFS_BASELINE):
        assert client.get(path).status_code == 200, path
    assert client.get(COUNT).json()["count"] == 4
    items = scenarios.inbox_of(client)
    assert {item["via"] for item in items} == {"delegation", "manager"}
    (batch,) = decision_batches(items, 1, 3)
    assert [item["kind"] for item in batch] == ["statement", "statement", "timeoff"]
    response = client.post(DECISIONS, json=decisions_body(batch))
    assert response.status_code == 200, response.text
    assert response.json()["taken"] == 3
    (rest,) = [item for item in items if item not in batch]
    approved = client.post(single_approval(rest))
    assert approved.status_code == 200, approved.text
    assert client.get(COUNT).json()["count"] == 0


def _item(kind: str, number: int) -> dict[str, Any]:
    return {"kind": kind, "id": str(number), "href": f"/api/{kind}/{number}"}


def test_the_batches_share_out_the_kinds_and_never_repeat_an_item() -> None:
    items = [_item("statement", n) for n in range(361)] + [_item("timeoff", n) for n in range(200)]

    batches = decision_batches(items, 4, 100)

    assert [len(batch) for batch in batches] == [100] * 4
    for batch in batches:
        kinds = [item["kind"] for item in batch]
        assert (kinds.count("statement"), kinds.count("timeoff")) == (64, 36)
    seen = [(item["kind"], item["id"]) for batch in batches for item in batch]
    assert len(seen) == len(set(seen)) == 400
    assert batches[0][0] == items[0] and batches[1][0] == items[64]


def test_a_small_inbox_gives_smaller_batches_of_one_size() -> None:
    items = [_item("statement", n) for n in range(18)] + [_item("timeoff", n) for n in range(18)]

    assert [len(batch) for batch in decision_batches(items, 2, 100)] == [18, 18]
    assert [len(batch) for batch in decision_batches(items[:1], 2, 100)] == [1]
    assert decision_batches([], 2, 100) == []
    assert decisions_body(items[:1]) == {
        "decisions": [{"kind": "statement", "id": "0", "decision": "approve"}]
    }
    assert single_approval(items[0]) == "/api/statement/0/approve"


def test_the_requests_days_are_mondays_to_wednesdays_out_of_the_holidays() -> None:
    days = request_days(date(2026, 12, 6), 6, holidays=[date(2027, 1, 5)])

    assert days == [
        date(2027, 1, 4), date(2027, 1, 6), date(2027, 1, 11), date(2027, 1, 12),
        date(2027, 1, 13), date(2027, 1, 18),
    ]  # fmt: skip
    assert spread([1, 2, 3, 4, 5, 6], 3) == [1, 3, 5]
    assert spread([1, 2], 5) == [1, 2]


def _load(throughput: float, p50: float, p99: float) -> dict[str, Any]:
    return {"throughput": throughput, "p50_ms": p50, "p99_ms": p99}


def _scenario(key: str, engine: str, load: dict[str, Any]) -> dict[str, Any]:
    return {"key": key, "engine": engine, "system": "timeledger", "load": load}


def _decided(mode: str, seconds: float, taken: int = 100, decisions: int = 100) -> dict[str, Any]:
    """One batch of `bench.scenarios.approvals_decisions`; the refused ones answered 409."""
    return {
        "mode": mode, "decisions": decisions, "kinds": {"statement": 64, "timeoff": 36},
        "seconds": seconds, "slowest_request_seconds": 0.05 if mode == "singly" else seconds,
        "statuses": {"200": taken, **({"409": decisions - taken} if taken < decisions else {})},
        "taken": taken, "peak_rss_mib": 180.0,
    }  # fmt: skip


def _approvals(**changed: Any) -> dict[str, Any]:
    """A scenario 12 run of the full dataset meeting the bulk target."""
    return {
        "today": "2026-12-06", "from": "2025-12-01", "to": "2025-12-31",
        "department_employees": 390, "employed": 359, "team_managers": 16, "delegations": 16,
        "delegations_refused": {}, "generate_seconds": 1.9, "generated": {"created": 361},
        "submitted": 361, "submit_refused": {}, "accrue_seconds": 0.7, "accrued": {},
        "requests": 200, "request_refused": {}, "request_days": ["2027-01-04", "2027-02-03"],
        "prepare_seconds": 7.7, "peak_rss_mib": 150.0, "engine": "sqlite",
        "inbox": {"items": 561, "by_kind": {"statement": 361, "timeoff": 200},
                  "via": {"delegation": 536, "manager": 25}},
        "decisions": [_decided("bulk", 1.2), _decided("singly", 2.4),
                      _decided("bulk", 0.8), _decided("singly", 2.0)],
        **changed,
    }  # fmt: skip


def test_the_approvals_targets_are_judged_per_engine_beside_the_baselines() -> None:
    run = {
        "scenarios": [
            _scenario("12-statements-list", "sqlite", _load(100.0, 8.0, 10.0)),
            _scenario("12-timeoffs-list", "sqlite", _load(125.0, 6.0, 8.0)),
            _scenario("12-inbox", "sqlite", _load(50.0, 18.0, 25.0)),
            _scenario("12-inbox-count", "sqlite", _load(55.0, 17.0, 20.0)),
            _scenario("12-inbox", "postgresql", _load(20.0, 40.0, 60.0)),
        ],
        "approvals": {
            "sqlite": _approvals(),
            "postgresql": _approvals(
                decisions=[_decided("bulk", 2.5, taken=98)], submit_refused={"409": 3}
            ),
        },
    }

    rows = [line for line in report.approvals_section(run) if line.startswith("| ")][1:]

    assert rows == [
        "| The inbox's first page: p99 ≤ 30 ms | sqlite | 50 req/s, p50 18.00 ms, p99 25.00 ms "
        "(0.83 of the target); the submitted statements' list 100 req/s, p99 10.00 ms: inbox "
        "/ list p99 2.50x, throughput 0.50x; the requested time off's list 125 req/s, p99 "
        "8.00 ms: inbox / list p99 3.12x, throughput 0.40x | pass |",
        "| The inbox's count (no target) | sqlite | 55 req/s, p50 17.00 ms, p99 20.00 ms; count "
        "/ first page p99 0.80x | - |",
        "| 100 decisions in one request ≤ 2 s | sqlite | 1.20 s, 0.80 s for 100 decisions each "
        "(64 statements, 36 time off): worst 1.20 s, 0.60 of the target; 200 of 200 taken; "
        "peak 180 MiB; singly, one request each: 2.40 s, 2.00 s (slowest request 0.050 s; 200 "
        "of 200 taken): bulk / singly 0.45x | pass |",
        "| The state measured (no target) | sqlite | the inbox held 561 items (361 statements, "
        "200 time off; via delegation 536, manager 25) after 16 delegations of 16 team "
        "managers, 361 statements submitted (2025-12-01 to 2025-12-31) and 200 requests made "
        "(2027-01-04 to 2027-02-03) for 390 employees; prepared in 7.7 s (statements "
        "generated in 1.9 s) | - |",
        "| The inbox's first page: p99 ≤ 30 ms | postgresql | 20 req/s, p50 40.00 ms, p99 "
        "60.00 ms (2.00 of the target) | miss |",
        "| 100 decisions in one request ≤ 2 s | postgresql | 2.50 s for 100 decisions each (64 "
        "statements, 36 time off): worst 2.50 s, 1.25 of the target; 98 of 100 taken; refused "
        "409: 2; peak 180 MiB | miss |",
        "| The state measured (no target) | postgresql | the inbox held 561 items (361 "
        "statements, 200 time off; via delegation 536, manager 25) after 16 delegations of 16 "
        "team managers, 361 statements submitted (2025-12-01 to 2025-12-31) and 200 requests "
        "made (2027-01-04 to 2027-02-03) for 390 employees; prepared in 7.7 s (statements "
        "generated in 1.9 s); refused submit 409: 3 | - |",
    ]


def test_decisions_in_time_miss_when_one_was_refused_or_none_were_measured() -> None:
    assert report.approvals_verdicts(_approvals()) == {"decisions": True}
    slow = _approvals(decisions=[_decided("bulk", 1.0), _decided("bulk", 2.01)])
    refused = _approvals(decisions=[_decided("bulk", 1.0, taken=99)])
    singly_only = _approvals(decisions=[_decided("singly", 1.0)])
    for run in (slow, refused, singly_only, _approvals(decisions=[])):
        assert report.approvals_verdicts(run) == {"decisions": False}
    few = _approvals(decisions=[_decided("bulk", 0.3, decisions=18, taken=18)])
    (row,) = [r for r in report.approvals_section({"scenarios": [], "approvals": {"sqlite": few}})
              if r.startswith("| 100 decisions")]  # fmt: skip
    assert row.endswith("| not judged: fewer than 100 items |")


def test_the_generated_page_has_the_approvals_section_and_scenario() -> None:
    inbox = _scenario("12-inbox", "sqlite", _load(50.0, 18.0, 25.0))
    inbox["load"] |= {
        "requests": 400, "items_per_second": 2500.0, "unexpected": 0, "statuses": {"200": 400}
    }  # fmt: skip
    inbox |= {"title": "The head's approvals inbox, first page, 1 connection",
              "peak_rss_mib": 170.0, "notes": [], "available": True}  # fmt: skip
    results = {
        "mode": "full", "only": "approvals",
        "sizes": {"employees": 1000, "years": 4, "seed": 1, "duration": 8.0, "warmup": 1.0,
                  "rounds": 2, "bulk_entries": 10_000},
        "started": "2026-01-01T00:00:00+00:00", "seconds": 60.0,
        "load_average_before": [1.0, 1.0, 1.0], "load_average_after": [1.0, 1.0, 1.0],
        "datasets": {}, "postgres_version": None, "skipped": [],
        "scenarios": [inbox], "approvals": {"sqlite": _approvals()},
    }  # fmt: skip

    text = report.render(results, "")

    assert "| 12 | Approvals | " in text
    assert "| Only | scenario `approvals` ran, alone on each engine |" in text
    assert "--only approvals" in text
    assert text.index("## Time off (issue #19)") < text.index("## Approvals (issue #20)")
    assert text.index("## Approvals (issue #20)") < text.index("## The sweep")
    assert "| 100 decisions in one request ≤ 2 s | sqlite | 1.20 s, 0.80 s" in text
    assert "| 12-inbox The head's approvals inbox, first page, 1 connection | 50.0 |" in text
    assert report.approvals_section({"scenarios": []}) == [
        "## Approvals (issue #20)\n", "Not measured in this run.\n"
    ]  # fmt: skip
