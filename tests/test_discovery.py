"""A local Ollama adds its models to the default room as free bots; no Ollama adds nothing."""

from __future__ import annotations

import asyncio
import json
import socket

from loopback import LoopbackServer, Reply, loopback  # noqa: F401 - `loopback` is a fixture

from bytechat_tui.pricing.catalog import load_catalog
from bytechat_tui.providers.discovery import (
    local_bot,
    ollama_bots,
    parameter_billions,
    tier_for_size,
    with_local_models,
)
from bytechat_tui.providers.shared_client import SharedClient
from bytechat_tui.room import UNKNOWN_CONTEXT_WINDOW, Bot, default_room

# The shape of Ollama's documented /api/tags answer (../shared/fixtures/ollama/ollama_docs_api.md).
TAGS = {
    "models": [
        {
            "name": "llama3.1:latest",
            "model": "llama3.1:latest",
            "size": 4920753328,
            "details": {"family": "llama", "parameter_size": "8.0B", "quantization_level": "Q4_K_M"},
        },
        {
            "name": "qwen2.5:72b",
            "model": "qwen2.5:72b",
            "size": 47415724800,
            "details": {"family": "qwen2", "parameter_size": "72.7B", "quantization_level": "Q4_K_M"},
        },
        {
            "name": "someone/tiny-chat:q8_0",
            "model": "someone/tiny-chat:q8_0",
            "size": 1000000,
            "details": {"family": "llama", "parameter_size": "1.1B", "quantization_level": "Q8_0"},
        },
    ]
}


def tags_reply() -> Reply:
    return Reply(200, {"content-type": "application/json"}, [json.dumps(TAGS).encode()])


def discover(url: str) -> list[Bot]:
    async def go() -> list[Bot]:
        http = SharedClient()
        try:
            return await ollama_bots(http, url)
        finally:
            await http.aclose()

    return asyncio.run(go())


def test_a_local_ollama_adds_free_bots_at_its_own_address(loopback: LoopbackServer) -> None:
    loopback.queue(tags_reply())
    bots = {bot.name: bot for bot in discover(loopback.url)}

    assert [request.path for request in loopback.requests] == ["/api/tags"]
    assert set(bots) == {"llama3.1", "qwen2.5-72b", "tiny-chat-q8_0"}
    for bot in bots.values():
        assert bot.provider == "ollama" and bot.base_url == loopback.url
        assert bot.prices.input == 0 and bot.prices.output == 0
    # Known to the catalog: its tier and window; the model is sent as Ollama named it.
    llama = load_catalog().find("llama3.1", "ollama")
    assert llama is not None
    assert bots["llama3.1"].model == "llama3.1:latest"
    assert (bots["llama3.1"].tier, bots["llama3.1"].context_window) == (llama.tier, llama.context_window)
    # Unknown: tier from the size its name states, or the lowest tier when it states none.
    assert bots["qwen2.5-72b"].tier == 2 and bots["qwen2.5-72b"].context_window == UNKNOWN_CONTEXT_WINDOW
    assert bots["tiny-chat-q8_0"].tier == 1


def test_the_default_room_grows_by_the_local_models_only_when_ollama_answers(loopback: LoopbackServer) -> None:
    room = default_room(load_catalog())
    loopback.queue(tags_reply())

    async def go(url: str) -> tuple[list[str], list[str]]:
        http = SharedClient()
        try:
            grown = await with_local_models(room, http, url)
            unchanged = await with_local_models(room, http, closed_port_url())
        finally:
            await http.aclose()
        return [bot.name for bot in grown.bots], [bot.name for bot in unchanged.bots]

    grown, unchanged = asyncio.run(go(loopback.url))
    original = [bot.name for bot in room.bots]
    assert grown == original + ["llama3.1", "qwen2.5-72b", "tiny-chat-q8_0"]
    assert unchanged == original


def test_where_nothing_listens_no_http_client_is_made() -> None:
    async def go() -> tuple[list[Bot], bool]:
        http = SharedClient()
        found = await ollama_bots(http, closed_port_url())
        return found, http._client is None  # the port was tried bare: no httpx, no TLS context

    assert asyncio.run(go()) == ([], True)


def closed_port_url() -> str:
    """A loopback address where nothing listens: the port was free a moment ago and is closed now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_nothing_listening_gives_no_bots() -> None:
    assert discover(closed_port_url()) == []


def test_a_server_that_is_not_ollama_gives_no_bots(loopback: LoopbackServer) -> None:
    loopback.queue(Reply(404, {"content-type": "text/plain"}, [b"404 page not found"]))
    assert discover(loopback.url) == []


def test_sizes_in_model_names_give_a_conservative_tier() -> None:
    assert parameter_billions("llama3:70b") == 70
    assert parameter_billions("mixtral:8x7b") == 56
    assert parameter_billions("qwen2.5:0.5b") == 0.5
    assert parameter_billions("llama3.1:8b-instruct-q4_0") == 8
    assert parameter_billions("phi3:mini") is None
    assert [tier_for_size(size) for size in (None, 0.5, 8, 29.9, 30, 405)] == [1, 1, 1, 1, 2, 2]
    # A model the catalog knows under its default tag keeps the catalog's facts, tags included.
    assert local_bot("codegeex4:latest", "http://127.0.0.1:1", load_catalog()).tags == {"code"}
    assert local_bot("codegeex5:latest", "http://127.0.0.1:1", load_catalog()).tags == frozenset()
