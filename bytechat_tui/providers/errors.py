"""Typed provider failures, each carrying one sentence a person can act on.

The kind decides what happens next: whether the client retries, and whether the room fails over to
the next cheapest capable bot (a bot that is down) or stops and names the fix (a key or a bill).
A message never contains a key: request headers are never formatted into it, and provider error
bodies are passed through `scrub` before they are quoted.
"""

from __future__ import annotations

import re
from enum import Enum


class ErrorKind(Enum):
    AUTH = "auth"
    """401/403: wrong, revoked or missing key."""
    QUOTA = "quota"
    """402, `insufficient_quota`, billing: retrying does not help."""
    RATE_LIMIT = "rate_limit"
    OVERLOADED = "overloaded"
    """529, Anthropic `overloaded_error`, 503 "overloaded"."""
    SERVER = "server"
    """Other 5xx, or an error event inside a 200 stream."""
    TIMEOUT = "timeout"
    """Connect timeout, or a stream that stalled for longer than the read timeout."""
    CONNECTION = "connection"
    """Refused, reset, DNS failure, TLS failure."""
    CONTEXT_TOO_LONG = "context_too_long"
    BAD_REQUEST = "bad_request"
    """Any other 4xx: our request or the bot's config is wrong (unknown model, bad base_url)."""
    PROTOCOL = "protocol"
    """The reply could not be understood: not the provider's format, invalid UTF-8 beyond repair."""
    INSECURE = "insecure"
    """Plain http:// to a public host without the user's explicit permission."""


RETRYABLE = frozenset({ErrorKind.RATE_LIMIT, ErrorKind.OVERLOADED, ErrorKind.SERVER, ErrorKind.TIMEOUT, ErrorKind.CONNECTION})
"""Kinds the client retries (before any text arrived), as the official SDKs do."""

FAILOVER = frozenset({ErrorKind.OVERLOADED, ErrorKind.SERVER, ErrorKind.TIMEOUT, ErrorKind.CONNECTION, ErrorKind.RATE_LIMIT})
"""Kinds after which the room asks the next cheapest capable bot. Auth and quota are never here:
moving on silently would hide a problem only the user can fix."""


class ProviderError(Exception):
    """A request to a bot failed; `str()` is the sentence shown to a person."""

    def __init__(
        self,
        kind: ErrorKind,
        message: str,
        *,
        bot: str | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.bot = bot
        self.status = status
        self.retry_after = retry_after
        """Seconds the provider asked us to wait, when it said."""

    @property
    def retryable(self) -> bool:
        return self.kind in RETRYABLE

    @property
    def fails_over(self) -> bool:
        return self.kind in FAILOVER

    def scrubbed(self, *secrets: str) -> ProviderError:
        """This error with the given secrets masked out of its sentence."""
        self.message = scrub(self.message, *secrets)
        self.args = (self.message,)
        return self

    def __str__(self) -> str:
        return f"{self.bot}: {self.message}" if self.bot else self.message


_KEY_SHAPES = re.compile(r"(sk-[A-Za-z0-9_-]{8,}|AIza[0-9A-Za-z_-]{20,}|xai-[A-Za-z0-9]{16,}|gsk_[A-Za-z0-9]{16,}|[A-Za-z0-9_-]{32,})")


def scrub(text: str, *secrets: str) -> str:
    """`text` (a provider's error body) with the given secrets and anything key-shaped masked.

    Providers echo part of a wrong key in their 401 bodies ("Incorrect API key provided: sk-...").
    """
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[key]")
    return _KEY_SHAPES.sub("[key]", text)
