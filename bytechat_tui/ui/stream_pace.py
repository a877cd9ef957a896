"""How often a streaming answer is fed to its Markdown: as often as every `SHORTEST` seconds, less
often when showing it costs too much.

Each append makes Textual lay out and repaint the screen (twice: once for the new text, once more
for the sizes that changed), which on a modest machine costs tens of milliseconds whatever the
length of the answer. Fed every 50 ms, that alone can take most of a core. So the interval adapts:
at each flush, the share of a core the event loop's thread used since the previous flush is measured
(`time.thread_time`, which counts everything the UI did, the stream's parsing and garbage collection
included), and the next interval grows when that share is over `BUDGET` and shrinks when it is under,
between `SHORTEST` and `LONGEST`. A fast machine, or a short answer, is fed every 50 ms; a slow one
in bigger, rarer appends, and stays responsive to keys meanwhile.
"""

from __future__ import annotations

import time
from collections.abc import Callable

SHORTEST = 0.05
"""Seconds: the most often an answer is fed."""
LONGEST = 0.5
"""Seconds: the least often, whatever it costs (it must still look live)."""
BUDGET = 0.4
"""Share of a core the UI may use while an answer streams; the rest of a 50% target is left to the
other threads (history, terminal input) and to measurement noise."""


class StreamPace:
    """The interval between two flushes of one streaming answer; clocks injectable for tests."""

    def __init__(
        self, wall: Callable[[], float] = time.monotonic, cpu: Callable[[], float] = time.thread_time
    ) -> None:
        self._wall = wall
        self._cpu = cpu
        self.interval = SHORTEST
        self._last: tuple[float, float] | None = None
        """Wall and CPU clocks at the last flush."""

    def delay(self) -> float:
        """Seconds until the next flush is due (0 or less: now)."""
        return 0.0 if self._last is None else self._last[0] + self.interval - self._wall()

    def flushed(self) -> None:
        """A flush begins: adapt the interval to the share of a core used since the previous one."""
        now = (self._wall(), self._cpu())
        if self._last is not None and now[0] > self._last[0]:
            share = (now[1] - self._last[1]) / (now[0] - self._last[0])
            # Halfway to the interval that would have met the budget: steady under noise and spikes.
            wanted = self.interval * (1 + share / BUDGET) / 2
            self.interval = min(LONGEST, max(SHORTEST, wanted))
        self._last = now
