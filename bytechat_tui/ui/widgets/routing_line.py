"""The one quiet line under an answer: who answered, why, what it cost and what it saved.

`mini · tier 2 · "short factual question" · 312→148 tok · $0.0003 · saved $0.0041 (93%) vs opus`

While the answer waits or streams the line says so (and relays retry notes); when the ask fails it
becomes a sentence naming the bot, what happened and what the user can do. Figures from counted
rather than reported tokens carry `≈`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from bytechat_tui.conversation import ExchangeState
from bytechat_tui.pricing.cost import usd
from bytechat_tui.providers.errors import ErrorKind, ProviderError
from bytechat_tui.replies import Reply
from bytechat_tui.room import Bot
from bytechat_tui.text_safety import neutralise

if TYPE_CHECKING:
    from bytechat_tui.routing.router import Route

SEPARATOR = " · "
VERSUS_PRICIEST = " vs the priciest"
CHEAPEST = "cheapest capable"
"""`Route.why` for an ordinary choice, whose top assessment reason says more than this does."""


def bot_label(bot: Bot) -> str:
    """How a bot is named on screen."""
    return bot.display_name or bot.name


def top_reason(route: Route) -> str:
    """The one reason quoted under an answer: the decisive assessment reason, or why the route is unusual."""
    reasons = route.assessment.reasons
    return reasons[0] if route.why == CHEAPEST and reasons else route.why


def error_sentence(error: ProviderError, strongest: Bot) -> str:
    """Which bot, what happened, what to do: `opus: overloaded (HTTP 529). Press r to ask …`."""
    ask_strongest = (
        f"press r to ask {bot_label(strongest)} again"
        if error.bot == strongest.name
        else f"press r to ask the strongest bot ({bot_label(strongest)})"
    )
    if error.kind is ErrorKind.AUTH:
        advice = f"press ctrl+k to add or fix the key, or {ask_strongest}"
    elif error.kind is ErrorKind.QUOTA:
        advice = f"check the account's billing, or {ask_strongest}"
    elif error.kind is ErrorKind.RATE_LIMIT and error.retry_after:
        advice = f"wait {error.retry_after:.0f} s, or {ask_strongest}"
    elif error.kind is ErrorKind.CONTEXT_TOO_LONG:
        advice = f"start a new chat with ctrl+n, or {ask_strongest}"
    else:
        advice = ask_strongest
    sentence = str(error).rstrip(".")
    return f"{sentence}. {advice[0].upper()}{advice[1:]}."


class RoutingLine(Widget):
    """Renders an exchange's route and reply; the answer widget sets the reactives as the stream moves."""

    DEFAULT_CSS = """
    RoutingLine {
        height: auto;
        padding: 0 2;
        color: $text-muted;
        &:hover { background: $boost; }
    }
    """

    state: reactive[ExchangeState] = reactive(ExchangeState.QUEUED, layout=True)
    reply: reactive[Reply | None] = reactive(None, layout=True)
    retry_note: reactive[str | None] = reactive(None, layout=True)
    thinking: reactive[bool] = reactive(False)
    """The bot streams reasoning and no answer text yet."""

    @dataclass
    class Clicked(Message):
        """The user clicked the line: they want to know why."""

        routing_line: RoutingLine

        @property
        def control(self) -> RoutingLine:
            return self.routing_line

    def __init__(self, route: Route) -> None:
        super().__init__()
        self.route = route
        self._height_for: tuple[tuple[object, ...], int] | None = None
        """The height last measured, with what it was measured for."""

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.post_message(self.Clicked(self))

    def render(self) -> Content:
        return self._content(self.size.width)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        # The summary is fitted to the width it gets (see `_summary`): its height is measured on that.
        # Kept until the line or the width changes: the log is laid out at every append of a
        # streaming answer, and every routing line in it asked again.
        key = (width, self.state, self.reply, self.retry_note, self.thinking)
        if self._height_for is None or self._height_for[0] != key:
            self._height_for = (key, self._content(width).get_height(self.styles, width) if width else 0)
        return self._height_for[1]

    def _content(self, width: int) -> Content:
        state, reply = self.state, self.reply
        chosen = self.route.chosen.bot
        if state is ExchangeState.QUEUED:
            return Content.assemble(
                ("waiting", "$text-warning"), f" — {bot_label(chosen)} answers when the answer above is done"
            )
        if reply is None:
            parts = [bot_label(chosen), f"tier {chosen.tier}", f'"{top_reason(self.route)}"']
            if self.retry_note:
                parts.append(neutralise(self.retry_note))
            else:
                parts.append("thinking…" if self.thinking else "streaming…")
            return Content(SEPARATOR.join(parts))
        if state is ExchangeState.FAILED and reply.error is not None:
            sentence = error_sentence(reply.error, self.route.strongest.bot)
            return Content.assemble((neutralise(sentence), "$text-error"), *self._failovers(reply))
        return self._summary(reply, state, width)

    def _summary(self, reply: Reply, state: ExchangeState, width: int) -> Content:
        """The line once the answer ended. Where it would wrap, the priciest bot's name gives way to
        "vs the priciest", then to nothing (the saving is always against that bot, and the why panel
        names it): one line, as promised, wherever it fits."""
        bot = reply.bot
        approx = "≈" if reply.estimated else ""
        parts: list[str | tuple[str, str]] = [
            f"{bot_label(bot)}{SEPARATOR}tier {bot.tier}{SEPARATOR}\"{top_reason(self.route)}\""
        ]
        usage = reply.usage
        if usage is None:
            # Stopped before anything of an answer arrived: nothing was billed, nothing to compare.
            return Content.assemble(*parts, SEPARATOR, ("cut: stopped before the answer began", "$text-warning"))
        prompt = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens
        parts.append(f"{SEPARATOR}{approx}{prompt:,}→{approx}{usage.output_tokens:,} tok")
        parts.append(f"{SEPARATOR}{approx}{usd(reply.cost_usd)}")
        versus = None
        if reply.priciest.name == bot.name:
            parts.append(f"{SEPARATOR}the priciest bot")
        else:
            saving = f"saved {approx}{usd(reply.saving_usd)} ({reply.saving_share:.0%})"
            versus = f" vs {bot_label(reply.priciest)}"
            parts += [SEPARATOR, (saving, "$text-success"), versus]
        if state is ExchangeState.CUT:
            why = "stopped with Esc" if reply.error is None else error_sentence(reply.error, self.route.strongest.bot)
            parts += [SEPARATOR, (neutralise(f"cut: {why}"), "$text-warning")]
        parts += self._failovers(reply)
        summary = Content.assemble(*parts)
        if versus is not None and 0 < width < summary.cell_length:
            at = parts.index(versus)
            for shorter in (VERSUS_PRICIEST, ""):
                parts[at] = shorter
                summary = Content.assemble(*parts)
                if summary.cell_length <= width:
                    break
        return summary

    @staticmethod
    def _failovers(reply: Reply) -> list[str]:
        return [f"{SEPARATOR}{neutralise(note)}" for note in reply.failovers]
