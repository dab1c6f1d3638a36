"""A server process gives large freed blocks back to the system (`memory.settle_malloc`, run
by `plotboard serve`), so a worker's memory after large answers is not held at its peak
(issue 16, goal 5).

Run in a fresh interpreter: glibc raises its mapping threshold after the first large block is
freed, after which 100 blocks of 1 MiB, freed below a block still in use, stay resident; with
the threshold fixed, they go back at once.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

PROBE = """
import sys
from pathlib import Path

def rss_mib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) // 1024

if sys.argv[1] == "settled":
    from plotboard.memory import settle_malloc
    assert settle_malloc()
first = bytearray(1 << 20)
del first  # glibc would now serve 1 MiB blocks from the heap
base = rss_mib()
blocks = [bytearray(1 << 20) for _ in range(100)]
pin = bytearray(300 << 10)  # keeps the heap's top in use
del blocks
print(rss_mib() - base)
"""


def held_mib(mode: str) -> int:
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    out = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True, env=env
    )
    return int(out.stdout.strip())


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_freed_large_blocks_go_back_to_the_system() -> None:
    assert held_mib("plain") >= 80  # the probe sees the memory held without the setting
    assert held_mib("settled") <= 10


TRIM_PROBE = """
import sys, threading
from pathlib import Path

def rss_mib():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024

from plotboard.memory import RELEASE_AFTER_BYTES, release_after, settle_malloc
if sys.argv[1] == "settled":
    assert settle_malloc()
kept = []

def answer():
    # What a large answer leaves in its worker thread's heap: 60 MiB of blocks under the
    # mapping threshold (libpq keeps a result in 2 kB blocks), a few of them still in use.
    blocks = [bytes(2000) for _ in range(30_000)]
    kept.extend(blocks[::3000])
    del blocks

thread = threading.Thread(target=answer)
thread.start()
thread.join()
before = rss_mib()
assert not release_after(RELEASE_AFTER_BYTES - 1)  # a small answer: nothing done
done = release_after(RELEASE_AFTER_BYTES)
print(done, round(before - rss_mib()))
"""


def released(mode: str) -> tuple[bool, int]:
    env = {"PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    out = subprocess.run(
        [sys.executable, "-c", TRIM_PROBE, mode],
        capture_output=True, text=True, check=True, env=env,
    )  # fmt: skip
    done, mib = out.stdout.split()
    return done == "True", int(mib)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc only")
def test_a_large_answer_gives_its_freed_heap_pages_back() -> None:
    # After an answer of RELEASE_AFTER_BYTES or more, a server hands the free pages of its
    # threads' heaps back (malloc_trim): the 60 MiB a large answer's small blocks left there
    # go, though a few live blocks keep the heap from shrinking at its top. Fails before:
    # nothing gave them back (release_after did not exist; the worker kept them).
    done, mib = released("settled")
    assert done and mib >= 40
    # Not in a process that is not a server (tests, the CLI): nothing is done.
    assert released("plain") == (False, 0)
