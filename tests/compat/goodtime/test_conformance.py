"""The GoodTime face walked through the resources of the GoodTime seed and
compat/goodtime.md, over the real database on both engines."""

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from fastapi.testclient import TestClient

from tests.compat.goodtime.support import (
    API_PASSWORD,
    BASE,
    SETTING,
    TIME,
    GoodTime,
    assert_error,
    enable,
    gt_id,
    login,
    native,
)
from tests.compat.mite.support import Mite
from tests.conftest import WorkspaceFixture
from tests.timesheet.support import Person, person_in
from timeledger.compat.goodtime.auth import TOKEN_LIFETIME, signing_key
from timeledger.config import Settings
from timeledger.kit.clock import Clock, FixedClock, ShiftedClock, clock_in_use, utcnow
from timeledger.kit.db import Database
from timeledger.signin.service import MAX_FAILURES_PER_ACCOUNT

EXAMPLES_PAST = datetime(2026, 9, 16, tzinfo=UTC)
"""The day after the seed's examples (2026-09-15): their spans may not end in the future."""


@pytest.fixture(autouse=True)
def clock(clock: Clock) -> Iterator[Clock]:
    """The test clock, moved to the same time of day after the seed's examples when it
    stands before them (a suite run at a chosen earlier instant)."""
    now = clock.now()
    if now >= EXAMPLES_PAST:
        yield clock
        return
    moved_to = datetime.combine(EXAMPLES_PAST.date(), now.timetz())
    moved: Clock = FixedClock(moved_to) if isinstance(clock, FixedClock) else ShiftedClock(moved_to)
    with clock_in_use(moved):
        yield moved


@pytest.fixture
def admin(client: TestClient, db: Database, workspace: WorkspaceFixture) -> Person:
    return person_in(client, db, workspace, "admin")


@pytest.fixture
def goodtime(client: TestClient, workspace: WorkspaceFixture, admin: Person) -> GoodTime:
    enable(client, workspace)
    return GoodTime.log_in(client, admin.principal.email or "")


def _post(client: TestClient, workspace: WorkspaceFixture, path: str, body: Any) -> Any:
    response = client.post(path, json=body, headers=workspace.headers)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.fixture
def catalog(client: TestClient, workspace: WorkspaceFixture, person: Person) -> dict[str, int]:
    """Two projects in force since 2020; the person is a member of `Website` only."""
    website = _post(
        client, workspace, "/api/projects", {"name": "Website", "effective_from": "2020-01-01"}
    )
    api = _post(
        client, workspace, "/api/projects", {"name": "API Docs", "effective_from": "2020-01-01"}
    )
    members = client.put(
        f"/api/projects/{website['id']}/members",
        json={"items": [{"user_id": person.principal.user_id}]},
        headers=workspace.headers,
    )
    assert members.status_code == 200, members.text
    return {"website": website["id"], "api": api["id"]}


def _claims(settings: Settings, token: str) -> dict[str, Any]:
    """The token's claims, its lifetime left to the server's clock."""
    claims: dict[str, Any] = jwt.decode(
        token,
        signing_key(settings),
        algorithms=["HS256"],
        audience="goodtime",
        options={"verify_exp": False, "verify_iat": False},
    )
    return claims


def _forged(settings: Settings, **claims: Any) -> str:
    now = utcnow()
    values = {"aud": "goodtime", "iat": now, "exp": now + timedelta(minutes=5), "jti": "x"}
    return jwt.encode({**values, **claims}, signing_key(settings), algorithm="HS256")


# Hello and login


def test_hello_answers_always_and_the_secured_hello_needs_a_token(
    client: TestClient, workspace: WorkspaceFixture, admin: Person
) -> None:
    hello = client.get(f"{BASE}/hello/sayhello")
    assert (hello.status_code, hello.text) == (200, "Hello!")
    assert hello.headers["content-type"].startswith("text/plain")
    message = assert_error(client.get(f"{BASE}/hello/securedSayhello"), 401)
    assert "login" in message
    assert (
        client.get(f"{BASE}/hello/securedSayhello").headers["www-authenticate"].startswith("Bearer")
    )

    enable(client, workspace)
    goodtime = GoodTime.log_in(client, admin.principal.email or "")
    secured = client.get(f"{BASE}/hello/securedSayhello", headers=goodtime.headers)
    assert (secured.status_code, secured.text) == (200, "Secured Hello!")

    enable(client, workspace, password=None, enabled=False)
    assert client.get(f"{BASE}/hello/sayhello").text == "Hello!"
    still = client.get(f"{BASE}/hello/securedSayhello", headers=goodtime.headers)
    assert (still.status_code, still.text) == (200, "Secured Hello!")


