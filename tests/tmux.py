"""Drive a real terminal: the app runs in a detached tmux session; tests type and read the screen.

What Pilot cannot show: the real process, the real terminal size negotiation, keys arriving as bytes
(Ctrl+J is a line feed, fast typing lands in one read), and what a person would actually see. Used
by the end-to-end tests and the TUI benchmark, so it imports no pytest.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass


class ScreenTimeout(AssertionError):
    """The screen never showed what was waited for; the message carries the last screen."""


@dataclass
class Terminal:
    session: str
    socket: str

    def _tmux(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["tmux", "-S", self.socket, *args], capture_output=True, text=True, check=check, timeout=10
        )

    def type(self, text: str) -> None:
        """Send `text` literally, as one burst of keystrokes (as fast typing or a paste arrives)."""
        self._tmux("send-keys", "-t", self.session, "-l", text)

    def press(self, *keys: str) -> None:
        """Send named keys: "Enter", "Escape", "C-j", "C-p", "Up", "F1"."""
        self._tmux("send-keys", "-t", self.session, *keys)

    def screen(self) -> str:
        """The visible screen as text, one line per row, trailing spaces trimmed."""
        shown = self._tmux("capture-pane", "-p", "-t", self.session).stdout
        return "\n".join(line.rstrip() for line in shown.splitlines())

    def wait_for(self, text: str, seconds: float = 15.0, gone: bool = False) -> str:
        """The screen once `text` is on it (or, with `gone`, off it); ScreenTimeout after `seconds`."""
        deadline = time.monotonic() + seconds
        while True:
            shown = self.screen()
            if (text in shown) != gone:
                return shown
            if time.monotonic() > deadline:
                state = "still shows" if gone else "never showed"
                raise ScreenTimeout(f"the screen {state} {text!r} within {seconds:g} s; it shows:\n{shown}")
            time.sleep(0.05)

    def pane_pid(self) -> int:
        """The process the session started (the shell-less command itself)."""
        return int(self._tmux("display-message", "-p", "-t", self.session, "#{pane_pid}").stdout.strip())

    def alive(self) -> bool:
        return self._tmux("has-session", "-t", self.session, check=False).returncode == 0


def tmux_available() -> bool:
    return shutil.which("tmux") is not None


@contextmanager
def terminal(
    command: list[str], *, env: Mapping[str, str] | None = None, width: int = 120, height: int = 40
) -> Iterator[Terminal]:
    """`command` running in a fresh tmux server of its own (its own socket: no user config, no other
    sessions), killed when the block ends."""
    name = f"bytechat-{uuid.uuid4().hex[:8]}"
    socket = os.path.join(os.environ.get("TMPDIR", "/tmp"), f"{name}.sock")
    environment = {**os.environ, **(env or {}), "TERM": "xterm-256color"}
    # A login shell would reset PATH and the variables; run the command directly, with `env` for them.
    exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in (env or {}).items())
    shell_command = f"env {exports} {shlex.join(command)}" if exports else shlex.join(command)
    subprocess.run(
        ["tmux", "-S", socket, "-f", "/dev/null", "new-session", "-d", "-s", name, "-x", str(width), "-y", str(height),
         shell_command],
        check=True,
        env=environment,
        timeout=10,
    )
    shown = Terminal(name, socket)
    try:
        yield shown
    finally:
        subprocess.run(["tmux", "-S", socket, "kill-server"], capture_output=True, timeout=10)
        if os.path.exists(socket):
            os.unlink(socket)
