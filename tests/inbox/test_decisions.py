"""Decisions in bulk through the API on both engines: each decision answered on its own
(200 with where the item now stands, or the problem it got: 409 not awaiting a decision,
404 unseen, 403 seen but not the caller's to decide), one refused decision holding back
none of the others and leaving nothing behind, notes and deciders in the decision
history (also of the kinds' own operations), and the whole-request refusals."""

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.access.support import MISSING_ID, PROBLEM_JSON, assert_problem, new_person
from tests.approvals.support import (
    DECISIONS,
    Org,
    decide,
    decisions_taken,
    give_role,
    inbox,
    set_managers,
    statement,
    statement_submitted,
    vacation_requested,
)
from tests.organization.support import create_unit
from tests.presence.support import record
from tests.statements.support import STATEMENTS, a_long_monday_week
from tests.timeoff.support import entries, request
from timeledger.kit.db import Database
from timeledger.models import Job
from timeledger.statements.service import SETTLE_STATEMENT

MONDAY = "2026-03-02"
NEXT_MONDAY = "2026-03-09"
MAY = ("2026-05-04", "2026-05-08")
JUNE = ("2026-06-01", "2026-06-05")
PROBLEM = "urn:timeledger:problem:"


def timeoff(client: TestClient, org: Org, request_id: int) -> dict[str, Any]:
    response = client.get(f"{org.leave.base}/{request_id}", headers=org.owner)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def one(kind: str, item_id: object, decision: str = "approve", **body: Any) -> dict[str, Any]:
    return {"kind": kind, "id": str(item_id), "decision": decision, **body}


def answers(results: list[dict[str, Any]]) -> list[tuple[int, str | None]]:
    return [(result["status"], result["item_status"]) for result in results]


def decided(history: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (d["kind"], d["item_id"], d["decision"], d["note"], d["decided_by_user_id"],
         d["on_behalf_of_user_id"])
        for d in history
    ]  # fmt: skip


def settlements_enqueued(db: Database) -> list[dict[str, Any]]:
    with db.session(write=False) as session:
        return [
            job.payload for job in session.scalars(select(Job).where(Job.kind == SETTLE_STATEMENT))
        ]


def test_one_refused_decision_holds_back_none_of_the_others(
    client: TestClient, org: Org, db: Database
) -> None:
    a_long_monday_week(client, org.leave.office)
    stale = statement_submitted(client, org, MONDAY)
    # A late Saturday hour after the submission: the statement's figures are out of date.
    record(
        client, org.owner, org.employee_id, "2026-03-07T10:00:00+01:00", "2026-03-07T11:00:00+01:00"
    )
    may = vacation_requested(client, org, *MAY)
    june = request(client, org.leave, *JUNE)
    lead = org.team_lead

    batch = [
        one("timeoff", may["id"], note="Enjoy"),
        one("statement", stale["id"]),
        one("timeoff", may["id"]),
        one("timeoff", june["id"], "reject", note="Too busy in June"),
        one("timeoff", MISSING_ID),
        one("statement", MISSING_ID, "reject"),
        one("statement", "abc"),
        one("project_entries", "not-a-week"),
    ]
    response = client.post(DECISIONS, json={"decisions": batch}, headers=lead.headers)

    assert response.status_code == 200, response.text
    body = response.json()
    results = body["results"]
    assert (body["taken"], body["refused"]) == (2, 6)
    assert answers(results) == [
        (200, "approved"),
        (409, None),
        (409, None),
        (200, "rejected"),
        (404, None),
        (404, None),
        (404, None),
        (404, None),
    ]
    assert [(r["kind"], r["id"], r["decision"]) for r in results] == [
        (d["kind"], d["id"], d["decision"]) for d in batch
    ]
    assert [r["problem"] is None for r in results] == [True, False, False, True] + [False] * 4
    stale_problem, twice = results[1]["problem"], results[2]["problem"]
    assert (stale_problem["status"], stale_problem["statement_status"], stale_problem["stale"]) == (
        409,
        "submitted",
        True,
    )
    assert stale_problem["type"].startswith(PROBLEM)
    assert "stale" in stale_problem["detail"]
    assert (twice["status"], twice["timeoff_status"]) == (409, "approved")
    assert "approved" in twice["detail"]
    for refused in results[4:]:
        assert refused["problem"]["status"] == 404
        assert refused["problem"]["type"].startswith(PROBLEM)
        assert refused["problem"]["title"]

    approved = timeoff(client, org, may["id"])
    assert (approved["status"], approved["decided_by_user_id"]) == ("approved", lead.user_id)
    assert approved["decision_note"] == "Enjoy"
    booked = entries(client, org.leave, *MAY)
    assert sorted(entry["date"] for entry in booked) == [f"2026-05-0{d}" for d in range(4, 9)]
    rejected = timeoff(client, org, june["id"])
    assert (rejected["status"], rejected["decision_note"]) == ("rejected", "Too busy in June")
    untouched = statement(client, org, stale["id"])
    assert (untouched["status"], untouched["decided_at"], untouched["decided_by_user_id"]) == (
        "submitted",
        None,
        None,
    )
    assert untouched["revision"] == stale["revision"]
    assert settlements_enqueued(db) == []
    assert decided(decisions_taken(client, org)) == [
        ("timeoff", str(may["id"]), "approve", "Enjoy", lead.user_id, None),
        ("timeoff", str(june["id"]), "reject", "Too busy in June", lead.user_id, None),
    ]
    assert [(item["kind"], item["id"]) for item in inbox(client, lead.headers)] == [
        ("statement", str(stale["id"]))
    ]