def test_login_returns_a_signed_short_lived_token(
    client: TestClient, settings: Settings, workspace: WorkspaceFixture, admin: Person
) -> None:
    enable(client, workspace)
    email = admin.principal.email or ""
    response = login(client, email.upper())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    claims = _claims(settings, response.text)
    assert claims["sub"] == str(admin.principal.user_id)
    assert claims["workspace_id"] == workspace.id
    assert claims["aud"] == "goodtime"
    assert 0 < claims["exp"] - claims["iat"] <= 3600
    assert len(claims["jti"]) >= 16
    assert jwt.get_unverified_header(response.text)["alg"] == "HS256"

    as_json = login(client, email, headers={"Accept": "application/json"})
    assert as_json.headers["content-type"].startswith("application/json")
    token = as_json.json()
    assert _claims(settings, token)["jti"] != claims["jti"]

    form = client.post(f"{BASE}/login", data={"loginemail": email, "apipassword": API_PASSWORD})
    assert form.status_code == 200, form.text
    # The token works as `Bearer <jwt>`, bare, and still quoted as a JSON string.
    for header in (f"Bearer {token}", token, f'Bearer "{token}"'):
        secured = client.get(f"{BASE}/hello/securedSayhello", headers={"Authorization": header})
        assert secured.text == "Secured Hello!", header
    owner = login(client, workspace.owner_email)
    assert owner.status_code == 200
    assert _claims(settings, owner.text)["sub"] == str(workspace.owner_id)


def test_every_failed_login_looks_the_same(
    client: TestClient, db: Database, workspace: WorkspaceFixture, admin: Person, person: Person
) -> None:
    email = admin.principal.email or ""
    disabled = login(client, email)
    enable(client, workspace)
    failures = [
        disabled,
        login(client, "nobody@example.com"),
        login(client, email, "not-the-api-password"),
        login(client, person.principal.email or ""),
        login(client, email, workspace.owner_password),
    ]
    bodies = {assert_error(response, 401) for response in failures}
    assert bodies == {"The email or the password is wrong."}
    assert login(client, email).status_code == 200
    enable(client, workspace, password=None, enabled=False)
    assert assert_error(login(client, email), 401) == "The email or the password is wrong."

    for body in ({"loginemail": email}, {"apipassword": API_PASSWORD}, {}, [email]):
        assert_error(client.post(f"{BASE}/login", json=body), 400)
    bad_json = client.post(
        f"{BASE}/login", content=b"{nope", headers={"Content-Type": "application/json"}
    )
    assert_error(bad_json, 400)
    numbers = client.post(f"{BASE}/login", json={"loginemail": 7, "apipassword": API_PASSWORD})
    assert_error(numbers, 400)


def test_too_many_failures_answer_429_with_retry_after(
    client: TestClient, workspace: WorkspaceFixture, admin: Person
) -> None:
    enable(client, workspace)
    email = admin.principal.email or ""
    for _ in range(MAX_FAILURES_PER_ACCOUNT):
        assert login(client, email, "wrong-wrong-wrong").status_code == 401
    throttled = login(client, email)
    message = assert_error(throttled, 429)
    assert "Too many" in message
    assert 1 <= int(throttled.headers["retry-after"]) <= 15 * 60 + 1
    # The same limits as the native sign-in: the account is throttled there too.
    native_login = client.post(
        "/api/auth/login", json={"email": email, "password": "whatever-it-is"}
    )
    assert native_login.status_code == 429


# Tokens


