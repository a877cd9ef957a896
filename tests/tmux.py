"""Drive a real terminal: the app runs in a detached tmux session; tests type and read the screen.

What Pilot cannot show: the real process, the real terminal size negotiation, keys arriving as bytes
(Ctrl+J is a line feed, fast typing lands in one read), and what a person would actually see. Used
by the end-to-end tests and the TUI benchmark, so it imports no pytest.

Each terminal is a tmux server of its own (its own socket, no user config) with two options set:
`remain-on-exit`, so the pane stays after the command ends and its last screen can be read, and
`set-clipboard on`, so an OSC 52 clipboard write by the app becomes a tmux paste buffer a test can
read (`buffers()`): what the app put on the clipboard, or what a hostile text would have.

The command runs under `sh`, which prints its exit status when it ends: tmux 3.3 does not always
notice that a pane's process has exited (seen here: the process a zombie, `pane_dead` still 0 for as
long as one waits, after the app printed at exit), so the status is read from the screen instead.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


EXIT_MARKER = "[tmux.py: the command exited with status "
_EXITED = re.compile(re.escape(EXIT_MARKER) + r"(\d+)\]")


class ScreenTimeout(AssertionError):
    """The screen never showed what was waited for; the message carries the last screen."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One character on the screen with the attributes a person would notice."""

    char: str
    foreground: str | None
    """The SGR colour as tmux reports it ("38;5;153", "31", "38;2;r;g;b"); None for the default."""
    bold: bool


_SGR = re.compile(r"\x1b\[([0-9;:]*)m")


def _cells(styled_line: str) -> list[Cell]:
    """A `capture-pane -e` line as cells: tmux writes only SGR sequences there."""
    cells: list[Cell] = []
    foreground: str | None = None
    bold = False
    position = 0
    for match in [*_SGR.finditer(styled_line), None]:
        end = match.start() if match else len(styled_line)
        cells += [Cell(char, foreground, bold) for char in styled_line[position:end]]
        if match is None:
            break
        position = match.end()
        codes = match.group(1).split(";") if match.group(1) else ["0"]
        index = 0
        while index < len(codes):
            code = codes[index]
            if code in ("0", ""):
                foreground, bold = None, False
            elif code == "1":
                bold = True
            elif code == "22":
                bold = False
            elif code == "39":
                foreground = None
            elif code in ("38",):
                span = 3 if codes[index + 1 : index + 2] == ["5"] else 5
                foreground = ";".join(codes[index : index + span])
                index += span - 1
            elif code == "48":  # a background: skip its arguments
                index += 2 if codes[index + 1 : index + 2] == ["5"] else 4
            elif len(code) == 2 and code[0] in "39" and code[1] in "01234567":
                foreground = code
            index += 1
    return cells


