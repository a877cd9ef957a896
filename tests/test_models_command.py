"""`bytechat models`: the catalog as a table a person can read, or as JSON."""

from __future__ import annotations

import argparse
import json

import pytest

from bytechat_tui.cli import main
from bytechat_tui.commands import models
from bytechat_tui.errors import UserError
from bytechat_tui.pricing.catalog import load_catalog


def run_models(capsys: pytest.CaptureFixture[str], *options: str) -> str:
    parser = argparse.ArgumentParser()
    models.register(parser.add_subparsers())
    args = parser.parse_args(["models", *options])
    assert args.run(args) == 0
    return capsys.readouterr().out


def table_rows(output: str) -> list[list[str]]:
    """The data rows of the table, split into cells (tags are the trailing cells)."""
    lines = output.splitlines()[2:]  # the date line, then the column header
    return [line.split() for line in lines if not line.startswith("legacy:")]


def test_the_header_states_the_catalog_date_and_source(capsys: pytest.CaptureFixture[str]) -> None:
    first_line = run_models(capsys).splitlines()[0]
    assert "2026-11" in first_line
    assert "litellm 1.109.1" in first_line
    assert "per million tokens" in first_line


def test_provider_filter_lists_only_that_provider(capsys: pytest.CaptureFixture[str]) -> None:
    rows = table_rows(run_models(capsys, "--provider", "Anthropic"))
    assert {row[1] for row in rows} == {"anthropic"}
    ids = {row[0] for row in rows}
    assert {"claude-opus-5-5", "claude-sonnet-5-5", "claude-haiku-5-5"} <= ids
    assert ids == {info.id for info in load_catalog().models("anthropic")}


def test_a_row_shows_tier_prices_context_and_tags(capsys: pytest.CaptureFixture[str]) -> None:
    rows = {row[0]: row for row in table_rows(run_models(capsys, "--provider", "anthropic"))}
    assert rows["claude-opus-5-5"][1:7] == ["anthropic", "5", "4.00", "20.00", "0.20", "1M"]
    assert set(rows["claude-opus-5-5"][7:]) == {"code", "long-context", "reasoning", "vision"}


def test_columns_are_aligned(capsys: pytest.CaptureFixture[str]) -> None:
    lines = run_models(capsys, "--provider", "openai").splitlines()[1:]
    tier_end = lines[0].index("tier") + len("tier")
    assert all(line[tier_end - 1].isdigit() and line[tier_end] == " " for line in lines[1:])


def test_an_unknown_provider_names_the_valid_ones(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(UserError, match="anthropic.*ollama"):
        run_models(capsys, "--provider", "acme")


def test_the_cli_reports_an_unknown_provider_as_a_sentence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["models", "--provider", "acme"]) == 1
    assert "unknown provider 'acme'" in capsys.readouterr().err


def test_legacy_models_appear_only_with_all(capsys: pytest.CaptureFixture[str]) -> None:
    plain = {row[0] for row in table_rows(run_models(capsys))}
    everything = {row[0] for row in table_rows(run_models(capsys, "--all"))}
    assert "gpt-4-0314" not in plain
    assert "gpt-4-0314" in everything
    assert plain < everything


def test_json_output_holds_the_filtered_models(capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads(run_models(capsys, "--provider", "openai", "--all", "--json"))
    assert document["date"] == "2026-11"
    assert {model["provider"] for model in document["models"]} == {"openai"}
    by_id = {model["id"]: model for model in document["models"]}
    assert by_id["gpt-4-0314"]["legacy"] is True
    assert by_id["gpt-6.1-sol"]["prices"]["long_context_threshold"] == 272_000
    assert set(by_id) == {info.id for info in load_catalog().models("openai", include_legacy=True)}