def test_expired_forged_and_outdated_tokens_are_refused(
    client: TestClient, settings: Settings, goodtime: GoodTime, admin: Person,
    workspace: WorkspaceFixture,
) -> None:  # fmt: skip
    claims = _claims(settings, goodtime.token)
    past = utcnow() - timedelta(hours=2)
    expired = jwt.encode(
        {**claims, "iat": past, "exp": past + timedelta(hours=1)},
        signing_key(settings),
        algorithm="HS256",
    )
    wrong_key = jwt.encode(claims, b"k" * 32, algorithm="HS256")
    wrong_audience = _forged(
        settings, sub=claims["sub"], workspace_id=workspace.id, pwv=1, aud="mctime"
    )
    no_workspace = _forged(settings, sub=claims["sub"], pwv=1)
    unsigned = jwt.encode(claims, key="", algorithm="none")  # "" is PyJWT's typed "no key"
    for token in (expired, wrong_key, wrong_audience, no_workspace, unsigned, "garbage"):
        response = client.get(f"{TIME}/timetypes", headers={"Authorization": f"Bearer {token}"})
        assert assert_error(response, 401) == "The token is invalid or expired; log in again."
    assert assert_error(client.get(f"{TIME}/timetypes"), 401)

    assert client.get(f"{TIME}/timetypes", headers=goodtime.headers).status_code == 200
    # A new API password ends the tokens issued under the old one.
    enable(client, workspace, password="another-api-password-88")
    assert_error(client.get(f"{TIME}/timetypes", headers=goodtime.headers), 401)
    assert login(client, admin.principal.email or "").status_code == 401
    assert login(client, admin.principal.email or "", "another-api-password-88").status_code == 200


@pytest.mark.frozen_clock
def test_a_token_lives_one_hour_by_the_servers_clock(
    client: TestClient, goodtime: GoodTime, clock: Clock
) -> None:
    assert isinstance(clock, FixedClock)
    clock.advance(TOKEN_LIFETIME - timedelta(seconds=1))
    assert client.get(f"{TIME}/timetypes", headers=goodtime.headers).status_code == 200
    clock.advance(timedelta(seconds=1))
    response = client.get(f"{TIME}/timetypes", headers=goodtime.headers)
    assert assert_error(response, 401) == "The token is invalid or expired; log in again."


def test_a_token_is_bound_to_its_workspace(
    client: TestClient, db: Database, settings: Settings, goodtime: GoodTime,
    admin: Person, workspace: WorkspaceFixture, other_workspace: WorkspaceFixture,
) -> None:  # fmt: skip
    enable(client, other_workspace, password="globex-api-password-99")
    other = GoodTime.log_in(client, other_workspace.owner_email, "globex-api-password-99")
    # Each token sees its own workspace's people only.
    ours = {user["loginemail"] for user in goodtime.ok("users")}
    theirs = {user["loginemail"] for user in other.ok("users")}
    assert workspace.owner_email in ours and other_workspace.owner_email not in ours
    assert theirs == {other_workspace.owner_email}
    # A token claiming another workspace for our admin is refused.
    claims = _claims(settings, goodtime.token)
    moved = _forged(settings, sub=claims["sub"], workspace_id=other_workspace.id, pwv=1)
    assert_error(client.get(f"{TIME}/users", headers={"Authorization": f"Bearer {moved}"}), 401)
    # Our person's entries are not found through the other workspace's token.
    assert_error(
        other.request(
            "GET",
            "timeentries",
            params={"useremail": admin.principal.email, "start": "2026-01-01", "end": "2026-12-31"},
        ),
        404,
    )
    # Disabling our face leaves the other workspace's token working.
    enable(client, workspace, password=None, enabled=False)
    assert_error(client.get(f"{TIME}/users", headers=goodtime.headers), 403)
    assert other.ok("users") == [{"loginemail": other_workspace.owner_email}]


def test_while_disabled_everything_but_hello_answers_403(
    client: TestClient, goodtime: GoodTime, workspace: WorkspaceFixture, admin: Person,
    activities: dict[str, int],
) -> None:  # fmt: skip
    enable(client, workspace, password=None, enabled=False)
    email = admin.principal.email
    window = {"useremail": email, "start": "2026-09-01", "end": "2026-09-30"}
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "timetypes", {}),
        ("GET", "users", {}),
        ("GET", "projects", {}),
        ("GET", f"projects/{email}", {}),
        ("GET", "timeentries", {"params": window}),
        ("POST", "timeentries", {"json": window}),
        ("POST", "createtimeentry", {"json": {}}),
        ("DELETE", f"deletetimeentry/{gt_id(1)}", {}),
    ]
    for method, path, kwargs in calls:
        message = assert_error(goodtime.request(method, path, **kwargs), 403)
        assert "not enabled" in message, path
    assert client.get(f"{BASE}/hello/sayhello").text == "Hello!"
    secured = client.get(f"{BASE}/hello/securedSayhello", headers=goodtime.headers)
    assert secured.text == "Secured Hello!"
    enable(client, workspace, password=None)
    assert goodtime.request("GET", "timetypes").status_code == 200


