"""Every recording in ../shared/fixtures/, served from a real loopback socket through the real client.

The expectations below were read off the recordings by hand (the text their deltas spell, the
finish reason, the usage numbers, and the cost those numbers come to at `PRICES`); nothing here is
recomputed by the code under test. A file added to fixtures/ fails `test_every_fixture_file_is_served_or_excused`
until it gets an expectation here or a line in `NOT_SERVED` saying why it is not served.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

import httpx
import pytest
from conftest import shared_path
from loopback import LoopbackServer, Pause, Reply, Reset, Stall, loopback, sse_body  # noqa: F401  (loopback is a fixture)

from bytechat_tui.keys import Secret
from bytechat_tui.pricing.catalog import Prices
from bytechat_tui.pricing.cost import request_cost
from bytechat_tui.providers.client import stream_events
from bytechat_tui.providers.errors import ErrorKind, ProviderError
from bytechat_tui.providers.events import (
    ChatRequest,
    Event,
    Finish,
    Message,
    ReasoningDelta,
    Retrying,
    TextDelta,
    Usage,
)
from bytechat_tui.providers.ollama import list_local_models
from bytechat_tui.providers.retry import RetryPolicy
from bytechat_tui.room import Bot
from bytechat_tui.vendors import VENDORS

KEY = "test-key-1"
QUESTION = ChatRequest(messages=(Message("user", "hello"),), max_tokens=512)
PRICES = Prices(input=3.0, output=15.0, cache_read=0.3, cache_write=3.75)
"""$/Mtok, distinct for each kind of token so that a count put in the wrong place changes the cost."""

NO_RETRIES = RetryPolicy(max_retries=0)
INSTANT_RETRIES = RetryPolicy(max_retries=2, base_delay=0.001, max_delay=0.001, jitter=0.0)

CHUNK = 97
"""Bytes per HTTP chunk when serving a recording: odd, so chunks cut lines and UTF-8 characters."""


@dataclass(frozen=True)
class Excerpt:
    """A long text, checked by its start, its end and its length in characters."""

    start: str
    end: str
    length: int

    def matches(self, text: str) -> bool:
        return text.startswith(self.start) and text.endswith(self.end) and len(text) == self.length


@dataclass(frozen=True)
class Recording:
    provider: str
    """The vendor the bot is configured as, which picks the wire protocol."""
    text: str | Excerpt
    finish: Finish
    usage: Usage
    cost_usd: float
    """`PRICES` applied to the recorded counts, in dollars:
    (3·input + 15·output + 0.3·cache read + 3.75·cache write) / 1e6."""
    reasoning: str | Excerpt = ""


STREAMS: dict[str, Recording] = {
    # OpenAI (openai-python's recordings of api.openai.com, gpt-4o)
    "openai/chat_content_logprobs.sse": Recording("openai", "Foo!", Finish("stop", "stop"), Usage(9, 2), 57e-6),
    "openai/chat_max_tokens_reached.sse": Recording(
        "openai", '{"', Finish("length", "length"), Usage(79, 1), 252e-6
    ),
    # n=3: only the first choice is the answer; usage covers all three.
    "openai/chat_multiple_choices.sse": Recording(
        "openai",
        '{"city":"San Francisco","temperature":65,"units":"f"}',
        Finish("stop", "stop"),
        Usage(79, 42),
        867e-6,
    ),
    "openai/chat_non_strict_tools.sse": Recording(
        "openai", "", Finish("tool_calls", "tool_calls"), Usage(44, 16), 372e-6
    ),
    "openai/chat_parse_nothing.sse": Recording(
        "openai",
        "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I "
        "recommend checking a reliable weather website or a weather app.",
        Finish("stop", "stop"),
        Usage(14, 30),
        492e-6,
    ),
    "openai/chat_pydantic_tool.sse": Recording(
        "openai", "", Finish("tool_calls", "tool_calls"), Usage(76, 24), 588e-6
    ),
    # The refusal arrives as `delta.refusal` under finish_reason "stop".
    "openai/chat_refusal.sse": Recording(
        "openai",
        "I'm sorry, I can't assist with that request.",
        Finish("refusal", "stop"),
        Usage(79, 11),
        402e-6,
    ),
    "openai/vercel_chat_openai-text.chunks.jsonl": Recording(
        "openai",
        Excerpt("**Holiday Name:** Harmony Day\n\n**Date:**", "xperiences and mutual respect.", 1724),
        Finish("stop", "stop"),
        Usage(16, 300),
        4548e-6,
    ),
    # Anthropic
    "anthropic/sdk_basic_response.sse": Recording(
        "anthropic", "Hello there!", Finish("stop", "end_turn"), Usage(11, 6), 123e-6
    ),
    "anthropic/sdk_fable_stream-a-refusal.sse": Recording(
        "anthropic",
        "Hi",
        Finish("refusal", "refusal"),
        Usage(28, 106, reasoning_tokens=67),
        1674e-6,
        reasoning=Excerpt("Simple educational question about what a", "or just roll with it politely.", 212),
    ),
    "anthropic/sdk_incomplete_partial_json_response.sse": Recording(
        "anthropic",
        "I'll create a comprehensive tax guide for someone with multiple W2s and save it in a file called "
        "taxes.txt. Let me do that for you now.",
        Finish("length", "max_tokens"),
        Usage(450, 124),
        3210e-6,
    ),
    "anthropic/sdk_refusal_response.sse": Recording(
        "anthropic", "", Finish("refusal", "refusal"), Usage(20, 0), 60e-6
    ),
    "anthropic/sdk_tool_use_response.sse": Recording(
        "anthropic",
        "I'll check the current weather in Paris for you.",
        Finish("tool_calls", "tool_use"),
        Usage(377, 65),
        2106e-6,
    ),
    # message_delta corrects the input count of message_start (43 -> 61).
    "anthropic/vercel_anthropic-message-delta-input-tokens.chunks.jsonl": Recording(
        "anthropic", "pong", Finish("stop", "end_turn"), Usage(61, 2), 213e-6
    ),
    "anthropic/vercel_anthropic-refusal.chunks.jsonl": Recording(
        "anthropic", "", Finish("refusal", "refusal"), Usage(18, 5), 129e-6
    ),
    "anthropic/vercel_anthropic-text.chunks.jsonl": Recording(
        "anthropic",
        "Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help "
        "you with?",
        Finish("stop", "end_turn"),
        Usage(12, 30),
        486e-6,
    ),
    "anthropic/vercel_anthropic-thinking.chunks.jsonl": Recording(
        "anthropic",
        "925 ÷ 5 = 185",
        Finish("stop", "end_turn"),
        Usage(69, 53),
        1002e-6,
        reasoning="The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185",
    ),
    "anthropic/vercel_anthropic-tool-no-args.chunks.jsonl": Recording(
        "anthropic",
        "I'll update the issue list for you.",
        Finish("tool_calls", "tool_use"),
        Usage(565, 48),
        2415e-6,
    ),
    # Gemini: thoughtsTokenCount is outside candidatesTokenCount; a function call still says STOP.
    "google/vercel_google-reasoning.chunks.jsonl": Recording(
        "gemini",
        'There are **3** "r"s in strawberry.\n\nHere is the breakdown: st**r**awbe**rr**y.',
        Finish("stop", "STOP"),
        Usage(9, 29 + 256, reasoning_tokens=256),
        4302e-6,
    ),
    "google/vercel_google-text.chunks.jsonl": Recording(
        "gemini",
        'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
        Finish("stop", "STOP"),
        Usage(9, 23 + 185, reasoning_tokens=185),
        3147e-6,
    ),
    "google/vercel_google-tool-call.chunks.jsonl": Recording(
        "gemini", "", Finish("tool_calls", "STOP"), Usage(29, 15 + 45, reasoning_tokens=45), 987e-6
    ),
    # Groq: the same usage both at the top level and in x_groq.usage, counted once.
    "groq/vercel_groq-reasoning.chunks.jsonl": Recording(
        "groq",
        Excerpt('The word **"strawberry"** is spelled as ', "\n**Final Answer**: $\\boxed{3}$", 347),
        Finish("stop", "stop"),
        Usage(17, 1107, reasoning_tokens=963),
        16656e-6,
        reasoning=Excerpt("Okay, let me try to figure out how many ", "R's in \"strawberry\" is three.\n", 2952),
    ),
    "groq/vercel_groq-text.chunks.jsonl": Recording(
        "groq",
        Excerpt('Introducing "Luminaria" - a new holiday ', "iation for the magic of light.", 3189),
        Finish("stop", "stop"),
        Usage(45, 662),
        10065e-6,
    ),
    # DeepSeek: prompt_cache_hit_tokens / prompt_cache_miss_tokens.
    "deepseek/vercel_deepseek-reasoning.chunks.jsonl": Recording(
        "deepseek",
        'The word "strawberry" contains three "r"s.',
        Finish("stop", "stop"),
        Usage(18, 219, reasoning_tokens=205),
        3339e-6,
        reasoning=Excerpt("We need to count the number of the lette", "es, 3.\n\nThus, the answer is 3.", 606),
    ),
    "deepseek/vercel_deepseek-tool-call.chunks.jsonl": Recording(
        "deepseek",
        "",
        Finish("tool_calls", "tool_calls"),
        Usage(19, 83, cache_read_tokens=320, reasoning_tokens=39),
        1398e-6,
        reasoning="The user is asking for the weather in San Francisco. I need to use the weather tool to get this "
        'information. Let me invoke the weather tool with the location parameter set to "San Francisco".',
    ),
    # Mistral: `content` as a list of thinking and text parts.
    "mistral/vercel_mistral-reasoning.chunks.jsonl": Recording(
        "mistral",
        "2 + 2 = 4",
        Finish("stop", "stop"),
        Usage(10, 46),
        720e-6,
        reasoning="The user is asking for 2+2. This is basic arithmetic. 2+2=4.",
    ),
    "mistral/vercel_mistral-text.chunks.jsonl": Recording(
        "mistral", "Hello, world! This is a test response.", Finish("stop", "stop"), Usage(13, 8), 159e-6
    ),
    "mistral/vercel_mistral-tool-call.chunks.jsonl": Recording(
        "mistral", "", Finish("tool_calls", "tool_calls"), Usage(124, 22), 702e-6
    ),
    # xAI: reasoning_tokens outside completion_tokens; cached inside prompt_tokens; its own cost in ticks.
    "xai/vercel_xai-text.chunks.jsonl": Recording(
        "xai",
        "Hello",
        Finish("stop", "stop"),
        Usage(12 - 11, 1 + 290, cache_read_tokens=11, reasoning_tokens=290, provider_cost_usd=1466250e-10),
        4371.3e-6,
        reasoning="First, the user said",
    ),
    "xai/vercel_xai-tool-call.chunks.jsonl": Recording(
        "xai",
        "",
        Finish("tool_calls", "tool_calls"),
        Usage(307 - 306, 26 + 227, cache_read_tokens=306, reasoning_tokens=227, provider_cost_usd=1497500e-10),
        3889.8e-6,
        reasoning=Excerpt("First, the user is asking about the weat", "this is the logical next step.", 1069),
    ),
    # llama.cpp: a prompt served from its cache shows as cached tokens, in both dialects.
    "llamacpp/chat_stream_include_usage.sse": Recording(
        "openai-compatible", "JKOJ", Finish("length", "length"), Usage(57 - 56, 4, cache_read_tokens=56), 79.8e-6
    ),
    "llamacpp/anthropic_messages_stream.sse": Recording(
        "anthropic", "JKOJ", Finish("length", "max_tokens"), Usage(1, 4, cache_read_tokens=56), 79.8e-6
    ),
}


@dataclass(frozen=True)
class ErrorReply:
    provider: str
    status: int
    kind: ErrorKind
    retry_after: float | None = None


ERROR_REPLIES: dict[str, ErrorReply] = {
    "openai/vercel_chat_error_legacy_param.json": ErrorReply("openai", 400, ErrorKind.BAD_REQUEST),
    "google/vercel_google-429-retry-info.json": ErrorReply("gemini", 429, ErrorKind.RATE_LIMIT, retry_after=34.4),
    "llamacpp/error_context_overflow.json": ErrorReply("openai-compatible", 400, ErrorKind.CONTEXT_TOO_LONG),
}

EXCHANGE = "anthropic/sdk_recorded_exchange_2x429_then_stream.json"

OLLAMA_API = "ollama/ollama_docs_api.md"
OLLAMA_ERRORS = "ollama/ollama_docs_errors.mdx"
OLLAMA_STREAMS: dict[str, Recording] = {
    # The section of ollama_docs_api.md whose documented NDJSON lines are served; no done_reason in
    # the first (older Ollama), "stop" after a tool call in the second.
    "Chat request (Streaming)": Recording("ollama", "The", Finish("stop", None), Usage(26, 282), 4308e-6),
    "Chat request (Streaming with tools)": Recording(
        "ollama", "", Finish("tool_calls", "stop"), Usage(169, 15), 732e-6
    ),
}

_RESPONSES_API = "an OpenAI Responses API stream (`response.*` events); we speak Chat Completions"
_NON_STREAMED = "a non-streamed body; the client always asks for a stream"
_PROVENANCE = "provenance and licences, not a reply"
NOT_SERVED: dict[str, str] = {
    "openai/vercel_responses_error_insufficient_quota.chunks.jsonl": _RESPONSES_API,
    "openai/vercel_responses_phase.chunks.jsonl": _RESPONSES_API,
    "openai/vercel_responses_reasoning.chunks.jsonl": _RESPONSES_API,
    "openai/vercel_responses_parallel_tool_calls.chunks.jsonl": _RESPONSES_API,
    "lmstudio/vercel_lmstudio-responses-basic.chunks.jsonl": _RESPONSES_API,
    "llamacpp/responses_stream.sse": _RESPONSES_API,
    "openai/vercel_chat_openai-text.json": _NON_STREAMED,
    "anthropic/vercel_anthropic-text.json": _NON_STREAMED,
    "google/vercel_google-text.json": _NON_STREAMED,
    "anthropic/sdk_recorded_exchange_parse_1.json": _NON_STREAMED + " (messages.parse)",
    "llamacpp/chat_stream_include_usage.headers": "the recorded headers of the .sse beside it, served with it",
    "llamacpp/anthropic_messages_stream.headers": "the recorded headers of the .sse beside it, served with it",
    "ollama/ollama_docs_streaming.mdx": "examples of /api/generate (`response` lines); we speak /api/chat",
    "ollama/ollama_docs_openai-compatibility.mdx": "lists Ollama's /v1 features; no reply to serve",
    "llamacpp/README.md": _PROVENANCE,
    "README.md": _PROVENANCE,
    "MANIFEST.tsv": _PROVENANCE,
    "MANIFEST.json": _PROVENANCE,
    "LICENSES/anthropics+anthropic-sdk-python.LICENSE": _PROVENANCE,
    "LICENSES/ollama+ollama.LICENSE": _PROVENANCE,
    "LICENSES/openai+openai-python.LICENSE": _PROVENANCE,
    "LICENSES/vercel+ai.LICENSE": _PROVENANCE,
}


# Serving


def recorded_bot(provider: str, server: LoopbackServer) -> Bot:
    protocol = VENDORS[provider].protocol
    suffix = {"openai": "/v1", "gemini": "/v1beta"}.get(protocol, "")
    return Bot(
        name="recorded",
        provider=provider,
        model="recorded-model",
        prices=PRICES,
        context_window=200_000,
        max_output=1024,
        tier=3,
        tags=frozenset(),
        base_url=server.url + suffix,
    )


EXPECTED_PATHS = {
    "openai": "/v1/chat/completions",
    "anthropic": "/v1/messages",
    "gemini": "/v1beta/models/recorded-model:streamGenerateContent?alt=sse",
    "ollama": "/api/chat",
}


def in_chunks(body: bytes) -> list[bytes | Pause | Reset | Stall]:
    return [body[start : start + CHUNK] for start in range(0, len(body), CHUNK)]


def sse_reply(name: str) -> Reply:
    """A recording as its provider sent it, framed per fixtures/README.md."""
    path = shared_path(f"fixtures/{name}")
    if name.endswith(".sse"):
        body = path.read_bytes()
    else:
        lines = path.read_text(encoding="utf-8").splitlines()
        if name.startswith("anthropic/"):
            body = sse_body(lines, event_names="type", done=False)
        else:
            body = sse_body(lines, done=not name.startswith("google/"))
    return Reply(200, {"content-type": recorded_content_type(path)}, in_chunks(body))


def recorded_content_type(path: Path) -> str:
    headers = path.with_suffix(".headers")
    if headers.exists():
        found = re.search(r"^content-type:\s*(.+?)\s*$", headers.read_text(encoding="latin-1"), re.I | re.M)
        assert found, f"{headers} has no Content-Type"
        return found.group(1)
    return "text/event-stream"


async def collect(bot: Bot, policy: RetryPolicy = RetryPolicy()) -> tuple[list[Event], ProviderError | None]:
    events: list[Event] = []
    try:
        async for event in stream_events(bot, Secret(KEY), QUESTION, policy=policy):
            events.append(event)
    except ProviderError as error:
        return events, error
    return events, None


def joined(events: list[Event], kind: type[TextDelta] | type[ReasoningDelta]) -> str:
    return "".join(event.text for event in events if isinstance(event, kind))


def assert_matches(text: str, expected: str | Excerpt) -> None:
    if isinstance(expected, Excerpt):
        assert expected.matches(text), (text[:60], text[-40:], len(text))
    else:
        assert text == expected


def assert_answer(events: list[Event], expected: Recording) -> None:
    assert_matches(joined(events, TextDelta), expected.text)
    assert_matches(joined(events, ReasoningDelta), expected.reasoning)
    usages = [event for event in events if isinstance(event, Usage)]
    finishes = [event for event in events if isinstance(event, Finish)]
    assert finishes == [expected.finish]
    assert len(usages) == 1
    usage = usages[0]
    # The provider's own figure (xAI ticks × 1e-10) is compared as a float, the counts exactly.
    assert replace(usage, provider_cost_usd=None) == replace(expected.usage, provider_cost_usd=None)
    if expected.usage.provider_cost_usd is None:
        assert usage.provider_cost_usd is None
    else:
        assert usage.provider_cost_usd == pytest.approx(expected.usage.provider_cost_usd, rel=1e-9)
    assert set(events[-2:]) == {usage, expected.finish}, "usage and finish end the stream"
    cost = request_cost(
        PRICES, usage.input_tokens, usage.output_tokens, usage.cache_read_tokens, usage.cache_write_tokens
    )
    assert cost == pytest.approx(expected.cost_usd, rel=1e-9)


# The tests


def test_every_fixture_file_is_served_or_excused() -> None:
    fixtures = shared_path("fixtures")
    present = {path.relative_to(fixtures).as_posix() for path in fixtures.rglob("*") if path.is_file()}
    handled = {*STREAMS, *ERROR_REPLIES, EXCHANGE, OLLAMA_API, OLLAMA_ERRORS, *NOT_SERVED}
    assert sorted(present - handled) == [], "new recordings: add an expectation here, or a reason to NOT_SERVED"
    assert sorted(handled - present) == [], "expectations for recordings that are gone"


EVENT_TYPE = re.compile(r'\s*\{"type":"(\w+)')


def test_the_unserved_streams_really_are_responses_api_streams() -> None:
    """The reason given in NOT_SERVED holds: every event of those files is a `response.*` event."""
    for name, reason in NOT_SERVED.items():
        if reason != _RESPONSES_API:
            continue
        lines = shared_path(f"fixtures/{name}").read_text(encoding="utf-8").splitlines()
        if name.endswith(".sse"):
            lines = [line.removeprefix("data:") for line in lines if line.startswith("data:")]
        # Read with a pattern, not json.loads: vercel's parallel-tool-call fixture has lines whose
        # braces do not balance (hand-edited upstream), which is one more reason not to serve it.
        types = {found.group(1) if (found := EVENT_TYPE.match(line)) else line[:40] for line in lines if line.strip()}
        assert types <= {"response", "error"}, (name, types)

@pytest.mark.parametrize("name", sorted(STREAMS))
def test_recorded_stream(name: str, loopback: LoopbackServer) -> None:
    expected = STREAMS[name]
    loopback.queue(sse_reply(name))
    bot = recorded_bot(expected.provider, loopback)
    events, error = asyncio.run(collect(bot))
    assert error is None, error
    assert_answer(events, expected)
    assert not any(isinstance(event, Retrying) for event in events)
    assert [request.path for request in loopback.requests] == [EXPECTED_PATHS[VENDORS[bot.provider].protocol]]


@pytest.mark.parametrize("name", sorted(ERROR_REPLIES))
def test_recorded_error_reply(name: str, loopback: LoopbackServer) -> None:
    expected = ERROR_REPLIES[name]
    body = shared_path(f"fixtures/{name}").read_bytes()
    loopback.queue(Reply(expected.status, {"content-type": "application/json"}, [body]))
    events, error = asyncio.run(collect(recorded_bot(expected.provider, loopback), NO_RETRIES))
    assert events == []
    assert error is not None
    assert (error.kind, error.status, error.bot) == (expected.kind, expected.status, "recorded")
    assert error.retry_after == expected.retry_after


def test_recorded_429_429_then_stream_is_retried_and_answered(loopback: LoopbackServer) -> None:
    exchanges = json.loads(shared_path(f"fixtures/{EXCHANGE}").read_text(encoding="utf-8"))
    assert [exchange["response"]["status_code"] for exchange in exchanges] == [429, 429, 200]
    for exchange in exchanges:
        response = exchange["response"]
        # Framing headers are the server's own business; x-should-retry: true is served as recorded.
        headers = {
            name: value
            for name, value in response["headers"].items()
            if name.lower() not in ("content-length", "connection", "transfer-encoding")
        }
        body = response["body"]
        data = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        loopback.queue(Reply(response["status_code"], headers, in_chunks(data)))
    events, error = asyncio.run(collect(recorded_bot("anthropic", loopback), INSTANT_RETRIES))
    assert error is None, error
    retries = [event for event in events if isinstance(event, Retrying)]
    assert events[:2] == retries
    assert [(retry.attempt, retry.reason) for retry in retries] == [(1, "rate limited"), (2, "rate limited")]
    assert_answer(
        events[2:],
        Recording("anthropic", "[12345,67890]", Finish("stop", "end_turn"), Usage(135, 10), 555e-6),
    )
    assert [request.path for request in loopback.requests] == ["/v1/messages"] * 3


def test_groq_usage_only_in_x_groq_is_read(loopback: LoopbackServer) -> None:
    """Groq has also sent usage only inside `x_groq`: the recording with its top-level copy removed."""
    lines = shared_path("fixtures/groq/vercel_groq-text.chunks.jsonl").read_text(encoding="utf-8").splitlines()
    payloads = [json.loads(line) for line in lines]
    assert payloads[-1]["usage"] == payloads[-1]["x_groq"]["usage"]
    del payloads[-1]["usage"]
    loopback.queue(Reply(200, {"content-type": "text/event-stream"}, in_chunks(sse_body(payloads))))
    events, error = asyncio.run(collect(recorded_bot("groq", loopback)))
    assert error is None, error
    assert [event for event in events if isinstance(event, Usage)] == [Usage(45, 662)]


CUT_STREAMS = {
    # A recording cut just before the event that says it finished: the text so far, then an error.
    "openai/chat_content_logprobs.sse": ("openai", b'"finish_reason":"stop"', "Foo!"),
    "anthropic/sdk_basic_response.sse": ("anthropic", b"event: message_delta", "Hello there!"),
    "llamacpp/anthropic_messages_stream.sse": ("anthropic", b"event: message_delta", "JKOJ"),
}


@pytest.mark.parametrize("name", sorted(CUT_STREAMS))
def test_a_stream_cut_before_its_finish_keeps_the_text_and_says_so(name: str, loopback: LoopbackServer) -> None:
    provider, cut_before, text = CUT_STREAMS[name]
    body = shared_path(f"fixtures/{name}").read_bytes()
    cut = body.rindex(b"\n\n", 0, body.index(cut_before)) + 2
    loopback.queue(Reply(200, {"content-type": "text/event-stream"}, in_chunks(body[:cut])))
    events, error = asyncio.run(collect(recorded_bot(provider, loopback), NO_RETRIES))
    assert joined(events, TextDelta) == text
    assert not any(isinstance(event, (Usage, Finish)) for event in events)
    assert error is not None
    assert (error.kind, error.bot) == (ErrorKind.SERVER, "recorded")
    assert "cut off" in str(error)


def test_a_gemini_stream_cut_before_its_finish_reason(loopback: LoopbackServer) -> None:
    lines = shared_path("fixtures/google/vercel_google-text.chunks.jsonl").read_text(encoding="utf-8").splitlines()
    assert "finishReason" not in lines[0] + lines[1] and "finishReason" in lines[2]
    loopback.queue(Reply(200, {"content-type": "text/event-stream"}, [sse_body(lines[:2], done=False)]))
    events, error = asyncio.run(collect(recorded_bot("gemini", loopback), NO_RETRIES))
    assert joined(events, TextDelta) == 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y'
    assert error is not None and error.kind is ErrorKind.SERVER


# Ollama: no recordings exist upstream, so its documented examples are served.


def markdown_section(text: str, heading: str) -> str:
    """The body of the section titled `heading`, up to the next heading of the same or a higher level."""
    found = re.search(rf"^(#+) {re.escape(heading)}\n", text, re.M)
    assert found, heading
    level = len(found.group(1))
    following = re.compile(rf"^#{{1,{level}}} ", re.M).search(text, found.end())
    return text[found.end() : following.start() if following else len(text)]


def json_blocks(section: str) -> list[str]:
    return re.findall(r"```json\n(.*?)```", section, re.S)


def ndjson_lines(section: str) -> list[str]:
    """The section's JSON examples as NDJSON: multi-line blocks are one object each; blocks of
    single-line objects are a stream already."""
    lines = []
    for block in json_blocks(section):
        try:
            lines.append(json.dumps(json.loads(block)))
        except ValueError:
            lines += [json.dumps(json.loads(line)) for line in block.splitlines() if line.strip()]
    return lines


def documented_chat_lines(section: str) -> list[str]:
    """The NDJSON lines of the response shown under `section` of Ollama's API docs."""
    docs = shared_path(f"fixtures/{OLLAMA_API}").read_text(encoding="utf-8")
    return ndjson_lines(markdown_section(markdown_section(docs, section), "Response"))


