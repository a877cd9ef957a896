"""The bundled price and capability catalog.  INTERFACE ONLY — the loader is being written."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Prices:
    """US dollars per million tokens."""

    input: float
    output: float
    cache_read: float | None = None
    cache_write: float | None = None
    long_context_threshold: int | None = None
    """Prompt size (input tokens) above which the `*_long` prices apply to the whole request."""
    input_long: float | None = None
    output_long: float | None = None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    id: str
    """The model id sent to the provider, e.g. "gpt-5-mini"."""
    provider: str
    """A key of `bytechat_tui.vendors.VENDORS`."""
    prices: Prices
    context_window: int
    """Input tokens the model accepts."""
    max_output: int
    tier: int
    """Capability, 1 (small and fast) to 5 (frontier)."""
    tier_reason: str
    """One line saying why this tier (published standing, family position)."""
    tags: frozenset[str]
    """Subset of {"code", "vision", "reasoning", "long-context"}."""
