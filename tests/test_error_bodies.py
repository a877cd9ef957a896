"""Error bodies as providers really send them, classified and turned into a sentence naming the fix."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import shared_path

from bytechat_tui.providers.error_bodies import error_from_payload, error_from_response
from bytechat_tui.providers.errors import ErrorKind, ProviderError

FAKE_KEY = "test-key-1"


def from_body(status: int, body: Any, headers: dict[str, str] | None = None, provider: str = "openai") -> ProviderError:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return error_from_response(status, headers or {}, raw, "bot-a", (FAKE_KEY,), provider=provider)


def assert_one_actionable_sentence(error: ProviderError) -> None:
    text = str(error)
    assert text.startswith("bot-a: ")
    assert "\n" not in text
    assert FAKE_KEY not in text
    assert ";" in error.message, "the sentence must go on to name a fix"


# Recorded bodies (../shared/fixtures)


def test_gemini_429_with_retry_info_is_a_rate_limit_with_the_requested_wait() -> None:
    body = shared_path("fixtures/google/vercel_google-429-retry-info.json").read_bytes()
    error = error_from_response(429, {}, body, "bot-a", (FAKE_KEY,), provider="gemini")
    # Gemini words a per-minute limit as "quota"; the RetryInfo says it passes: a rate limit.
    assert error.kind is ErrorKind.RATE_LIMIT
    assert error.retry_after == pytest.approx(34.4)
    assert error.status == 429
    assert "wait 35 s" in error.message
    assert "You exceeded your current quota" in error.message
    assert_one_actionable_sentence(error)


def test_openai_unsupported_parameter_is_a_bad_request_quoting_the_provider() -> None:
    body = shared_path("fixtures/openai/vercel_chat_error_legacy_param.json").read_bytes()
    error = error_from_response(400, {}, body, "bot-a", (FAKE_KEY,), provider="openai")
    assert error.kind is ErrorKind.BAD_REQUEST
    assert not error.retryable
    assert "Use 'max_completion_tokens' instead" in error.message
    assert "base_url" in error.message
    assert_one_actionable_sentence(error)


def test_anthropic_recorded_429s_are_rate_limits() -> None:
    exchanges = json.loads(shared_path("fixtures/anthropic/sdk_recorded_exchange_2x429_then_stream.json").read_text())
    refusals = [exchange["response"] for exchange in exchanges if exchange["response"]["status_code"] == 429]
    assert len(refusals) == 2
    for response in refusals:
        error = from_body(429, response["body"], response["headers"], provider="anthropic")
        assert error.kind is ErrorKind.RATE_LIMIT
        assert error.retryable and error.fails_over
        assert "exceed your organization's rate limit" in error.message
        assert_one_actionable_sentence(error)


def test_llamacpp_context_overflow_is_context_too_long() -> None:
    body = shared_path("fixtures/llamacpp/error_context_overflow.json").read_bytes()
    error = error_from_response(400, {}, body, "bot-a", (FAKE_KEY,))
    assert error.kind is ErrorKind.CONTEXT_TOO_LONG
    assert "exceeds the available context size" in error.message
    assert "new conversation" in error.message
    assert_one_actionable_sentence(error)


def test_openai_insufficient_quota_event_is_quota_although_worded_like_gemini_s_rate_limit() -> None:
    lines = shared_path("fixtures/openai/vercel_responses_error_insufficient_quota.chunks.jsonl").read_text().splitlines()
    payload = next(json.loads(line) for line in lines if json.loads(line)["type"] == "error")
    error = error_from_payload(payload, None, "bot-a", (FAKE_KEY,), provider="openai")
    assert error.kind is ErrorKind.QUOTA
    assert not error.retryable and not error.fails_over
    assert "platform.openai.com/settings/organization/billing" in error.message
    assert_one_actionable_sentence(error)


# Shapes from the providers' documentation


@pytest.mark.parametrize(
    ("status", "body", "kind"),
    [
        (429, {"error": {"message": "You exceeded your current quota, please check your plan and billing details.", "type": "insufficient_quota", "code": "insufficient_quota"}}, ErrorKind.QUOTA),
        (429, {"error": {"message": "Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000, Used 29000, Requested 2000. Add a payment method at https://platform.openai.com/account/billing to increase your rate limit.", "type": "tokens", "code": "rate_limit_exceeded"}}, ErrorKind.RATE_LIMIT),
        (400, {"error": {"message": "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.", "type": "invalid_request_error", "code": "context_length_exceeded"}}, ErrorKind.CONTEXT_TOO_LONG),
        (404, {"error": {"message": "The model `gpt-9` does not exist or you do not have access to it.", "type": "invalid_request_error", "code": "model_not_found"}}, ErrorKind.BAD_REQUEST),
        (500, {"error": {"message": "The server had an error while processing your request.", "type": "server_error"}}, ErrorKind.SERVER),
        (529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, ErrorKind.OVERLOADED),
        (401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}, ErrorKind.AUTH),
        (403, {"type": "error", "error": {"type": "permission_error", "message": "Your API key does not have permission to use the specified resource."}}, ErrorKind.AUTH),
        (400, {"type": "error", "error": {"type": "invalid_request_error", "message": "prompt is too long: 210000 tokens > 200000 maximum"}}, ErrorKind.CONTEXT_TOO_LONG),
        (400, {"type": "error", "error": {"type": "invalid_request_error", "message": "Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}}, ErrorKind.QUOTA),
        (413, {"type": "error", "error": {"type": "request_too_large", "message": "Request exceeds the maximum allowed number of bytes."}}, ErrorKind.CONTEXT_TOO_LONG),
        (400, {"error": {"code": 400, "message": "API key not valid. Please pass a valid API key.", "status": "INVALID_ARGUMENT", "details": [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID", "domain": "googleapis.com"}]}}, ErrorKind.AUTH),
        (503, {"error": {"code": 503, "message": "The model is overloaded. Please try again later.", "status": "UNAVAILABLE"}}, ErrorKind.OVERLOADED),
        (400, {"error": {"code": 400, "message": "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).", "status": "INVALID_ARGUMENT"}}, ErrorKind.CONTEXT_TOO_LONG),
        (404, {"error": "model 'llama9' not found, try pulling it first"}, ErrorKind.BAD_REQUEST),
        (500, {"error": "the model failed to generate a response"}, ErrorKind.SERVER),
        (402, {"error": {"message": "Insufficient Balance", "type": "unknown_error"}}, ErrorKind.QUOTA),
        (402, {"error": {"code": 402, "message": "Insufficient credits. Add more using https://openrouter.ai/settings/credits"}}, ErrorKind.QUOTA),
        (408, {"error": {"message": "Request timed out"}}, ErrorKind.TIMEOUT),
        (409, {"error": {"message": "Conflict"}}, ErrorKind.RATE_LIMIT),
        (502, b"upstream connect error or disconnect/reset before headers", ErrorKind.SERVER),
        (503, b"<html><head><title>503 Service Temporarily Unavailable</title></head></html>", ErrorKind.SERVER),
        (422, b"", ErrorKind.BAD_REQUEST),
    ],
)
def test_documented_error_shapes(status: int, body: Any, kind: ErrorKind) -> None:
    error = from_body(status, body)
    assert error.kind is kind
    assert error.status == status
    assert f"HTTP {status}" in error.message
    assert_one_actionable_sentence(error)


def test_html_pages_are_not_quoted_but_plain_text_is() -> None:
    assert "<html>" not in from_body(503, b"<html><body>down</body></html>").message
    assert '"upstream connect error"' in from_body(502, b"upstream connect error").message


def test_each_kind_names_its_own_fix() -> None:
    auth = error_from_response(401, {}, b"{}", "bot-a", (), provider="openai", key_name="work-openai")
    assert "`bytechat keys set work-openai`" in auth.message
    assert "console.anthropic.com/settings/billing" in from_body(402, {}, provider="anthropic").message
    assert "new conversation" in from_body(413, {}).message
    assert "ask another bot" in from_body(529, {}).message


def test_headers_give_the_requested_wait() -> None:
    error = from_body(429, {"error": {"message": "slow down"}}, {"Retry-After": "12"})
    assert error.retry_after == 12.0
    assert "wait 12 s" in error.message


# Errors inside a 200 stream (status None)


def test_error_events_inside_a_stream() -> None:
    anthropic = {"type": "error", "error": {"details": None, "type": "overloaded_error", "message": "Overloaded"}}
    assert error_from_payload(anthropic, None, "bot-a", ()).kind is ErrorKind.OVERLOADED
    ollama = {"error": "an error was encountered while running the model"}
    error = error_from_payload(ollama, None, "bot-a", ())
    assert error.kind is ErrorKind.SERVER
    assert error.status is None
    assert "mid-stream" in error.message
    openrouter = {"error": {"code": 502, "message": "Provider returned error"}}
    error = error_from_payload(openrouter, None, "bot-a", ())
    assert (error.kind, error.status) == (ErrorKind.SERVER, 502)


# Keys never reach the sentence


def test_a_refused_key_echoed_by_the_provider_is_scrubbed() -> None:
    body = {
        "error": {
            "message": f"Incorrect API key provided: {FAKE_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.",
            "type": "invalid_request_error",
            "code": "invalid_api_key",
        }
    }
    error = from_body(401, body)
    assert error.kind is ErrorKind.AUTH
    assert FAKE_KEY not in str(error)
    assert "Incorrect API key provided: [key]." in error.message
    assert "`bytechat keys set openai`" in error.message


def test_a_half_masked_echo_of_the_key_is_scrubbed_too() -> None:
    body = {"error": {"message": "Incorrect API key provided: test****ey-1. You can find your API key at https://platform.openai.com/account/api-keys.", "code": "invalid_api_key"}}
    error = error_from_response(401, {}, json.dumps(body).encode(), "bot-a", ())
    assert "ey-1" not in error.message
    assert "Incorrect API key provided: [key]." in error.message


def test_a_key_anywhere_in_a_body_is_scrubbed() -> None:
    body = f"proxy refused request with key={FAKE_KEY} for /v1/chat/completions".encode()
    error = from_body(403, body)
    assert FAKE_KEY not in str(error)
    assert "key=[key]" in error.message


def test_long_messages_are_cut_to_one_line() -> None:
    error = from_body(500, {"error": {"message": "line one\n\n" + "word " * 200}})
    assert "\n" not in error.message
    assert error.message.endswith('…")')