def test_who_cannot_decide_gets_403_when_they_see_the_item_and_404_when_they_do_not(
    client: TestClient, org: Org, db: Database
) -> None:
    may = vacation_requested(client, org, *MAY)
    submitted = statement_submitted(client, org, MONDAY)
    support = create_unit(client, org.owner, "Support", parent_id=org.company_id)
    stranger = new_person(db, org.leave.office.oslo.workspace.id, "manager", name="Stranger")
    set_managers(client, org.owner, support["id"], [stranger.user_id])
    both = [one("timeoff", may["id"]), one("statement", submitted["id"], "reject", note="No")]

    own = decide(client, org.employee, both)
    assert [r["status"] for r in own] == [403, 403]
    assert "not approve" in own[0]["problem"]["detail"]
    assert [r["status"] for r in decide(client, org.deputy.headers, both)] == [403, 403]
    assert [r["status"] for r in decide(client, stranger.headers, both)] == [404, 404]
    for result in own:
        assert result["problem"]["type"].startswith(PROBLEM)
        assert result["item_status"] is None
    # A manager of their own team may approve the team's items, but never their own.
    employee_user = org.leave.office.person.user_id
    give_role(client, org, employee_user, "manager")
    set_managers(client, org.owner, org.team_id, [employee_user, org.team_lead.user_id])
    own = decide(client, org.employee, both)
    assert [r["status"] for r in own] == [403, 403]
    assert all("your own" in r["problem"]["detail"] for r in own), own

    assert timeoff(client, org, may["id"])["status"] == "requested"
    assert statement(client, org, submitted["id"])["status"] == "submitted"
    assert decisions_taken(client, org) == []
    assert len(inbox(client, org.team_lead.headers)) == 2


def test_a_rejection_note_reaches_the_item_and_the_history(client: TestClient, org: Org) -> None:
    may = vacation_requested(client, org, *MAY)
    submitted = statement_submitted(client, org, MONDAY)
    lead = org.team_lead

    results = decide(
        client,
        lead.headers,
        [
            one("timeoff", may["id"], "reject", note="The release is that week"),
            one("statement", submitted["id"], "reject", note="Tuesday is missing"),
        ],
    )

    assert answers(results) == [(200, "rejected"), (200, "draft")]
    rejected = timeoff(client, org, may["id"])
    assert (rejected["status"], rejected["decision_note"], rejected["decided_by_user_id"]) == (
        "rejected",
        "The release is that week",
        lead.user_id,
    )
    back = statement(client, org, submitted["id"])
    assert (back["status"], back["note"], back["decided_by_user_id"]) == (
        "draft",
        "Tuesday is missing",
        lead.user_id,
    )
    history = decisions_taken(client, org)
    assert decided(history) == [
        ("timeoff", str(may["id"]), "reject", "The release is that week", lead.user_id, None),
        ("statement", str(submitted["id"]), "reject", "Tuesday is missing", lead.user_id, None),
    ]
    assert [(d["employee_id"], d["period_start"], d["period_end"]) for d in history] == [
        (org.employee_id, *MAY),
        (org.employee_id, MONDAY, "2026-03-08"),
    ]
    assert inbox(client, lead.headers) == []
    again = decide(client, lead.headers, [one("timeoff", may["id"], "reject")])
    assert (again[0]["status"], again[0]["problem"]["timeoff_status"]) == (409, "rejected")


