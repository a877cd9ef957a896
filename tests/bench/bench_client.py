"""What our streaming client costs: time to first token beside bare httpx, parsing throughput, and
`bytechat ask` beside curl against the real llama.cpp server.

    python tests/bench/bench_client.py [--runs 200] [--events 200000] [--shared ../shared]

(a) One loopback server streams a recorded OpenAI answer; in the same run, alternately, our
    `stream_events` and bare httpx (reading bytes until the first non-empty `content`) request it
    over one shared connection pool. Medians of the time to the first text.
(b) `SseDecoder` + `openai_chat.Decoder` over a long stream made of the same recording's events,
    fed in 4 KiB chunks as a socket delivers them; beside `json.loads` of the same payloads alone.
(c) With the llama.cpp server installed (see tests/peers.py): wall time of `bytechat ask` (a whole
    process: start, route, stream, price) and of `curl` sending the same request body.
Figures, not tests.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

import httpx  # noqa: E402
from loopback import LoopbackServer, Reply  # noqa: E402
from peers import LLAMA_SERVER_MISSING, llama_server, llama_server_program  # noqa: E402

from bytechat_tui.pricing.catalog import Prices  # noqa: E402
from bytechat_tui.providers import openai_chat  # noqa: E402
from bytechat_tui.providers.client import stream_events  # noqa: E402
from bytechat_tui.providers.events import ChatRequest, Message, TextDelta  # noqa: E402
from bytechat_tui.providers.framing import SseDecoder  # noqa: E402
from bytechat_tui.room import Bot  # noqa: E402

RECORDING = "fixtures/openai/chat_parse_nothing.sse"
"""A real gpt-4o stream (role chunk, 40-odd content chunks, finish, usage, [DONE])."""
FIRST_TEXT = re.compile(rb'"content":"[^"]')
QUESTION = "What is the capital of France?"
ASK_TOKENS = 200
"""Answer length of the llama.cpp server in (c): `ask` sends no max_tokens, so the server's
default (`-n`) sets it for both clients."""


def local_bot(base_url: str) -> Bot:
    return Bot(
        name="local", provider="openai-compatible", model="tiny", prices=Prices(input=0.0, output=0.0),
        context_window=2048, max_output=256, tier=1, tags=frozenset(), base_url=base_url,
    )


def sse_events(stream: bytes) -> list[bytes]:
    """The events of a raw SSE body, each with its blank line."""
    return [event + b"\n\n" for event in stream.replace(b"\r\n", b"\n").split(b"\n\n") if event.strip()]


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1e3


async def time_to_first_token(recording: bytes, runs: int) -> tuple[list[float], list[float]]:
    """Seconds from sending the request to holding the first text, ours and bare httpx's."""
    events = sse_events(recording)
    ours: list[float] = []
    bare: list[float] = []
    with LoopbackServer() as server:
        bot = local_bot(f"{server.url}/v1")
        request = ChatRequest(messages=(Message("user", QUESTION),))
        built = openai_chat.build_request(bot, None, request)

        async def through_client(http: httpx.AsyncClient) -> float:
            start = time.perf_counter()
            first = 0.0
            async for event in stream_events(bot, None, request, http=http):
                if isinstance(event, TextDelta) and not first:
                    first = time.perf_counter() - start
            return first

        async def through_httpx(http: httpx.AsyncClient) -> float:
            start = time.perf_counter()
            first = 0.0
            async with http.stream(built.method, built.url, headers=built.headers, json=built.json) as response:
                async for chunk in response.aiter_bytes():
                    if not first and FIRST_TEXT.search(chunk):
                        first = time.perf_counter() - start
            return first

        async with httpx.AsyncClient() as http:
            for run in range(runs + 10):
                server.queue(Reply(200, {"content-type": "text/event-stream"}, list(events)))
                server.queue(Reply(200, {"content-type": "text/event-stream"}, list(events)))
                # Alternate who goes first, so neither always meets a warmer server.
                pair = [through_client, through_httpx] if run % 2 else [through_httpx, through_client]
                results = {measure: await measure(http) for measure in pair}
                if run >= 10:  # the first runs warm imports, the pool and the server
                    ours.append(results[through_client])
                    bare.append(results[through_httpx])
    return ours, bare


def synthetic_stream(recording: bytes, count: int) -> tuple[bytes, int]:
    """A stream of about `count` events: the recording's content events repeated between its
    opening role event and its finish, usage and [DONE]."""
    events = sse_events(recording)
    content = [event for event in events if FIRST_TEXT.search(event)]
    head, tail = events[: events.index(content[0])], events[events.index(content[-1]) + 1 :]
    body = [*head, *(content[i % len(content)] for i in range(count - len(head) - len(tail))), *tail]
    return b"".join(body), len(body)


def parse(stream: bytes, chunk_size: int) -> int:
    framing, decoder = SseDecoder(), openai_chat.Decoder()
    produced = 0
    for start in range(0, len(stream), chunk_size):
        for item in framing.feed(stream[start : start + chunk_size]):
            produced += len(decoder.feed(item))
    for item in framing.close():
        produced += len(decoder.feed(item))
    return produced + len(decoder.close())


