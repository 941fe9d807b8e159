"""Settings from TIMELEDGER_* environment variables."""

import secrets
from functools import lru_cache
from pathlib import Path

from pydantic import AwareDatetime, Field
from pydantic_settings import BaseSettings, SettingsConfigDict

DATA_DIR = Path("var")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="TIMELEDGER_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{DATA_DIR / 'timeledger.db'}",
        description="SQLAlchemy URL of the database (SQLite file or postgresql+psycopg://...).",
    )
    secret_key: str = Field(
        default="",
        description="Key for signing tokens; generated and kept in var/secret_key when unset.",
    )
    data_dir: Path = Field(default=DATA_DIR, description="Where the secret key file lives.")
    log_level: str = Field(default="INFO", description="Minimum level of structured logs.")
    log_json: bool = Field(default=False, description="Logs as JSON lines instead of console.")
    max_request_bytes: int = Field(
        default=1_048_576, description="Largest accepted request body in bytes."
    )
    import_max_bytes: int = Field(
        default=268_435_456,
        gt=0,
        description="Largest file `POST /api/admin/imports` and `timeledger import` accept, in "
        "bytes (256 MiB: about a million rows of a detailed-report CSV).",
    )
    trusted_proxies: str = Field(
        default="",
        description="Comma-separated addresses or networks of reverse proxies whose "
        "X-Forwarded-For and X-Forwarded-Proto are believed (`*`: any); none by default.",
    )
    session_ttl_hours: int = Field(default=12, description="Lifetime of a sign-in session.")
    idempotency_ttl_hours: int = Field(default=24, description="How long Idempotency-Keys live.")
    worker_poll_seconds: float = Field(
        default=1.0, description="How often the background worker looks for due jobs."
    )
    inprocess_worker: bool = Field(
        default=True, description="Run the background worker inside the API process."
    )
    argon2_memory_kib: int = Field(
        default=19_456, description="argon2id memory cost; never below OWASP's 19 MiB."
    )
    webhook_allow_private_destinations: bool = Field(
        default=False,
        description="Let webhooks reach loopback, private and other special addresses.",
    )
    webhook_retry_delays_seconds: list[float] = Field(
        default=[5, 300, 1800, 7200, 18000, 36000, 50400, 72000, 86400],
        description="Waits before each retry of a failed delivery (JSON list; about 3 days).",
    )
    webhook_timeout_seconds: float = Field(
        default=15, gt=0, le=15, description="Time limit of one webhook request."
    )
    webhook_disable_after_hours: float = Field(
        default=72, gt=0, description="A subscription failing this long is disabled."
    )
    sse_heartbeat_seconds: float = Field(
        default=15, gt=0, description="Idle time after which the event stream sends a comment."
    )
    sse_poll_seconds: float = Field(
        default=2.0,
        gt=0,
        description="How often an event stream looks for changes no notification announced.",
    )
    stream_ticket_ttl_seconds: int = Field(
        default=60, gt=0, le=600, description="Lifetime of a single-use event-stream ticket."
    )
    clock_start: AwareDatetime | None = Field(
        default=None,
        description="Testing aid: the instant (ISO 8601 with offset) the server's and worker's "
        "clock starts at, ticking from there; unset, the system clock.",
    )

    def resolved_secret_key(self) -> str:
        if self.secret_key:
            return self.secret_key
        key_file = self.data_dir / "secret_key"
        if not key_file.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key_file.write_text(secrets.token_urlsafe(48))
            key_file.chmod(0o600)
        return key_file.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
