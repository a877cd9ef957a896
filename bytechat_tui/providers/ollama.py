"""Ollama's native `/api/chat` (NDJSON) and `/api/tags`, the list of models on this machine.

Each line is a JSON object; the last has `done: true` with the token counts. `prompt_eval_count`
is left out when the whole prompt came from Ollama's cache, so a missing count means zero new
input tokens, not an unknown one. An error after the stream began arrives as an `{"error": ...}`
line under the 200 status already sent.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import httpx

from bytechat_tui.providers.events import Event, Finish, FinishReason, ReasoningDelta, TextDelta, Usage
from bytechat_tui.providers.wire import HttpRequest, cut_off, endpoint, ending, guarded, load_payload

if TYPE_CHECKING:
    from bytechat_tui.providers.events import ChatRequest
    from bytechat_tui.room import Bot

FRAMING: Literal["sse", "ndjson"] = "ndjson"

DISCOVERY_TIMEOUT = httpx.Timeout(2.0)
"""Asking a local Ollama for its models must not hold up start-up when none is running."""

_DONE_REASONS: dict[str, FinishReason] = {"stop": "stop", "length": "length"}


def build_request(bot: Bot, key: str | None, request: ChatRequest) -> HttpRequest:
    messages = [{"role": "system", "content": request.system}] if request.system else []
    messages += [{"role": message.role, "content": message.text} for message in request.messages]
    body: dict[str, Any] = {"model": bot.model, "messages": messages, "stream": True}
    options: dict[str, Any] = {}
    if request.max_tokens is not None:
        options["num_predict"] = request.max_tokens
    if request.temperature is not None:
        options["temperature"] = request.temperature
    if options:
        body["options"] = options
    headers = {"Accept": "application/x-ndjson"}
    if key:
        # Only an Ollama behind an authenticating proxy (or Ollama's cloud) wants one.
        headers["Authorization"] = f"Bearer {key}"
    # The native API lives beside `/v1`, not under it; tolerate a base URL given for the latter.
    return HttpRequest("POST", f"{_native_base(endpoint(bot))}/api/chat", headers, body)


async def list_local_models(http: httpx.AsyncClient, base_url: str) -> list[str]:
    """Names of the models the Ollama at `base_url` holds; [] when nothing answers there."""
    try:
        response = await http.get(f"{_native_base(base_url.rstrip('/'))}/api/tags", timeout=DISCOVERY_TIMEOUT)
        models = response.json().get("models") if response.status_code == 200 else None
    except (httpx.HTTPError, ValueError, AttributeError):
        return []
    if not isinstance(models, list):
        return []
    names = (model.get("name") or model.get("model") for model in models if isinstance(model, dict))
    return [name for name in names if isinstance(name, str) and name]


class Decoder:
    def __init__(self) -> None:
        self._called_tool = False
        """Ollama says `stop` after a tool call; the finish then reports `tool_calls`."""
        self._ended = False

    @guarded
    def feed(self, item: str) -> list[Event]:
        if self._ended:
            return []
        payload = load_payload(item)
        if payload is None:
            return []
        message = payload.get("message") or {}
        events: list[Event] = []
        if message.get("thinking"):
            events.append(ReasoningDelta(message["thinking"]))
        if message.get("content"):
            events.append(TextDelta(message["content"]))
        if message.get("tool_calls"):
            self._called_tool = True
        if payload.get("done"):
            events += self._end(payload)
        return events

    def close(self) -> list[Event]:
        if not self._ended:
            raise cut_off()
        return []

    def _end(self, final: dict[str, Any]) -> list[Event]:
        """The `done: true` line; older Ollama versions send no `done_reason`, `done` alone meaning it stopped."""
        self._ended = True
        raw = final.get("done_reason")
        reason: FinishReason = _DONE_REASONS.get(raw, "other") if raw else "stop"
        if reason == "stop" and self._called_tool:
            reason = "tool_calls"
        usage = Usage(input_tokens=final.get("prompt_eval_count") or 0, output_tokens=final.get("eval_count") or 0)
        return ending(usage, Finish(reason, raw))


def _native_base(base: str) -> str:
    return base.removesuffix("/v1")
