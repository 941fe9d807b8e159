"""What the web app answers outside its routes: a page, while the API and the faces keep
their own error formats."""

from fastapi.testclient import TestClient

from tests.conftest import WorkspaceFixture
from tests.web.support import employee_in, sign_in
from timeledger.access.credentials import PasswordHashing
from timeledger.kit.db import Database


def test_an_unknown_page_is_a_page_not_a_problem_document(client: TestClient) -> None:
    answer = client.get("/no-such-page")

    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert "No resource at /no-such-page." in answer.text
    assert answer.headers["x-frame-options"] == "DENY"
    assert "Traceback" not in answer.text


def test_a_method_a_page_does_not_answer_is_a_page(
    client: TestClient, db: Database, hashing: PasswordHashing, workspace: WorkspaceFixture
) -> None:
    sign_in(client, employee_in(client, db, hashing, workspace).email)

    answer = client.put("/week")

    assert answer.status_code == 405
    assert answer.headers["content-type"].startswith("text/html")


def test_the_api_and_the_faces_keep_their_own_formats(client: TestClient) -> None:
    api = client.get("/api/no-such-thing")
    mite = client.get("/compat/mite/no-such-thing.json")

    assert api.status_code == 404
    assert api.headers["content-type"] == "application/problem+json"
    assert mite.status_code == 404
    assert not mite.headers["content-type"].startswith("text/html")
