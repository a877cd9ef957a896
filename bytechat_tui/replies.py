"""Asking a room: which bot answered, what it said, what it cost and what it saved.

Independent of any UI: `bytechat ask` prints a `Reply`, the chat screen renders one. This is where
the failover rule of the issue lives, so both behave the same:

- A bot that still fails after the client's own retries with a failover kind (overloaded, 5xx,
  timeout, connection, rate limit) before anything of its answer arrived hands the request to the
  next cheapest capable bot not yet tried, when the room's `failover` is on. The reply carries a
  note per hop ("claude-haiku: overloaded → answered by gpt-5-mini").
- Auth, quota and request errors never fail over: only the user can fix them, and the error
  sentence names the bot and the fix.
- An error after text or reasoning arrived keeps the partial answer and marks it cut; it never fails
  over, because the person has already read part of this answer.
- A bot that needs a key the user has not given is skipped as a routing decision, not a failure: a
  person holding keys for only some providers expects the room to use the bots they can use. The
  skip is therefore made whatever the room's `failover` setting, and noted like a hop ("opus: no key
  (`bytechat keys set anthropic`) → answered by mini"). A bot forced by name is never skipped nor failed over from: its
  missing key is the error. When no bot can be used, the error names the chosen bot's key.

Money follows PRODUCT.md: the provider's own cost when it sends one, else the catalog arithmetic on
the reported usage; the saving is the same tokens on the route's priciest bot minus that. When usage
never arrived, tokens are counted by us, the reply is marked `estimated`, and shown with `≈`.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import aclosing
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bytechat_tui.keys import Secret, env_hint, env_key_names
from bytechat_tui.pricing.cost import request_cost
from bytechat_tui.providers.errors import ErrorKind, ProviderError
from bytechat_tui.providers.events import ChatRequest, Event, Finish, ReasoningDelta, TextDelta, Usage
from bytechat_tui.providers.retry import RetryPolicy
from bytechat_tui.room import Bot, Room
from bytechat_tui.tokens import count_tokens
from bytechat_tui.vendors import VENDORS

if TYPE_CHECKING:
    from bytechat_tui.providers.shared_client import SharedClient
    from bytechat_tui.routing.router import Route

KeyLookup = Callable[[Bot], Secret | None]
"""The key to send for a bot (keyring, then environment), or None when the user has none."""

EventSink = Callable[[Bot, Event], None]
"""Called for every event as it arrives, with the bot that sent it (it changes on failover)."""


@dataclass(frozen=True, slots=True)
class Reply:
    bot: Bot
    """The bot that answered last: the one whose text this is, or whose error ended the ask."""
    text: str
    reasoning: str
    usage: Usage | None
    """The token counts the cost was computed from: the provider's, or ours when `estimated`;
    None when nothing of an answer arrived (nothing we could price was billed)."""
    finish: Finish | None
    cost_usd: float
    priciest: Bot
    """The route's priciest bot, which savings are measured against."""
    priciest_cost_usd: float
    """The same tokens on `priciest`."""
    saving_usd: float
    """`priciest_cost_usd - cost_usd`, never below zero."""
    saving_share: float
    """Saving as a share of the priciest cost (0 when that is free)."""
    estimated: bool
    """Usage never arrived: tokens were counted by us (request text in, partial text out)."""
    error: ProviderError | None
    cut: bool
    """The answer stopped early: an error or a cancellation after part of it arrived."""
    failovers: tuple[str, ...]
    """One note per bot that was passed over, in order."""

    @property
    def ok(self) -> bool:
        return self.error is None and not self.cut


def counted_usage(bot: Bot, input_tokens: int, text: str, reasoning: str) -> Usage:
    """Usage we count ourselves, for an answer whose provider never sent its own."""
    thinking = count_tokens(reasoning, bot.model).tokens if reasoning else 0
    answer = count_tokens(text, bot.model).tokens if text else 0
    return Usage(input_tokens=input_tokens, output_tokens=answer + thinking, reasoning_tokens=thinking)


