"""Speaking mite to the test app: a key per person, JSON unwrapped, XML parsed with lxml."""

from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient
from httpx import Response
from lxml import etree

from tests.timesheet.support import Person

BASE = "/compat/mite"


@dataclass(frozen=True)
class Mite:
    client: TestClient
    key: str

    @classmethod
    def of(cls, client: TestClient, person: Person) -> "Mite":
        return cls(client, person.principal.key)

    @property
    def headers(self) -> dict[str, str]:
        return {"X-MiteApiKey": self.key}

    def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, **kwargs: Any
    ) -> Response:
        return self.client.request(
            method, f"{BASE}/{path}", headers={**self.headers, **(headers or {})}, **kwargs
        )

    def get(self, path: str, **params: Any) -> Response:
        return self.request("GET", path, params=params)

    def ok(self, path: str, **params: Any) -> Any:
        response = self.get(path, **params)
        assert response.status_code == 200, response.text
        return response.json()

    def create(self, collection: str, resource: str, values: dict[str, Any]) -> dict[str, Any]:
        response = self.request("POST", f"{collection}.json", json={resource: values})
        assert response.status_code == 201, response.text
        created: dict[str, Any] = response.json()[resource]
        return created

    def entry(self, **values: Any) -> dict[str, Any]:
        return self.create("time_entries", "time_entry", values)


def unwrap(items: list[dict[str, Any]], resource: str) -> list[dict[str, Any]]:
    """A mite JSON list: a bare array of `{"<resource>": {...}}`."""
    assert all(list(item) == [resource] for item in items), items
    return [item[resource] for item in items]


def xml(response: Response) -> etree._Element:
    assert response.headers["content-type"].startswith("application/xml"), response.headers
    root: etree._Element = etree.fromstring(response.content)
    return root


def child(element: etree._Element, name: str) -> etree._Element:
    found = element.find(name)
    assert found is not None, f"<{name}> missing in <{element.tag}>"
    return found
