"""What the app remembers between runs: round trip, private files, and never a crash over a bad file."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from bytechat_tui.errors import UserError
from bytechat_tui.locations import data_dir
from bytechat_tui.state import HISTORY_ENTRY_LIMIT, HISTORY_LIMIT, AppState, load_state, save_state, state_path


def test_a_first_run_has_an_empty_state_and_writes_nothing() -> None:
    assert load_state() == AppState()
    assert not data_dir().exists()


def test_the_state_round_trips() -> None:
    state = AppState(theme="bytechat-light", last_room="work")
    state.set_bot_enabled("work", "opus", False)
    state.remember_prompt("héllo 🎉\nsecond line")
    save_state(state)
    assert load_state() == state
    assert load_state().disabled_bots == {"work": ["opus"]}


def test_the_file_is_private_in_a_private_directory() -> None:
    save_state(AppState(theme="x"))
    assert stat.S_IMODE(os.stat(data_dir()).st_mode) == 0o700
    assert stat.S_IMODE(os.stat(state_path()).st_mode) == 0o600


def test_saving_replaces_the_file_whole_and_leaves_no_temporary_file() -> None:
    save_state(AppState(theme="first"))
    save_state(AppState(theme="second"))
    assert load_state().theme == "second"
    assert sorted(path.name for path in data_dir().iterdir()) == ["state.json"]


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[1, 2, 3]",
        b'{"theme": 42}',
        b'{"disabled_bots": {"work": "opus"}}',
        b'{"prompt_history": ["ok", null]}',
        b"[" * 100_000,
    ],
)
def test_a_damaged_file_is_set_aside_and_the_app_starts_afresh(content: bytes) -> None:
    data_dir().mkdir(parents=True)
    state_path().write_bytes(content)
    assert load_state() == AppState()
    assert Path(f"{state_path()}.bad").read_bytes() == content
    save_state(AppState(theme="new"))
    assert load_state().theme == "new"


def test_keys_a_newer_version_added_are_ignored() -> None:
    data_dir().mkdir(parents=True)
    state_path().write_text(json.dumps({"theme": "dark", "some_future_setting": [1, 2]}))
    assert load_state() == AppState(theme="dark")


def test_the_prompt_history_keeps_the_last_200_without_repeats_or_huge_pastes() -> None:
    state = AppState()
    for number in range(HISTORY_LIMIT + 50):
        state.remember_prompt(f"prompt {number}")
    state.remember_prompt(f"prompt {HISTORY_LIMIT + 49}")
    state.remember_prompt("x" * (HISTORY_ENTRY_LIMIT + 1))
    state.remember_prompt("   ")
    assert len(state.prompt_history) == HISTORY_LIMIT
    assert state.prompt_history[0] == "prompt 50" and state.prompt_history[-1] == f"prompt {HISTORY_LIMIT + 49}"
    save_state(state)
    assert load_state().prompt_history == state.prompt_history


def test_a_longer_history_in_the_file_is_cut_to_the_last_200() -> None:
    data_dir().mkdir(parents=True)
    state_path().write_text(json.dumps({"prompt_history": [str(n) for n in range(500)]}))
    assert load_state().prompt_history == [str(n) for n in range(300, 500)]


def test_enabling_a_bot_again_forgets_it_was_disabled() -> None:
    state = AppState()
    state.set_bot_enabled("work", "opus", False)
    state.set_bot_enabled("work", "opus", False)
    state.set_bot_enabled("work", "mini", False)
    assert state.disabled_bots == {"work": ["opus", "mini"]}
    assert not state.is_bot_enabled("work", "opus") and state.is_bot_enabled("home", "opus")
    state.set_bot_enabled("work", "opus", True)
    state.set_bot_enabled("work", "mini", True)
    assert state.disabled_bots == {} and state.is_bot_enabled("work", "opus")


def test_an_unwritable_data_dir_is_a_sentence_not_a_crash(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("BYTECHAT_DATA_DIR", str(blocker / "data"))
    with pytest.raises(UserError, match="could not save the app's state"):
        save_state(AppState(theme="x"))
    assert load_state() == AppState()
