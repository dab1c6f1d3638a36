"""How a server process uses memory (see `settle_malloc`)."""

from __future__ import annotations

import ctypes
import os
import sys

#: glibc's `mallopt` parameter for the size from which blocks are mapped on their own.
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 128 * 1024


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
    if os.environ.get("MALLOC_MMAP_THRESHOLD_") is not None or not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc (musl has no mallopt)
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD))
