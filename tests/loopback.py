"""A real HTTP/1.1 server on 127.0.0.1 that replays scripted replies, for every provider test.

Provider clients are tested against real sockets, not by patching httpx: what is proven is what the
client does with bytes as a provider sends them — chunk boundaries, pauses, resets, stalls. The
server runs an asyncio loop in a daemon thread, so a test may drive the client with `asyncio.run`
while the server answers on its own loop.

Framing of a reply: a `content-length` header given by the test is used as is (the body is written
raw); `connection: close` without a length writes the body raw and closes (EOF ends the body); a
body of exactly one `bytes` item gets a `content-length`; anything else is sent chunked, one HTTP
chunk per `bytes` item, the way streaming providers send SSE.

`server.bot(provider)` is a bot whose requests go to the server; `collect(stream_events(...))`
gathers what a stream yielded and the error that ended it, for asserting on the partial answer.
"""

from __future__ import annotations

import asyncio
import http
import json
import socket
import struct
import threading
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from bytechat_tui.pricing.catalog import Prices
from bytechat_tui.providers.errors import ProviderError
from bytechat_tui.providers.events import Event, Retrying, TextDelta
from bytechat_tui.room import Bot
from bytechat_tui.vendors import VENDORS


@dataclass
class Pause:
    """Sleep between chunks (ends early if the client goes away)."""

    seconds: float


class Reset:
    """Abort the TCP connection here with an RST, as a crashed proxy or server does."""


class Stall:
    """Stop writing and keep the socket open until the client goes away (read-timeout tests)."""


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: list[bytes | Pause | Reset | Stall] = field(default_factory=list)


@dataclass
class RecordedRequest:
    method: str
    path: str
    """With the query string, exactly as the client sent it."""
    headers: dict[str, str]
    """Lower-case names."""
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


_API_ROOTS = {"openai": "/v1", "anthropic": "", "gemini": "/v1beta", "ollama": ""}
"""Where each protocol's base URL ends, as the vendors' default base URLs do."""

NOTHING_QUEUED = Reply(500, {"content-type": "text/plain"}, [b"nothing queued"])


class _Connection:
    def __init__(self) -> None:
        self.closed = threading.Event()
        self.pushed_back = b""
        """A byte the disconnect watcher read that belongs to the next request."""


