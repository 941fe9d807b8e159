"""Wake-ups across threads and processes: subscribers on an event loop await a topic's
next announcement; a committing thread, or a thread listening to PostgreSQL's
LISTEN/NOTIFY, announces it. An announcement only says "look again": what changed is
always read from the database."""

import asyncio
import contextlib
import os
import select
import threading
from collections.abc import Callable

import psycopg
import structlog

log = structlog.get_logger(__name__)

RECONNECT_DELAY_SECONDS = 1.0
MAX_RECONNECT_DELAY_SECONDS = 30.0
IDLE_CHECK_SECONDS = 30.0
"""How often an idle LISTEN connection is checked for life."""


class WakeUps:
    """Per-topic announcements; safe to announce from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pending: dict[int, dict[asyncio.AbstractEventLoop, asyncio.Event]] = {}

    def next_announcement(self, topic: int) -> asyncio.Event:
        """An event set by the topic's next announcement; take it before reading, so an
        announcement made while reading is not missed. Call it on the event loop."""
        loop = asyncio.get_running_loop()
        with self._lock:
            waiting = self._pending.setdefault(topic, {})
            announcement = waiting.get(loop)
            if announcement is None:
                announcement = waiting[loop] = asyncio.Event()
            return announcement

    def announce(self, topic: int) -> None:
        with self._lock:
            waiting = self._pending.pop(topic, {})
        _set_all(waiting)

    def announce_all(self) -> None:
        """Wake every subscriber (after announcements may have been lost)."""
        with self._lock:
            pending, self._pending = self._pending, {}
        for waiting in pending.values():
            _set_all(waiting)


def _set_all(waiting: dict[asyncio.AbstractEventLoop, asyncio.Event]) -> None:
    for loop, announcement in waiting.items():
        # A loop that has ended has no subscribers left to wake.
        with contextlib.suppress(RuntimeError):
            loop.call_soon_threadsafe(announcement.set)


class NotificationListener:
    """A daemon thread holding one autocommit connection that LISTENs on `channel` and
    hands each payload to `on_payload`; it reconnects after failures (calling
    `on_reconnect`, since notifications sent meanwhile are lost) until stopped."""

    def __init__(
        self,
        conninfo: str,
        channel: str,
        on_payload: Callable[[str], None],
        on_reconnect: Callable[[], None],
    ) -> None:
        self._conninfo = conninfo
        self._channel = channel
        self._on_payload = on_payload
        self._on_reconnect = on_reconnect
        self._stopping = threading.Event()
        self._wake_reader, self._wake_writer = os.pipe()
        self._thread = threading.Thread(target=self._run, name=f"listen-{channel}", daemon=True)
        self.listening = threading.Event()
        """Set while the connection is listening (tests wait for it)."""

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stopping.set()
        os.write(self._wake_writer, b"x")
        self._thread.join(timeout=5)
        os.close(self._wake_reader)
        os.close(self._wake_writer)

    def _run(self) -> None:
        delay = RECONNECT_DELAY_SECONDS
        lost = False
        while not self._stopping.is_set():
            try:
                with psycopg.connect(self._conninfo, autocommit=True) as connection:
                    connection.execute(f'LISTEN "{self._channel}"'.encode())
                    self.listening.set()
                    delay = RECONNECT_DELAY_SECONDS
                    if lost:
                        self._on_reconnect()
                    self._listen(connection)
            except psycopg.Error as error:
                log.warning("listen_connection_failed", channel=self._channel, error=str(error))
            self.listening.clear()
            lost = True
            self._pause(delay)
            delay = min(delay * 2, MAX_RECONNECT_DELAY_SECONDS)

    def _listen(self, connection: psycopg.Connection[tuple[object, ...]]) -> None:
        while not self._stopping.is_set():
            readable, _, _ = select.select(
                [connection.fileno(), self._wake_reader], [], [], IDLE_CHECK_SECONDS
            )
            if self._wake_reader in readable:
                return
            if not readable:
                connection.execute(b"SELECT 1")
            for notification in connection.notifies(timeout=0):
                self._on_payload(notification.payload)

    def _pause(self, seconds: float) -> None:
        select.select([self._wake_reader], [], [], seconds)
