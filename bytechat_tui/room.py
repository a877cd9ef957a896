"""Bots and rooms as the router sees them, and how they are built from the config and the catalog.

Each fact of a bot comes from three layers, later ones winning: the catalog entry for its provider
and model, the user's `[models."id"]` table, then the bot's own table. A person can thus correct a
stale catalog price once for every bot, or give one bot a different context window.
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from dataclasses import dataclass, fields, replace
from urllib.parse import urlsplit

from bytechat_tui.config import BotConfig, Config, ModelOverride, did_you_mean, load_config
from bytechat_tui.errors import UserError
from bytechat_tui.pricing.catalog import Catalog, ModelInfo, Prices, load_catalog
from bytechat_tui.vendors import VENDORS

DEFAULT_ROOM_NAME = "default"
"""The name of the room built from the catalog, used when the config defines none."""
DEMO_ROOM_NAME = "demo"
"""The demo's room (`bytechat_tui.demo`), unless the config has a room of its own by that name."""

UNKNOWN_CONTEXT_WINDOW = 8192
"""Context window assumed for a model the catalog does not know: small, so routing stays safe."""

UNKNOWN_MAX_OUTPUT = 4096


@dataclass(frozen=True, slots=True)
class Bot:
    """One model at one provider, with everything routing and pricing need resolved."""

    name: str
    """The config name, used for `@name` and shown in routing lines."""
    provider: str
    """A key of `bytechat_tui.vendors.VENDORS`."""
    model: str
    prices: Prices
    context_window: int
    max_output: int
    tier: int
    tags: frozenset[str]
    base_url: str | None = None
    key_name: str | None = None
    """The keyring entry / provider key to use; None means the provider's own."""
    enabled: bool = True
    display_name: str | None = None
    """Shown instead of `name` where the user set one."""
    allow_http: bool = False
    """The user's explicit permission to send this bot's key over plain http:// to a public host."""


@dataclass(frozen=True, slots=True)
class Room:
    name: str
    bots: tuple[Bot, ...]
    failover: bool = True
    """When a bot fails after its retries, ask the next cheapest capable bot."""
    origin: str = "config"
    """"config" for a room of the user's config file, "default" for the one built from the catalog."""


def build_room(config: Config, catalog: Catalog, name: str | None = None) -> Room:
    """The room `name` of the config (default: its `default_room`, else its first room)."""
    chosen = name if name is not None else config.default_room or next(iter(config.rooms), None)
    room = config.rooms.get(chosen) if chosen is not None else None
    if room is None:
        known = f"the rooms are {', '.join(config.rooms)}" if config.rooms else "it defines no rooms"
        wanted = f'no room named "{chosen}"' if chosen is not None else "no room to use"
        raise UserError(f"{config.path} has {wanted}; {known}.")
    bots = tuple(_configured_bot(config, catalog, config.bots[member]) for member in room.bots)
    return Room(name=room.name, bots=bots, failover=room.failover, origin="config")


def default_room(catalog: Catalog, config: Config | None = None) -> Room:
    """The catalog's suggested room, with the config's `[models."id"]` corrections applied."""
    model_ids = list(dict.fromkeys(catalog.default_room))
    bots = []
    for bot_name, model_id in zip(_short_names(model_ids), model_ids):
        info = catalog.find(model_id)
        if info is None:
            raise LookupError(f"the catalog's default room names {model_id!r}, which it does not hold")
        bots.append(catalog_bot(bot_name, info, config))
    return Room(name=DEFAULT_ROOM_NAME, bots=tuple(bots), origin="default")


def catalog_bot(name: str, info: ModelInfo, config: Config | None = None) -> Bot:
    """A bot for a catalog model, with the config's `[models."id"]` corrections applied."""
    override = config.models.get(info.id) if config is not None else None
    return _bot(name, info.provider, info.id, _merge(_catalog_facts(info), override))


def names_demo_room(name: str | None, config: Config) -> bool:
    """`--room demo` (or the palette's "demo") is the demo room, unless the config has a room so named."""
    return name == DEMO_ROOM_NAME and name not in config.rooms


def room_for_command(name: str | None, config: Config) -> Room:
    """`--room NAME` of a shell command: `load_room`, or the demo room (its server not started yet:
    the command that asks starts it) where `names_demo_room`."""
    if names_demo_room(name, config):
        from bytechat_tui.demo import demo_room  # imported for that room only: it is a module of its own

        return demo_room(None)
    return load_room(name, config)


def load_room(name: str | None = None, config: Config | None = None) -> Room:
    """The room to chat in: the named or configured room, or the default room when none is configured."""
    config = config if config is not None else load_config()
    catalog = load_catalog()
    if (name is None and not config.rooms) or (name == DEFAULT_ROOM_NAME and name not in config.rooms):
        return default_room(catalog, config)
    return build_room(config, catalog, name)


