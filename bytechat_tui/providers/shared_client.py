"""One HTTP client for a whole session, made when it is first needed instead of at start.

Importing httpx and making an `AsyncClient` (which loads the system's CA certificates into a TLS
context) together cost over 100 ms: the chat app's first screen must not wait for them. The app asks
for the client from a thread once that screen is drawn, so the first message does not wait either;
whoever asks first makes it, under a lock, and everyone shares it (one connection pool, kept alive).
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx


class SharedClient:
    """`get()` the client (made on the first call, from any thread); `aclose()` once, at the end."""

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None
        self._lock = threading.Lock()

    def get(self) -> httpx.AsyncClient:
        with self._lock:
            if self._client is None:
                import httpx

                self._client = httpx.AsyncClient()
            return self._client

    async def aclose(self) -> None:
        with self._lock:
            client, self._client = self._client, None
        if client is not None:
            await client.aclose()
