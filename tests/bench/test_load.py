"""The load generator's reading of an answer's `Server-Timing` header."""

import pytest
from bench.load import LoadResult, Response, server_time_ms


def _answer(timing: str | None) -> Response:
    headers = {"server-timing": timing} if timing is not None else {}
    return Response(200, headers, b"")


@pytest.mark.parametrize(
    ("timing", "expected"),
    [
        ("app;dur=12.5", 12.5),
        ('db;dur=3, app;desc="whole";dur=7', 7.0),
        ("db;dur=3", None),
        ("app;dur=soon", None),
        (None, None),
    ],
)
def test_the_apps_duration_is_read_from_server_timing(
    timing: str | None, expected: float | None
) -> None:
    assert server_time_ms(_answer(timing)) == expected


def test_the_summary_holds_the_servers_percentiles_only_when_recorded() -> None:
    told = LoadResult("told", 1, seconds=1.0, latencies_ms=[5.0, 6.0], server_ms=[2.0, 4.0])
    silent = LoadResult("silent", 1, seconds=1.0, latencies_ms=[5.0])

    assert told.summary()["server_p99_ms"] == 4.0
    assert told.summary()["server_p50_ms"] == 2.0
    assert "server_p99_ms" not in silent.summary()
