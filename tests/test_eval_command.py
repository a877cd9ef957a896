"""`bytechat eval` on small tables built here and on the public dev tables."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bytechat_tui.cli import main
from tests.conftest import shared_path


def eval_json(capsys: pytest.CaptureFixture[str], path: Path) -> dict:
    assert main(["eval", "--json", "--permutations", "200", str(path)]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_pair_table_where_hard_prompts_need_the_strong_model(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    hard = "Write a Python function that merges overlapping intervals, handle edge cases, and include tests."
    rows = ["prompt,weak,strong"]
    rows += [f'"{hard} Variant {i}.",1,9' for i in range(30)]
    rows += [f'"hi {i}",9,9' for i in range(30)]
    table = tmp_path / "pairs.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    report = eval_json(capsys, table)
    assert {"n", "apgr", "cpt50", "cpt80", "p_value", "random_band", "oracle_apgr"} <= report.keys()
    assert report["n"] == 60 and report["apgr"] > 0.7 and report["p_value"] < 0.01
    assert report["cpt50"] < 0.5 and report["oracle_apgr"] >= report["apgr"]


def test_a_bad_table_is_a_clear_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "bad.csv"
    table.write_text("prompt,weak,strong\nhello,1,high\n", encoding="utf-8")
    assert main(["eval", str(table)]) == 1
    assert "row 2" in capsys.readouterr().err
    table.write_text("question,answer\nx,y\n", encoding="utf-8")
    assert main(["eval", str(table)]) == 1
    assert "prompt" in capsys.readouterr().err


def test_a_many_model_table_compares_the_room_with_simple_policies(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "models.csv"
    table.write_text(
        "prompt,score:gpt-3.5-turbo,score:gpt-4-turbo,answer_chars:gpt-3.5-turbo,answer_chars:gpt-4-turbo\n"
        "hi,9,9,40,40\n"
        '"Write a Rust function that parses a CSV line with quoted fields and escapes, with tests.",2,9,900,1500\n',
        encoding="utf-8",
    )
    report = eval_json(capsys, table)
    policies = {p["policy"]: p for p in report["policies"]}
    singles = [name for name in policies if name.startswith("best single bot at no more cost")]
    assert set(policies) - set(singles) == {"room router (models)", "always strongest", "always cheapest", "random bot"}
    for name in singles:  # whatever bot it names cost no more than the router
        assert policies[name]["total_cost_usd"] <= policies["room router (models)"]["total_cost_usd"]
    assert policies["always strongest"]["mean_quality"] == 9.0
    assert policies["always cheapest"]["total_cost_usd"] < policies["always strongest"]["total_cost_usd"]
    assert sum(report["picks"].values()) == 2


@pytest.mark.parametrize("name", ["arena_gpt35_gpt4", "arena_mixtral_gpt4", "gsm8k_mixtral_gpt4"])
def test_the_router_beats_random_on_the_public_dev_tables(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    report = eval_json(capsys, shared_path(f"data/routing/dev/{name}.csv"))
    assert report["apgr"] > 0.5, report
    assert report["oracle_apgr"] > 0.8


def test_the_arena_room_table_resolves_every_model(capsys: pytest.CaptureFixture[str]) -> None:
    report = eval_json(capsys, shared_path("data/routing/dev/arena_models.csv"))
    assert report["n"] > 250 and len(report["policies"]) == 5


def test_price_overrides_in_config_apply_to_the_evaluated_room(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "models.csv"
    table.write_text(
        "prompt,score:gpt-3.5-turbo,score:gpt-4-turbo\nhi,9,9\n\"Explain monads with a Haskell example.\",5,9\n",
        encoding="utf-8",
    )
    before = {p["policy"]: p for p in eval_json(capsys, table)["policies"]}
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[models."gpt-4-turbo"]\nprice_in = 0.0\nprice_out = 0.0\n', encoding="utf-8")
    after = {p["policy"]: p for p in eval_json(capsys, table)["policies"]}
    assert before["always strongest"]["total_cost_usd"] > 0
    assert after["always strongest"]["total_cost_usd"] == 0
