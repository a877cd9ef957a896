"""The retry policy: the server's requested wait when it gives one, else capped exponential backoff."""

from __future__ import annotations

import time
from email.utils import formatdate

import httpx
import pytest

from bytechat_tui.providers.errors import ErrorKind, ProviderError
from bytechat_tui.providers.retry import RetryPolicy, requested_wait, retry_reason

RATE_LIMITED = ProviderError(ErrorKind.RATE_LIMIT, "rate limited", status=429)
NO_JITTER = RetryPolicy(jitter=0.0)


def test_retry_after_ms_wins_over_retry_after() -> None:
    headers = httpx.Headers({"Retry-After-Ms": "1500", "Retry-After": "7"})
    assert requested_wait(headers) == 1.5
    assert NO_JITTER.delay(1, headers, RATE_LIMITED) == 1.5


def test_retry_after_in_seconds() -> None:
    assert NO_JITTER.delay(1, {"retry-after": "3"}, RATE_LIMITED) == 3.0
    assert NO_JITTER.delay(1, {"Retry-After": "0.25"}, RATE_LIMITED) == 0.25


def test_retry_after_as_an_http_date() -> None:
    in_twenty_seconds = formatdate(time.time() + 20, usegmt=True)
    wait = NO_JITTER.delay(1, {"retry-after": in_twenty_seconds}, RATE_LIMITED)
    # An HTTP date has whole seconds, and a little time passes between formatting and parsing.
    assert 18 <= wait <= 20


def test_a_date_in_the_past_or_a_wait_too_long_falls_back_to_backoff() -> None:
    past = formatdate(time.time() - 30, usegmt=True)
    assert NO_JITTER.delay(1, {"retry-after": past}, RATE_LIMITED) == 0.5
    assert NO_JITTER.delay(1, {"retry-after": "3600"}, RATE_LIMITED) == 0.5
    assert NO_JITTER.delay(1, {"retry-after": "soon"}, RATE_LIMITED) == 0.5


def test_the_error_s_own_retry_after_is_used_when_headers_say_nothing() -> None:
    gemini = ProviderError(ErrorKind.RATE_LIMIT, "rate limited", status=429, retry_after=34.4)
    assert NO_JITTER.delay(1, {}, gemini) == 34.4
    assert NO_JITTER.delay(1, None, gemini) == 34.4
    assert NO_JITTER.delay(1, {"retry-after-ms": "200"}, gemini) == 0.2


def test_backoff_doubles_and_is_capped() -> None:
    delays = [NO_JITTER.delay(attempt, {}, RATE_LIMITED) for attempt in range(1, 8)]
    assert delays == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
    assert RetryPolicy(base_delay=0.01, max_delay=0.03, jitter=0.0).delay(3, None, RATE_LIMITED) == 0.03


def test_jitter_only_shortens_the_backoff_by_at_most_its_fraction() -> None:
    policy = RetryPolicy(base_delay=1.0, jitter=0.25)
    delays = {policy.delay(1, None, RATE_LIMITED) for _ in range(200)}
    assert all(0.75 <= delay <= 1.0 for delay in delays)
    assert len(delays) > 1, "jitter must spread clients that failed together"


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        (ErrorKind.RATE_LIMIT, True),
        (ErrorKind.OVERLOADED, True),
        (ErrorKind.SERVER, True),
        (ErrorKind.TIMEOUT, True),
        (ErrorKind.CONNECTION, True),
        (ErrorKind.QUOTA, False),
        (ErrorKind.AUTH, False),
        (ErrorKind.BAD_REQUEST, False),
        (ErrorKind.CONTEXT_TOO_LONG, False),
        (ErrorKind.PROTOCOL, False),
    ],
)
def test_what_is_retried_without_a_server_verdict(kind: ErrorKind, expected: bool) -> None:
    assert RetryPolicy().should_retry(ProviderError(kind, "x"), {}) is expected


def test_x_should_retry_overrules_the_status() -> None:
    policy = RetryPolicy()
    assert policy.should_retry(RATE_LIMITED, {"x-should-retry": "false"}) is False
    assert policy.should_retry(ProviderError(ErrorKind.PROTOCOL, "x"), httpx.Headers({"X-Should-Retry": "true"}))
    assert policy.should_retry(RATE_LIMITED, {"x-should-retry": "maybe"}) is True


@pytest.mark.parametrize("kind", [ErrorKind.QUOTA, ErrorKind.AUTH, ErrorKind.BAD_REQUEST, ErrorKind.CONTEXT_TOO_LONG])
def test_what_only_the_user_can_fix_is_never_retried_even_if_the_server_says_so(kind: ErrorKind) -> None:
    assert RetryPolicy().should_retry(ProviderError(kind, "x"), {"x-should-retry": "true"}) is False


def test_the_reason_shown_while_waiting() -> None:
    assert retry_reason(RATE_LIMITED) == "rate limited"
    assert retry_reason(ProviderError(ErrorKind.OVERLOADED, "x", status=529)) == "overloaded"
    assert retry_reason(ProviderError(ErrorKind.SERVER, "x", status=503)) == "HTTP 503"