def test_the_caller_needs_the_permissions_of_each_operation(
    client: TestClient, db: Database, goodtime: GoodTime, workspace: WorkspaceFixture,
    settings: Settings, person: Person,
) -> None:  # fmt: skip
    """A token of an admin later made an employee: the role decides, as natively."""
    employee_token = _forged(
        settings, sub=str(person.principal.user_id), workspace_id=workspace.id, pwv=1
    )
    headers = {"Authorization": f"Bearer {employee_token}"}
    assert client.get(f"{TIME}/timetypes", headers=headers).status_code == 200
    for path in ("users", "projects"):
        assert "requires the permission" in assert_error(
            client.get(f"{TIME}/{path}", headers=headers), 403
        )


# Catalog


def test_time_types_are_the_activities_with_uuid_ids(
    client: TestClient, goodtime: GoodTime, workspace: WorkspaceFixture, activities: dict[str, int]
) -> None:
    types = goodtime.ok("timetypes")
    listed = client.get("/api/settings/activities?limit=200", headers=workspace.headers).json()
    names = {item["id"]: item["name"] for item in listed["items"]}
    assert {native(item["id"]): item["name"] for item in types} == names
    assert [item["name"] for item in types] == sorted(item["name"] for item in types)
    work = next(item for item in types if native(item["id"]) == activities["work"])
    assert work["id"] == str(uuid.UUID(int=activities["work"]))
    assert uuid.UUID(work["id"]).version is None
    assert set(work) == {"id", "name"}


def test_users_are_the_login_emails_of_people(
    goodtime: GoodTime, workspace: WorkspaceFixture, admin: Person, person: Person
) -> None:
    users = goodtime.ok("users")
    assert all(set(user) == {"loginemail"} for user in users)
    emails = [user["loginemail"] for user in users]
    assert set(emails) == {workspace.owner_email, admin.principal.email, person.principal.email}
    assert emails == sorted(emails)


def test_projects_and_the_projects_of_a_user(
    goodtime: GoodTime, catalog: dict[str, int], person: Person, admin: Person
) -> None:
    projects = goodtime.ok("projects")
    assert projects == [
        {"id": gt_id(catalog["api"]), "name": "API Docs"},
        {"id": gt_id(catalog["website"]), "name": "Website"},
    ]
    email = person.principal.email or ""
    assert goodtime.ok(f"projects/{email}") == [
        {"id": gt_id(catalog["website"]), "name": "Website"}
    ]
    assert goodtime.ok(f"projects/{email.upper()}") == goodtime.ok(f"projects/{email}")
    assert goodtime.ok(f"projects/{admin.principal.email}") == []
    assert "nobody@example.com" in assert_error(
        goodtime.request("GET", "projects/nobody@example.com"), 404
    )


# Time entries


def test_an_entry_created_through_goodtime_reads_back_everywhere(
    client: TestClient, goodtime: GoodTime, workspace: WorkspaceFixture, person: Person,
    activities: dict[str, int], catalog: dict[str, int],
) -> None:  # fmt: skip
    email = person.principal.email or ""
    created = goodtime.create(
        starttime="2026-09-15T08:00:00",
        endtime="2026-09-15T10:30:00",
        useremail=email,
        timetypeid=gt_id(activities["work"]),
        projectid=gt_id(catalog["website"]),
        comment="Wireframes",
    )
    entry_id = native(created)

    native_read = client.get(f"{person.entries}/{entry_id}", headers=workspace.headers)
    assert native_read.status_code == 200, native_read.text
    entry = native_read.json()
    assert entry["user_id"] == person.principal.user_id
    assert entry["date"] == "2026-09-15"
    assert entry["minutes"] == 150
    # No offset: the workspace's time zone (Europe/Copenhagen, UTC+2 in September).
    assert datetime.fromisoformat(entry["started_at"]) == datetime(2026, 9, 15, 6, 0, tzinfo=UTC)
    assert datetime.fromisoformat(entry["ended_at"]) == datetime(2026, 9, 15, 8, 30, tzinfo=UTC)
    assert entry["activity_id"] == activities["work"]
    assert entry["project_id"] == catalog["website"]
    assert entry["note"] == "Wireframes"

    mite = Mite.of(client, person).ok(f"time_entries/{entry_id}.json")["time_entry"]
    assert mite["id"] == entry_id
    assert mite["date_at"] == "2026-09-15"
    assert mite["minutes"] == 150
    assert mite["note"] == "Wireframes"
    assert mite["service_id"] == activities["work"]
    assert mite["project_id"] == catalog["website"]
    assert mite["user_id"] == person.principal.user_id

    expected = {
        "id": created,
        "starttime": "2026-09-15T08:00:00+02:00",
        "endtime": "2026-09-15T10:30:00+02:00",
        "useremail": email,
        "timetypeid": gt_id(activities["work"]),
        "projectid": gt_id(catalog["website"]),
        "comment": "Wireframes",
    }
    window = {"useremail": email, "start": "2026-09-15", "end": "2026-09-15"}
    assert goodtime.ok("timeentries", **window) == [expected]
    posted = goodtime.request("POST", "timeentries", json=window)
    assert posted.status_code == 200, posted.text
    assert posted.json() == [expected]
    form = goodtime.request("POST", "timeentries", data=window)
    assert form.json() == [expected]
    by_query = goodtime.request("POST", "timeentries", params=window)
    assert by_query.json() == [expected]