def priced_reply(
    bot: Bot,
    priciest: Bot,
    text: str,
    reasoning: str,
    usage: Usage | None,
    *,
    finish: Finish | None,
    estimated: bool,
    error: ProviderError | None,
    cut: bool,
    failovers: tuple[str, ...],
) -> Reply:
    """A reply with its money worked out: the provider's cost or the catalog's, and the saving
    of these very tokens against the priciest bot. No usage means nothing was billed."""
    cost = priciest_cost = 0.0
    if usage is not None:
        tokens = (usage.input_tokens, usage.output_tokens, usage.cache_read_tokens, usage.cache_write_tokens)
        cost = usage.provider_cost_usd if usage.provider_cost_usd is not None else request_cost(bot.prices, *tokens)
        priciest_cost = request_cost(priciest.prices, *tokens)
    saving = max(0.0, priciest_cost - cost)
    return Reply(
        bot=bot,
        text=text,
        reasoning=reasoning,
        usage=usage,
        finish=finish,
        cost_usd=cost,
        priciest=priciest,
        priciest_cost_usd=priciest_cost,
        saving_usd=saving,
        saving_share=saving / priciest_cost if priciest_cost > 0 else 0.0,
        estimated=estimated,
        error=error,
        cut=cut,
        failovers=failovers,
    )


def key_name(bot: Bot) -> str:
    """The keyring entry (or provider) whose key the bot sends."""
    return bot.key_name or bot.provider


def needs_key(bot: Bot) -> bool:
    """Whether a request to `bot` is pointless without a key: its vendor needs one or the user named one."""
    return VENDORS[bot.provider].needs_key or bot.key_name is not None


def missing_key(bot: Bot, others_too: bool = False) -> ProviderError:
    name = key_name(bot)
    how = f"run `bytechat keys set {name}`" + (f" or set {env_hint(name)}" if env_key_names(name) else "")
    either = ", and no other capable bot of the room has one either" if others_too else ""
    return ProviderError(ErrorKind.AUTH, f"there is no API key for {name}{either}; {how}", bot=bot.name)


_FAILURE_WORDS = {
    ErrorKind.OVERLOADED: "overloaded",
    ErrorKind.RATE_LIMIT: "rate limited",
    ErrorKind.TIMEOUT: "timed out",
    ErrorKind.CONNECTION: "unreachable",
}


def _failure_words(error: ProviderError) -> str:
    """A few words for a failover note; the full sentence is for errors that end an ask."""
    if error.kind is ErrorKind.SERVER and error.status is not None:
        return f"HTTP {error.status}"
    return _FAILURE_WORDS.get(error.kind, error.kind.value.replace("_", " "))


@dataclass(frozen=True, slots=True)
class _Passed:
    """A bot the ask moved past, and why."""

    bot: Bot
    why: str
    tried: bool
    """False for a bot skipped for want of a key: no request was sent to it."""


