"""Approvals through the real `timeledger serve` process: an organization set up over HTTP,
a vacation request routed to the employee's manager, delegated to a deputy who decides it
in bulk on the manager's behalf, and the history and the event feed telling who did."""

import shutil
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import make_workspace
from tests.test_serve_e2e import serving
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database

pytestmark = [pytest.mark.slow, pytest.mark.e2e]

SINCE = "2026-01-01"
UNTIL = "2099-12-31"
PASSWORD = "plum-kettle-orbit-42"
DOMAIN = "fjord.example.com"


def created(client: httpx.Client, path: str, **body: Any) -> dict[str, Any]:
    response = client.post(path, json=body)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def got(client: httpx.Client, path: str, **params: Any) -> Any:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    return response.json()


def signed_in(base_url: str, email: str) -> httpx.Client:
    """A client of the person with `email`, signed in with their password."""
    login = httpx.post(
        f"{base_url}/api/auth/login", json={"email": email, "password": PASSWORD}, timeout=20
    )
    assert login.status_code == 200, login.text
    token = login.json()["token"]
    return httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"}, timeout=20)


def test_a_request_routed_delegated_decided_in_bulk_and_recorded_over_http(
    tmp_path: Path, sqlite_template: Path, hashing: PasswordHashing
) -> None:
    shutil.copyfile(sqlite_template, tmp_path / "timeledger.db")
    url = f"sqlite:///{tmp_path / 'timeledger.db'}"
    db = Database(url)
    workspace = make_workspace(db, hashing, "Fjord", timezone="Europe/Oslo")
    db.dispose()
    with (
        serving(url, tmp_path) as base_url,
        httpx.Client(base_url=base_url, headers=workspace.headers, timeout=20) as owner,
    ):
        # The organization: Kari on office terms with a vacation needing her manager's
        # approval, in a team managed by Lars; Dag (developer) reads everyone, approves nobody.
        account = created(
            owner, "/api/settings/timebank-accounts", name="Vacation", unit="days",
            effective_from=SINCE,
        )["id"]  # fmt: skip
        activities = got(owner, "/api/settings/activities", limit=200)["items"]
        (vacation,) = [a["id"] for a in activities if a["key"] == "vacation"]
        policy = created(
            owner,
            "/api/settings/timeoff-policies",
            name="Vacation",
            activity_id=vacation,
            account_id=account,
            approval="manager",
            usage={"plugin_id": "workdays"},
            effective_from=SINCE,
        )["id"]
        terms = created(
            owner,
            "/api/settings/employment-terms",
            name="Office",
            norm_minutes=[450] * 5 + [0, 0],
            timeoff_policy_ids=[policy],
            effective_from=SINCE,
        )["id"]
        team = created(owner, "/api/org-units", name="Team", type="team", effective_from=SINCE)
        employee = created(
            owner,
            "/api/employees",
            employee_number="7",
            first_name="Kari",
            last_name="Nordmann",
            email=f"kari@{DOMAIN}",
            org_unit_id=team["id"],
            employment_terms_id=terms,
            weekly_pattern_minutes=[450] * 5 + [0, 0],
            effective_from=SINCE,
        )["id"]
        people = {
            name: created(
                owner,
                "/api/users",
                email=f"{name}@{DOMAIN}",
                name=name.title(),
                role=role,
                password=PASSWORD,
            )["id"]
            for name, role in (("kari", "employee"), ("lars", "manager"), ("dag", "developer"))
        }
        assert got(owner, f"/api/employees/{employee}")["user_id"] == people["kari"]
        managers = owner.put(
            f"/api/org-units/{team['id']}/managers", json={"user_ids": [people["lars"]]}
        )
        assert managers.status_code == 200, managers.text
        created(
            owner, f"/api/employees/{employee}/timebank/movements", account_id=account,
            day=SINCE, amount=2500, cause="entitlement",
        )  # fmt: skip

        with (
            signed_in(base_url, f"kari@{DOMAIN}") as kari,
            signed_in(base_url, f"lars@{DOMAIN}") as lars,
            signed_in(base_url, f"dag@{DOMAIN}") as dag,
        ):
            start = got(lars, "/api/events", limit=1)["head_revision"]
            request = created(
                kari, f"/api/employees/{employee}/timeoffs", timeoff_policy_id=policy,
                start_day="2026-03-02", end_day="2026-03-03",
            )  # fmt: skip
            assert (request["status"], request["amount"]) == ("requested", 200)
            item = ("timeoff", str(request["id"]))

            # Routed to Lars, the manager of Kari's unit; not to Dag, nor to Kari herself.
            inbox = got(lars, "/api/approvals/inbox")["items"]
            assert [(i["kind"], i["id"], i["via"]) for i in inbox] == [(*item, "manager")]
            assert (inbox[0]["employee_id"], inbox[0]["on_behalf_of_user_id"]) == (employee, None)
            assert got(lars, "/api/approvals/inbox/count") == {
                "count": 1,
                "by_kind": {"timeoff": 1, "statement": 0, "project_entries": 0},
            }
            assert got(dag, "/api/approvals/inbox")["items"] == []
            assert got(kari, "/api/approvals/inbox/count")["count"] == 0

            # Lars delegates to Dag, who now sees the request on Lars's behalf.
            delegation = created(
                lars, "/api/approvals/delegations", delegate_user_id=people["dag"],
                starts_on=SINCE, ends_on=UNTIL,
            )  # fmt: skip
            assert delegation["delegator_user_id"] == people["lars"]
            delegated = got(dag, "/api/approvals/inbox")["items"]
            assert [(i["kind"], i["id"], i["via"]) for i in delegated] == [(*item, "delegation")]
            assert delegated[0]["on_behalf_of_user_id"] == people["lars"]
            assert got(dag, "/api/approvals/inbox/count")["count"] == 1

            decided = dag.post(
                "/api/approvals/decisions",
                json={
                    "decisions": [
                        {"kind": "timeoff", "id": item[1], "decision": "approve", "note": "God tur"}
                    ]
                },
            )
            assert decided.status_code == 200, decided.text
            assert decided.json()["taken"] == 1, decided.text
            (outcome,) = decided.json()["results"]
            assert (outcome["status"], outcome["item_status"]) == (200, "approved")
            assert got(kari, f"/api/employees/{employee}/timeoffs/{request['id']}")["status"] == (
                "approved"
            )
            assert got(lars, "/api/approvals/inbox/count")["count"] == 0
            assert got(dag, "/api/approvals/inbox")["items"] == []

            # Lars's history: decided by Dag, on Lars's behalf.
            history = got(lars, "/api/approvals/decisions")["items"]
            assert [
                (
                    h["kind"],
                    h["item_id"],
                    h["employee_id"],
                    h["decision"],
                    h["note"],
                    h["decided_by_user_id"],
                    h["on_behalf_of_user_id"],
                )
                for h in history
            ] == [(*item, employee, "approve", "God tur", people["dag"], people["lars"])]

            # The feed of Lars, whom both concern.
            events = got(lars, "/api/events", after=start, types="approval.*")["items"]
            assert [(e["type"], e["object_id"]) for e in events] == [
                ("approval.requested", employee),
                ("approval.decided", employee),
            ]
            requested, taken = (event["data"] for event in events)
            assert (requested["kind"], requested["id"]) == item
            assert requested["approver_user_ids"] == [people["lars"]]
            assert (taken["decided_by_user_id"], taken["on_behalf_of_user_id"]) == (
                people["dag"],
                people["lars"],
            )
            kari_events = got(kari, "/api/events", after=start, types="approval.*")["items"]
            assert [e["type"] for e in kari_events] == ["approval.requested", "approval.decided"]
