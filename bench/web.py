"""Issue #22's figures (scenario 13): the web app's "my week" of one employee and "my team
today" of the dataset's department head (about 400 employees), read with a session cookie
as a browser would, and a kiosk's punches through `POST /api/kiosk/punch` with its
device token, over HTTP against the real server.

`prepare` sets the state up through the API with the owner's key, as an administrator
would: a password for the head and for the sample employee (a reset token, redeemed) and
a session of each (`POST /api/auth/login`); a kiosk serving the org units of ten
employees employed today whom scenario 5 does not clock (it clocks the
sample employees), with a badge and a PIN for each.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bench.load import Request

WEEK_PAGE = "/week"
TEAM_PAGE = "/team"
PUNCH = "/api/kiosk/punch"
IDENTIFY = "/api/kiosk/identify"
PAGE_P99_MS = 50.0
PUNCH_P99_MS = 30.0
"""Issue #22's targets: the pages' server time p99 ≤ 50 ms, a kiosk punch p99 ≤ 30 ms."""
KIOSK_PEOPLE = 10
PIN = "4816"
SESSION_COOKIE = "tl_session"


@dataclass(frozen=True)
class Badge:
    badge: str
    clocked_in: bool
    """Its state when prepared: the first punch goes the other way."""


@dataclass(frozen=True)
class WebState:
    head_cookie: dict[str, str]
    employee_cookie: dict[str, str]
    kiosk_headers: dict[str, str]
    badges: list[Badge]

    def as_json(self) -> dict[str, Any]:
        return {"kiosk_people": len(self.badges)}


def _checked(response: httpx.Response) -> Any:
    if response.status_code >= 400:
        raise RuntimeError(
            f"{response.request.method} {response.request.url.path}: "
            f"{response.status_code} {response.text[:300]}"
        )
    return response.json() if response.content else None


def _session_cookie(http: httpx.Client, user_id: int, workspace: str) -> dict[str, str]:
    """A session of the user, signed in with a password an administrator reset."""
    user = _checked(http.get(f"/api/users/{user_id}"))
    reset = _checked(http.post(f"/api/users/{user_id}/password-reset"))
    password = secrets.token_urlsafe(18)
    _checked(
        http.post(
            "/api/auth/password-reset", json={"token": reset["token"], "new_password": password}
        )
    )
    login = _checked(
        httpx.post(
            http.base_url.join("/api/auth/login"),
            json={"email": user["email"], "password": password, "workspace": workspace},
            timeout=60,
        )
    )
    return {"Cookie": f"{SESSION_COOKIE}={login['token']}"}


def prepare(
    base_url: str, admin_headers: dict[str, str], info: dict[str, Any], people: list[int]
) -> WebState:
    """The sessions, and a kiosk for `people` (employed, none of those scenario 5 clocks)."""
    with httpx.Client(base_url=base_url, headers=admin_headers, timeout=60) as http:
        workspace = info["workspace_name"]
        head_cookie = _session_cookie(http, info["manager"]["user_id"], workspace)
        employee_cookie = _session_cookie(http, info["sample_employee"]["user_id"], workspace)
        units = sorted(
            {_checked(http.get(f"/api/employees/{person}"))["org_unit_id"] for person in people}
        )
        kiosk = _checked(
            http.post("/api/kiosks", json={"name": "bench entrance", "org_unit_ids": units})
        )
        kiosk_headers = {"Authorization": f"Bearer {kiosk['token']}"}
        badges = []
        for person in people:
            badge = f"B{person}"
            _checked(http.put(f"/api/employees/{person}/kiosk-badge", json={"badge": badge}))
            _checked(http.put(f"/api/employees/{person}/kiosk-pin", json={"pin": PIN}))
            identified = _checked(
                http.post(IDENTIFY, json={"badge": badge, "pin": PIN}, headers=kiosk_headers)
            )
            badges.append(Badge(badge, identified["state"] != "out"))
    return WebState(head_cookie, employee_cookie, kiosk_headers, badges)


def page_factory(path: str, cookie: dict[str, str]) -> Callable[[int, int], Request]:
    request = Request("GET", path, cookie)
    return lambda _worker, _sequence: request


def punch_factory(state: WebState) -> Callable[[int, int], Request]:
    """Request n punches badge n % 10, in and out in turn from its prepared state."""
    punches: dict[str, int] = {}

    def factory(_worker: int, sequence: int) -> Request:
        badge = state.badges[sequence % len(state.badges)]
        done = punches.get(badge.badge, 0)
        punches[badge.badge] = done + 1
        clock_in = (done % 2 == 0) != badge.clocked_in
        action = "clock_in" if clock_in else "clock_out"
        body = {"badge": badge.badge, "pin": PIN, "action": action}
        return Request("POST", PUNCH, state.kiosk_headers, json=body)

    return factory
