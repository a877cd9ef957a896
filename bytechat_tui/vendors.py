"""Facts about each provider a bot can name: which wire protocol it speaks, where, and its key.

One table, so that keys, rooms, the catalog and (later) the provider clients agree on names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_KEY_NAME_LENGTH = 32
"""Short enough that a pasted key is never mistaken for a name and echoed back in an error."""

KEY_NAME_PATTERN = re.compile(rf"[a-z0-9][a-z0-9._-]{{0,{MAX_KEY_NAME_LENGTH - 1}}}")
"""A custom keyring entry name (`key = "local-llm"`); kept here so config checks it without `keys`."""


@dataclass(frozen=True, slots=True)
class Vendor:
    name: str
    """The name used in config (`provider = "..."`), in the catalog and as the keyring entry."""
    label: str
    """How a person would write it."""
    protocol: str
    """Wire protocol: "openai", "anthropic", "gemini" or "ollama"."""
    base_url: str | None
    """Default endpoint; None where the user must give one (`openai-compatible`)."""
    env_vars: tuple[str, ...]
    """Environment variables read for the key, first found wins."""
    needs_key: bool = True


VENDORS: dict[str, Vendor] = {
    vendor.name: vendor
    for vendor in (
        Vendor("openai", "OpenAI", "openai", "https://api.openai.com/v1", ("OPENAI_API_KEY",)),
        Vendor("anthropic", "Anthropic", "anthropic", "https://api.anthropic.com", ("ANTHROPIC_API_KEY",)),
        Vendor(
            "gemini",
            "Google Gemini",
            "gemini",
            "https://generativelanguage.googleapis.com/v1beta",
            ("GEMINI_API_KEY", "GOOGLE_API_KEY"),
        ),
        Vendor("deepseek", "DeepSeek", "openai", "https://api.deepseek.com", ("DEEPSEEK_API_KEY",)),
        Vendor("mistral", "Mistral", "openai", "https://api.mistral.ai/v1", ("MISTRAL_API_KEY",)),
        Vendor("xai", "xAI", "openai", "https://api.x.ai/v1", ("XAI_API_KEY",)),
        Vendor("groq", "Groq", "openai", "https://api.groq.com/openai/v1", ("GROQ_API_KEY",)),
        Vendor("openrouter", "OpenRouter", "openai", "https://openrouter.ai/api/v1", ("OPENROUTER_API_KEY",)),
        Vendor("ollama", "Ollama (local)", "ollama", "http://127.0.0.1:11434", (), needs_key=False),
        Vendor("openai-compatible", "OpenAI-compatible endpoint", "openai", None, (), needs_key=False),
    )
}


def vendor(name: str) -> Vendor | None:
    return VENDORS.get(name)
