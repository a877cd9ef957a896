"""Every provider's error body turned into a typed error with a sentence that names the fix.

Providers disagree on shape — OpenAI `{"error": {"message", "type", "code"}}`, Anthropic
`{"type": "error", "error": {"type", "message"}}`, Gemini `{"error": {"code", "status",
"details"}}`, Ollama `{"error": "..."}`, llama.cpp's OpenAI shape with its own types, proxies'
plain text or HTML — but each says the same few things. We read the machine-readable words first
(type, code, status, ErrorInfo reason), then the HTTP status, then the wording of the message,
because the same sentence means different things at different providers: "You exceeded your
current quota" is OpenAI's unpayable bill (`insufficient_quota`) but Gemini's per-minute limit
(`RESOURCE_EXHAUSTED` with a `RetryInfo`).

The provider's own message is quoted, always through `scrub`: a 401 body echoes the key it refused.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from typing import Any

from bytechat_tui.providers.errors import ErrorKind, ProviderError, scrub
from bytechat_tui.providers.retry import duration_seconds, requested_wait

QUOTE_LIMIT = 240
"""Characters of the provider's message quoted in ours: enough to show the reason, short enough
for one line of the status bar."""

_QUOTA_WORDS = frozenset(
    {"insufficient_quota", "billing_error", "billing_hard_limit_reached", "billing_not_active", "payment_required"}
)
_AUTH_WORDS = frozenset(
    {
        "authentication_error",
        "permission_error",
        "invalid_api_key",
        "unauthenticated",
        "permission_denied",
        "api_key_invalid",
        "unauthorized",
    }
)
_CONTEXT_WORDS = frozenset({"context_length_exceeded", "exceed_context_size_error", "request_too_large", "string_above_max_length"})
_OVERLOADED_WORDS = frozenset({"overloaded_error", "overloaded", "unavailable"})
_RATE_WORDS = frozenset({"rate_limit_error", "rate_limit_exceeded", "resource_exhausted"})
_TIMEOUT_WORDS = frozenset({"deadline_exceeded", "timeout_error", "request_timeout"})

_CONTEXT_WORDING = re.compile(
    r"context (length|window|size)|maximum context|prompt is too long|input is too long|too many tokens"
    r"|exceeds the maximum number of tokens|maximum number of tokens|reduce the length of the messages",
    re.IGNORECASE,
)
_QUOTA_WORDING = re.compile(
    r"insufficient (balance|credits?|funds)|credit balance is too low|out of credits?", re.IGNORECASE
)
"""DeepSeek's "Insufficient Balance", and Anthropic's low credit, which arrives as a plain HTTP 400."""
_OVERLOADED_WORDING = re.compile(r"overloaded", re.IGNORECASE)
_ECHOED_KEY = re.compile(r"(API key provided:?\s*)\S+?(?=[.,;]?(?:\s|$))", re.IGNORECASE)
"""OpenAI echoes a refused key half-masked ("sk-ab****wxyz"): no exact secret matches that."""

_BILLING_PAGES = {
    "openai": "https://platform.openai.com/settings/organization/billing",
    "anthropic": "https://console.anthropic.com/settings/billing",
    "gemini": "https://aistudio.google.com/usage",
    "deepseek": "https://platform.deepseek.com/top_up",
    "mistral": "https://admin.mistral.ai/organization/billing",
    "xai": "https://console.x.ai",
    "groq": "https://console.groq.com/settings/billing",
    "openrouter": "https://openrouter.ai/settings/credits",
}


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    bot: str | None,
    secrets: tuple[str, ...],
    *,
    provider: str | None = None,
    key_name: str | None = None,
) -> ProviderError:
    """The typed error for an HTTP reply whose status is not a success.

    `provider` (a `VENDORS` key) and `key_name` (the keyring entry) let the sentence name the exact
    fix: which billing page, which `bytechat keys set ...`.
    """
    text = body.decode("utf-8", errors="replace").strip()
    try:
        payload = json.loads(text)
    except ValueError:
        payload = None
    if isinstance(payload, list) and payload and isinstance(payload[0], dict):
        payload = payload[0]  # Gemini wraps errors of a streamed request in a list.
    if not isinstance(payload, dict):
        # Plain text from a proxy or a load balancer; HTML pages say nothing worth quoting.
        payload = {"error": "" if text.startswith("<") else text}
    asked = requested_wait(headers)
    return _error(payload, status, bot, secrets, provider, key_name, asked if asked and asked > 0 else None)


def error_from_payload(
    payload: dict[str, Any],
    status: int | None,
    bot: str | None,
    secrets: tuple[str, ...],
    *,
    provider: str | None = None,
    key_name: str | None = None,
) -> ProviderError:
    """The typed error for an error object, from an error reply (`status`) or inside a 200 stream (None)."""
    return _error(payload, status, bot, secrets, provider, key_name, None)


def _error(
    payload: dict[str, Any],
    status: int | None,
    bot: str | None,
    secrets: tuple[str, ...],
    provider: str | None,
    key_name: str | None,
    retry_after: float | None,
) -> ProviderError:
    """`retry_after`: the wait asked for in the reply's headers, which wins over the body's."""
    detail = payload.get("error")
    if not isinstance(detail, dict):
        detail = {"message": detail} if detail else payload
    message = detail.get("message") or detail.get("detail") or ""
    if not isinstance(message, str):
        message = json.dumps(message)
    words = {
        value.lower()
        for value in (detail.get("type"), detail.get("code"), detail.get("status"), payload.get("type"))
        if isinstance(value, str)
    }
    details = detail.get("details") if isinstance(detail.get("details"), list) else []
    for item in details:
        if isinstance(item, dict):
            if isinstance(item.get("reason"), str):
                words.add(item["reason"].lower())
            if isinstance(item.get("retryDelay"), str) and retry_after is None:
                retry_after = duration_seconds(item["retryDelay"])
    code = detail.get("code")
    if status is None and isinstance(code, int) and 100 <= code <= 599:
        status = code  # OpenRouter and Gemini repeat the HTTP status of a failure inside the stream.
    kind = _kind(status, words, message)
    sentence = _sentence(kind, status, retry_after, provider, key_name or provider)
    quote = _quote(message, secrets)
    if quote:
        sentence += f' (the provider said: "{quote}")'
    return ProviderError(kind, sentence, bot=bot, status=status, retry_after=retry_after)


def _kind(status: int | None, words: set[str], message: str) -> ErrorKind:
    # Wording is trusted only where a rate limit cannot be meant: OpenAI's rate-limit messages
    # link to the billing page and talk of tokens.
    client_side = status is None or (400 <= status < 500 and status not in (408, 409, 429))
    if status == 402 or words & _QUOTA_WORDS or (client_side and _QUOTA_WORDING.search(message)):
        return ErrorKind.QUOTA
    if status in (401, 403) or words & _AUTH_WORDS:
        return ErrorKind.AUTH
    if status == 413 or words & _CONTEXT_WORDS or (client_side and _CONTEXT_WORDING.search(message)):
        return ErrorKind.CONTEXT_TOO_LONG
    if status == 529 or words & _OVERLOADED_WORDS or _OVERLOADED_WORDING.search(message):
        return ErrorKind.OVERLOADED
    if status in (409, 429) or words & _RATE_WORDS:
        return ErrorKind.RATE_LIMIT
    if status == 408 or words & _TIMEOUT_WORDS:
        return ErrorKind.TIMEOUT
    if status is None or status >= 500:
        return ErrorKind.SERVER
    return ErrorKind.BAD_REQUEST


def _sentence(kind: ErrorKind, status: int | None, retry_after: float | None, provider: str | None, key_name: str | None) -> str:
    where = f"HTTP {status}" if status else "reported mid-stream"
    if kind is ErrorKind.AUTH:
        command = f"`bytechat keys set {key_name}`" if key_name else "`bytechat keys set <provider>`"
        return f"the API key was refused ({where}); replace it with {command}"
    if kind is ErrorKind.QUOTA:
        page = _BILLING_PAGES.get(provider or "", "the provider's billing page")
        return f"out of credit or over quota ({where}); check billing at {page}"
    if kind is ErrorKind.RATE_LIMIT:
        wait = f"wait {math.ceil(retry_after)} s" if retry_after else "wait a minute"
        return f"rate limited ({where}); {wait} and ask again, or ask another bot"
    if kind is ErrorKind.OVERLOADED:
        return f"the provider is overloaded ({where}); ask again shortly, or ask another bot"
    if kind is ErrorKind.TIMEOUT:
        return f"the provider timed out ({where}); ask again, or ask another bot"
    if kind is ErrorKind.CONTEXT_TOO_LONG:
        return (
            f"the conversation is too long for this model ({where}); start a new conversation, shorten the "
            "message, or ask a bot with a larger context window"
        )
    if kind is ErrorKind.SERVER:
        return f"the provider failed ({where}); ask again, or ask another bot if it keeps failing"
    return f"the provider rejected the request ({where}); check the bot's model and base_url in the config"


def _quote(message: str, secrets: tuple[str, ...]) -> str:
    text = " ".join(scrub(_ECHOED_KEY.sub(r"\1[key]", message), *secrets).split())
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 1].rstrip() + "…"
