"""The routing rule of PRODUCT.md, on rooms whose prices make each case unambiguous."""

from __future__ import annotations

import pytest

from bytechat_tui.errors import UserError
from bytechat_tui.pricing.catalog import Prices
from bytechat_tui.room import Bot, Room
from bytechat_tui.routing.classifier import Assessment
from bytechat_tui.routing.router import route, split_forced


def bot(name: str, tier: int, price_in: float, price_out: float, context: int = 100_000, **extra: object) -> Bot:
    return Bot(
        name=name,
        provider="openai",
        model=name,
        prices=Prices(input=price_in, output=price_out),
        context_window=context,
        max_output=8_000,
        tier=tier,
        tags=frozenset(extra.pop("tags", ())),  # type: ignore[arg-type]
        **extra,  # type: ignore[arg-type]
    )


def need(tier: int, tags: frozenset[str] = frozenset(), input_tokens: int = 1000, output_tokens: int = 500) -> Assessment:
    return Assessment(
        score=0.5,
        needed_tier=tier,
        needed_tags=tags,
        input_tokens=input_tokens,
        message_tokens=input_tokens,
        output_tokens=output_tokens,
        tokens_estimated=True,
        reasons=("test",),
    )


ROOM = Room(
    "test",
    (
        bot("nano", 1, 0.05, 0.4),
        bot("mini", 2, 0.25, 2.0, tags={"code"}),
        bot("sonnet", 4, 2.0, 10.0, tags={"code"}),
        bot("opus", 5, 4.0, 20.0, tags={"code"}),
    ),
)


def test_the_cheapest_capable_bot_wins_and_savings_are_against_the_priciest() -> None:
    decision = route(need(2), ROOM)
    assert decision.chosen.bot.name == "mini"
    assert decision.runner_up is not None and decision.runner_up.bot.name == "sonnet"
    assert decision.strongest.bot.name == "opus" and decision.priciest.bot.name == "opus"
    mini_cost = (1000 * 0.25 + 500 * 2.0) / 1e6
    opus_cost = (1000 * 4.0 + 500 * 20.0) / 1e6
    assert decision.chosen.cost_usd == pytest.approx(mini_cost)
    assert decision.saving_usd == pytest.approx(opus_cost - mini_cost)
    assert decision.saving_share == pytest.approx(1 - mini_cost / opus_cost)
    assert [option.bot.name for option in decision.capable] == ["mini", "sonnet", "opus"]


def test_a_needed_tag_excludes_bots_without_it() -> None:
    assert route(need(1, frozenset({"code"})), ROOM).chosen.bot.name == "mini"
    assert route(need(1), ROOM).chosen.bot.name == "nano"


def test_a_request_that_does_not_fit_the_context_goes_to_a_bigger_bot() -> None:
    room = Room("ctx", (bot("small", 3, 0.1, 0.1, context=4_000), bot("big", 3, 1.0, 1.0, context=200_000)))
    assert route(need(1, input_tokens=3_800, output_tokens=500), room).chosen.bot.name == "big"
    assert route(need(1, input_tokens=1_000, output_tokens=500), room).chosen.bot.name == "small"


def test_equal_costs_go_to_the_higher_tier() -> None:
    room = Room("tie", (bot("low", 2, 1.0, 1.0), bot("high", 3, 1.0, 1.0)))
    assert route(need(1), room).chosen.bot.name == "high"


def test_with_no_capable_bot_the_strongest_answers_and_says_so() -> None:
    room = Room("weak", (bot("a", 1, 0.1, 0.1), bot("b", 2, 0.2, 0.2)))
    decision = route(need(5), room)
    assert decision.chosen.bot.name == "b" and decision.why.startswith("no bot is capable")
    assert decision.capable == () and decision.runner_up is None


def test_the_strongest_is_the_highest_tier_and_ties_go_to_the_priciest() -> None:
    room = Room("two-fives", (bot("cheap5", 5, 1.0, 1.0), bot("dear5", 5, 3.0, 3.0), bot("t4", 4, 9.0, 9.0)))
    decision = route(need(1), room)
    assert decision.strongest.bot.name == "dear5"
    assert decision.priciest.bot.name == "t4"


def test_disabled_bots_are_never_chosen() -> None:
    room = Room("off", (bot("nano", 1, 0.05, 0.4, enabled=False), bot("mini", 2, 0.25, 2.0)))
    assert route(need(1), room).chosen.bot.name == "mini"
    with pytest.raises(UserError, match="no enabled bot"):
        route(need(1), Room("none", (bot("nano", 1, 0.05, 0.4, enabled=False),)))


def test_a_forced_bot_is_used_even_when_a_cheaper_one_is_capable() -> None:
    forced, message = split_forced("@opus   hello there")
    assert (forced, message) == ("opus", "hello there")
    decision = route(need(1), ROOM, forced=forced)
    assert decision.chosen.bot.name == "opus" and decision.why == "forced by @opus"
    assert decision.saving_usd == 0
    with pytest.raises(UserError, match="nano, mini, sonnet, opus"):
        route(need(1), ROOM, forced="gpt")


def test_an_at_sign_without_a_message_is_not_a_forced_bot() -> None:
    assert split_forced("@opus") == (None, "@opus")
    assert split_forced("email me @ home") == (None, "email me @ home")
