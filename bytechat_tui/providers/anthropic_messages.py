"""Anthropic Messages over SSE (also spoken by llama.cpp's `/v1/messages`).

The stream opens with `message_start` (input and cache counts), sends text and thinking as
`content_block_delta`s, then one `message_delta` with the stop reason and cumulative usage, and
ends with `message_stop`. Usage is merged field by field: Anthropic repeats the input counts in
`message_delta` (sometimes corrected), llama.cpp sends only the output count there.
Events are told apart by the `type` inside the data, so a stream without `event:` lines reads
the same.
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

API_VERSION = "2023-06-01"

_STOP_REASONS: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "refusal": "refusal",
    "tool_use": "tool_calls",
}


def build_request(bot: Bot, key: str | None, request: ChatRequest) -> HttpRequest:
    body: dict[str, Any] = {
        "model": bot.model,
        "max_tokens": request.max_tokens if request.max_tokens is not None else bot.max_output,
        "messages": [{"role": message.role, "content": message.text} for message in request.messages],
        "stream": True,
    }
    if request.system:
        body["system"] = request.system
    if request.temperature is not None:
        body["temperature"] = request.temperature
    headers = {"Accept": "text/event-stream", "anthropic-version": API_VERSION}
    if key:
        headers["x-api-key"] = key
    # The base URL has no /v1 (as the official SDK's); tolerate one a user added.
    return HttpRequest("POST", f"{endpoint(bot).removesuffix('/v1')}/v1/messages", headers, body)


class Decoder:
    def __init__(self) -> None:
        self._usage: dict[str, Any] = {}
        self._stop_reason: str | None = None
        self._ended = False

    @guarded
    def feed(self, item: SseEvent) -> list[Event]:
        if self._ended or item.data == "[DONE]":
            return []
        payload = load_payload(item.data)
        if payload is None:
            return []
        kind = payload.get("type") or item.event
        if kind == "content_block_delta":
            return _content_events(payload.get("delta") or {})
        if kind == "message_start":
            self._merge_usage((payload.get("message") or {}).get("usage"))
        elif kind == "content_block_start":
            return _content_events(payload.get("content_block") or {})
        elif kind == "message_delta":
            self._stop_reason = (payload.get("delta") or {}).get("stop_reason") or self._stop_reason
            self._merge_usage(payload.get("usage"))
        elif kind == "message_stop":
            return self._end()
        return []

    def close(self) -> list[Event]:
        """A stream cut after `message_delta` lost nothing but `message_stop`."""
        if self._ended:
            return []
        if self._stop_reason is None:
            raise cut_off()
        return self._end()

    def _merge_usage(self, usage: dict[str, Any] | None) -> None:
        for name, value in (usage or {}).items():
            if value is not None:
                self._usage[name] = value

    def _end(self) -> list[Event]:
        self._ended = True
        raw = self._stop_reason
        reason: FinishReason = _STOP_REASONS.get(raw, "other") if raw else "other"
        return ending(self._normalised_usage(), Finish(reason, raw))

    def _normalised_usage(self) -> Usage | None:
        """Anthropic's counts already match `Usage`: input excludes cache reads and writes.

        Without an input count (a server that skipped `message_start`) the usage is unknown, not
        zero: the reply then counts tokens itself and marks the cost as estimated.
        """
        usage = self._usage
        if usage.get("input_tokens") is None:
            return None
        return Usage(
            input_tokens=usage.get("input_tokens") or 0,
            output_tokens=usage.get("output_tokens") or 0,
            cache_read_tokens=usage.get("cache_read_input_tokens") or 0,
            cache_write_tokens=usage.get("cache_creation_input_tokens") or 0,
            reasoning_tokens=(usage.get("output_tokens_details") or {}).get("thinking_tokens") or 0,
        )


def _content_events(content: dict[str, Any]) -> list[Event]:
    """Text and thinking, from a delta (`text_delta`) or a block that opens with content (`text`,
    empty in every recorded stream). Tool input JSON, signatures and citations are not shown."""
    kind = (content.get("type") or "").removesuffix("_delta")
    if kind == "text" and content.get("text"):
        return [TextDelta(content["text"])]
    if kind == "thinking" and content.get("thinking"):
        return [ReasoningDelta(content["thinking"])]
    return []
