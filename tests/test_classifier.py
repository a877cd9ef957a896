"""`assess`: what a person would expect of the grades, follow-ups and the escalation floor."""

from __future__ import annotations

from bytechat_tui.routing.classifier import TYPICAL_REQUEST, Turn, assess, tier_for

CODE_REQUEST = (
    "Write a Python function that parses an ISO 8601 duration string such as P3DT4H and returns "
    "the number of seconds. Handle malformed input and include unit tests."
)


def test_scores_are_probabilities_and_tiers_follow_them() -> None:
    for message in ("hi", CODE_REQUEST, "x" * 50_000):
        assessment = assess(message)
        assert 0.0 <= assessment.score <= 1.0
        assert assessment.needed_tier == tier_for(assessment.score)
    assert [tier_for(s) for s in (0.0, 1.0)] == [1, 5]
    assert [tier_for(s) for s in (0, 1)] == [1, 5]  # an int score compares as a number too
    assert tier_for(0.5, (0.1, 0.5, 0.9, 0.95)) == 3  # a score on a threshold reaches its tier


def test_small_talk_is_easy_and_a_code_request_is_hard() -> None:
    easy, hard = assess("hi"), assess(CODE_REQUEST)
    assert easy.needed_tier == 1 and "small talk" in easy.reasons
    assert hard.needed_tier >= 3 and {"asks for code", "programming topic"} & set(hard.reasons)
    assert "code" in hard.needed_tags and not easy.needed_tags


def test_an_easy_code_question_does_not_demand_a_code_specialist() -> None:
    easy = assess("fix this code: print 'hi'")
    assert easy.needed_tier < 3 and "code" not in easy.needed_tags


def test_difficulty_orders_as_a_person_would() -> None:
    ordered = [
        "thanks!",
        "What is the capital of France?",
        "Prove that the square root of 2 is irrational.",
        CODE_REQUEST,
    ]
    scores = [assess(message).score for message in ordered]
    assert scores == sorted(scores)


def test_reasons_are_words_and_include_the_size() -> None:
    assessment = assess(CODE_REQUEST)
    assert 2 <= len(assessment.reasons) <= 5
    assert f"{assessment.message_tokens} tokens" in assessment.reasons
    assert assess("hi").reasons == ("small talk", "short request", "1 token")


def test_a_message_nothing_pushed_up_is_called_typical_not_explained_by_its_size() -> None:
    # With every threshold at 0, even a message whose features point down reaches tier 5.
    assessment = assess("what do you think about this", thresholds=(0.0, 0.0, 0.0, 0.0))
    assert assessment.needed_tier == 5
    assert assessment.reasons[0] == TYPICAL_REQUEST and assessment.reasons[-1].endswith("tokens")
    # A message something did push up is explained by that, not called typical.
    code = assess("write a python function that parses ISO dates", thresholds=(0.0, 0.0, 0.0, 0.0))
    assert TYPICAL_REQUEST not in code.reasons


def test_a_follow_up_inherits_the_difficulty_of_what_it_follows() -> None:
    alone = assess("now make it faster")
    history = [Turn("user", CODE_REQUEST), Turn("assistant", "def parse(text): ...", tier=4)]
    follow = assess("now make it faster", history)
    assert follow.follow_up and not alone.follow_up
    assert follow.score >= 0.85 * assess(CODE_REQUEST).score > alone.score
    assert follow.reasons[0] == "follow-up to a hard question"


def test_a_new_unrelated_question_does_not_inherit() -> None:
    history = [Turn("user", CODE_REQUEST), Turn("assistant", "...", tier=4)]
    fresh = assess("What is the capital of France and how many people live there today?", history)
    assert not fresh.follow_up


def test_an_escalation_keeps_a_floor_for_three_messages() -> None:
    history: list[Turn] = [
        Turn("user", "hi"),
        Turn("assistant", "hello", tier=1),
        Turn("assistant", "Hello! How can I help?", tier=5, escalated=True),
    ]
    first = assess("thanks", history)
    assert first.needed_tier == 5 and first.floor_tier == 5
    assert first.reasons[0] == "conversation escalated to tier 5 the last message"
    for _ in range(3):
        history += [Turn("user", "ok"), Turn("assistant", "ok", tier=5)]
    assert assess("thanks", history).needed_tier == 1


def test_input_tokens_count_the_history_that_will_be_sent() -> None:
    history = [Turn("system", "You are terse.", tokens=5), Turn("user", "hi", tokens=1), Turn("assistant", "hey", tokens=2)]
    assessment = assess("and you?", history)
    assert assessment.input_tokens == assessment.message_tokens + 8
    assert assessment.tokens_estimated


def test_huge_prompts_need_long_context() -> None:
    assessment = assess("word " * 120_000)
    assert "long-context" in assessment.needed_tags
    assert assessment.input_tokens > 100_000
