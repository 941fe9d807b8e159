"""Where a webhook may be sent: the guard against server-side request forgery (SSRF).

A subscription's URL must be http or https, without credentials, naming a host whose every
address is a public unicast one. The host is resolved when the subscription is saved and
again before every delivery, and the request then goes to the very address that was
checked (the URL's host becomes that IP literal; the Host header and TLS SNI keep the real
name), so a DNS answer that changes between check and connect cannot point the request
somewhere internal. Redirects are never followed. `allow_private` (the setting
webhook_allow_private_destinations) lifts the address rules, not the URL rules.
"""

import ipaddress
import re
import socket
from dataclasses import dataclass

import httpx

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
MAX_URL_LENGTH = 2000
HOST_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
MAX_HOST_LENGTH = 253
SHARED_ADDRESS_SPACE = ipaddress.IPv4Network("100.64.0.0/10")
NAT64_PREFIXES = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class DestinationRefused(Exception):
    """The URL or one of its host's addresses may not receive webhooks; `reason` says why
    in a few words (it is shown to the subscription's owner)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Destination:
    """A checked URL and the address its request must connect to."""

    url: httpx.URL
    address: str

    @property
    def pinned_url(self) -> httpx.URL:
        """The URL with the checked address as its host: no second DNS lookup happens."""
        return self.url.copy_with(host=self.address)

    @property
    def host_header(self) -> str:
        return self.url.netloc.decode("ascii")

    @property
    def server_name(self) -> str:
        """The name TLS sends (SNI) and verifies the certificate against."""
        return self.url.raw_host.decode("ascii")


def parse_url(raw: str) -> httpx.URL:
    """The URL if its form may receive webhooks (scheme, no credentials, a host and port)."""
    if len(raw) > MAX_URL_LENGTH:
        raise DestinationRefused(f"URL longer than {MAX_URL_LENGTH} characters")
    try:
        url = httpx.URL(raw)
    except httpx.InvalidURL:
        raise DestinationRefused("malformed URL") from None
    if url.scheme not in ALLOWED_SCHEMES:
        raise DestinationRefused("only http and https URLs are allowed")
    if url.userinfo:
        raise DestinationRefused("URL must not contain credentials")
    if url.port is not None and not 1 <= url.port <= 65535:
        raise DestinationRefused("invalid port")
    host = url.raw_host.decode("ascii", "replace").lower()
    if not host:
        raise DestinationRefused("URL has no host")
    if _ip_literal(host) is None and not _is_host_name(host):
        raise DestinationRefused("malformed host name")
    return url


def _is_host_name(host: str) -> bool:
    name = host.removesuffix(".")
    return len(name) <= MAX_HOST_LENGTH and all(
        HOST_LABEL.fullmatch(label) for label in name.split(".")
    )


def _ip_literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def refusal_of_address(address: IPAddress) -> str | None:
    """Why `address` may not receive webhooks, or None for a public unicast address."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        for inner in embedded:
            reason = refusal_of_address(inner)
            if reason is not None:
                return f"{reason} (embedded in an IPv6 address)"
    if address.is_unspecified:
        return "unspecified address"
    if address.is_loopback:
        return "loopback address"
    if address.is_link_local:
        return "link-local address"
    if address.is_multicast:
        return "multicast address"
    if isinstance(address, ipaddress.IPv4Address) and address in SHARED_ADDRESS_SPACE:
        return "shared address space"
    if address.is_private:
        return "private address"
    if address.is_reserved:
        return "reserved address"
    if not address.is_global:
        return "non-public address"
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address carries (mapped, compatible, 6to4, Teredo,
    NAT64): reaching one may reach the other."""
    found: list[ipaddress.IPv4Address] = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    packed = address.packed
    if packed[:12] == bytes(12) or any(address in prefix for prefix in NAT64_PREFIXES):
        found.append(ipaddress.IPv4Address(packed[12:]))
    return found


def _resolve(host: str, port: int) -> list[IPAddress]:
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError, OSError):
        raise DestinationRefused("host name does not resolve") from None
    addresses: list[IPAddress] = []
    for _family, _type, _proto, _canonical, sockaddr in answers:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in addresses:
            addresses.append(address)
    if not addresses:
        raise DestinationRefused("host name does not resolve")
    return addresses


def check_destination(raw_url: str, *, allow_private: bool) -> Destination:
    """The URL checked and resolved now; DestinationRefused when any of its host's
    addresses is not public (unless `allow_private`)."""
    url = parse_url(raw_url)
    host = url.raw_host.decode("ascii")
    port = url.port or DEFAULT_PORTS[url.scheme]
    literal = _ip_literal(host)
    addresses = [literal] if literal is not None else _resolve(host, port)
    if not allow_private:
        for address in addresses:
            reason = refusal_of_address(address)
            if reason is not None:
                raise DestinationRefused(reason)
    return Destination(url=url, address=str(addresses[0]))
