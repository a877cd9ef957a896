"""The demo room answered by its in-process server, through the real client, decoder and pricing."""

from __future__ import annotations

import asyncio
import json
import math
import re
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import httpx
import pytest
from conftest import shared_path
from loopback import Collected, collect

from bytechat_tui.demo import DEMO_LABEL, DEMO_MODELS, DemoServer, demo_room
from bytechat_tui.pricing.catalog import load_catalog
from bytechat_tui.pricing.cost import request_cost
from bytechat_tui.providers.client import stream_events
from bytechat_tui.providers.errors import ProviderError
from bytechat_tui.providers.events import ChatRequest, Finish, Message, TextDelta, Usage
from bytechat_tui.replies import Asking, needs_key
from bytechat_tui.room import Bot, Room
from bytechat_tui.routing.classifier import assess
from bytechat_tui.routing.router import route
from bytechat_tui.tokens import estimate_tokens

T = TypeVar("T")


def with_server(job: Callable[[DemoServer, Room], Awaitable[T]], tokens_per_second: float = math.inf) -> T:
    """Run `job` against a started demo server and its room, in a fresh event loop."""

    async def main() -> T:
        async with DemoServer(tokens_per_second=tokens_per_second) as server:
            assert server.url is not None
            return await job(server, demo_room(server.url))

    return asyncio.run(main())


def bot_named(room: Room, name: str) -> Bot:
    return next(bot for bot in room.bots if bot.name == name)


def ask(bot_name: str, *messages: str, system: str | None = None, **request: Any) -> Collected:
    """The events of one answer of the demo bot `bot_name`; `messages` alternate user, assistant, user..."""
    turns = tuple(Message("user" if index % 2 == 0 else "assistant", text) for index, text in enumerate(messages))

    async def job(server: DemoServer, room: Room) -> Collected:
        chat = ChatRequest(messages=turns, system=system, **request)
        return await collect(stream_events(bot_named(room, bot_name), None, chat))

    return with_server(job)


def sse_payloads(body: str) -> list[Any]:
    """The `data:` payloads of an SSE body, JSON decoded, `[DONE]` kept as the string."""
    datas = [line[len("data: ") :] for line in body.splitlines() if line.startswith("data: ")]
    return [data if data == "[DONE]" else json.loads(data) for data in datas]


def shape(payload: dict[str, Any]) -> dict[str, Any]:
    """The keys of a chunk, of its choices and their deltas, and of its usage: what a decoder relies on."""
    return {
        "keys": sorted(payload),
        "choices": [(sorted(choice), sorted(choice["delta"])) for choice in payload["choices"]],
        "usage": sorted(payload["usage"]) if "usage" in payload else None,
    }


def test_the_demo_room_copies_three_real_models_at_tiers_1_3_and_5() -> None:
    room = demo_room("http://127.0.0.1:9/v1")
    catalog = load_catalog()
    assert [bot.tier for bot in room.bots] == [1, 3, 5]
    for bot, (name, model) in zip(room.bots, DEMO_MODELS):
        info = catalog.find(model)
        assert info is not None and bot.model == info.id
        assert (bot.name, bot.prices, bot.tags) == (name, info.prices, info.tags)
        assert (bot.context_window, bot.max_output) == (info.context_window, info.max_output)
        assert bot.display_name == f"{model} ({DEMO_LABEL})"
        assert bot.provider == "openai-compatible" and bot.base_url == "http://127.0.0.1:9/v1"
        assert not needs_key(bot)
    # Real price points, far apart: what makes the savings worth showing.
    assert room.bots[2].prices.output >= 50 * room.bots[0].prices.output


