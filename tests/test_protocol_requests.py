"""The streaming request each protocol builds: URL, headers (the key only in its auth header), body."""

from __future__ import annotations

import json
from types import ModuleType

import pytest

from bytechat_tui.pricing.catalog import Prices
from bytechat_tui.providers import anthropic_messages, gemini, ollama, openai_chat
from bytechat_tui.providers.errors import ErrorKind, ProviderError
from bytechat_tui.providers.events import ChatRequest, Message
from bytechat_tui.providers.wire import HttpRequest, endpoint
from bytechat_tui.room import Bot

KEY = "test-key-1"

HISTORY = ChatRequest(
    messages=(
        Message("user", "What is 2+2?"),
        Message("assistant", "4."),
        Message("user", "And times 3?"),
    ),
    system="Answer briefly.",
    max_tokens=256,
    temperature=0.2,
)
BARE = ChatRequest(messages=(Message("user", "hi"),))


def bot(provider: str, model: str, base_url: str | None = None, max_output: int = 8192) -> Bot:
    return Bot(
        name="test-bot",
        provider=provider,
        model=model,
        prices=Prices(input=1.0, output=2.0),
        context_window=128_000,
        max_output=max_output,
        tier=3,
        tags=frozenset(),
        base_url=base_url,
    )


def assert_key_only_in(request: HttpRequest, header: str) -> None:
    assert KEY not in request.url
    assert KEY not in json.dumps(request.json)
    assert [name for name, value in request.headers.items() if KEY in value] == [header]


# OpenAI Chat Completions


def test_openai_request_with_system_history_and_limits() -> None:
    request = openai_chat.build_request(bot("openai", "gpt-5-mini"), KEY, HISTORY)
    assert request.method == "POST"
    assert request.url == "https://api.openai.com/v1/chat/completions"
    assert request.headers == {"Accept": "text/event-stream", "Authorization": "Bearer test-key-1"}
    assert_key_only_in(request, "Authorization")
    assert request.json == {
        "model": "gpt-5-mini",
        "messages": [
            {"role": "system", "content": "Answer briefly."},
            {"role": "user", "content": "What is 2+2?"},
            {"role": "assistant", "content": "4."},
            {"role": "user", "content": "And times 3?"},
        ],
        "stream": True,
        "stream_options": {"include_usage": True},
        # OpenAI's reasoning models refuse the legacy `max_tokens`
        # (fixtures/openai/vercel_chat_error_legacy_param.json).
        "max_completion_tokens": 256,
        "temperature": 0.2,
    }


def test_openai_request_without_system_or_limits() -> None:
    request = openai_chat.build_request(bot("openai", "gpt-5-mini"), KEY, BARE)
    assert request.json == {
        "model": "gpt-5-mini",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
        "stream_options": {"include_usage": True},
    }


@pytest.mark.parametrize(
    ("provider", "url"),
    [
        ("groq", "https://api.groq.com/openai/v1/chat/completions"),
        ("deepseek", "https://api.deepseek.com/chat/completions"),
        ("mistral", "https://api.mistral.ai/v1/chat/completions"),
        ("xai", "https://api.x.ai/v1/chat/completions"),
        ("openrouter", "https://openrouter.ai/api/v1/chat/completions"),
    ],
)
def test_compatible_vendors_get_their_url_and_max_tokens(provider: str, url: str) -> None:
    request = openai_chat.build_request(bot(provider, "some-model"), KEY, HISTORY)
    assert request.url == url
    assert request.json["max_tokens"] == 256
    assert "max_completion_tokens" not in request.json
    assert_key_only_in(request, "Authorization")


def test_openai_compatible_local_server_without_a_key_gets_no_auth_header() -> None:
    local = bot("openai-compatible", "tiny", base_url="http://127.0.0.1:8093/v1/")
    request = openai_chat.build_request(local, None, BARE)
    assert request.url == "http://127.0.0.1:8093/v1/chat/completions"
    assert request.headers == {"Accept": "text/event-stream"}


def test_a_bot_without_any_base_url_is_a_config_error_naming_the_fix() -> None:
    with pytest.raises(ProviderError) as caught:
        endpoint(bot("openai-compatible", "tiny"))
    assert caught.value.kind is ErrorKind.BAD_REQUEST
    assert "base_url" in str(caught.value)


# Anthropic Messages


