"""Write `bytechat_tui/pricing/catalog.json` from litellm's price table: our curation, its facts.

    python tests/tools/build_catalog.py [PRICE_TABLE] [--output PATH]

PRICE_TABLE defaults to ../shared/data/prices/litellm_prices.json beside the repo (litellm's
`model_prices_and_context_window_backup.json`, MIT). This script decides only which models the
catalog lists, their tier with a one-line reason, and the `code` tag; every price, context window,
output limit and the other tags are read from the table row named beside each model, so a new
table means re-running the script, never editing numbers. The output is sorted and byte-stable.

Tiers: 5 frontier flagship, 4 strong, 3 mid, 2 small and fast, 1 tiny. A flagship of OpenAI,
Anthropic, Google or xAI is 5; DeepSeek's and Mistral's flagships, which have trailed those labs,
are 4. Legacy models (the 14 of the public Chatbot Arena evaluation table, long retired) are tiered
by their Chatbot Arena Elo when they were current (LMSYS leaderboard, early 2024): 5 from 1180,
4 from 1110, 3 from 1085, 2 from 1050, 1 below. They are priced from their own row where a host
still lists one, else from the closest comparable model at a real host, named in the reason.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bytechat_tui.pricing.catalog import (  # noqa: E402
    Catalog,
    ModelInfo,
    Prices,
    model_to_json,
)
from bytechat_tui.vendors import VENDORS  # noqa: E402

PRICE_TABLE = REPO.parent / "shared" / "data" / "prices" / "litellm_prices.json"
OUTPUT = REPO / "bytechat_tui" / "pricing" / "catalog.json"
DATE = "2026-11"
SOURCE = "litellm 1.109.1 wheel on PyPI, model_prices_and_context_window_backup.json (MIT)"
LONG_CONTEXT_TOKENS = 400_000
"""A context window this large earns the `long-context` tag: whole books and repositories fit."""
LONG_TIER_KEY = re.compile(r"input_cost_per_token_above_(\d+)k_tokens")


@dataclass(frozen=True, slots=True)
class Pick:
    """One curated model: what we decide about it, and the price-table row its facts come from."""

    id: str
    provider: str
    row: str
    tier: int
    reason: str
    code: bool = False
    """Strong at code: a code-specialised model or a flagship known for it (no table flag exists)."""


CURRENT = (
    # OpenAI
    Pick("gpt-6-astra", "openai", "gpt-6-astra", 5, "OpenAI's flagship of the GPT-6 generation", code=True),
    Pick("gpt-6.1-sol", "openai", "gpt-6.1-sol", 4, "GPT-6.1's upper model, below the astra flagship", code=True),
    Pick("gpt-6-sol", "openai", "gpt-6-sol", 4, "GPT-6's upper model, below astra", code=True),
    Pick("gpt-6.1-terra", "openai", "gpt-6.1-terra", 3, "GPT-6.1's middle model"),
    Pick("gpt-6-luna", "openai", "gpt-6-luna", 2, "GPT-6's small fast model"),
    Pick("gpt-5", "openai", "gpt-5", 4, "OpenAI's flagship of August 2025, two generations back", code=True),
    Pick("gpt-5.4-mini", "openai", "gpt-5.4-mini", 3, "GPT-5.4's mini (March 2026)"),
    Pick("gpt-5.4-nano", "openai", "gpt-5.4-nano", 2, "GPT-5.4's nano (March 2026)"),
    Pick("gpt-5-mini", "openai", "gpt-5-mini", 2, "GPT-5's mini: small and fast"),
    Pick("gpt-5-nano", "openai", "gpt-5-nano", 1, "GPT-5's nano: the smallest GPT-5"),
    # Anthropic
    Pick("claude-opus-5-5", "anthropic", "claude-opus-5-5", 5, "Anthropic's flagship (Opus 5.5)", code=True),
    Pick("claude-sonnet-5-5", "anthropic", "claude-sonnet-5-5", 4, "Sonnet 5.5, below Opus 5.5", code=True),
    Pick("claude-haiku-5-5", "anthropic", "claude-haiku-5-5", 2, "Haiku 5.5, Anthropic's small fast model"),
    Pick("claude-opus-4-7", "anthropic", "claude-opus-4-7", 4, "Opus 4.7 (April 2026), a generation back", code=True),
    Pick("claude-sonnet-4-6", "anthropic", "claude-sonnet-4-6", 3, "Sonnet 4.6, a generation back", code=True),
    Pick("claude-haiku-4-5", "anthropic", "claude-haiku-4-5", 2, "Haiku 4.5, a small fast model a generation back"),
    # Google
    Pick("gemini-4-argon", "gemini", "gemini/gemini-4-argon", 5, "Google's flagship of Gemini 4", code=True),
    Pick("gemini-3.1-pro-preview", "gemini", "gemini/gemini-3.1-pro-preview", 4, "Gemini 3.1 Pro, the previous flagship", code=True),
    Pick("gemini-2.5-pro", "gemini", "gemini/gemini-2.5-pro", 3, "Gemini 2.5 Pro (2025), two generations back"),
    Pick("gemini-3.8-flash", "gemini", "gemini/gemini-3.8-flash", 3, "Google's newest Flash, the fast mid model"),
    Pick("gemini-3.5-flash", "gemini", "gemini/gemini-3.5-flash", 3, "an earlier Flash, dearer than 3.8-flash"),
    Pick("gemini-3.5-flash-lite", "gemini", "gemini/gemini-3.5-flash-lite", 2, "Flash-Lite, Google's small fast line"),
    Pick("gemini-2.5-flash", "gemini", "gemini/gemini-2.5-flash", 2, "Gemini 2.5 Flash (2025), a small model now"),
    Pick("gemini-2.5-flash-lite", "gemini", "gemini/gemini-2.5-flash-lite", 1, "the smallest, cheapest Gemini"),
    # DeepSeek
    Pick("deepseek-v4-pro", "deepseek", "deepseek-v4-pro", 4, "DeepSeek's V4 flagship (open weights)", code=True),
    Pick("deepseek-v4-flash", "deepseek", "deepseek-v4-flash", 3, "DeepSeek V4's fast model"),
    # Mistral
    Pick("mistral-large-4", "mistral", "mistral/mistral-large-4", 4, "Mistral's flagship (Large 4)"),
    Pick("mistral-medium-latest", "mistral", "mistral/mistral-medium-latest", 3, "Mistral Medium, the mid model"),
    Pick("devstral-latest", "mistral", "mistral/devstral-latest", 3, "Mistral's agentic coding model", code=True),
    Pick("codestral-latest", "mistral", "mistral/codestral-latest", 2, "Mistral's small code model", code=True),
    Pick("mistral-small-latest", "mistral", "mistral/mistral-small-latest", 2, "Mistral Small"),
    Pick("ministral-8b-latest", "mistral", "mistral/ministral-8b-latest", 1, "Ministral 8B, an edge model"),
    # xAI
    Pick("grok-4.7", "xai", "xai/grok-4.7", 5, "xAI's newest flagship", code=True),
    Pick("grok-4.3", "xai", "xai/grok-4.3", 4, "an earlier Grok 4 flagship"),
    Pick("grok-code-fast", "xai", "xai/grok-code-fast", 3, "xAI's fast coding model", code=True),
    # Groq (hosts open-weight models; ids are Groq's own)
    Pick("openai/gpt-oss-120b", "groq", "groq/openai/gpt-oss-120b", 3, "OpenAI's open-weight 120B (2025)", code=True),
    Pick("openai/gpt-oss-20b", "groq", "groq/openai/gpt-oss-20b", 2, "OpenAI's open-weight 20B (2025)"),
    Pick("qwen/qwen3.8-27b", "groq", "groq/qwen/qwen3.8-27b", 3, "Qwen 3.8 27B, a strong dense open model"),
    # Ollama: local models, free to run (ids are Ollama tags)
    Pick("llama3:70b", "ollama", "ollama/llama3:70b", 2, "Llama 3 70B (2024), run locally"),
    Pick("llama3.1", "ollama", "ollama/llama3.1", 1, "Llama 3.1 8B (the default tag), run locally"),
    Pick("codegeex4", "ollama", "ollama/codegeex4", 1, "CodeGeeX4 9B, a small local code model", code=True),
)

OPENROUTER = (
    "openai/gpt-6.1-sol",
    "openai/gpt-5-mini",
    "anthropic/claude-sonnet-5-5",
    "anthropic/claude-haiku-5-5",
    "google/gemini-3.8-flash",
    "x-ai/grok-4.7",
    "deepseek/deepseek-v4-flash",
)
"""OpenRouter ids worth listing; each is derived from the vendor's own entry (see `via_openrouter`)."""

