"""The consent form's sealed request: genuine, current and this browser's, or refused."""

from datetime import timedelta
from pathlib import Path

import pytest

from timeledger.config import Settings
from timeledger.kit.clock import FixedClock, clock_in_use, utcnow
from timeledger.oauth.consent_form import (
    FORM_LIFETIME,
    FormRefused,
    SealedRequest,
    new_browser_binding,
    opened,
    seal,
)

SEALED = SealedRequest(
    parameters=[("client_id", "abc"), ("state", "s p a c e"), ("state", "twice")],
    client_name="Tyme for Mac",
    workspace_name="Acme",
)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path, secret_key="test-key")


def test_a_sealed_request_opens_in_its_browser_as_it_was(settings: Settings) -> None:
    browser = new_browser_binding()
    assert opened(settings, seal(settings, SEALED, browser), browser) == SEALED


def test_another_browser_another_key_or_an_altered_token_is_refused(settings: Settings) -> None:
    browser = new_browser_binding()
    token = seal(settings, SEALED, browser)
    with pytest.raises(FormRefused):
        opened(settings, token, new_browser_binding())
    with pytest.raises(FormRefused):
        opened(settings, token, "")
    other_key = settings.model_copy(update={"secret_key": "another-key"})
    with pytest.raises(FormRefused):
        opened(other_key, token, browser)
    header, claims, signature = token.split(".")
    with pytest.raises(FormRefused):
        opened(settings, f"{header}.{claims}x.{signature}", browser)
    with pytest.raises(FormRefused):
        opened(settings, "not a token", browser)


def test_a_form_lives_ten_minutes_by_the_applications_clock(settings: Settings) -> None:
    clock = FixedClock(utcnow())
    browser = new_browser_binding()
    with clock_in_use(clock):
        token = seal(settings, SEALED, browser)
        clock.advance(FORM_LIFETIME - timedelta(seconds=1))
        assert opened(settings, token, browser) == SEALED
        clock.advance(timedelta(seconds=1))
        with pytest.raises(FormRefused):
            opened(settings, token, browser)
