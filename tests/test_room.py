"""Rooms from config and catalog: facts layered catalog < [models."id"] < bot, and the default room."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bytechat_tui import locations
from bytechat_tui.config import ConfigError, load_config
from bytechat_tui.errors import UserError
from bytechat_tui.pricing.catalog import Catalog, ModelInfo, Prices, load_catalog
from bytechat_tui.room import UNKNOWN_CONTEXT_WINDOW, build_room, default_room, load_room


def model(
    model_id: str,
    provider: str,
    tier: int,
    prices: Prices,
    tags: tuple[str, ...] = (),
) -> ModelInfo:
    return ModelInfo(
        id=model_id,
        provider=provider,
        prices=prices,
        context_window=400_000,
        max_output=128_000,
        tier=tier,
        tier_reason="test",
        tags=frozenset(tags),
    )


CATALOG = Catalog(
    date="2099-01",
    source="test",
    entries=(
        model("gpt-5-nano", "openai", 1, Prices(0.05, 0.4)),
        model("gpt-5-mini", "openai", 2, Prices(0.25, 2.0, cache_read=0.025), tags=("code",)),
        model("gpt-4.1-mini", "openai", 2, Prices(0.4, 1.6)),
        model("claude-opus-4-1", "anthropic", 5, Prices(15.0, 75.0), tags=("code", "reasoning")),
    ),
    default_room=("gpt-5-nano", "gpt-5-mini", "claude-opus-4-1"),
)


def config_with(text: str) -> Path:
    path = locations.config_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


ROOMS = """\
default_room = "work"

[rooms.work]
bots = ["mini", "opus"]

[rooms.cheap]
bots = ["nano"]
failover = false

[bots.nano]
provider = "openai"
model = "gpt-5-nano"

[bots.mini]
provider = "openai"
model = "gpt-5-mini"
price_out = 9.0
display_name = "Mini"

