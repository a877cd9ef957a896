"""`bytechat route`, run in-process as a person would run it."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bytechat_tui.cli import main

REQUIRED_KEYS = {
    "bot", "model", "provider", "tier", "needed_tier", "score", "reasons",
    "estimated_cost_usd", "strongest", "priciest", "estimated_saving_usd",
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_json_has_every_documented_key_and_says_the_room_is_the_default(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "route", "--json", "Prove that there are infinitely many primes")
    decision = json.loads(out)
    assert code == 0 and REQUIRED_KEYS <= decision.keys()
    assert decision["room"] == "default" and "default room" in err
    assert 0 <= decision["score"] <= 1 and decision["reasons"]
    assert decision["estimated_saving_usd"] == pytest.approx(
        decision["priciest"]["estimated_cost_usd"] - decision["estimated_cost_usd"], abs=1e-7
    )


def test_text_output_names_the_bot_reasons_and_saving(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "route", "hi")
    assert code == 0
    assert "small talk" in out and "saves" in out and "tier 1" in out


def test_a_configured_room_is_used_and_a_bot_can_be_forced(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        'default_room = "main"\n[rooms.main]\nbots = ["haiku", "opus"]\n'
        '[bots.haiku]\nprovider = "anthropic"\nmodel = "claude-haiku-5-5"\n'
        '[bots.opus]\nprovider = "anthropic"\nmodel = "claude-opus-5-5"\n',
        encoding="utf-8",
    )
    code, out, err = run(capsys, "route", "--json", "hi")
    assert code == 0 and json.loads(out)["bot"] == "haiku" and "default room" not in err
    code, out, _ = run(capsys, "route", "--json", "@opus hi")
    assert json.loads(out)["bot"] == "opus" and json.loads(out)["why"] == "forced by @opus"
    code, _, err = run(capsys, "route", "--room", "nope", "hi")
    assert code == 1 and "nope" in err and "main" in err


def test_the_message_can_come_from_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("def f(x):\n    return x\nwhy does this fail with TypeError?\n"))
    code, out, _ = run(capsys, "route", "--json", "-")
    assert code == 0 and json.loads(out)["input_tokens"] > 5


def test_an_empty_message_is_a_clear_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "route", "   ")
    assert code == 1 and "empty" in err


def test_room_demo_routes_in_the_demo_room_unless_the_config_has_a_room_of_that_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "route", "--json", "--room", "demo", "hi")
    decision = json.loads(out)
    assert code == 0 and err == ""
    assert decision["room"] == "demo" and decision["bot"] == "demo-lite"
    assert decision["strongest"]["bot"] == "demo-frontier"

    config = tmp_path / "config" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(
        '[rooms.demo]\nbots = ["haiku"]\n[bots.haiku]\nprovider = "anthropic"\nmodel = "claude-haiku-5-5"\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "route", "--json", "--room", "demo", "hi")
    assert code == 0 and json.loads(out)["bot"] == "haiku"
