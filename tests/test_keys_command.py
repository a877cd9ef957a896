"""`bytechat keys set|list|delete`, run in-process; no command may ever print a key."""

from __future__ import annotations

import getpass
import io
import sys

import pytest
from memory_keyring import MemoryKeyring

from bytechat_tui.cli import main
from bytechat_tui.keys import SERVICE

KEY = "sk-test-FAKE-0000WXYZ"
ENV_KEY = "sk-env-FAKE-00000QRST"


class Terminal(io.StringIO):
    """Standard input that says it is a terminal, as when someone types at the prompt."""

    def isatty(self) -> bool:
        return True


def bytechat(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *argv: str, stdin: str = ""
) -> tuple[int, str, str]:
    """Run `bytechat ARGV`; every call also checks that no key reached the output."""
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(list(argv))
    out, err = capsys.readouterr()
    for key in (KEY, ENV_KEY):
        assert key not in out and key not in err
    return code, out, err


def rows(out: str) -> dict[str, list[str]]:
    """`keys list` output as {provider: [source, key...]}."""
    return {line.split()[0]: line.split()[1:] for line in out.splitlines()[1:]}


def test_set_list_delete_round_trip(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = bytechat(capsys, monkeypatch, "keys", "set", "openai", stdin=KEY + "\n")
    assert code == 0
    assert out == "Stored the key for OpenAI (…WXYZ) in the OS keyring.\n"
    assert memory_keyring.entries[(SERVICE, "openai")] == KEY

    code, out, err = bytechat(capsys, monkeypatch, "keys", "list")
    assert (code, err) == (0, "")
    assert out.splitlines()[0].split() == ["PROVIDER", "SOURCE", "KEY"]
    listed = rows(out)
    assert listed["openai"] == ["keyring", "…WXYZ"]
    assert listed["anthropic"] == ["-", "not", "set"]
    assert listed["ollama"] == ["-", "not", "set", "(none", "needed)"]

    code, out, _ = bytechat(capsys, monkeypatch, "keys", "delete", "openai")
    assert (code, out) == (0, "Deleted the key for OpenAI from the OS keyring.\n")
    assert memory_keyring.entries == {}

    code, out, _ = bytechat(capsys, monkeypatch, "keys", "delete", "openai")
    assert (code, out) == (0, "The OS keyring holds no key for OpenAI; nothing was deleted.\n")


def test_set_reads_a_hidden_prompt_on_a_terminal(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    prompts: list[str] = []

    def typed(prompt: str) -> str:
        prompts.append(prompt)
        return KEY

    monkeypatch.setattr(getpass, "getpass", typed)
    monkeypatch.setattr(sys, "stdin", Terminal())
    assert main(["keys", "set", "anthropic"]) == 0
    assert prompts == ["API key for Anthropic (input hidden): "]
    assert memory_keyring.entries[(SERVICE, "anthropic")] == KEY
    assert KEY not in "".join(capsys.readouterr())


def test_list_shows_environment_keys_and_keyring_wins(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    monkeypatch.setenv("GOOGLE_API_KEY", ENV_KEY)
    _, out, _ = bytechat(capsys, monkeypatch, "keys", "list")
    assert rows(out)["openai"] == ["env(OPENAI_API_KEY)", "…QRST"]
    assert rows(out)["gemini"] == ["env(GOOGLE_API_KEY)", "…QRST"]

    _, out, _ = bytechat(capsys, monkeypatch, "keys", "set", "openai", stdin=KEY)
    assert "It takes precedence over OPENAI_API_KEY, which is also set." in out
    _, out, _ = bytechat(capsys, monkeypatch, "keys", "list")
    assert rows(out)["openai"] == ["keyring", "…WXYZ"]

    _, out, _ = bytechat(capsys, monkeypatch, "keys", "delete", "openai")
    assert "ByteChat will now use OPENAI_API_KEY from the environment." in out


def test_deleting_an_environment_key_explains_where_it_comes_from(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", ENV_KEY)
    code, out, _ = bytechat(capsys, monkeypatch, "keys", "delete", "anthropic")
    assert code == 0
    assert "holds no key for Anthropic" in out
    assert "comes from the environment variable ANTHROPIC_API_KEY" in out


def test_custom_key_names(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out, _ = bytechat(capsys, monkeypatch, "keys", "set", "local-llm", stdin=KEY)
    assert code == 0
    assert "Stored the key for 'local-llm' (…WXYZ)" in out
    assert 'key = "local-llm"' in out
    _, out, _ = bytechat(capsys, monkeypatch, "keys", "list")
    assert out.splitlines()[-1].split() == ["local-llm", "keyring", "…WXYZ"]
    _, out, _ = bytechat(capsys, monkeypatch, "keys", "delete", "local-llm")
    assert out.startswith("Deleted the key for 'local-llm'")
    _, out, _ = bytechat(capsys, monkeypatch, "keys", "list")
    assert "local-llm" not in out


@pytest.mark.parametrize("action", ["set", "delete"])
def test_invalid_names_are_refused(
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    action: str,
) -> None:
    code, out, err = bytechat(capsys, monkeypatch, "keys", action, "Open AI", stdin=KEY)
    assert (code, out) == (1, "")
    assert err.startswith("bytechat: 'Open AI' is not a key name")
    assert memory_keyring.entries == {}


def test_a_key_given_as_the_name_is_not_echoed(
    memory_keyring: MemoryKeyring, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = bytechat(capsys, monkeypatch, "keys", "set", KEY + KEY)
    assert code == 1 and "not repeated here" in err


@pytest.mark.parametrize("stdin", ["", "\n", "   \n"])
def test_an_empty_key_is_refused(
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str,
) -> None:
    code, out, err = bytechat(capsys, monkeypatch, "keys", "set", "openai", stdin=stdin)
    assert (code, out) == (1, "")
    assert err == "bytechat: the key for 'openai' is empty; nothing was stored.\n"
    assert memory_keyring.entries == {}


def test_without_a_keyring_set_explains_and_reads_no_key(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # No memory_keyring: the autouse `no_real_keyring` fixture leaves keyring's fail backend.
    code, out, err = bytechat(capsys, monkeypatch, "keys", "set", "openai", stdin=KEY)
    assert (code, out) == (1, "")
    assert "no keyring backend is available" in err
    assert "gnome-keyring" in err and "OPENAI_API_KEY" in err
    assert "ByteChat never writes keys to a plaintext file." in err
    assert sys.stdin.read() == KEY, "the key was read although it could not be stored"


def test_without_a_keyring_list_shows_environment_keys_and_one_note(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", ENV_KEY)
    code, out, err = bytechat(capsys, monkeypatch, "keys", "list")
    assert code == 0
    assert rows(out)["openai"] == ["env(OPENAI_API_KEY)", "…QRST"]
    assert err.count("the OS keyring cannot be used") == 1
    assert err.startswith("bytechat: note:")


def test_without_a_keyring_delete_explains(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, _, err = bytechat(capsys, monkeypatch, "keys", "delete", "openai")
    assert code == 1 and "no keyring backend is available" in err