def _configured_bot(config: Config, catalog: Catalog, bot: BotConfig) -> Bot:
    info = catalog.find(bot.model, bot.provider)
    if info is not None:
        base = _catalog_facts(info)
    elif _is_local(bot):
        # A model on the user's own machine costs nothing per token unless they say otherwise.
        base = ModelOverride(price_in=0.0, price_out=0.0)
    else:
        base = ModelOverride()
    facts = _merge(base, config.models.get(bot.model), bot.overrides)
    missing = [name for name in ("tier", "price_in", "price_out") if getattr(facts, name) is None]
    if missing:
        known = [entry.id for entry in catalog.models(bot.provider)]
        raise config.error(
            ("bots", bot.name),
            "model",
            f'bot "{bot.name}" uses model "{bot.model}"{did_you_mean(bot.model, known)}, which the catalog '
            f'does not know for provider "{bot.provider}"; add {_and(missing)} to [bots.{bot.name}] '
            f'or to [models."{bot.model}"].',
        )
    return replace(
        _bot(bot.name, bot.provider, bot.model, facts),
        base_url=bot.base_url,
        key_name=bot.key,
        enabled=bot.enabled,
        display_name=bot.display_name,
        allow_http=bot.allow_http,
    )


def _bot(name: str, provider: str, model: str, facts: ModelOverride) -> Bot:
    """A Bot from merged facts whose tier and prices the caller has made sure of."""
    assert facts.tier is not None and facts.price_in is not None and facts.price_out is not None
    context_window = facts.context_window or UNKNOWN_CONTEXT_WINDOW
    prices = Prices(
        input=facts.price_in,
        output=facts.price_out,
        cache_read=facts.price_cache_read,
        cache_write=facts.price_cache_write,
        long_context_threshold=facts.long_context_threshold,
        input_long=facts.price_in_long,
        output_long=facts.price_out_long,
        cache_read_long=facts.price_cache_read_long,
        cache_write_long=facts.price_cache_write_long,
    )
    return Bot(
        name=name,
        provider=provider,
        model=model,
        prices=prices,
        context_window=context_window,
        max_output=facts.max_output or min(UNKNOWN_MAX_OUTPUT, context_window),
        tier=facts.tier,
        tags=facts.tags or frozenset(),
    )


def _catalog_facts(info: ModelInfo) -> ModelOverride:
    """A catalog entry as the lowest layer of overrides."""
    prices = info.prices
    return ModelOverride(
        tier=info.tier,
        price_in=prices.input,
        price_out=prices.output,
        price_cache_read=prices.cache_read,
        price_cache_write=prices.cache_write,
        long_context_threshold=prices.long_context_threshold,
        price_in_long=prices.input_long,
        price_out_long=prices.output_long,
        price_cache_read_long=prices.cache_read_long,
        price_cache_write_long=prices.cache_write_long,
        context_window=info.context_window,
        max_output=info.max_output,
        tags=info.tags,
    )


def _merge(*layers: ModelOverride | None) -> ModelOverride:
    """One set of facts from layers, each set fact of a later layer replacing the earlier one."""
    merged: dict[str, object] = {}
    for layer in layers:
        if layer is not None:
            for field in fields(ModelOverride):
                value = getattr(layer, field.name)
                if value is not None:
                    merged[field.name] = value
    return ModelOverride(**merged)  # type: ignore[arg-type]


def _is_local(bot: BotConfig) -> bool:
    """Ollama, or an endpoint on this machine (loopback address or localhost)."""
    if bot.provider == "ollama":
        return True
    host = urlsplit(bot.base_url or VENDORS[bot.provider].base_url or "").hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


_FAMILIES = frozenset({"gpt", "claude", "gemini"})
_DROPPED_WORDS = frozenset({"latest", "preview", "exp"})


def _short_names(model_ids: list[str]) -> list[str]:
    """`gpt-5-mini` -> `mini`, `claude-opus-4-1` -> `opus`; a name two models share becomes their ids."""
    short = [_short_name(model_id) for model_id in model_ids]
    counts = Counter(short)
    return [name if counts[name] == 1 else _mentionable(model_id) for name, model_id in zip(short, model_ids)]


def _short_name(model_id: str) -> str:
    base = model_id.rsplit("/", 1)[-1]
    words = [word for word in re.split(r"[-_:]", base) if word]
    kept = [
        word
        for position, word in enumerate(words)
        if not (word[0].isdigit() or word in _DROPPED_WORDS or (position == 0 and word in _FAMILIES))
    ]
    return _mentionable("-".join(kept) or base)


def _mentionable(text: str) -> str:
    """`text` with what cannot follow `@` in a message replaced, so every bot can be named."""
    return re.sub(r"[^A-Za-z0-9_.-]", "-", text.rsplit("/", 1)[-1]).strip("-_.") or "bot"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]
