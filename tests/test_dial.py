"""The thrift ↔ quality dial means the same share of messages at the top, whatever the room."""

from __future__ import annotations

import csv
from dataclasses import replace

import pytest
from conftest import shared_path

from bytechat_tui.pricing.catalog import load_catalog
from bytechat_tui.room import Room, default_room
from bytechat_tui.routing.classifier import assess
from bytechat_tui.routing.dial import thresholds_for, top_tier
from bytechat_tui.routing.weights import TIER_THRESHOLDS

TABLES = ("arena_gpt35_gpt4", "arena_mixtral_gpt4", "gsm8k_mixtral_gpt4", "mmlu_mixtral_gpt4")


@pytest.fixture(scope="module")
def dev_prompts() -> dict[str, list[str]]:
    prompts = {}
    for table in TABLES:
        with open(shared_path(f"data/routing/dev/{table}.csv"), newline="", encoding="utf-8") as handle:
            rows = [row["prompt"] for row in csv.DictReader(handle)]
        prompts[table] = rows[::7] if len(rows) > 3000 else rows  # MMLU thinned: its share is what counts
    return prompts


def rooms() -> dict[str, Room]:
    five = default_room(load_catalog())
    three = replace(five, name="up to tier 3", bots=tuple(bot for bot in five.bots if bot.tier <= 3))
    return {"tier 5 at the top": five, "tier 3 at the top": three}


def top_share(prompts: dict[str, list[str]], room: Room, share: float | None) -> float:
    """Share of the dev prompts that need the room's top tier, each table weighing the same."""
    thresholds = thresholds_for(share, room)
    top = top_tier(room)
    per_table = [
        sum(assess(prompt, thresholds=thresholds).needed_tier >= top for prompt in table) / len(table)
        for table in prompts.values()
    ]
    return sum(per_table) / len(per_table)


@pytest.mark.parametrize("room_name", list(rooms()))
@pytest.mark.parametrize("share", [0.1, 0.3, 0.6])
def test_the_top_tier_gets_the_asked_share_of_the_dev_prompts(dev_prompts, room_name: str, share: float) -> None:
    assert top_share(dev_prompts, rooms()[room_name], share) == pytest.approx(share, abs=0.03)


def test_turning_the_dial_up_sends_more_to_the_top_and_never_reorders_the_tiers() -> None:
    room = rooms()["tier 5 at the top"]
    low, high = thresholds_for(0.1, room), thresholds_for(0.4, room)
    assert list(low) == sorted(low) and list(high) == sorted(high)
    assert all(a > b for a, b in zip(low, high))


def test_an_untouched_dial_or_a_one_tier_room_keeps_the_fitted_thresholds() -> None:
    room = rooms()["tier 5 at the top"]
    assert thresholds_for(None, room) == TIER_THRESHOLDS
    flat = replace(room, bots=tuple(replace(bot, tier=1) for bot in room.bots))
    assert thresholds_for(0.5, flat) == TIER_THRESHOLDS