LEGACY = (
    Pick("gpt-4-turbo", "openai", "gpt-4-turbo", 5, "Arena Elo about 1250, first in early 2024"),
    Pick(
        "gpt-4-0314", "openai", "gpt-4", 5,
        "Arena Elo about 1190; priced from the gpt-4 row, the 0314 snapshot's price and window",
    ),
    Pick("claude-1", "anthropic", "anthropic.claude-v1", 4, "Arena Elo about 1150; priced at AWS Bedrock"),
    Pick(
        "Mixtral-8x7B-Instruct-v0.1", "openai-compatible", "together_ai/mistralai/Mixtral-8x7B-Instruct-v0.1", 4,
        "Arena Elo about 1120, the best open model then; priced at Together AI",
    ),
    Pick("claude-2.1", "anthropic", "anthropic.claude-v2:1", 4, "Arena Elo about 1120; priced at AWS Bedrock"),
    Pick("gpt-3.5-turbo", "openai", "gpt-3.5-turbo", 4, "Arena Elo about 1115 (the 0613 snapshot)"),
    Pick("claude-instant-1", "anthropic", "anthropic.claude-instant-v1", 3, "Arena Elo about 1110; priced at AWS Bedrock"),
    Pick(
        "vicuna-33b-v1.3", "openai-compatible", "fireworks_ai/accounts/fireworks/models/yi-34b-chat", 3,
        "Arena Elo about 1095; no host lists it, priced as Yi-34B-Chat at Fireworks, a chat model of its size",
    ),
    Pick(
        "Starling-LM-7B-alpha", "openai-compatible", "fireworks_ai/accounts/fireworks/models/openchat-3p5-0106-7b", 3,
        "Arena Elo about 1090; no host lists it, priced as OpenChat 3.5 (its base model) at Fireworks",
    ),
    Pick(
        "openchat_3.5", "openai-compatible", "fireworks_ai/accounts/fireworks/models/openchat-3p5-0106-7b", 2,
        "Arena Elo about 1075; priced as its 0106 revision at Fireworks",
    ),
    Pick(
        "Llama-2-70b-chat", "openai-compatible", "replicate/meta/llama-2-70b-chat", 2,
        "Arena Elo about 1080; priced at Replicate",
    ),
    Pick("gpt-3.5-turbo-1106", "openai", "gpt-3.5-turbo-1106", 2, "Arena Elo about 1070"),
    Pick(
        "Mistral-7B-Instruct-v0.1", "openai-compatible", "together_ai/mistralai/Mistral-7B-Instruct-v0.1", 1,
        "Arena Elo about 1020; priced at Together AI",
    ),
    Pick(
        "palm-2-chat-bison-001", "gemini", "fireworks_ai/accounts/fireworks/models/gemma-7b-it", 1,
        "Arena Elo about 1005; no price-table row, priced as Google's Gemma 7B at Fireworks, "
        "which stood just above it on the Arena",
    ),
)

