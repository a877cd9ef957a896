"""The cost of a request: tokens times the prices that apply, by the vendors' billing rules."""

from __future__ import annotations

import pytest

from bytechat_tui.pricing.catalog import Prices, load_catalog
from bytechat_tui.pricing.cost import request_cost, usd

CACHED = Prices(input=4.0, output=20.0, cache_read=0.2, cache_write=5.0)
TIERED = Prices(
    input=2.0,
    output=10.0,
    cache_read=0.1,
    cache_write=2.5,
    long_context_threshold=272_000,
    input_long=4.0,
    output_long=15.0,
    cache_read_long=0.2,
    cache_write_long=5.0,
)


def test_input_and_output_are_billed_per_million_tokens() -> None:
    assert request_cost(CACHED, 1_000, 500) == pytest.approx(0.004 + 0.010)


def test_no_tokens_cost_nothing() -> None:
    assert request_cost(CACHED, 0, 0) == 0


def test_cache_reads_and_writes_are_billed_at_their_own_prices() -> None:
    cost = request_cost(CACHED, 1_000, 500, cache_read_tokens=2_000, cache_write_tokens=100)
    assert cost == pytest.approx((1_000 * 4.0 + 500 * 20.0 + 2_000 * 0.2 + 100 * 5.0) / 1e6)


def test_a_missing_cache_price_falls_back_to_the_input_price() -> None:
    plain = Prices(input=3.0, output=15.0)
    assert request_cost(plain, 0, 0, cache_read_tokens=1_000, cache_write_tokens=1_000) == pytest.approx(0.006)


def test_a_prompt_at_the_threshold_pays_standard_prices() -> None:
    cost = request_cost(TIERED, 272_000, 1_000)
    assert cost == pytest.approx((272_000 * 2.0 + 1_000 * 10.0) / 1e6)


def test_a_prompt_over_the_threshold_pays_long_prices_on_the_whole_request() -> None:
    cost = request_cost(TIERED, 272_001, 1_000)
    assert cost == pytest.approx((272_001 * 4.0 + 1_000 * 15.0) / 1e6)


def test_cached_tokens_count_towards_the_threshold() -> None:
    cost = request_cost(TIERED, 100_000, 1_000, cache_read_tokens=150_000, cache_write_tokens=30_000)
    expected = (100_000 * 4.0 + 1_000 * 15.0 + 150_000 * 0.2 + 30_000 * 5.0) / 1e6
    assert cost == pytest.approx(expected)


def test_a_missing_long_price_falls_back_to_the_standard_one() -> None:
    partial = Prices(input=1.0, output=2.0, cache_read=0.5, long_context_threshold=10, input_long=3.0)
    cost = request_cost(partial, 20, 10, cache_read_tokens=10)
    assert cost == pytest.approx((20 * 3.0 + 10 * 2.0 + 10 * 0.5) / 1e6)


def test_catalog_prices_give_the_vendor_bill() -> None:
    catalog = load_catalog()
    # Claude Opus 5.5: $4 in, $20 out, $0.20 cache read, $5 cache write per million tokens.
    opus = catalog.find("claude-opus-5-5").prices
    assert request_cost(opus, 10_000, 2_000, cache_read_tokens=50_000) == pytest.approx(0.04 + 0.04 + 0.01)
    # GPT-6.1 sol above 272k tokens: $4 in and $15 out.
    sol = catalog.find("gpt-6.1-sol").prices
    assert request_cost(sol, 300_000, 10_000) == pytest.approx(1.2 + 0.15)
    assert request_cost(catalog.find("llama3.1").prices, 5_000, 5_000) == 0


@pytest.mark.parametrize(
    ("dollars", "shown"),
    [(0.0, "$0"), (0.000016, "$0.000016"), (0.00081, "$0.00081"), (0.0123, "$0.0123"), (0.5, "$0.5000"), (1234.5, "$1,234.50"), (-0.0089, "-$0.0089")],
)
def test_small_sums_keep_two_significant_digits_and_large_ones_show_cents(dollars: float, shown: str) -> None:
    assert usd(dollars) == shown
