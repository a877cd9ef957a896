"""The session's one HTTP client: made once, by whichever thread asks first, closed at the end."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from bytechat_tui.providers.shared_client import SharedClient


def test_every_thread_gets_the_same_client() -> None:
    shared = SharedClient()
    with ThreadPoolExecutor(max_workers=8) as pool:
        clients = list(pool.map(lambda _: shared.get(), range(32)))
    assert all(client is clients[0] for client in clients)
    asyncio.run(shared.aclose())
    assert clients[0].is_closed


def test_closing_before_any_use_makes_nothing_and_a_later_get_makes_a_new_client() -> None:
    shared = SharedClient()
    asyncio.run(shared.aclose())
    first = shared.get()
    asyncio.run(shared.aclose())
    second = shared.get()
    asyncio.run(shared.aclose())
    assert first.is_closed and second is not first and second.is_closed
