"""The server caps glibc's malloc arenas, freezes its startup heap and collects its young
objects less often (see kit/memory.py)."""

import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

from timeledger.kit.memory import YOUNG_GENERATION_THRESHOLD, limit_malloc_arenas


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the cap is glibc's")
def test_the_arena_cap_is_accepted_by_glibc() -> None:
    assert limit_malloc_arenas() is True


def test_the_server_leaves_its_startup_heap_to_reference_counting(tmp_path: Path) -> None:
    """In a process of its own: freezing the test process's heap would keep every app the
    other tests make."""
    script = (
        "import gc\n"
        "from timeledger.app import app_from_environment\n"
        "assert gc.get_freeze_count() == 0\n"
        "app_from_environment()\n"
        "print(gc.get_threshold()[0])\n"
        "print(gc.get_freeze_count())\n"
    )
    environment = {**os.environ, "TIMELEDGER_DATABASE_URL": f"sqlite:///{tmp_path / 'tl.db'}"}
    finished = subprocess.run(
        [sys.executable, "-c", script], env=environment, capture_output=True, text=True,
        timeout=120, check=False,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr
    *_, threshold, frozen = finished.stdout.strip().splitlines()
    assert int(frozen) > 100_000, frozen
    assert int(threshold) == YOUNG_GENERATION_THRESHOLD
