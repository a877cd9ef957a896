"""Every request body our protocol modules build validates against the provider's official OpenAPI spec.

Stoplight Prism mocks each spec of `../shared/specs/` on loopback and answers 422, naming the
failing field, to a request the spec does not allow; a body that passes gets the spec's example
(Prism cannot stream, so only the request is checked here; streams are proven elsewhere against
recordings and the real llama.cpp server). The request is the one `build_request` returns: its
URL (mapped from the spec's `servers` URL onto Prism's), its headers (auth, `anthropic-version`)
and its body, `"stream": true` included.

Gemini is not covered: `../shared/specs/` holds no Gemini spec (Google publishes a discovery
document, not an OpenAPI one), so `gemini.build_request` is checked only by the recorded-stream tests.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from types import ModuleType

import httpx
import pytest
from conftest import require_system, shared_path
from peers import PRISM_MISSING, prism_mock, prism_program

from bytechat_tui.pricing.catalog import Prices
from bytechat_tui.providers import anthropic_messages, ollama, openai_chat
from bytechat_tui.providers.events import ChatRequest, Message
from bytechat_tui.room import Bot
from bytechat_tui.vendors import VENDORS

KEY = "test-key-1"
"""Sent to every spec: the OpenAI one demands a bearer token (a local endpoint or an Ollama behind
a proxy may have one too), and a key must never change the body."""

SPEC_OF = {
    openai_chat: ("openai-chat.yaml", "https://api.openai.com/v1"),
    anthropic_messages: ("anthropic-messages.yaml", "https://api.anthropic.com"),
    ollama: ("ollama.yaml", "http://localhost:11434"),
}
"""The spec each module is held to, and that spec's `servers` URL: its paths are relative to it
(OpenAI's has no `/v1` in its paths, Anthropic's has), so a request built for a bot whose base URL
is that server URL maps onto Prism by swapping the base."""

MODEL_OF = {openai_chat: "gpt-5-mini", anthropic_messages: "claude-haiku-4-5", ollama: "qwen3"}

HISTORY = (
    Message("user", "What is the capital of France?"),
    Message("assistant", "Paris."),
    Message("user", "And of Italy?"),
)
REQUESTS = {
    "bare": ChatRequest(messages=(Message("user", "Hello"),)),
    "system": ChatRequest(messages=(Message("user", "Hello"),), system="Answer in one sentence."),
    "history": ChatRequest(messages=HISTORY),
    "max_tokens": ChatRequest(messages=(Message("user", "Hello"),), max_tokens=256),
    "temperature": ChatRequest(messages=(Message("user", "Hello"),), temperature=0.7),
    "everything": ChatRequest(messages=HISTORY, system="Be terse.", max_tokens=64, temperature=0.0),
}

PROVIDERS_OF = {
    # Every OpenAI-compatible vendor gets an OpenAI body: each must be one OpenAI's spec accepts.
    openai_chat: sorted(name for name, vendor in VENDORS.items() if vendor.protocol == "openai"),
    anthropic_messages: ["anthropic"],
    ollama: ["ollama"],
}

CASES = [
    pytest.param(module, provider, request, id=f"{provider}-{name}")
    for module, providers in PROVIDERS_OF.items()
    for provider in providers
    for name, request in REQUESTS.items()
]


@pytest.fixture(scope="module")
def prism(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], str]]:
    """`prism(spec_file)`: the URL of a Prism mock of that spec, started on first use."""
    executable = prism_program()
    if executable is None:
        require_system(PRISM_MISSING)
    logs = tmp_path_factory.mktemp("prism")
    started: dict[str, str] = {}
    with ExitStack() as stack:

        def url(spec: str) -> str:
            if spec not in started:
                started[spec] = stack.enter_context(prism_mock(executable, shared_path(f"specs/{spec}"), logs / f"{spec}.log"))
            return started[spec]

        yield url


def bot_for(module: ModuleType, provider: str) -> Bot:
    _, server = SPEC_OF[module]
    return Bot(
        name="probe",
        provider=provider,
        model=MODEL_OF[module],
        prices=Prices(input=1.0, output=2.0),
        context_window=128_000,
        max_output=1024,
        tier=2,
        tags=frozenset(),
        base_url=server,
    )


def send(prism_url: str, server: str, url: str, headers: dict[str, str], body: object) -> httpx.Response:
    assert url.startswith(server + "/"), f"{url} is not under the bot's base URL {server}"
    # Prism cannot produce an event stream and would refuse `Accept: text/event-stream` before
    # validating anything; what is under test is the body, so ask for the JSON example instead.
    sent_headers = {name: value for name, value in headers.items() if name.lower() != "accept"}
    return httpx.post(prism_url + url.removeprefix(server), headers=sent_headers, json=body, timeout=30)


def violations(response: httpx.Response) -> str:
    """What Prism says is wrong: its `sl-violations` header and the `validation` list of its body."""
    found = [response.headers.get("sl-violations", "")]
    try:
        found.append(json.dumps(response.json().get("validation", ""), indent=1))
    except ValueError:
        found.append(response.text[:2000])
    return "\n".join(part for part in found if part and part != '""')


@pytest.mark.parametrize(("module", "provider", "request_"), CASES)
def test_the_request_validates_against_the_official_spec(
    prism: Callable[[str], str], module: ModuleType, provider: str, request_: ChatRequest
) -> None:
    spec, server = SPEC_OF[module]
    built = module.build_request(bot_for(module, provider), KEY, request_)
    assert built.json.get("stream") is True, "a chat request must ask for a stream"

    response = send(prism(spec), server, built.url, built.headers, built.json)

    assert response.status_code != 422, (
        f"{spec} rejects the {provider} request {json.dumps(built.json)}:\n{violations(response)}"
    )
    assert response.status_code == 200, f"Prism answered {response.status_code} to {built.url}: {response.text[:500]}"


@pytest.mark.parametrize("module", list(SPEC_OF), ids=lambda module: module.__name__.rsplit(".", 1)[-1])
def test_prism_does_reject_a_body_the_spec_forbids(prism: Callable[[str], str], module: ModuleType) -> None:
    """Without this, a Prism that validates nothing (as it silently does for a spec with a
    `nullable` it cannot read) would make every test above pass."""
    spec, server = SPEC_OF[module]
    provider = PROVIDERS_OF[module][0]
    built = module.build_request(bot_for(module, provider), KEY, REQUESTS["bare"])
    broken = {**built.json, "messages": "not a list"}

    response = send(prism(spec), server, built.url, built.headers, broken)

    assert response.status_code == 422, f"{spec}: Prism answered {response.status_code} to a body with no valid messages"
    assert "messages" in violations(response)
