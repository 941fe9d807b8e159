"""The server caps glibc's malloc arenas (see kit/memory.py)."""

import platform

import pytest

from timeledger.kit.memory import limit_malloc_arenas


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the cap is glibc's")
def test_the_arena_cap_is_accepted_by_glibc() -> None:
    assert limit_malloc_arenas() is True
