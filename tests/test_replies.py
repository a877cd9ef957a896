"""Asking a room over real loopback servers: money from real usage, failover, cut answers, keys."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator, Sequence
from typing import Any

import pytest
from loopback import LoopbackServer, Pause, Reset, Stall, sse_body
from loopback import Reply as Served

from bytechat_tui.keys import Secret
from bytechat_tui.pricing.catalog import Prices
from bytechat_tui.pricing.cost import request_cost
from bytechat_tui.providers.errors import ErrorKind
from bytechat_tui.providers.events import ChatRequest, Event, Message, Retrying, TextDelta, Usage
from bytechat_tui.providers.retry import RetryPolicy
from bytechat_tui.replies import Asking, Reply
from bytechat_tui.room import Bot, Room
from bytechat_tui.routing.classifier import Assessment
from bytechat_tui.routing.router import route
from bytechat_tui.tokens import count_tokens

QUICK = RetryPolicy(max_retries=1, base_delay=0.01, max_delay=0.02)
"""One retry, almost no wait: the failover rule is what is under test, not the backoff."""

REQUEST = ChatRequest(messages=(Message("user", "Say hello to the world, please."),), system="Be brief.")
PROMPT = "Be brief.\nSay hello to the world, please."

SSE = {"content-type": "text/event-stream"}
JSON = {"content-type": "application/json"}


def chunk(text: str | None = None, finish: str | None = None) -> dict[str, Any]:
    delta = {"content": text} if text is not None else {}
    return {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "m",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def usage_chunk(prompt: int, completion: int, **extra: Any) -> dict[str, Any]:
    usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion, **extra}
    head = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    return {**head, "choices": [], "usage": usage}


def answer(*texts: str, usage: dict[str, Any] | None = None) -> Served:
    """A whole OpenAI-style stream: the texts, a stop, then the usage chunk when given."""
    payloads = [chunk(text) for text in texts] + [chunk(finish="stop")] + ([usage] if usage else [])
    return Served(200, SSE, [sse_body(payloads)])


def failure(status: int, body: dict[str, Any] | str) -> Served:
    data = json.dumps(body).encode() if isinstance(body, dict) else body.encode()
    return Served(status, JSON if isinstance(body, dict) else {"content-type": "text/plain"}, [data])


OVERLOADED = {"error": {"message": "Overloaded", "type": "overloaded_error"}}


def bot(name: str, server: LoopbackServer, price_in: float, price_out: float, tier: int = 2, **extra: Any) -> Bot:
    return Bot(
        name=name,
        provider=extra.pop("provider", "openai-compatible"),
        model=f"{name}-model",
        prices=Prices(input=price_in, output=price_out, cache_read=extra.pop("cache_read", None)),
        context_window=100_000,
        max_output=8_000,
        tier=tier,
        tags=frozenset(),
        base_url=f"{server.url}/v1",
        **extra,
    )


NEED = Assessment(
    score=0.2,
    needed_tier=1,
    needed_tags=frozenset(),
    input_tokens=20,
    message_tokens=12,
    output_tokens=300,
    tokens_estimated=True,
    reasons=("test",),
)


@pytest.fixture
def servers() -> Iterator[tuple[LoopbackServer, LoopbackServer, LoopbackServer]]:
    with LoopbackServer() as cheap, LoopbackServer() as mid, LoopbackServer() as dear:
        yield cheap, mid, dear


def make_room(servers: Sequence[LoopbackServer], failover: bool = True, **per_bot: dict[str, Any]) -> Room:
    cheap, mid, dear = servers
    return Room(
        name="test",
        bots=(
            bot("cheap", cheap, 1.0, 2.0, cache_read=0.5, **per_bot.get("cheap", {})),
            bot("mid", mid, 2.0, 8.0, **per_bot.get("mid", {})),
            bot("dear", dear, 10.0, 40.0, tier=3, **per_bot.get("dear", {})),
        ),
        failover=failover,
    )


def no_keys(bot: Bot) -> Secret | None:
    return None


def ask(
    room: Room, *, forced: str | None = None, key_for: Any = no_keys, events: list[tuple[str, Event]] | None = None
) -> Reply:
    decision = route(NEED, room, forced=forced)
    sink = None if events is None else (lambda bot, event: events.append((bot.name, event)))
    return asyncio.run(Asking(decision, room, REQUEST, key_for, policy=QUICK, on_event=sink).run())


def test_cost_and_saving_come_exactly_from_the_reported_usage(servers: Sequence[LoopbackServer]) -> None:
    cheap, mid, dear = servers
    # OpenAI counts cached tokens inside prompt_tokens: 800 new, 200 cached.
    usage = usage_chunk(1000, 500, prompt_tokens_details={"cached_tokens": 200})
    cheap.queue(answer("Hello", " world", usage=usage))
    room = make_room(servers)
    reply = ask(room)

    assert (reply.bot.name, reply.text, reply.finish and reply.finish.reason) == ("cheap", "Hello world", "stop")
    assert reply.usage == Usage(input_tokens=800, output_tokens=500, cache_read_tokens=200)
    assert reply.cost_usd == pytest.approx((800 * 1.0 + 200 * 0.5 + 500 * 2.0) / 1e6, rel=1e-12)
    # The priciest bot states no cache price: cached tokens cost it its input price.
    assert reply.priciest.name == "dear"
    assert reply.priciest_cost_usd == pytest.approx((1000 * 10.0 + 500 * 40.0) / 1e6, rel=1e-12)
    assert reply.saving_usd == pytest.approx(reply.priciest_cost_usd - reply.cost_usd, rel=1e-12)
    assert reply.saving_share == pytest.approx(reply.saving_usd / reply.priciest_cost_usd)
    # Real tokens, not the route's estimate of them.
    assert reply.saving_usd != pytest.approx(route(NEED, room).saving_usd)
    assert not reply.estimated and not reply.cut and reply.error is None and reply.ok
    assert reply.failovers == () and (mid.requests, dear.requests) == ([], [])
    body = cheap.requests[0].json()
    assert body["model"] == "cheap-model" and body["stream"] is True


def test_the_providers_own_cost_is_preferred(servers: Sequence[LoopbackServer]) -> None:
    cheap = servers[0]
    cheap.queue(answer("Hi", usage=usage_chunk(1000, 500, cost=0.0123)))
    reply = ask(make_room(servers))

    assert reply.cost_usd == 0.0123
    assert reply.priciest_cost_usd == pytest.approx(request_cost(Prices(10.0, 40.0), 1000, 500))
    assert reply.saving_usd == pytest.approx(reply.priciest_cost_usd - 0.0123)


def test_the_answering_bot_being_the_priciest_saves_nothing(servers: Sequence[LoopbackServer]) -> None:
    servers[2].queue(answer("Hi", usage=usage_chunk(100, 10)))
    reply = ask(make_room(servers), forced="dear")
    assert reply.bot.name == "dear" and reply.cost_usd == reply.priciest_cost_usd > 0
    assert reply.saving_usd == 0 and reply.saving_share == 0


def test_a_stream_cut_before_usage_keeps_the_text_and_estimates_its_cost(servers: Sequence[LoopbackServer]) -> None:
    cheap, mid, dear = servers
    cheap.queue(Served(200, SSE, [sse_body([chunk("Hello"), chunk(" wor")], done=False), Pause(0.01), Reset()]))
    reply = ask(make_room(servers))

    assert reply.text == "Hello wor" and reply.cut and not reply.ok
    assert reply.error is not None and reply.error.bot == "cheap"
    assert reply.estimated and reply.usage is not None
    expected_in = count_tokens(PROMPT, "cheap-model").tokens
    expected_out = count_tokens("Hello wor", "cheap-model").tokens
    assert (reply.usage.input_tokens, reply.usage.output_tokens) == (expected_in, expected_out)
    assert reply.cost_usd == pytest.approx(request_cost(Prices(1.0, 2.0), expected_in, expected_out))
    priciest = request_cost(Prices(10.0, 40.0), expected_in, expected_out)
    assert reply.saving_usd == pytest.approx(priciest - reply.cost_usd)
    # The person has read part of this answer: it is not silently replaced by another bot's.
    assert reply.failovers == () and (mid.requests, dear.requests) == ([], [])


def test_an_error_event_after_text_keeps_the_partial_answer_and_does_not_fail_over(
    servers: Sequence[LoopbackServer],
) -> None:
    cheap, mid, _ = servers
    stream = sse_body([chunk("Partial"), {"error": {"message": "Overloaded", "type": "overloaded_error"}}], done=False)
    cheap.queue(Served(200, SSE, [stream]))
    reply = ask(make_room(servers))

    assert reply.text == "Partial" and reply.cut
    assert reply.error is not None and reply.error.kind is ErrorKind.OVERLOADED and reply.error.fails_over
    assert reply.bot.name == "cheap" and reply.failovers == () and mid.requests == []


@pytest.mark.parametrize(
    ("failed", "words"),
    [
        (failure(529, OVERLOADED), "overloaded"),
        (failure(503, "upstream connect error"), "HTTP 503"),
    ],
)
def test_a_bot_still_failing_after_its_retries_hands_over_to_the_next_cheapest(
    servers: Sequence[LoopbackServer], failed: Served, words: str
) -> None:
    cheap, mid, dear = servers
    cheap.queue(failed, failed)
    mid.queue(answer("From", " mid", usage=usage_chunk(40, 3)))
    events: list[tuple[str, Event]] = []
    reply = ask(make_room(servers), events=events)

    assert len(cheap.requests) == 2, "the client retries once before the room fails over"
    assert reply.bot.name == "mid" and reply.text == "From mid" and reply.ok
    assert reply.failovers == (f"cheap: {words} → answered by mid",)
    assert reply.cost_usd == pytest.approx(request_cost(Prices(2.0, 8.0), 40, 3))
    assert dear.requests == []
    # Whoever shows the answer learns which bot each event came from.
    assert [name for name, event in events if isinstance(event, Retrying)] == ["cheap"]
    texts = [(name, event.text) for name, event in events if isinstance(event, TextDelta)]
    assert texts == [("mid", "From"), ("mid", " mid")]


def test_failover_goes_on_down_the_capable_bots_and_says_each_hop(servers: Sequence[LoopbackServer]) -> None:
    cheap, mid, dear = servers
    cheap.queue(failure(529, OVERLOADED), failure(529, OVERLOADED))
    mid.queue(failure(500, "boom"), failure(500, "boom"))
    dear.queue(answer("Finally", usage=usage_chunk(10, 1)))
    reply = ask(make_room(servers))
    assert reply.bot.name == "dear" and reply.text == "Finally"
    assert reply.failovers == ("cheap: overloaded → tried mid", "mid: HTTP 500 → answered by dear")


def test_when_every_bot_fails_the_last_error_ends_the_ask(servers: Sequence[LoopbackServer]) -> None:
    for server in servers:
        server.queue(failure(529, OVERLOADED), failure(529, OVERLOADED))
    reply = ask(make_room(servers))
    assert reply.bot.name == "dear" and reply.error is not None and reply.error.kind is ErrorKind.OVERLOADED
    assert reply.failovers == ("cheap: overloaded → tried mid", "mid: overloaded → tried dear")
    assert reply.usage is None and reply.cost_usd == 0 and not reply.estimated and not reply.cut


@pytest.mark.parametrize(
    ("status", "body", "kind", "fix"),
    [
        (
            401,
            {"error": {"message": "Incorrect API key provided: test-key-1", "code": "invalid_api_key"}},
            ErrorKind.AUTH,
            "bytechat keys set",
        ),
        (402, {"error": {"message": "Insufficient credits", "code": 402}}, ErrorKind.QUOTA, "billing"),
    ],
)
def test_auth_and_quota_errors_stop_and_name_the_bot_and_the_fix(
    servers: Sequence[LoopbackServer], status: int, body: dict[str, Any], kind: ErrorKind, fix: str
) -> None:
    cheap, mid, dear = servers
    cheap.queue(failure(status, body))
    reply = ask(make_room(servers), key_for=lambda bot: Secret("test-key-1"))

    assert reply.error is not None and reply.error.kind is kind
    assert str(reply.error).startswith("cheap: ") and fix in str(reply.error)
    assert "test-key-1" not in str(reply.error)
    assert len(cheap.requests) == 1 and (mid.requests, dear.requests) == ([], [])
    assert reply.failovers == () and reply.text == "" and not reply.cut


def test_a_room_with_failover_off_stops_at_the_first_failure(servers: Sequence[LoopbackServer]) -> None:
    cheap, mid, _ = servers
    cheap.queue(failure(529, OVERLOADED), failure(529, OVERLOADED))
    reply = ask(make_room(servers, failover=False))
    assert reply.bot.name == "cheap" and reply.error is not None and reply.error.kind is ErrorKind.OVERLOADED
    assert reply.failovers == () and mid.requests == []


def test_bots_without_a_key_are_skipped_even_without_failover_and_the_reply_says_so(
    servers: Sequence[LoopbackServer],
) -> None:
    cheap, mid, _ = servers
    mid.queue(answer("ok", usage=usage_chunk(10, 1)))
    room = make_room(servers, failover=False, cheap={"provider": "openai"})
    reply = ask(room)
    assert reply.bot.name == "mid" and reply.text == "ok" and cheap.requests == []
    assert reply.failovers == ("cheap: no key (`bytechat keys set openai`) → answered by mid",)


def test_the_key_sent_is_the_one_the_lookup_gives_for_the_bot(servers: Sequence[LoopbackServer]) -> None:
    cheap = servers[0]
    cheap.queue(answer("ok", usage=usage_chunk(10, 1)))
    room = make_room(servers, cheap={"provider": "openai", "key_name": "work-openai"})
    keys = {"work-openai": Secret("test-key-2")}
    reply = ask(room, key_for=lambda bot: keys.get(bot.key_name or bot.provider))
    assert reply.ok and cheap.requests[0].headers["authorization"] == "Bearer test-key-2"


def test_a_forced_bot_without_a_key_is_an_error_naming_the_command(servers: Sequence[LoopbackServer]) -> None:
    room = make_room(servers, dear={"provider": "openai", "key_name": "work-openai"})
    reply = ask(room, forced="dear")
    assert reply.bot.name == "dear" and reply.error is not None and reply.error.kind is ErrorKind.AUTH
    assert "`bytechat keys set work-openai`" in str(reply.error) and str(reply.error).startswith("dear: ")
    assert all(server.requests == [] for server in servers)


def test_no_usable_key_at_all_names_the_chosen_bots_key(servers: Sequence[LoopbackServer]) -> None:
    room = make_room(servers, **{name: {"provider": "openai"} for name in ("cheap", "mid", "dear")})
    reply = ask(room)
    assert reply.bot.name == "cheap" and reply.error is not None and reply.error.kind is ErrorKind.AUTH
    assert "OPENAI_API_KEY" in str(reply.error) and "no other capable bot" in str(reply.error)
    assert reply.failovers == () and all(server.requests == [] for server in servers)


def test_cancelling_closes_the_stream_and_the_cut_reply_can_still_be_priced(
    servers: Sequence[LoopbackServer],
) -> None:
    cheap = servers[0]
    cheap.queue(Served(200, SSE, [sse_body([chunk("Once upon")], done=False), Stall()]))
    room = make_room(servers)
    asking_holder: list[Asking] = []

    async def go() -> None:
        first_text = asyncio.Event()
        asking = Asking(route(NEED, room), room, REQUEST, no_keys, policy=QUICK, on_event=lambda b, e: first_text.set())
        asking_holder.append(asking)
        task = asyncio.create_task(asking.run())
        await first_text.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(go())
    assert cheap.client_disconnected(timeout=10)
    reply = asking_holder[0].reply()
    assert reply.text == "Once upon" and reply.cut and reply.estimated and reply.error is None
    assert reply.cost_usd > 0 and reply.usage is not None and reply.usage.output_tokens > 0


def test_usage_missing_from_a_finished_stream_is_estimated_not_invented(servers: Sequence[LoopbackServer]) -> None:
    servers[0].queue(answer("Hello there"))
    reply = ask(make_room(servers))
    assert reply.ok and reply.estimated and reply.usage is not None
    assert reply.usage.output_tokens == count_tokens("Hello there", "cheap-model").tokens



def test_a_forced_bot_that_is_down_is_not_replaced_by_another(servers: Sequence[LoopbackServer]) -> None:
    cheap, mid, dear = servers
    mid.queue(failure(529, OVERLOADED), failure(529, OVERLOADED))
    cheap.queue(answer("should not be asked"))
    reply = ask(make_room(servers), forced="mid")
    assert reply.bot.name == "mid" and reply.error is not None and reply.error.kind is ErrorKind.OVERLOADED
    assert reply.failovers == () and reply.text == ""
    assert len(mid.requests) == 2 and cheap.requests == [] and dear.requests == []
