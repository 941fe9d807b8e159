"""One webhook request against raw sockets on 127.0.0.1: TLS names the real host (SNI)
and verifies its certificate while connecting to the checked address, and the time limit
covers the whole exchange however slowly the receiver answers."""

import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from timeledger.config import Settings
from timeledger.kit.clock import utcnow
from timeledger.webhooks.delivery import Message, Sender

SECRET = "whsec_" + "MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
MESSAGE = Message(id="evt_1_1", event_type="entry.created", revision=1, body="{}")


@contextmanager
def serving_socket(serve: Callable[[socket.socket], None]) -> Iterator[int]:
    """A listening socket on 127.0.0.1 whose first connection `serve` handles."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = int(listener.getsockname()[1])

    def accept() -> None:
        connection, _ = listener.accept()
        with connection, suppress(OSError, ssl.SSLError):
            serve(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield port
    finally:
        listener.close()
        thread.join(timeout=5)


def sender(timeout: float = 2) -> Sender:
    return Sender(
        Settings(webhook_allow_private_destinations=True, webhook_timeout_seconds=timeout)
    )


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = utcnow()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(minutes=1))
        .not_valid_after(now + timedelta(hours=1))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .sign(key, hashes.SHA256())
    )
    certificate_file = directory / "certificate.pem"
    key_file = directory / "key.pem"
    certificate_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return certificate_file, key_file


def test_tls_sends_the_host_name_and_refuses_an_untrusted_certificate(tmp_path: Path) -> None:
    certificate_file, key_file = self_signed_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate_file, key_file)
    server_names: list[str | None] = []
    context.sni_callback = lambda _socket, name, _context: server_names.append(name)

    def handshake(connection: socket.socket) -> None:
        with context.wrap_socket(connection, server_side=True) as secured:
            secured.recv(1)

    with serving_socket(handshake) as port, sender() as client:
        outcome = client.send(f"https://localhost:{port}/hook", SECRET, MESSAGE)
    assert server_names == ["localhost"]
    assert outcome.succeeded is False
    assert outcome.error == "TLS handshake failed"


def test_the_time_limit_covers_a_receiver_that_answers_byte_by_byte() -> None:
    def trickle(connection: socket.socket) -> None:
        connection.recv(65536)
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
            connection.sendall(bytes([byte]))
            time.sleep(0.1)

    started = time.monotonic()
    with serving_socket(trickle) as port, sender(timeout=1) as client:
        outcome = client.send(f"http://127.0.0.1:{port}/hook", SECRET, MESSAGE)
    assert outcome.error == "timeout"
    assert outcome.succeeded is False
    assert 900 <= outcome.duration_ms < 2000
    assert time.monotonic() - started < 5


def test_the_response_body_is_not_read() -> None:
    """The receiver promises a body it never finishes: reading it would end in a timeout."""
    answered = threading.Event()

    def endless_body(connection: socket.socket) -> None:
        connection.recv(65536)
        connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n")
        connection.sendall(b"x" * 65536)
        answered.wait(timeout=5)

    with serving_socket(endless_body) as port, sender(timeout=2) as client:
        outcome = client.send(f"http://127.0.0.1:{port}/hook", SECRET, MESSAGE)
        answered.set()
    assert outcome.succeeded is True
    assert outcome.status == 200
    assert outcome.duration_ms < 1500