class Asking:
    """One ask of a room, from the route's choice to the last bot tried.

    Kept as an object so a caller that cancels the ask (Esc in the chat, Ctrl+C in `bytechat ask`)
    can still price what arrived: `reply()` after the cancellation gives the cut reply.
    """

    def __init__(
        self,
        route: Route,
        room: Room,
        request: ChatRequest,
        key_for: KeyLookup,
        *,
        http: SharedClient | None = None,
        policy: RetryPolicy = RetryPolicy(),
        on_event: EventSink | None = None,
    ) -> None:
        self.route = route
        self.room = room
        self.request = request
        self._key_for = key_for
        self._http = http
        self._policy = policy
        self._on_event = on_event
        self.bot = route.chosen.bot
        self._text: list[str] = []
        self._reasoning: list[str] = []
        self._usage: Usage | None = None
        self._finish: Finish | None = None
        self._passed: list[_Passed] = []
        """Bots passed over, in the order the ask reached them."""
        self._last_error: ProviderError | None = None

    @property
    def started(self) -> bool:
        """Some of the answer has been shown: from then on the ask can no longer move to another bot."""
        return bool(self._text or self._reasoning)

    def candidates(self) -> list[Bot]:
        """The chosen bot, then (unless the user named it) every other capable bot, cheapest first."""
        chosen = self.route.chosen.bot
        if self.route.forced:
            return [chosen]
        return [chosen] + [option.bot for option in self.route.capable if option.bot.name != chosen.name]

    async def run(self) -> Reply:
        for bot in self.candidates():
            self.bot = bot
            # Looking a key up wakes the keyring (tens of ms): only for bots that use one.
            key = self._key_for(bot) if needs_key(bot) else None
            if key is None and needs_key(bot):
                if self.route.forced:
                    return self.reply(missing_key(bot))
                self._passed.append(_Passed(bot, f"no key (`bytechat keys set {key_name(bot)}`)", tried=False))
                continue
            try:
                await self._stream(bot, key)
            except ProviderError as error:
                if self.started or not (error.fails_over and self.room.failover):
                    return self.reply(error)
                self._passed.append(_Passed(bot, _failure_words(error), tried=True))
                self._last_error = error
                continue
            return self.reply()
        return self._exhausted()

    def _exhausted(self) -> Reply:
        """Every candidate failed over or had no key: the last bot tried ends the ask with its error."""
        if self._last_error is None:
            self.bot = self.route.chosen.bot
            self._passed.clear()
            return self.reply(missing_key(self.bot, others_too=len(self.candidates()) > 1))
        last = max(index for index, passed in enumerate(self._passed) if passed.tried)
        self.bot = self._passed[last].bot
        del self._passed[last:]
        return self.reply(self._last_error)

    async def _stream(self, bot: Bot, key: Secret | None) -> None:
        self._usage = self._finish = None  # anything a bot that failed over sent is not this answer's
        # Imported here, not at the top: it brings httpx, which the chat's first screen does without.
        from bytechat_tui.providers.client import stream_events

        http = self._http.get() if self._http is not None else None
        events = stream_events(bot, key, self.request, http=http, policy=self._policy)
        # aclosing: an error or a cancellation here closes the HTTP response at once.
        async with aclosing(events):
            async for event in events:
                match event:
                    case TextDelta(text=text):
                        self._text.append(text)
                    case ReasoningDelta(text=text):
                        self._reasoning.append(text)
                    case Usage():
                        self._usage = event
                    case Finish():
                        self._finish = event
                if self._on_event is not None:
                    self._on_event(bot, event)

    def reply(self, error: ProviderError | None = None) -> Reply:
        """The reply as it stands; after a cancellation mid-answer, a cut one."""
        text, reasoning = "".join(self._text), "".join(self._reasoning)
        usage, estimated = self._usage, False
        if usage is None and (self.started or self._finish is not None):
            parts = ([self.request.system] if self.request.system else []) + [m.text for m in self.request.messages]
            prompt_tokens = count_tokens("\n".join(parts), self.bot.model).tokens
            usage, estimated = counted_usage(self.bot, prompt_tokens, text, reasoning), True
        return priced_reply(
            self.bot,
            self.route.priciest.bot,
            text,
            reasoning,
            usage,
            finish=self._finish,
            estimated=estimated,
            error=error,
            cut=self.started and self._finish is None,
            failovers=self._notes(answered=error is None or self.started),
        )

    def _notes(self, answered: bool) -> tuple[str, ...]:
        """ "a: overloaded → tried b", "b: no key (...) → answered by c": each bot passed over,
        pointing at the next bot a request was really sent to."""
        notes = []
        for index, passed in enumerate(self._passed):
            target = next((later.bot for later in self._passed[index + 1 :] if later.tried), self.bot)
            verb = "answered by" if target is self.bot and answered else "tried"
            notes.append(f"{passed.bot.name}: {passed.why} → {verb} {target.name}")
        return tuple(notes)