def ndjson_reply(lines: list[str]) -> Reply:
    return Reply(200, {"content-type": "application/x-ndjson"}, [(line + "\n").encode() for line in lines])


@pytest.mark.parametrize("section", sorted(OLLAMA_STREAMS))
def test_documented_ollama_stream(section: str, loopback: LoopbackServer) -> None:
    expected = OLLAMA_STREAMS[section]
    lines = documented_chat_lines(section)
    assert len(lines) == 2, "the docs show the first line and the final one"
    loopback.queue(ndjson_reply(lines))
    bot = recorded_bot("ollama", loopback)
    events, error = asyncio.run(collect(bot))
    assert error is None, error
    assert_answer(events, expected)
    assert [request.path for request in loopback.requests] == ["/api/chat"]


def test_a_documented_ollama_stream_cut_before_done(loopback: LoopbackServer) -> None:
    first_line, final_line = documented_chat_lines("Chat request (Streaming)")
    assert '"done": true' in final_line
    loopback.queue(ndjson_reply([first_line]))
    events, error = asyncio.run(collect(recorded_bot("ollama", loopback), NO_RETRIES))
    assert events == [TextDelta("The")]
    assert error is not None and error.kind is ErrorKind.SERVER

def test_documented_ollama_error_mid_stream_keeps_the_text_before_it(loopback: LoopbackServer) -> None:
    first_line = documented_chat_lines("Chat request (Streaming)")[0]
    errors = shared_path(f"fixtures/{OLLAMA_ERRORS}").read_text(encoding="utf-8")
    streamed = ndjson_lines(markdown_section(errors, "Errors that occur while streaming"))
    error_lines = [line for line in streamed if '"error"' in line]
    assert error_lines == ['{"error": "an error was encountered while running the model"}']
    loopback.queue(ndjson_reply([first_line, *error_lines]))
    events, error = asyncio.run(collect(recorded_bot("ollama", loopback)))
    assert events == [TextDelta("The")]
    assert error is not None
    assert (error.kind, error.bot) == (ErrorKind.SERVER, "recorded")
    assert "an error was encountered while running the model" in str(error)


def test_documented_ollama_tags_list_the_local_models(loopback: LoopbackServer) -> None:
    docs = shared_path(f"fixtures/{OLLAMA_API}").read_text(encoding="utf-8")
    (tags,) = json_blocks(markdown_section(docs, "List Local Models"))
    loopback.queue(Reply(200, {"content-type": "application/json"}, [tags.encode()]))

    async def listed() -> list[str]:
        async with httpx.AsyncClient() as http:
            return await list_local_models(http, loopback.url)

    assert asyncio.run(listed()) == ["deepseek-r1:latest", "llama3.2:latest"]
    assert [request.path for request in loopback.requests] == ["/api/tags"]


def test_no_ollama_listening_means_no_local_models() -> None:
    with LoopbackServer() as server:
        closed_url = server.url
    # The server is stopped: its port refuses connections.

    async def listed() -> list[str]:
        async with httpx.AsyncClient() as http:
            return await list_local_models(http, closed_url)

    assert asyncio.run(listed()) == []
