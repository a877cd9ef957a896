"""What the protocol modules share: the request they build, where it goes, how replies are read.

A protocol module only describes a request (`HttpRequest`); `client.py` sends it. Keeping the
description plain data lets tests check every URL, header and body without a socket, and keeps
the key out of everything but the one header that carries it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from bytechat_tui.providers.error_bodies import error_from_payload
from bytechat_tui.providers.errors import ErrorKind, ProviderError, scrub
from bytechat_tui.providers.events import Event, Finish, Usage
from bytechat_tui.vendors import VENDORS

if TYPE_CHECKING:
    from bytechat_tui.room import Bot


@dataclass(frozen=True, slots=True)
class HttpRequest:
    method: str
    url: str
    headers: dict[str, str]
    """Including the auth header; never logged or formatted into an error."""
    json: dict[str, Any] | None
    """The body; None for a GET."""


def endpoint(bot: Bot) -> str:
    """The bot's base URL (its own, else its vendor's), without a trailing slash."""
    base = bot.base_url or VENDORS[bot.provider].base_url
    if not base:
        raise ProviderError(
            ErrorKind.BAD_REQUEST,
            f'bot "{bot.name}" has no base_url; add base_url = "https://..." to [bots.{bot.name}] in the config',
            bot=bot.name,
        )
    return base.rstrip("/")


def load_payload(text: str) -> dict[str, Any] | None:
    """One JSON object of a stream (an SSE `data:` or an NDJSON line), or None for a line that is
    not JSON at all (a proxy's `keep-alive`), which is skipped as SSE skips what it does not know.

    Broken JSON is a PROTOCOL error instead: skipping it would silently lose part of the answer.
    An error object the provider sent inside its 200 stream is raised as its typed error.
    """
    if text.lstrip()[:1] not in ("{", "["):
        return None
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    if not isinstance(payload, dict):
        raise ProviderError(
            ErrorKind.PROTOCOL,
            f"the reply contains {_excerpt(text)}, which is not a JSON object; check that the bot's "
            "base_url points at an API that speaks its provider's protocol",
        )
    if payload.get("error"):
        raise payload_error(payload)
    return payload


_Decoder = TypeVar("_Decoder")
_Item = TypeVar("_Item")


def guarded(feed: Callable[[_Decoder, _Item], list[Event]]) -> Callable[[_Decoder, _Item], list[Event]]:
    """`feed` with a reply of an unexpected shape (a string where an object was due) turned into a
    PROTOCOL error, instead of an AttributeError that would say nothing to a person."""

    @functools.wraps(feed)
    def checked(decoder: _Decoder, item: _Item) -> list[Event]:
        try:
            return feed(decoder, item)
        except (AttributeError, TypeError, KeyError, IndexError) as error:
            raise ProviderError(
                ErrorKind.PROTOCOL,
                f"the reply is not shaped as the protocol says ({type(error).__name__}); check that the "
                "bot's base_url points at an API that speaks its provider's protocol",
            ) from error

    return checked


def payload_error(payload: dict[str, Any]) -> ProviderError:
    """The typed error for an error object a provider sent inside a 200 stream."""
    return error_from_payload(payload, None, None, ())


def cut_off() -> ProviderError:
    """The stream ended cleanly at the socket but before the bot said it had finished."""
    return ProviderError(
        ErrorKind.SERVER,
        "the answer was cut off: the stream ended before the bot said it had finished; ask again",
    )


def ending(usage: Usage | None, finish: Finish) -> list[Event]:
    """The last events of a stream: the usage (when the provider sent any), then the finish."""
    return [finish] if usage is None else [usage, finish]


def _excerpt(text: str, limit: int = 60) -> str:
    return repr(scrub(text if len(text) <= limit else text[:limit] + "…"))
