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
