"""Faults, from a loopback server that misbehaves on cue, through the real client.

Each must end in the right typed error or a correct retry, with the partial answer kept and
nothing hanging: every test runs under a hard timeout, so a hang fails instead of blocking.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Coroutine
from typing import Any, TypeVar

import httpx
from loopback import Collected, LoopbackServer, Pause, Reply, Reset, Stall, collect, loopback, sse_body  # noqa: F401

from bytechat_tui.keys import Secret
from bytechat_tui.providers.client import stream_events
from bytechat_tui.providers.errors import ErrorKind
from bytechat_tui.providers.events import ChatRequest, Finish, Message, Retrying, Usage
from bytechat_tui.providers.retry import RetryPolicy

FAST = RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.02, jitter=0.0)
"""Backoff small enough to keep the suite fast; requested waits are still honoured."""
KEY = "test-key-1"
QUESTION = ChatRequest((Message("user", "hi"),))
SSE = {"content-type": "text/event-stream"}
JSON = {"content-type": "application/json"}

_T = TypeVar("_T")


def run(coroutine: Coroutine[Any, Any, _T]) -> _T:
    return asyncio.run(asyncio.wait_for(coroutine, 10))


def ask(server: LoopbackServer, provider: str = "openai", *, policy: RetryPolicy = FAST, timeout: httpx.Timeout | None = None) -> Collected:
    bot = server.bot(provider)
    return run(collect(stream_events(bot, Secret(KEY), QUESTION, policy=policy, timeout=timeout)))


def openai_chunk(text: str | None = None, finish: str | None = None) -> bytes:
    delta = {"content": text} if text is not None else {}
    chunk = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    return sse_body([chunk], done=False)


def openai_answer(*parts: str) -> Reply:
    usage = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": len(parts), "total_tokens": 3 + len(parts)}}
    body = [openai_chunk(part) for part in parts] + [openai_chunk(finish="stop"), sse_body([usage])]
    return Reply(200, SSE, body)


def error_reply(status: int, payload: dict[str, Any], **headers: str) -> Reply:
    return Reply(status, {**JSON, **{name.replace("_", "-"): value for name, value in headers.items()}}, [json.dumps(payload).encode()])


OPENAI_RATE_LIMIT = {"error": {"message": "Rate limit reached for requests", "type": "requests", "code": "rate_limit_exceeded"}}


# Retries that succeed


def test_429_with_retry_after_is_retried_after_the_requested_wait(loopback: LoopbackServer) -> None:
    loopback.queue(error_reply(429, OPENAI_RATE_LIMIT, retry_after="1"), openai_answer("Hello", " world"))
    answer = ask(loopback)
    assert answer.error is None
    assert answer.retries == [Retrying(1, 1.0, "rate limited")]
    assert answer.text == "Hello world"
    assert isinstance(answer.events[-1], Finish)
    assert len(loopback.requests) == 2
    assert loopback.requests[0].json() == loopback.requests[1].json()


def test_429_with_retry_after_ms(loopback: LoopbackServer) -> None:
    loopback.queue(error_reply(429, OPENAI_RATE_LIMIT, retry_after_ms="30"), openai_answer("Hi"))
    answer = ask(loopback)
    assert answer.retries == [Retrying(1, 0.03, "rate limited")]
    assert answer.text == "Hi"
    assert len(loopback.requests) == 2


def test_the_retry_event_comes_before_any_text(loopback: LoopbackServer) -> None:
    loopback.queue(error_reply(503, {"error": {"message": "busy"}}), openai_answer("Hi"))
    events = ask(loopback).events
    assert isinstance(events[0], Retrying)
    assert events[0].reason == "HTTP 503"


def anthropic_answer(text: str) -> Reply:
    events = [
        {"type": "message_start", "message": {"id": "m1", "type": "message", "role": "assistant", "content": [], "model": "claude", "stop_reason": None, "usage": {"input_tokens": 7, "output_tokens": 1}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 2}},
        {"type": "message_stop"},
    ]
    return Reply(200, SSE, [sse_body([event], event_names="type", done=False) for event in events])


ANTHROPIC_OVERLOADED = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}


def test_anthropic_529_overloaded_is_retried(loopback: LoopbackServer) -> None:
    loopback.queue(error_reply(529, ANTHROPIC_OVERLOADED, x_should_retry="true"), anthropic_answer("Bonjour"))
    answer = ask(loopback, "anthropic")
    assert answer.error is None
    assert [retry.reason for retry in answer.retries] == ["overloaded"]
    assert answer.text == "Bonjour"
    assert Usage(7, 2) in answer.events
    assert loopback.requests[1].path == "/v1/messages"


def test_gemini_429_waits_for_its_retry_info(loopback: LoopbackServer) -> None:
    rate_limited = {
        "error": {
            "code": 429,
            "message": "You exceeded your current quota, please check your plan.",
            "status": "RESOURCE_EXHAUSTED",
            "details": [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.05s"}],
        }
    }
    answer_chunk = {
        "candidates": [{"content": {"parts": [{"text": "Hallo"}], "role": "model"}, "finishReason": "STOP", "index": 0}],
        "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 1, "totalTokenCount": 4},
    }
    loopback.queue(error_reply(429, rate_limited), Reply(200, SSE, [sse_body([answer_chunk], done=False)]))
    answer = ask(loopback, "gemini")
    assert answer.retries == [Retrying(1, 0.05, "rate limited")]
    assert answer.text == "Hallo"
    assert len(loopback.requests) == 2


def test_a_reset_before_any_text_is_retried(loopback: LoopbackServer) -> None:
    loopback.queue(Reply(200, SSE, [Reset()]), openai_answer("Hi"))
    answer = ask(loopback)
    assert [retry.reason for retry in answer.retries] == ["connection failed"]
    assert answer.text == "Hi"


# Retries that run out


def test_500_is_retried_max_retries_times_then_a_server_error(loopback: LoopbackServer) -> None:
    failure = error_reply(500, {"error": {"message": "The server had an error", "type": "server_error"}})
    loopback.queue(failure, failure, failure, openai_answer("never"))
    answer = ask(loopback)
    assert answer.error is not None
    assert answer.error.kind is ErrorKind.SERVER
    assert answer.error.bot == "test-bot"
    assert answer.error.fails_over
    assert [retry.attempt for retry in answer.retries] == [1, 2]
    assert len(loopback.requests) == FAST.max_retries + 1
    assert answer.text == ""


def test_529_that_persists_ends_overloaded(loopback: LoopbackServer) -> None:
    loopback.queue(*[error_reply(529, ANTHROPIC_OVERLOADED)] * 3)
    answer = ask(loopback, "anthropic")
    assert answer.error is not None and answer.error.kind is ErrorKind.OVERLOADED
    assert len(loopback.requests) == 3


def test_x_should_retry_false_stops_retrying(loopback: LoopbackServer) -> None:
    loopback.queue(error_reply(503, {"error": {"message": "down"}}, x_should_retry="false"), openai_answer("never"))
    answer = ask(loopback)
    assert answer.error is not None and answer.error.kind is ErrorKind.SERVER
    assert len(loopback.requests) == 1


# Errors only the user can fix: never retried


def test_401_is_an_auth_error_at_once_and_never_shows_the_key(loopback: LoopbackServer) -> None:
    echo = {"error": {"message": f"Incorrect API key provided: {KEY}. You can find your API key at https://platform.openai.com/account/api-keys.", "type": "invalid_request_error", "code": "invalid_api_key"}}
    loopback.queue(error_reply(401, echo), openai_answer("never"))
    answer = ask(loopback)
    assert answer.error is not None
    assert answer.error.kind is ErrorKind.AUTH
    assert answer.error.status == 401
    assert KEY not in str(answer.error)
    assert "`bytechat keys set openai`" in str(answer.error)
    assert answer.retries == []
    assert len(loopback.requests) == 1


def test_402_is_a_quota_error_without_retry(loopback: LoopbackServer) -> None:
    loopback.queue(error_reply(402, {"error": {"message": "Insufficient Balance", "type": "unknown_error"}}), openai_answer("never"))
    answer = ask(loopback)
    assert answer.error is not None and answer.error.kind is ErrorKind.QUOTA
    assert not answer.error.fails_over
    assert len(loopback.requests) == 1


def test_429_insufficient_quota_is_not_retried_even_with_retry_after(loopback: LoopbackServer) -> None:
    quota = {"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "code": "insufficient_quota"}}
    loopback.queue(error_reply(429, quota, retry_after="1"), openai_answer("never"))
    answer = ask(loopback)
    assert answer.error is not None and answer.error.kind is ErrorKind.QUOTA
    assert "billing" in answer.error.message
    assert len(loopback.requests) == 1


# Errors inside a 200 stream: raised after the partial answer, never retried


def test_openai_error_event_mid_stream_keeps_the_partial_text(loopback: LoopbackServer) -> None:
    # OpenRouter's documented shape: the error rides on a chunk, with finish_reason "error".
    failure = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": "m", "error": {"code": "server_error", "message": "Provider disconnected unexpectedly"}, "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]}
    loopback.queue(Reply(200, SSE, [openai_chunk("The answer"), openai_chunk(" is"), sse_body([failure], done=False)]), openai_answer("never"))
    answer = ask(loopback)
    assert answer.text == "The answer is"
    assert answer.error is not None
    assert answer.error.kind is ErrorKind.SERVER
    assert "Provider disconnected unexpectedly" in answer.error.message
    assert len(loopback.requests) == 1


def test_anthropic_error_event_mid_stream(loopback: LoopbackServer) -> None:
    start = anthropic_answer("Partial answer").body[:3]
    loopback.queue(Reply(200, SSE, [*start, sse_body([ANTHROPIC_OVERLOADED], event_names="type", done=False)]))
    answer = ask(loopback, "anthropic")
    assert answer.text == "Partial answer"
    assert answer.error is not None and answer.error.kind is ErrorKind.OVERLOADED
    assert len(loopback.requests) == 1


def test_ollama_error_line_mid_stream(loopback: LoopbackServer) -> None:
    lines = [
        {"model": "m", "created_at": "2025-10-26T17:21:21.196249Z", "message": {"role": "assistant", "content": " Yes"}, "done": False},
        {"model": "m", "created_at": "2025-10-26T17:21:21.207235Z", "message": {"role": "assistant", "content": "."}, "done": False},
        {"error": "an error was encountered while running the model"},
    ]
    loopback.queue(Reply(200, {"content-type": "application/x-ndjson"}, [json.dumps(line).encode() + b"\n" for line in lines]))
    answer = ask(loopback, "ollama")
    assert answer.text == " Yes."
    assert answer.error is not None and answer.error.kind is ErrorKind.SERVER
    assert "an error was encountered while running the model" in answer.error.message
    assert loopback.requests[0].path == "/api/chat"


# The connection misbehaves


def test_a_reset_mid_stream_keeps_the_partial_text_and_is_not_retried(loopback: LoopbackServer) -> None:
    loopback.queue(Reply(200, SSE, [openai_chunk("Half an"), openai_chunk(" answer"), Reset()]), openai_answer("never"))
    answer = ask(loopback)
    assert answer.text == "Half an answer"
    assert answer.error is not None
    assert answer.error.kind is ErrorKind.CONNECTION
    assert answer.retries == []
    assert len(loopback.requests) == 1


def test_a_stalled_stream_times_out_with_the_partial_text(loopback: LoopbackServer) -> None:
    loopback.queue(Reply(200, SSE, [openai_chunk("Slow"), Stall()]))
    answer = ask(loopback, timeout=httpx.Timeout(5.0, read=0.2))
    assert answer.text == "Slow"
    assert answer.error is not None
    assert answer.error.kind is ErrorKind.TIMEOUT
    assert "0.2 s" in answer.error.message
    assert loopback.client_disconnected(5)


def test_a_stream_that_stalls_before_any_text_is_retried_then_times_out(loopback: LoopbackServer) -> None:
    loopback.queue(Reply(200, SSE, [Stall()]), Reply(200, SSE, [Stall()]))
    answer = ask(loopback, policy=RetryPolicy(max_retries=1, base_delay=0.01, jitter=0.0), timeout=httpx.Timeout(5.0, read=0.1))
    assert answer.error is not None and answer.error.kind is ErrorKind.TIMEOUT
    assert [retry.reason for retry in answer.retries] == ["timed out"]
    assert len(loopback.requests) == 2


# The bytes are odd


def test_malformed_sse_lines_are_ignored(loopback: LoopbackServer) -> None:
    # The SSE spec ignores lines without a known field; real servers also send ids, retry hints,
    # comments (OpenRouter's ": OPENROUTER PROCESSING") and events without data.
    noise = b"garbage without a colon\nid: 7\nretry: 3000\nunknown-field: x\n: OPENROUTER PROCESSING\n\nevent: ping\n\n"
    loopback.queue(Reply(200, SSE, [noise, openai_chunk("Still"), noise, openai_chunk(" fine"), openai_chunk(finish="stop"), noise, b"data: [DONE]\n\n"]))
    answer = ask(loopback)
    assert answer.error is None
    assert answer.text == "Still fine"
    assert isinstance(answer.events[-1], Finish)


def test_a_non_json_data_line_from_a_proxy_does_not_kill_a_good_stream(loopback: LoopbackServer) -> None:
    # Decision: a `data:` line that is not JSON at all (a proxy's "keep-alive") is skipped, as the
    # SSE spec lets a client skip what it does not understand; a line that starts as JSON and breaks
    # is a PROTOCOL error (next test), because skipping it would silently lose part of the answer.
    loopback.queue(Reply(200, SSE, [openai_chunk("Still"), b"data: keep-alive\n\n", openai_chunk(" fine"), openai_chunk(finish="stop"), b"data: [DONE]\n\n"]))
    answer = ask(loopback)
    assert answer.error is None
    assert answer.text == "Still fine"


def test_broken_json_in_a_data_line_is_a_protocol_error_after_the_partial_text(loopback: LoopbackServer) -> None:
    loopback.queue(Reply(200, SSE, [openai_chunk("Kept"), b'data: {"choices": [{"delta": {"content": "lo\n\n']))
    answer = ask(loopback)
    assert answer.text == "Kept"
    assert answer.error is not None and answer.error.kind is ErrorKind.PROTOCOL
    assert len(loopback.requests) == 1


def test_a_huge_single_chunk_arrives_whole(loopback: LoopbackServer) -> None:
    huge = "".join(chr(ord("a") + index % 26) for index in range(2 * 1024 * 1024))
    loopback.queue(Reply(200, SSE, [openai_chunk("<"), openai_chunk(huge) + openai_chunk(">"), openai_chunk(finish="stop"), b"data: [DONE]\n\n"]))
    answer = ask(loopback)
    assert answer.error is None
    assert answer.text == "<" + huge + ">"


def test_invalid_utf8_is_a_protocol_error_after_the_partial_text(loopback: LoopbackServer) -> None:
    loopback.queue(Reply(200, SSE, [openai_chunk("Good"), b'data: {"choices": [{"index": 0, "delta": {"content": "\xff\xfe"}}]}\n\n']))
    answer = ask(loopback)
    assert answer.text == "Good"
    assert answer.error is not None and answer.error.kind is ErrorKind.PROTOCOL
    assert "UTF-8" in answer.error.message
    assert answer.retries == []
