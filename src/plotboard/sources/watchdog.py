"""One background thread that fires callbacks at deadlines, for stopping queries from outside.

A `threading.Timer` per query would start a thread per query; this keeps one thread and a heap
of deadlines, so arming and disarming an alarm costs a lock and a heap push.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import threading
import time
from collections.abc import Callable


def _nothing() -> None:
    return None


class Alarm:
    """A pending callback. `disarm()` guarantees the callback is not running and never will."""

    __slots__ = ("_callback", "_lock", "_state")

    def __init__(self, callback: Callable[[], object]) -> None:
        self._callback = callback
        self._lock = threading.Lock()
        self._state = "armed"  # armed | fired | disarmed

    @property
    def fired(self) -> bool:
        return self._state == "fired"

    def disarm(self) -> bool:
        """Stop the alarm; returns True when it had already fired (the callback has finished)."""
        with self._lock:  # waits for a callback that is running right now
            if self._state == "armed":
                self._state = "disarmed"
            # The heap keeps the alarm until its deadline; do not keep the connection alive too.
            self._callback = _nothing
            return self._state == "fired"

    def fire_now(self) -> bool:
        """Run the callback now, in this thread, unless it already ran or the alarm was
        disarmed; returns whether it ran."""
        with self._lock:
            if self._state != "armed":
                return False
            self._state = "fired"
            # A failed cancel must not kill the watchdog (or a shutdown).
            with contextlib.suppress(Exception):
                self._callback()
            return True

    def _fire(self) -> None:
        self.fire_now()


class Watchdog:
    """Runs `Alarm` callbacks when their deadline passes. Thread-safe; the thread is a daemon
    started on first use."""

    def __init__(self) -> None:
        self._heap: list[tuple[float, int, Alarm]] = []
        self._counter = itertools.count()
        self._cv = threading.Condition()
        self._thread: threading.Thread | None = None

    def arm(self, delay_s: float, callback: Callable[[], object]) -> Alarm:
        """Call `callback` (in another thread) after `delay_s` seconds unless disarmed first."""
        alarm = Alarm(callback)
        deadline = time.monotonic() + delay_s
        with self._cv:
            heapq.heappush(self._heap, (deadline, next(self._counter), alarm))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(
                    target=self._run, name="plotboard-query-watchdog", daemon=True
                )
                self._thread.start()
            # The thread sleeps until the earliest deadline: wake it only when this one is
            # earlier. Queries share one time limit, so a new alarm is almost never the
            # earliest, and a wake-up per query (a thread switch for the GIL) cost about
            # 0.3 ms per query on two cores.
            if self._heap[0][2] is alarm:
                self._cv.notify()
        return alarm

    def _run(self) -> None:
        while True:
            with self._cv:
                # Drop alarms disarmed long before their deadline so the heap stays small.
                while self._heap and self._heap[0][2]._state == "disarmed":
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cv.wait(timeout=60)
                    continue
                deadline, _, alarm = self._heap[0]
                wait = deadline - time.monotonic()
                if wait > 0:
                    self._cv.wait(timeout=wait)
                    continue
                heapq.heappop(self._heap)
            if alarm._state == "armed":
                # Callbacks may block (a PostgreSQL cancel opens a connection): run each in its
                # own short-lived thread so other deadlines are still met.
                threading.Thread(
                    target=alarm._fire, name="plotboard-query-cancel", daemon=True
                ).start()


WATCHDOG = Watchdog()
"""The process-wide watchdog used by the executor."""
