"""The one-line status bar: the room, what this session spent and saved, and a short note.

Spend and savings tick with every answer, so they are reactives rendered by `render()`, never a
`Static.update()` (STYLE.md #9). Every part is plain `Text`: a room name or note is never markup.
"""

from __future__ import annotations

from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from bytechat_tui.pricing.cost import usd
from bytechat_tui.text_safety import neutralise


class StatusBar(Widget):
    """Room · spent · saved · note, docked at the bottom of the chat screen."""

    DEFAULT_CSS = """
    StatusBar {
        dock: bottom;
        height: 1;
        padding: 0 1;
        background: $panel;
        color: $text-muted;
    }
    StatusBar > .status-bar--room { color: $text; text-style: bold; }
    StatusBar > .status-bar--saved { color: $success; }
    StatusBar > .status-bar--note { color: $warning; }
    """
    # app.tcss colours the saving with the theme's own $savings variable.

    COMPONENT_CLASSES = {"status-bar--room", "status-bar--saved", "status-bar--note"}

    room_name: reactive[str] = reactive("")
    spend_usd: reactive[float] = reactive(0.0)
    """Session total of what ended answers cost."""
    saved_usd: reactive[float] = reactive(0.0)
    """Session total saved against always asking the priciest capable bot."""
    note: reactive[str] = reactive("")
    """A passing remark, e.g. "answer streaming — your message waits"; "" shows none."""

    def render(self) -> Text:
        room = self.get_component_rich_style("status-bar--room")
        if self.saved_usd >= 0:
            saving = (f"saved {usd(self.saved_usd)}", self.get_component_rich_style("status-bar--saved"))
        else:
            # Escalations re-asked pricier bots: say plainly that routing cost more, not "saved -$".
            warning = self.get_component_rich_style("status-bar--note")
            saving = (f"+{usd(-self.saved_usd)} vs the priciest (escalations)", warning)
        parts: list[tuple[str, object] | str] = [
            ("room ", ""),
            (neutralise(self.room_name) or "—", room),
            (f"  ·  spent {usd(self.spend_usd)}  ·  ", ""),
            saving,
        ]
        text = Text.assemble(*parts, no_wrap=True, overflow="ellipsis")  # type: ignore[arg-type]
        if self.note:
            text.append("  ·  ")
            text.append(neutralise(self.note), self.get_component_rich_style("status-bar--note"))
        return text

