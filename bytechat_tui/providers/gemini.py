"""Google Gemini `streamGenerateContent?alt=sse`.

Each SSE event is a whole `GenerateContentResponse` carrying the usage so far; the stream has no
`[DONE]`, so the answer is complete at EOF once a candidate gave its `finishReason`, and the last
usage seen is the one that counts. Thinking tokens (`thoughtsTokenCount`) are not inside
`candidatesTokenCount`, and cached tokens are inside `promptTokenCount`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal
from urllib.parse import quote

from bytechat_tui.providers.events import Event, Finish, FinishReason, ReasoningDelta, TextDelta, Usage
from bytechat_tui.providers.framing import SseEvent
from bytechat_tui.providers.wire import HttpRequest, cut_off, endpoint, ending, guarded, load_payload

if TYPE_CHECKING:
    from bytechat_tui.providers.events import ChatRequest
    from bytechat_tui.room import Bot

FRAMING: Literal["sse", "ndjson"] = "sse"

_FINISH_REASONS: dict[str, FinishReason] = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
    "IMAGE_SAFETY": "content_filter",
}


def build_request(bot: Bot, key: str | None, request: ChatRequest) -> HttpRequest:
    contents = [
        {"role": "model" if message.role == "assistant" else "user", "parts": [{"text": message.text}]}
        for message in request.messages
    ]
    body: dict[str, Any] = {"contents": contents}
    if request.system:
        body["systemInstruction"] = {"parts": [{"text": request.system}]}
    config: dict[str, Any] = {}
    if request.max_tokens is not None:
        config["maxOutputTokens"] = request.max_tokens
    if request.temperature is not None:
        config["temperature"] = request.temperature
    if config:
        body["generationConfig"] = config
    headers = {"Accept": "text/event-stream"}
    if key:
        # In a header, never in the URL's `?key=`: URLs end up in logs and error messages.
        headers["x-goog-api-key"] = key
    model = quote(bot.model.removeprefix("models/"), safe="-._~")
    return HttpRequest("POST", f"{endpoint(bot)}/models/{model}:streamGenerateContent?alt=sse", headers, body)


class Decoder:
    def __init__(self) -> None:
        self._finish: Finish | None = None
        self._called_tool = False
        """Gemini says STOP after a function call; the finish then reports `tool_calls`."""
        self._usage: dict[str, Any] | None = None
        self._ended = False

    @guarded
    def feed(self, item: SseEvent) -> list[Event]:
        if self._ended or item.data == "[DONE]":
            return []
        payload = load_payload(item.data)
        if payload is None:
            return []
        if payload.get("usageMetadata"):
            self._usage = payload["usageMetadata"]
        blocked = (payload.get("promptFeedback") or {}).get("blockReason")
        if blocked:
            self._finish = Finish("content_filter", blocked)
        events: list[Event] = []
        for candidate in (payload.get("candidates") or ())[:1]:
            for part in (candidate.get("content") or {}).get("parts") or ():
                if "functionCall" in part:
                    self._called_tool = True
                text = part.get("text")
                if text:
                    events.append(ReasoningDelta(text) if part.get("thought") else TextDelta(text))
            raw = candidate.get("finishReason")
            if raw:
                reason = _FINISH_REASONS.get(raw, "other")
                self._finish = Finish("tool_calls" if reason == "stop" and self._called_tool else reason, raw)
        return events

    def close(self) -> list[Event]:
        if self._ended:
            return []
        if self._finish is None:
            raise cut_off()
        self._ended = True
        return ending(_normalised_usage(self._usage) if self._usage else None, self._finish)


def _normalised_usage(usage: dict[str, Any]) -> Usage:
    cached = usage.get("cachedContentTokenCount") or 0
    prompt = (usage.get("promptTokenCount") or 0) + (usage.get("toolUsePromptTokenCount") or 0)
    thoughts = usage.get("thoughtsTokenCount") or 0
    return Usage(
        input_tokens=max(prompt - cached, 0),
        output_tokens=(usage.get("candidatesTokenCount") or 0) + thoughts,
        cache_read_tokens=cached,
        reasoning_tokens=thoughts,
    )
