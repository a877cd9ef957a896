"""The client around the protocols: cancellation, plain-HTTP refusal, where the key goes, lazy imports."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from loopback import LoopbackServer, Pause, Reply, collect, loopback, sse_body  # noqa: F401

from bytechat_tui.keys import Secret
from bytechat_tui.providers.client import stream_events
from bytechat_tui.providers.errors import ErrorKind, ProviderError
from bytechat_tui.providers.events import ChatRequest, Message, TextDelta
from bytechat_tui.providers.retry import RetryPolicy

REPO = Path(__file__).resolve().parents[1]
KEY = "test-key-1"
QUESTION = ChatRequest((Message("user", "hi"),), system="be brief")
NO_RETRY = RetryPolicy(max_retries=0)
SSE = {"content-type": "text/event-stream"}


def chunk(text: str | None = None, finish: str | None = None) -> bytes:
    delta = {"content": text} if text is not None else {}
    return sse_body([{"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}], done=False)


SLOW_ANSWER = Reply(200, SSE, [chunk("first"), Pause(30), chunk("never")])
"""Says one word, then nothing for longer than any test may take."""

QUICK_ANSWER = Reply(200, SSE, [chunk("ok"), chunk(finish="stop"), b"data: [DONE]\n\n"])


# Cancellation


def test_cancelling_the_consumer_closes_the_connection_and_leaves_no_thread(loopback: LoopbackServer) -> None:
    loopback.queue(SLOW_ANSWER)
    threads_before = set(threading.enumerate())
    received: list[str] = []

    async def scenario() -> None:
        first_text = asyncio.Event()

        async def consume() -> None:
            async for event in stream_events(loopback.bot("openai"), Secret(KEY), QUESTION):
                if isinstance(event, TextDelta):
                    received.append(event.text)
                    first_text.set()

        task = asyncio.create_task(consume())
        await first_text.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(asyncio.wait_for(scenario(), 10))
    assert received == ["first"]
    assert loopback.client_disconnected(5), "the server still has the connection open"
    assert set(threading.enumerate()) == threads_before


def test_closing_the_generator_closes_the_connection_of_a_shared_client(loopback: LoopbackServer) -> None:
    loopback.queue(SLOW_ANSWER)

    async def scenario() -> bool:
        async with httpx.AsyncClient() as http:
            stream = stream_events(loopback.bot("openai"), Secret(KEY), QUESTION, http=http)
            assert await anext(stream) == TextDelta("first")
            await stream.aclose()
            # The shared client stays usable for the next request.
            return http.is_closed

    assert asyncio.run(asyncio.wait_for(scenario(), 10)) is False
    assert loopback.client_disconnected(5), "the server still has the connection open"


def test_a_shared_client_is_left_open_and_reused(loopback: LoopbackServer) -> None:
    loopback.queue(QUICK_ANSWER, QUICK_ANSWER)

    async def scenario() -> list[str]:
        async with httpx.AsyncClient() as http:
            texts = [(await collect(stream_events(loopback.bot("openai"), None, QUESTION, http=http))).text for _ in range(2)]
            assert not http.is_closed
            return texts

    assert asyncio.run(asyncio.wait_for(scenario(), 10)) == ["ok", "ok"]


# Plain HTTP


def refusing_transport(sent: list[httpx.Request]) -> httpx.MockTransport:
    """A transport that records what reaches it and answers like an OpenAI-compatible server."""

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(200, headers=SSE, content=chunk("ok") + chunk(finish="stop"))

    return httpx.MockTransport(handle)


def ask_through(base_url: str, *, allow_http: bool = False) -> tuple[list[httpx.Request], ProviderError | None]:
    sent: list[httpx.Request] = []

    async def scenario() -> ProviderError | None:
        async with httpx.AsyncClient(transport=refusing_transport(sent)) as http:
            bot = LoopbackServer().bot("openai-compatible", base_url=base_url, allow_http=allow_http)
            return (await collect(stream_events(bot, Secret(KEY), QUESTION, http=http, policy=NO_RETRY))).error

    return sent, asyncio.run(asyncio.wait_for(scenario(), 10))


@pytest.mark.parametrize("base_url", ["http://api.example.com/v1", "http://93.184.215.14/v1", "http://[2606:4700::1111]/v1"])
def test_plain_http_to_a_public_host_is_refused_before_connecting(base_url: str) -> None:
    sent, error = ask_through(base_url)
    assert sent == []
    assert error is not None
    assert error.kind is ErrorKind.INSECURE
    assert error.bot == "test-bot"
    assert "allow_http = true" in error.message and "https://" in error.message
    assert KEY not in str(error)


def test_plain_http_to_a_public_host_is_sent_when_the_user_allows_it() -> None:
    sent, error = ask_through("http://api.example.com/v1", allow_http=True)
    assert error is None
    assert [str(request.url) for request in sent] == ["http://api.example.com/v1/chat/completions"]


@pytest.mark.parametrize(
    "base_url",
    [
        "https://api.example.com/v1",
        "http://localhost:8080/v1",
        "http://10.0.0.5:8000/v1",
        "http://192.168.1.20:11434/v1",
        "http://172.16.3.4/v1",
        "http://169.254.10.1/v1",
        "http://100.101.102.103/v1",  # a Tailscale address
        "http://[fd00::5]:8000/v1",
        "http://gpubox.local:8000/v1",
        "http://ollama:11434/v1",  # a container's name on its own network
    ],
)
def test_https_and_plain_http_to_near_hosts_are_allowed(base_url: str) -> None:
    sent, error = ask_through(base_url)
    assert error is None
    assert len(sent) == 1


def test_plain_http_to_loopback_works_for_real(loopback: LoopbackServer) -> None:
    loopback.queue(QUICK_ANSWER)
    answer = asyncio.run(asyncio.wait_for(collect(stream_events(loopback.bot("openai"), Secret(KEY), QUESTION)), 10))
    assert answer.error is None and answer.text == "ok"


# Where the key goes


@pytest.mark.parametrize(
    ("provider", "header", "value"),
    [
        ("openai", "authorization", f"Bearer {KEY}"),
        ("anthropic", "x-api-key", KEY),
        ("gemini", "x-goog-api-key", KEY),
        ("ollama", "authorization", f"Bearer {KEY}"),
    ],
)
def test_the_key_travels_only_in_the_auth_header(loopback: LoopbackServer, provider: str, header: str, value: str) -> None:
    # Nothing queued: the server answers 500, which is all this test needs.
    answer = asyncio.run(asyncio.wait_for(collect(stream_events(loopback.bot(provider), Secret(KEY), QUESTION, policy=NO_RETRY)), 10))
    assert answer.error is not None and KEY not in str(answer.error)
    [request] = loopback.requests
    assert request.headers[header] == value
    others = {name: text for name, text in request.headers.items() if name != header}
    assert KEY not in request.path
    assert KEY not in json.dumps(others)
    assert KEY.encode() not in request.body


def test_no_key_no_auth_header(loopback: LoopbackServer) -> None:
    loopback.queue(QUICK_ANSWER)
    asyncio.run(asyncio.wait_for(collect(stream_events(loopback.bot("openai-compatible"), None, QUESTION)), 10))
    assert "authorization" not in loopback.requests[0].headers


# Network failures


def test_a_refused_connection_is_retried_then_a_connection_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # Nothing listens on the port now.
    bot = LoopbackServer().bot("openai", base_url=f"http://127.0.0.1:{port}/v1")
    policy = RetryPolicy(max_retries=2, base_delay=0.01, jitter=0.0)
    answer = asyncio.run(asyncio.wait_for(collect(stream_events(bot, Secret(KEY), QUESTION, policy=policy)), 10))
    assert answer.error is not None
    assert answer.error.kind is ErrorKind.CONNECTION
    assert answer.error.bot == "test-bot"
    assert answer.error.fails_over
    assert [retry.reason for retry in answer.retries] == ["connection failed", "connection failed"]
    assert "127.0.0.1" in answer.error.message


def test_a_bot_without_a_base_url_names_the_fix() -> None:
    bot = replace(LoopbackServer().bot("openai-compatible"), base_url=None)
    answer = asyncio.run(asyncio.wait_for(collect(stream_events(bot, None, QUESTION)), 10))
    assert answer.error is not None and answer.error.kind is ErrorKind.BAD_REQUEST
    assert answer.error.bot == "test-bot"


# Lazy imports

PROTOCOL_MODULES = ("openai_chat", "anthropic_messages", "gemini", "ollama")

LAZY_PROBE = f"""
import asyncio, json, sys
import bytechat_tui.providers.client as client

def loaded():
    return sorted(name for name in {PROTOCOL_MODULES!r} if "bytechat_tui.providers." + name in sys.modules)

at_import = loaded()
from loopback import LoopbackServer, Reply, collect
from bytechat_tui.providers.events import ChatRequest, Message
with LoopbackServer() as server:
    server.queue(Reply(200, {{"content-type": "text/event-stream"}}, [{QUICK_ANSWER.body[0] + QUICK_ANSWER.body[1] + QUICK_ANSWER.body[2]!r}]))
    answer = asyncio.run(collect(client.stream_events(server.bot("openai"), None, ChatRequest((Message("user", "hi"),)))))
print(json.dumps({{"at_import": at_import, "after_openai": loaded(), "text": answer.text}}))
"""


def test_protocol_modules_are_imported_only_when_used() -> None:
    environment = {**os.environ, "PYTHONPATH": str(REPO / "tests")}
    result = subprocess.run([sys.executable, "-c", LAZY_PROBE], cwd=REPO, env=environment, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["text"] == "ok"
    assert report["at_import"] == []
    assert report["after_openai"] == ["openai_chat"]
