"""Our client against the real llama.cpp server, as an OpenAI-compatible bot and as an Anthropic one.

The server (`../shared/peers/`) runs the tiny random-weight model on loopback, so its text is
gibberish, but its framing, usage figures, errors and disconnect handling are upstream's own.
Every figure we check is compared with one the server computes itself: its tokenizer
(`/apply-template` + `/tokenize`, `/v1/messages/count_tokens`) and its Prometheus counters.
Without the `llama-cpp-server` program these tests skip (fail under CI): see `tests/peers.py`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TypeVar

import httpx
import pytest
from conftest import require_system, shared_path
from peers import LLAMA_SERVER_MISSING, LlamaServer, llama_server, llama_server_program

from bytechat_tui.keys import Secret
from bytechat_tui.pricing.catalog import Prices
from bytechat_tui.providers.client import stream_events
from bytechat_tui.providers.errors import ErrorKind, ProviderError
from bytechat_tui.providers.events import ChatRequest, Event, Finish, Message, Retrying, TextDelta, Usage
from bytechat_tui.room import Bot

E = TypeVar("E", bound=Event)

KEY = "test-key-1"
SMALL_CONTEXT = 256
"""Context of the key-protected server: small, so a prompt of a few hundred words overflows it."""
HANG_GUARD = 60.0
"""Seconds after which a test fails instead of hanging; never a measure of speed."""

LONG_ANSWER = 1900
"""Tokens asked for in the cancellation test: what fits the model's 2,048-token context beside the
prompt, so that uncancelled the server writes them all (about 1.4 s here)."""

PROVIDERS = ("openai-compatible", "anthropic")
SYSTEM = "Answer in one short sentence."
QUESTION = "What is the capital of France?"


def start(
    tmp_path_factory: pytest.TempPathFactory, name: str, api_key: str | None = None, ctx_size: int | None = None
) -> Iterator[LlamaServer]:
    executable = llama_server_program()
    if executable is None:
        require_system(LLAMA_SERVER_MISSING)
    log = tmp_path_factory.mktemp(name) / "llama-server.log"
    with llama_server(executable, shared_path("peers/tiny.gguf"), log, api_key=api_key, ctx_size=ctx_size) as server:
        yield server


@pytest.fixture(scope="module")
def llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """Open to all, with the model's own context (2,048 tokens)."""
    yield from start(tmp_path_factory, "llama-open")


@pytest.fixture(scope="module")
def guarded_llama(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LlamaServer]:
    """Demanding KEY, with a small context."""
    yield from start(tmp_path_factory, "llama-guarded", api_key=KEY, ctx_size=SMALL_CONTEXT)


def bot(provider: str, server: LlamaServer) -> Bot:
    # OpenAI-compatible base URLs include /v1; Anthropic's, like the official SDK's, do not.
    base_url = f"{server.url}/v1" if provider == "openai-compatible" else server.url
    return Bot(
        name="tiny",
        provider=provider,
        model="tiny",
        prices=Prices(input=0.0, output=0.0),
        context_window=2048,
        max_output=64,
        tier=1,
        tags=frozenset(),
        base_url=base_url,
    )


@dataclass
class Outcome:
    events: list[Event]
    error: ProviderError | None
    requests_sent: int

    @property
    def text(self) -> str:
        return "".join(event.text for event in self.events if isinstance(event, TextDelta))

    def only(self, kind: type[E]) -> E:
        found = [event for event in self.events if isinstance(event, kind)]
        assert len(found) == 1, f"expected one {kind.__name__}, got {found}"
        return found[0]


def ask(bot: Bot, request: ChatRequest, key: str | None = None) -> Outcome:
    """Stream the answer through our client; count the HTTP requests it actually sent."""

    async def run() -> Outcome:
        sent = 0

        async def count(_: httpx.Request) -> None:
            nonlocal sent
            sent += 1

        events: list[Event] = []
        async with httpx.AsyncClient(event_hooks={"request": [count]}) as http:
            try:
                async with asyncio.timeout(HANG_GUARD):
                    async for event in stream_events(bot, Secret(key) if key else None, request, http=http):
                        events.append(event)
            except ProviderError as error:
                return Outcome(events, error, sent)
        return Outcome(events, None, sent)

    return asyncio.run(run())


def prompt_tokens(server: LlamaServer, provider: str, request: ChatRequest) -> int:
    """How many tokens the server's own tokenizer makes of the request's prompt."""
    turns = [{"role": message.role, "content": message.text} for message in request.messages]
    if provider == "anthropic":
        body = {"model": "tiny", "messages": turns, **({"system": request.system} if request.system else {})}
        counted = httpx.post(f"{server.url}/v1/messages/count_tokens", json=body, timeout=30)
        return counted.raise_for_status().json()["input_tokens"]
    system = [{"role": "system", "content": request.system}] if request.system else []
    templated = httpx.post(f"{server.url}/apply-template", json={"messages": system + turns}, timeout=30)
    prompt = templated.raise_for_status().json()["prompt"]
    tokenized = httpx.post(f"{server.url}/tokenize", json={"content": prompt, "add_special": True}, timeout=30)
    return len(tokenized.raise_for_status().json()["tokens"])


