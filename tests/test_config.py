import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from timeledger.config import Settings

README = Path(__file__).parent.parent / "README.md"


def test_readme_settings_table_lists_every_setting() -> None:
    text = README.read_text()
    for name in Settings.model_fields:
        assert f"`TIMELEDGER_{name.upper()}`" in text, name


def test_settings_come_from_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TIMELEDGER_DATABASE_URL", "sqlite:////tmp/elsewhere.db")
    monkeypatch.setenv("TIMELEDGER_SESSION_TTL_HOURS", "3")
    settings = Settings()
    assert settings.database_url == "sqlite:////tmp/elsewhere.db"
    assert settings.session_ttl_hours == 3


def test_secret_key_is_generated_once_and_kept_private(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", secret_key="")
    first = settings.resolved_secret_key()
    assert len(first) >= 48
    assert Settings(data_dir=tmp_path / "var", secret_key="").resolved_secret_key() == first
    mode = (tmp_path / "var" / "secret_key").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600


def test_explicit_secret_key_wins(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path / "var", secret_key="given")
    assert settings.resolved_secret_key() == "given"
    assert not (tmp_path / "var").exists()


def test_the_clock_start_is_an_instant_with_an_offset(monkeypatch: pytest.MonkeyPatch) -> None:
    assert Settings().clock_start is None
    monkeypatch.setenv("TIMELEDGER_CLOCK_START", "2026-03-29T01:59:30+01:00")
    assert Settings().clock_start == datetime(2026, 3, 29, 0, 59, 30, tzinfo=UTC)
    monkeypatch.setenv("TIMELEDGER_CLOCK_START", "2026-03-29T01:59:30")
    with pytest.raises(ValidationError, match="timezone"):
        Settings()
