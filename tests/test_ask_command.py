"""`bytechat ask` run as a person runs it: a real process, a real config, real loopback bots."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from loopback import LoopbackServer, Reset, Stall, sse_body
from loopback import Reply as Served

from bytechat_tui.storage import History

REPO = Path(__file__).resolve().parents[1]
FAKE_KEY = "test-key-1"
SSE = {"content-type": "text/event-stream"}


def chunk(text: str | None = None, finish: str | None = None) -> dict[str, Any]:
    delta = {"content": text} if text is not None else {}
    choice = {"index": 0, "delta": delta, "finish_reason": finish}
    return {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [choice]}


def usage(prompt: int, completion: int) -> dict[str, Any]:
    totals = {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}
    return {"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "m", "choices": [], "usage": totals}


def answer(*texts: str, tokens: tuple[int, int] = (1000, 500)) -> Served:
    return Served(200, SSE, [sse_body([chunk(text) for text in texts] + [chunk(finish="stop"), usage(*tokens)])])


class Room:
    """Three bots on three loopback servers: cheap (OpenAI, needs OPENAI_API_KEY), mid and dear
    (OpenAI-compatible, no key); prices per million tokens 1/2, 2/8 and 10/40."""

    def __init__(self, cheap: LoopbackServer, mid: LoopbackServer, dear: LoopbackServer, config_dir: Path) -> None:
        self.cheap, self.mid, self.dear = cheap, mid, dear
        config_dir.mkdir(parents=True, exist_ok=True)
        (config_dir / "config.toml").write_text(
            'default_room = "main"\n'
            '[rooms.main]\nbots = ["cheap", "mid", "dear"]\n'
            f'[bots.cheap]\nprovider = "openai"\nmodel = "cheap-model"\nbase_url = "{cheap.url}/v1"\n'
            "tier = 2\nprice_in = 1.0\nprice_out = 2.0\n"
            f'[bots.mid]\nprovider = "openai-compatible"\nmodel = "mid-model"\nbase_url = "{mid.url}/v1"\n'
            "tier = 2\nprice_in = 2.0\nprice_out = 8.0\n"
            f'[bots.dear]\nprovider = "openai-compatible"\nmodel = "dear-model"\nbase_url = "{dear.url}/v1"\n'
            "tier = 3\nprice_in = 10.0\nprice_out = 40.0\n",
            encoding="utf-8",
        )

    def env(self, key: str | None = FAKE_KEY) -> dict[str, str]:
        env = dict(os.environ)  # the isolated config and data dirs of conftest
        # No keyring in the child either: keys come from the environment only.
        env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
        if key is not None:
            env["OPENAI_API_KEY"] = key
        return env


@pytest.fixture
def room() -> Iterator[Room]:
    with LoopbackServer() as cheap, LoopbackServer() as mid, LoopbackServer() as dear:
        yield Room(cheap, mid, dear, Path(os.environ["BYTECHAT_CONFIG_DIR"]))


def ask(
    room: Room, *argv: str, stdin: str | None = None, key: str | None = FAKE_KEY
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bytechat_tui", "ask", *argv],
        cwd=REPO,
        env=room.env(key),
        input=stdin if stdin is not None else "",
        capture_output=True,
        text=True,
        timeout=60,
    )


def sent_message(server: LoopbackServer) -> str:
    return server.requests[-1].json()["messages"][-1]["content"]


def test_the_answer_goes_to_stdout_and_one_summary_line_to_stderr(room: Room) -> None:
    room.cheap.queue(answer("Hello", " world"))
    result = ask(room, "Say", "hello")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "Hello world\n"
    assert sent_message(room.cheap) == "Say hello"
    assert room.cheap.requests[-1].headers["authorization"] == f"Bearer {FAKE_KEY}"
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    # 1000 in at $1/M + 500 out at $2/M; the priciest bot would have charged $0.03 for the same.
    assert lines[0] == "cheap · 1,000 → 500 tokens · $0.0020 · saved $0.0280 (93%) vs dear"


def test_json_prints_one_object_with_the_documented_keys(room: Room) -> None:
    room.cheap.queue(answer("Hi", " there", tokens=(1200, 80)))
    result = ask(room, "--json", "hi")

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert {"bot", "model", "text", "usage", "cost_usd", "saving_usd", "estimated", "error"} <= outcome.keys()
    assert (outcome["bot"], outcome["model"], outcome["text"]) == ("cheap", "cheap-model", "Hi there")
    assert outcome["usage"]["input_tokens"] == 1200 and outcome["usage"]["output_tokens"] == 80
    assert outcome["cost_usd"] == pytest.approx((1200 * 1 + 80 * 2) / 1e6)
    assert outcome["saving_usd"] == pytest.approx((1200 * 10 + 80 * 40) / 1e6 - outcome["cost_usd"])
    assert outcome["estimated"] is False and outcome["error"] is None
    assert result.stderr == ""


@pytest.mark.parametrize("argv", [[], ["-"]])
def test_the_message_can_be_piped_in(room: Room, argv: list[str]) -> None:
    room.cheap.queue(answer("ok"))
    question = "What does this print?\nprint(1 + 1)\n"
    result = ask(room, *argv, stdin=question)
    assert result.returncode == 0, result.stderr
    assert sent_message(room.cheap) == question and result.stdout == "ok\n"


@pytest.mark.parametrize("argv", [["--bot", "dear", "hi"], ["@dear", "hi"]])
def test_a_bot_can_be_chosen_by_name(room: Room, argv: list[str]) -> None:
    room.dear.queue(answer("from dear", tokens=(10, 3)))
    result = ask(room, *argv)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "from dear\n" and sent_message(room.dear) == "hi"
    assert room.cheap.requests == [] and "saved $0 (0%) vs dear" in result.stderr


def test_an_unknown_bot_is_a_clear_error(room: Room) -> None:
    result = ask(room, "--bot", "nope", "hi")
    assert result.returncode == 1 and "nope" in result.stderr and "cheap, mid, dear" in result.stderr


def test_a_refused_key_exits_non_zero_with_the_sentence_and_never_prints_the_key(room: Room) -> None:
    # Providers echo the refused key back; it must not reach the terminal.
    refused = {"message": f"Incorrect API key provided: {FAKE_KEY}.", "type": "invalid_request_error"}
    body = {"error": {**refused, "code": "invalid_api_key"}}
    for argv in (["hi"], ["--json", "hi"]):
        room.cheap.queue(Served(401, {"content-type": "application/json"}, [json.dumps(body).encode()]))
        result = ask(room, *argv)
        assert result.returncode == 1
        assert "bytechat: cheap: the API key was refused (HTTP 401)" in result.stderr
        assert "`bytechat keys set openai`" in result.stderr
        assert FAKE_KEY not in result.stdout + result.stderr
    assert json.loads(result.stdout)["error"].startswith("cheap: the API key was refused")
    assert room.mid.requests == [] and room.dear.requests == []


def test_a_missing_key_skips_the_bot_and_the_summary_says_so(room: Room) -> None:
    room.mid.queue(answer("from mid", tokens=(10, 3)))
    result = ask(room, "hi", key=None)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "from mid\n" and room.cheap.requests == []
    assert "cheap: no key (`bytechat keys set openai`) → answered by mid" in result.stderr

    forced = ask(room, "--bot", "cheap", "hi", key=None)
    assert forced.returncode == 1 and "`bytechat keys set openai` or set OPENAI_API_KEY" in forced.stderr


def test_an_overloaded_bot_fails_over_and_the_summary_says_so(room: Room) -> None:
    # x-should-retry: false makes the client give up at once, as the official SDKs let servers ask.
    overloaded = {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}
    headers = {"content-type": "application/json", "x-should-retry": "false"}
    room.cheap.queue(Served(529, headers, [json.dumps(overloaded).encode()]))
    room.mid.queue(answer("from mid", tokens=(10, 3)))
    result = ask(room, "hi")
    assert result.returncode == 0, result.stderr
    assert result.stdout == "from mid\n"
    assert result.stderr.rstrip().endswith("cheap: overloaded → answered by mid")


def test_a_cut_answer_is_printed_then_the_error_and_a_non_zero_exit(room: Room) -> None:
    room.cheap.queue(Served(200, SSE, [sse_body([chunk("Hel"), chunk("lo")], done=False), Reset()]))
    result = ask(room, "hi")
    assert result.returncode == 1
    assert result.stdout == "Hello\n"
    summary, error = result.stderr.splitlines()
    assert summary.startswith("cheap · ≈") and "cut off" in summary and "tokens estimated" in summary
    assert error.startswith("bytechat: cheap: the connection to 127.0.0.1 broke")
    assert room.mid.requests == []


def test_ctrl_c_stops_cleanly_keeping_what_was_printed(room: Room) -> None:
    room.cheap.queue(Served(200, SSE, [sse_body([chunk("Once upon a time")], done=False), Stall()]))
    process = subprocess.Popen(
        [sys.executable, "-m", "bytechat_tui", "ask", "tell me a story"],
        cwd=REPO,
        env=room.env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        assert process.stdout is not None
        seen = b""
        while b"Once upon a time" not in seen:  # streamed before the answer ended: it never ends
            piece = os.read(process.stdout.fileno(), 4096)
            assert piece, "the process ended before streaming the text"
            seen += piece
        process.send_signal(signal.SIGINT)
        rest, errors = process.communicate(timeout=30)
    finally:
        process.kill()
    assert process.returncode == 130
    assert (seen + rest).decode() == "Once upon a time\n"
    assert "bytechat: stopped" in errors.decode() and "Traceback" not in errors.decode()
    assert room.cheap.client_disconnected(timeout=10)
    # The history keeps it as a cut answer, stopped by the person rather than by a fault.
    with History.open() as history:
        _room, (exchange,) = history.load_conversation(history.conversations()[0].id)
    assert (exchange.text, exchange.answer, exchange.state.value) == ("tell me a story", "Once upon a time", "cut")
    assert exchange.reply is not None and exchange.reply.error is None


def test_room_demo_is_answered_offline_by_the_demo_server(room: Room) -> None:
    result = ask(room, "--room", "demo", "--json", "--no-history", "write a haiku about rain", key=None)

    assert result.returncode == 0, result.stderr
    outcome = json.loads(result.stdout)
    assert outcome["bot"] == "demo-lite" and outcome["error"] is None
    assert "Demo answer" in outcome["text"] and outcome["cost_usd"] > 0
    assert not (room.cheap.requests or room.mid.requests or room.dear.requests)
