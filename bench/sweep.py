"""The sweep of issue #16: every `GET` operation of the OpenAPI document, called with ids
and parameters of the benchmark dataset by the owner's key, beside the floor (`GET /api/`)
and a bare Starlette application's floor measured in the same run.

A path's ids come from the dataset's sample employee and user where the path names them,
otherwise from the first item of the list one level up (`/api/customers/{entity_id}`
reads the first of `/api/customers`); the plugin descriptors, the same in every workspace,
are read for the plugin of `CATALOGUE_PARAMETERS`. An operation whose list is empty in the
dataset, that never ends (the event stream) or that needs the worker (a payroll file), is
reported as skipped with the reason.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

NOT_SWEPT = {
    "/api/sse": "an endless event stream",
    "/api/timesheet/statements/exports/{export_id}/file": "a file a job writes, and no "
    "worker runs during the sweep",
    "/api/kiosk": "a kiosk device's operation: it takes the kiosk's device token, not the "
    "owner's key (scenario 13 measures the kiosk's punches)",
    **dict.fromkeys(
        [
            *(
                f"/api/reports/{kind}/runs/{{run_id}}{file}"
                for kind in ("hours", "activity", "presence", "account-movements")
                for file in ("", "/file")
            ),
            "/api/admin/bulk/entries/{job_id}",
            "/api/admin/bulk/employees/{job_id}",
            "/api/admin/exports/{job_id}",
            "/api/admin/exports/{job_id}/file",
            "/api/admin/imports/{job_id}",
            "/api/admin/imports/{job_id}/problems",
        ],
        "a job only a POST starts (there is no list to find one in), and no worker runs "
        "during the sweep",
    ),
}
LIST_QUERIES = {"/api/timesheet/statements": "?scope=all"}
"""Lists one level up whose default shows too little to find an id (statements are the
caller's own by default)."""
CATALOGUE_PARAMETERS: dict[str, int | str] = {
    "registry": "worktime-steps",
    "plugin_id": "statutory_breaks",
}
"""Path parameters that name no object of the dataset: a plugin of the catalogue."""
FLOOR_RATIO_TARGET = 0.4
MEDIAN_RATIO_TARGET = 0.3
OPERATION_RATIO_TARGET = 0.1
_PARAMETER = re.compile(r"\{(\w+)\}")
TIMEOFF_POLICIES = "/api/settings/timeoff-policies"
TIMEOFF_LEAD = timedelta(days=60)
"""The sweep's time-off request lies this far after the dataset's last day, past the 28
days scenario 6 writes entries on, on a Monday."""

DELEGATIONS = "/api/approvals/delegations"
DELEGATION_LENGTH = timedelta(days=7)

Getter = Callable[[str], Any]
"""Answers the JSON body of a `GET` of a path (raises for an unexpected status)."""
Poster = Callable[[str, dict[str, Any]], Any]
"""Answers the JSON body of a `POST` of a body to a path (raises for an unexpected status)."""


@dataclass(frozen=True)
class SweepTarget:
    template: str
    path: str


def _first_id(body: Any) -> int | None:
    items = body.get("items") if isinstance(body, dict) else body
    if not isinstance(items, list) or not items or not isinstance(items[0], dict):
        return None
    value = items[0].get("id")
    return value if isinstance(value, int) else None


def create_missing_objects(
    get: Getter, post: Poster, employee_id: int, first_day: str, day: str
) -> None:
    """One object of each kind the generated dataset lacks, so that every read operation
    has something to read: a service user and its key, a dimension, a timebank account
    and a movement on it, a bookmark, a webhook subscription (no worker runs, so nothing
    is delivered), an inbound endpoint, an OAuth client, a kiosk, a schedule, a queued
    batch job, the employee's statement of `day`, a payroll export (queued), a time-off
    request (see `request_timeoff`) and an approvals delegation (see `delegate_approvals`)."""
    service_user = post("/api/service-users", {"name": "Sweep"})
    post(f"/api/service-users/{service_user['id']}/api-keys", {})
    post("/api/settings/dimensions", {"name": "Sweep", "allowed_values": ["a", "b"]})
    account = post(
        "/api/settings/timebank-accounts",
        {"name": "Sweep", "unit": "hours", "effective_from": first_day},
    )
    post(
        f"/api/employees/{employee_id}/timebank/movements",
        {"account_id": account["id"], "day": day, "amount": 60, "cause": "adjustment"},
    )
    post("/api/me/bookmarks", {"name": "Sweep", "query": "at=this_month"})
    post("/api/webhooks/subscriptions", {"url": "http://127.0.0.1:9/timeledger-sweep"})
    post(
        "/api/webhooks/inbound-endpoints", {"name": "Sweep", "service_user_id": service_user["id"]}
    )
    post(
        "/api/admin/oauth-clients",
        {"name": "Sweep", "redirect_uris": ["https://sweep.example/callback"]},
    )
    org_units = get("/api/org-units?limit=1")["items"]
    post("/api/kiosks", {"name": "Sweep", "org_unit_ids": [org_units[0]["id"]]})
    post(
        "/api/admin/schedules",
        {"name": "Sweep", "kind": "timesheet.stop-timers", "cron": "0 23 * * *"},
    )
    post("/api/admin/batch-jobs", {"kind": "timesheet.stop-timers"})
    post(f"/api/employees/{employee_id}/timesheet/statements", {"period_start": day})
    post("/api/timesheet/statements/exports", {"period_start": day, "format": "csv"})
    request_timeoff(get, post, employee_id, day)
    delegate_approvals(get, post)


def delegate_approvals(get: Getter, post: Poster, today: date | None = None) -> None:
    """The first manager's project weeks delegated to the caller (the owner, who reads
    everyone) for a week from `today` (default today in UTC): the owner's delegations
    then list one. Project weeks only: scenario 12 delegates the team managers'
    statements and time off, and two delegations of a person may not share a kind."""
    managers = get("/api/users?role=manager&limit=1")
    items = managers.get("items") if isinstance(managers, dict) else managers
    if not items:
        return
    first = today or datetime.now(UTC).date()
    post(
        DELEGATIONS,
        {
            "delegator_user_id": items[0]["id"],
            "delegate_user_id": get("/api/me")["id"],
            "starts_on": first.isoformat(),
            "ends_on": (first + DELEGATION_LENGTH).isoformat(),
            "kinds": ["project_entries"],
        },
    )


def request_timeoff(get: Getter, post: Poster, employee_id: int, day: str) -> None:
    """A day of the dataset's first time-off policy requested for the employee, on the
    first Monday `TIMEOFF_LEAD` after `day`, with that day added to its account first (an
    adjustment: the dataset's policy allows no negative balance, and no accrual may have
    run). Its policy needs approval, so it stays `requested` and books nothing."""
    policies = get(TIMEOFF_POLICIES)
    items = policies.get("items") if isinstance(policies, dict) else policies
    if not items:
        return
    policy = items[0]
    after = date.fromisoformat(day) + TIMEOFF_LEAD
    monday = after + timedelta(days=-after.weekday() % 7)
    if policy.get("account_id") is not None:
        post(
            f"/api/employees/{employee_id}/timebank/movements",
            {"account_id": policy["account_id"], "day": day, "amount": 100, "cause": "adjustment"},
        )
    post(
        f"/api/employees/{employee_id}/timeoffs",
        {
            "timeoff_policy_id": policy["id"],
            "start_day": monday.isoformat(),
            "end_day": monday.isoformat(),
            "note": "Sweep",
        },
    )


def resolve(template: str, preferred: Mapping[str, int | str], get: Getter) -> str | None:
    """`template` with each parameter replaced by an existing id, or None when the
    dataset holds none."""
    path = template
    for match in _PARAMETER.finditer(template):
        name = match.group(1)
        value = preferred.get(name)
        if value is None:
            parent = path[: path.index(match.group(0))].rstrip("/")
            value = _first_id(get(parent + LIST_QUERIES.get(parent, "")))
        if value is None:
            return None
        path = path.replace(match.group(0), str(value), 1)
    return path


def sweep_targets(
    document: Mapping[str, Any], preferred: Mapping[str, int | str], get: Getter
) -> tuple[list[SweepTarget], dict[str, str]]:
    """The operations to load, in the document's order, and those skipped with why."""
    preferred = {**CATALOGUE_PARAMETERS, **preferred}
    targets: list[SweepTarget] = []
    skipped: dict[str, str] = {}
    for template, operations in document["paths"].items():
        if "get" not in operations:
            continue
        if template in NOT_SWEPT:
            skipped[template] = NOT_SWEPT[template]
            continue
        path = resolve(template, preferred, get)
        if path is None:
            skipped[template] = "no object of its kind in the dataset"
            continue
        targets.append(SweepTarget(template, path))
    return targets, skipped


def verdicts(sweep: Mapping[str, Any]) -> dict[str, Any]:
    """The issue's three ratios of one engine's sweep: the floor to bare Starlette, the
    median operation to the floor, and the operations below a tenth of the floor."""
    floor = sweep["floor"]["throughput"]
    bare = sweep["bare"]["throughput"]
    throughputs = [op["load"]["throughput"] for op in sweep["operations"]]
    median = statistics.median(throughputs) if throughputs else 0.0
    return {
        "floor_ratio": floor / bare if bare else 0.0,
        "median": median,
        "median_ratio": median / floor if floor else 0.0,
        "below_tenth": [
            op["template"]
            for op in sweep["operations"]
            if floor and op["load"]["throughput"] < OPERATION_RATIO_TARGET * floor
        ],
    }