@pytest.mark.parametrize("provider", PROVIDERS)
def test_an_answer_streams_with_the_usage_the_server_counted(llama: LlamaServer, provider: str) -> None:
    request = ChatRequest(messages=(Message("user", QUESTION),), system=SYSTEM, max_tokens=12)
    generated_before = llama.metric("tokens_predicted_total")

    outcome = ask(bot(provider, llama), request)

    assert outcome.error is None, str(outcome.error)
    deltas = [event for event in outcome.events if isinstance(event, TextDelta)]
    assert len(deltas) >= 2 and outcome.text, "the answer should arrive as several text deltas"
    # The server ignores the model's end token (see peers.LLAMA_TUNING), so it stops at max_tokens.
    assert outcome.only(Finish) == Finish("length", "length" if provider == "openai-compatible" else "max_tokens")
    usage = outcome.only(Usage)
    assert usage.output_tokens == 12 == llama.metric("tokens_predicted_total") - generated_before
    # The prompt may be partly served from the server's cache; cached or not, the system prompt and
    # the question must both have been sent and counted.
    assert usage.input_tokens + usage.cache_read_tokens == prompt_tokens(llama, provider, request)
    assert usage.input_tokens >= 1
    assert usage.reasoning_tokens == 0 and usage.cache_write_tokens == 0
    assert not any(isinstance(event, TextDelta) for event in outcome.events[outcome.events.index(usage):])
    assert outcome.requests_sent == 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_conversation_with_history_is_counted_whole(llama: LlamaServer, provider: str) -> None:
    request = ChatRequest(
        messages=(Message("user", QUESTION), Message("assistant", "Paris."), Message("user", "And of Italy?")),
        max_tokens=3,
    )

    outcome = ask(bot(provider, llama), request)

    assert outcome.error is None, str(outcome.error)
    usage = outcome.only(Usage)
    assert usage.input_tokens + usage.cache_read_tokens == prompt_tokens(llama, provider, request)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_cancelling_mid_stream_stops_the_server_generating_and_it_serves_the_next_request(
    llama: LlamaServer, provider: str
) -> None:
    # Nearly all the model's 2,048-token context: uncancelled, the server writes all of them.
    long_answer = ChatRequest(messages=(Message("user", QUESTION),), max_tokens=LONG_ANSWER)
    generated_before = llama.metric("tokens_predicted_total")

    async def cancel_after_first_delta() -> list[Event]:
        received: list[Event] = []
        first_delta = asyncio.Event()

        async def consume() -> None:
            async for event in stream_events(bot(provider, llama), None, long_answer):
                received.append(event)
                if isinstance(event, TextDelta):
                    first_delta.set()

        task = asyncio.create_task(consume())
        await asyncio.wait_for(first_delta.wait(), HANG_GUARD)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(task, HANG_GUARD)
        return received

    received = asyncio.run(cancel_after_first_delta())

    assert any(isinstance(event, TextDelta) for event in received)
    assert not any(isinstance(event, (Finish, Usage)) for event in received)
    wait_until_idle(llama)
    generated = llama.metric("tokens_predicted_total") - generated_before
    assert 1 <= generated < LONG_ANSWER, f"the server generated {generated} tokens after the client went away"

    follow_up = ask(bot(provider, llama), ChatRequest(messages=(Message("user", QUESTION),), max_tokens=4))
    assert follow_up.error is None, str(follow_up.error)
    assert follow_up.only(Finish).reason == "length" and follow_up.text


def wait_until_idle(server: LlamaServer) -> None:
    """Return once the server has no request in progress (it notices a disconnect on its next write)."""

    async def poll() -> None:
        async with asyncio.timeout(HANG_GUARD):
            while server.metric("requests_processing") > 0:
                await asyncio.sleep(0.05)

    asyncio.run(poll())


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_wrong_key_is_an_auth_error_and_is_not_retried(guarded_llama: LlamaServer, provider: str) -> None:
    wrong_key = "wrong-key-2"

    outcome = ask(bot(provider, guarded_llama), ChatRequest(messages=(Message("user", QUESTION),), max_tokens=4), wrong_key)

    assert outcome.error is not None, "the server demands a key; the request should have failed"
    assert outcome.error.kind is ErrorKind.AUTH
    assert outcome.error.status == 401 and outcome.error.bot == "tiny"
    assert wrong_key not in str(outcome.error)
    assert outcome.requests_sent == 1
    assert not any(isinstance(event, Retrying) for event in outcome.events)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_prompt_longer_than_the_context_is_context_too_long(guarded_llama: LlamaServer, provider: str) -> None:
    request = ChatRequest(messages=(Message("user", "Summarise this: " + "the quick brown fox " * 100),), max_tokens=4)
    assert prompt_length_exceeds_context(guarded_llama, request)

    outcome = ask(bot(provider, guarded_llama), request, KEY)

    assert outcome.error is not None, "the prompt does not fit the server's context; it should have been refused"
    assert outcome.error.kind is ErrorKind.CONTEXT_TOO_LONG, str(outcome.error)
    assert outcome.error.status == 400
    assert outcome.requests_sent == 1
    assert outcome.events == []


def prompt_length_exceeds_context(server: LlamaServer, request: ChatRequest) -> bool:
    text = "".join(message.text for message in request.messages)
    tokens = httpx.post(
        f"{server.url}/tokenize", json={"content": text}, headers={"authorization": f"Bearer {KEY}"}, timeout=30
    ).raise_for_status().json()["tokens"]
    return len(tokens) > SMALL_CONTEXT
