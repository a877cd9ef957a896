"""The room panel: every bot of the room with its provider, tier, prices and whether it has a key.

Enter or a click on a bot asks to switch it on or off; the panel only says so (`BotToggled`) and
shows whatever room it is given next (`refresh_room`): the conversation owns the room.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.content import Content
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from bytechat_tui.pricing.cost import usd
from bytechat_tui.room import Bot, Room
from bytechat_tui.text_safety import neutralise
from bytechat_tui.vendors import VENDORS

KEY_OK = "✓"
KEY_MISSING = "✗"


class RoomPanel(OptionList):
    """A list of the room's bots; Enter or a click switches the highlighted bot on or off."""

    DEFAULT_CSS = """
    RoomPanel {
        dock: right;
        width: 46;
        height: 1fr;
        border: round $primary 50%;
        border-title-color: $primary;
        padding: 0 1;
    }
    """

    @dataclass
    class BotToggled(Message):
        """The user asked to switch `bot_name` on (`enabled`) or off for routing."""

        panel: RoomPanel
        bot_name: str
        enabled: bool

        @property
        def control(self) -> RoomPanel:
            return self.panel

    def __init__(
        self,
        room: Room,
        key_status: Mapping[str, bool],
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """`key_status` maps a bot name to True when its key is there (or it needs none)."""
        super().__init__(name=name, id=id, classes=classes)
        self.room = room
        self.key_status: dict[str, bool] = dict(key_status)

    def on_mount(self) -> None:
        self.refresh_room(self.room, self.key_status)

    def refresh_room(self, room: Room, key_status: Mapping[str, bool]) -> None:
        """Show `room` (its bots' enabled flags included), keeping the highlighted row."""
        self.room = room
        self.key_status = dict(key_status)
        self.border_title = Content(f"Room {neutralise(room.name)}")  # a str title would be markup
        self.border_subtitle = "enter: on/off"
        highlighted = self.highlighted
        rows: list[Option | None] = []
        for bot in room.bots:
            rows += [None] if rows else []  # a rule between bots
            rows.append(Option(self._row(bot), id=bot.name))
        self.set_options(rows)
        if room.bots:
            self.highlighted = min(highlighted or 0, len(room.bots) - 1)

    def _row(self, bot: Bot) -> Content:
        """Three lines: key mark and name, provider and tier, prices. Names are never markup."""
        has_key = self.key_status.get(bot.name, False)
        vendor = VENDORS.get(bot.provider)
        template = (
            ("[$success]$mark[/]" if has_key else "[$error]$mark[/]")
            + (" [b]$name[/]" if bot.enabled else " [strike dim]$name[/] [$warning]off[/]")
            + "\n[$text-muted]$provider · tier $tier\n$price_in in · $price_out out /M tok[/]"
        )
        return Content.from_markup(
            template,
            mark=KEY_OK if has_key else KEY_MISSING,
            name=neutralise(bot.display_name or bot.name),
            provider=vendor.label if vendor else bot.provider,
            tier=str(bot.tier),
            price_in=usd(bot.prices.input),
            price_out=usd(bot.prices.output),
        )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        bot = next((bot for bot in self.room.bots if bot.name == event.option.id), None)
        if bot is not None:
            self.post_message(self.BotToggled(self, bot.name, not bot.enabled))
