"""The thrift ↔ quality dial: tier thresholds that give a room's strongest tier a chosen share.

RouteLLM calibrates its threshold on a reference set of prompts, so that "send 20 % to the strong
model" means the same thing for every router. Here the reference is the dev prompts' scores
(`SCORE_PERCENTILES`), and what is calibrated is the room's own strongest tier: a room whose best
bot is tier 3 gets the same share at tier 3 as a room with a tier-5 bot gets at tier 5. Every
threshold moves by the same amount in logit space, so the tiers keep their order and spacing.
"""

from __future__ import annotations

import math

from bytechat_tui.room import Room
from bytechat_tui.routing.weights import SCORE_PERCENTILES, TIER_THRESHOLDS

_EDGE = 1e-6


def _logit(p: float) -> float:
    p = min(1 - _EDGE, max(_EDGE, p))
    return math.log(p / (1 - p))


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def dev_quantile(q: float) -> float:
    """The dev prompts' score below which a share `q` of them falls (linear between percentiles)."""
    position = min(1.0, max(0.0, q)) * (len(SCORE_PERCENTILES) - 1)
    low = math.floor(position)
    high = min(low + 1, len(SCORE_PERCENTILES) - 1)
    return SCORE_PERCENTILES[low] + (position - low) * (SCORE_PERCENTILES[high] - SCORE_PERCENTILES[low])


def top_tier(room: Room) -> int:
    return max((bot.tier for bot in room.bots if bot.enabled), default=1)


def thresholds_for(strongest_share: float | None, room: Room) -> tuple[float, ...]:
    """Scores at or above which a message needs tier 2, 3, 4, 5, with the dial set to `strongest_share`.

    None (the dial untouched) or a room of one tier keeps the fitted thresholds.
    """
    tier = top_tier(room)
    if strongest_share is None or tier <= 1:
        return TIER_THRESHOLDS
    wanted = _logit(dev_quantile(1 - strongest_share))
    shift = wanted - _logit(TIER_THRESHOLDS[tier - 2])
    return tuple(_sigmoid(_logit(threshold) + shift) for threshold in TIER_THRESHOLDS)
