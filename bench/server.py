"""Real server processes for the benchmark: `timeledger serve` (and the peer's server) on a
free 127.0.0.1 port, its peak memory read from /proc, stopped for sure afterwards."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

TIMELEDGER = str(Path(sys.executable).parent / "timeledger")
START_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 20.0


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return found
    for task in tasks:
        try:
            text = Path(f"/proc/{pid}/task/{task}/children").read_text()
        except OSError:
            continue
        found.extend(int(child) for child in text.split())
    return found


def process_tree(pid: int) -> list[int]:
    """`pid` and all its descendants."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        tree.append(current)
        pending.extend(_children(current))
    return tree


def status_kib(pid: int, key: str) -> int:
    """A `kB` line of /proc/<pid>/status (VmHWM: peak resident set, VmRSS: current); 0 when
    the process is gone."""
    try:
        lines = Path(f"/proc/{pid}/status").read_text().splitlines()
    except OSError:
        return 0
    for line in lines:
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return 0


class ServerProcess:
    """A server started from `argv`, answering `health_path` on `port`."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        port: int,
        health_path: str,
        env: Mapping[str, str],
        log_path: Path,
        cwd: Path | None = None,
    ) -> None:
        self.argv = list(argv)
        self.port = port
        self.base_url = f"http://127.0.0.1:{port}"
        self.health_path = health_path
        self.env = dict(env)
        self.log_path = log_path
        self.cwd = cwd
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "the server is not started"
        return self.process.pid

    def start(self, timeout: float = START_TIMEOUT_SECONDS) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 (our own argv)
                self.argv,
                env=self.env,
                cwd=self.cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(
                    f"{self.argv[0]} exited with {self.process.returncode}: {self.log_tail()}"
                )
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"{self.argv[0]} did not answer within {timeout:.0f} s")
            try:
                httpx.get(f"{self.base_url}{self.health_path}", timeout=1)
                return
            except httpx.TransportError:
                time.sleep(0.2)

    def log_tail(self, characters: int = 2000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-characters:]
        except OSError:
            return ""

    def peak_rss_mib(self) -> float:
        """The peak resident memory (VmHWM) of the server and its child processes since
        they started or since `reset_peak`, in MiB (the largest single process)."""
        return max((status_kib(pid, "VmHWM") for pid in process_tree(self.pid)), default=0) / 1024

    def rss_mib(self) -> float:
        return sum(status_kib(pid, "VmRSS") for pid in process_tree(self.pid)) / 1024

    def reset_peak(self) -> bool:
        """Starts VmHWM afresh (Linux ≥ 4.0: "5" into clear_refs); False when not allowed."""
        done = True
        for pid in process_tree(self.pid):
            try:
                Path(f"/proc/{pid}/clear_refs").write_text("5")
            except OSError:
                done = False
        return done

    def stop(self) -> None:
        """SIGINT, then SIGKILL to the server's process group after the stop timeout."""
        process = self.process
        if process is None or process.poll() is not None:
            return
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@contextmanager
def running(server: ServerProcess) -> Iterator[ServerProcess]:
    server.start()
    try:
        yield server
    finally:
        server.stop()


def timeledger_server(
    database_url: str, workdir: Path, *, name: str = "timeledger"
) -> ServerProcess:
    """`timeledger serve --no-worker` (one process) on `database_url`; its logs (level
    WARNING) go to `workdir/<name>.log`."""
    port = free_port()
    env = {
        **os.environ,
        "TIMELEDGER_DATABASE_URL": database_url,
        "TIMELEDGER_DATA_DIR": str(workdir / "var"),
        "TIMELEDGER_LOG_LEVEL": "WARNING",
        "TIMELEDGER_INPROCESS_WORKER": "false",
        # The sweep's webhook subscription points at this machine; with no worker,
        # nothing is ever delivered to it.
        "TIMELEDGER_WEBHOOK_ALLOW_PRIVATE_DESTINATIONS": "true",
    }
    return ServerProcess(
        [TIMELEDGER, "serve", "--host", "127.0.0.1", "--port", str(port), "--no-worker"],
        port=port,
        health_path="/api/",
        env=env,
        log_path=workdir / f"{name}.log",
    )


def bare_server(workdir: Path, application: str = "app") -> ServerProcess:
    """An application of `bench/bare.py` (`app`, Starlette alone, or `fastapi_app`) under
    uvicorn with `timeledger serve`'s settings (one process, httptools, log level warning,
    no server header)."""
    port = free_port()
    return ServerProcess(
        [
            *(sys.executable, "-m", "uvicorn", f"bench.bare:{application}"),
            *("--host", "127.0.0.1", "--port", str(port), "--http", "httptools"),
            *("--log-level", "warning", "--no-server-header"),
        ],
        port=port,
        health_path="/api/",
        env=dict(os.environ),
        log_path=workdir / f"bare-{application}.log",
        cwd=Path(__file__).resolve().parent.parent,
    )
