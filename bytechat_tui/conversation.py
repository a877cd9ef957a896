"""A conversation with a room: each message routed with what came before it, answered, priced.

The chat screen renders a `Conversation`; it never routes or prices anything itself. Keeping the
rules here (what context a message is routed and sent with, what an escalation re-asks, what the
session has spent and saved) lets the TUI, `bytechat ask` and history share one meaning of them.

An escalation (`r`) re-asks the strongest bot with exactly the context of the answer it replaces.
From then on the better answer stands in the conversation: later messages are sent with it, not
with the cheap one, and the router keeps the escalated tier for a few messages (the floor).

The routing modules are imported by the methods that route rather than at the top: the chat's
first screen is drawn without them, and the app loads them in the background right after.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, replace
from enum import Enum
from typing import TYPE_CHECKING, Protocol

from bytechat_tui.errors import UserError
from bytechat_tui.providers.events import ChatRequest, Event, Message, ReasoningDelta, Retrying, TextDelta
from bytechat_tui.providers.retry import RetryPolicy
from bytechat_tui.replies import Asking, KeyLookup, Reply, needs_key
from bytechat_tui.room import Bot, Room

if TYPE_CHECKING:
    from bytechat_tui.providers.shared_client import SharedClient
    from bytechat_tui.routing.classifier import Turn
    from bytechat_tui.routing.memory import EscalationMemory
    from bytechat_tui.routing.router import Route


class ExchangeState(Enum):
    QUEUED = "queued"
    """Routed, waiting for the answer before it to finish."""
    STREAMING = "streaming"
    DONE = "done"
    CUT = "cut"
    """Stopped early (Esc, or an error after part of the answer): what arrived is kept."""
    FAILED = "failed"
    """Ended with an error before any of the answer arrived."""


ENDED = frozenset({ExchangeState.DONE, ExchangeState.CUT, ExchangeState.FAILED})


ESCALATED = "escalated with r: the strongest bot"
ASKED_AGAIN = "asked again with r: already the strongest tier"
"""The why of an `r` on an answer from the room's top tier: the same tier answers once more."""


@dataclass(eq=False)
class Exchange:
    """One user message and the answer to it, or an escalation's second answer to the same message."""

    id: int
    text: str
    """The user's message, without a leading `@bot`."""
    route: Route
    escalation_of: int | None = None
    """The exchange whose message this re-asks with the strongest bot; None for a typed message."""
    state: ExchangeState = ExchangeState.QUEUED
    answer: str = ""
    """What has arrived so far; the whole answer once ended."""
    reasoning: str = ""
    reply: Reply | None = None
    """How the ask ended: bot, usage, cost, saving, error, failovers. None until then."""
    retry_note: str | None = None
    """"rate limited, retrying in 2 s" while the client waits to retry; None otherwise."""

    @property
    def bot(self) -> Bot:
        """The bot answering: the route's choice until a failover or the end says otherwise."""
        return self.reply.bot if self.reply is not None else self.route.chosen.bot

    @property
    def asked_again(self) -> bool:
        """An `r` on an answer that came from the top tier already: a second answer, not a stronger one."""
        return self.escalation_of is not None and self.route.why == ASKED_AGAIN


ChangeListener = Callable[[Exchange, Event | None], None]
"""Told of every event of a streaming exchange, and once more (with None) when it ends."""


class Recorder(Protocol):
    """Where a conversation is kept as it happens (history): told before, during and after each answer.

    Calls come from the event loop that streams the answer, so an implementation must return at
    once and write elsewhere (a thread), coalescing `progressed` calls.
    """

    def planned(self, exchange: Exchange) -> None:
        """A message was routed and is about to be sent (or queued): keep it before anything is sent."""

    def progressed(self, exchange: Exchange) -> None:
        """More of the answer arrived."""

    def ended(self, exchange: Exchange) -> None:
        """The answer ended: done, cut or failed, with its reply (usage, cost, error)."""


