"""Learning from `r`: a small local memory of which kinds of message the cheap answer failed.

Each escalation is a label the user gave for free ("the cheap answer was not good enough for this"),
and each cheap answer that was let stand is the opposite label. The memory keeps the latest
`CAPACITY` of them as sets of word unigrams and bigrams and, for a new message, looks up its nearest
neighbours through an inverted index (only entries sharing a word are touched, so a lookup costs
microseconds). Where the neighbours were escalated more often than the memory's own average, the
score moves up, in proportion to how similar they are; where they were let stand, it moves down.

Why nearest neighbours and not a global refit: a learned router trained across benchmarks does no
better than random on other benchmarks, but within one domain it does well. A person's own messages
are that one domain. Nothing leaves the machine: the file is in the data dir and `clear()` resets it.
"""

from __future__ import annotations

import heapq
import json
import math
import os
import re
from collections import Counter, deque
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

CAPACITY = 400
"""Labels kept; the oldest go first. Bounded so a lookup stays in microseconds and the file small."""
NEIGHBOURS = 12
MIN_SIMILARITY = 0.15
"""Below this cosine similarity of word sets two messages share little more than stop words."""
STRENGTH = 3.0
"""Logit shift for neighbours that all disagree with the memory's average, at full confidence."""
CONFIDENT_AT = 2.0
"""Summed similarity of the neighbours at which the memory is fully trusted."""
COMMON_SHARE = 0.1
COMMON_FLOOR = 5
"""A gram held by more than this share of the labels (and more than the floor) is not compared."""
WINDOW = 1000
"""Characters of a message read: its request is at the start."""

_WORD = re.compile(r"[a-z0-9][a-z0-9'+#_.-]*")


def memory_path() -> Path:
    """Where the app keeps the memory between runs: the data dir, next to the history."""
    from bytechat_tui.locations import data_dir

    return data_dir() / "escalations.json"


def grams(text: str) -> frozenset[str]:
    """Word unigrams and bigrams of the start of `text`, lower-cased."""
    words = _WORD.findall(text[:WINDOW].lower())
    return frozenset(words + list(map(" ".join, zip(words, words[1:]))))


@dataclass(frozen=True, slots=True)
class Recall:
    """What the memory says about a message."""

    shift: float
    """Added to the classifier's logit: positive for messages like those the user escalated."""
    escalated: int
    """Neighbours the user escalated."""
    accepted: int
    """Neighbours whose cheap answer the user let stand."""

    @property
    def reason(self) -> str | None:
        """The words for the why panel, when the memory moved the score noticeably."""
        if self.shift >= 0.25:
            return f"like {self.escalated} message{'s' if self.escalated != 1 else ''} you escalated"
        if self.shift <= -0.25:
            return f"like {self.accepted} message{'s' if self.accepted != 1 else ''} a cheap bot answered well"
        return None


NOTHING = Recall(0.0, 0, 0)


class EscalationMemory:
    def __init__(self, capacity: int = CAPACITY) -> None:
        self.capacity = capacity
        self._order: deque[int] = deque()
        """Label numbers, oldest first."""
        self._labels: dict[int, tuple[frozenset[str], bool, float]] = {}
        """Number -> (grams, escalated, square root of the number of grams)."""
        self._index: dict[str, set[int]] = {}
        """Gram -> numbers of the labels containing it."""
        self._next = 0
        self._escalated = 0

    def __len__(self) -> int:
        return len(self._order)

    def remember(self, text: str, escalated: bool) -> None:
        """Label a message: escalated with `r`, or its cheap answer let stand."""
        words = grams(text)
        if words:
            self._add(words, escalated)

    def recall(self, text: str) -> Recall:
        """How the user's past labels of similar messages should move this one's score."""
        if self._escalated in (0, len(self._order)):
            return NOTHING  # one kind of label only (or none): nothing to tell messages apart by
        words = grams(text)
        common = max(COMMON_FLOOR, COMMON_SHARE * len(self._order))
        # A word most labels share ("the", "following") says nothing about the kind of message.
        held = [holders for holders in map(self._index.get, words) if holders and len(holders) <= common]
        overlap = Counter(chain.from_iterable(held))  # one count in C, not one update per word
        norm = math.sqrt(len(words))
        labels = self._labels
        # One shared rare word is chance; neighbours share at least two.
        scored = heapq.nlargest(
            NEIGHBOURS,
            ((count / (norm * labels[number][2]), labels[number][1]) for number, count in overlap.items() if count > 1),
        )
        near = [(similarity, escalated) for similarity, escalated in scored if similarity >= MIN_SIMILARITY]
        if not near:
            return NOTHING
        total = sum(similarity for similarity, _ in near)
        escalated_share = sum(similarity for similarity, escalated in near if escalated) / total
        base = self._escalated / len(self._order)
        shift = STRENGTH * min(1.0, total / CONFIDENT_AT) * (escalated_share - base)
        escalated_count = sum(1 for _, escalated in near if escalated)
        return Recall(shift, escalated_count, len(near) - escalated_count)

    def take_older(self, older: EscalationMemory) -> None:
        """Make `older`'s labels (the saved memory, loaded and indexed in the background) the ones
        that came before this memory's own: the few this session gave meanwhile are added after them."""
        older.capacity = self.capacity
        while len(older._order) > self.capacity:
            older._forget(older._order.popleft())
        for number in self._order:
            words, escalated, _ = self._labels[number]
            older._add(words, escalated)
        self._order, self._labels, self._index = older._order, older._labels, older._index
        self._next, self._escalated = older._next, older._escalated

    def clear(self) -> None:
        self._order.clear()
        self._labels.clear()
        self._index.clear()
        self._escalated = 0

    def save(self, path: Path) -> None:
        """Write the labels (word sets, not the messages) to `path`, private to the user."""
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        labels = [[sorted(self._labels[number][0]), self._labels[number][1]] for number in self._order]
        temporary = path.with_suffix(".tmp")
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            json.dump({"version": 1, "labels": labels}, handle)
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: Path, capacity: int = CAPACITY) -> EscalationMemory:
        """The memory saved at `path`; an empty one when it is missing or unreadable (it is only a hint)."""
        memory = cls(capacity)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            labels = [(frozenset(map(str, words)), bool(escalated)) for words, escalated in data["labels"]]
        except (OSError, ValueError, KeyError, TypeError):
            return memory
        for words, escalated in labels[-capacity:]:
            memory._add(words, escalated)
        return memory

    def _add(self, words: frozenset[str], escalated: bool) -> None:
        if len(self._order) >= self.capacity:
            self._forget(self._order.popleft())
        number = self._next
        self._next += 1
        self._order.append(number)
        self._labels[number] = (words, escalated, math.sqrt(len(words)))
        self._escalated += escalated
        for gram in words:
            self._index.setdefault(gram, set()).add(number)

    def _forget(self, number: int) -> None:
        words, escalated, _ = self._labels.pop(number)
        self._escalated -= escalated
        for gram in words:
            holders = self._index[gram]
            holders.discard(number)
            if not holders:
                del self._index[gram]
