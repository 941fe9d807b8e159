"""The rule engine's policies: work-time, allowance and settlement policies (plugin
references checked and stored normalized), and the employment terms referring to them."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.access.support import assert_problem, new_person
from tests.conftest import WorkspaceFixture
from timeledger.kit.db import Database
from timeledger.models import Change

SETTINGS = "/api/settings"
DELETED = "/api/admin/deleted"
NORM = [450, 450, 450, 450, 450, 0, 0]
START = "2026-01-01"
"""The references take effect on this date, the policies on the next."""
POLICIES_FROM = "2026-02-01"

BREAKS: dict[str, Any] = {
    "plugin_id": "statutory_breaks",
    "config": {
        "tiers": [
            {"after_minutes": 360, "break_minutes": 30},
            {"after_minutes": 540, "break_minutes": 45},
        ],
        "mode": "cap",
    },
}
OT_COUNTER: dict[str, Any] = {
    "plugin_id": "norm_week_counter",
    "config": {
        "daily_threshold_minutes": 540,
        "weekly_threshold_minutes": 2400,
        "rate_percent": 140,
    },
}
NIGHT_RULE: dict[str, Any] = {
    "filters": [{"plugin_id": "time_window", "config": {"from": "21:00", "to": "06:00"}}],
    "calculator": {"plugin_id": "rate", "config": {"percent": 100}},
}


def _post(
    client: TestClient, workspace: WorkspaceFixture, path: str, status: int = 201, **body: Any
) -> dict[str, Any]:
    response = client.post(f"{SETTINGS}/{path}", json=body, headers=workspace.headers)
    assert response.status_code == status, response.text
    result: dict[str, Any] = response.json()
    return result


def _get(client: TestClient, workspace: WorkspaceFixture, url: str) -> dict[str, Any]:
    response = client.get(url, headers=workspace.headers)
    assert response.status_code == 200, response.text
    result: dict[str, Any] = response.json()
    return result


def _locations(body: dict[str, Any]) -> list[str]:
    return [error["location"] for error in body["errors"]]


@pytest.fixture
def refs(client: TestClient, workspace: WorkspaceFixture) -> dict[str, int]:
    """The references policies take, effective from START."""

    def made(path: str, **body: Any) -> int:
        entity_id: int = _post(client, workspace, path, effective_from=START, **body)["id"]
        return entity_id

    return {
        "flex": made("timebank-accounts", name="Flex", unit="hours"),
        "bank": made("timebank-accounts", name="Overtime bank", unit="hours"),
        "vacation": made("timebank-accounts", name="Vacation", unit="days"),
        "overtime": made("activities", name="Overtime", type="allowance", key="overtime"),
        "night": made("activities", name="Night", type="allowance"),
        "work": made("activities", name="Project work", type="work"),
        "reason": made("reasons", name="Work"),
        "doctor": made("reasons", name="Doctor"),
    }


def _worktime(
    client: TestClient, workspace: WorkspaceFixture, refs: dict[str, int], **changes: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Germany",
        "flex_account_id": refs["flex"],
        "steps": [BREAKS],
        "constraints": [
            {"plugin_id": "daily_rest", "config": {"min_minutes": 660}, "severity": "warning"},
            {"plugin_id": "closed_intervals", "severity": "error"},
        ],
        "effective_from": POLICIES_FROM,
        **changes,
    }
    return _post(client, workspace, "worktime-policies", **body)


def _overtime(
    client: TestClient, workspace: WorkspaceFixture, refs: dict[str, int], **changes: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "OT",
        "target_activity_id": refs["overtime"],
        "counter": OT_COUNTER,
        "classify_as_overtime": True,
        "consumes_flex": True,
        "effective_from": POLICIES_FROM,
        **changes,
    }
    return _post(client, workspace, "allowance-policies", **body)


def _night(
    client: TestClient, workspace: WorkspaceFixture, refs: dict[str, int], **changes: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "NIGHT",
        "target_activity_id": refs["night"],
        "rules": [NIGHT_RULE],
        "effective_from": POLICIES_FROM,
        **changes,
    }
    return _post(client, workspace, "allowance-policies", **body)


def _settlement(
    client: TestClient, workspace: WorkspaceFixture, refs: dict[str, int], **changes: Any
) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Weekly",
        "period": "week",
        "steps": [
            {"plugin_id": "bank_norm_delta", "config": {"account_id": refs["flex"]}},
            {"plugin_id": "overtime_choice", "config": {"account_id": refs["bank"]}},
            {"plugin_id": "lock_period"},
        ],
        "effective_from": POLICIES_FROM,
        **changes,
    }
    return _post(client, workspace, "settlement-policies", **body)


# Work-time policies


def test_worktime_policy_lifecycle(
    client: TestClient, db: Database, workspace: WorkspaceFixture, refs: dict[str, int]
) -> None:
    policy = _worktime(client, workspace, refs, key="de")
    assert policy["flex_account_id"] == refs["flex"]
    assert policy["effective_from"] == POLICIES_FROM
    # Stored normalized: every default of the plugin's config filled in.
    assert policy["steps"] == [
        {"plugin_id": "statutory_breaks", "config": {**BREAKS["config"], "min_segment_minutes": 0}}
    ]
    assert policy["constraints"] == [
        {"plugin_id": "daily_rest", "config": {"min_minutes": 660}, "severity": "warning"},
        {"plugin_id": "closed_intervals", "config": {}, "severity": "error"},
    ]
    url = f"{SETTINGS}/worktime-policies/{policy['id']}"
    assert_problem(client.get(f"{url}?as_of=2026-01-31", headers=workspace.headers), 404)
    changed = client.patch(
        url,
        json={
            "name": "Germany 2026",
            "flex_account_id": None,
            "steps": [
                {"plugin_id": "auto_deduction", "config": {"after_minutes": 360, "minutes": 30}}
            ],
            "effective_from": "2026-06-01",
        },
        headers=workspace.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["flex_account_id"] is None
    assert changed.json()["constraints"] == policy["constraints"]
    before = _get(client, workspace, f"{url}?as_of=2026-05-31")
    assert (before["name"], before["steps"]) == ("Germany", policy["steps"])
    after = _get(client, workspace, f"{url}?as_of=2026-06-01")
    assert after["steps"][0]["plugin_id"] == "auto_deduction"
    versions = _get(client, workspace, f"{url}/versions")["items"]
    assert [v["effective_from"] for v in versions] == [POLICIES_FROM, "2026-06-01"]
    listed = _get(client, workspace, f"{SETTINGS}/worktime-policies?as_of=2026-03-01&q=germ")
    assert [item["id"] for item in listed["items"]] == [policy["id"]]

    assert client.delete(url, headers=workspace.headers).status_code == 204
    assert_problem(client.get(url, headers=workspace.headers), 404)
    restored = client.post(
        f"{DELETED}/worktime-policy/{policy['id']}/restore", headers=workspace.headers
    )
    assert restored.status_code == 204, restored.text
    assert _get(client, workspace, f"{url}?as_of=2026-06-01")["name"] == "Germany 2026"
    with db.transaction(workspace_id=workspace.id) as session:
        ops = session.scalars(
            select(Change.op)
            .where(Change.entity == "worktime-policy", Change.entity_id == policy["id"])
            .order_by(Change.revision)
        ).all()
    assert ops == ["created", "updated", "deleted", "restored"]
    events = _get(client, workspace, "/api/events?types=worktime_policy.*")["items"]
    assert [event["type"] for event in events][:1] == ["worktime_policy.created"]


@pytest.mark.parametrize(
    ("changes", "location"),
    [
        ({"steps": [{"plugin_id": "nope"}]}, "body.steps.0.plugin_id"),
        # A plugin of another registry is unknown here.
        ({"steps": [{"plugin_id": "daily_rest", "config": {}}]}, "body.steps.0.plugin_id"),
        ({"steps": [{**BREAKS, "config": {"mode": "cap"}}]}, "body.steps.0.config.tiers"),
        (
            {"steps": [{**BREAKS, "config": {**BREAKS["config"], "stray": 1}}]},
            "body.steps.0.config.stray",
        ),
        ({"steps": [BREAKS] * 21}, "body.steps"),
        (
            {
                "constraints": [
                    {"plugin_id": "closed_intervals", "severity": "error"},
                    {
                        "plugin_id": "max_daily_work",
                        "config": {"max_minutes": 0},
                        "severity": "error",
                    },
                ]
            },
            "body.constraints.1.config.max_minutes",
        ),
        ({"constraints": [{"plugin_id": "closed_intervals"}]}, "body.constraints.0.severity"),
        (
            {"constraints": [{"plugin_id": "closed_intervals", "severity": "fatal"}]},
            "body.constraints.0.severity",
        ),
        ({"steps": [{"plugin_id": "auto_deduction", "config": "30"}]}, "body.steps.0.config"),
        ({"steps": [{"plugin_id": "auto_deduction", "other": {}}]}, "body.steps.0.other"),
        ("vacation", "body.flex_account_id"),
        ({"flex_account_id": 99_999}, "body.flex_account_id"),
    ],
)
def test_worktime_policy_bad_input(
    client: TestClient,
    workspace: WorkspaceFixture,
    refs: dict[str, int],
    changes: dict[str, Any] | str,
    location: str,
) -> None:
    if isinstance(changes, str):
        changes = {"flex_account_id": refs[changes]}
    response = client.post(
        f"{SETTINGS}/worktime-policies",
        json={"name": "Bad", "effective_from": POLICIES_FROM, **changes},
        headers=workspace.headers,
    )
    assert location in _locations(assert_problem(response, 422))
    # The same through an update of a valid policy.
    policy = _worktime(client, workspace, refs)
    response = client.patch(
        f"{SETTINGS}/worktime-policies/{policy['id']}",
        json={**changes, "effective_from": "2026-03-01"},
        headers=workspace.headers,
    )
    assert location in _locations(assert_problem(response, 422))


# Allowance policies


def test_allowance_policies_with_a_counter_or_rules(
    client: TestClient, workspace: WorkspaceFixture, refs: dict[str, int]
) -> None:
    overtime = _overtime(client, workspace, refs, trigger_reason_ids=[refs["reason"]])
    assert overtime["counter"] == {
        "plugin_id": "norm_week_counter",
        "config": {**OT_COUNTER["config"], "daily_basis": "fixed"},
    }
    assert overtime["rules"] is None
    assert (overtime["classify_as_overtime"], overtime["consumes_flex"]) == (True, True)
    assert overtime["trigger_reason_ids"] == [refs["reason"]]
    night = _night(client, workspace, refs)
    assert night["counter"] is None
    assert night["rules"] == [NIGHT_RULE]
    assert (night["classify_as_overtime"], night["consumes_flex"]) == (False, False)
    assert night["trigger_reason_ids"] == []

    url = f"{SETTINGS}/allowance-policies/{overtime['id']}"
    # The merged values must still have exactly one of counter and rules.
    on = "2026-03-01"
    both = client.patch(
        url, json={"rules": [NIGHT_RULE], "effective_from": on}, headers=workspace.headers
    )
    assert _locations(assert_problem(both, 422)) == ["body.counter", "body.rules"]
    neither = client.patch(
        url, json={"counter": None, "effective_from": on}, headers=workspace.headers
    )
    assert _locations(assert_problem(neither, 422)) == ["body.counter", "body.rules"]
    switched = client.patch(
        url,
        json={"counter": None, "rules": [NIGHT_RULE], "effective_from": "2026-07-01"},
        headers=workspace.headers,
    )
    assert switched.status_code == 200, switched.text
    assert (switched.json()["counter"], switched.json()["rules"]) == (None, [NIGHT_RULE])
    assert _get(client, workspace, f"{url}?as_of=2026-06-30")["counter"] == overtime["counter"]
    weekdays = {
        "filters": [
            {"plugin_id": "weekdays", "config": {"days": [6, 7]}},
            {"plugin_id": "holidays"},
        ],
        "calculator": {"plugin_id": "amount", "config": {"amount_minor": 500, "per": "day"}},
    }
    retargeted = client.patch(
        url,
        json={
            "rules": [weekdays],
            "target_activity_id": refs["night"],
            "effective_from": "2026-08-01",
        },
        headers=workspace.headers,
    )
    assert retargeted.status_code == 200, retargeted.text
    assert retargeted.json()["rules"][0]["filters"][1] == {"plugin_id": "holidays", "config": {}}
    versions = _get(client, workspace, f"{url}/versions")["items"]
    assert [v["effective_from"] for v in versions] == [POLICIES_FROM, "2026-07-01", "2026-08-01"]

    assert client.delete(url, headers=workspace.headers).status_code == 204
    restored = client.post(
        f"{DELETED}/allowance-policy/{overtime['id']}/restore", headers=workspace.headers
    )
    assert restored.status_code == 204, restored.text


def _rule(**parts: Any) -> dict[str, Any]:
    return {**NIGHT_RULE, **parts}


@pytest.mark.parametrize(
    ("changes", "locations"),
    [
        ({"target_activity_id": "work"}, ["body.target_activity_id"]),
        ({"target_activity_id": 99_999}, ["body.target_activity_id"]),
        ({"trigger_reason_ids": ["reason", 99_999]}, ["body.trigger_reason_ids"]),
        ({"trigger_reason_ids": ["reason", "reason"]}, ["body.trigger_reason_ids"]),
        ({"rules": [NIGHT_RULE]}, ["body.counter", "body.rules"]),
        ({"counter": None}, ["body.counter", "body.rules"]),
        ({"counter": None, "rules": []}, ["body.rules"]),
        ({"counter": {"plugin_id": "rate", "config": {}}}, ["body.counter.plugin_id"]),
        (
            {"counter": {**OT_COUNTER, "config": {**OT_COUNTER["config"], "rate_percent": -1}}},
            ["body.counter.config.rate_percent"],
        ),
        (
            {
                "counter": {
                    "plugin_id": "norm_week_counter",
                    "config": {
                        "daily_threshold_minutes": None,
                        "weekly_threshold_minutes": None,
                        "rate_percent": 150,
                    },
                }
            },
            ["body.counter.config"],
        ),
        (
            {"counter": None, "rules": [_rule(calculator={"plugin_id": "rate", "config": {}})]},
            ["body.rules.0.calculator.config.percent"],
        ),
        (
            {"counter": None, "rules": [_rule(calculator={"plugin_id": "time_window"})]},
            ["body.rules.0.calculator.plugin_id"],
        ),
        (
            {
                "counter": None,
                "rules": [
                    _rule(
                        filters=[
                            {"plugin_id": "weekdays", "config": {"days": [1]}},
                            {
                                "plugin_id": "time_window",
                                "config": {"from": "25:00", "to": "06:00"},
                            },
                        ]
                    )
                ],
            },
            ["body.rules.0.filters.1.config.from"],
        ),
        (
            {"counter": None, "rules": [_rule(filters=[{"plugin_id": "rate"}])]},
            ["body.rules.0.filters.0.plugin_id"],
        ),
        (
            {
                "counter": None,
                "rules": [
                    _rule(filters=[{"plugin_id": "reasons", "config": {"reason_ids": [99_999]}}])
                ],
            },
            ["body.rules.0.filters.0.config.reason_ids"],
        ),
        (
            {
                "counter": None,
                "rules": [
                    NIGHT_RULE,
                    _rule(
                        filters=[{"plugin_id": "activities", "config": {"activity_ids": [99_999]}}]
                    ),
                ],
            },
            ["body.rules.1.filters.0.config.activity_ids"],
        ),
        ({"counter": None, "rules": [NIGHT_RULE] * 21}, ["body.rules"]),
        (
            {"counter": None, "rules": [_rule(filters=NIGHT_RULE["filters"] * 11)]},
            ["body.rules.0.filters"],
        ),
        ({"counter": None, "rules": [{"filters": []}]}, ["body.rules.0.calculator"]),
    ],
)
def test_allowance_policy_bad_input(
    client: TestClient,
    workspace: WorkspaceFixture,
    refs: dict[str, int],
    changes: dict[str, Any],
    locations: list[str],
) -> None:
    def resolved(value: Any) -> Any:
        if isinstance(value, str):
            return refs[value]
        if isinstance(value, list) and value and isinstance(value[0], str):
            return [refs[item] if isinstance(item, str) else item for item in value]
        return value

    body = {
        "name": "OT",
        "target_activity_id": refs["overtime"],
        "counter": OT_COUNTER,
        "effective_from": POLICIES_FROM,
        **{name: resolved(value) for name, value in changes.items()},
    }
    response = client.post(f"{SETTINGS}/allowance-policies", json=body, headers=workspace.headers)
    found = _locations(assert_problem(response, 422))
    assert all(location in found for location in locations), found
    policy = _overtime(client, workspace, refs)
    update = {name: resolved(value) for name, value in changes.items()}
    update["effective_from"] = "2026-03-01"
    response = client.patch(
        f"{SETTINGS}/allowance-policies/{policy['id']}", json=update, headers=workspace.headers
    )
    found = _locations(assert_problem(response, 422))
    assert all(location in found for location in locations), found


def test_filter_ids_are_checked_and_kept(
    client: TestClient, workspace: WorkspaceFixture, refs: dict[str, int]
) -> None:
    rule = _rule(
        filters=[
            {"plugin_id": "reasons", "config": {"reason_ids": [refs["doctor"]]}},
            {"plugin_id": "activities", "config": {"activity_ids": [refs["work"]]}},
        ]
    )
    policy = _night(client, workspace, refs, rules=[rule])
    assert policy["rules"] == [rule]
    # A reason or activity a policy's filters name is one of its referrers.
    for path, ref in (("reasons", refs["doctor"]), ("activities", refs["work"])):
        response = client.delete(f"{SETTINGS}/{path}/{ref}", headers=workspace.headers)
        assert f"allowance policy {policy['id']}" in assert_problem(response, 409)["detail"]


# Settlement policies


def test_settlement_policy_lifecycle(
    client: TestClient, workspace: WorkspaceFixture, refs: dict[str, int]
) -> None:
    policy = _settlement(client, workspace, refs)
    assert policy["period"] == "week"
    assert policy["steps"] == [
        {"plugin_id": "bank_norm_delta", "config": {"account_id": refs["flex"]}},
        {
            "plugin_id": "overtime_choice",
            "config": {"account_id": refs["bank"], "supplement_always_paid": False},
        },
        {"plugin_id": "lock_period", "config": {}},
    ]
    url = f"{SETTINGS}/settlement-policies/{policy['id']}"
    changed = client.patch(
        url,
        json={
            "period": "month",
            "steps": [{"plugin_id": "flex_limits", "config": {"max_plus_minutes": 6000}}],
            "effective_from": "2026-05-01",
        },
        headers=workspace.headers,
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["steps"][0]["config"] == {
        "max_plus_minutes": 6000,
        "max_minus_minutes": None,
        "apply_on": "period",
    }
    assert len(_get(client, workspace, f"{url}/versions")["items"]) == 2
    assert client.delete(url, headers=workspace.headers).status_code == 204
    assert (
        client.post(
            f"{DELETED}/settlement-policy/{policy['id']}/restore", headers=workspace.headers
        ).status_code
        == 204
    )


@pytest.mark.parametrize(
    ("steps", "location"),
    [
        (
            [{"plugin_id": "bank_norm_delta", "config": {"account_id": "vacation"}}],
            "body.steps.0.config.account_id",
        ),
        (
            [
                {"plugin_id": "lock_period"},
                {"plugin_id": "overtime_choice", "config": {"account_id": 99_999}},
            ],
            "body.steps.1.config.account_id",
        ),
        ([{"plugin_id": "flex_limits", "config": {}}], "body.steps.0.config"),
        ([{"plugin_id": "statutory_breaks"}], "body.steps.0.plugin_id"),
        (
            [
                {"plugin_id": "overtime_choice", "config": {"account_id": "flex"}},
                {"plugin_id": "lock_period"},
                {"plugin_id": "overtime_choice", "config": {"account_id": "bank"}},
            ],
            "body.steps.2.plugin_id",
        ),
        (
            [
                {"plugin_id": "bank_norm_delta", "config": {"account_id": "flex"}},
                {"plugin_id": "bank_norm_delta", "config": {"account_id": "flex"}},
            ],
            "body.steps.1.plugin_id",
        ),
    ],
)
def test_settlement_policy_bad_input(
    client: TestClient,
    workspace: WorkspaceFixture,
    refs: dict[str, int],
    steps: list[dict[str, Any]],
    location: str,
) -> None:
    for step in steps:
        config = step.get("config") or {}
        if isinstance(config.get("account_id"), str):
            config["account_id"] = refs[config["account_id"]]
    response = client.post(
        f"{SETTINGS}/settlement-policies",
        json={"name": "Bad", "period": "week", "steps": steps},
        headers=workspace.headers,
    )
    assert location in _locations(assert_problem(response, 422))
    bad_period = client.post(
        f"{SETTINGS}/settlement-policies",
        json={"name": "Bad", "period": "year"},
        headers=workspace.headers,
    )
    assert _locations(assert_problem(bad_period, 422)) == ["body.period"]


# What the policies refer to


def test_accounts_activities_and_reasons_used_by_policies(
    client: TestClient, workspace: WorkspaceFixture, refs: dict[str, int]
) -> None:
    worktime = _worktime(client, workspace, refs)
    settlement = _settlement(client, workspace, refs)
    overtime = _overtime(client, workspace, refs, trigger_reason_ids=[refs["reason"]])
    accounts = f"{SETTINGS}/timebank-accounts"
    flex = assert_problem(
        client.delete(f"{accounts}/{refs['flex']}", headers=workspace.headers), 409
    )
    assert f"work-time policy {worktime['id']}" in flex["detail"]
    assert f"settlement policy {settlement['id']}" in flex["detail"]
    bank = assert_problem(
        client.delete(f"{accounts}/{refs['bank']}", headers=workspace.headers), 409
    )
    assert f"settlement policy {settlement['id']}" in bank["detail"]
    for account in ("flex", "bank"):
        retype = client.patch(
            f"{accounts}/{refs[account]}", json={"unit": "days"}, headers=workspace.headers
        )
        assert _locations(assert_problem(retype, 422)) == ["body.unit"]
    activity = f"{SETTINGS}/activities/{refs['overtime']}"
    target = assert_problem(client.delete(activity, headers=workspace.headers), 409)
    assert f"allowance policy {overtime['id']}" in target["detail"]
    retype = client.patch(activity, json={"type": "work"}, headers=workspace.headers)
    assert _locations(assert_problem(retype, 422)) == ["body.type"]
    reason = client.delete(f"{SETTINGS}/reasons/{refs['reason']}", headers=workspace.headers)
    assert f"allowance policy {overtime['id']}" in assert_problem(reason, 409)["detail"]

    # Once the policies are gone, so may be what they referred to.
    for path, policy in (
        ("worktime-policies", worktime),
        ("settlement-policies", settlement),
        ("allowance-policies", overtime),
    ):
        url = f"{SETTINGS}/{path}/{policy['id']}"
        assert client.delete(url, headers=workspace.headers).status_code == 204
    assert (
        client.patch(activity, json={"type": "work"}, headers=workspace.headers).status_code == 200
    )
    assert client.delete(f"{accounts}/{refs['flex']}", headers=workspace.headers).status_code == 204
    # A policy whose reference is deleted meanwhile is not restored (409 naming it).
    refused = client.post(
        f"{DELETED}/worktime-policy/{worktime['id']}/restore", headers=workspace.headers
    )
    assert f"timebank account {refs['flex']}" in assert_problem(refused, 409)["detail"]
    refused = client.post(
        f"{DELETED}/allowance-policy/{overtime['id']}/restore", headers=workspace.headers
    )
    assert _locations(assert_problem(refused, 409)) == ["body.target_activity_id"]


# Employment terms


def test_employment_terms_refer_to_policies(
    client: TestClient, workspace: WorkspaceFixture, refs: dict[str, int]
) -> None:
    worktime = _worktime(client, workspace, refs)
    overtime = _overtime(client, workspace, refs)
    night = _night(client, workspace, refs)
    settlement = _settlement(client, workspace, refs)
    terms = _post(
        client,
        workspace,
        "employment-terms",
        name="Full time",
        norm_minutes=NORM,
        flex_account_id=refs["flex"],
        worktime_policy_id=worktime["id"],
        allowance_policy_ids=[night["id"], overtime["id"]],
        settlement_policy_id=settlement["id"],
        effective_from="2026-03-01",
    )
    assert terms["allowance_policy_ids"] == [night["id"], overtime["id"]]
    assert (terms["worktime_policy_id"], terms["settlement_policy_id"]) == (
        worktime["id"],
        settlement["id"],
    )
    url = f"{SETTINGS}/employment-terms/{terms['id']}"
    reordered = client.patch(
        url,
        json={
            "allowance_policy_ids": [overtime["id"], night["id"]],
            "effective_from": "2026-03-01",
        },
        headers=workspace.headers,
    )
    assert reordered.json()["allowance_policy_ids"] == [overtime["id"], night["id"]]

    for field, value, needle in (
        ("worktime_policy_id", 99_999, "work-time policy 99999"),
        ("settlement_policy_id", 99_999, "settlement policy 99999"),
        ("allowance_policy_ids", [overtime["id"], 99_999], "allowance policy 99999"),
        ("allowance_policy_ids", [overtime["id"], overtime["id"]], ""),
        ("timeoff_policy_ids", [5], "policy 5"),
    ):
        response = client.post(
            f"{SETTINGS}/employment-terms",
            json={
                "name": "Bad",
                "norm_minutes": NORM,
                field: value,
                "effective_from": "2026-03-01",
            },
            headers=workspace.headers,
        )
        body = assert_problem(response, 422)
        assert needle in body["detail"], body
        assert _locations(body) == [f"body.{field}"]
    # Policies must be in force on the terms version's date.
    early = client.post(
        f"{SETTINGS}/employment-terms",
        json={
            "name": "Early",
            "norm_minutes": NORM,
            "worktime_policy_id": worktime["id"],
            "effective_from": "2026-01-15",
        },
        headers=workspace.headers,
    )
    assert "not effective on 2026-01-15" in assert_problem(early, 422)["detail"]

    # Referred policies cannot be deleted; the 409 names the terms.
    for path, policy in (
        ("worktime-policies", worktime),
        ("allowance-policies", night),
        ("allowance-policies", overtime),
        ("settlement-policies", settlement),
    ):
        response = client.delete(f"{SETTINGS}/{path}/{policy['id']}", headers=workspace.headers)
        assert f"employment terms {terms['id']}" in assert_problem(response, 409)["detail"]
    # Once no version of the terms refers to them, they can.
    cleared = client.patch(
        url,
        json={
            "worktime_policy_id": None,
            "allowance_policy_ids": [overtime["id"]],
            "effective_from": "2026-03-01",
        },
        headers=workspace.headers,
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["worktime_policy_id"] is None
    for path, policy in (("worktime-policies", worktime), ("allowance-policies", night)):
        response = client.delete(f"{SETTINGS}/{path}/{policy['id']}", headers=workspace.headers)
        assert response.status_code == 204, response.text
    # A deleted policy cannot be referred to.
    again = client.patch(
        url,
        json={"worktime_policy_id": worktime["id"], "effective_from": "2026-05-01"},
        headers=workspace.headers,
    )
    assert _locations(assert_problem(again, 422)) == ["body.worktime_policy_id"]


# Who may


def test_permissions(
    client: TestClient, db: Database, workspace: WorkspaceFixture, refs: dict[str, int]
) -> None:
    policy = _worktime(client, workspace, refs)
    employee = new_person(db, workspace.id, "employee")
    url = f"{SETTINGS}/worktime-policies"
    for path in ("worktime-policies", "allowance-policies", "settlement-policies"):
        listed = client.get(f"{SETTINGS}/{path}", headers=employee.headers)
        assert listed.status_code == 200, listed.text
    read = client.get(f"{url}/{policy['id']}?as_of={POLICIES_FROM}", headers=employee.headers)
    assert read.status_code == 200, read.text
    denied = [
        client.post(url, json={"name": "Mine"}, headers=employee.headers),
        client.patch(f"{url}/{policy['id']}", json={"name": "Mine"}, headers=employee.headers),
        client.delete(f"{url}/{policy['id']}", headers=employee.headers),
        client.post(
            f"{SETTINGS}/allowance-policies", json={"name": "Mine"}, headers=employee.headers
        ),
        client.post(
            f"{SETTINGS}/settlement-policies", json={"name": "Mine"}, headers=employee.headers
        ),
    ]
    for response in denied:
        assert assert_problem(response, 403)["type"].endswith(":forbidden")
    role = client.post(
        "/api/roles",
        json={"name": "clock-only", "permissions": ["me:read:own"]},
        headers=workspace.headers,
    )
    assert role.status_code == 201, role.text
    outsider = new_person(db, workspace.id, "clock-only")
    for path in ("worktime-policies", "allowance-policies", "settlement-policies"):
        response = client.get(f"{SETTINGS}/{path}", headers=outsider.headers)
        assert assert_problem(response, 403)["required_permission"] == "settings:read:*"