def json_alone(payloads: list[bytes]) -> int:
    return sum(len(json.loads(payload)) for payload in payloads)


def best_of(function, argument, repeats: int = 5) -> float:  # type: ignore[no-untyped-def]
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function(argument)
        samples.append(time.perf_counter() - start)
    return min(samples)


def ask_against_llama(shared: Path, runs: int) -> None:
    executable = llama_server_program()
    curl = shutil.which("curl")
    if executable is None or curl is None:
        print(f"  skipped: {LLAMA_SERVER_MISSING if executable is None else 'curl is not installed'}")
        return
    bytechat = Path(sys.executable).with_name("bytechat")
    if not bytechat.exists():
        print(f"  skipped: {bytechat} does not exist (pip install -e . first)")
        return
    with tempfile.TemporaryDirectory(prefix="bench-client-") as scratch:
        root = Path(scratch)
        with llama_server(executable, shared / "peers/tiny.gguf", root / "llama.log", extra=("-n", str(ASK_TOKENS))) as server:
            (root / "config").mkdir()
            (root / "config/config.toml").write_text(
                'default_room = "bench"\n[rooms.bench]\nbots = ["local"]\n'
                f'[bots.local]\nprovider = "openai-compatible"\nmodel = "tiny"\nbase_url = "{server.url}/v1"\n'
                "tier = 1\nprice_in = 0.0\nprice_out = 0.0\n"
            )
            environment = {
                **os.environ,
                "BYTECHAT_CONFIG_DIR": str(root / "config"),
                "BYTECHAT_DATA_DIR": str(root / "data"),
                "BYTECHAT_OFFLINE": "1",
                "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
            }
            # The body `ask` sends: one user message, no system prompt, no max_tokens.
            request = ChatRequest(messages=(Message("user", QUESTION),))
            body = json.dumps(openai_chat.build_request(local_bot(f"{server.url}/v1"), None, request).json)
            commands = {
                "bytechat ask": [str(bytechat), "ask", "--bot", "local", QUESTION],
                "curl": [
                    curl, "-sSfN", f"{server.url}/v1/chat/completions", "-H", "content-type: application/json", "-d", body
                ],
            }
            times: dict[str, list[float]] = {name: [] for name in commands}
            for run in range(runs + 2):
                for name, argv in commands.items():
                    start = time.perf_counter()
                    subprocess.run(
                        argv, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True, timeout=120
                    )
                    if run >= 2:
                        times[name].append(time.perf_counter() - start)
            generated = server.metric("tokens_predicted_total") / (2 * (runs + 2))
    ask, fetch = median_ms(times["bytechat ask"]), median_ms(times["curl"])
    print(f"  answers of {generated:.0f} tokens, n={runs} each:")
    print(f"  bytechat ask       median {ask:8.1f} ms   (whole process: start, route, stream, price)")
    print(f"  curl               median {fetch:8.1f} ms")
    print(f"  difference {ask - fetch:+.1f} ms, ratio {ask / fetch:.2f}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("--runs", type=int, default=200, help="requests per client in (a)")
    parser.add_argument("--events", type=int, default=200_000, help="events in the stream of (b)")
    parser.add_argument("--ask-runs", type=int, default=10, help="processes per command in (c)")
    args = parser.parse_args()
    recording = (args.shared / RECORDING).read_bytes()

    ours, bare = asyncio.run(time_to_first_token(recording, args.runs))
    difference = [a - b for a, b in zip(ours, bare)]
    print(f"(a) time to first token, loopback, {RECORDING}, n={args.runs} each:")
    for name, samples in (("stream_events", ours), ("bare httpx", bare)):
        p90 = sorted(samples)[int(0.9 * len(samples))] * 1e3
        print(f"  {name:<18} median {median_ms(samples):8.3f} ms   p90 {p90:8.3f} ms")
    ratio = statistics.median(ours) / statistics.median(bare)
    print(f"  difference (paired) median {median_ms(difference):+.3f} ms, ratio of medians {ratio:.2f}")

    stream, events = synthetic_stream(recording, args.events)
    payloads = [event.removeprefix(b"data: ").strip() for event in sse_events(stream) if b"[DONE]" not in event]
    produced = parse(stream, 4096)
    seconds = best_of(lambda data: parse(data, 4096), stream)
    json_seconds = best_of(json_alone, payloads)
    print(f"(b) parsing {events:,} SSE events ({len(stream) / 1e6:.1f} MB, {produced:,} typed events out), best of 5:")
    print(f"  SseDecoder + openai_chat.Decoder  {events / seconds:12,.0f} events/s   {len(stream) / seconds / 1e6:6.1f} MB/s")
    print(f"  json.loads of the payloads alone  {events / json_seconds:12,.0f} events/s")
    print(f"  ratio (ours / json.loads alone): {seconds / json_seconds:.2f}")

    print("(c) bytechat ask vs curl against the llama.cpp server (tiny model):")
    ask_against_llama(args.shared, args.ask_runs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
