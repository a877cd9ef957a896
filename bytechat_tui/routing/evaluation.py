"""How good a router is, in RouteLLM's terms, on a table of per-prompt quality labels.

For two models (weak, strong), a router is a score per prompt: the higher the score, the earlier the
prompt goes to the strong model as the share of strong calls is swept from 0 to 100 %. PGR at a
share is the part of the weak-to-strong quality gap recovered; APGR is its area; CPT(x) the share
of strong calls needed to recover x of the gap. Prompts with equal scores are taken in random
order, so their gaps count at their average: the figures are exact expectations, not one draw.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate


@dataclass(frozen=True, slots=True)
class PairReport:
    n: int
    apgr: float
    cpt50: float
    """Share of prompts (0-1) sent to the strong model to recover half the gap."""
    cpt80: float
    p_value: float
    """Permutation test: chance that a random ordering reaches this APGR."""
    random_band: tuple[float, float]
    """Central 95 % of the random router's APGR on this table."""
    oracle_apgr: float
    weak_mean: float
    strong_mean: float


def gain_curve(scores: Sequence[float], gaps: Sequence[float]) -> list[float]:
    """Cumulative gap recovered after sending the top-k prompts to the strong model, k = 0..n.

    Within a group of tied scores the gain grows linearly: the expectation over tie orders.
    """
    order = sorted(range(len(scores)), key=lambda index: -scores[index])
    curve = [0.0]
    start = 0
    while start < len(order):
        end = start
        while end < len(order) and scores[order[end]] == scores[order[start]]:
            end += 1
        mean_gap = sum(gaps[index] for index in order[start:end]) / (end - start)
        base = curve[-1]
        curve.extend([base + mean_gap * step for step in range(1, end - start + 1)])
        start = end
    return curve


def area_under(curve: Sequence[float], total_gap: float) -> float:
    """Trapezoid area of PGR over the share of strong calls, both on [0, 1]."""
    n = len(curve) - 1
    return (sum(curve) - (curve[0] + curve[-1]) / 2) / (n * total_gap)


def calls_to_reach(curve: Sequence[float], total_gap: float, target: float) -> float:
    """Smallest share of strong calls whose PGR reaches `target`, interpolating between prompts."""
    n = len(curve) - 1
    goal = target * total_gap
    for k in range(1, n + 1):
        if curve[k] >= goal:
            before = curve[k - 1]
            step = curve[k] - before
            fraction = (goal - before) / step if step > 0 else 0.0
            return (k - 1 + fraction) / n
    return 1.0


def evaluate_pair(
    scores: Sequence[float],
    weak: Sequence[float],
    strong: Sequence[float],
    permutations: int = 1000,
    seed: int = 0,
) -> PairReport:
    """APGR, CPT(50 %), CPT(80 %), oracle and a permutation test for one router on one table."""
    n = len(scores)
    if n < 2 or not (len(weak) == len(strong) == n):
        raise ValueError("need at least two prompts with a weak and a strong label each")
    gaps = [s - w for w, s in zip(weak, strong)]
    total_gap = sum(gaps)
    if total_gap <= 0:
        raise ValueError("the strong model is not better than the weak one on this table: APGR is undefined")
    curve = gain_curve(scores, gaps)
    apgr = area_under(curve, total_gap)

    # A random router's APGR is a linear statistic of a shuffled gap order; sample it directly.
    rng = random.Random(seed)
    shuffled = list(gaps)
    null: list[float] = []
    for _ in range(permutations):
        rng.shuffle(shuffled)
        null.append((sum(accumulate(shuffled)) - total_gap / 2) / (n * total_gap))
    null.sort()
    at_least = sum(1 for value in null if value >= apgr)
    band = (_quantile(null, 0.025), _quantile(null, 0.975)) if null else (math.nan, math.nan)

    oracle_curve = list(accumulate(sorted(gaps, reverse=True), initial=0.0))
    return PairReport(
        n=n,
        apgr=apgr,
        cpt50=calls_to_reach(curve, total_gap, 0.5),
        cpt80=calls_to_reach(curve, total_gap, 0.8),
        p_value=(1 + at_least) / (1 + permutations),
        random_band=band,
        oracle_apgr=area_under(oracle_curve, total_gap),
        weak_mean=sum(weak) / n,
        strong_mean=sum(strong) / n,
    )


def _quantile(sorted_values: Sequence[float], q: float) -> float:
    position = q * (len(sorted_values) - 1)
    low = math.floor(position)
    high = min(low + 1, len(sorted_values) - 1)
    return sorted_values[low] + (sorted_values[high] - sorted_values[low]) * (position - low)