def test_a_statement_is_not_rejected_in_bulk_without_a_note(client: TestClient, org: Org) -> None:
    """The statement's own reject needs a note (the employee sees it); in bulk too."""
    submitted = statement_submitted(client, org, MONDAY)
    may = vacation_requested(client, org, *MAY)
    lead = org.team_lead

    results = decide(
        client,
        lead.headers,
        [one("statement", submitted["id"], "reject"), one("timeoff", may["id"], "reject")],
    )

    assert answers(results) == [(422, None), (200, "rejected")]
    problem = results[0]["problem"]
    assert problem["type"] == f"{PROBLEM}validation"
    assert [error["location"] for error in problem["errors"]] == ["body.note"]
    assert statement(client, org, submitted["id"])["status"] == "submitted"
    assert [d["kind"] for d in decisions_taken(client, org)] == ["timeoff"]
    noted = decide(client, lead.headers, [one("statement", submitted["id"], "reject", note="Why")])
    assert answers(noted) == [(200, "draft")]


def test_statements_approved_in_bulk_or_by_their_own_operation_enter_the_history(
    client: TestClient, org: Org, db: Database
) -> None:
    first = statement_submitted(client, org, MONDAY)
    second = statement_submitted(client, org, NEXT_MONDAY)
    may = vacation_requested(client, org, *MAY)
    lead = org.team_lead

    twice_at_once = [one("statement", first["id"]), one("statement", first["id"])]
    assert answers(decide(client, lead.headers, twice_at_once)) == [(200, "approved"), (409, None)]
    approved = statement(client, org, first["id"])
    assert (approved["status"], approved["decided_by_user_id"]) == ("approved", lead.user_id)
    assert settlements_enqueued(db) == [
        {"statement_id": first["id"], "revision": first["revision"]}
    ]
    by_itself = client.post(f"{STATEMENTS}/{second['id']}/approve", headers=lead.headers)
    assert by_itself.status_code == 200, by_itself.text
    timeoff_approved = client.post(
        f"{org.leave.base}/{may['id']}/approve", json={}, headers=org.owner
    )
    assert timeoff_approved.status_code == 200, timeoff_approved.text

    assert decided(decisions_taken(client, org)) == [
        ("statement", str(first["id"]), "approve", "", lead.user_id, None),
        ("statement", str(second["id"]), "approve", "", lead.user_id, None),
        ("timeoff", str(may["id"]), "approve", "", org.leave.office.oslo.workspace.owner_id, None),
    ]
    twice = decide(client, lead.headers, [one("statement", first["id"], "reject", note="No")])
    assert (twice[0]["status"], twice[0]["problem"]["statement_status"]) == (409, "approved")
    assert len(decisions_taken(client, org)) == 3
    assert inbox(client, lead.headers) == []


def test_a_request_that_is_not_a_list_of_1_to_100_decisions_is_a_problem(
    client: TestClient, org: Org
) -> None:
    lead = org.team_lead.headers

    def refused(body: object) -> dict[str, Any]:
        response = client.post(DECISIONS, json=body, headers=lead)
        problem = assert_problem(response, 422)
        assert response.headers["content-type"].startswith(PROBLEM_JSON)
        return problem

    assert refused({"decisions": []})["errors"]
    assert refused({"decisions": [one("timeoff", n) for n in range(1, 102)]})["errors"]
    assert refused({"decisions": [one("invoice", 1)]})["errors"]
    refused({"decisions": [one("timeoff", 1, "maybe")]})
    refused({"decisions": [{"kind": "timeoff", "decision": "approve"}]})
    refused({"decisions": [one("timeoff", "1 OR 1=1")]})
    refused({"decisions": [one("timeoff", "")]})
    refused({"decisions": [one("timeoff", 1, note="x" * 2001)]})
    refused({"decisions": [one("timeoff", 1, extra=True)]})
    refused({"decisions": [one("timeoff", 1)], "dry_run": True})
    refused({})
    refused([one("timeoff", 1)])
    not_json = client.post(
        DECISIONS, content=b"{", headers={**lead, "Content-Type": "application/json"}
    )
    assert_problem(not_json, 422)
    assert_problem(client.post(DECISIONS, json={"decisions": [one("timeoff", 1)]}), 401)

    hundred = decide(client, lead, [one("timeoff", MISSING_ID + n) for n in range(100)])
    assert [result["status"] for result in hundred] == [404] * 100