DEFAULT_ROOM = ("gemini-2.5-flash-lite", "claude-haiku-5-5", "gemini-3.8-flash", "gpt-6.1-sol", "claude-opus-5-5")
"""Tiers 1 to 5 over three vendors, none announced for retirement: the room of a person with no config."""


def per_million(row: dict[str, Any], key: str) -> float | None:
    value = row.get(key)
    # Rounded: per-token prices times a million carry float noise (2.4999999999999996).
    return None if value is None else round(value * 1_000_000, 6)


def prices_of(row: dict[str, Any]) -> Prices:
    """Standard-tier prices; `*_flex`, `*_priority`, `*_batches` and 1-hour cache writes are left out."""
    thresholds = {match.group(1) for key in row if (match := LONG_TIER_KEY.fullmatch(key))}
    if len(thresholds) > 1:
        raise ValueError(f"several long-context tiers {sorted(thresholds)}; pick one by hand")
    thousands = int(thresholds.pop()) if thresholds else None
    suffix = f"_above_{thousands}k_tokens" if thousands else None

    def standard_and_long(key: str) -> tuple[float | None, float | None]:
        return per_million(row, key), per_million(row, key + suffix) if suffix else None

    input_price, input_long = standard_and_long("input_cost_per_token")
    output_price, output_long = standard_and_long("output_cost_per_token")
    cache_read, cache_read_long = standard_and_long("cache_read_input_token_cost")
    cache_write, cache_write_long = standard_and_long("cache_creation_input_token_cost")
    if input_price is None or output_price is None:
        raise ValueError("no input or output price")
    return Prices(
        input=input_price,
        output=output_price,
        cache_read=cache_read,
        cache_write=cache_write,
        long_context_threshold=thousands * 1000 if thousands else None,
        input_long=input_long,
        output_long=output_long,
        cache_read_long=cache_read_long,
        cache_write_long=cache_write_long,
    )


