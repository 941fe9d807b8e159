"""Webhook tests reach a receiver on 127.0.0.1, so private destinations are allowed here
(the guard's own tests turn that off), and retries wait milliseconds, not hours."""

from pathlib import Path

import pytest

from timeledger.config import Settings

RETRY_DELAYS = [0.05, 0.05, 0.05, 0.05, 0.05]


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        database_url=database_url,
        data_dir=tmp_path / "var",
        secret_key="test-key",
        webhook_allow_private_destinations=True,
        webhook_retry_delays_seconds=RETRY_DELAYS,
        webhook_timeout_seconds=2,
    )