def test_anthropic_request_with_system_history_and_limits() -> None:
    request = anthropic_messages.build_request(bot("anthropic", "claude-haiku-4-5"), KEY, HISTORY)
    assert request.url == "https://api.anthropic.com/v1/messages"
    assert request.headers == {
        "Accept": "text/event-stream",
        "anthropic-version": "2023-06-01",
        "x-api-key": "test-key-1",
    }
    assert_key_only_in(request, "x-api-key")
    assert request.json == {
        "model": "claude-haiku-4-5",
        "max_tokens": 256,
        "system": "Answer briefly.",
        "messages": [
            {"role": "user", "content": "What is 2+2?"},
            {"role": "assistant", "content": "4."},
            {"role": "user", "content": "And times 3?"},
        ],
        "stream": True,
        "temperature": 0.2,
    }


def test_anthropic_request_without_limit_uses_the_bots_max_output() -> None:
    request = anthropic_messages.build_request(bot("anthropic", "claude-haiku-4-5", max_output=4000), KEY, BARE)
    assert request.json == {
        "model": "claude-haiku-4-5",
        "max_tokens": 4000,
        "messages": [{"role": "user", "content": "hi"}],
        "stream": True,
    }


@pytest.mark.parametrize("base_url", ["http://127.0.0.1:8093", "http://127.0.0.1:8093/", "http://127.0.0.1:8093/v1"])
def test_anthropic_base_url_with_or_without_v1(base_url: str) -> None:
    request = anthropic_messages.build_request(bot("anthropic", "tiny", base_url=base_url), KEY, BARE)
    assert request.url == "http://127.0.0.1:8093/v1/messages"


# Gemini


def test_gemini_request_with_system_history_and_limits() -> None:
    request = gemini.build_request(bot("gemini", "gemini-2.5-flash"), KEY, HISTORY)
    assert request.url == (
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse"
    )
    assert "key=" not in request.url
    assert request.headers == {"Accept": "text/event-stream", "x-goog-api-key": "test-key-1"}
    assert_key_only_in(request, "x-goog-api-key")
    assert request.json == {
        "contents": [
            {"role": "user", "parts": [{"text": "What is 2+2?"}]},
            {"role": "model", "parts": [{"text": "4."}]},
            {"role": "user", "parts": [{"text": "And times 3?"}]},
        ],
        "systemInstruction": {"parts": [{"text": "Answer briefly."}]},
        "generationConfig": {"maxOutputTokens": 256, "temperature": 0.2},
    }


def test_gemini_request_without_system_or_limits() -> None:
    request = gemini.build_request(bot("gemini", "models/gemini-2.5-flash"), KEY, BARE)
    assert request.url.endswith("/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse")
    assert request.json == {"contents": [{"role": "user", "parts": [{"text": "hi"}]}]}


# Ollama


def test_ollama_request_with_system_history_and_limits() -> None:
    request = ollama.build_request(bot("ollama", "llama3.2"), None, HISTORY)
    assert request.url == "http://127.0.0.1:11434/api/chat"
    assert request.headers == {"Accept": "application/x-ndjson"}
    assert request.json == {
        "model": "llama3.2",
        "messages": [
            {"role": "system", "content": "Answer briefly."},
            {"role": "user", "content": "What is 2+2?"},
            {"role": "assistant", "content": "4."},
            {"role": "user", "content": "And times 3?"},
        ],
        "stream": True,
        "options": {"num_predict": 256, "temperature": 0.2},
    }


def test_ollama_request_without_system_or_limits() -> None:
    request = ollama.build_request(bot("ollama", "llama3.2"), None, BARE)
    assert request.json == {"model": "llama3.2", "messages": [{"role": "user", "content": "hi"}], "stream": True}


def test_ollama_behind_a_proxy_sends_its_key_as_a_bearer_token() -> None:
    request = ollama.build_request(bot("ollama", "llama3.2", base_url="https://ollama.example.org/v1"), KEY, BARE)
    assert request.url == "https://ollama.example.org/api/chat"
    assert_key_only_in(request, "Authorization")
    assert request.headers["Authorization"] == "Bearer test-key-1"


# Every protocol


@pytest.mark.parametrize(
    ("module", "framing"),
    [(openai_chat, "sse"), (anthropic_messages, "sse"), (gemini, "sse"), (ollama, "ndjson")],
)
def test_framing_declared_by_each_protocol(module: ModuleType, framing: str) -> None:
    assert module.FRAMING == framing
