"""Routes survive the trip to JSON and back equal, so a resumed answer shows the same routing line
and why panel; every form the router produces is covered, with bots using every optional fact."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from bytechat_tui.pricing.catalog import Prices, load_catalog
from bytechat_tui.room import Bot, Room, default_room
from bytechat_tui.routing.classifier import assess
from bytechat_tui.routing.router import Route, route
from bytechat_tui.storage.codec import route_from_json, route_to_json

UNUSUAL = Bot(
    name="odd",
    provider="openai-compatible",
    model="odd/model:latest",
    prices=Prices(
        0.5,
        1.5,
        cache_read=0.05,
        cache_write=0.6,
        long_context_threshold=200_000,
        input_long=1.0,
        output_long=3.0,
        cache_read_long=0.1,
        cache_write_long=1.2,
    ),
    context_window=1_000_000,
    max_output=64_000,
    tier=3,
    tags=frozenset({"code", "long-context", "vision"}),
    base_url="http://127.0.0.1:8080/v1",
    key_name="odd-key",
    display_name="Odd · ✓ «model»",
    allow_http=True,
)


def catalog_room() -> Room:
    room = default_room(load_catalog())
    return replace(room, bots=room.bots + (UNUSUAL,))


def through_json(decision: Route) -> Route:
    return route_from_json(json.loads(json.dumps(route_to_json(decision))))


@pytest.mark.parametrize(
    "message",
    [
        "hi",
        "Prove that there are infinitely many primes, step by step, then write a Rust program checking it.",
        "Résumé en français, s'il te plaît : « bonjour » ✓",
    ],
)
def test_a_routed_message_comes_back_equal(message: str) -> None:
    decision = route(assess(message), catalog_room())
    assert through_json(decision) == decision


def test_forced_escalated_and_strongest_only_routes_come_back_equal() -> None:
    room = catalog_room()
    assessment = assess("what is 2 + 2?")
    forced = route(assessment, room, forced="odd")
    strongest = forced.strongest.bot.name
    escalated = replace(route(assessment, room, forced=strongest), why="escalated with r: the strongest bot")
    too_hard = replace(assessment, needed_tier=9, reasons=())  # nobody is capable: the strongest answers
    nobody = route(too_hard, room)
    assert nobody.capable == () and nobody.runner_up is None
    for decision in (forced, escalated, nobody):
        assert through_json(decision) == decision


def test_facts_a_newer_version_adds_are_ignored_and_defaulted_ones_an_older_lacks_are_filled() -> None:
    decision = route(assess("hi"), catalog_room())
    data = route_to_json(decision)
    for option in data["options"]:
        option["bot"]["colour"] = "teal"  # written by a newer bytechat
        option["bot"]["prices"]["batch_discount"] = 0.5
        if not option["bot"]["allow_http"]:
            del option["bot"]["allow_http"]  # as a version that did not know it would have kept it
    data["assessment"]["language"] = "en"
    del data["assessment"]["floor_tier"]
    assert route_from_json(data) == decision
