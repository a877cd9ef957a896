"""`bytechat` opens the chat, `--demo` and `--room` choose its room; the subcommands are untouched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import require_system
from tmux import Terminal, terminal, tmux_available

from bytechat_tui.cli import build_parser, main, opens_chat_only

REPO = Path(__file__).resolve().parents[1]
BYTECHAT = [sys.executable, "-m", "bytechat_tui"]

ROOMS_CONFIG = """\
default_room = "main"

[rooms.main]
bots = ["local"]

[rooms.work]
bots = ["local"]

[bots.local]
provider = "openai-compatible"
model = "qwen3"
base_url = "http://127.0.0.1:9/v1"
tier = 2
price_in = 0.0
price_out = 0.0
"""


def test_the_options_that_open_the_chat_are_parsed() -> None:
    parser = build_parser()
    plain = parser.parse_args([])
    assert (plain.command, plain.demo, plain.open_room) == (None, False, None)
    assert parser.parse_args(["--demo"]).demo
    assert parser.parse_args(["--room", "work"]).open_room == "work"


@pytest.mark.parametrize(
    ("argv", "chat_only"),
    [
        ([], True),
        (["--demo"], True),
        (["--room", "work"], True),
        (["--room=work"], True),
        (["--room"], False),
        (["--help"], False),
        (["--version"], False),
        (["ask", "hi"], False),
        (["--room", "work", "ask", "hi"], False),
        (["aks"], False),
    ],
)
def test_the_subcommand_parsers_are_built_unless_only_the_chat_can_open(argv: list[str], chat_only: bool) -> None:
    assert opens_chat_only(argv) is chat_only
    if chat_only:
        args = build_parser(commands=False).parse_args(argv)
        assert args.command is None and args == build_parser().parse_args(argv)


def test_a_subcommand_keeps_its_own_room_option() -> None:
    args = build_parser().parse_args(["ask", "--room", "work", "hi"])
    assert (args.command, args.room, args.text, args.open_room, args.demo) == ("ask", "work", ["hi"], None, False)


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["--demo", "--room", "work"], "leave out --room, or leave out --demo"),
        (["--room", "work", "ask", "hi"], "put --room after it"),
        (["--demo", "route", "hi"], "--demo and --room open the chat"),
    ],
)
def test_options_that_contradict_each_other_are_refused(
    argv: list[str], says: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert says in capsys.readouterr().err


def test_the_subcommands_still_run(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["route", "--json", "hi"]) == 0
    assert json.loads(capsys.readouterr().out)["bot"]


def test_the_help_shows_the_chat_options_and_an_ask_example() -> None:
    shown = build_parser().format_help()
    assert "--demo" in shown and "--room NAME" in shown
    assert "bytechat --demo " in shown and 'bytechat ask "' in shown


def run_without_terminal(*argv: str) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """`bytechat argv` with stdin and stdout not a terminal; also the UI modules it imported."""
    probe = (
        "import sys, json\n"
        "from bytechat_tui.cli import main\n"
        f"code = main({list(argv)!r})\n"
        "ui = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'httpx'))\n"
        "print(json.dumps(ui), file=sys.stderr)\n"
        "sys.exit(code)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=60
    )
    *message, imported = result.stderr.strip().splitlines()
    said = subprocess.CompletedProcess(result.args, result.returncode, result.stdout, "\n".join(message))
    return said, json.loads(imported)


@pytest.mark.parametrize("argv", [[], ["--demo"]])
def test_without_a_terminal_the_chat_says_to_use_ask_and_loads_no_ui(argv: list[str]) -> None:
    result, imported = run_without_terminal(*argv)
    assert result.returncode == 1
    assert "the chat needs a terminal" in result.stderr and "bytechat ask" in result.stderr
    assert imported == []


def test_an_unknown_room_is_one_line_before_any_screen() -> None:
    result, imported = run_without_terminal("--room", "nosuch")
    assert result.returncode == 1
    assert result.stderr.startswith("bytechat: ") and "nosuch" in result.stderr
    assert imported == []


# --- The real app in a real terminal ------------------------------------------------------------------


@pytest.fixture
def isolated_terminal_env(tmp_path: Path) -> dict[str, str]:
    """The test's own config and data dirs, and no keyring backend, for the app's process."""
    return {
        "BYTECHAT_CONFIG_DIR": os.environ["BYTECHAT_CONFIG_DIR"],
        "BYTECHAT_DATA_DIR": os.environ["BYTECHAT_DATA_DIR"],
        "BYTECHAT_OFFLINE": "1",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


@contextmanager
def app_in_terminal(argv: list[str], env: dict[str, str]) -> Iterator[Terminal]:
    if not tmux_available():
        require_system("tmux is not installed")
    with terminal([*BYTECHAT, *argv], env=env) as shown:
        yield shown


@pytest.fixture
def rooms_config() -> None:
    config_dir = Path(os.environ["BYTECHAT_CONFIG_DIR"])
    config_dir.mkdir(parents=True)
    (config_dir / "config.toml").write_text(ROOMS_CONFIG)


@pytest.mark.parametrize("argv", [["--demo"], ["--room", "demo"]])
def test_demo_opens_the_demo_room_and_answers_through_its_server(
    argv: list[str], isolated_terminal_env: dict[str, str]
) -> None:
    with app_in_terminal(argv, isolated_terminal_env) as shown:
        shown.wait_for("room demo", seconds=30)
        shown.type("hello there")
        shown.press("Enter")
        # The whole greeting streamed, and under it the routing line names the cheapest bot.
        screen = shown.wait_for("answered offline.", seconds=30)
        assert "Demo answer" in screen and "gemini-2.5-flash-lite (DEMO) · tier 1" in screen
        shown.press("C-q")
        shown.wait_for("room demo", gone=True)


@pytest.mark.parametrize(("argv", "room"), [(["--room", "work"], "room work"), ([], "room main")])
def test_the_chat_opens_the_room_asked_for_else_the_default_one(
    argv: list[str], room: str, rooms_config: None, isolated_terminal_env: dict[str, str]
) -> None:
    with app_in_terminal(argv, isolated_terminal_env) as shown:
        screen = shown.wait_for(room, seconds=30)
        assert "room demo" not in screen
        shown.press("C-q")
        shown.wait_for(room, gone=True)
