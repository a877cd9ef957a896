"""A conversation over real loopback bots: context sent, escalations, the floor, cancelling, totals."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator

import pytest
from loopback import LoopbackServer, Pause, sse_body
from loopback import Reply as Served

from bytechat_tui.conversation import Conversation, ExchangeState
from bytechat_tui.errors import UserError
from bytechat_tui.keys import Secret
from bytechat_tui.pricing.catalog import Prices
from bytechat_tui.providers.events import TextDelta
from bytechat_tui.providers.retry import RetryPolicy
from bytechat_tui.room import Bot, Room

SSE = {"content-type": "text/event-stream"}


def answer(*texts: str, prompt: int = 100, completion: int = 20, pause: float = 0.0) -> Served:
    head = {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m"}
    chunks = [{**head, "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": None}]} for text in texts]
    chunks.append({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    usage = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    chunks.append({**head, "choices": [], "usage": usage})
    body = [sse_body(chunks[:1], done=False)]
    if pause:
        body.append(Pause(pause))
    body.append(sse_body(chunks[1:]))
    return Served(200, SSE, body)


@pytest.fixture
def servers() -> Iterator[tuple[LoopbackServer, LoopbackServer]]:
    with LoopbackServer() as cheap, LoopbackServer() as strong:
        yield cheap, strong


def room_of(cheap: LoopbackServer, strong: LoopbackServer) -> Room:
    def bot(name: str, server: LoopbackServer, tier: int, price_in: float, price_out: float) -> Bot:
        return Bot(
            name=name,
            provider="openai-compatible",
            model=f"{name}-model",
            prices=Prices(price_in, price_out),
            context_window=200_000,
            max_output=8_000,
            tier=tier,
            tags=frozenset(),
            base_url=f"{server.url}/v1",
        )

    return Room(name="test", bots=(bot("mini", cheap, 1, 0.1, 0.4), bot("opus", strong, 5, 5.0, 25.0)))


def no_key(bot: Bot) -> Secret | None:
    return None


def conversation(cheap: LoopbackServer, strong: LoopbackServer, **options: object) -> Conversation:
    return Conversation(room_of(cheap, strong), no_key, policy=RetryPolicy(max_retries=0), **options)


def sent_messages(server: LoopbackServer, index: int = -1) -> list[dict[str, str]]:
    return json.loads(server.requests[index].body)["messages"]


def test_an_easy_message_goes_to_the_cheap_bot_and_the_answer_is_priced(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("Paris", " is the capital.", prompt=1000, completion=500))
    chat = conversation(cheap, strong, system="Be brief.")
    exchange = chat.plan("What is the capital of France?")
    assert exchange.state is ExchangeState.QUEUED and exchange.bot.name == "mini"
    seen: list[object] = []
    asyncio.run(chat.run(exchange, lambda ex, event: seen.append(event)))
    assert exchange.state is ExchangeState.DONE and exchange.answer == "Paris is the capital."
    assert [e for e in seen if isinstance(e, TextDelta)] == [TextDelta("Paris"), TextDelta(" is the capital.")]
    assert seen[-1] is None  # the end is announced once more
    assert sent_messages(cheap) == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is the capital of France?"},
    ]
    # 1000 in, 500 out: mini $0.0001 + $0.0002; the same tokens on opus $0.005 + $0.0125.
    assert exchange.reply is not None
    assert exchange.reply.cost_usd == pytest.approx(0.0003)
    assert chat.spend_usd == pytest.approx(0.0003)
    assert chat.saved_usd == pytest.approx(0.0175 - 0.0003)


def test_later_messages_are_sent_with_the_earlier_exchange(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("Four."), answer("Eight."))
    chat = conversation(cheap, strong)
    asyncio.run(chat.run(chat.plan("What is 2 + 2?")))
    asyncio.run(chat.run(chat.plan("@mini and doubled?")))
    assert sent_messages(cheap) == [
        {"role": "user", "content": "What is 2 + 2?"},
        {"role": "assistant", "content": "Four."},
        {"role": "user", "content": "and doubled?"},
    ]


def test_escalation_reasks_the_strongest_with_the_same_context_and_its_answer_then_stands(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("Hi!"), answer("A weak answer."), answer("Thanks."))
    strong.queue(answer("A thorough answer.", prompt=50, completion=10))
    chat = conversation(cheap, strong)
    asyncio.run(chat.run(chat.plan("hello")))
    first = chat.plan("@mini explain monads")
    asyncio.run(chat.run(first))

    escalation = chat.plan_escalation()
    assert escalation.escalation_of == first.id and escalation.bot.name == "opus"
    assert escalation.route.forced and "escalated" in escalation.route.why
    asyncio.run(chat.run(escalation))
    assert escalation.answer == "A thorough answer."
    assert sent_messages(strong) == sent_messages(cheap, 1)  # exactly the context of the answer it replaces

    follow = chat.plan("@mini thanks")
    asyncio.run(chat.run(follow))
    assert sent_messages(cheap)[-3:] == [
        {"role": "user", "content": "explain monads"},
        {"role": "assistant", "content": "A thorough answer."},
        {"role": "user", "content": "thanks"},
    ]


def test_after_an_escalation_the_room_keeps_the_strong_tier_for_a_few_messages(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("Meh."))
    strong.queue(answer("Better."))
    chat = conversation(cheap, strong, floor_turns=2)
    asyncio.run(chat.run(chat.plan("what is a monad")))
    asyncio.run(chat.run(chat.plan_escalation()))
    kept = chat.estimate("ok")
    assert kept.chosen.bot.name == "opus"
    assert any("escalated" in reason for reason in kept.assessment.reasons)
    assert len(chat.exchanges) == 2  # estimating adds nothing


def test_escalating_twice_costs_more_than_the_priciest_and_the_session_says_so(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("Meh.", prompt=1000, completion=500))
    strong.queue(answer("Better.", prompt=1000, completion=500))
    chat = conversation(cheap, strong)
    asyncio.run(chat.run(chat.plan("what is a monad")))
    asyncio.run(chat.run(chat.plan_escalation()))
    assert chat.spend_usd == pytest.approx(0.0003 + 0.0175)
    assert chat.saved_usd == pytest.approx(-0.0003)


def test_cancelling_keeps_what_arrived_as_a_priced_cut_answer(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("The start", " and the rest", pause=5.0))
    chat = conversation(cheap, strong)
    exchange = chat.plan("tell me a story")

    async def cancel_after_first_text() -> None:
        arrived = asyncio.Event()
        task = asyncio.create_task(chat.run(exchange, lambda ex, event: arrived.set()))
        await asyncio.wait_for(arrived.wait(), 5)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(asyncio.wait_for(cancel_after_first_text(), 10))
    assert exchange.state is ExchangeState.CUT and exchange.answer == "The start"
    assert exchange.reply is not None and exchange.reply.estimated and exchange.reply.cost_usd > 0


def test_a_failed_message_is_left_out_of_the_context(servers) -> None:
    cheap, strong = servers
    cheap.queue(Served(401, {"content-type": "application/json"}, [b'{"error": {"message": "bad key"}}']))
    cheap.queue(answer("Fine."))
    chat = conversation(cheap, strong)
    failed = chat.plan("first")
    asyncio.run(chat.run(failed))
    assert failed.state is ExchangeState.FAILED and failed.reply is not None and failed.reply.error is not None
    asyncio.run(chat.run(chat.plan("second")))
    assert sent_messages(cheap) == [{"role": "user", "content": "second"}]


def test_a_disabled_bot_is_not_routed_to(servers) -> None:
    cheap, strong = servers
    chat = conversation(cheap, strong)
    chat.set_enabled("mini", False)
    assert chat.estimate("hi").chosen.bot.name == "opus"
    with pytest.raises(UserError):
        chat.set_enabled("nobody", True)


def test_empty_messages_and_unknown_bots_are_refused_before_anything_is_sent(servers) -> None:
    cheap, strong = servers
    chat = conversation(cheap, strong)
    with pytest.raises(UserError):
        chat.plan("   ")
    with pytest.raises(UserError):
        chat.plan("@nobody hello")
    with pytest.raises(UserError):
        chat.plan_escalation()
    assert chat.exchanges == [] and cheap.requests == [] and strong.requests == []


def test_a_recorder_hears_of_a_message_before_it_is_sent_then_its_progress_then_its_end(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("one", " two"))
    heard: list[tuple[str, str, int]] = []

    class Listening:
        def planned(self, exchange) -> None:
            heard.append(("planned", exchange.answer, len(cheap.requests)))

        def progressed(self, exchange) -> None:
            heard.append(("progressed", exchange.answer, len(cheap.requests)))

        def ended(self, exchange) -> None:
            heard.append(("ended", exchange.state.value, len(cheap.requests)))

    chat = Conversation(room_of(cheap, strong), no_key, policy=RetryPolicy(max_retries=0), recorder=Listening())
    asyncio.run(chat.run(chat.plan("hello")))
    assert heard == [("planned", "", 0), ("progressed", "one", 1), ("progressed", "one two", 1), ("ended", "done", 1)]


def test_a_resumed_conversation_sends_new_messages_after_the_stored_ones(servers) -> None:
    cheap, strong = servers
    cheap.queue(answer("Four."), answer("Eight."))
    first = conversation(cheap, strong)
    asyncio.run(first.run(first.plan("What is 2 + 2?")))
    resumed = Conversation(room_of(cheap, strong), no_key, exchanges=first.exchanges)
    asyncio.run(resumed.run(resumed.plan("@mini and doubled?")))
    assert [m["content"] for m in sent_messages(cheap)] == ["What is 2 + 2?", "Four.", "and doubled?"]
    assert [e.id for e in resumed.exchanges] == [1, 2]