def test_an_answer_streams_in_the_chunk_shapes_of_an_openai_recording() -> None:
    recorded = sse_payloads(shared_path("fixtures/openai/chat_parse_nothing.sse").read_text())

    async def job(server: DemoServer, room: Room) -> str:
        body = {
            "model": "gpt-6-astra",
            "messages": [{"role": "user", "content": "Tell me about tides."}],
            "stream": True,
            "stream_options": {"include_usage": True},
        }
        async with httpx.AsyncClient() as http:
            response = await http.post(f"{server.url}/chat/completions", json=body)
        assert response.headers["content-type"].startswith("text/event-stream")
        return response.text

    served = sse_payloads(with_server(job))
    for payloads in (recorded, served):
        assert payloads[-1] == "[DONE]"
        role, *contents, finish, usage = payloads[:-1]
        assert role["choices"][0]["delta"]["role"] == "assistant"
        assert all(chunk["choices"][0]["finish_reason"] is None for chunk in [role, *contents])
        assert finish["choices"][0]["finish_reason"] == "stop" and finish["choices"][0]["delta"] == {}
        assert usage["choices"] == [] and usage["usage"]["total_tokens"] > 0
    assert shape(served[0]) == shape(recorded[0])
    assert shape(served[1]) == shape(recorded[1])
    assert shape(served[-3]) == shape(recorded[-3])
    assert set(shape(recorded[-2])["usage"]) <= set(shape(served[-2])["usage"])


def test_text_arrives_in_many_deltas_and_usage_is_the_count_of_what_was_sent() -> None:
    result = ask("demo-mid", "Write a Rust function that counts words in a file.", system="Be brief.")
    assert result.error is None
    deltas = [event for event in result.events if isinstance(event, TextDelta)]
    assert len(deltas) > 50
    [usage] = [event for event in result.events if isinstance(event, Usage)]
    assert result.events[-1] == Finish("stop", "stop")
    # OpenAI's rule for a chat prompt: role and content of each message, 3 tokens of framing each, 3 to
    # prime; the demo counts with the calibrated estimate, and bills exactly the pieces it streamed.
    sent = [("system", "Be brief."), ("user", "Write a Rust function that counts words in a file.")]
    framing = sum(3 + estimate_tokens(role) + estimate_tokens(text) for role, text in sent)
    assert usage.input_tokens == framing + 3
    assert usage.output_tokens == sum(estimate_tokens(delta.text) for delta in deltas)


@pytest.mark.parametrize(
    ("prompt", "fence"),
    [
        ("Write a Rust function that counts words in a file.", "```rust\n"),
        ("write a python script to count the words of a file", "```python\n"),
        ("Implement it in Go code: a function that counts words", "```go\n"),
        ("Fix this query: SELECT name FROM users WHERE", "```sql\n"),
    ],
)
def test_code_prompts_get_a_fenced_code_block_in_the_language_asked(prompt: str, fence: str) -> None:
    text = ask("demo-mid", prompt).text
    assert fence in text and text.count("```") % 2 == 0


@pytest.mark.parametrize(
    ("prompt", "expected", "absent"),
    [
        ("Prove that sqrt(2) is irrational.", "## √2 is irrational", "```rust"),
        ("Prove that there are infinitely many primes", "## There are infinitely many primes", "```python"),
        ("hello", "## Hello!", "```"),
        ("What should I pack for a week in Lisbon?", "Lisbon", "```"),
    ],
)
def test_other_prompts_get_answers_of_their_kind(prompt: str, expected: str, absent: str) -> None:
    text = ask("demo-lite", prompt).text
    assert expected in text and absent not in text


def test_every_answer_says_it_is_a_demo_answer_and_names_the_model_it_is_priced_as() -> None:
    for name, model in DEMO_MODELS:
        opening = f"> **Demo answer**, written by ByteChat's built-in demo server, priced as `{model}`;"
        assert ask(name, "hi").text.startswith(opening)


def test_the_frontier_bot_writes_a_more_thorough_answer_than_the_lite_bot() -> None:
    prompt = "Write a Python script that counts words."
    lite, frontier = ask("demo-lite", prompt).text, ask("demo-frontier", prompt).text
    assert "### Edge cases" in frontier and "### Edge cases" not in lite
    assert len(frontier) > 2 * len(lite)


def test_a_follow_up_keeps_to_the_kind_and_language_of_what_it_follows() -> None:
    first = "Write a Rust function that counts words."
    answer = ask("demo-mid", first).text
    assert "```rust\n" in ask("demo-mid", first, answer, "now make it faster").text


