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
