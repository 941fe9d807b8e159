from fastapi.testclient import TestClient
from httpx import Response

from tests.conftest import WorkspaceFixture

URL = "/api/admin/workspace"


def _read(client: TestClient, owner: WorkspaceFixture) -> tuple[str, dict[str, object]]:
    response = client.get(URL, headers=owner.headers)
    assert response.status_code == 200, response.text
    return response.headers["etag"], response.json()


def _patch(
    client: TestClient, owner: WorkspaceFixture, if_match: str | None, **changes: object
) -> Response:
    headers = dict(owner.headers) if if_match is None else {**owner.headers, "If-Match": if_match}
    return client.patch(URL, headers=headers, json=changes)


def test_the_current_etag_lets_an_update_through_and_a_stale_one_does_not(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    etag, before = _read(client, workspace)
    assert etag.startswith('"') and etag.endswith('"')
    assert str(before["id"]) in etag
    assert _read(client, workspace) == (etag, before)

    updated = _patch(client, workspace, etag, week_start=7)
    assert updated.status_code == 200, updated.text
    assert updated.json()["week_start"] == 7
    current = updated.headers["etag"]
    assert current != etag
    assert _read(client, workspace) == (current, updated.json())

    refused = _patch(client, workspace, etag, currency="USD")
    assert refused.status_code == 412
    assert refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert problem["status"] == 412
    assert problem["current_etag"] == current
    assert _read(client, workspace) == (current, updated.json())


def test_if_match_lists_wildcards_weak_forms_and_no_header(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for header, locale in (('"nope", {etag}', "da"), ("*", "de"), ("W/{etag}", "fr"), (None, "sv")):
        etag, _ = _read(client, workspace)
        response = _patch(
            client, workspace, None if header is None else header.format(etag=etag), locale=locale
        )
        assert response.status_code == 200, (header, response.text)
        assert response.json()["locale"] == locale
        assert response.headers["etag"] != etag
    etag, body = _read(client, workspace)
    for header in ("", '"workspace-0-0"', "W/", '"nope", "nada"'):
        assert _patch(client, workspace, header, locale="en").status_code == 412, header
    assert _read(client, workspace) == (etag, body)
