"""The savings view (ctrl+s): what routing saved over the last days, from the whole history.

At the top, the totals: spent, what the same tokens would have cost on the priciest bot, the
saving, and how often an answer was escalated with `r`. Then a chart of each day's spend and
saving, and a table of the bots that answered: how often, how many tokens, at what cost. The
figures are `History.stats`, as `bytechat stats` prints them; `d` changes the span.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from bytechat_tui.pricing.cost import usd
from bytechat_tui.storage import History, Stats
from bytechat_tui.text_safety import neutralise
from bytechat_tui.ui.keymap import HISTORY_IDS, app_bindings, key_hint, screen_bindings
from bytechat_tui.ui.widgets.savings_chart import SavingsChart

SPANS = (30, 7, 90)
"""Days shown, in the order `d` goes through them; the first is shown on opening."""


def totals_text(figures: Stats) -> Content:
    """`Spent $0.0123 · on the priciest bot (opus) the same tokens: $0.4567 · saved $0.4444 (97%)`."""
    if not figures.messages:
        return Content("No answers in these days yet: what each chat costs and saves is kept as it happens.")
    share = figures.saved_usd / figures.priciest_usd if figures.priciest_usd > 0 else 0.0
    against = ", ".join(neutralise(name) for name in figures.priciest_bots) or "the priciest bot"
    return Content.assemble(
        f"Spent {usd(figures.spend_usd)} · on the priciest bot ({against}) the same tokens would have cost "
        f"{usd(figures.priciest_usd)} · ",
        (f"saved {usd(figures.saved_usd)} ({share:.0%})", "bold $text-success"),
        f"\nEscalated with r: {figures.escalations} of {figures.messages} messages "
        f"({figures.escalation_rate:.0%})",
    )


def bots_table(figures: Stats) -> Table:
    """One row per bot (and model) that answered, most spent first; names are shown literally."""
    table = Table(box=None, padding=(0, 2), show_edge=False, header_style="bold")
    for name, justify in (("bot", "left"), ("model", "left"), ("answers", "right"), ("tokens in → out", "right"),
                          ("spent", "right")):  # fmt: skip
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    for use in figures.bots:
        approx = "≈" if use.estimated else ""
        table.add_row(
            Text(neutralise(use.bot)),
            Text(neutralise(use.model)),
            Text(f"{use.answers:,}"),
            Text(f"{approx}{use.input_tokens:,} → {approx}{use.output_tokens:,}"),
            Text(f"{approx}{usd(use.spend_usd)}"),
        )
    return table


class SavingsScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    SavingsScreen { align: center middle; }
    SavingsScreen > VerticalScroll {
        width: 112;
        max-width: 98%;
        height: 94%;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    SavingsScreen #savings-totals { height: auto; margin-bottom: 1; }
    SavingsScreen .savings--heading { text-style: bold; margin-top: 1; }
    SavingsScreen #savings-legend { color: $text-muted; }
    SavingsScreen #savings-bots { height: auto; }
    """

    BINDINGS = [
        Binding("escape,q", "dismiss(None)", "Close", show=False),
        *screen_bindings("savings"),
        *app_bindings(HISTORY_IDS),
    ]

    def __init__(self, history: History) -> None:
        super().__init__()
        self.history = history
        self.span = SPANS[0]
        self.figures: Stats | None = None
        """What is shown, once read."""

    def compose(self) -> ComposeResult:
        with VerticalScroll() as box:
            box.border_subtitle = f"{key_hint(self.app, 'savings_span')}: 7, 30 or 90 days · esc close"
            yield Static(Content("Reading the history…"), id="savings-totals")
            yield Static(Content("Per day"), classes="savings--heading")
            yield SavingsChart()
            yield Static(
                Content.assemble(
                    ("█", "$warning"), " spent  ", ("█", "$savings"), " saved: what the priciest bot would have cost, above it"
                ),
                id="savings-legend",
            )
            yield Static(Content("By bot"), classes="savings--heading")
            yield Static(id="savings-bots")

    def on_mount(self) -> None:
        self._read(self.span)

    def action_next_span(self) -> None:
        self.span = SPANS[(SPANS.index(self.span) + 1) % len(SPANS)]
        self._read(self.span)

    @work(thread=True, exclusive=True, group="savings")
    def _read(self, days: int) -> None:
        figures = self.history.stats(days)
        self.app.call_from_thread(self._show, figures)

    def _show(self, figures: Stats) -> None:
        self.figures = figures
        box = self.query_one(VerticalScroll)
        box.border_title = f"Savings · last {len(figures.days)} days"
        self.query_one("#savings-totals", Static).update(totals_text(figures))
        self.query_one(SavingsChart).days = figures.days
        bots = self.query_one("#savings-bots", Static)
        bots.update(bots_table(figures) if figures.bots else Content("No bot has answered in these days."))
