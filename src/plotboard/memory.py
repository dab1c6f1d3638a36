"""How a server process uses memory (see `settle_malloc` and `release_after`)."""

from __future__ import annotations

import ctypes
import os
import sys
import threading
from collections.abc import Callable

#: glibc's `mallopt` parameter for the size from which blocks are mapped on their own.
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024
#: An answer at least this large (bytes of JSON) gives the C heap's free pages back after it.
RELEASE_AFTER_BYTES = 1_000_000

_trim: Callable[[int], int] | None = None
_trim_lock = threading.Lock()


def settle_malloc() -> bool:
    """Give large blocks back to the system when they are freed (glibc only; True if set).

    glibc maps a block of 128 KiB or more on its own and unmaps it when freed, but after the
    first such block is freed it raises that threshold (up to 32 MiB), so from then on the
    big blocks of a large answer (its row lists, the driver's buffers, the JSON body) come
    from the heaps of the worker threads, which stay as large as their peak: a worker that had
    built six 100,000-row answers at once held 250-280 MiB afterwards. A fixed threshold
    (setting it turns the raising off) keeps them mapped: about 160 MiB after the same run
    (bench/bench_sides.py). An explicit MALLOC_MMAP_THRESHOLD_ in the environment wins.
    """
    global _trim
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    _trim = getattr(libc, "malloc_trim", None)
    if os.environ.get("MALLOC_MMAP_THRESHOLD_") is not None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))


def release_after(answer_bytes: int) -> bool:
    """After an answer of `answer_bytes`, give the C heaps' free pages back to the system
    (glibc's `malloc_trim(0)`) when it was large (`RELEASE_AFTER_BYTES`); True if done.

    A large answer's driver buffers (libpq keeps a PostgreSQL result in 2 kB blocks), row
    lists and JSON chunks come from the heap of the worker thread that built it; freed, they
    stay resident in it, scattered between live blocks, so the heap's top cannot shrink.
    `malloc_trim(0)` hands back every free page of every heap: about 6.5 MiB of a worker after
    the load test of docs/benchmarks.md ("Memory"), for about 1 ms, against the 100+ ms such
    an answer takes. Only in a process that `settle_malloc` set up (a server), on glibc; not
    while another thread is trimming (that one hands back this answer's pages too)."""
    trim = _trim
    if trim is None or answer_bytes < RELEASE_AFTER_BYTES:
        return False
    if not _trim_lock.acquire(blocking=False):
        return False
    try:
        trim(0)
    finally:
        _trim_lock.release()
    return True
