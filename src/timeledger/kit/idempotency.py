"""`Idempotency-Key` on POST: a retried request gets the stored response instead of a rerun.

The key is claimed in its own committed transaction before the endpoint runs, so a
concurrent duplicate sees it at once (409). The response is stored after the endpoint's
own transaction committed. Keys belong to the credential that sent them (a hash of the
Authorization header) and live `idempotency_ttl_hours`. Only successful responses (below
400) are stored: after a refusal nothing was written, so a retry may run again.

A stored body may hold a secret shown once (a new API key), so it is encrypted (AES-GCM)
with a key derived from the credential itself: only a caller presenting the same
credential can have it replayed, and the database alone never reveals it. Requests without
a credential therefore do not take part: their Idempotency-Key is ignored.
"""

import hashlib
import os
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import anyio
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from fastapi import Request, Response
from sqlalchemy import LargeBinary, String, UniqueConstraint, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.types import Message, Receive, Scope, Send

from timeledger.kit.asgi import body_replayed
from timeledger.kit.clock import utcnow
from timeledger.kit.db import Database
from timeledger.kit.errors import BadRequest, Conflict, Unprocessable
from timeledger.kit.model import Base, IdMixin, JsonDocument
from timeledger.kit.uow import UnitOfWorkRoute

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
MAX_STORED_BODY_BYTES = 1_048_576
ABANDONED_CLAIM_AFTER = timedelta(minutes=5)
REPLAYED_HEADERS = ("content-type", "location", "etag")


class IdempotencyRecord(IdMixin, Base):
    """The stored outcome of a POST made with an Idempotency-Key, per credential."""

    __tablename__ = "idempotency_records"
    __table_args__ = (UniqueConstraint("credential_hash", "key"),)

    credential_hash: Mapped[str] = mapped_column(String(64))
    key: Mapped[str] = mapped_column(String(255))
    request_hash: Mapped[str] = mapped_column(String(64))
    completed: Mapped[bool] = mapped_column(default=False)
    response_status: Mapped[int | None]
    response_headers: Mapped[dict[str, Any] | None] = mapped_column(JsonDocument)
    response_body: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime] = mapped_column(index=True)


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


def credential_hash(authorization: str) -> str:
    """Whose keys these are: a digest of the Authorization header ("" when anonymous)."""
    return _sha256(authorization.encode("latin-1"))


def _cipher(authorization: str) -> AESGCM:
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=b"timeledger idempotency").derive(
        authorization.encode("latin-1")
    )
    return AESGCM(key)


NONCE_BYTES = 12


def seal_body(authorization: str, body: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + _cipher(authorization).encrypt(nonce, body, None)


def open_body(authorization: str, sealed: bytes) -> bytes:
    return _cipher(authorization).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], None)


def request_hash(authorization: str, method: str, path: str, query: bytes, body: bytes) -> str:
    """Keyed by the credential, which the database never holds: a guessable secret in a
    body (a kiosk PIN) cannot be found from the digest by trying candidates."""
    return _sha256(authorization.encode("latin-1"), method.encode(), path.encode(), query, body)


def _claim(
    db: Database, credential: str, key: str, request_digest: str, ttl: timedelta
) -> StoredResponse | None:
    now = utcnow()
    with db.transaction() as session:
        record = session.scalars(
            select(IdempotencyRecord).where(
                IdempotencyRecord.credential_hash == credential,
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
                    credential_hash=credential,
                    key=key,
                    request_hash=request_digest,
                    created_at=now,
                    expires_at=now + ttl,
                )
            )
            try:
                session.flush()
            except IntegrityError:
                raise _in_progress() from None
            return None
        if record.request_hash != request_digest:
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


def _finish(db: Database, credential: str, key: str, response: StoredResponse | None) -> None:
    """Store the response under the claimed key, or release the claim when there is none."""
    with db.transaction() as session:
        record = session.scalars(
            select(IdempotencyRecord).where(
                IdempotencyRecord.credential_hash == credential,
                IdempotencyRecord.key == key,
            )
        ).one_or_none()
        if record is None:
            return
        if response is None:
            session.delete(record)
            return
        record.completed = True
        record.response_status = response.status
        record.response_headers = response.headers
        record.response_body = response.body


def purge_expired_idempotency_records(db: Database) -> int:
    with db.transaction() as session:
        result = session.execute(
            delete(IdempotencyRecord).where(IdempotencyRecord.expires_at <= utcnow())
        )
        return int(getattr(result, "rowcount", 0) or 0)


@dataclass
class _ResponseRecorder:
    """What the route sent, as far as it is worth storing."""

    status: int | None = None
    headers: dict[str, str] = field(default_factory=dict)
    chunks: list[bytes] = field(default_factory=list)
    size: int = 0
    complete: bool = False

    def observe(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.status = int(message["status"])
            for raw_name, raw_value in message.get("headers", []):
                name = raw_name.decode("latin-1").lower()
                if name in REPLAYED_HEADERS:
                    self.headers[name] = raw_value.decode("latin-1")
        elif message["type"] == "http.response.body":
            body = message.get("body", b"")
            self.size += len(body)
            if self.size <= MAX_STORED_BODY_BYTES:
                self.chunks.append(body)
            self.complete = not message.get("more_body", False)

    def storable(self, authorization: str) -> StoredResponse | None:
        if (
            self.status is None
            or self.status >= 400
            or not self.complete
            or self.size > MAX_STORED_BODY_BYTES
        ):
            return None
        sealed = seal_body(authorization, b"".join(self.chunks))
        return StoredResponse(self.status, dict(self.headers), sealed)


def _valid_key(key: str) -> str:
    if not key or len(key) > MAX_KEY_LENGTH or not key.isprintable():
        raise BadRequest(
            f"{HEADER} must be 1 to {MAX_KEY_LENGTH} printable characters.",
            errors=[{"location": f"header.{HEADER}", "message": "invalid key"}],
        )
    return key


class IdempotentRoute(UnitOfWorkRoute):
    """Route class of every router: adds Idempotency-Key handling to POST operations.

    It wraps the whole route application, not just the endpoint handler: the request's unit
    of work ends inside the handler `get_route_handler` returns (see `kit.uow`), so only
    here is the commit known to be done.
    """

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw_key = Headers(scope=scope).get(HEADER) if scope["type"] == "http" else None
        authorization = Headers(scope=scope).get("authorization", "") if raw_key is not None else ""
        if raw_key is None or scope["method"] != "POST" or not authorization:
            await super().handle(scope, receive, send)
            return
        key = _valid_key(raw_key)
        request = Request(scope, receive)
        db: Database = request.app.state.db
        ttl = timedelta(hours=request.app.state.settings.idempotency_ttl_hours)
        body = await request.body()
        credential = credential_hash(authorization)
        digest = request_hash(
            authorization, scope["method"], scope["path"], scope["query_string"], body
        )
        stored = await run_in_threadpool(_claim, db, credential, key, digest, ttl)
        if stored is not None:
            replay = Response(
                open_body(authorization, stored.body),
                status_code=stored.status,
                headers=stored.headers,
            )
            replay.headers[REPLAYED_HEADER] = "true"
            await replay(scope, receive, send)
            return

        recorder = _ResponseRecorder()

        async def send_and_record(message: Message) -> None:
            recorder.observe(message)
            await send(message)

        try:
            await super().handle(scope, body_replayed(body, receive), send_and_record)
        finally:
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(
                    _finish, db, credential, key, recorder.storable(authorization)
                )