def test_an_entry_overlapping_another_of_the_person_is_refused(
    goodtime: GoodTime, person: Person, activities: dict[str, int]
) -> None:
    span = {
        "starttime": "2026-09-15T08:00:00",
        "endtime": "2026-09-15T10:30:00",
        "useremail": person.principal.email or "",
        "timetypeid": gt_id(activities["work"]),
    }
    first = goodtime.create(**span)

    again = goodtime.request("POST", "createtimeentry", json=span)

    assert str(native(first)) in assert_error(again, 409)
    goodtime.create(
        **{**span, "starttime": "2026-09-15T10:30:00", "endtime": "2026-09-15T11:00:00"}
    )


def test_offsets_windows_and_entries_of_a_date_and_minutes(
    client: TestClient, goodtime: GoodTime, workspace: WorkspaceFixture, person: Person,
    activities: dict[str, int],
) -> None:  # fmt: skip
    email = person.principal.email or ""
    work = gt_id(activities["work"])
    late = goodtime.create(
        starttime="2026-09-15T20:00:00Z",
        endtime="2026-09-15T21:00:00Z",
        useremail=email,
        timetypeid=work,
    )
    # 22:00 in Copenhagen: shown in the workspace's zone, without a project or comment.
    dated = client.post(
        person.entries,
        json={"date": "2026-09-16", "minutes": 90, "activity_id": activities["work"]},
        headers=workspace.headers,
    )
    assert dated.status_code == 201, dated.text
    both = goodtime.ok("timeentries", useremail=email, start="2026-09-15", end="2026-09-16")
    assert both == [
        {
            "id": late,
            "starttime": "2026-09-15T22:00:00+02:00",
            "endtime": "2026-09-15T23:00:00+02:00",
            "useremail": email,
            "timetypeid": work,
            "projectid": None,
            "comment": "",
        },
        {
            "id": gt_id(dated.json()["id"]),
            "starttime": "2026-09-16T00:00:00+02:00",
            "endtime": "2026-09-16T01:30:00+02:00",
            "useremail": email,
            "timetypeid": work,
            "projectid": None,
            "comment": "",
        },
    ]

    def ids(start: str, end: str) -> list[str]:
        found = goodtime.ok("timeentries", useremail=email, start=start, end=end)
        return [item["id"] for item in found]

    # Date-times select the local days they overlap; an end at midnight is exclusive.
    assert ids("2026-09-15T00:00:00", "2026-09-16T00:00:00") == [late]
    assert ids("2026-09-16T00:00:00+02:00", "2026-09-17T00:00:00+02:00") == [
        gt_id(dated.json()["id"])
    ]
    assert ids("2026-09-15T23:00:00", "2026-09-16T00:30:00") == [late, gt_id(dated.json()["id"])]
    assert ids("2026-09-15T12:00:00", "2026-09-15T12:00:00") == []
    assert ids("2026-09-17", "2026-09-30") == []


