"""Garbage collection tuned for streaming answers.

Textual's layouts and repaints allocate a great many short-lived objects while an answer streams.
With Python's default thresholds the young generation is collected every 700 allocations, while
many of them are still in use, so they are promoted, and a collection of the whole heap follows
every second. Measured in the app streaming a 5,000-token answer (start-up's objects frozen out of
collections, as `app.py` does): 30 full collections, each longer than the last as the answer's
widgets accumulate (10 ms to 220 ms), the screen frozen meanwhile, and the last token late when
one falls at the end. Collecting the young generation every 10,000 allocations lets nearly all of
them die young: two full collections, for about 4 MB more memory, and a third more screen updates
for the same CPU.

The setting stays once made: put back when an answer ends, the young objects counted meanwhile
set off a full collection just as the last token is drawn (measured: 350 ms late)."""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 10_000
"""Allocations between two collections of the young generation."""


def collect_young_less_often() -> None:
    """Collect the young generation every `YOUNG_THRESHOLD` allocations, unless it is collected
    less often already or automatic collection is off."""
    young, *older = gc.get_threshold()
    if 0 < young < YOUNG_THRESHOLD:
        gc.set_threshold(YOUNG_THRESHOLD, *older)
