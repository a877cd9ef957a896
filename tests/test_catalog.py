"""The bundled catalog: valid, faithful to its price table, reproducible, and found by the names people use."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from dataclasses import fields
from pathlib import Path

import pytest
from conftest import shared_path

from bytechat_tui.pricing.catalog import (
    TAGS,
    Prices,
    load_catalog,
    model_from_json,
    model_to_json,
)
from bytechat_tui.vendors import VENDORS

REPO = Path(__file__).resolve().parents[1]
CATALOG_JSON = REPO / "bytechat_tui" / "pricing" / "catalog.json"
PRICE_TABLE = "data/prices/litellm_prices.json"
ARENA_MODELS = (
    "Llama-2-70b-chat",
    "Mistral-7B-Instruct-v0.1",
    "Mixtral-8x7B-Instruct-v0.1",
    "Starling-LM-7B-alpha",
    "claude-1",
    "claude-2.1",
    "claude-instant-1",
    "gpt-3.5-turbo-1106",
    "gpt-3.5-turbo",
    "gpt-4-0314",
    "gpt-4-turbo",
    "openchat_3.5",
    "palm-2-chat-bison-001",
    "vicuna-33b-v1.3",
)


def test_the_catalog_says_when_and_where_its_prices_come_from() -> None:
    catalog = load_catalog()
    assert catalog.date == "2026-11"
    assert "litellm 1.109.1" in catalog.source
    assert "MIT" in catalog.source


def test_every_model_is_well_formed() -> None:
    for info in load_catalog().models(include_legacy=True):
        assert info.provider in VENDORS, info.id
        assert 1 <= info.tier <= 5, info.id
        assert info.tier_reason.strip(), info.id
        assert info.tags <= TAGS, info.id
        assert info.context_window > 0 and info.max_output > 0, info.id
        prices = [getattr(info.prices, f.name) for f in fields(Prices)]
        assert all(price is None or price >= 0 for price in prices), info.id
        long_prices = (info.prices.input_long, info.prices.output_long)
        assert (info.prices.long_context_threshold is None) == (long_prices == (None, None)), info.id


def test_ids_are_unique_ignoring_case() -> None:
    ids = [info.id.casefold() for info in load_catalog().models(include_legacy=True)]
    assert len(ids) == len(set(ids))


def test_current_models_span_the_vendors_and_their_newest_models() -> None:
    catalog = load_catalog()
    current = catalog.models()
    assert 40 <= len(current) <= 70
    assert {"openai", "anthropic", "gemini", "deepseek", "mistral", "xai", "groq", "openrouter", "ollama"} <= {
        info.provider for info in current
    }
    for newest in ("gpt-6.1-sol", "gpt-6-astra", "claude-opus-5-5", "gemini-4-argon", "deepseek-v4-pro", "grok-4.7"):
        assert catalog.find(newest) in current, newest
    assert {info.tier for info in current} == {1, 2, 3, 4, 5}


def test_local_ollama_models_are_free() -> None:
    local = load_catalog().models("ollama")
    assert local
    assert all(info.prices.input == 0 and info.prices.output == 0 for info in local)


def test_the_default_room_spans_tiers_and_vendors() -> None:
    catalog = load_catalog()
    room = [catalog.find(model_id) for model_id in catalog.default_room]
    assert 4 <= len(room) <= 6
    assert all(info is not None and not info.legacy for info in room)
    assert {info.tier for info in room} == {1, 2, 3, 4, 5}
    assert {"openai", "anthropic", "gemini"} <= {info.provider for info in room}


def test_prices_match_the_price_table_row() -> None:
    table = json.loads(shared_path(PRICE_TABLE).read_text(encoding="utf-8"))
    models = json.loads(CATALOG_JSON.read_text(encoding="utf-8"))["models"]
    per_token = {
        "input": "input_cost_per_token",
        "output": "output_cost_per_token",
        "cache_read": "cache_read_input_token_cost",
        "cache_write": "cache_creation_input_token_cost",
    }
    for model in models:
        row = table[model["price_row"]]
        for ours, theirs in per_token.items():
            expected = None if row.get(theirs) is None else row[theirs] * 1_000_000
            assert model["prices"].get(ours) == pytest.approx(expected), (model["id"], ours)
        assert model["context_window"] == row["max_input_tokens"], model["id"]
        assert model["max_output"] == row["max_output_tokens"], model["id"]
        assert ("vision" in model["tags"]) == bool(row.get("supports_vision")), model["id"]


@pytest.mark.parametrize(
    ("model_id", "threshold", "input_long", "output_long", "cache_read_long"),
    [
        ("gpt-6.1-sol", 272_000, 4.0, 15.0, 0.2),
        ("claude-haiku-5-5", 100_000, 0.5, 2.5, 0.05),
        ("grok-4.7", 200_000, 4.0, 12.0, 1.0),
        ("gemini-3.1-pro-preview", 200_000, 4.0, 18.0, 0.4),
    ],
)
def test_long_context_prices_are_read_from_the_table(
    model_id: str, threshold: int, input_long: float, output_long: float, cache_read_long: float
) -> None:
    prices = load_catalog().find(model_id).prices
    assert prices.long_context_threshold == threshold
    assert (prices.input_long, prices.output_long) == pytest.approx((input_long, output_long))
    assert prices.cache_read_long == pytest.approx(cache_read_long)


def test_the_build_script_reproduces_the_catalog_byte_for_byte(tmp_path: Path) -> None:
    output = tmp_path / "catalog.json"
    subprocess.run(
        [sys.executable, str(REPO / "tests" / "tools" / "build_catalog.py"), str(shared_path(PRICE_TABLE)),
         "--output", str(output)],
        check=True,
        capture_output=True,
    )
    assert output.read_bytes() == CATALOG_JSON.read_bytes()


def test_every_model_survives_a_json_round_trip() -> None:
    for info in load_catalog().models(include_legacy=True):
        assert model_from_json(model_to_json(info)) == info


def test_find_matches_exactly_then_ignoring_case_and_filters_by_provider() -> None:
    catalog = load_catalog()
    assert catalog.find("claude-opus-5-5").provider == "anthropic"
    assert catalog.find("Claude-Opus-5-5").id == "claude-opus-5-5"
    assert catalog.find("claude-opus-5-5", "anthropic") is not None
    assert catalog.find("claude-opus-5-5", "openai") is None
    assert catalog.find("no-such-model") is None


def test_find_resolves_openrouter_ids_at_the_vendor_price() -> None:
    catalog = load_catalog()
    listed = catalog.find("anthropic/claude-sonnet-5-5")
    assert listed.provider == "openrouter"
    assert listed.prices == catalog.find("claude-sonnet-5-5").prices
    assert "OpenRouter" in listed.tier_reason

    unlisted = catalog.find("Google/Gemini-2.5-Pro", "openrouter")
    direct = catalog.find("gemini-2.5-pro")
    assert (unlisted.id, unlisted.provider) == ("google/gemini-2.5-pro", "openrouter")
    assert (unlisted.prices, unlisted.tier, unlisted.tags) == (direct.prices, direct.tier, direct.tags)

    assert catalog.find("meta-llama/llama-9") is None
    assert catalog.find("openai/gpt-6-astra", "groq") is None


def test_a_groq_id_that_looks_like_openrouter_stays_groq() -> None:
    assert load_catalog().find("openai/gpt-oss-120b").provider == "groq"


@pytest.mark.parametrize("name", ARENA_MODELS)
def test_legacy_arena_models_are_found_by_their_column_names(name: str) -> None:
    catalog = load_catalog()
    for spelling in (name, name.upper(), name.lower()):
        info = catalog.find(spelling)
        assert info is not None and info.id == name and info.legacy, spelling


def test_legacy_names_are_those_of_the_arena_table() -> None:
    with shared_path("data/routing/dev/arena_models.csv").open(newline="", encoding="utf-8") as handle:
        header = next(csv.reader(handle))
    assert {column.removeprefix("score:") for column in header if column.startswith("score:")} == set(ARENA_MODELS)


def test_legacy_models_are_listed_only_when_asked() -> None:
    catalog = load_catalog()
    legacy = {info.id for info in catalog.models(include_legacy=True) if info.legacy}
    assert legacy == set(ARENA_MODELS)
    assert not legacy & {info.id for info in catalog.models()}
    assert not set(catalog.default_room) & legacy


def test_legacy_tiers_follow_their_standing() -> None:
    catalog = load_catalog()
    tier = {name: catalog.find(name).tier for name in ARENA_MODELS}
    assert tier["gpt-4-turbo"] == 5
    assert tier["gpt-4-0314"] > tier["claude-instant-1"] > tier["Mistral-7B-Instruct-v0.1"]
    assert tier["palm-2-chat-bison-001"] == 1


def test_load_catalog_reads_once() -> None:
    assert load_catalog() is load_catalog()


def test_the_catalog_imports_nothing_heavy() -> None:
    """`bytechat route` loads the catalog on start-up, which must stay well under 0.2 s."""
    probe = (
        "import sys\n"
        "from bytechat_tui.pricing.catalog import load_catalog\n"
        "from bytechat_tui.pricing.cost import request_cost\n"
        "load_catalog()\n"
        "heavy = {'textual', 'rich', 'httpx', 'keyring', 'tiktoken', 'numpy', 'platformdirs'}\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in heavy))\n"
    )
    result = subprocess.run([sys.executable, "-c", probe], cwd=REPO, check=True, capture_output=True, text=True)
    assert result.stdout.strip() == "[]"