def test_locked_is_shown_only_with_lockable_entries(
    client: TestClient, goodtime: GoodTime, workspace: WorkspaceFixture, person: Person,
    activities: dict[str, int],
) -> None:  # fmt: skip
    email = person.principal.email or ""
    created = goodtime.create(
        starttime="2026-09-15T08:00:00+02:00",
        endtime="2026-09-15T09:00:00+02:00",
        useremail=email,
        timetypeid=gt_id(activities["work"]),
    )
    window = {"useremail": email, "start": "2026-09-15", "end": "2026-09-15"}
    assert "locked" not in goodtime.ok("timeentries", **window)[0]
    enable(client, workspace, password=None, lockable_entries=True)
    assert goodtime.ok("timeentries", **window)[0]["locked"] is False
    locked = client.patch(
        f"{person.entries}/{native(created)}", json={"locked": True}, headers=workspace.headers
    )
    assert locked.status_code == 200, locked.text
    assert goodtime.ok("timeentries", **window)[0]["locked"] is True
    refused = goodtime.request("DELETE", f"deletetimeentry/{created}")
    assert refused.status_code == 423
    assert assert_error(refused, 423)


def test_deleting_an_entry(
    client: TestClient, goodtime: GoodTime, workspace: WorkspaceFixture, person: Person,
    activities: dict[str, int],
) -> None:  # fmt: skip
    created = goodtime.create(
        starttime="2026-09-15T08:00:00",
        endtime="2026-09-15T09:00:00",
        useremail=person.principal.email,
        timetypeid=gt_id(activities["work"]),
    )
    deleted = goodtime.request("DELETE", f"deletetimeentry/{created}")
    assert (deleted.status_code, deleted.content) == (204, b"")
    gone = client.get(f"{person.entries}/{native(created)}", headers=workspace.headers)
    assert gone.status_code == 404
    assert created in assert_error(goodtime.request("DELETE", f"deletetimeentry/{created}"), 404)
    assert_error(goodtime.request("DELETE", "deletetimeentry/not-an-id"), 404)
    assert_error(goodtime.request("DELETE", f"deletetimeentry/{uuid.UUID(int=2**70)}"), 404)


def test_malformed_requests_answer_4xx_never_500(
    client: TestClient, goodtime: GoodTime, person: Person, activities: dict[str, int]
) -> None:
    email = person.principal.email
    good = {
        "starttime": "2026-09-15T08:00:00",
        "endtime": "2026-09-15T09:00:00",
        "useremail": email,
        "timetypeid": gt_id(activities["work"]),
    }
    cases: list[tuple[dict[str, Any], int, str]] = [
        ({**good, "starttime": None}, 400, "starttime is required"),
        ({k: v for k, v in good.items() if k != "useremail"}, 400, "useremail is required"),
        ({**good, "starttime": "yesterday"}, 400, "starttime"),
        ({**good, "endtime": "2026-13-45T00:00:00"}, 400, "endtime"),
        ({**good, "starttime": "0001-01-01T00:00:00"}, 400, "starttime"),
        ({**good, "useremail": "nobody@example.com"}, 422, "nobody@example.com"),
        ({**good, "timetypeid": "work"}, 422, "timetypeid"),
        ({**good, "timetypeid": gt_id(999_999)}, 422, "timetypeid"),
        ({**good, "projectid": gt_id(999_999)}, 422, "projectid"),
        ({**good, "endtime": "2026-09-15T07:00:00"}, 422, ""),
        ({**good, "comment": 5}, 400, "comment"),
        ({**good, "useremail": ["x"]}, 400, "useremail"),
    ]
    for body, status, fragment in cases:
        response = goodtime.request("POST", "createtimeentry", json=body)
        assert fragment in assert_error(response, status), body
    for raw in (b"{not json", b"[1, 2]", b'"text"'):
        response = goodtime.request(
            "POST", "createtimeentry", content=raw, headers={"Content-Type": "application/json"}
        )
        assert_error(response, 400)

    window = {"useremail": email, "start": "2026-09-01", "end": "2026-09-30"}
    for params, status in (
        ({**window, "start": "soon"}, 400),
        ({**window, "end": "2026-02-30"}, 400),
        ({**window, "start": "2026-10-02"}, 400),
        ({**window, "useremail": "nobody@example.com"}, 404),
        ({"start": "2026-09-01", "end": "2026-09-30"}, 400),
        ({"useremail": email, "end": "2026-09-30"}, 400),
        ({**window, "end": "9999-12-31"}, 400),
    ):
        assert_error(goodtime.request("GET", "timeentries", params=params), status)
    assert_error(goodtime.request("GET", "nothing-here"), 404)
    assert_error(goodtime.request("PUT", "timetypes"), 405)
    # Nothing was created by any of it.
    assert goodtime.ok("timeentries", **window) == []
    assert client.get(f"{BASE}/hello/sayhello").status_code == 200
    assert client.get(SETTING).status_code == 401
