"""Keeping a server process's memory proportional to its work, and its garbage collector
out of the way of its requests.

glibc gives every thread that allocates under contention a malloc arena of its own (up to
eight per core) and rarely returns their memory. Requests run on a pool of worker
threads, so a burst of concurrent writes left the server holding several times the memory
it used: measured with 20 clients clocking in and out on SQLite, 486 MiB resident with the
default arenas, 194 MiB with two, at the same throughput. Python has no API for this;
`mallopt` is the C library's own, reached through ctypes.
"""

import ctypes
import ctypes.util
import gc
import sys

M_ARENA_MAX = -8  # from glibc's malloc.h
SERVER_MALLOC_ARENAS = 2


def limit_malloc_arenas(arenas: int = SERVER_MALLOC_ARENAS) -> bool:
    """Cap glibc's malloc arenas for threads created from now on; False where the C
    library is not glibc (nothing to cap)."""
    if not sys.platform.startswith("linux"):
        return False
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name)
    mallopt = getattr(libc, "mallopt", None)
    if mallopt is None:
        return False
    return bool(mallopt(M_ARENA_MAX, arenas))


def freeze_startup_heap() -> int:
    """Exempt what the process holds once its application is built (modules, classes, the
    route table, the ORM's mappers and the models' validators: objects that live as long
    as the process) from the cyclic garbage collector; answers how many objects that is.

    A full collection scans every object it tracks. In a server of about 180 MiB each pass
    took some 80 ms, and whichever request met one waited for it: it set the p99 of every
    read (measured on the 1,000-employee dataset: the approvals inbox 116 ms → 25 ms, a
    statements list 93 ms → 14 ms). Objects made later are collected as before.
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
