"""Every key of the app, by id: its default keys, what it does, and the user's `[keybindings]` remap.

Ids are the API: the help screen lists them, the config remaps them (`escalate = "e"`, or several
keys as `"f5,ctrl+e"`), and Textual's keymap swaps the keys of every `Binding` carrying that id.
Three ids belong to the input widget, which handles them in its own key handler so they stay in
order with typed characters (STYLE.md #8): it asks `keys_for(app, "send")` for the keys to use.

A remap that names an unknown id or a key Textual cannot produce is left out and reported, never a
crash: a typo in the config must not lock a person out of their chat.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.keys import KEY_NAME_REPLACEMENTS, Keys, _character_to_key, format_key, key_to_character

from bytechat_tui.config import did_you_mean

if TYPE_CHECKING:
    from textual.app import App


@dataclass(frozen=True, slots=True)
class KeySpec:
    """One binding id."""

    id: str
    keys: str
    """Default keys, comma-separated Textual key names."""
    description: str
    action: str | None
    """The action an app-level `Binding` runs; None for keys the input widget handles itself."""
    priority: bool = False
    """Only for keys that never type a character and must work even in the input (quit, palette, keys)."""
    screen: str | None = None
    """The one screen whose own key this is (`screen_bindings` gives it there); None: the app's or the chat's."""


KEY_SPECS: tuple[KeySpec, ...] = (
    KeySpec("send", "enter", "Send the message (in the input)", None),
    KeySpec("newline", "ctrl+j,shift+enter", "Insert a line break (in the input)", None),
    KeySpec("history_prev", "up", "Recall the previous message (in the input, from its first line)", None),
    KeySpec("escalate", "r", "Re-ask the strongest bot (focused or latest answer)", "screen.escalate"),
    KeySpec("cancel", "escape", "Stop the streaming answer, keeping what arrived", "screen.cancel"),
    KeySpec("why", "w", "Show or hide why the answer went to its bot", "screen.toggle_why"),
    KeySpec("room_panel", "ctrl+r", "Show or hide the room panel (bots, prices, keys)", "screen.toggle_room_panel"),
    # Priority: the input (a TextArea) would take ctrl+k as "delete to the end of the line".
    KeySpec("keys", "ctrl+k", "Add, replace, remove or check API keys", "app.manage_keys", priority=True),
    KeySpec("help", "f1,question_mark", "Show this list of keys", "app.help"),
    KeySpec("palette", "ctrl+p", "Open the command palette", "app.command_palette", priority=True),
    KeySpec("new_chat", "ctrl+n", "Start a new chat in the same room", "screen.new_chat"),
    KeySpec("copy_answer", "y", "Copy the answer to the clipboard", "screen.copy_answer"),
    KeySpec("copy_code", "c", "Copy the answer's last code block", "screen.copy_code"),
    KeySpec("quit", "ctrl+q", "Quit", "app.quit", priority=True),
    KeySpec("focus_input", "i", "Put the cursor in the message input", "screen.focus_input"),
    # History. Ctrl keys the message input leaves alone, so they work while typing without priority.
    KeySpec("conversations", "ctrl+o", "Show or hide the list of conversations (open, rename, delete)", "app.conversations"),
    KeySpec("search", "ctrl+f", "Search every conversation; Enter jumps to the message", "app.search"),
    KeySpec("savings", "ctrl+s", "Show or hide what routing saved: per day, by bot, escalations", "app.savings"),
    # Keys of one screen each: the same key may mean something else on another screen.
    KeySpec("conversation_new", "n", "Conversations: start a new chat", "new_chat", screen="conversations"),
    KeySpec("conversation_rename", "r,f2", "Conversations: rename the highlighted one", "rename", screen="conversations"),
    KeySpec("conversation_delete", "d,delete", "Conversations: delete the highlighted one (asks first)", "delete", screen="conversations"),
    KeySpec("savings_span", "d", "Savings: show 7, 30 or 90 days", "next_span", screen="savings"),
    KeySpec("welcome_keys", "k", "Welcome: add an API key", "choose('keys')", screen="welcome"),
    KeySpec("welcome_demo", "d", "Welcome: open the demo room", "choose('demo')", screen="welcome"),
)
"""Keys that type a character (r, w, y, c, i, ?) act only when the input does not have focus:
Textual drops a binding whose key the focused input consumes."""

SPECS_BY_ID: dict[str, KeySpec] = {spec.id: spec for spec in KEY_SPECS}

_MODIFIERS = frozenset({"ctrl", "shift", "alt", "meta", "super", "hyper"})
_NAMED_KEYS = frozenset(key.value for key in Keys if "+" not in key.value) | frozenset(
    {"newline", *KEY_NAME_REPLACEMENTS.values()}
)


HISTORY_IDS = ("conversations", "search", "savings")
"""Each opens a modal screen, which blocks the app's bindings: those screens bind these ids again,
so the key that opened one closes it, and the others switch to theirs."""


def app_bindings(ids: Collection[str] | None = None) -> list[Binding]:
    """The app's `Binding`s, one per key of each id that the app (not the input) handles; only
    those of `ids` when given (for a modal screen that should still answer them)."""
    return [
        _binding(spec)
        for spec in KEY_SPECS
        if spec.action is not None and spec.screen is None and (ids is None or spec.id in ids)
    ]


def screen_bindings(screen: str) -> list[Binding]:
    """The `Binding`s of the keys that belong to `screen` alone (its actions, remappable by id)."""
    return [_binding(spec) for spec in KEY_SPECS if spec.screen == screen]


def _binding(spec: KeySpec) -> Binding:
    return Binding(spec.keys, spec.action or "", spec.description, show=False, priority=spec.priority, id=spec.id)


@dataclass(frozen=True, slots=True)
class ResolvedKeymap:
    """The keys in force for each id, and what was wrong with the user's remap."""

    keys: dict[str, tuple[str, ...]]
    """Every id with its keys after the remap, in Textual's long form ("question_mark", not "?")."""
    overrides: dict[str, str]
    """The valid part of the remap, as Textual's `App.set_keymap` takes it."""
    problems: tuple[str, ...]


