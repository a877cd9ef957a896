"""The keymap's remap rules: which ids exist, what counts as a clash, and that keys of one screen are
free to mean something else on another."""

from __future__ import annotations

from bytechat_tui.ui.keymap import KEY_SPECS, app_bindings, resolve_keymap, screen_bindings


def test_a_key_of_another_screen_is_not_a_clash() -> None:
    # "d" deletes in the conversation list and changes the span in the savings view; the chat may use it too.
    resolved = resolve_keymap({"escalate": "d"})
    assert resolved.problems == ()
    assert resolved.keys["escalate"] == ("d",) and resolved.keys["conversation_delete"] == ("d", "delete")


def test_two_ids_of_one_screen_on_one_key_is_a_clash_that_is_said() -> None:
    resolved = resolve_keymap({"conversation_new": "r"})
    assert len(resolved.problems) == 1
    assert "conversation_new and conversation_rename" in resolved.problems[0] or (
        "conversation_rename and conversation_new" in resolved.problems[0]
    )


def test_a_history_key_clashes_with_the_screens_it_stays_active_on() -> None:
    # ctrl+o still works on the savings view (it switches to the list), so it cannot also change the span there.
    assert resolve_keymap({"savings_span": "ctrl+o"}).problems
    assert resolve_keymap({"palette": "n"}).problems  # a priority key acts everywhere


def test_screen_keys_are_bound_only_on_their_screen() -> None:
    screen_ids = {spec.id for spec in KEY_SPECS if spec.screen is not None}
    assert screen_ids == {binding.id for name in ("conversations", "savings", "welcome") for binding in screen_bindings(name)}
    assert not screen_ids & {binding.id for binding in app_bindings()}
