"""Local models as bots: an Ollama running on this machine adds its models to the default room, free.

Only the default room grows this way: a room of the config file is exactly what the user wrote.
A model the catalog knows keeps the catalog's tier and context window; any other gets a tier from
its size, kept low on purpose, since a wrong guess upwards would route hard questions to it.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import replace
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from bytechat_tui.pricing.catalog import Catalog, Prices, load_catalog
from bytechat_tui.room import UNKNOWN_CONTEXT_WINDOW, UNKNOWN_MAX_OUTPUT, Bot, Room, catalog_bot
from bytechat_tui.vendors import VENDORS

if TYPE_CHECKING:
    from bytechat_tui.providers.shared_client import SharedClient

OLLAMA_URL = VENDORS["ollama"].base_url or "http://127.0.0.1:11434"

LARGE_MODEL_BILLIONS = 30.0
"""From this many parameters on, an unknown local model is tier 2 (the catalog has Llama 3 70B
there); below it, or of unknown size, tier 1."""

_SIZE = re.compile(r"(?:^|[:_-])(?:(\d+)x)?(\d+(?:\.\d+)?)b(?=$|[:_-])", re.IGNORECASE)
"""A size in a model's name or tag, as Ollama writes them: `llama3:70b`, `qwen2.5:0.5b`, `mixtral:8x7b`."""


PROBE_TIMEOUT_S = 0.5
"""How long a connection to the Ollama port may take before nothing counts as listening there."""


async def ollama_bots(http: SharedClient, base_url: str = OLLAMA_URL) -> list[Bot]:
    """A free bot for each model the Ollama at `base_url` holds; [] when none answers there.

    The port is tried first, with a bare connection: most machines run no Ollama, and the app's
    first screen (the default room looks here before it opens) must not wait for httpx and a TLS
    context, over 100 ms, only to learn that nothing listens.
    """
    if not await _listening(base_url):
        return []
    # Imported here: the protocol module brings httpx.
    from bytechat_tui.providers.ollama import list_local_models

    catalog = load_catalog()
    return [local_bot(model, base_url, catalog) for model in await list_local_models(http.get(), base_url)]


async def _listening(base_url: str) -> bool:
    address = urlsplit(base_url)
    port = address.port or (443 if address.scheme == "https" else 80)
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(address.hostname, port), PROBE_TIMEOUT_S)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True


async def with_local_models(room: Room, http: SharedClient, base_url: str = OLLAMA_URL) -> Room:
    """`room` with a local Ollama's models added after its own bots; unchanged when none answers."""
    return joined(room, await ollama_bots(http, base_url))


def joined(room: Room, local: list[Bot]) -> Room:
    """`room` with the `local` bots it does not already have by name added after its own."""
    taken = {bot.name for bot in room.bots}
    added = [bot for bot in local if bot.name not in taken]
    return replace(room, bots=room.bots + tuple(added)) if added else room


def local_bot(model: str, base_url: str, catalog: Catalog) -> Bot:
    """The bot for one model name of `/api/tags` (`llama3.1:latest`, `user/model:7b-q4_0`)."""
    name = bot_name(model)
    info = catalog.find(model, "ollama") or catalog.find(model.removesuffix(":latest"), "ollama")
    if info is not None:
        return replace(catalog_bot(name, info), model=model, base_url=base_url)
    return Bot(
        name=name,
        provider="ollama",
        model=model,
        prices=Prices(input=0.0, output=0.0),
        context_window=UNKNOWN_CONTEXT_WINDOW,
        max_output=UNKNOWN_MAX_OUTPUT,
        tier=tier_for_size(parameter_billions(model)),
        tags=frozenset(),
        base_url=base_url,
    )


def bot_name(model: str) -> str:
    """A name that can follow `@`: `llama3.1:latest` -> `llama3.1`, `llama3:70b` -> `llama3-70b`."""
    base = model.removesuffix(":latest").rsplit("/", 1)[-1]
    return re.sub(r"[^A-Za-z0-9_.-]", "-", base).strip("-_.") or "local"


def parameter_billions(model: str) -> float | None:
    """The size a model's name states, in billions of parameters; None when it states none."""
    match = _SIZE.search(model.rsplit("/", 1)[-1])
    if match is None:
        return None
    experts, size = match.groups()
    return float(size) * (int(experts) if experts else 1)


def tier_for_size(billions: float | None) -> int:
    return 2 if billions is not None and billions >= LARGE_MODEL_BILLIONS else 1