@dataclass
class Terminal:
    session: str
    socket: str

    def _tmux(self, *args: str, check: bool = True, input: str | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=check, timeout=10, input=input
        )

    def type(self, text: str) -> None:
        """Send `text` literally, as one burst of keystrokes (as fast typing or a paste arrives)."""
        self._tmux("send-keys", "-t", self.session, "-l", text)

    def press(self, *keys: str) -> None:
        """Send named keys: "Enter", "Escape", "C-j", "C-p", "Up", "F1"."""
        self._tmux("send-keys", "-t", self.session, *keys)

    def escape(self) -> None:
        """Press Esc alone: a terminal sends it as the byte that also starts every escape sequence, so
        the app knows it for the Esc key only once nothing follows for a moment (Textual waits 0.1 s);
        a key sent sooner would arrive as Alt+key, as it would for a person typing that fast."""
        self.press("Escape")
        time.sleep(0.3)

    def paste(self, text: str) -> None:
        """Paste `text` as a terminal does: bytes as they are (escape sequences included), wrapped in
        bracketed-paste markers when the app asked for them, line feeds kept."""
        buffer = f"paste-{uuid.uuid4().hex[:8]}"
        self._tmux("load-buffer", "-b", buffer, "-", input=text)
        self._tmux("paste-buffer", "-d", "-p", "-r", "-b", buffer, "-t", self.session)

    def screen(self) -> str:
        """The visible screen as text, one line per row, trailing spaces trimmed."""
        shown = self._tmux("capture-pane", "-p", "-t", self.session).stdout
        return "\n".join(line.rstrip() for line in shown.splitlines())

    def cells(self) -> list[list[Cell]]:
        """The visible screen row by row, each character with its colour and weight."""
        shown = self._tmux("capture-pane", "-p", "-e", "-t", self.session).stdout
        return [_cells(line) for line in shown.splitlines()]

    def wait_for(self, text: str, seconds: float = 15.0, gone: bool = False) -> str:
        """The screen once `text` is on it (or, with `gone`, off it); ScreenTimeout after `seconds`."""
        state = "still shows" if gone else "never showed"
        return self.wait_until(lambda shown: (text in shown) != gone, f"{state} {text!r}", seconds)

    def wait_until(self, test: Callable[[str], object], what: str, seconds: float = 15.0) -> str:
        """The screen once `test(screen)` is true; ScreenTimeout naming `what` after `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            shown = self.screen()
            if test(shown):
                return shown
            if time.monotonic() > deadline:
                raise ScreenTimeout(f"the screen {what} within {seconds:g} s; it shows:\n{shown}")
            time.sleep(0.05)

    def pane_pid(self) -> int:
        """The process the session started: the `sh` that runs the command and reports its status."""
        return int(self._pane_format("#{pane_pid}"))

    def app_pid(self) -> int | None:
        """The command's own process (the app), while it runs."""
        shell = self.pane_pid()
        try:
            children = Path(f"/proc/{shell}/task/{shell}/children").read_text().split()
        except OSError:
            return None
        return int(children[0]) if children else None

    def alive(self) -> bool:
        """The command is still running."""
        return self.exit_status() is None

    def exit_status(self) -> int | None:
        """The command's exit status once it has ended; None while it runs."""
        found = _EXITED.search(self._tmux("capture-pane", "-p", "-J", "-t", self.session).stdout)
        return int(found.group(1)) if found else None

    def wait_for_exit(self, seconds: float = 10.0) -> int:
        """The command's exit status, waiting for it to end; ScreenTimeout (with the screen) if it does not."""
        deadline = time.monotonic() + seconds
        while (status := self.exit_status()) is None:
            if time.monotonic() > deadline:
                raise ScreenTimeout(f"the command still runs after {seconds:g} s; the screen:\n{self.screen()}")
            time.sleep(0.05)
        return status

    def alternate_screen(self) -> bool:
        """The app has the terminal in its alternate screen (a full-screen app that has not left)."""
        return self._pane_format("#{alternate_on}") == "1"

    def buffers(self) -> list[str]:
        """The tmux paste buffers' contents, newest first: each OSC 52 clipboard write the app made."""
        names = self._tmux("list-buffers", "-F", "#{buffer_name}", check=False).stdout.split()
        return [self._tmux("show-buffer", "-b", name).stdout for name in names]

    def _pane_format(self, format: str) -> str:
        return self._tmux("display-message", "-p", "-t", self.session, format).stdout.strip()


def bytechat_env() -> dict[str, str]:
    """What `bytechat` needs in a test's terminal: the test's own config and data dirs, offline, no
    OS keyring."""
    return {
        "BYTECHAT_CONFIG_DIR": os.environ["BYTECHAT_CONFIG_DIR"],
        "BYTECHAT_DATA_DIR": os.environ["BYTECHAT_DATA_DIR"],
        "BYTECHAT_OFFLINE": "1",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


@contextmanager
def terminal(
    command: list[str], *, env: Mapping[str, str] | None = None, width: int = 120, height: int = 40
) -> Iterator[Terminal]:
    """`command` running in a fresh tmux server of its own (its own socket: no user config, no other
    sessions), killed when the block ends, and with it the command if it still runs."""
    name = f"bytechat-{uuid.uuid4().hex[:8]}"
    # A short directory of our own: a socket path must stay under ~100 bytes.
    directory = tempfile.mkdtemp(prefix="bct-", dir=os.environ.get("TMPDIR", "/tmp"))
    socket = os.path.join(directory, "tmux.sock")
    environment = {**os.environ, **(env or {}), "TERM": "xterm-256color"}
    # A login shell would reset PATH and the variables: `env` sets them, and `sh` reports the exit status.
    exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in (env or {}).items())
    script = f'{shlex.join(command)}; printf "\\n{EXIT_MARKER}%d]\\n" "$?"'
    shell_command = f"env {exports} sh -c {shlex.quote(script)}"
    # Options are set in the same tmux call as the session starts, before the command can exit.
    subprocess.run(
        ["tmux", "-S", socket, "-f", "/dev/null",
         "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height), shell_command,
         ";", "set-option", "-t", name, "remain-on-exit", "on",
         ";", "set-option", "-s", "set-clipboard", "on"],
        check=True,
        env=environment,
        timeout=10,
    )  # fmt: skip
    shown = Terminal(name, socket)
    try:
        yield shown
    finally:
        subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True, timeout=10)
        shutil.rmtree(directory, ignore_errors=True)
