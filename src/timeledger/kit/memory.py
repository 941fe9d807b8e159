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


YOUNG_GENERATION_THRESHOLD = 10_000
"""Objects allocated (net of those freed) between two collections of the youngest
generation; Python's default is 700."""


def collect_young_objects_less_often() -> None:
    """Raise the youngest generation's threshold, so that the collector runs every few
    requests instead of several times in each.

    A request allocates thousands of objects that reference counting frees as it ends, so
    with the default threshold the collector ran about six times per request of "my team
    today" (391 people) and every tenth of those also scanned the older generation;
    measured over 50 such requests in process: 322 young and 29 older collections and one
    full one, 73 ms in all, against 5 young ones, 15 ms, with this threshold. What stays
    uncollected between two runs is at most this many objects."""
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, older, oldest)
