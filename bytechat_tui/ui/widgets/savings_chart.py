"""Spend and savings per day as a bar chart of block characters, one column per day.

Each bar is what the day's answers would have cost on the priciest bot (or what they cost, when
escalations made that more); its lower part, in the spent colour, is what they cost, and the rest,
in the savings colour, is what routing saved. Heights are drawn in eighths of a cell (▁▂▃▄▅▆▇█); a
cell where spending ends and saving begins shows the spent eighths over the savings colour.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget

from bytechat_tui.pricing.cost import usd
from bytechat_tui.storage import Day

EIGHTHS = " ▁▂▃▄▅▆▇█"
AXIS_WIDTH = 10
"""Room for the value labels left of the bars ("$12.3456 ┤")."""


class SavingsChart(Widget):
    """Renders `days` (oldest first); height is the bars' plus the date row."""

    DEFAULT_CSS = """
    SavingsChart { height: 12; }
    SavingsChart > .savings-chart--spent { color: $warning; }
    SavingsChart > .savings-chart--saved { color: $savings; }
    SavingsChart > .savings-chart--axis { color: $text-muted; }
    """

    COMPONENT_CLASSES = {"savings-chart--spent", "savings-chart--saved", "savings-chart--axis"}

    days: reactive[tuple[Day, ...]] = reactive((), layout=False)

    def render(self) -> Text:
        days = self.days
        bar_rows = max(1, self.size.height - 1)
        if not days:
            return Text("")
        width = max(1, self.size.width - AXIS_WIDTH)
        column = max(1, min(6, width // len(days)))
        bar = max(1, column - 1) if column > 1 else 1
        scale = max(max(day.priciest_usd, day.spend_usd) for day in days)
        spent_style = self.get_component_rich_style("savings-chart--spent")
        saved_style = self.get_component_rich_style("savings-chart--saved")
        axis = self.get_component_rich_style("savings-chart--axis")
        heights = [_eighths(day, scale, bar_rows) for day in days]
        lines: list[Text] = []
        for row in range(bar_rows):
            level = (bar_rows - 1 - row) * 8
            label = usd(scale) if row == 0 else ("$0" if row == bar_rows - 1 else "")
            line = Text(f"{label:>{AXIS_WIDTH - 2}} ┤", style=axis)
            for spent, whole in heights:
                cell, style = _cell(spent - level, whole - level, spent_style, saved_style)
                line.append(cell * bar, style)
                line.append(" " * (column - bar))
            lines.append(line)
        lines.append(Text(" " * AXIS_WIDTH) + _date_row(days, column, axis))
        return Text("\n").join(lines)


def _eighths(day: Day, scale: float, rows: int) -> tuple[int, int]:
    """Heights of the spent part and the whole bar, in eighths of a cell; a day with any answer shows."""
    if scale <= 0 or not day.answers:
        return 0, 0
    spent = round(rows * 8 * day.spend_usd / scale)
    whole = max(1, spent, round(rows * 8 * max(day.priciest_usd, day.spend_usd) / scale))
    return spent, whole


def _cell(spent: int, whole: int, spent_style: Style, saved_style: Style) -> tuple[str, Style]:
    """One cell of a bar, given how many eighths of it the spent part and the whole bar fill."""
    spent, whole = max(0, min(8, spent)), max(0, min(8, whole))
    if spent >= 8:
        return EIGHTHS[8], spent_style
    if spent > 0:
        # Spending ends in this cell: its eighths over the savings colour when the bar goes on.
        background = saved_style.color if whole > spent else None
        return EIGHTHS[spent], spent_style + Style(bgcolor=background)
    return EIGHTHS[whole], saved_style


def _date_row(days: Sequence[Day], column: int, style: Style) -> Text:
    """The first, middle and last day's dates ("05-12") under their columns, where there is room."""
    row = [" "] * (len(days) * column)
    for index in sorted({0, len(days) // 2, len(days) - 1}):
        label = days[index].day.strftime("%m-%d")
        start = min(index * column, len(row) - len(label))
        if start >= 0 and all(cell == " " for cell in row[max(0, start - 1) : start + len(label) + 1]):
            row[start : start + len(label)] = label
    return Text("".join(row), style=style)
