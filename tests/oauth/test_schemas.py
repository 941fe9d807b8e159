"""Redirect URIs a client may register (RFC 6749 §3.1.2, RFC 8252 §7.3, RFC 9700 §4.1)."""

import pytest

from timeledger.oauth.schemas import checked_redirect_uri


@pytest.mark.parametrize(
    "uri",
    [
        "https://app.example.com/callback",
        "https://app.example.com:8443/callback?source=tyme",
        "http://localhost/callback",
        "http://localhost:51234/callback",
        "http://127.0.0.1:9/callback",
        "http://[::1]:8080/callback",
    ],
)
def test_absolute_https_and_loopback_http_are_accepted(uri: str) -> None:
    assert checked_redirect_uri(uri) == uri


@pytest.mark.parametrize(
    "uri",
    [
        "http://app.example.com/callback",
        "http://localhost.evil.example/callback",
        "http://127.0.0.1.evil.example/callback",
        "https://app.example.com/callback#fragment",
        "https://app.example.com/callback#",
        "https://user@app.example.com/callback",
        "https://user:password@app.example.com/callback",
        "//app.example.com/callback",
        "/callback",
        "app.example.com/callback",
        "com.example.app:/callback",
        "javascript:alert(1)",
        "https://app.example.com:99999/callback",
        "http://localhost:0/callback",
        "https://app.example.com/call back",
        'https://app.example.com/"callback"',
        "https://app.example.com/\\callback",
        "https://äpp.example.com/callback",
        "https://app.example.com/\x00",
        "https://[::1/callback",
    ],
)
def test_other_uris_are_refused(uri: str) -> None:
    with pytest.raises(ValueError, match=r"."):
        checked_redirect_uri(uri)