class LoopbackServer:
    """Context manager: `with LoopbackServer() as server: server.queue(Reply(...)); ... server.url`."""

    def __init__(self) -> None:
        self.url = ""
        self.requests: list[RecordedRequest] = []
        self._replies: list[Reply] = []
        self._lock = threading.Lock()
        self._latest: _Connection | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._thread: threading.Thread | None = None

    def queue(self, *replies: Reply) -> None:
        """Replies served in order, one per request; when none is left the server answers 500."""
        with self._lock:
            self._replies.extend(replies)

    def bot(self, provider: str, **changes: Any) -> Bot:
        """A bot of `provider` whose base_url is this server."""
        base_url = self.url + _API_ROOTS[VENDORS[provider].protocol]
        bot = Bot("test-bot", provider, "test-model", Prices(1.0, 2.0), 8192, 1024, 1, frozenset(), base_url=base_url)
        return replace(bot, **changes)

    def client_disconnected(self, timeout: float) -> bool:
        """True once the client has closed the connection that carried the latest request."""
        connection = self._latest
        return connection is not None and connection.closed.wait(timeout)

    def __enter__(self) -> LoopbackServer:
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), name="loopback-server", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("the loopback server did not start")
        return self

    def __exit__(self, *exc_info: object) -> None:
        loop = self._loop
        if loop is not None and self._thread is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(10)
            loop.call_soon_threadsafe(loop.stop)
            self._thread.join(10)

    def _run(self, started: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        self._server = loop.run_until_complete(asyncio.start_server(self._serve, "127.0.0.1", 0))
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        started.set()
        loop.run_forever()
        loop.close()

    async def _shutdown(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        connection = _Connection()
        try:
            while True:
                request = await _read_request(reader, connection)
                if request is None:
                    break
                self._latest = connection
                with self._lock:
                    self.requests.append(request)
                    reply = self._replies.pop(0) if self._replies else NOTHING_QUEUED
                if not await self._reply(reply, reader, writer, connection):
                    break
                if request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError):
            pass
        except asyncio.CancelledError:
            # Shutdown cancels open connections; ending quietly keeps asyncio from logging each one.
            pass
        finally:
            connection.closed.set()
            writer.close()
            self._tasks.discard(task)

    async def _reply(
        self, reply: Reply, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, connection: _Connection
    ) -> bool:
        """Write one reply; False when the connection is finished (reset, stalled, closed, gone)."""
        headers = {name.lower(): value for name, value in reply.headers.items()}
        closes = headers.get("connection", "").lower() == "close"
        pieces = [item for item in reply.body if isinstance(item, bytes)]
        chunked = False
        if "content-length" not in headers and not closes:
            if len(reply.body) == 1 and len(pieces) == 1:
                headers["content-length"] = str(len(pieces[0]))
            else:
                headers["transfer-encoding"] = "chunked"
                chunked = True
        try:
            phrase = http.HTTPStatus(reply.status).phrase
        except ValueError:
            phrase = "Unknown"
        head = f"HTTP/1.1 {reply.status} {phrase}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        writer.write(head.encode("latin-1") + b"\r\n")
        # Watches for the client going away while the reply is written (a cancelled stream).
        gone = asyncio.ensure_future(reader.read(1))
        try:
            for item in reply.body:
                if gone.done():
                    return False
                if isinstance(item, bytes):
                    if chunked and item:
                        writer.write(b"%x\r\n%s\r\n" % (len(item), item))
                    elif not chunked:
                        writer.write(item)
                    await writer.drain()
                elif isinstance(item, Pause):
                    await asyncio.wait({gone}, timeout=item.seconds)
                elif isinstance(item, Reset):
                    _abort(writer)
                    return False
                else:
                    await asyncio.wait({gone})
                    return False
            if chunked:
                writer.write(b"0\r\n\r\n")
                await writer.drain()
            return not closes
        finally:
            if not gone.done():
                gone.cancel()
                await asyncio.wait({gone})
            if not gone.cancelled():
                if gone.exception() is None and gone.result():
                    connection.pushed_back = gone.result()
                else:
                    connection.closed.set()


def _abort(writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def _read_request(reader: asyncio.StreamReader, connection: _Connection) -> RecordedRequest | None:
    """The next request on the connection, or None when the client closed it."""
    try:
        head = connection.pushed_back + await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if not (connection.pushed_back + error.partial).strip():
            return None
        raise
    finally:
        connection.pushed_back = b""
    request_line, *header_lines = head.decode("latin-1").split("\r\n")
    method, path, _version = request_line.split(" ", 2)
    headers: dict[str, str] = {}
    for line in header_lines:
        if line:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            body += (await reader.readexactly(size + 2))[:size]
            if size == 0:
                break
    else:
        body = await reader.readexactly(int(headers.get("content-length", "0")))
    return RecordedRequest(method, path, headers, body)


def sse_body(
    payloads: Iterable[str | dict[str, Any]], *, event_names: Sequence[str] | str | None = None, done: bool = True
) -> bytes:
    """Payloads (lines of a `*.chunks.jsonl`, or dicts) wrapped as SSE `data:` events.

    `event_names` adds an `event:` line to each: a sequence gives one name per payload; a single
    string names the JSON field that holds it (`"type"` for Anthropic). `done` appends the
    `data: [DONE]` that OpenAI-style streams end with.
    """
    texts = [payload if isinstance(payload, str) else json.dumps(payload) for payload in payloads]
    if isinstance(event_names, str):
        names: list[str | None] = [json.loads(text)[event_names] for text in texts]
    elif event_names is not None:
        names = list(event_names)
        if len(names) != len(texts):
            raise ValueError(f"{len(names)} event names for {len(texts)} payloads")
    else:
        names = [None] * len(texts)
    events = [(f"event: {name}\n" if name else "") + f"data: {text.strip()}\n\n" for name, text in zip(names, texts)]
    if done:
        events.append("data: [DONE]\n\n")
    return "".join(events).encode()


@pytest.fixture
def loopback() -> Iterator[LoopbackServer]:
    """A started loopback server, stopped when the test ends."""
    with LoopbackServer() as server:
        yield server


@dataclass
class Collected:
    """What a stream yielded before it ended, and the error that ended it, if one did."""

    events: list[Event]
    error: ProviderError | None

    @property
    def text(self) -> str:
        return "".join(event.text for event in self.events if isinstance(event, TextDelta))

    @property
    def retries(self) -> list[Retrying]:
        return [event for event in self.events if isinstance(event, Retrying)]


async def collect(stream: AsyncIterator[Event]) -> Collected:
    events: list[Event] = []
    try:
        async for event in stream:
            events.append(event)
    except ProviderError as error:
        return Collected(events, error)
    return Collected(events, None)