[bots.opus]
provider = "anthropic"
model = "claude-opus-4-1"
enabled = false
key = "work-anthropic"
"""


def test_catalog_facts_then_model_overrides_then_the_bots_own() -> None:
    config_with(ROOMS + '\n[models."gpt-5-mini"]\nprice_in = 0.3\nprice_out = 1.0\ntier = 3\n')
    room = build_room(load_config(), CATALOG)
    assert (room.name, room.origin, room.failover) == ("work", "config", True)
    mini, opus = room.bots
    assert mini.prices.input == 0.3  # [models."gpt-5-mini"] beats the catalog's 0.25
    assert mini.prices.output == 9.0  # the bot's own 9.0 beats [models]'s 1.0
    assert mini.prices.cache_read == 0.025 and mini.context_window == 400_000  # untouched catalog facts
    assert mini.tier == 3 and mini.tags == frozenset({"code"}) and mini.display_name == "Mini"
    assert (opus.name, opus.tier, opus.prices.output, opus.enabled, opus.key_name) == (
        "opus",
        5,
        75.0,
        False,
        "work-anthropic",
    )


def test_a_room_is_chosen_by_name() -> None:
    config_with(ROOMS)
    room = build_room(load_config(), CATALOG, "cheap")
    assert room.name == "cheap" and room.failover is False
    assert [bot.name for bot in room.bots] == ["nano"]


def test_an_unknown_room_lists_the_rooms() -> None:
    path = config_with(ROOMS)
    with pytest.raises(UserError) as caught:
        build_room(load_config(), CATALOG, "home")
    assert str(caught.value) == f'{path} has no room named "home"; the rooms are work, cheap.'


def test_a_model_the_catalog_lacks_needs_tier_and_prices() -> None:
    path = config_with(
        '[rooms.lab]\nbots = ["new"]\n\n[bots.new]\nprovider = "openai"\nmodel = "gpt-9"\ntier = 4\n'
    )
    with pytest.raises(ConfigError) as caught:
        build_room(load_config(), CATALOG)
    assert str(caught.value) == (
        f'{path}, line 6: bot "new" uses model "gpt-9", which the catalog does not know for provider "openai"; '
        'add price_in and price_out to [bots.new] or to [models."gpt-9"].'
    )


def test_a_mistyped_model_gets_a_suggestion() -> None:
    config_with('[rooms.lab]\nbots = ["m"]\n\n[bots.m]\nprovider = "openai"\nmodel = "gpt-5-mnii"\n')
    with pytest.raises(ConfigError, match=re.escape('line 6: bot "m" uses model "gpt-5-mnii" (did you mean "gpt-5-mini"?)')):
        build_room(load_config(), CATALOG)


def test_a_model_the_catalog_lacks_works_with_its_facts_from_models_and_bot() -> None:
    config_with(
        '[rooms.lab]\nbots = ["new"]\n\n[bots.new]\nprovider = "openai"\nmodel = "gpt-9"\ntier = 4\n'
        'tags = ["vision"]\n\n[models."gpt-9"]\nprice_in = 1.5\nprice_out = 6\n'
    )
    (bot,) = build_room(load_config(), CATALOG).bots
    assert (bot.tier, bot.prices.input, bot.prices.output, bot.tags) == (4, 1.5, 6.0, frozenset({"vision"}))
    assert bot.context_window == UNKNOWN_CONTEXT_WINDOW and bot.max_output <= bot.context_window


@pytest.mark.parametrize(
    ("provider", "base_url", "free"),
    [
        ("ollama", None, True),
        ("ollama", "http://gpu-box.lan:11434", True),
        ("openai-compatible", "http://127.0.0.1:8080/v1", True),
        ("openai-compatible", "http://localhost:1234/v1", True),
        ("openai-compatible", "http://[::1]:8000/v1", True),
        ("openai-compatible", "https://llm.example.com/v1", False),
    ],
)
def test_local_endpoints_cost_nothing_by_default(provider: str, base_url: str | None, free: bool) -> None:
    url = f'base_url = "{base_url}"\n' if base_url else ""
    config_with(f'[rooms.home]\nbots = ["local"]\n\n[bots.local]\nprovider = "{provider}"\nmodel = "qwen3"\n{url}tier = 2\n')
    if not free:
        with pytest.raises(ConfigError, match="add price_in and price_out"):
            build_room(load_config(), CATALOG)
        return
    (bot,) = build_room(load_config(), CATALOG).bots
    assert (bot.prices.input, bot.prices.output, bot.tier) == (0.0, 0.0, 2)


def test_a_local_model_still_needs_a_tier() -> None:
    config_with('[rooms.home]\nbots = ["local"]\n\n[bots.local]\nprovider = "ollama"\nmodel = "qwen3"\n')
    with pytest.raises(ConfigError, match='line 6: .*add tier to'):
        build_room(load_config(), CATALOG)


def test_the_default_room_names_bots_after_their_models() -> None:
    room = default_room(CATALOG)
    assert (room.name, room.origin) == ("default", "default")
    assert [(bot.name, bot.model, bot.provider) for bot in room.bots] == [
        ("nano", "gpt-5-nano", "openai"),
        ("mini", "gpt-5-mini", "openai"),
        ("opus", "claude-opus-4-1", "anthropic"),
    ]


def test_default_room_names_stay_unique() -> None:
    catalog = Catalog("2099-01", "test", CATALOG.entries, ("gpt-5-mini", "gpt-4.1-mini", "gpt-5-nano"))
    assert [bot.name for bot in default_room(catalog).bots] == ["gpt-5-mini", "gpt-4.1-mini", "nano"]


def test_the_default_room_takes_the_users_model_overrides() -> None:
    config_with('[models."gpt-5-nano"]\nprice_out = 0.5\n')
    nano = default_room(CATALOG, load_config()).bots[0]
    assert (nano.prices.input, nano.prices.output) == (0.05, 0.5)


def test_load_room_without_config_gives_the_real_catalogs_default_room() -> None:
    room = load_room()
    catalog = load_catalog()
    assert room.origin == "default"
    assert [bot.model for bot in room.bots] == list(catalog.default_room)
    assert len({bot.name for bot in room.bots}) == len(room.bots)


def test_load_room_gives_the_configured_room_or_the_named_default() -> None:
    catalog = load_catalog()
    first, second = catalog.find(catalog.default_room[0]), catalog.find(catalog.default_room[-1])
    assert first is not None and second is not None
    config_with(
        f'[rooms.pair]\nbots = ["a", "b"]\n\n[bots.a]\nprovider = "{first.provider}"\nmodel = "{first.id}"\n\n'
        f'[bots.b]\nprovider = "{second.provider}"\nmodel = "{second.id}"\n'
    )
    room = load_room()
    assert (room.name, room.origin, [bot.model for bot in room.bots]) == ("pair", "config", [first.id, second.id])
    assert load_room("default").origin == "default"
    with pytest.raises(UserError, match='no room named "nope"; the rooms are pair'):
        load_room("nope")