class Conversation:
    def __init__(
        self,
        room: Room,
        key_for: KeyLookup,
        *,
        system: str | None = None,
        floor_turns: int | None = None,
        http: SharedClient | None = None,
        policy: RetryPolicy = RetryPolicy(),
        recorder: Recorder | None = None,
        exchanges: list[Exchange] | None = None,
        strongest_share: float | None = None,
        memory: EscalationMemory | None = None,
    ) -> None:
        """`exchanges` resumes a stored conversation: new messages are routed and sent after them."""
        self.room = room
        self.system = system
        self.floor_turns = floor_turns
        """Messages the escalation floor lasts; None for the classifier's default."""
        self.strongest_share = strongest_share
        """The thrift ↔ quality dial (`routing.dial`); None keeps the fitted thresholds."""
        self.memory = memory
        """What the user's `r` presses taught (`routing.memory`); None routes on the classifier alone."""
        self.exchanges: list[Exchange] = list(exchanges or [])
        self.recorder = recorder
        self.key_for = key_for
        """The key a bot would send (None when the user has none): also what the room panel's ✓ shows."""
        self._http = http
        self._policy = policy
        self._scores = {e.id: e.route.assessment.score for e in self.exchanges if e.escalation_of is None}
        """Assessment score of each typed message, so follow-ups inherit without re-assessing."""

    def plan(self, text: str) -> Exchange:
        """Route `text` ("@bot text" forces a bot) after everything planned so far; it waits its turn."""
        from bytechat_tui.routing.router import split_forced

        forced, message = split_forced(text)
        decision = self._route(message, forced, self.exchanges)
        self._learn_from_silence()
        exchange = Exchange(id=self._next_id(), text=message, route=decision)
        self._scores[exchange.id] = decision.assessment.score
        self._add(exchange)
        return exchange

    def plan_escalation(self, exchange: Exchange | None = None) -> Exchange:
        """Re-ask the room's strongest bot the message `exchange` answered (default: the latest one)."""
        target = exchange or next((e for e in reversed(self.exchanges) if e.state in ENDED), None)
        if target is None:
            raise UserError("there is no answer to escalate yet")
        from bytechat_tui.routing.dial import top_tier
        from bytechat_tui.routing.router import route

        original = self._original(target)
        # An answer from the top tier already says nothing about routing: it is asked again, not escalated.
        again = original.bot.tier >= top_tier(self.room)
        if self.memory is not None and not again and original.escalation_of is None and not self._escalated(original):
            self.memory.remember(original.text, escalated=True)
        before = self.exchanges[: self.exchanges.index(original)]
        decision = self._route(original.text, None, before)
        strongest = decision.strongest
        escalated = replace(
            route(decision.assessment, self.room, forced=strongest.bot.name),
            why=ASKED_AGAIN if again else ESCALATED,
        )
        exchange = Exchange(id=self._next_id(), text=original.text, route=escalated, escalation_of=original.id)
        self._add(exchange)
        return exchange

    def estimate(self, text: str) -> Route:
        """Where `text` would go and what it would cost if sent now; nothing is added."""
        from bytechat_tui.routing.router import split_forced

        forced, message = split_forced(text)
        return self._route(message, forced, self.exchanges)

    def request_for(self, exchange: Exchange) -> ChatRequest:
        """What is sent: earlier messages with their standing answers, then this message.

        A message whose every answer failed is left out with it: providers want user and assistant
        turns to alternate, and an unanswered question is no context for the next one.
        """
        original = self._original(exchange)
        messages: list[Message] = []
        for earlier in self.exchanges[: self.exchanges.index(original)]:
            if earlier.escalation_of is not None:
                continue
            answer = self._standing_answer(earlier)
            if answer:
                messages += [Message("user", earlier.text), Message("assistant", answer)]
        messages.append(Message("user", original.text))
        return ChatRequest(messages=tuple(messages), system=self.system)

    async def run(self, exchange: Exchange, on_change: ChangeListener | None = None) -> Exchange:
        """Stream the answer into `exchange`; cancelling keeps what arrived, priced, as CUT."""

        def received(bot: Bot, event: Event) -> None:
            match event:
                case TextDelta(text=text):
                    exchange.answer += text
                    exchange.retry_note = None
                case ReasoningDelta(text=text):
                    exchange.reasoning += text
                case Retrying(delay=delay, reason=reason):
                    exchange.retry_note = f"{bot.name}: {reason}, retrying in {delay:.0f} s"
            if self.recorder is not None and isinstance(event, (TextDelta, ReasoningDelta)):
                self.recorder.progressed(exchange)
            if on_change is not None:
                on_change(exchange, event)

        asking = Asking(
            exchange.route,
            self.room,
            self.request_for(exchange),
            self.key_for,
            http=self._http,
            policy=self._policy,
            on_event=received,
        )
        exchange.state = ExchangeState.STREAMING
        try:
            reply = await asking.run()
        except asyncio.CancelledError:
            self._end(exchange, asking.reply(), on_change, cancelled=True)
            raise
        self._end(exchange, reply, on_change)
        return exchange

    def clear(self) -> None:
        """Start a new chat in the same room: nothing said so far is context any more."""
        self.exchanges.clear()
        self._scores.clear()

    def has_key(self, bot: Bot) -> bool:
        """Whether a request to `bot` can go out: it needs no key, or the user has one. Reads the keyring."""
        return not needs_key(bot) or self.key_for(bot) is not None

    def set_enabled(self, bot_name: str, enabled: bool) -> None:
        """Let routing use a bot of the room, or not; an answer already routed to it is unaffected."""
        bots = tuple(replace(bot, enabled=enabled) if bot.name == bot_name else bot for bot in self.room.bots)
        if not any(bot.name == bot_name for bot in bots):
            raise UserError(f'room "{self.room.name}" has no bot "{bot_name}"')
        self.room = replace(self.room, bots=bots)

    @property
    def spend_usd(self) -> float:
        return sum(exchange.reply.cost_usd for exchange in self.exchanges if exchange.reply is not None)

    @property
    def saved_usd(self) -> float:
        """Per typed message: its answer's tokens on the priciest bot, minus all it cost, escalations included.

        An escalation spends on top of the cheap answer, so a message escalated to the priciest bot
        comes out negative: the session figure is honest about what routing did, not flattering.
        """
        saved = 0.0
        for exchange in self.exchanges:
            if exchange.escalation_of is not None or exchange.reply is None:
                continue
            spent = exchange.reply.cost_usd + sum(
                other.reply.cost_usd
                for other in self.exchanges
                if other.escalation_of == exchange.id and other.reply is not None
            )
            saved += exchange.reply.priciest_cost_usd - spent
        return saved

    def _learn_from_silence(self) -> None:
        """The user moves on: the last cheap answer, not escalated, was good enough for its kind."""
        from bytechat_tui.routing.dial import top_tier

        last = next((e for e in reversed(self.exchanges) if e.escalation_of is None), None)
        if (
            self.memory is not None
            and last is not None
            and last.state is ExchangeState.DONE
            and not last.route.forced
            and last.bot.tier < top_tier(self.room)
            and not self._escalated(last)
        ):
            self.memory.remember(last.text, escalated=False)

    def _escalated(self, exchange: Exchange) -> bool:
        return any(other.escalation_of == exchange.id for other in self.exchanges)

    def _add(self, exchange: Exchange) -> None:
        self.exchanges.append(exchange)
        if self.recorder is not None:
            self.recorder.planned(exchange)

    def _route(self, message: str, forced: str | None, before: list[Exchange]) -> Route:
        from bytechat_tui.routing.classifier import DEFAULT_FLOOR_TURNS, assess
        from bytechat_tui.routing.dial import thresholds_for
        from bytechat_tui.routing.router import route

        if not message.strip():
            raise UserError("the message is empty")
        thresholds = thresholds_for(self.strongest_share, self.room)
        floor_turns = DEFAULT_FLOOR_TURNS if self.floor_turns is None else self.floor_turns
        assessment = assess(
            message, self._turns(before), floor_turns=floor_turns, thresholds=thresholds, memory=self.memory
        )
        return route(assessment, self.room, forced=forced)

    def _turns(self, exchanges: list[Exchange]) -> list[Turn]:
        """The conversation as the classifier sees it: follow-ups and the escalation floor."""
        from bytechat_tui.routing.classifier import Turn

        turns = [Turn("system", self.system)] if self.system else []
        for exchange in exchanges:
            if exchange.escalation_of is None:
                turns.append(Turn("user", exchange.text, score=self._scores.get(exchange.id)))
            turns.append(
                Turn(
                    "assistant",
                    exchange.answer,
                    tier=exchange.bot.tier,
                    escalated=exchange.escalation_of is not None,
                )
            )
        return turns

    def _standing_answer(self, exchange: Exchange) -> str:
        """The latest answer given to this message: an escalation's when there is one with text."""
        for other in reversed(self.exchanges):
            if other.escalation_of == exchange.id and other.answer:
                return other.answer
        return exchange.answer

    def _original(self, exchange: Exchange) -> Exchange:
        if exchange.escalation_of is None:
            return exchange
        return next(e for e in self.exchanges if e.id == exchange.escalation_of)

    def _next_id(self) -> int:
        return max((exchange.id for exchange in self.exchanges), default=0) + 1

    def _end(self, exchange: Exchange, reply: Reply, on_change: ChangeListener | None, cancelled: bool = False) -> None:
        exchange.reply = reply
        exchange.answer = reply.text
        exchange.reasoning = reply.reasoning
        exchange.retry_note = None
        if reply.ok and not cancelled:
            exchange.state = ExchangeState.DONE
        elif cancelled or reply.text or reply.reasoning:
            exchange.state = ExchangeState.CUT
        else:
            exchange.state = ExchangeState.FAILED
        if self.recorder is not None:
            self.recorder.ended(exchange)
        if on_change is not None:
            on_change(exchange, None)
