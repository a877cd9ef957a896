"""Send one chat request to a bot and stream its answer back as typed events, whatever its protocol.

The protocol module (imported on first use, so an app that only talks to Anthropic never loads the
Gemini parser) describes the request and decodes the reply; this module does everything the four
share: refusing to send a key in clear to the internet, sending, reading error replies, retrying
as the official SDKs do, mapping network failures to typed errors, and closing the connection the
moment the consumer stops listening.

Retries happen only before the first event reaches the consumer: after that, a retry would show
the start of the answer twice, so the error is raised and the consumer keeps the partial answer.
"""

from __future__ import annotations

import asyncio
import importlib
import ipaddress
from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import httpx

from bytechat_tui.providers.error_bodies import error_from_response
from bytechat_tui.providers.errors import ErrorKind, ProviderError, scrub
from bytechat_tui.providers.events import Event, Retrying
from bytechat_tui.providers.framing import NdjsonDecoder, SseDecoder
from bytechat_tui.providers.retry import RetryPolicy, retry_reason
from bytechat_tui.vendors import VENDORS

if TYPE_CHECKING:
    from bytechat_tui.keys import Secret
    from bytechat_tui.providers.events import ChatRequest
    from bytechat_tui.providers.wire import HttpRequest
    from bytechat_tui.room import Bot

DEFAULT_TIMEOUT = httpx.Timeout(connect=10.0, read=60.0, write=10.0, pool=10.0)
"""Read is per chunk, not for the whole answer: a reasoning model may think for a while between
chunks, but a minute of silence means the stream is dead."""

ERROR_BODY_LIMIT = 64 * 1024
"""Bytes of an error reply read: enough for any provider's error JSON; a proxy's endless page is cut."""

_PROTOCOL_MODULES = {
    "openai": "openai_chat",
    "anthropic": "anthropic_messages",
    "gemini": "gemini",
    "ollama": "ollama",
}

_LOCAL_NAME_SUFFIXES = (".localhost", ".local", ".lan", ".internal", ".home.arpa")
"""Names that only resolve on this machine or its own network (mDNS, home routers, cloud VPCs)."""


async def stream_events(
    bot: Bot,
    key: Secret | None,
    request: ChatRequest,
    *,
    http: httpx.AsyncClient | None = None,
    policy: RetryPolicy = RetryPolicy(),
    timeout: httpx.Timeout | None = None,
) -> AsyncIterator[Event]:
    """The bot's answer as it arrives; a failure is raised as a `ProviderError` naming the bot.

    Closing the generator (`aclose()`, or cancelling the task consuming it) closes the connection.
    """
    secret = key.reveal() if key is not None else None
    secrets = (secret,) if secret else ()
    try:
        protocol = _protocol(bot)
        outgoing = protocol.build_request(bot, secret, request)
        _refuse_plain_http(bot, outgoing.url)
    except ProviderError as error:
        error.bot = bot.name
        raise
    client = http if http is not None else httpx.AsyncClient()
    limits = timeout or DEFAULT_TIMEOUT
    started = False
    try:
        for attempt in range(policy.max_retries + 1):
            headers: httpx.Headers | None = None
            try:
                async with client.stream(
                    outgoing.method,
                    outgoing.url,
                    headers=outgoing.headers,
                    json=outgoing.json,
                    timeout=limits,
                ) as response:
                    if not response.is_success:
                        # Only an error reply's headers speak about retrying (x-should-retry, retry-after).
                        headers = response.headers
                        raise error_from_response(
                            response.status_code,
                            response.headers,
                            await _bounded_body(response),
                            bot.name,
                            secrets,
                            provider=bot.provider,
                            key_name=bot.key_name or bot.provider,
                        )
                    framing = SseDecoder() if protocol.FRAMING == "sse" else NdjsonDecoder()
                    decoder = protocol.Decoder()
                    async for chunk in response.aiter_bytes():
                        for event in _decoded(framing.feed(chunk), decoder):
                            started = True
                            yield event
                    # At a clean EOF: the last event if the server did not end it, then what is owed.
                    for event in [*_decoded(framing.close(), decoder), *decoder.close()]:
                        started = True
                        yield event
                return
            except ProviderError as error:
                # A decoder quoting an error event mid-stream does not know the key; clean it here.
                failure = error.scrubbed(*secrets)
            except (httpx.HTTPError, httpx.InvalidURL) as error:
                failure = _transport_error(error, outgoing.url, limits, secrets)
                failure.__cause__ = error
            failure.bot = bot.name
            if started or attempt == policy.max_retries or not policy.should_retry(failure, headers):
                raise failure
            delay = policy.delay(attempt + 1, headers, failure)
            yield Retrying(attempt + 1, delay, retry_reason(failure))
            await asyncio.sleep(delay)
    finally:
        if http is None:
            await client.aclose()


