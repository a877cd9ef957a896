"""`bytechat keys` against the real Secret Service: gnome-keyring on a private D-Bus session.

The test starts its own session bus and a gnome-keyring-daemon that creates a fresh login
keyring in a temporary HOME, runs `python -m bytechat_tui keys ...` as a person would, checks
the result with keyring's own SecretService backend in a separate process, and kills both
daemons at the end. It needs `dbus-daemon` and `gnome-keyring-daemon` (Debian: dbus-daemon,
gnome-keyring); without them it is skipped, or fails under BYTECHAT_REQUIRE_SYSTEM_TESTS=1.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import require_system

ROOT = Path(__file__).resolve().parents[1]
KEY = "sk-test-" + secrets.token_hex(20)
STARTUP_SECONDS = 10.0


def wait_for_secret_service(address: str, log: Path) -> None:
    """Return once gnome-keyring owns org.freedesktop.secrets on the bus at `address`."""
    from jeepney.bus_messages import message_bus
    from jeepney.io.blocking import open_dbus_connection

    deadline = time.monotonic() + STARTUP_SECONDS
    with open_dbus_connection(bus=address) as connection:
        while time.monotonic() < deadline:
            reply = connection.send_and_get_reply(message_bus.NameHasOwner("org.freedesktop.secrets"))
            if reply.body[0]:
                return
            time.sleep(0.05)
    pytest.fail(f"gnome-keyring-daemon did not start within {STARTUP_SECONDS:g} s: {log.read_text()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture
def secret_service(tmp_path: Path) -> Iterator[dict[str, str]]:
    """The environment of a session whose Secret Service is a fresh, unlocked gnome-keyring."""
    programs = {name: shutil.which(name) for name in ("dbus-daemon", "gnome-keyring-daemon")}
    missing = [name for name, path in programs.items() if path is None]
    if missing:
        require_system(
            f"{' and '.join(missing)} not installed (Debian: apt-get install dbus-daemon gnome-keyring)"
        )
    home, runtime = tmp_path / "home", tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    environment = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(runtime),
    }
    # Whatever keyring the developer configured must not replace the one under test.
    environment.pop("PYTHON_KEYRING_BACKEND", None)
    environment.pop("DBUS_SESSION_BUS_ADDRESS", None)
    started: list[subprocess.Popen[bytes]] = []
    try:
        bus = subprocess.Popen(
            [str(programs["dbus-daemon"]), "--session", "--nofork", "--print-address=1"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=environment,
        )
        started.append(bus)
        assert bus.stdout is not None
        address = bus.stdout.readline().decode().strip()
        assert address, "dbus-daemon printed no address"
        environment["DBUS_SESSION_BUS_ADDRESS"] = address
        log = tmp_path / "gnome-keyring.log"
        with log.open("wb") as log_file:
            daemon = subprocess.Popen(
                [str(programs["gnome-keyring-daemon"]), "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE,
                stdout=log_file,
                stderr=log_file,
                env=environment,
            )
        started.append(daemon)
        assert daemon.stdin is not None
        # --unlock reads the login keyring's password from stdin, creating the keyring if need be.
        daemon.stdin.write(b"test-login-password")
        daemon.stdin.close()
        wait_for_secret_service(address, log)
        yield environment
    finally:
        for process in reversed(started):
            stop(process)


def python(environment: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=environment,
        cwd=ROOT,
        timeout=60,
    )


def bytechat(environment: dict[str, str], *args: str, stdin: str = "") -> str:
    """Run `python -m bytechat_tui ARGS`; it must succeed and never print the key."""
    result = python(environment, "-m", "bytechat_tui", *args, stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert KEY not in result.stdout and KEY not in result.stderr
    return result.stdout


def stored_by_keyring(environment: dict[str, str], name: str) -> tuple[str, str]:
    """Which backend keyring picks in a fresh process, and what it holds for `name` ("None" if nothing)."""
    script = (
        "import sys, keyring; backend = keyring.get_keyring();"
        " print(type(backend).__module__ + '.' + type(backend).__name__);"
        " print(keyring.get_password('bytechat-tui', sys.argv[1]))"
    )
    result = python(environment, "-c", script, name)
    assert result.returncode == 0, result.stderr
    backend, value = result.stdout.splitlines()
    return backend, value


def test_keys_live_in_the_real_secret_service(secret_service: dict[str, str], tmp_path: Path) -> None:
    out = bytechat(secret_service, "keys", "set", "openai", stdin=KEY + "\n")
    assert out.startswith(f"Stored the key for OpenAI (…{KEY[-4:]}) in the OS keyring.")
    assert stored_by_keyring(secret_service, "openai") == ("keyring.backends.SecretService.Keyring", KEY)

    bytechat(secret_service, "keys", "set", "local-llm", stdin=KEY[::-1])
    lines = bytechat(secret_service, "keys", "list").splitlines()
    listed = {line.split()[0]: line.split()[1:] for line in lines}
    assert listed["openai"] == ["keyring", f"…{KEY[-4:]}"]
    assert listed["local-llm"] == ["keyring", f"…{KEY[::-1][-4:]}"]
    assert listed["anthropic"] == ["-", "not", "set"]

    out = bytechat(secret_service, "keys", "delete", "openai")
    assert out == "Deleted the key for OpenAI from the OS keyring.\n"
    bytechat(secret_service, "keys", "delete", "local-llm")
    assert stored_by_keyring(secret_service, "openai")[1] == "None"
    assert stored_by_keyring(secret_service, "local-llm")[1] == "None"
    assert "local-llm" not in bytechat(secret_service, "keys", "list")

    # The keyring file on disk is encrypted: the key is in no file under the temporary home.
    for path in tmp_path.rglob("*"):
        if path.is_file():
            assert KEY.encode() not in path.read_bytes(), path
