"""The command palette (ctrl+p): namespaced commands, "room: …", "bot: …", "theme: …", "history: …".

The list is built afresh each time the palette opens, from the app as it is then (the room's bots
and whether each is on, the registered themes), so it never offers a command that no longer fits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.markup import escape

if TYPE_CHECKING:
    from bytechat_tui.app import ByteChatApp


DIAL_SHARES = (0.05, 0.1, 0.2, 0.35, 0.5)
"""Settings of the thrift ↔ quality dial offered in the palette; config sets any other."""


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    text: str
    """Namespaced: "bot: disable opus"."""
    help: str
    run: Callable[[], Any]


def palette_commands(app: ByteChatApp) -> list[PaletteCommand]:
    """Every command that applies now, in the order the palette lists them before anything is typed."""
    screen_action = app.run_screen_action
    commands = [
        PaletteCommand("chat: new chat", "Start a new chat in the same room", partial(screen_action, "new_chat")),
        PaletteCommand("copy: answer", "Copy the focused (or latest) answer", partial(screen_action, "copy_answer")),
        PaletteCommand(
            "copy: last code block", "Copy the last code block of the answer", partial(screen_action, "copy_code")
        ),
        PaletteCommand("keys: manage keys", "Add, replace, remove or check API keys", app.action_manage_keys),
        PaletteCommand("history: conversations", "Open, rename or delete a kept conversation", app.action_conversations),
        PaletteCommand("history: search", "Search every conversation, jump to the message", app.action_search),
        PaletteCommand("history: savings", "Spend and savings per day and by bot, escalation rate", app.action_savings),
        PaletteCommand(
            "history: export as Markdown",
            "Write this conversation to a .md file (totals, and per answer bot, tokens, cost, saving)",
            partial(app.export_conversation, "md"),
        ),
        PaletteCommand(
            "history: export as JSON",
            "Write this conversation to a .json file (every routing decision and reply)",
            partial(app.export_conversation, "json"),
        ),
        PaletteCommand(
            "room: toggle room panel", "Show or hide the bots of the room", partial(screen_action, "toggle_room_panel")
        ),
        PaletteCommand(
            "routing: forget what r taught",
            f"Clear the memory of escalated and accepted answers ({len(app.memory)} kept)",
            app.forget_escalations,
        ),
    ]
    for share in DIAL_SHARES:
        commands.append(
            PaletteCommand(
                f"routing: dial {share:.0%} to the strongest tier",
                "Thrift ↔ quality: the share of messages the room's strongest bots get (this session)",
                partial(app.set_strongest_share, share),
            )
        )
    current = app.conversation.room.name if app.conversation is not None else None
    for name in app.room_names():
        if name != current:
            commands.append(PaletteCommand(f"room: switch to {name}", f"Chat in the room {name}", partial(app.switch_room, name)))
    if app.conversation is not None:
        for bot in app.conversation.room.bots:
            verb = "disable" if bot.enabled else "enable"
            commands.append(
                PaletteCommand(
                    f"bot: {verb} {bot.name}",
                    f"{'Stop routing to' if bot.enabled else 'Route again to'} {bot.display_name or bot.model}",
                    partial(app.set_bot_enabled, bot.name, not bot.enabled),
                )
            )
    # ByteChat's themes and the user's first, then Textual's own.
    themes = [*app.own_themes, *sorted(set(app.available_themes) - set(app.own_themes))]
    for theme in themes:
        if theme != app.theme:
            commands.append(PaletteCommand(f"theme: {theme}", "Use this theme (remembered)", partial(setattr, app, "theme", theme)))
    commands.append(PaletteCommand("help: keys", "Every key and what it does", app.action_help))
    commands.append(PaletteCommand("app: quit", "Quit ByteChat", app.exit))
    return commands


class ByteChatCommands(Provider):
    """All of `palette_commands`, fuzzy-matched against what is typed."""

    def _commands(self) -> Iterable[PaletteCommand]:
        from bytechat_tui.app import ByteChatApp

        return palette_commands(self.app) if isinstance(self.app, ByteChatApp) else ()

    async def discover(self) -> Hits:
        for command in self._commands():
            # The palette reads strings as markup; a theme or bot name from a user's file must not be.
            yield DiscoveryHit(Content(command.text), command.run, text=command.text, help=escape(command.help))

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.text)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(escape(command.text)), command.run, text=command.text, help=escape(command.help)
                )
