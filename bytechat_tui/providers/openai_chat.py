"""OpenAI Chat Completions over SSE: OpenAI itself and every server that copies its API.

One decoder serves OpenAI, OpenRouter, Groq, DeepSeek, Mistral, xAI, Together, Fireworks, vLLM,
LM Studio, llama.cpp and Ollama's `/v1`, so it accepts each one's dialect: usage on the finish
chunk or in a `choices: []` chunk after it or in `x_groq.usage`; DeepSeek's cache hit/miss counts;
xAI's reasoning tokens counted apart from `completion_tokens`; Mistral's `content` as a list of
parts; reasoning streamed as `reasoning_content` or `reasoning`; a stream that ends without
`[DONE]`. Only the first choice is read: we never ask for more than one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

from bytechat_tui.providers.events import Event, Finish, FinishReason, ReasoningDelta, TextDelta, Usage
from bytechat_tui.providers.framing import SseEvent
from bytechat_tui.providers.wire import HttpRequest, cut_off, endpoint, ending, guarded, load_payload

if TYPE_CHECKING:
    from bytechat_tui.providers.events import ChatRequest
    from bytechat_tui.room import Bot

FRAMING: Literal["sse", "ndjson"] = "sse"

_MAX_COMPLETION_TOKENS_VENDORS = frozenset({"openai"})
"""Vendors whose newer models refuse `max_tokens` (HTTP 400 `unsupported_parameter`, recorded in
fixtures/openai/vercel_chat_error_legacy_param.json); compatible servers only know `max_tokens`."""

_FINISH_REASONS: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "content_filter": "content_filter",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
}


def build_request(bot: Bot, key: str | None, request: ChatRequest) -> HttpRequest:
    messages = [{"role": "system", "content": request.system}] if request.system else []
    messages += [{"role": message.role, "content": message.text} for message in request.messages]
    body: dict[str, Any] = {
        "model": bot.model,
        "messages": messages,
        "stream": True,
        "stream_options": {"include_usage": True},
    }
    if request.max_tokens is not None:
        limit = "max_completion_tokens" if bot.provider in _MAX_COMPLETION_TOKENS_VENDORS else "max_tokens"
        body[limit] = request.max_tokens
    if request.temperature is not None:
        body["temperature"] = request.temperature
    headers = {"Accept": "text/event-stream"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    return HttpRequest("POST", f"{endpoint(bot)}/chat/completions", headers, body)


class Decoder:
    """Chunks in, events out; the finish is held back until the usage chunk that follows it."""

    def __init__(self) -> None:
        self._finish: str | None = None
        self._refused = False
        """The answer came as `delta.refusal`: OpenAI then still says `stop`."""
        self._usage: dict[str, Any] | None = None
        self._ended = False

    @guarded
    def feed(self, item: SseEvent) -> list[Event]:
        if self._ended:
            return []
        if item.data == "[DONE]":
            return self._end()
        payload = load_payload(item.data)
        if payload is None:
            return []
        usage = payload.get("usage") or (payload.get("x_groq") or {}).get("usage")
        if usage:
            self._usage = usage
        events: list[Event] = []
        for choice in payload.get("choices") or ():
            if choice.get("index", 0) == 0:
                self._read_choice(choice, events)
        return events

    def close(self) -> list[Event]:
        if self._ended:
            return []
        if self._finish is None:
            raise cut_off()
        return self._end()

    def _read_choice(self, choice: dict[str, Any], events: list[Event]) -> None:
        delta = choice.get("delta") or {}
        reasoning = delta.get("reasoning_content") or delta.get("reasoning")
        if isinstance(reasoning, str) and reasoning:
            events.append(ReasoningDelta(reasoning))
        content = delta.get("content")
        if isinstance(content, str):
            if content:
                events.append(TextDelta(content))
        elif isinstance(content, list):
            events.extend(_content_parts(content))
        refusal = delta.get("refusal")
        if isinstance(refusal, str) and refusal:
            self._refused = True
            events.append(TextDelta(refusal))
        if choice.get("finish_reason"):
            self._finish = choice["finish_reason"]

    def _end(self) -> list[Event]:
        """`[DONE]`, or EOF after the finish chunk: a clean end, even without a finish reason."""
        self._ended = True
        raw = self._finish
        reason: FinishReason = _FINISH_REASONS.get(raw, "other") if raw else "other"
        if self._refused and reason == "stop":
            reason = "refusal"
        usage = _normalised_usage(self._usage) if self._usage else None
        return ending(usage, Finish(reason, raw))


def _content_parts(parts: list[Any]) -> list[Event]:
    """Mistral's `content: [{"type": "thinking", "thinking": [...]}, {"type": "text", ...}]`."""
    events: list[Event] = []
    for part in parts:
        kind = part.get("type")
        if kind == "text" and part.get("text"):
            events.append(TextDelta(part["text"]))
        elif kind == "thinking":
            thinking = part.get("thinking")
            if isinstance(thinking, list):
                thinking = "".join(piece.get("text") or "" for piece in thinking)
            if thinking:
                events.append(ReasoningDelta(thinking))
    return events


def _normalised_usage(usage: dict[str, Any]) -> Usage:
    """Usage as `Usage` counts it: input without cache reads, output with reasoning.

    OpenAI's `prompt_tokens` includes `cached_tokens`; DeepSeek splits it into cache hits and
    misses; xAI leaves `reasoning_tokens` out of `completion_tokens`, which shows as a
    `total_tokens` that only adds up with them counted once more.
    """
    prompt = usage.get("prompt_tokens") or 0
    completion = usage.get("completion_tokens") or 0
    cached = (usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0
    if "prompt_cache_hit_tokens" in usage:
        cached = usage["prompt_cache_hit_tokens"] or 0
        uncached = usage.get("prompt_cache_miss_tokens", prompt - cached) or 0
    else:
        uncached = prompt - cached
    reasoning = (usage.get("completion_tokens_details") or {}).get("reasoning_tokens") or 0
    if reasoning and usage.get("total_tokens") == prompt + completion + reasoning:
        completion += reasoning
    return Usage(
        input_tokens=max(uncached, 0),
        output_tokens=completion,
        cache_read_tokens=cached,
        reasoning_tokens=reasoning,
        provider_cost_usd=_provider_cost(usage),
    )


_USD_PER_XAI_TICK = 1e-10


def _provider_cost(usage: dict[str, Any]) -> float | None:
    """OpenRouter's `cost` (USD) or xAI's `cost_in_usd_ticks` (1e-10 USD)."""
    cost = usage.get("cost")
    if isinstance(cost, int | float) and not isinstance(cost, bool):
        return float(cost)
    ticks = usage.get("cost_in_usd_ticks")
    if isinstance(ticks, int | float) and not isinstance(ticks, bool):
        return ticks * _USD_PER_XAI_TICK
    return None
