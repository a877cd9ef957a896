"""What one request cost, in US dollars, from its token counts and the model's prices."""

from __future__ import annotations

import math

from bytechat_tui.pricing.catalog import Prices

TOKENS_PER_PRICE_UNIT = 1_000_000
"""Catalog prices are per million tokens."""


def request_cost(
    prices: Prices,
    input_tokens: int,
    output_tokens: int,
    cache_read_tokens: int = 0,
    cache_write_tokens: int = 0,
) -> float:
    """US dollars for one request.

    `input_tokens` are the uncached ones only: OpenAI, Gemini and xAI report a prompt count that
    includes cache reads, so their callers subtract those first (Anthropic's count already excludes
    them). Reasoning tokens belong in `output_tokens`. A prompt (input + cache reads + cache writes)
    above the long-context threshold moves the whole request, output included, to the long prices,
    as the vendors bill it.
    """
    prompt_tokens = input_tokens + cache_read_tokens + cache_write_tokens
    input_rate, output_rate, read_rate, write_rate = _rates(prices, prompt_tokens)
    dollars_per_million = (
        input_tokens * input_rate
        + output_tokens * output_rate
        + cache_read_tokens * read_rate
        + cache_write_tokens * write_rate
    )
    return dollars_per_million / TOKENS_PER_PRICE_UNIT


def _rates(prices: Prices, prompt_tokens: int) -> tuple[float, float, float, float]:
    """Input, output, cache-read and cache-write prices that apply to a prompt of this size.

    A long price the table does not give falls back to the standard one; a cache price it does not
    give falls back to the input price, since a provider that states none bills those tokens as input.
    """
    rates = (prices.input, prices.output, prices.cache_read, prices.cache_write)
    threshold = prices.long_context_threshold
    if threshold is not None and prompt_tokens > threshold:
        long_rates = (prices.input_long, prices.output_long, prices.cache_read_long, prices.cache_write_long)
        rates = tuple(standard if long is None else long for standard, long in zip(rates, long_rates))
    input_rate, output_rate, read_rate, write_rate = rates
    return (
        input_rate,
        output_rate,
        input_rate if read_rate is None else read_rate,
        input_rate if write_rate is None else write_rate,
    )


def usd(value: float) -> str:
    """Dollars as people read them: cents for sums from $1, else at least four decimals and two
    significant digits, so a $0.000012 answer does not show as a free one."""
    if value < 0:
        return "-" + usd(-value)
    if value == 0:
        return "$0"
    if value >= 1:
        return f"${value:,.2f}"
    decimals = max(4, 1 - math.floor(math.log10(value)))
    return f"${value:.{decimals}f}"
