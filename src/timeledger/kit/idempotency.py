"""`Idempotency-Key` on POST: a retried request gets the stored response instead of a rerun.

The key is claimed in its own committed transaction before the endpoint runs, so a
concurrent duplicate sees it at once (409). The response is stored after the endpoint's
own transaction committed. Keys belong to the credential that sent them (a hash of the
Authorization header) and live `idempotency_ttl_hours`.
"""

import hashlib
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from starlette.concurrency import run_in_threadpool

from timeledger.kit.db import Database
from timeledger.kit.errors import BadRequest, Conflict, Unprocessable
from timeledger.kit.timeutil import utcnow
from timeledger.models import IdempotencyRecord

HEADER = "Idempotency-Key"
MAX_KEY_LENGTH = 255
ABANDONED_CLAIM_AFTER = timedelta(minutes=5)
TRANSIENT_STATUSES = frozenset({409, 412, 423, 429})
REPLAYED_HEADERS = ("content-type", "location", "etag")


@dataclass(frozen=True)
class StoredResponse:
    status: int
    headers: dict[str, str]
    body: bytes


def _sha256(*parts: bytes) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(len(part).to_bytes(8, "big"))
        digest.update(part)
    return digest.hexdigest()


def _claim(
    db: Database, credential_hash: str, key: str, request_hash: str, ttl: timedelta
) -> StoredResponse | None:
    now = utcnow()
    with db.transaction() as session:
        record = session.scalars(
            select(IdempotencyRecord).where(
                IdempotencyRecord.credential_hash == credential_hash,
                IdempotencyRecord.key == key,
            )
        ).one_or_none()
        abandoned = (
            record is not None
            and not record.completed
            and record.created_at < now - ABANDONED_CLAIM_AFTER
        )
        if record is not None and (record.expires_at <= now or abandoned):
            session.delete(record)
            session.flush()
            record = None
        if record is None:
            session.add(
                IdempotencyRecord(
                    credential_hash=credential_hash,
                    key=key,
                    request_hash=request_hash,
                    created_at=now,
                    expires_at=now + ttl,
                )
            )
            try:
                session.flush()
            except IntegrityError:
                raise _in_progress() from None
            return None
        if record.request_hash != request_hash:
            raise Unprocessable(
                f"{HEADER} {key!r} was already used with a different request; "
                "use a new key for a new request.",
                errors=[{"location": f"header.{HEADER}", "message": "reused with another body"}],
            )
        if not record.completed:
            raise _in_progress()
        return StoredResponse(
            status=record.response_status or 200,
            headers=dict(record.response_headers or {}),
            body=record.response_body or b"",
        )


def _in_progress() -> Conflict:
    return Conflict(
        f"A request with this {HEADER} is still being processed; retry when it has finished."
    )


def _finish(db: Database, credential_hash: str, key: str, response: Response | None) -> None:
    with db.transaction() as session:
        record = session.scalars(
            select(IdempotencyRecord).where(
                IdempotencyRecord.credential_hash == credential_hash,
                IdempotencyRecord.key == key,
            )
        ).one()
        storable = (
            response is not None
            and response.status_code < 500
            and response.status_code not in TRANSIENT_STATUSES
            and hasattr(response, "body")
        )
        if not storable or response is None:
            session.delete(record)
            return
        record.completed = True
        record.response_status = response.status_code
        record.response_headers = {
            name: value for name, value in response.headers.items() if name in REPLAYED_HEADERS
        }
        record.response_body = bytes(response.body)


def purge_expired_idempotency_records(db: Database) -> int:
    with db.transaction() as session:
        result = session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow())
        )
        return int(getattr(result, "rowcount", 0) or 0)


class IdempotentRoute(APIRoute):
    """Route class of every router: adds Idempotency-Key handling to POST operations."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        if "POST" not in (self.methods or ()):
            return handler

        async def idempotent_handler(request: Request) -> Response:
            key = request.headers.get(HEADER)
            if key is None:
                return await handler(request)
            if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
                raise BadRequest(
                    f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters.",
                    errors=[{"location": f"header.{HEADER}", "message": "invalid key"}],
                )
            db: Database = request.app.state.db
            ttl = timedelta(hours=request.app.state.settings.idempotency_ttl_hours)
            credential_hash = _sha256(request.headers.get("authorization", "").encode())
            request_hash = _sha256(
                request.method.encode(),
                request.url.path.encode(),
                request.url.query.encode(),
                await request.body(),
            )
            stored = await run_in_threadpool(_claim, db, credential_hash, key, request_hash, ttl)
            if stored is not None:
                replay = Response(stored.body, status_code=stored.status, headers=stored.headers)
                replay.headers["Idempotent-Replayed"] = "true"
                return replay
            response: Response | None = None
            try:
                response = await handler(request)
            finally:
                await run_in_threadpool(_finish, db, credential_hash, key, response)
            return response

        return idempotent_handler
