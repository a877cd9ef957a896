"""Checking a key: the cheapest request that needs it, a listing of the provider's models.

The keys dialog offers this so a person learns a pasted key is wrong now, not at the next question.
The request goes through `client.fetch`, so it gets the same refusal of plain http:// to a public
host and the same typed, key-free error sentences as a chat request.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx

from bytechat_tui.keys import Secret
from bytechat_tui.pricing.catalog import Prices
from bytechat_tui.providers.client import fetch
from bytechat_tui.providers.errors import ProviderError
from bytechat_tui.providers.wire import HttpRequest
from bytechat_tui.replies import key_name
from bytechat_tui.room import Bot, Room
from bytechat_tui.vendors import VENDORS

CHECK_TIMEOUT = httpx.Timeout(10.0)


@dataclass(frozen=True, slots=True)
class KeyCheck:
    """How a check of a key went; `message` is the sentence shown."""

    ok: bool
    message: str


def check_target(name: str, room: Room | None) -> Bot | None:
    """A bot to check the key `name` against: the room's bot using it (its base_url), else the vendor's."""
    for bot in room.bots if room is not None else ():
        if key_name(bot) == name:
            return bot
    vendor = VENDORS.get(name)
    if vendor is None or vendor.base_url is None:
        return None
    return Bot(name, name, "", Prices(0.0, 0.0), 0, 0, 0, frozenset())


def _listing(bot: Bot, key: str | None) -> tuple[str, dict[str, str]]:
    """The URL that lists models for the bot's protocol, and the headers carrying the key."""
    base = (bot.base_url or VENDORS[bot.provider].base_url or "").rstrip("/")
    protocol = VENDORS[bot.provider].protocol
    if protocol == "anthropic":
        from bytechat_tui.providers.anthropic_messages import API_VERSION

        return f"{base.removesuffix('/v1')}/v1/models", ({"x-api-key": key} if key else {}) | {
            "anthropic-version": API_VERSION
        }
    if protocol == "gemini":
        return f"{base}/models", {"x-goog-api-key": key} if key else {}
    if protocol == "ollama":
        return f"{base.removesuffix('/v1')}/api/tags", {}
    return f"{base}/models", {"Authorization": f"Bearer {key}"} if key else {}


async def check_key(name: str, secret: Secret | None, room: Room | None, http: httpx.AsyncClient) -> KeyCheck:
    """Ask the provider (or the room's endpoint) for its model list with the key `name`."""
    bot = check_target(name, room)
    if bot is None:
        return KeyCheck(
            False,
            f"{name}: there is no endpoint to check this key against; it is checked when a bot of the "
            "room that uses it answers.",
        )
    key = secret.reveal() if secret is not None else None
    url, headers = _listing(bot, key)
    try:
        await fetch(bot, HttpRequest("GET", url, headers, None), secret, http=http, timeout=CHECK_TIMEOUT, key_name=name)
    except ProviderError as error:
        error.bot = name
        return KeyCheck(False, str(error))
    host = urlsplit(url).hostname or url
    return KeyCheck(True, f"{name}: the key works ({host} listed its models).")