def resolve_keymap(remap: Mapping[str, str]) -> ResolvedKeymap:
    """Apply `[keybindings]` (id -> "key" or "key1,key2") to the defaults, keeping only what is valid."""
    problems: list[str] = []
    overrides: dict[str, str] = {}
    for binding_id, value in remap.items():
        if binding_id not in SPECS_BY_ID:
            problems.append(
                f'[keybindings] has an unknown id "{binding_id}"{did_you_mean(binding_id, list(SPECS_BY_ID))}; '
                f"the ids are {', '.join(SPECS_BY_ID)}."
            )
            continue
        keys = [key.strip() for key in value.split(",") if key.strip()]
        bad = [key for key in keys if not is_valid_key(key)]
        if not keys or bad:
            what = f'"{bad[0]}" is not a key' if bad else "no key is given"
            problems.append(
                f'[keybindings] {binding_id} = "{value}": {what} (examples: "e", "ctrl+e", "f5", '
                f'"escape"); {binding_id} keeps {describe_keys(_split(SPECS_BY_ID[binding_id].keys))}.'
            )
            continue
        overrides[binding_id] = ",".join(normalize_key(key) for key in keys)
    resolved = {spec.id: _split(overrides.get(spec.id, spec.keys)) for spec in KEY_SPECS}
    problems.extend(_clashes(resolved, overrides))
    return ResolvedKeymap(resolved, overrides, tuple(problems))


def _clashes(resolved: Mapping[str, tuple[str, ...]], overrides: Mapping[str, str]) -> list[str]:
    """A sentence for each remapped key that another id active on the same screen also uses:
    Textual would give it to one of them only."""
    owners: dict[str, list[str]] = {}
    for binding_id, keys in resolved.items():
        for key in keys:
            owners.setdefault(key, []).append(binding_id)
    problems = []
    for key, ids in owners.items():
        for index, first in enumerate(ids):
            clashing = [other for other in ids[index + 1 :] if _share_a_screen(first, other)]
            if clashing and any(binding_id in overrides for binding_id in (first, *clashing)):
                problems.append(
                    f"[keybindings] gives {format_key(key)} to {' and '.join([first, *clashing])}; a key can do "
                    "one thing on a screen, so remap one of them to another key."
                )
                break
    return problems


def _screens_of(binding_id: str) -> frozenset[str] | None:
    """The screens where the id's key acts (a history id's screen is named as the id); None: all."""
    spec = SPECS_BY_ID[binding_id]
    if spec.priority:
        return None
    if spec.screen is not None:
        return frozenset({spec.screen})
    return frozenset({"chat", *HISTORY_IDS}) if binding_id in HISTORY_IDS else frozenset({"chat"})


def _share_a_screen(first: str, second: str) -> bool:
    screens, others = _screens_of(first), _screens_of(second)
    return screens is None or others is None or bool(screens & others)


def is_valid_key(key: str) -> bool:
    """Whether Textual can report `key` ("e", "ctrl+e", "shift+f5", "question_mark", "?")."""
    *modifiers, name = normalize_key(key).split("+")
    if not name or any(modifier not in _MODIFIERS for modifier in modifiers):
        return False
    return len(name) == 1 or name in _NAMED_KEYS or key_to_character(name) is not None


def normalize_key(key: str) -> str:
    """Textual's long form: "?" -> "question_mark"; other keys as they are."""
    key = key.strip()
    return _character_to_key(key) if len(key) == 1 else key


def describe_keys(keys: tuple[str, ...]) -> str:
    """Keys as the help and the notices show them: "f1 or ?"."""
    return " or ".join(format_key(key) for key in keys) if keys else "no key"


def keys_for(app: App[object], binding_id: str) -> tuple[str, ...]:
    """The keys in force for `binding_id` in `app` (its remap if it has one, else the defaults).

    For the input widget's own key handler: `event.key in keys_for(self.app, "send")`.
    """
    resolved = getattr(app, "keymap_keys", None)
    if isinstance(resolved, Mapping) and binding_id in resolved:
        return tuple(resolved[binding_id])
    return _split(SPECS_BY_ID[binding_id].keys)


def key_hint(app: App[object], binding_id: str) -> str:
    """The id's first key as a hint beside what it does shows it: "k", "ctrl+o"."""
    keys = keys_for(app, binding_id)
    return format_key(keys[0]) if keys else "no key"


def _split(keys: str) -> tuple[str, ...]:
    return tuple(normalize_key(key) for key in keys.split(",") if key.strip())