def model_of(pick: Pick, row: dict[str, Any], legacy: bool) -> ModelInfo:
    context_window = row["max_input_tokens"]
    tags = {
        tag
        for tag, present in (
            ("code", pick.code),
            ("vision", row.get("supports_vision", False)),
            ("reasoning", row.get("supports_reasoning", False)),
            ("long-context", context_window >= LONG_CONTEXT_TOKENS),
        )
        if present
    }
    reason = pick.reason
    if not legacy and "deprecation_date" in row:
        reason += f"; retires {row['deprecation_date']}"
    return ModelInfo(
        id=pick.id,
        provider=pick.provider,
        prices=prices_of(row),
        context_window=context_window,
        max_output=row["max_output_tokens"],
        tier=pick.tier,
        tier_reason=reason,
        tags=frozenset(tags),
        legacy=legacy,
    )


def check(pick: Pick, row: dict[str, Any] | None, legacy: bool) -> None:
    problem = None
    if row is None:
        problem = f"no row {pick.row!r}"
    elif row.get("mode") != "chat":
        problem = f"row {pick.row!r} is not a chat model"
    elif not legacy and row.get("litellm_provider") != pick.provider:
        problem = f"row {pick.row!r} is sold by {row.get('litellm_provider')}, not {pick.provider}"
    elif pick.provider not in VENDORS or not 1 <= pick.tier <= 5:
        problem = "unknown provider or tier out of range"
    if problem:
        raise SystemExit(f"build_catalog: {pick.id}: {problem}")


def build(table: dict[str, Any]) -> dict[str, Any]:
    entries: list[tuple[ModelInfo, str]] = []
    for picks, legacy in ((CURRENT, False), (LEGACY, True)):
        for pick in picks:
            check(pick, table.get(pick.row), legacy)
            entries.append((model_of(pick, table[pick.row], legacy), pick.row))
    rows = {info.id: row for info, row in entries}
    direct = Catalog(DATE, SOURCE, tuple(info for info, _ in entries), DEFAULT_ROOM)
    for slug in OPENROUTER:
        info = direct.find(slug, "openrouter")
        if info is None:
            raise SystemExit(f"build_catalog: {slug}: its vendor model is not in the catalog")
        entries.append((info, rows[slug.partition("/")[2]]))

    ids = [info.id.casefold() for info, _ in entries]
    if len(ids) != len(set(ids)):
        raise SystemExit("build_catalog: two models share an id (ignoring case)")
    room = [direct.find(model_id) for model_id in DEFAULT_ROOM]
    if any(info is None or info.legacy for info in room) or {info.tier for info in room} != {1, 2, 3, 4, 5}:
        raise SystemExit("build_catalog: the default room must hold current models of tiers 1 to 5")

    entries.sort(key=lambda entry: (entry[0].legacy, entry[0].provider, entry[0].id.casefold()))
    return {
        "date": DATE,
        "source": SOURCE,
        "default_room": list(DEFAULT_ROOM),
        "models": [model_to_json(info) | {"price_row": row} for info, row in entries],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("table", nargs="?", type=Path, default=PRICE_TABLE, help="litellm_prices.json")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write catalog.json")
    args = parser.parse_args()
    table = json.loads(args.table.read_text(encoding="utf-8"))
    catalog = build(table)
    args.output.write_text(json.dumps(catalog, indent=2, ensure_ascii=False) + "\n", encoding="utf-8", newline="\n")
    print(f"wrote {len(catalog['models'])} models to {args.output}")


if __name__ == "__main__":
    main()
