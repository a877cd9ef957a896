"""When to try a failed request again, and how long to wait first: the official SDKs' policy.

The OpenAI and Anthropic Python SDKs agree: retry connection errors, timeouts, 408, 409, 429 and
5xx; let the server overrule that with `x-should-retry`; wait what it asks (`retry-after-ms`,
`retry-after` in seconds or as an HTTP date) when that is between 0 and 60 seconds, else
0.5·2ⁿ seconds capped at 8, shortened by up to a quarter at random so that clients that failed
together do not retry together. On top of that we never retry what only the user can fix (a key,
a bill, a request that is wrong or too long), whatever the server says.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass

from bytechat_tui.providers.errors import ErrorKind, ProviderError

MAX_HONOURED_WAIT = 60.0
"""A server's requested wait longer than this is ignored for our own backoff (as the SDKs do):
nobody wants a chat reply to sit silent for minutes; failing over serves them better."""

NEVER_RETRIED = frozenset({ErrorKind.QUOTA, ErrorKind.AUTH, ErrorKind.BAD_REQUEST, ErrorKind.CONTEXT_TOO_LONG})

_REASONS = {
    ErrorKind.RATE_LIMIT: "rate limited",
    ErrorKind.OVERLOADED: "overloaded",
    ErrorKind.TIMEOUT: "timed out",
    ErrorKind.CONNECTION: "connection failed",
}

_DURATION = re.compile(r"\s*(\d+(?:\.\d*)?)s\s*")


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_retries: int = 2
    base_delay: float = 0.5
    max_delay: float = 8.0
    jitter: float = 0.25
    """The largest fraction by which a computed backoff is shortened at random."""

    def should_retry(self, error: ProviderError, headers: Mapping[str, str] | None) -> bool:
        if error.kind in NEVER_RETRIED:
            return False
        verdict = _lower(headers or {}).get("x-should-retry", "").strip().lower()
        if verdict in ("true", "false"):
            return verdict == "true"
        return error.retryable

    def delay(self, attempt: int, headers: Mapping[str, str] | None, error: ProviderError) -> float:
        """Seconds to wait before retry number `attempt` (1 for the first retry)."""
        asked = requested_wait(headers) if headers else None
        if asked is None:
            asked = error.retry_after
        if asked is not None and 0 < asked <= MAX_HONOURED_WAIT:
            return asked
        backoff = min(self.base_delay * 2 ** (attempt - 1), self.max_delay)
        return backoff * (1 - self.jitter * random.random())


def requested_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds the server asked us to wait, from `retry-after-ms` or `retry-after`; None if it did not say."""
    headers = _lower(headers)
    milliseconds = headers.get("retry-after-ms")
    if milliseconds is not None:
        try:
            return float(milliseconds) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        pass
    # Imported here: the email package is a few ms of everyone's start-up, for a rare header form.
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()


def duration_seconds(text: str) -> float | None:
    """A protobuf JSON duration ("34.4s", Gemini's `RetryInfo.retryDelay`) in seconds."""
    match = _DURATION.fullmatch(text)
    return float(match.group(1)) if match else None


def _lower(headers: Mapping[str, str]) -> dict[str, str]:
    """HTTP header names are case-insensitive; a plain dict's lookups are not."""
    return {name.lower(): value for name, value in headers.items()}


def retry_reason(error: ProviderError) -> str:
    """A short phrase for the status line while waiting: "rate limited", "HTTP 503"."""
    if error.kind in _REASONS:
        return _REASONS[error.kind]
    return f"HTTP {error.status}" if error.status else "provider error"
