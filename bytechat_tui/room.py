"""Bots and rooms as the router sees them.  INTERFACE — build functions are being written."""

from __future__ import annotations

from dataclasses import dataclass

from bytechat_tui.pricing.catalog import Prices


@dataclass(frozen=True, slots=True)
class Bot:
    """One model at one provider, with everything routing and pricing need resolved."""

    name: str
    """The config name, used for `@name` and shown in routing lines."""
    provider: str
    """A key of `bytechat_tui.vendors.VENDORS`."""
    model: str
    prices: Prices
    context_window: int
    max_output: int
    tier: int
    tags: frozenset[str]
    base_url: str | None = None
    key_name: str | None = None
    """The keyring entry / provider key to use; None means the provider's own."""
    enabled: bool = True


@dataclass(frozen=True, slots=True)
class Room:
    name: str
    bots: tuple[Bot, ...]
    failover: bool = True
    """When a bot fails after its retries, ask the next cheapest capable bot."""
    origin: str = "config"
    """"config" for a room of the user's config file, "default" for the one built from the catalog."""
