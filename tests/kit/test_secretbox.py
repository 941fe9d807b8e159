"""Sealed secrets open only under the key that sealed them and never store the clear text."""

import pytest

from timeledger.kit.secretbox import SecretBox


def test_a_sealed_secret_opens_to_itself_and_hides_the_clear_text() -> None:
    box = SecretBox("server key one")
    sealed = box.seal("whsec_c2VjcmV0")
    assert "whsec_" not in sealed and "c2VjcmV0" not in sealed
    assert box.open(sealed) == "whsec_c2VjcmV0"
    assert box.seal("whsec_c2VjcmV0") != sealed


def test_another_server_key_cannot_open_it() -> None:
    sealed = SecretBox("server key one").seal("whsec_c2VjcmV0")
    with pytest.raises(ValueError, match="another secret key"):
        SecretBox("server key two").open(sealed)
