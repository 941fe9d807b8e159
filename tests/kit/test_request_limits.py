from collections.abc import Iterator

import anyio
import pytest
from starlette.exceptions import HTTPException
from starlette.types import Message, Scope

from timeledger.kit.errors import BadRequest, PayloadTooLarge, UriTooLong
from timeledger.kit.request_limits import (
    MAX_URL_BYTES,
    OWN_BODY_LIMIT_PATHS,
    counted_body,
    refusal_of,
)

LIMIT = 100


def _scope(path: str = "/api/roles", query: bytes = b"") -> Scope:
    return {"type": "http", "path": path, "raw_path": path.encode(), "query_string": query}


@pytest.fixture
def own_limit_path() -> Iterator[str]:
    path = "/api/test-upload"
    OWN_BODY_LIMIT_PATHS.add(path)
    yield path
    OWN_BODY_LIMIT_PATHS.discard(path)


def test_an_ordinary_head_is_not_refused() -> None:
    assert refusal_of(_scope(query=b"limit=5"), b"100", LIMIT) is None
    assert refusal_of(_scope(), None, LIMIT) is None


def test_a_url_longer_than_the_limit_is_refused_counting_path_question_mark_and_query() -> None:
    path = "/api/roles"
    fits = b"q=" + b"a" * (MAX_URL_BYTES - len(path) - 1 - 2)
    assert refusal_of(_scope(path, fits), None, LIMIT) is None
    refusal = refusal_of(_scope(path, fits + b"a"), None, LIMIT)
    assert isinstance(refusal, UriTooLong)
    assert str(MAX_URL_BYTES) in refusal.detail


@pytest.mark.parametrize(
    ("path", "query"),
    [("/api/roles/\x00", b""), ("/api/roles", b"name=%00"), ("/api/roles", b"name=\x00")],
)
def test_a_nul_anywhere_in_the_url_is_refused(path: str, query: bytes) -> None:
    assert isinstance(refusal_of(_scope(path, query), None, LIMIT), BadRequest)


def test_a_declared_body_over_the_limit_is_refused_unless_its_route_limits_it(
    own_limit_path: str,
) -> None:
    assert refusal_of(_scope(), b"100", LIMIT) is None
    refusal = refusal_of(_scope(), b"101", LIMIT)
    assert isinstance(refusal, PayloadTooLarge)
    assert "100 bytes" in refusal.detail
    assert refusal_of(_scope(own_limit_path), b"101", LIMIT) is None
    assert refusal_of(_scope(), b"not a number", LIMIT) is None


def _receiving(chunks: list[bytes]) -> Iterator[Message]:
    for index, chunk in enumerate(chunks):
        yield {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}


def _read_all(scope: Scope, chunks: list[bytes]) -> bytes:
    messages = _receiving(chunks)

    async def receive() -> Message:
        return next(messages)

    async def read() -> bytes:
        counted = counted_body(scope, receive, LIMIT)
        body = b""
        while True:
            message = await counted()
            body += bytes(message["body"])
            if not message["more_body"]:
                return body

    return anyio.run(read)


def test_an_undeclared_body_is_counted_while_read(own_limit_path: str) -> None:
    assert _read_all(_scope(), [b"a" * 60, b"b" * 40]) == b"a" * 60 + b"b" * 40
    with pytest.raises(HTTPException) as refused:
        _read_all(_scope(), [b"a" * 60, b"b" * 41])
    assert refused.value.status_code == 413
    assert "100 bytes" in str(refused.value.detail)
    assert len(_read_all(_scope(own_limit_path), [b"a" * 60, b"b" * 41])) == 101