def test_emoji_and_cjk_arrive_whole_although_their_tokens_split_them() -> None:
    result = ask("demo-lite", "Tell me about 你好 and 🎉🎉 please")
    assert "你好 and 🎉🎉 please" in result.text and "\ufffd" not in result.text


def test_max_tokens_cuts_the_answer_with_finish_length() -> None:
    result = ask("demo-frontier", "Tell me about tides.", max_tokens=12)
    [usage] = [event for event in result.events if isinstance(event, Usage)]
    assert result.events[-1] == Finish("length", "length")
    deltas = [event.text for event in result.events if isinstance(event, TextDelta)]
    assert usage.output_tokens == sum(map(estimate_tokens, deltas)) <= 12


def test_an_unknown_model_is_an_openai_style_error_naming_it() -> None:
    async def job(server: DemoServer, room: Room) -> Collected:
        stranger = Bot("x", "openai-compatible", "no-such-model", room.bots[0].prices, 8192, 1024, 1, frozenset(),
                       base_url=server.url)  # fmt: skip
        return await collect(stream_events(stranger, None, ChatRequest(messages=(Message("user", "hi"),))))

    result = with_server(job)
    assert isinstance(result.error, ProviderError) and result.error.status == 404
    assert "no-such-model" in str(result.error)


def test_models_are_listed_and_a_request_without_stream_gets_a_whole_completion() -> None:
    async def job(server: DemoServer, room: Room) -> tuple[Any, Any]:
        async with httpx.AsyncClient(base_url=server.url or "") as http:
            models = (await http.get("/models")).json()
            body = {"model": "gemini-2.5-flash-lite", "messages": [{"role": "user", "content": "hello"}]}
            completion = (await http.post("/chat/completions", json=body)).json()
        return models, completion

    models, completion = with_server(job)
    assert [entry["id"] for entry in models["data"]] == [model for _, model in DEMO_MODELS]
    assert completion["object"] == "chat.completion"
    text = completion["choices"][0]["message"]["content"]
    assert "## Hello!" in text
    words = re.findall(r"\s*\S+|\s+$", text)
    assert completion["usage"]["completion_tokens"] == sum(map(estimate_tokens, words))


def ask_room(room: Room, text: str) -> Asking:
    decision = route(assess(text), room)
    return Asking(decision, room, ChatRequest(messages=(Message("user", text),)), lambda bot: None)


def test_asking_the_demo_room_prices_the_answer_and_its_saving_against_the_frontier_bot() -> None:
    async def job(server: DemoServer, room: Room) -> Any:
        return await ask_room(room, "hello there").run()

    reply = with_server(job)
    assert reply.ok and not reply.estimated and reply.bot.name == "demo-lite"
    assert reply.priciest.name == "demo-frontier"
    assert reply.usage is not None
    tokens = (reply.usage.input_tokens, reply.usage.output_tokens)
    assert reply.cost_usd == pytest.approx(request_cost(reply.bot.prices, *tokens))
    frontier = request_cost(reply.priciest.prices, *tokens)
    assert reply.saving_usd == pytest.approx(frontier - reply.cost_usd) and reply.saving_usd > 0
    assert reply.saving_share > 0.95


def test_cancelling_mid_answer_keeps_what_arrived_and_the_server_answers_the_next_request() -> None:
    async def job(server: DemoServer, room: Room) -> tuple[Any, Any]:
        asking = ask_room(room, "Tell me about tides.")
        task = asyncio.ensure_future(asking.run())
        for _ in range(3000):  # a bound, not a timing: the first token comes at once
            if asking.started:
                break
            await asyncio.sleep(0.01)
        assert asking.started, "no text arrived"
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        server.tokens_per_second = math.inf
        return asking.reply(), await ask_room(room, "Tell me about tides.").run()

    cut, whole = with_server(job, tokens_per_second=20)
    assert cut.cut and cut.estimated and cut.text and cut.usage is not None and cut.cost_usd > 0
    assert whole.ok and whole.text.startswith(cut.text) and len(whole.text) > len(cut.text)
