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