async def fetch(
    bot: Bot,
    outgoing: HttpRequest,
    key: Secret | None,
    *,
    http: httpx.AsyncClient,
    timeout: httpx.Timeout | None = None,
    key_name: str | None = None,
) -> httpx.Response:
    """One plain request (no stream, no retry) with the safety and typed errors of `stream_events`."""
    secret = key.reveal() if key is not None else None
    secrets = (secret,) if secret else ()
    limits = timeout or DEFAULT_TIMEOUT
    _refuse_plain_http(bot, outgoing.url)
    try:
        response = await http.request(
            outgoing.method, outgoing.url, headers=outgoing.headers, json=outgoing.json, timeout=limits
        )
    except (httpx.HTTPError, httpx.InvalidURL) as error:
        failure = _transport_error(error, outgoing.url, limits, secrets)
        failure.bot = bot.name
        raise failure from error
    if not response.is_success:
        raise error_from_response(
            response.status_code,
            response.headers,
            response.content[:ERROR_BODY_LIMIT],
            bot.name,
            secrets,
            provider=bot.provider,
            key_name=key_name or bot.key_name or bot.provider,
        ).scrubbed(*secrets)
    return response


def _protocol(bot: Bot) -> ModuleType:
    return importlib.import_module(f"bytechat_tui.providers.{_PROTOCOL_MODULES[VENDORS[bot.provider].protocol]}")


def _decoded(items: list[Any], decoder: Any) -> Iterator[Event]:
    """Events of a protocol decoder fed the SSE events or NDJSON lines of one chunk."""
    for item in items:
        yield from decoder.feed(item)


def _refuse_plain_http(bot: Bot, url: str) -> None:
    """Plain http:// would show the key to every network on the way, so only a near host gets it."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "http" or bot.allow_http or _is_near(host):
        return
    raise ProviderError(
        ErrorKind.INSECURE,
        f"refused to send the request over plain http:// to {host}, a public host, where anyone on the "
        f"way could read it and the key; use https://, or add allow_http = true to [bots.{bot.name}] in "
        "the config if you accept that",
        bot=bot.name,
    )


def _is_near(host: str) -> bool:
    """Loopback, private or link-local: a host on this machine or its own network."""
    try:
        return not ipaddress.ip_address(host).is_global
    except ValueError:
        # A single-label name (a container, a LAN box) only resolves on the local network.
        return host == "localhost" or "." not in host or host.endswith(_LOCAL_NAME_SUFFIXES)


async def _bounded_body(response: httpx.Response) -> bytes:
    """The start of an error reply's body; what arrived, if the connection broke while reading it."""
    body = bytearray()
    try:
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) >= ERROR_BODY_LIMIT:
                break
    except httpx.HTTPError:
        pass
    return bytes(body[:ERROR_BODY_LIMIT])


def _transport_error(error: httpx.HTTPError | httpx.InvalidURL, url: str, timeout: httpx.Timeout, secrets: tuple[str, ...]) -> ProviderError:
    host = urlsplit(url).hostname or url
    detail = scrub(str(error) or type(error).__name__, *secrets)
    if isinstance(error, httpx.ConnectTimeout):
        return ProviderError(
            ErrorKind.TIMEOUT,
            f"could not connect to {host} within {timeout.connect:g} s; check the network and the bot's base_url",
        )
    if isinstance(error, httpx.TimeoutException):
        return ProviderError(
            ErrorKind.TIMEOUT,
            f"{host} sent nothing for {timeout.read:g} s, so the stream was given up; ask again, or ask another bot",
        )
    if isinstance(error, httpx.ConnectError):
        return ProviderError(
            ErrorKind.CONNECTION,
            f"could not connect to {host} ({detail}); check that it is up, the network, and the bot's base_url",
        )
    if isinstance(error, (httpx.UnsupportedProtocol, httpx.InvalidURL)):
        return ProviderError(ErrorKind.BAD_REQUEST, f"the bot's base_url is not usable ({detail}); fix it in the config")
    if isinstance(error, httpx.DecodingError):
        return ProviderError(ErrorKind.PROTOCOL, f"the reply from {host} could not be decoded ({detail}); ask again")
    return ProviderError(
        ErrorKind.CONNECTION,
        f"the connection to {host} broke ({type(error).__name__}: {detail}); ask again, or ask another bot",
    )
