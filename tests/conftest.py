"""Hermetic tests: every test gets its own config and data dirs, no network, no real keyring."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def require_system(reason: str) -> None:
    """Skip a test that needs a system part, unless CI demands those parts be present."""
    if os.environ.get("BYTECHAT_REQUIRE_SYSTEM_TESTS") == "1":
        pytest.fail(f"BYTECHAT_REQUIRE_SYSTEM_TESTS=1 but {reason}")
    pytest.skip(reason)


def shared_path(relative: str) -> Path:
    """A file of ../shared/, or a skip (a failure under CI) saying it is absent."""
    path = SHARED / relative
    if not path.exists():
        require_system(f"{path} is absent (the team's shared/ folder is not beside the repo)")
    return path


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BYTECHAT_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.setenv("BYTECHAT_DATA_DIR", str(tmp_path / "data"))
    # Never download tokenizer tables from a test.
    monkeypatch.setenv("BYTECHAT_OFFLINE", "1")
    for variable in (
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "GEMINI_API_KEY",
        "GOOGLE_API_KEY",
        "DEEPSEEK_API_KEY",
        "MISTRAL_API_KEY",
        "XAI_API_KEY",
        "GROQ_API_KEY",
        "OPENROUTER_API_KEY",
    ):
        monkeypatch.delenv(variable, raising=False)


# Appended with the keyring fixtures below; the import sits here to keep the edit append-only.
from collections.abc import Iterator  # noqa: E402

import keyring  # noqa: E402
from keyring.backends import fail  # noqa: E402
from memory_keyring import MemoryKeyring  # noqa: E402


@pytest.fixture(autouse=True)
def no_real_keyring() -> Iterator[None]:
    """Every test starts with no keyring backend, so none can read or write a person's real keys."""
    previous = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(previous)


@pytest.fixture
def memory_keyring(no_real_keyring: None) -> Iterator[MemoryKeyring]:
    """An empty in-memory keyring, installed as keyring's backend for this test only."""
    previous = keyring.get_keyring()
    backend = MemoryKeyring()
    keyring.set_keyring(backend)
    yield backend
    keyring.set_keyring(previous)
