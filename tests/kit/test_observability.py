import uuid
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from opentelemetry import _logs, metrics, trace

from tests.conftest import WorkspaceFixture
from timeledger.kit.observability import RequestMetrics


def _is_generated(request_id: str) -> bool:
    return len(request_id) == 32 and uuid.UUID(hex=request_id).hex == request_id


def test_every_response_has_a_request_id_kept_only_when_sane(client: TestClient) -> None:
    generated = set()
    for path in ("/api/", "/api/nowhere", "/metrics", "/api/openapi.json"):
        request_id = client.get(path).headers["x-request-id"]
        assert _is_generated(request_id)
        generated.add(request_id)
    assert len(generated) == 4
    for sane in ("abc-123", "A.b_c-9", "x" * 64):
        response = client.get("/api/", headers={"X-Request-ID": sane})
        assert response.headers["x-request-id"] == sane
    for insane in ("x" * 65, "has space", "<script>", "semi;colon", "", "back\\slash"):
        replaced = client.get("/api/", headers={"X-Request-ID": insane}).headers["x-request-id"]
        assert replaced != insane
        assert _is_generated(replaced)


def test_every_response_tells_the_servers_time_to_its_head(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    for response in (
        client.get("/api/"),
        client.get("/api/nowhere"),
        client.get("/api/users", headers=workspace.headers),
    ):
        name, _, duration = response.headers["server-timing"].partition(";dur=")
        assert name == "app"
        assert 0 <= float(duration) < 60_000


def test_metrics_count_requests_per_route_template(
    client: TestClient, workspace: WorkspaceFixture
) -> None:
    client.get("/api/roles/123456", headers=workspace.headers)
    client.get("/api/admin/workspace", headers=workspace.headers)
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    text = response.text
    assert "# TYPE timeledger_http_requests_total counter" in text
    assert "timeledger_http_request_duration_seconds_bucket" in text
    lines = [
        line for line in text.splitlines() if line.startswith("timeledger_http_requests_total")
    ]
    assert any('route="/api/roles/{role_id}"' in line and 'status="404"' in line for line in lines)
    assert any('route="/api/admin/workspace"' in line and 'status="200"' in line for line in lines)
    assert not any("123456" in line for line in lines)


def test_requests_never_look_up_the_global_opentelemetry_providers(
    client: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    looked_up: list[str] = []

    def recording(getter: str, original: Callable[[], object]) -> Callable[[], object]:
        def look_up() -> object:
            looked_up.append(getter)
            return original()

        return look_up

    for module, getter in (
        (trace, "get_tracer_provider"),
        (metrics, "get_meter_provider"),
        (_logs, "get_logger_provider"),
    ):
        monkeypatch.setattr(module, getter, recording(getter, getattr(module, getter)))

    assert client.get("/api/").status_code == 200
    assert client.get("/api/nowhere").status_code == 404
    assert looked_up == []


def test_request_metrics_count_each_duration_in_its_bucket_and_all_above() -> None:
    metrics = RequestMetrics(buckets=(0.01, 0.1, float("inf")))
    for seconds in (0.004, 0.01, 0.05, 3.0):
        metrics.record("GET", "/api/users", 200, seconds)
    metrics.record("GET", "/api/users", 404, 0.002)
    answered, durations = metrics.collect()
    assert {(sample.labels["status"], sample.value) for sample in answered.samples} == {
        ("200", 4),
        ("404", 1),
    }
    values = {(sample.name, sample.labels.get("le")): sample.value for sample in durations.samples}
    assert values == {
        ("timeledger_http_request_duration_seconds_bucket", "0.01"): 3,
        ("timeledger_http_request_duration_seconds_bucket", "0.1"): 4,
        ("timeledger_http_request_duration_seconds_bucket", "+Inf"): 5,
        ("timeledger_http_request_duration_seconds_count", None): 5,
        ("timeledger_http_request_duration_seconds_sum", None): pytest.approx(3.066),
    }
