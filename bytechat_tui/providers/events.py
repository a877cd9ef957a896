"""What a request to a bot is, and the events its answer streams back, whatever the wire protocol.

Every protocol module turns its provider's stream into these; everything above (the `ask` command,
the TUI, storage) consumes only these, so a new provider never touches the rest of the app.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Role = Literal["user", "assistant"]


@dataclass(frozen=True, slots=True)
class Message:
    role: Role
    text: str


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One turn to send: the conversation so far, ending with the user's new message."""

    messages: tuple[Message, ...]
    system: str | None = None
    max_tokens: int | None = None
    """Upper bound on the answer; None leaves the provider's default where the protocol allows it
    (Anthropic requires one, so its module falls back to the bot's `max_output`)."""
    temperature: float | None = None


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class ReasoningDelta:
    """Thinking text some models stream before the answer (`reasoning_content`, thinking blocks)."""

    text: str


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts normalised across providers, ready for `pricing.cost.request_cost`.

    `input_tokens` excludes cache reads and writes whatever the provider counted; `output_tokens`
    includes reasoning tokens whatever the provider counted (Gemini and xAI report them apart).
    """

    input_tokens: int
    output_tokens: int
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0
    reasoning_tokens: int = 0
    """Already inside `output_tokens`; kept to show a person how much was thinking."""
    provider_cost_usd: float | None = None
    """The provider's own figure for this request (OpenRouter `usage.cost`, xAI ticks), preferred
    over our own arithmetic when present."""


FinishReason = Literal["stop", "length", "content_filter", "refusal", "tool_calls", "other"]


@dataclass(frozen=True, slots=True)
class Finish:
    reason: FinishReason
    raw: str | None = None
    """The provider's own word for it (`end_turn`, `MAX_TOKENS`, ...), for the why panel and logs."""


@dataclass(frozen=True, slots=True)
class Retrying:
    """The request failed in a way worth retrying; the client waits `delay` seconds and tries again.

    Only emitted before any text arrived: a retry after text would show the answer twice.
    """

    attempt: int
    """1 for the first retry."""
    delay: float
    reason: str
    """A short phrase for the status line: "rate limited", "overloaded", "HTTP 503"."""


Event = TextDelta | ReasoningDelta | Usage | Finish | Retrying
