"""The first-run welcome: what keys were found, and three ways on — add a key, the demo, or the chat.

Shown when no key is found anywhere (environment, keyring, a local Ollama). It does nothing itself:
it dismisses with the person's choice ("keys", "demo" or "chat") and the app acts on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from bytechat_tui.keys import KeyEntry
from bytechat_tui.ui.keymap import key_hint, screen_bindings
from bytechat_tui.vendors import VENDORS

WelcomeChoice = Literal["keys", "demo", "chat"]


@dataclass(frozen=True, slots=True)
class KeyFindings:
    """Where keys were looked for, and what was found."""

    entries: list[KeyEntry] = field(default_factory=list)
    """`KeyStore.list()`: each provider with its key, if any, from the keyring or the environment."""
    keyring_problem: str | None = None
    """Why the keyring cannot be used (with advice), when it cannot."""
    ollama_url: str = ""
    ollama_models: list[str] = field(default_factory=list)
    """Models of a local Ollama; empty when none answered."""

    @property
    def any_key(self) -> bool:
        """Whether the user can chat with something: a key found, or a local model."""
        return bool(self.ollama_models) or any(entry.found is not None for entry in self.entries)

    def describe(self) -> Text:
        """The findings as the welcome lists them."""
        text = Text()
        keyring = [entry for entry in self.entries if entry.found is not None and entry.found.source == "keyring"]
        environment = [entry for entry in self.entries if entry.found is not None and entry.found.source == "env"]
        text.append("Keyring: ", "bold")
        if keyring:
            text.append(", ".join(f"{entry.name} {entry.found.secret.hint}" for entry in keyring if entry.found))
        elif self.keyring_problem is not None:
            reason = self.keyring_problem.split("\n", 1)[0].removeprefix("the OS keyring cannot be used: ")
            text.append(f"cannot be used ({reason.rstrip('.')}); keys can still come from the environment")
        else:
            text.append("no keys stored")
        text.append("\nEnvironment: ", "bold")
        if environment:
            text.append(", ".join(f"{entry.found.env_var} {entry.found.secret.hint}" for entry in environment if entry.found))
        else:
            variables = [variable for vendor in VENDORS.values() for variable in vendor.env_vars]
            text.append(f"none of {', '.join(variables[:3])}, … is set")
        text.append("\nLocal Ollama: ", "bold")
        if self.ollama_models:
            text.append(f"{len(self.ollama_models)} model(s) at {self.ollama_url}: {', '.join(self.ollama_models[:4])}")
        else:
            text.append(f"nothing answers at {self.ollama_url}")
        return text


class WelcomeScreen(Screen[WelcomeChoice]):
    """Dismissed with "keys", "demo" or "chat"."""

    DEFAULT_CSS = """
    WelcomeScreen { align: center middle; }
    WelcomeScreen > Vertical {
        width: 84;
        max-width: 95%;
        height: auto;
        border: round $primary;
        background: $surface;
        padding: 1 2;
    }
    WelcomeScreen #welcome-title { text-style: bold; color: $primary; margin-bottom: 1; }
    WelcomeScreen #welcome-findings { margin: 1 0; }
    WelcomeScreen Horizontal { height: auto; margin-top: 1; }
    WelcomeScreen Button { margin-right: 2; }
    """

    BINDINGS = [
        *screen_bindings("welcome"),
        Binding("escape", "choose('chat')", "Continue", show=False),
    ]

    def __init__(self, findings: KeyFindings) -> None:
        super().__init__()
        self.findings = findings

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static(Text("Welcome to ByteChat"), id="welcome-title")
            yield Static(
                Text(
                    "ByteChat sends each message to the cheapest bot of your room that can answer it well, "
                    "and shows what that cost and saved. It needs an API key for at least one provider, "
                    "or a local model. It looked for keys here:"
                )
            )
            yield Static(self.findings.describe(), id="welcome-findings")
            yield Static(
                Text(
                    "Add a key (kept in the OS keyring, never in a file), or try the demo room: three bots "
                    "answered on this machine, offline, free."
                )
            )
            with Horizontal():
                yield Button(f"Add a key ({key_hint(self.app, 'welcome_keys')})", id="welcome-keys", variant="primary")
                yield Button(f"Try the demo ({key_hint(self.app, 'welcome_demo')})", id="welcome-demo", variant="success")
                yield Button("Continue (esc)", id="welcome-chat")

    def on_mount(self) -> None:
        self.query_one("#welcome-keys", Button).focus()

    @on(Button.Pressed, "#welcome-keys")
    def _keys(self) -> None:
        self.dismiss("keys")

    @on(Button.Pressed, "#welcome-demo")
    def _demo(self) -> None:
        self.dismiss("demo")

    @on(Button.Pressed, "#welcome-chat")
    def _chat(self) -> None:
        self.dismiss("chat")

    def action_choose(self, choice: WelcomeChoice) -> None:
        self.dismiss(choice)
